#include "http/authorization.h"

#include <algorithm>
#include <vector>

namespace huikuan::http {
namespace {

using P = Permission;

struct Grant {
  Role role;
  std::vector<Permission> permissions;
};

// THE authorization table. Every role is signed in; beyond that a role holds exactly what is
// listed. Auditors read everything, the audit log included, and change nothing. Admins keep
// users and the policy and make no decision about money. Amount limits on plans and approvals
// come from the policy's [[authority]] levels, checked by the approval use cases.
const Grant kGrants[] = {
    {Role::kCollector,
     {P::kSignedIn, P::kLedgerRead, P::kWorklistRead, P::kCaseWork, P::kPlanSubmit,
      P::kApprovalRead}},
    {Role::kSupervisor,
     {P::kSignedIn, P::kLedgerRead, P::kReportsRead, P::kWorklistRead, P::kCaseWork,
      P::kDisputeResolve, P::kPlanSubmit, P::kApprovalRead, P::kApprovalDecide, P::kPolicyRead}},
    {Role::kLegal,
     {P::kSignedIn, P::kLedgerRead, P::kReportsRead, P::kWorklistRead, P::kCaseWork,
      P::kDisputeResolve, P::kApprovalRead}},
    {Role::kDirector,
     {P::kSignedIn, P::kLedgerRead, P::kReportsRead, P::kWorklistRead, P::kCaseWork,
      P::kDisputeResolve, P::kPlanSubmit, P::kApprovalRead, P::kApprovalDecide, P::kPolicyRead,
      P::kPolicyWrite, P::kUserRead, P::kRunTrigger}},
    {Role::kGeneralManager,
     {P::kSignedIn, P::kLedgerRead, P::kReportsRead, P::kWorklistRead, P::kCaseWork,
      P::kDisputeResolve, P::kPlanSubmit, P::kApprovalRead, P::kApprovalDecide, P::kPolicyRead,
      P::kPolicyWrite, P::kUserRead, P::kRunTrigger}},
    {Role::kFinance,
     {P::kSignedIn, P::kLedgerRead, P::kReportsRead, P::kDisputeResolve, P::kApprovalRead,
      P::kImport}},
    {Role::kSales, {P::kSignedIn, P::kLedgerRead, P::kCaseWork}},
    {Role::kCredit, {P::kSignedIn, P::kLedgerRead, P::kReportsRead}},
    {Role::kAuditor,
     {P::kSignedIn, P::kLedgerRead, P::kReportsRead, P::kWorklistRead, P::kApprovalRead,
      P::kPolicyRead, P::kUserRead, P::kAuditRead}},
    {Role::kAdmin,
     {P::kSignedIn, P::kPolicyRead, P::kPolicyWrite, P::kUserRead, P::kUserWrite, P::kAuditRead,
      P::kRunTrigger}},
};

}  // namespace

std::string_view permission_name(Permission permission) {
  switch (permission) {
    case P::kPublic:
      return "public";
    case P::kSignedIn:
      return "signed_in";
    case P::kLedgerRead:
      return "ledger.read";
    case P::kReportsRead:
      return "reports.read";
    case P::kWorklistRead:
      return "worklist.read";
    case P::kCaseWork:
      return "cases.work";
    case P::kDisputeResolve:
      return "disputes.resolve";
    case P::kPlanSubmit:
      return "plans.submit";
    case P::kApprovalRead:
      return "approvals.read";
    case P::kApprovalDecide:
      return "approvals.decide";
    case P::kImport:
      return "imports.write";
    case P::kPolicyRead:
      return "policy.read";
    case P::kPolicyWrite:
      return "policy.write";
    case P::kUserRead:
      return "users.read";
    case P::kUserWrite:
      return "users.write";
    case P::kAuditRead:
      return "audit.read";
    case P::kRunTrigger:
      return "runs.trigger";
  }
  return "signed_in";
}

bool role_allows(Role role, Permission permission) {
  if (permission == P::kPublic) return true;
  for (const Grant& grant : kGrants) {
    if (grant.role == role) {
      return std::find(grant.permissions.begin(), grant.permissions.end(), permission) !=
             grant.permissions.end();
    }
  }
  return false;
}

}  // namespace huikuan::http

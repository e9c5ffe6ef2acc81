#pragma once
// Who may do what (issue 4, DOMAIN §1): one table of roles × permissions that a reader can
// audit, and each route names the permission it needs. The server enforces it for every
// request before a handler runs; data scope (which customers a collector or supervisor sees)
// is applied by the handlers through Scope, and a record outside it answers 404.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>

#include "ledger/identity.h"

namespace huikuan::http {

enum class Permission : uint8_t {
  kPublic,          //!< no sign-in: health, metrics, signing in
  kSignedIn,        //!< any signed-in user (their own session)
  kLedgerRead,      //!< customers, invoices, payments, the 360° view
  kReportsRead,     //!< aging, KPIs
  kWorklistRead,    //!< worklist and planned actions
  kCaseWork,        //!< contacts, promises, disputes; complete, skip, reschedule actions
  kDisputeResolve,  //!< resolve a dispute
  kPlanSubmit,      //!< propose payment plans (above the authority limit: an approval request)
  kApprovalRead,    //!< list approval requests
  kApprovalDecide,  //!< approve or reject (and the policy's authority level must suffice)
  kImport,          //!< upload ledger files
  kPolicyRead,
  kPolicyWrite,
  kUserRead,
  kUserWrite,  //!< create users, API tokens
  kAuditRead,  //!< the audit log and its verification
  kRunTrigger  //!< start the daily run or a snapshot refresh now
};

inline constexpr std::array<Permission, 17> kPermissions{
    Permission::kPublic,         Permission::kSignedIn,     Permission::kLedgerRead,
    Permission::kReportsRead,    Permission::kWorklistRead, Permission::kCaseWork,
    Permission::kDisputeResolve, Permission::kPlanSubmit,   Permission::kApprovalRead,
    Permission::kApprovalDecide, Permission::kImport,       Permission::kPolicyRead,
    Permission::kPolicyWrite,    Permission::kUserRead,     Permission::kUserWrite,
    Permission::kAuditRead,      Permission::kRunTrigger};

std::string_view permission_name(Permission permission);

//! Whether `role` holds `permission`: the table in authorization.cpp.
bool role_allows(Role role, Permission permission);

//! Which customers a user sees. Collectors see the customers assigned to their collector id,
//! supervisors those of their team's collectors (and their own), everyone else all.
struct Scope {
  bool all = false;
  std::unordered_set<std::string> collectors;  //!< customers.collector values in scope

  bool sees(std::string_view collector) const {
    return all || (!collector.empty() && collectors.contains(std::string(collector)));
  }
};

}  // namespace huikuan::http

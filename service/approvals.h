#pragma once
// Authority limits and approval requests (DOMAIN §7, issue 4). The policy's authority levels
// (`[[authority]]`, ascending) say up to what case amount each level may approve which kinds of
// decision; what is beyond the requester's own level becomes an approval request that a user
// at the required level or above approves or rejects. Every use case is one transaction, writes
// nothing when it fails, and records each status change in the audit log (entity "approval").
//
// Failures name a `field` the API can map to a status: "id" (no such request), "status" (not
// pending any more), "decided_by"/"requested_by" (this user may not decide or cancel it); the
// request's own fields ("kind", "customer_id", "currency", "amount", "payload") for bad input;
// record_plan's fields ("--invoice", "--installment", "--customer") when a plan is refused.
//
// Only installment plans are carried out here, on approval. Other kinds are records of the
// decision: finance or legal carry out an approved write-off, waiver or settlement in their
// systems, and the next ledger import brings the result back.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "ledger/approval.h"
#include "ledger/identity.h"
#include "ledger/policy.h"
#include "service/actor.h"
#include "service/collections.h"
#include "store/store.h"

namespace huikuan {

//! The position of `role`'s level in policy.authority (a level named like the role:
//! collector, supervisor, director, general_manager); nullopt for roles without one (legal,
//! finance, sales, credit, auditor, admin) or a level the policy does not define.
std::optional<size_t> authority_level_of(const Policy& policy, Role role);

struct AuthorityCheck {
  bool within = false;         //!< the requester may decide it alone
  std::string required_level;  //!< the lowest level that may decide it (the own one when within)
};

//! Whether `requester` may decide a `kind` of `amount` (minor units of `currency`) alone: their
//! level lists the kind in its approvals and the amount is under its max_case_amount (none =
//! any amount). Otherwise required_level is the lowest level that lists the kind and whose
//! limit covers the amount. Amounts in another currency are converted to the policy currency
//! with Policy::exchange_rate_micros (exact integers, rounded half up) only to compare them
//! with the limits. Fails on an unknown kind, a currency without a rate, an amount that is not
//! positive, or an amount no level may decide.
Result<AuthorityCheck> check_authority(const Policy& policy, Role requester, std::string_view kind,
                                       std::string_view currency, int64_t amount);

struct NewApproval {
  std::string kind;         //!< one of kApprovalKinds
  std::string customer_id;  //!< external id
  std::string currency;     //!< ISO 4217; "" = the customer's currency
  std::string amount;       //!< positive decimal in the currency's minor digits
  std::string note;
  //! JSON text or "". An installment_plan needs the plan (plan_request_json) for the same
  //! customer, currency and amount, and valid now (record_plan's checks).
  std::string payload;
};

//! Files a pending request; required_level is the lowest level that may decide it. The
//! requester is `actor` (requested_role = actor.role).
Result<Approval> request_approval(Store& store, const Policy& policy, const NewApproval& request,
                                  const Actor& actor);

//! Approves or rejects a pending request. The decider's level (`actor_role`) must be at or
//! above required_level, and the decider must not be its requester (same actor.name). Approving
//! an installment_plan records the plan in the same transaction (result_id = its id); if the
//! plan is no longer valid (say an invoice was paid meanwhile) the decision fails and nothing
//! is written. Returns the request as stored now.
Result<Approval> decide_approval(Store& store, const Policy& policy, int64_t id, bool approve,
                                 std::string note, const Actor& actor, Role actor_role);

//! Withdraws a pending request; only its requester may.
Result<void> cancel_approval(Store& store, int64_t id, std::string note, const Actor& actor);

//! What submit_plan did: recorded the plan, or asked for its approval.
struct PlanSubmission {
  std::optional<int64_t> plan_id;
  std::optional<Approval> approval;
};

//! A payment plan from someone in `role`: checked as record_plan checks it (a bad plan is
//! refused before anyone is asked to approve it); recorded at once when its total is within
//! the role's authority for installment_plan, otherwise filed as an approval request carrying
//! the plan (requested_role = role_name(role)). One transaction.
Result<PlanSubmission> submit_plan(Store& store, const Policy& policy, const PlanRequest& request,
                                   const Actor& actor, Role role);

//! The payload of an installment_plan request: {"customer_id": "C1", "invoice_ids": ["I1"],
//! "installments": [["2026-07-15", "500.00"], …], "note": "…"}.
std::string plan_request_json(const PlanRequest& request);
//! Reads that payload back; fails (field "payload") on anything else.
Result<PlanRequest> parse_plan_request(std::string_view json);

}  // namespace huikuan

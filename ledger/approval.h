#pragma once
// Approval requests (DOMAIN §7): what a user may not decide alone goes to a higher authority
// level — an extension, an installment plan, a write-off… Plain data, no I/O.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/timestamp.h"

namespace huikuan {

//! What can need approval: the names the policy's authority levels list in `approvals`.
inline constexpr std::array<std::string_view, 7> kApprovalKinds{
    "extension", "installment_plan", "interest_waiver", "settlement",
    "write_off", "legal_escalation", "bill_adjustment"};

//! The approval kinds, in the order above.
inline constexpr std::span<const std::string_view> approval_kinds() {
  return kApprovalKinds;
}

inline constexpr bool is_approval_kind(std::string_view kind) {
  for (std::string_view known : kApprovalKinds) {
    if (known == kind) return true;
  }
  return false;
}

enum class ApprovalStatus : uint8_t { kPending, kApproved, kRejected, kCancelled };

inline constexpr std::string_view approval_status_name(ApprovalStatus status) {
  switch (status) {
    case ApprovalStatus::kPending:
      return "pending";
    case ApprovalStatus::kApproved:
      return "approved";
    case ApprovalStatus::kRejected:
      return "rejected";
    case ApprovalStatus::kCancelled:
      return "cancelled";
  }
  return "pending";
}

//! The status named `name` ("pending", "approved", "rejected", "cancelled"), nullopt otherwise.
inline constexpr std::optional<ApprovalStatus> parse_approval_status(std::string_view name) {
  for (ApprovalStatus status : {ApprovalStatus::kPending, ApprovalStatus::kApproved,
                                ApprovalStatus::kRejected, ApprovalStatus::kCancelled}) {
    if (approval_status_name(status) == name) return status;
  }
  return std::nullopt;
}

//! A request for a decision above the requester's authority, and the decision once made.
struct Approval {
  int64_t id = 0;
  std::string kind;         //!< one of kApprovalKinds
  std::string customer_id;  //!< external id
  std::string currency;     //!< ISO 4217 code of `amount`
  int64_t amount = 0;       //!< minor units of `currency`, positive
  //! The lowest authority level (AuthorityLevel::level) that may decide it, fixed when asked.
  std::string required_level;
  std::string requested_by;
  std::string requested_role;  //!< a role_name(); "" when asked outside a signed-in session
  Timestamp requested_at;
  std::string note;
  //! JSON text: the request to carry out on approval ("" when there is nothing to carry out).
  std::string payload;
  ApprovalStatus status = ApprovalStatus::kPending;
  std::string decided_by;  //!< who approved, rejected or cancelled it; "" while pending
  std::string decided_role;
  std::optional<Timestamp> decided_at;
  std::string decision_note;
  std::optional<int64_t> result_id;  //!< what approving it created, e.g. the payment plan's id
};

}  // namespace huikuan

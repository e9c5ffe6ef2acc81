#pragma once
// Collection work on the ledger: planned actions, recorded contacts, promises to pay and
// disputes (DOMAIN §2, §8). Plain data, no I/O. Times are ISO 8601 text with offset.

#include <cstdint>
#include <string>
#include <vector>

#include "core/currency.h"
#include "core/date.h"

namespace huikuan {

enum class ActionKind : uint8_t {
  kReminder,  //!< before or on the due date
  kLetter,    //!< dunning letter, with a level
  kCall,
  kSms,
  kEmail,
  kVisit,
  kLawyerLetter,
  kLegalReview,
  kInternalAlert,  //!< to the collector or manager (WeCom, DingTalk, email)
};

enum class ActionStatus : uint8_t { kPlanned, kDone, kSkipped, kCancelled };

inline const char* action_kind_name(ActionKind kind) {
  switch (kind) {
    case ActionKind::kReminder:
      return "reminder";
    case ActionKind::kLetter:
      return "letter";
    case ActionKind::kCall:
      return "call";
    case ActionKind::kSms:
      return "sms";
    case ActionKind::kEmail:
      return "email";
    case ActionKind::kVisit:
      return "visit";
    case ActionKind::kLawyerLetter:
      return "lawyer_letter";
    case ActionKind::kLegalReview:
      return "legal_review";
    case ActionKind::kInternalAlert:
      return "internal_alert";
  }
  return "reminder";
}

inline const char* action_status_name(ActionStatus status) {
  switch (status) {
    case ActionStatus::kPlanned:
      return "planned";
    case ActionStatus::kDone:
      return "done";
    case ActionStatus::kSkipped:
      return "skipped";
    case ActionStatus::kCancelled:
      return "cancelled";
  }
  return "planned";
}

//! One planned piece of collection work, with the rule that produced it (explainable).
struct Action {
  int64_t id = 0;
  std::string customer_id;   //!< external id
  int64_t customer_key = 0;  //!< store id, when known
  ActionKind kind = ActionKind::kReminder;
  int32_t level = 0;                     //!< letter level, 0 otherwise
  std::string channel;                   //!< phone, email, sms, letter, visit, internal
  Date planned_for;                      //!< the run date that planned it
  std::string scheduled_at;              //!< ISO 8601 with the customer's offset
  std::vector<std::string> invoice_ids;  //!< external ids, as listed
  std::vector<int64_t> invoice_keys;     //!< store ids, as planned
  int64_t amount = 0;                    //!< collectible amount concerned, minor units
  Currency currency;
  std::string template_name;
  std::string assigned_to;
  ActionStatus status = ActionStatus::kPlanned;
  std::string rule;     //!< e.g. "letters[2]: 15-20 days overdue"
  std::string outcome;  //!< when done or skipped
};

//! A recorded contact with the customer (every contact is kept, DOMAIN §6).
struct Contact {
  int64_t id = 0;
  std::string customer_id;
  std::string channel;  //!< phone, email, sms, visit, letter
  std::string at;       //!< ISO 8601 with offset
  std::string outcome;  //!< reached, no_answer, promise, refused, wrong_number, …
  std::string note;
  std::string recorded_by;
};

//! Channels a contact can be recorded on.
inline const std::vector<std::string>& contact_channels() {
  static const std::vector<std::string> channels{"phone", "email", "sms", "visit", "letter"};
  return channels;
}

//! Outcome codes of a contact attempt.
inline const std::vector<std::string>& contact_outcomes() {
  static const std::vector<std::string> outcomes{
      "reached",        "no_answer", "busy",     "left_message", "wrong_number",
      "promise_to_pay", "refused",   "disputed", "callback",     "paid"};
  return outcomes;
}

enum class PromiseStatus : uint8_t { kOpen, kKept, kBroken, kCancelled };

inline const char* promise_status_name(PromiseStatus status) {
  switch (status) {
    case PromiseStatus::kOpen:
      return "open";
    case PromiseStatus::kKept:
      return "kept";
    case PromiseStatus::kBroken:
      return "broken";
    case PromiseStatus::kCancelled:
      return "cancelled";
  }
  return "open";
}

struct Promise {
  int64_t id = 0;
  std::string customer_id;
  int64_t amount = 0;  //!< minor units of `currency`
  Currency currency;
  Date promised_date;
  std::vector<std::string> invoice_ids;  //!< empty: the customer's oldest items
  PromiseStatus status = PromiseStatus::kOpen;
  std::string created_at;
  std::string recorded_by;
};

enum class PlanStatus : uint8_t { kOpen, kCompleted, kBroken, kCancelled };

inline const char* plan_status_name(PlanStatus status) {
  switch (status) {
    case PlanStatus::kOpen:
      return "open";
    case PlanStatus::kCompleted:
      return "completed";
    case PlanStatus::kBroken:
      return "broken";
    case PlanStatus::kCancelled:
      return "cancelled";
  }
  return "open";
}

//! One installment of a payment plan.
struct Installment {
  Date due;
  int64_t amount = 0;  //!< minor units of the plan's currency
};

//! A payment plan (分期): the customer pays the named invoices' open amount in installments,
//! whose dates replace the invoices' own due dates while the plan is open.
struct PaymentPlan {
  int64_t id = 0;
  std::string customer_id;
  Currency currency;
  std::vector<std::string> invoice_ids;   //!< external ids of the invoices it covers
  std::vector<Installment> installments;  //!< by due date; they sum to the covered open amount
  PlanStatus status = PlanStatus::kOpen;
  std::string note;
  std::string created_at;
  std::string recorded_by;

  //! What the installments add up to (checked against overflow when the plan was made).
  int64_t total() const {
    int64_t sum = 0;
    for (const Installment& installment : installments) sum += installment.amount;
    return sum;
  }
};

//! Objection reasons (DOMAIN §8).
inline const std::vector<std::string>& dispute_reasons() {
  static const std::vector<std::string> reasons{
      "quality_problem",    "invoice_error", "approval_delay",
      "goods_not_received", "price_dispute", "cash_flow_difficulty",
      "person_absent",      "already_paid",  "bill_not_received"};
  return reasons;
}

enum class DisputeStatus : uint8_t { kOpen, kResolved };

struct Dispute {
  int64_t id = 0;
  std::string invoice_id;
  std::string customer_id;
  int64_t amount = 0;  //!< disputed part, minor units of the invoice's currency
  std::string reason;  //!< one of dispute_reasons()
  std::string note;
  DisputeStatus status = DisputeStatus::kOpen;
  std::string opened_at;
  std::string respond_by;  //!< opened_at + the policy's response SLA
  std::string resolved_at;
  std::string resolution;  //!< upheld, rejected, credited…
  std::string recorded_by;
};

}  // namespace huikuan

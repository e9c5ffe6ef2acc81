#pragma once
// Use cases of a collector's day (DOMAIN §8): record a contact, a promise to pay, a dispute and
// its resolution. Each is one transaction, refuses bad input with a clear message and writes
// nothing then, and records who did what and when.

#include <optional>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/error.h"
#include "core/timestamp.h"
#include "engine/snapshot.h"
#include "engine/worklist.h"
#include "ledger/policy.h"
#include "service/actor.h"
#include "store/store.h"

namespace huikuan {

struct ContactRequest {
  std::string customer_id;
  std::string channel;  //!< one of contact_channels()
  std::string at;       //!< ISO 8601 with offset; not in the future
  std::string outcome;  //!< one of contact_outcomes()
  std::string note;
};
Result<int64_t> record_contact(Store& store, const ContactRequest& request, const Actor& actor);

struct PromiseRequest {
  std::string customer_id;
  std::string amount;                    //!< decimal in the currency
  std::optional<std::string> currency;   //!< default: the customer's currency
  std::string date;                      //!< YYYY-MM-DD, today or later
  std::vector<std::string> invoice_ids;  //!< optional; must be the customer's open invoices
};
//! Refuses an amount above what the customer (or the named invoices) owes today.
Result<int64_t> record_promise(Store& store, const PromiseRequest& request, const Actor& actor);

struct DisputeRequest {
  std::string invoice_id;
  std::string amount;  //!< decimal in the invoice's currency
  std::string reason;  //!< one of dispute_reasons()
  std::string note;
};
//! Refuses an amount above the invoice's open amount less what is already disputed; the
//! response is due `response_hours` after opening (policy: 48).
Result<int64_t> open_dispute(Store& store, const DisputeRequest& request, int response_hours,
                             const Actor& actor);

//! `resolution`: upheld, rejected or credited.
Result<void> resolve_dispute(Store& store, int64_t dispute_id, const std::string& resolution,
                             const std::string& note, const Actor& actor);

struct PlanRequest {
  std::string customer_id;
  std::vector<std::string> invoice_ids;  //!< the customer's open invoices, one currency
  std::vector<std::pair<std::string, std::string>> installments;  //!< (YYYY-MM-DD, amount)
  std::string note;
};
//! A payment plan: installments dated today or later, in date order, summing exactly to the
//! invoices' open amount today; an invoice can be under one open plan at a time.
Result<int64_t> record_plan(Store& store, const PlanRequest& request, const Actor& actor);
//! record_plan's two steps, for use cases that record a plan in their own transaction (an
//! approved plan, service/approvals.h); run both in one Store::transaction.
//! Checks `request` as record_plan does, writing nothing: the plan to insert, by `actor` now.
Result<PaymentPlan> check_plan(Store& store, const PlanRequest& request, const Actor& actor);
//! Inserts a plan check_plan made and its audit record; returns the plan's id.
int64_t write_plan(Store& store, const PaymentPlan& plan, const Actor& actor);
Result<void> cancel_plan(Store& store, int64_t plan_id, const Actor& actor);

//! Action `action_id` if it is still planned; else why not ("--id": unknown, or already
//! done, skipped or cancelled).
Result<Action> find_planned_action(Store& store, int64_t action_id);

//! Moves a planned action to a later working day of the customer's calendar (the policy's
//! compliance profile for the customer's country), at the same local time of day, or the
//! first moment of that day the contact window allows; `reason` goes to the audit record with
//! the time before and after. Refused for an action no longer planned, a date before today or
//! not after the action's current day, or a day off. Returns the action as stored now.
Result<Action> reschedule_action(Store& store, const Policy& policy, int64_t action_id,
                                 const std::string& date, const std::string& reason,
                                 const Actor& actor);

//! Where a dispute stands against its response deadline at `now`: "open", "overdue" (open past
//! respond_by), "answered_in_time" or "answered_late".
std::string dispute_sla(const Dispute& dispute, const Timestamp& now);

//! Open promises, payment plans and disputes from the store, by position in `snapshot`.
CollectionState load_collection_state(Store& store, const Snapshot& snapshot);

//! Every promise with what became of it by `day`: cancelled and broken as recorded, open ones
//! by promise_outcome, the rule the daily run applies (a kept promise stays open in the store).
void read_promise_outcomes(Store& store, const Snapshot& snapshot, const Policy& policy, Date day,
                           const std::function<void(const Promise&, PromiseStatus)>& row);

}  // namespace huikuan

#pragma once
// The collector's worklist: every customer with collectible overdue money or due work, once,
// classified by the policy and ordered by the value of working the case today.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/currency.h"
#include "core/date.h"
#include "core/error.h"
#include "engine/snapshot.h"
#include "ledger/collections.h"
#include "ledger/policy.h"

namespace huikuan {

//! What is known beyond the ledger, by snapshot position: open promises and open disputes.
struct CollectionState {
  struct OpenPromise {
    int64_t id = 0;
    uint32_t customer = 0;  //!< snapshot customer position
    Currency currency;
    int64_t amount = 0;
    Date promised_date;
    Date created_date;
  };
  std::vector<OpenPromise> promises;
  //! An open payment plan: its installments replace the covered invoices' due dates.
  struct OpenPlan {
    int64_t id = 0;
    uint32_t customer = 0;                                  //!< snapshot customer position
    std::vector<uint32_t> invoices;                         //!< snapshot invoice positions
    std::vector<std::pair<int32_t, int64_t>> installments;  //!< (due day, amount), by due day
  };
  std::vector<OpenPlan> plans;
  //! Snapshot invoice position -> amount under open dispute.
  std::map<uint32_t, int64_t> disputed;
};

//! What became of an open promise by `day`: open until its date plus `grace_days`; after
//! that kept if the customer's open balance in its currency fell by at least the promised
//! amount since the promise was made, else broken.
PromiseStatus promise_outcome(const Snapshot& s, const CollectionState::OpenPromise& promise,
                              int32_t grace_days, int32_t day);

//! An open invoice on a case, with the due date that applies to it (its own, or a payment plan
//! installment's) and the amount of it that is collectible on that date.
struct DueItem {
  uint32_t invoice = 0;  //!< snapshot invoice position
  int32_t due = 0;       //!< day number
  int64_t amount = 0;    //!< minor units
};

struct WorklistItem {
  std::string customer_id;
  std::string name;
  std::string collector;
  double priority = 0;        //!< amount at risk × recovery likelihood − contact cost
  bool urgent = false;        //!< a promise falls due today or was broken: listed first
  std::string overdue_grade;  //!< mild, moderate, severe, critical; "" when nothing is overdue
  std::string stage;
  std::string abc_class;           //!< A, B or C
  std::string strategy;            //!< the importance × risk quadrant's strategy
  std::string variant;             //!< champion or a challenger's name
  int64_t collectible_amount = 0;  //!< overdue, not disputed, not under an active promise
  Currency currency;
  int32_t max_days_overdue = 0;  //!< of the oldest collectible item
  bool broken_promise = false;
  bool promise_due_today = false;
  std::string next_action;  //!< reminder, letter_2, call, email, legal_review, …
  std::vector<std::pair<std::string, std::string>> factors;  //!< what produced the rank

  // For the daily run: where the case sits in the snapshot.
  uint32_t customer_index = 0;
  std::vector<DueItem> overdue_invoices;   //!< collectible overdue invoices, oldest first
  std::vector<DueItem> upcoming_invoices;  //!< open invoices (or installments) not yet due
  std::vector<int64_t> broken_promise_ids;
  std::vector<int64_t> broken_plan_ids;  //!< an installment is unpaid past the grace
  int32_t legal_review_min_days = 0;     //!< after the customer type's adjustment
};

//! The open payment plans whose invoices are all paid as of `as_of`.
std::vector<int64_t> paid_plans(const Snapshot& snapshot, const CollectionState& state, Date as_of);

//! Builds the worklist as of `as_of`, optionally for one collector, best first; fails if the
//! policy's currency is unknown. `explain`: fill each item's factors (the daily run and
//! assignment need the ranking, not its explanation).
Result<std::vector<WorklistItem>> build_worklist(const Snapshot& snapshot,
                                                 const CollectionState& state, const Policy& policy,
                                                 Date as_of,
                                                 const std::optional<std::string>& collector = {},
                                                 bool explain = true);

}  // namespace huikuan

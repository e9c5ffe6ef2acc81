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
  //! Snapshot invoice position -> amount under open dispute.
  std::map<uint32_t, int64_t> disputed;
};

//! How the value of working a case today is estimated (see docs/design.md, "Worklist").
struct PriorityModel {
  //! Likelihood that contact recovers the money, by days overdue of the oldest item: the first
  //! band whose upper bound is >= the days applies.
  std::vector<std::pair<int32_t, double>> recovery_likelihood{
      {30, 0.90}, {60, 0.70}, {90, 0.50}, {180, 0.30}, {365, 0.15}, {INT32_MAX, 0.05}};
  double contact_cost = 50.0;  //!< cost of one collection contact, in the policy currency
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
  std::vector<uint32_t> overdue_invoices;   //!< collectible overdue invoice positions, oldest first
  std::vector<uint32_t> upcoming_invoices;  //!< open invoices not yet due
  std::vector<int64_t> broken_promise_ids;
  int32_t legal_review_min_days = 0;  //!< after the customer type's adjustment
};

//! Builds the worklist as of `as_of`, optionally for one collector, best first.
Result<std::vector<WorklistItem>> build_worklist(const Snapshot& snapshot,
                                                 const CollectionState& state, const Policy& policy,
                                                 Date as_of,
                                                 const std::optional<std::string>& collector = {},
                                                 const PriorityModel& model = {});

}  // namespace huikuan

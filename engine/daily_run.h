#pragma once
// The daily collection run: for every case on the worklist, decide today's actions — reminders
// before due, the next dunning letter, follow-up contacts, legal review, internal alerts —
// within the policy and the customer's compliance profile. Pure: history and state come in.

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

#include <cstdint>
#include <limits>
#include <vector>

#include "core/date.h"
#include "core/error.h"
#include "engine/snapshot.h"
#include "engine/worklist.h"
#include "ledger/collections.h"
#include "ledger/policy.h"

namespace huikuan {

//! What earlier runs and recorded contacts left behind, by snapshot position.
struct RunHistory {
  //! Nothing sent and nobody contacted yet, for the customers and invoices of `snapshot`.
  explicit RunHistory(const Snapshot& snapshot)
      : letter_level(snapshot.invoice_id.size(), 0),
        last_followup_day(snapshot.customer_count(), kNoFollowup),
        legal_review(snapshot.customer_count(), false),
        alerted(snapshot.customer_count(), false) {}

  static constexpr int32_t kNoFollowup = std::numeric_limits<int32_t>::min();
  // Arrays by position rather than hash tables: a run at 1M customers reads millions of
  // earlier actions into these, and a probe per action into a table of millions missed the
  // cache every time.
  std::vector<int32_t> letter_level;       //!< by invoice: highest letter level sent, 0 none
  std::vector<int32_t> last_followup_day;  //!< by customer: day of the last, or kNoFollowup
  std::vector<bool> legal_review;          //!< by customer: already sent to legal review
  std::vector<bool> alerted;               //!< by customer: already raised to the collector
  absl::flat_hash_map<uint32_t, std::vector<int64_t>> call_attempts;  //!< customer -> UTC s
  absl::flat_hash_set<std::pair<uint32_t, int32_t>> reminded;  //!< (invoice, days before due)
};

struct RunPlan {
  std::vector<Action> actions;           //!< invoice_keys hold store invoice ids
  std::vector<int64_t> broken_promises;  //!< promise ids to mark broken
  std::vector<int64_t> broken_plans;     //!< payment plan ids to mark broken
  std::vector<int64_t> paid_plans;       //!< payment plan ids to mark completed
};

//! How many days back, besides letters, legal reviews and alerts (remembered for good), a run
//! must look: the longest follow-up interval any customer type can get, and the 7 days of the
//! rolling call cap.
int32_t history_window_days(const Policy& policy);

//! Plans `as_of`'s actions for `items` (the full worklist of that day).
Result<RunPlan> plan_day(const Snapshot& snapshot, const CollectionState& state,
                         const std::vector<WorklistItem>& items, const RunHistory& history,
                         const Policy& policy, Date as_of);

}  // namespace huikuan

#pragma once
// The daily collection run: for every case on the worklist, decide today's actions — reminders
// before due, the next dunning letter, follow-up contacts, legal review, internal alerts —
// within the policy and the customer's compliance profile. Pure: history and state come in.

#include <cstdint>
#include <map>
#include <set>
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
  std::map<uint32_t, int32_t> letter_level;       //!< invoice -> highest letter level sent
  std::map<uint32_t, int32_t> last_followup_day;  //!< customer -> day of the last follow-up
  std::map<uint32_t, std::vector<int64_t>> call_attempts;  //!< customer -> call instants (UTC s)
  std::set<uint32_t> legal_review;                  //!< customers already sent to legal review
  std::set<uint32_t> alerted;                       //!< customers already raised to their collector
  std::set<std::pair<uint32_t, int32_t>> reminded;  //!< (invoice, days before due) already sent
};

struct RunPlan {
  std::vector<Action> actions;           //!< invoice_keys hold store invoice ids
  std::vector<int64_t> broken_promises;  //!< promise ids to mark broken
};

//! Plans `as_of`'s actions for `items` (the full worklist of that day).
Result<RunPlan> plan_day(const Snapshot& snapshot, const CollectionState& state,
                         const std::vector<WorklistItem>& items, const RunHistory& history,
                         const Policy& policy, Date as_of);

}  // namespace huikuan

#pragma once
// Use case: the daily collection run for one date, and working its actions.

#include <map>
#include <string>

#include "core/date.h"
#include "core/error.h"
#include "ledger/policy.h"
#include "service/collections.h"
#include "store/store.h"

namespace huikuan {

struct RunSummary {
  size_t cases = 0;                       //!< customers on the worklist
  std::map<std::string, size_t> actions;  //!< by kind
  size_t broken_promises = 0;             //!< marked broken by this run
  size_t messages = 0;                    //!< written to the outbox by this run
};

//! Plans `as_of`'s actions and stores them in one transaction, replacing that date's actions
//! still planned (so the same date twice gives the same plan); later dates continue the
//! sequences of earlier ones. Promises unpaid past their grace are marked broken and logged.
Result<RunSummary> run_daily(Store& store, const std::string& snapshot_cache, const Policy& policy,
                             Date as_of, const Actor& actor);

//! Closes a planned action as done or skipped with an outcome code; a note goes to the audit
//! record (masked).
Result<void> close_action(Store& store, int64_t action_id, ActionStatus status,
                          const std::string& outcome, const Actor& actor,
                          const std::string& note = {});

}  // namespace huikuan

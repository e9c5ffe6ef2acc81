#pragma once
// Assigns the ledger's open cases to the collection team listed in a collectors.csv
// (DOMAIN §7) and records every change of hands. Customer::collector holds the collector_id:
// a team file whose ids are the values the ERP exports (often the collector's name) keeps the
// imported assignments.

#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/error.h"
#include "engine/assignment.h"
#include "ledger/policy.h"
#include "service/collections.h"
#include "store/store.h"

namespace huikuan {

//! Parses collectors.csv text: a header row naming collector_id, name, level and optionally
//! max_cases, max_amount (in the policy currency; both default to the policy's workload) and
//! specialties (separated by ';', '|' or ','), in any order. Every bad row is reported as
//! "source:line: column: reason", the first as the error's location and the rest in its message.
Result<std::vector<Collector>> parse_collectors(std::string_view text, const std::string& source,
                                                const Policy& policy);

//! Reads collectors.csv at `path` in `encoding` (utf-8 or gb18030) and parses it.
Result<std::vector<Collector>> load_collectors(const std::string& path, const std::string& encoding,
                                               const Policy& policy);

struct AssignRequest {
  std::vector<Collector> collectors;
  Date as_of;                  //!< the day whose worklist gives the cases
  std::string snapshot_cache;  //!< see load_snapshot; "" reads the ledger
  bool dry_run = false;        //!< compute and report, write nothing
};

struct AssignOutcome {
  AssignmentResult assignment;
  //! Currencies without an exchange rate in the policy, counted at face value.
  std::vector<std::string> face_value_currencies;
  size_t moved = 0;  //!< customers whose collector changed (or would, in a dry run)
};

//! Builds the cases from the worklist as of `request.as_of`, assigns them, and unless it is a
//! dry run writes every move in one transaction: the customer's collector, a ChangeRecord
//! (source "assign") per move, and a new ledger version. Unplaced customers keep their collector.
Result<AssignOutcome> assign_collectors(Store& store, const AssignRequest& request,
                                        const Policy& policy, const Actor& actor);

}  // namespace huikuan

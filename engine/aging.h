#pragma once
// Aging of open receivables as of any date, by customer or by an attribute.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/currency.h"
#include "core/date.h"
#include "core/error.h"
#include "engine/snapshot.h"

namespace huikuan {

//! Days-overdue buckets: `not_due` (≤ 0), then one per upper bound, then `over_<last>`.
struct AgingBuckets {
  std::vector<int32_t> upper_bounds{30, 60, 90, 180, 365};

  //! From "30,60,90": ascending positive integers; errors name the bad value.
  static Result<AgingBuckets> parse(const std::string& text);
  //! "not_due", "1-30", "31-60", …, "over_365".
  std::vector<std::string> labels() const;
  size_t count() const { return upper_bounds.size() + 2; }
};

enum class AgingGroup { kCustomer, kCollector, kRegion, kIndustry, kCurrency };
Result<AgingGroup> parse_aging_group(const std::string& text);
const char* aging_group_name(AgingGroup group);

struct AgingRow {
  std::string key;               //!< customer id, collector, region, industry or currency code
  std::string label;             //!< customer name for customer rows, else empty
  std::vector<int64_t> buckets;  //!< minor units, one per bucket label
  int64_t open = 0;              //!< sum of buckets
  int64_t unapplied = 0;         //!< payments and credit notes not yet allocated
  int64_t net = 0;               //!< open - unapplied
};

struct AgingSection {
  Currency currency;
  AgingRow totals;
  std::vector<AgingRow> rows;  //!< rows whose values are all zero are omitted
};

struct AgingReport {
  Date as_of;
  AgingGroup group = AgingGroup::kCustomer;
  std::vector<std::string> bucket_labels;
  std::vector<AgingSection> sections;  //!< one per currency, by currency code
};

//! Ages `snapshot` as of `as_of`: documents and allocations dated after it do not exist yet.
//! Runs on `threads` threads (0 = hardware concurrency). Fails only on amount overflow.
Result<AgingReport> age(const Snapshot& snapshot, Date as_of, const AgingBuckets& buckets,
                        AgingGroup group, unsigned threads = 0);

//! The aging of one customer (snapshot position `customer`) as of `as_of`: one row per currency
//! in which it has open items or unapplied credit, by currency code, keyed by the code. Costs
//! the customer's documents, not the ledger's. Fails only on amount overflow.
Result<std::vector<std::pair<Currency, AgingRow>>> age_customer(const Snapshot& snapshot,
                                                                size_t customer, Date as_of,
                                                                const AgingBuckets& buckets);

}  // namespace huikuan

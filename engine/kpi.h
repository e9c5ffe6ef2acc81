#pragma once
// Receivables KPIs over a period [from, to], per currency (formulas in docs/design.md), and
// optionally per group of customers (champion/challenger variant) and currency.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/currency.h"
#include "core/date.h"
#include "core/error.h"
#include "engine/snapshot.h"
#include "ledger/policy.h"

namespace huikuan {

//! Customers split into named groups, to compare KPIs between them.
struct CustomerGroups {
  std::string dimension;           //!< what the groups are, e.g. "variant"
  std::vector<std::string> names;  //!< the groups, in report order
  std::vector<uint32_t> group_of;  //!< snapshot customer position -> index into `names`
};

//! Each customer's champion/challenger variant (policy_variant): "champion", then the policy's
//! variants in file order.
CustomerGroups variant_groups(const Snapshot& snapshot, const Policy& policy);

struct KpiRow {
  std::string group;  //!< the customer group's name; "" when the report is not grouped
  Currency currency;
  int64_t credit_sales = 0;  //!< invoices minus credit notes dated in the period
  int64_t ar = 0;            //!< open at `to`
  int64_t current_ar = 0;    //!< not yet due at `to`
  int64_t beginning_ar = 0;  //!< open at `from` - 1
  // Ratios; std::nullopt where the denominator is zero.
  std::optional<double> dso, bpdso, add, cei, overdue_rate;
};

struct KpiReport {
  Date from, to;
  std::string group_by;  //!< CustomerGroups::dimension; "" when not grouped
  //! One row per currency by currency code; when grouped, per group (in the groups' order)
  //! and currency. A group or currency without any document in the ledger has no row.
  std::vector<KpiRow> currencies;
};

//! Computes the KPIs; fails if `to` < `from` or an amount overflows.
Result<KpiReport> compute_kpis(const Snapshot& snapshot, Date from, Date to);

//! The same, cut by `groups`; fails also if `groups` does not assign every customer a group.
Result<KpiReport> compute_kpis(const Snapshot& snapshot, Date from, Date to,
                               const CustomerGroups& groups);

}  // namespace huikuan

#pragma once
// Receivables KPIs over a period [from, to], per currency (formulas in docs/design.md).

#include <optional>
#include <vector>

#include "core/currency.h"
#include "core/date.h"
#include "core/error.h"
#include "engine/snapshot.h"

namespace huikuan {

struct KpiRow {
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
  std::vector<KpiRow> currencies;  //!< by currency code
};

//! Computes the KPIs; fails if `to` < `from` or an amount overflows.
Result<KpiReport> compute_kpis(const Snapshot& snapshot, Date from, Date to);

}  // namespace huikuan

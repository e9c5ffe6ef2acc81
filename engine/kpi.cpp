#include "engine/kpi.h"

#include <algorithm>

namespace huikuan {
namespace {

std::optional<double> ratio(int64_t numerator, int64_t denominator, double scale) {
  if (denominator == 0) return std::nullopt;
  return static_cast<double>(numerator) / static_cast<double>(denominator) * scale;
}

struct Sums {
  int64_t credit_sales = 0, ar = 0, current_ar = 0, beginning_ar = 0;
};

}  // namespace

Result<KpiReport> compute_kpis(const Snapshot& s, Date from, Date to) {
  if (to < from) return fail("the period ends before it starts", "--to");
  const int32_t f = from.days();
  const int32_t t = to.days();
  const int32_t before = f - 1;
  std::vector<Sums> sums(s.currencies.size());
  std::vector<bool> seen(s.currencies.size(), false);
  bool overflow = false;
  auto add = [&](int64_t& target, int64_t amount) {
    overflow |= __builtin_add_overflow(target, amount, &target);
  };
  for (size_t i = 0; i < s.invoice_count(); ++i) {
    const int32_t date = s.invoice_date[i];
    if (date > t) continue;
    Sums& sum = sums[s.invoice_currency[i]];
    seen[s.invoice_currency[i]] = true;
    const int64_t amount = s.invoice_amount[i];
    if (date >= f) add(sum.credit_sales, amount);
    const int64_t open_at_end = amount - s.allocated_by(i, t);
    add(sum.ar, open_at_end);
    if (s.invoice_due[i] >= t) add(sum.current_ar, open_at_end);
    if (date <= before) add(sum.beginning_ar, amount - s.allocated_by(i, before));
  }
  for (size_t k = 0; k < s.credit_date.size(); ++k) {
    if (!s.credit_is_note[k] || s.credit_date[k] < f || s.credit_date[k] > t) continue;
    add(sums[s.credit_currency[k]].credit_sales, -s.credit_amount[k]);
    seen[s.credit_currency[k]] = true;
  }
  if (overflow) return fail("amounts overflow 64-bit minor units");

  KpiReport report{from, to, {}};
  const double days = static_cast<double>(t - f + 1);
  for (size_t cur = 0; cur < sums.size(); ++cur) {
    if (!seen[cur]) continue;
    const Sums& x = sums[cur];
    KpiRow row;
    row.currency = s.currencies[cur];
    row.credit_sales = x.credit_sales;
    row.ar = x.ar;
    row.current_ar = x.current_ar;
    row.beginning_ar = x.beginning_ar;
    row.dso = ratio(x.ar, x.credit_sales, days);
    row.bpdso = ratio(x.current_ar, x.credit_sales, days);
    if (row.dso && row.bpdso) row.add = *row.dso - *row.bpdso;
    const int64_t collectible = x.beginning_ar + x.credit_sales;
    row.cei = ratio(collectible - x.ar, collectible - x.current_ar, 100.0);
    row.overdue_rate = ratio(x.ar - x.current_ar, x.ar, 100.0);
    report.currencies.push_back(row);
  }
  std::sort(report.currencies.begin(), report.currencies.end(),
            [](const KpiRow& a, const KpiRow& b) {
              return a.currency.code_view() < b.currency.code_view();
            });
  return report;
}

}  // namespace huikuan

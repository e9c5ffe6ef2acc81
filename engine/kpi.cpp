#include "engine/kpi.h"

#include <algorithm>

namespace huikuan {
namespace {

std::optional<double> ratio(int64_t numerator, int64_t denominator, double scale) {
  if (denominator == 0) return std::nullopt;
  return static_cast<double>(numerator) / static_cast<double>(denominator) * scale;
}

struct Sums {
  bool seen = false;  // any document of this group and currency dated up to `to`
  int64_t credit_sales = 0, ar = 0, current_ar = 0, beginning_ar = 0;
};

KpiRow kpi_row(const Sums& x, Currency currency, double days) {
  KpiRow row;
  row.currency = currency;
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
  return row;
}

// One pass over the customers; `groups` null means every customer is in one unnamed group.
Result<KpiReport> compute(const Snapshot& s, Date from, Date to, const CustomerGroups* groups) {
  if (to < from) return fail("the period ends before it starts", "--to");
  const size_t group_count = groups ? groups->names.size() : 1;
  if (groups) {
    const bool complete = groups->group_of.size() == s.customer_count() &&
                          std::all_of(groups->group_of.begin(), groups->group_of.end(),
                                      [&](uint32_t g) { return g < group_count; });
    if (!complete) return fail("every customer needs a group", groups->dimension);
  }
  const int32_t f = from.days();
  const int32_t t = to.days();
  const int32_t before = f - 1;
  const size_t currency_count = s.currencies.size();
  std::vector<Sums> sums(group_count * currency_count);  // [group][currency]
  bool overflow = false;
  auto add = [&](int64_t& target, int64_t amount) {
    overflow |= __builtin_add_overflow(target, amount, &target);
  };
  for (size_t c = 0; c < s.customer_count(); ++c) {
    Sums* group = &sums[(groups ? groups->group_of[c] : 0) * currency_count];
    for (uint32_t i = s.invoice_begin(c); i < s.invoice_end[c]; ++i) {
      const int32_t date = s.invoice_date[i];
      if (date > t) continue;
      Sums& sum = group[s.invoice_currency[i]];
      sum.seen = true;
      const int64_t amount = s.invoice_amount[i];
      if (date >= f) add(sum.credit_sales, amount);
      const int64_t open_at_end = amount - s.allocated_by(i, t);
      add(sum.ar, open_at_end);
      if (s.invoice_due[i] >= t) add(sum.current_ar, open_at_end);
      if (date <= before) add(sum.beginning_ar, amount - s.allocated_by(i, before));
    }
    for (uint32_t k = s.credit_begin(c); k < s.credit_end[c]; ++k) {
      if (!s.credit_is_note[k] || s.credit_date[k] < f || s.credit_date[k] > t) continue;
      Sums& sum = group[s.credit_currency[k]];
      add(sum.credit_sales, -s.credit_amount[k]);
      sum.seen = true;
    }
  }
  if (overflow) return fail("amounts overflow 64-bit minor units");

  std::vector<size_t> by_code(currency_count);
  for (size_t cur = 0; cur < currency_count; ++cur) by_code[cur] = cur;
  std::sort(by_code.begin(), by_code.end(), [&](size_t a, size_t b) {
    return s.currencies[a].code_view() < s.currencies[b].code_view();
  });
  KpiReport report{from, to, groups ? groups->dimension : std::string(), {}};
  const double days = static_cast<double>(t - f + 1);
  for (size_t g = 0; g < group_count; ++g) {
    for (size_t cur : by_code) {
      const Sums& x = sums[g * currency_count + cur];
      if (!x.seen) continue;
      report.currencies.push_back(kpi_row(x, s.currencies[cur], days));
      if (groups) report.currencies.back().group = groups->names[g];
    }
  }
  return report;
}

}  // namespace

CustomerGroups variant_groups(const Snapshot& s, const Policy& policy) {
  CustomerGroups groups{"variant", {std::string(kChampion)}, {}};
  for (const PolicyVariant& variant : policy.variants) groups.names.push_back(variant.name);
  groups.group_of.reserve(s.customer_count());
  for (size_t c = 0; c < s.customer_count(); ++c) {
    const std::string variant = policy_variant(policy, s.customer_key[c]);
    const auto found = std::find(groups.names.begin(), groups.names.end(), variant);
    groups.group_of.push_back(static_cast<uint32_t>(found - groups.names.begin()));
  }
  return groups;
}

Result<KpiReport> compute_kpis(const Snapshot& s, Date from, Date to) {
  return compute(s, from, to, nullptr);
}

Result<KpiReport> compute_kpis(const Snapshot& s, Date from, Date to,
                               const CustomerGroups& groups) {
  return compute(s, from, to, &groups);
}

}  // namespace huikuan

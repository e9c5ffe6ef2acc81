#include "engine/aging.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <thread>

namespace huikuan {
namespace {

// Which bucket a number of days overdue falls in, by table lookup for the bounded range.
class BucketIndex {
 public:
  explicit BucketIndex(const AgingBuckets& buckets)
      : last_(static_cast<uint8_t>(buckets.count() - 1)),
        max_(buckets.upper_bounds.empty() ? 0 : buckets.upper_bounds.back()) {
    table_.resize(static_cast<size_t>(max_) + 1, 0);
    uint8_t bucket = 1;
    for (int32_t days = 1; days <= max_; ++days) {
      if (days > buckets.upper_bounds[bucket - 1]) ++bucket;
      table_[static_cast<size_t>(days)] = bucket;
    }
  }
  uint8_t of(int32_t days_overdue) const {
    if (days_overdue <= 0) return 0;
    if (days_overdue > max_) return last_;
    return table_[static_cast<size_t>(days_overdue)];
  }

 private:
  std::vector<uint8_t> table_;
  uint8_t last_;
  int32_t max_;
};

// Accumulates bucket amounts and unapplied credit per (group, currency) in minor units.
// Layout per cell: buckets..., unapplied.
class Accumulator {
 public:
  Accumulator(size_t groups, size_t currencies, size_t buckets)
      : currencies_(currencies), width_(buckets + 1), cells_(groups * currencies * width_, 0) {}

  int64_t* cell(size_t group, size_t currency) {
    return &cells_[(group * currencies_ + currency) * width_];
  }
  void add(int64_t& target, int64_t amount) {
    overflow_ |= __builtin_add_overflow(target, amount, &target);
  }
  void merge(const Accumulator& other) {
    for (size_t k = 0; k < cells_.size(); ++k) add(cells_[k], other.cells_[k]);
    overflow_ |= other.overflow_;
  }
  void clear() { std::fill(cells_.begin(), cells_.end(), 0); }
  bool overflow() const { return overflow_; }
  size_t width() const { return width_; }

 private:
  size_t currencies_, width_;
  std::vector<int64_t> cells_;
  bool overflow_ = false;
};

struct Pass {
  const Snapshot& s;
  int32_t day;
  BucketIndex buckets;
  size_t bucket_count;

  // Adds customer c's open items into acc's cells for `group`, and its unapplied credit:
  // credits dated by `day` less what of them was allocated by `day`.
  void customer(size_t c, size_t group, Accumulator& acc) const {
    for (uint32_t i = s.invoice_begin(c); i < s.invoice_end[c]; ++i) {
      if (s.invoice_date[i] > day) continue;  // not issued yet
      const int64_t allocated = s.allocated_by(i, day);
      int64_t* cell = acc.cell(group, s.invoice_currency[i]);
      const int64_t open = s.invoice_amount[i] - allocated;
      if (open != 0) acc.add(cell[buckets.of(day - s.invoice_due[i])], open);
      if (allocated != 0) acc.add(cell[bucket_count], -allocated);
    }
    for (uint32_t k = s.credit_begin(c); k < s.credit_end[c]; ++k) {
      if (s.credit_date[k] > day) continue;
      acc.add(acc.cell(group, s.credit_currency[k])[bucket_count], s.credit_amount[k]);
    }
  }
};

AgingRow make_row(std::string key, std::string label, const int64_t* cell, size_t bucket_count,
                  bool& overflow) {
  AgingRow row{std::move(key), std::move(label), std::vector<int64_t>(cell, cell + bucket_count)};
  for (size_t b = 0; b < bucket_count; ++b)
    overflow |= __builtin_add_overflow(row.open, cell[b], &row.open);
  row.unapplied = cell[bucket_count];
  overflow |= __builtin_sub_overflow(row.open, row.unapplied, &row.net);
  return row;
}

bool all_zero(const int64_t* cell, size_t width) {
  return std::all_of(cell, cell + width, [](int64_t v) { return v == 0; });
}

// Splits customers into `parts` ranges holding about as many invoices each.
std::vector<size_t> split_customers(const Snapshot& s, unsigned parts) {
  std::vector<size_t> bounds{0};
  const size_t n = s.customer_count();
  const uint64_t total = n ? s.invoice_end.back() + s.credit_end.back() : 0;
  for (unsigned p = 1; p < parts; ++p) {
    const uint64_t target = total * p / parts;
    size_t c = bounds.back();
    while (c < n && uint64_t{s.invoice_end[c]} + s.credit_end[c] < target) ++c;
    bounds.push_back(c);
  }
  bounds.push_back(n);
  return bounds;
}

const std::vector<std::string>* group_values(const Snapshot& s, AgingGroup group) {
  switch (group) {
    case AgingGroup::kCollector:
      return &s.collectors.values;
    case AgingGroup::kRegion:
      return &s.regions.values;
    case AgingGroup::kIndustry:
      return &s.industries.values;
    default:
      return nullptr;
  }
}

const std::vector<uint32_t>* group_codes(const Snapshot& s, AgingGroup group) {
  switch (group) {
    case AgingGroup::kCollector:
      return &s.customer_collector;
    case AgingGroup::kRegion:
      return &s.customer_region;
    case AgingGroup::kIndustry:
      return &s.customer_industry;
    default:
      return nullptr;
  }
}

}  // namespace

Result<AgingBuckets> AgingBuckets::parse(const std::string& text) {
  AgingBuckets buckets{{}};
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    const std::string_view part(text.data() + start, comma - start);
    int32_t bound = 0;
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), bound);
    if (ec != std::errc{} || end != part.data() + part.size() || bound <= 0 || bound > 36500) {
      return fail(fmt::format("'{}' is not a positive number of days", part), "--buckets");
    }
    if (!buckets.upper_bounds.empty() && bound <= buckets.upper_bounds.back()) {
      return fail(
          fmt::format("bounds must ascend: {} after {}", bound, buckets.upper_bounds.back()),
          "--buckets");
    }
    buckets.upper_bounds.push_back(bound);
    start = comma + 1;
  }
  if (buckets.upper_bounds.size() > 30) return fail("at most 30 bounds", "--buckets");
  return buckets;
}

std::vector<std::string> AgingBuckets::labels() const {
  std::vector<std::string> labels{"not_due"};
  int32_t lower = 1;
  for (int32_t upper : upper_bounds) {
    labels.push_back(fmt::format("{}-{}", lower, upper));
    lower = upper + 1;
  }
  labels.push_back(fmt::format("over_{}", upper_bounds.empty() ? 0 : upper_bounds.back()));
  return labels;
}

Result<AgingGroup> parse_aging_group(const std::string& text) {
  for (auto group : {AgingGroup::kCustomer, AgingGroup::kCollector, AgingGroup::kRegion,
                     AgingGroup::kIndustry, AgingGroup::kCurrency}) {
    if (text == aging_group_name(group)) return group;
  }
  return fail(
      fmt::format("'{}' is not one of customer, collector, region, industry, currency", text),
      "--by");
}

const char* aging_group_name(AgingGroup group) {
  switch (group) {
    case AgingGroup::kCustomer:
      return "customer";
    case AgingGroup::kCollector:
      return "collector";
    case AgingGroup::kRegion:
      return "region";
    case AgingGroup::kIndustry:
      return "industry";
    case AgingGroup::kCurrency:
      return "currency";
  }
  return "customer";
}

Result<AgingReport> age(const Snapshot& s, Date as_of, const AgingBuckets& buckets,
                        AgingGroup group, unsigned threads) {
  const size_t bucket_count = buckets.count();
  const size_t currencies = s.currencies.size();
  const Pass pass{s, as_of.days(), BucketIndex(buckets), bucket_count};
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(
      std::min<size_t>(threads, std::max<size_t>(1, s.customer_count() / 1024)));
  const auto bounds = split_customers(s, threads);

  const bool per_customer = group == AgingGroup::kCustomer;
  const auto* codes = group_codes(s, group);
  const size_t groups = per_customer ? 1 : (codes ? group_values(s, group)->size() : 1);

  // Each part accumulates its own totals (group index = currency-section totals when per
  // customer) and, per customer, its rows by currency.
  struct Part {
    Accumulator totals;
    std::vector<std::vector<AgingRow>> rows;  // by currency
    bool overflow = false;
  };
  std::vector<Part> parts;
  for (unsigned p = 0; p < threads; ++p) {
    parts.push_back({Accumulator(groups, currencies, bucket_count),
                     std::vector<std::vector<AgingRow>>(currencies)});
  }
  auto run = [&](unsigned p) {
    Part& part = parts[p];
    Accumulator one(1, currencies, bucket_count);
    for (size_t c = bounds[p]; c < bounds[p + 1]; ++c) {
      if (!per_customer) {
        pass.customer(c, codes ? (*codes)[c] : 0, part.totals);
        continue;
      }
      one.clear();
      pass.customer(c, 0, one);
      for (size_t cur = 0; cur < currencies; ++cur) {
        const int64_t* cell = one.cell(0, cur);
        if (all_zero(cell, one.width())) continue;
        part.rows[cur].push_back(
            make_row(s.customer_key[c], s.customer_name[c], cell, bucket_count, part.overflow));
        int64_t* total = part.totals.cell(0, cur);
        for (size_t k = 0; k < one.width(); ++k) part.totals.add(total[k], cell[k]);
      }
      part.overflow |= one.overflow();
    }
  };
  std::vector<std::jthread> workers;
  for (unsigned p = 1; p < threads; ++p) workers.emplace_back(run, p);
  run(0);
  workers.clear();

  Accumulator& totals = parts[0].totals;
  bool overflow = parts[0].overflow;
  for (unsigned p = 1; p < threads; ++p) {
    totals.merge(parts[p].totals);
    overflow |= parts[p].overflow;
  }

  AgingReport report{as_of, group, buckets.labels(), {}};
  std::vector<size_t> order(currencies);
  for (size_t k = 0; k < currencies; ++k) order[k] = k;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return s.currencies[a].code_view() < s.currencies[b].code_view();
  });
  for (size_t cur : order) {
    AgingSection section{s.currencies[cur], {}, {}};
    std::vector<int64_t> sum(totals.width(), 0);
    if (per_customer) {
      for (auto& part : parts) {
        for (auto& row : part.rows[cur]) section.rows.push_back(std::move(row));
      }
      std::copy_n(totals.cell(0, cur), totals.width(), sum.begin());
    } else {
      for (size_t g = 0; g < groups; ++g) {
        const int64_t* cell = totals.cell(g, cur);
        if (all_zero(cell, totals.width())) continue;
        std::string key =
            codes ? (*group_values(s, group))[g] : std::string(s.currencies[cur].code_view());
        if (key.empty()) key = "(unassigned)";
        section.rows.push_back(make_row(std::move(key), "", cell, bucket_count, overflow));
        for (size_t k = 0; k < sum.size(); ++k) totals.add(sum[k], cell[k]);
      }
      std::sort(section.rows.begin(), section.rows.end(),
                [](const AgingRow& a, const AgingRow& b) { return a.key < b.key; });
    }
    if (section.rows.empty()) continue;
    section.totals = make_row("TOTAL", "", sum.data(), bucket_count, overflow);
    report.sections.push_back(std::move(section));
  }
  if (overflow || totals.overflow()) return fail("amounts overflow 64-bit minor units");
  return report;
}

Result<std::vector<std::pair<Currency, AgingRow>>> age_customer(const Snapshot& s, size_t customer,
                                                                Date as_of,
                                                                const AgingBuckets& buckets) {
  const size_t bucket_count = buckets.count();
  const Pass pass{s, as_of.days(), BucketIndex(buckets), bucket_count};
  Accumulator one(1, s.currencies.size(), bucket_count);
  pass.customer(customer, 0, one);
  bool overflow = one.overflow();
  std::vector<std::pair<Currency, AgingRow>> rows;
  for (size_t cur = 0; cur < s.currencies.size(); ++cur) {
    const int64_t* cell = one.cell(0, cur);
    if (all_zero(cell, one.width())) continue;
    const Currency& currency = s.currencies[cur];
    rows.emplace_back(
        currency, make_row(std::string(currency.code_view()), "", cell, bucket_count, overflow));
  }
  if (overflow) return fail("amounts overflow 64-bit minor units");
  std::sort(rows.begin(), rows.end(),
            [](const auto& a, const auto& b) { return a.second.key < b.second.key; });
  return rows;
}

}  // namespace huikuan

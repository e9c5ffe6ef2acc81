#include "engine/customer_index.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <numeric>

namespace huikuan {
namespace {

void lowercase_ascii(std::string& text, size_t from) {
  for (size_t k = from; k < text.size(); ++k) {
    const char ch = text[k];
    if (ch >= 'A' && ch <= 'Z') text[k] = static_cast<char>(ch - 'A' + 'a');
  }
}

// Customer positions ordered by `rank` descending, ties by position (external id).
std::vector<uint32_t> descending(const std::vector<double>& rank) {
  std::vector<uint32_t> order(rank.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(),
            [&](uint32_t a, uint32_t b) { return rank[a] != rank[b] ? rank[a] > rank[b] : a < b; });
  return order;
}

// A match set at most this share of the customers is sorted by place in the order; a larger
// one is found by walking the order.
constexpr size_t kSortMatchesBelow = 32;

}  // namespace

std::optional<CustomerSort> parse_customer_sort(std::string_view text) {
  if (text == "open_desc") return CustomerSort::kOpenDesc;
  if (text == "overdue_desc") return CustomerSort::kOverdueDesc;
  if (text == "id") return CustomerSort::kId;
  if (text == "name") return CustomerSort::kName;
  return std::nullopt;
}

CustomerIndex::CustomerIndex(const Snapshot& s, Date as_of,
                             const std::map<std::string, int64_t>& rate_micros)
    : as_of_(as_of) {
  // Units of the policy currency per minor unit of each snapshot currency, for ranking only.
  std::vector<double> unit_value(s.currencies.size());
  for (size_t k = 0; k < s.currencies.size(); ++k) {
    const Currency& currency = s.currencies[k];
    auto rate = rate_micros.find(std::string(currency.code_view()));
    const double per_unit =
        rate == rate_micros.end() ? 1.0 : static_cast<double>(rate->second) / 1e6;
    unit_value[k] = per_unit / std::pow(10.0, currency.minor_digits);
  }
  const size_t n = s.customer_count();
  const int32_t day = as_of.days();
  balance_end_.resize(n);
  oldest_overdue_.assign(n, 0);
  rank_open_.assign(n, 0);
  rank_overdue_.assign(n, 0);
  balances_.reserve(n);
  for (size_t c = 0; c < n; ++c) {
    const size_t first = balances_.size();
    for (uint32_t i = s.invoice_begin(c); i < s.invoice_end[c]; ++i) {
      if (s.invoice_date[i] > day) continue;  // not issued yet
      const int64_t open = s.invoice_amount[i] - s.allocated_by(i, day);
      if (open == 0) continue;
      const uint8_t currency = s.invoice_currency[i];
      auto it = std::find_if(balances_.begin() + static_cast<ptrdiff_t>(first), balances_.end(),
                             [&](const CurrencyBalance& b) { return b.currency == currency; });
      if (it == balances_.end()) {
        balances_.push_back({currency, 0, 0});
        it = balances_.end() - 1;
      }
      // A customer's open items sum to far less than 2^63 minor units: the import checks
      // every allocation against its invoice, and aging reports catch an overflow anyway.
      it->open += open;
      const int32_t days_overdue = day - s.invoice_due[i];
      if (days_overdue > 0) {
        it->overdue += open;
        oldest_overdue_[c] = std::max(oldest_overdue_[c], days_overdue);
      }
    }
    std::sort(balances_.begin() + static_cast<ptrdiff_t>(first), balances_.end(),
              [&](const CurrencyBalance& a, const CurrencyBalance& b) {
                return s.currencies[a.currency].code_view() < s.currencies[b.currency].code_view();
              });
    for (size_t k = first; k < balances_.size(); ++k) {
      rank_open_[c] += static_cast<double>(balances_[k].open) * unit_value[balances_[k].currency];
      rank_overdue_[c] +=
          static_cast<double>(balances_[k].overdue) * unit_value[balances_[k].currency];
    }
    balance_end_[c] = static_cast<uint32_t>(balances_.size());
  }
  balances_.shrink_to_fit();
}

const CustomerIndex::Order* CustomerIndex::order(const Snapshot& s, CustomerSort sort) const {
  Order* order = nullptr;
  std::function<std::vector<uint32_t>()> build;
  switch (sort) {
    case CustomerSort::kOpenDesc:
      order = &by_open_;
      build = [&] { return descending(rank_open_); };
      break;
    case CustomerSort::kOverdueDesc:
      order = &by_overdue_;
      build = [&] { return descending(rank_overdue_); };
      break;
    case CustomerSort::kName:
      order = &by_name_;
      build = [&] {
        std::vector<uint32_t> customers(s.customer_count());
        std::iota(customers.begin(), customers.end(), 0u);
        std::stable_sort(customers.begin(), customers.end(), [&](uint32_t a, uint32_t b) {
          return s.customer_name[a] < s.customer_name[b];
        });
        return customers;
      };
      break;
    case CustomerSort::kId:
      return nullptr;
  }
  std::call_once(order->once, [&] {
    order->customers = build();
    order->position.resize(order->customers.size());
    for (size_t k = 0; k < order->customers.size(); ++k) {
      order->position[order->customers[k]] = static_cast<uint32_t>(k);
    }
  });
  return order;
}

const std::string& CustomerIndex::search_text(const Snapshot& s) const {
  std::call_once(text_once_, [&] {
    text_end_.resize(s.customer_count());
    for (size_t c = 0; c < s.customer_count(); ++c) {
      const size_t from = text_.size();
      text_ += s.customer_key[c];
      text_ += '\x1f';
      text_ += s.customer_name[c];
      text_ += '\x1e';
      lowercase_ascii(text_, from);
      text_end_[c] = static_cast<uint32_t>(text_.size());
    }
  });
  return text_;
}

CustomerPage CustomerIndex::find(const Snapshot& s, const CustomerQuery& query) const {
  const size_t n = s.customer_count();
  // Customers whose id or name contains the text: one scan of the search text.
  std::vector<bool> text_match;
  if (!query.text.empty()) {
    std::string needle = query.text;
    lowercase_ascii(needle, 0);
    const std::string& haystack = search_text(s);
    text_match.assign(n, false);
    const char* const begin = haystack.data();
    const char* const end = begin + haystack.size();
    for (const char* at = begin; at < end;) {
      const void* hit = memmem(at, static_cast<size_t>(end - at), needle.data(), needle.size());
      if (!hit) break;
      const auto offset = static_cast<uint32_t>(static_cast<const char*>(hit) - begin);
      const size_t c = static_cast<size_t>(
          std::upper_bound(text_end_.begin(), text_end_.end(), offset) - text_end_.begin());
      text_match[c] = true;
      at = begin + text_end_[c];  // one match per customer is enough
    }
  }
  std::vector<bool> in_scope;
  if (query.scope) {
    in_scope.assign(s.collectors.values.size(), false);
    for (uint32_t code : *query.scope) {
      if (code < in_scope.size()) in_scope[code] = true;
    }
  }
  auto matches = [&](uint32_t c) {
    if (!in_scope.empty() && !in_scope[s.customer_collector[c]]) return false;
    if (query.scope && in_scope.empty()) return false;
    if (query.collector && s.customer_collector[c] != *query.collector) return false;
    if (query.region && s.customer_region[c] != *query.region) return false;
    if (query.industry && s.customer_industry[c] != *query.industry) return false;
    if (query.grade && s.customer_grade[c] != *query.grade) return false;
    if (query.type && s.customer_type[c] != *query.type) return false;
    if (query.overdue_only && oldest_overdue_[c] == 0) return false;
    if (!text_match.empty() && !text_match[c]) return false;
    return true;
  };
  const bool filtered = query.scope || query.collector || query.region || query.industry ||
                        query.grade || query.type || query.overdue_only || !query.text.empty();
  const Order* order = this->order(s, query.sort);
  auto at = [&](size_t k) { return order ? order->customers[k] : static_cast<uint32_t>(k); };
  const size_t end = query.offset + query.limit;
  CustomerPage page;
  if (!filtered) {  // the page is a slice of the order
    page.total = n;
    for (size_t k = query.offset; k < n && k < end; ++k) page.customers.push_back(at(k));
    return page;
  }
  // Which customers match: one sequential pass over the attribute columns.
  std::vector<uint32_t> hits;
  std::vector<uint8_t> is_hit(n, 0);
  for (uint32_t c = 0; c < n; ++c) {
    if (!matches(c)) continue;
    is_hit[c] = 1;
    if (hits.size() <= n / kSortMatchesBelow) hits.push_back(c);
    ++page.total;
  }
  if (page.total <= n / kSortMatchesBelow) {  // few: sort them by their place in the order
    if (order) {
      const size_t sorted = std::min(end, hits.size());
      std::partial_sort(
          hits.begin(), hits.begin() + static_cast<ptrdiff_t>(sorted), hits.end(),
          [&](uint32_t a, uint32_t b) { return order->position[a] < order->position[b]; });
    }
    for (size_t k = query.offset; k < hits.size() && k < end; ++k) {
      page.customers.push_back(hits[k]);
    }
    return page;
  }
  // Many: walk the order until the page is full.
  size_t seen = 0;
  for (size_t k = 0; k < n && seen < end; ++k) {
    const uint32_t c = at(k);
    if (!is_hit[c]) continue;
    if (seen >= query.offset) page.customers.push_back(c);
    ++seen;
  }
  return page;
}

}  // namespace huikuan

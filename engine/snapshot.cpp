#include "engine/snapshot.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <unordered_map>

namespace huikuan {
namespace {

constexpr uint32_t kMissing = UINT32_MAX;

// Maps store ids to positions: a flat array when ids are dense (the usual case), else a hash.
class IdIndex {
 public:
  IdIndex(int64_t max_id, size_t count) {
    dense_ = max_id >= 0 && static_cast<uint64_t>(max_id) <= 4 * count + 1024;
    if (dense_) positions_.assign(static_cast<size_t>(max_id) + 1, kMissing);
  }
  void set(int64_t id, uint32_t position) {
    if (dense_) {
      positions_[static_cast<size_t>(id)] = position;
    } else {
      sparse_[id] = position;
    }
  }
  uint32_t find(int64_t id) const {
    if (dense_) {
      return id >= 0 && static_cast<size_t>(id) < positions_.size()
                 ? positions_[static_cast<size_t>(id)]
                 : kMissing;
    }
    auto it = sparse_.find(id);
    return it == sparse_.end() ? kMissing : it->second;
  }

 private:
  bool dense_ = false;
  std::vector<uint32_t> positions_;
  std::unordered_map<int64_t, uint32_t> sparse_;
};

template <class T, class Id>
int64_t max_id(const std::vector<T>& rows, Id id) {
  int64_t result = 0;
  for (const auto& row : rows) result = std::max(result, id(row));
  return result;
}

}  // namespace

uint32_t Dictionary::code_of(const std::string& value) {
  if (values.empty()) values.emplace_back();
  if (value.empty()) return 0;
  auto [it, added] = index_.emplace(value, static_cast<uint32_t>(values.size()));
  if (added) values.push_back(value);
  return it->second;
}

std::optional<uint32_t> Dictionary::find(std::string_view value) const {
  for (size_t code = 0; code < values.size(); ++code) {
    if (values[code] == value) return static_cast<uint32_t>(code);
  }
  return std::nullopt;
}

std::optional<size_t> Snapshot::customer_index(std::string_view key) const {
  auto it = std::lower_bound(customer_key.begin(), customer_key.end(), key);
  if (it == customer_key.end() || *it != key) return std::nullopt;
  return static_cast<size_t>(it - customer_key.begin());
}

size_t Snapshot::memory_bytes() const {
  auto bytes = [](const auto& v) { return v.size() * sizeof(v[0]); };
  size_t total = bytes(customer_collector) + bytes(customer_region) + bytes(customer_industry) +
                 bytes(customer_grade) + bytes(customer_importance) + bytes(customer_type) +
                 bytes(customer_flags) + bytes(customer_country) + bytes(customer_timezone) +
                 bytes(invoice_id) + bytes(invoice_end) + bytes(credit_end) + bytes(invoice_date) +
                 bytes(invoice_due) + bytes(invoice_amount) + bytes(invoice_currency) +
                 bytes(allocation_end) + bytes(allocation_date) + bytes(allocation_cumulative) +
                 bytes(credit_date) + bytes(credit_amount) + bytes(credit_currency) +
                 bytes(credit_is_note);
  for (const auto& s : customer_key) total += sizeof(s) + (s.size() > 15 ? s.capacity() : 0);
  for (const auto& s : customer_name) total += sizeof(s) + (s.size() > 15 ? s.capacity() : 0);
  return total;
}

void SnapshotBuilder::add(const Customer& customer) {
  customers_.push_back(customer);
}

void SnapshotBuilder::add(const Invoice& d) {
  docs_.push_back({d.id, d.customer_id, d.invoice_date.days(), d.due_date.days(), d.amount,
                   d.currency, d.doc_type == DocType::kInvoice});
}

void SnapshotBuilder::add(const Payment& p) {
  // Payments live in the credit columns beside credit notes; a negative id keeps them apart.
  docs_.push_back({-p.id, p.customer_id, p.payment_date.days(), p.payment_date.days(), p.amount,
                   p.currency, false});
}

void SnapshotBuilder::add(const Allocation& a) {
  allocations_.push_back({a.invoice_id, a.date.days(), a.amount});
}

Result<std::shared_ptr<const Snapshot>> SnapshotBuilder::build() {
  auto snapshot = std::make_shared<Snapshot>();
  Snapshot& s = *snapshot;

  std::sort(customers_.begin(), customers_.end(),
            [](const Customer& a, const Customer& b) { return a.external_id < b.external_id; });
  const size_t customer_count = customers_.size();
  IdIndex customer_index(max_id(customers_, [](const Customer& c) { return c.id; }),
                         customer_count);
  s.customer_key.reserve(customer_count);
  s.customer_id.reserve(customer_count);
  s.customer_name.reserve(customer_count);
  for (size_t c = 0; c < customer_count; ++c) {
    Customer& customer = customers_[c];
    customer_index.set(customer.id, static_cast<uint32_t>(c));
    s.customer_key.push_back(std::move(customer.external_id));
    s.customer_id.push_back(customer.id);
    s.customer_name.push_back(std::move(customer.name));
    s.customer_collector.push_back(s.collectors.code_of(customer.collector));
    s.customer_region.push_back(s.regions.code_of(customer.region));
    s.customer_industry.push_back(s.industries.code_of(customer.industry));
    s.customer_grade.push_back(s.grades.code_of(customer.credit_grade));
    s.customer_importance.push_back(s.importances.code_of(customer.importance));
    s.customer_type.push_back(s.types.code_of(customer.customer_type));
    s.customer_country.push_back(s.countries.code_of(customer.country));
    s.customer_timezone.push_back(s.timezones.code_of(customer.timezone));
    s.customer_flags.push_back(
        static_cast<uint8_t>((customer.do_not_contact ? Snapshot::kDoNotContact : 0) |
                             (customer.blacklisted ? Snapshot::kBlacklisted : 0)));
  }
  customers_.clear();
  customers_.shrink_to_fit();

  // Counting sort of documents by customer, invoices and credits separately.
  std::vector<uint32_t> doc_customer(docs_.size());
  s.invoice_end.assign(customer_count, 0);
  s.credit_end.assign(customer_count, 0);
  for (size_t k = 0; k < docs_.size(); ++k) {
    const uint32_t c = customer_index.find(docs_[k].customer_id);
    if (c == kMissing) {
      return fail(fmt::format("document {} refers to unknown customer {}", docs_[k].id,
                              docs_[k].customer_id));
    }
    doc_customer[k] = c;
    ++(docs_[k].is_invoice ? s.invoice_end : s.credit_end)[c];
  }
  std::partial_sum(s.invoice_end.begin(), s.invoice_end.end(), s.invoice_end.begin());
  std::partial_sum(s.credit_end.begin(), s.credit_end.end(), s.credit_end.begin());
  const size_t invoice_count = customer_count ? s.invoice_end.back() : 0;
  const size_t credit_count = customer_count ? s.credit_end.back() : 0;
  s.invoice_id.resize(invoice_count);
  s.invoice_date.resize(invoice_count);
  s.invoice_due.resize(invoice_count);
  s.invoice_amount.resize(invoice_count);
  s.invoice_currency.resize(invoice_count);
  s.credit_date.resize(credit_count);
  s.credit_amount.resize(credit_count);
  s.credit_currency.resize(credit_count);
  s.credit_is_note.resize(credit_count);

  auto currency_code = [&](Currency currency) -> Result<uint8_t> {
    auto it = std::find(s.currencies.begin(), s.currencies.end(), currency);
    if (it != s.currencies.end()) return static_cast<uint8_t>(it - s.currencies.begin());
    if (s.currencies.size() == 255) return fail("more than 255 currencies in one ledger");
    s.currencies.push_back(currency);
    return static_cast<uint8_t>(s.currencies.size() - 1);
  };

  // Fill from the back so each customer's documents keep their input order.
  int64_t max_invoice_id = 0;
  for (const auto& d : docs_) {
    if (d.is_invoice) max_invoice_id = std::max(max_invoice_id, d.id);
  }
  IdIndex invoice_index(max_invoice_id, invoice_count);
  std::vector<uint32_t> invoice_next(s.invoice_end);
  std::vector<uint32_t> credit_next(s.credit_end);
  for (size_t k = docs_.size(); k-- > 0;) {
    const Doc& d = docs_[k];
    auto code = currency_code(d.currency);
    if (!code) return tl::unexpected(code.error());
    const uint32_t c = doc_customer[k];
    if (d.is_invoice) {
      const uint32_t i = --invoice_next[c];
      s.invoice_id[i] = d.id;
      s.invoice_date[i] = d.date;
      s.invoice_due[i] = d.due;
      s.invoice_amount[i] = d.amount;
      s.invoice_currency[i] = *code;
      invoice_index.set(d.id, i);
    } else {
      const uint32_t i = --credit_next[c];
      s.credit_date[i] = d.date;
      s.credit_amount[i] = d.amount;
      s.credit_currency[i] = *code;
      s.credit_is_note[i] = d.id > 0;
    }
  }
  docs_.clear();
  docs_.shrink_to_fit();
  doc_customer = {};

  // Allocation runs: grouped by invoice, date-sorted, as running sums.
  std::vector<uint32_t> allocation_invoice(allocations_.size());
  s.allocation_end.assign(invoice_count, 0);
  for (size_t k = 0; k < allocations_.size(); ++k) {
    const uint32_t i = invoice_index.find(allocations_[k].invoice_id);
    if (i == kMissing) {
      return fail(
          fmt::format("allocation refers to unknown invoice {}", allocations_[k].invoice_id));
    }
    allocation_invoice[k] = i;
    ++s.allocation_end[i];
  }
  std::partial_sum(s.allocation_end.begin(), s.allocation_end.end(), s.allocation_end.begin());
  s.allocation_date.resize(allocations_.size());
  s.allocation_cumulative.resize(allocations_.size());
  std::vector<uint32_t> allocation_next(s.allocation_end);
  for (size_t k = allocations_.size(); k-- > 0;) {
    const uint32_t slot = --allocation_next[allocation_invoice[k]];
    s.allocation_date[slot] = allocations_[k].date;
    s.allocation_cumulative[slot] = allocations_[k].amount;
  }
  allocations_.clear();
  allocations_.shrink_to_fit();
  for (size_t i = 0; i < invoice_count; ++i) {
    const uint32_t begin = i == 0 ? 0 : s.allocation_end[i - 1];
    const uint32_t end = s.allocation_end[i];
    if (end - begin > 1) {
      // Short runs: insertion sort by date, keeping amounts paired.
      for (uint32_t a = begin + 1; a < end; ++a) {
        for (uint32_t b = a; b > begin && s.allocation_date[b - 1] > s.allocation_date[b]; --b) {
          std::swap(s.allocation_date[b - 1], s.allocation_date[b]);
          std::swap(s.allocation_cumulative[b - 1], s.allocation_cumulative[b]);
        }
      }
      for (uint32_t a = begin + 1; a < end; ++a) {
        if (__builtin_add_overflow(s.allocation_cumulative[a], s.allocation_cumulative[a - 1],
                                   &s.allocation_cumulative[a])) {
          return fail("allocation amounts overflow");
        }
      }
    }
  }
  return std::shared_ptr<const Snapshot>(std::move(snapshot));
}

}  // namespace huikuan

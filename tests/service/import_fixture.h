#pragma once
// Helpers for service tests: a temporary directory that cleans up after itself, CSV files
// written into it, and a plain-text dump of everything a store holds.

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.h"

namespace huikuan::testing {

namespace fs = std::filesystem;

//! A fresh directory under the system temp directory, removed with everything in it.
class TempDir {
 public:
  explicit TempDir(std::string_view tag = "test") {
    static std::atomic<unsigned> counter{0};
    std::random_device random;
    path_ = fs::temp_directory_path() /
            fmt::format("huikuan-{}-{}-{}-{:08x}", tag, ::getpid(), counter++, random());
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const fs::path& path() const { return path_; }
  fs::path operator/(std::string_view name) const { return path_ / name; }

 private:
  fs::path path_;
};

//! Writes `bytes` to `path` exactly (binary), creating parent directories.
inline void write_file(const fs::path& path, std::string_view bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

//! Everything a store holds, one readable line per row, for "nothing changed" comparisons.
struct StoreDump {
  std::vector<std::string> customers, documents, deliveries, payments, allocations, changes;
  int64_t ledger_version = 0;

  bool operator==(const StoreDump&) const = default;
};

inline StoreDump dump(Store& store) {
  StoreDump d;
  store.read_customers([&](const Customer& c) {
    d.customers.push_back(
        fmt::format("{} {} {} {} {} {}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}", c.id, c.external_id,
                    c.name, c.currency ? std::string(c.currency->code_view()) : "-",
                    c.payment_terms_days ? std::to_string(*c.payment_terms_days) : "-",
                    c.credit_limit ? std::to_string(*c.credit_limit) : "-", c.credit_grade,
                    c.industry, c.region, c.customer_type, c.importance, c.collector, c.email,
                    c.phone, c.timezone, c.language, c.country));
  });
  store.read_invoices(ReadMode::kFull, [&](const Invoice& i) {
    d.documents.push_back(fmt::format(
        "{} {} {} {} {} {} {} {} {}|{}", i.id, i.external_id, i.customer_id,
        i.doc_type == DocType::kCreditNote ? "credit_note" : "invoice", i.invoice_date.to_string(),
        i.due_date.to_string(), i.currency.code_view(), i.amount, i.contract_id, i.reference));
  });
  store.read_deliveries([&](const Delivery& v) {
    d.deliveries.push_back(fmt::format(
        "{} {} {} {} {} {} {}|{}|{}", v.id, v.external_id, v.customer_id, v.contract_id,
        v.invoice_id, v.delivery_date.to_string(),
        v.received_date ? v.received_date->to_string() : "-", v.received_by, v.reference));
  });
  store.read_payments(ReadMode::kFull, [&](const Payment& p) {
    d.payments.push_back(fmt::format("{} {} {} {} {} {} {}", p.id, p.external_id, p.customer_id,
                                     p.payment_date.to_string(), p.currency.code_view(), p.amount,
                                     p.reference));
  });
  store.read_allocations([&](const Allocation& a) {
    d.allocations.push_back(fmt::format("{} {} {} {} {} {}", a.id, a.invoice_id, a.payment_id,
                                        a.credit_note_id, a.amount, a.date.to_string()));
  });
  store.read_changes([&](const ChangeRecord& r) {
    d.changes.push_back(fmt::format("{} {} {} {} {} {} {}", r.at, r.actor, r.entity, r.key, r.field,
                                    r.old_value, r.new_value));
  });
  d.ledger_version = store.ledger_version();
  return d;
}

inline void PrintTo(const StoreDump& d, std::ostream* os) {
  auto list = [&](const char* name, const std::vector<std::string>& rows) {
    *os << "\n  " << name << ":";
    for (const auto& row : rows) *os << "\n    " << row;
  };
  *os << "ledger_version " << d.ledger_version;
  list("customers", d.customers);
  list("documents", d.documents);
  list("deliveries", d.deliveries);
  list("payments", d.payments);
  list("allocations", d.allocations);
  list("changes", d.changes);
}

}  // namespace huikuan::testing

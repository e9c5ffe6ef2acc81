#pragma once
// An immutable, columnar, in-memory copy of the ledger that reports and the daily run read.
// Structure of arrays ordered by customer: a customer's invoices and credits are contiguous,
// and each invoice's allocations are a short date-sorted run of cumulative amounts, so "open
// as of D" is a tiny search and aging is one sequential pass (see docs/design.md).

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/currency.h"
#include "core/date.h"
#include "ledger/types.h"

namespace huikuan {

//! A text attribute with few distinct values (region, collector…) stored as codes.
struct Dictionary {
  std::vector<std::string> values;  //!< code -> value; code 0 is "" (not set)
  //! The code of `value`, adding it if new.
  uint32_t code_of(const std::string& value);
  //! The code of `value`, or nullopt if no customer has it.
  std::optional<uint32_t> find(std::string_view value) const;

 private:
  std::unordered_map<std::string, uint32_t> index_;  // value -> code, while building
};

class Snapshot {
 public:
  // Customers, sorted by external id. Customer c's invoices are
  // [invoice_begin(c), invoice_end[c]) and its credits [credit_begin(c), credit_end[c]).
  std::vector<std::string> customer_key;
  std::vector<int64_t> customer_id;  //!< the store's id, to write actions without a lookup
  std::vector<std::string> customer_name;
  std::vector<uint32_t> customer_collector;  //!< codes into `collectors`
  std::vector<uint32_t> customer_region;
  std::vector<uint32_t> customer_industry;
  std::vector<uint32_t> customer_grade;       //!< credit grade
  std::vector<uint32_t> customer_importance;  //!< high / low
  std::vector<uint32_t> customer_type;        //!< core, growth, general, problem, temporary
  std::vector<uint8_t> customer_flags;        //!< kDoNotContact | kBlacklisted
  std::vector<uint32_t> customer_country;     //!< ISO 3166 alpha-2
  std::vector<uint32_t> customer_timezone;    //!< IANA zone
  std::vector<uint32_t> invoice_end;
  std::vector<uint32_t> credit_end;
  Dictionary collectors, regions, industries, grades, importances, types, countries, timezones;
  static constexpr uint8_t kDoNotContact = 1;
  static constexpr uint8_t kBlacklisted = 2;

  std::vector<Currency> currencies;  //!< currency code (uint8_t) -> currency

  // Invoices (doc_type invoice), grouped by customer.
  std::vector<int64_t> invoice_id;    //!< the store's id, to join disputes and promises
  std::vector<int32_t> invoice_date;  //!< days since epoch
  std::vector<int32_t> invoice_due;
  std::vector<int64_t> invoice_amount;  //!< minor units
  std::vector<uint8_t> invoice_currency;
  //! Allocations of invoice i are [allocation_end[i-1], allocation_end[i]) (0 for i = 0).
  std::vector<uint32_t> allocation_end;
  std::vector<int32_t> allocation_date;        //!< ascending within an invoice
  std::vector<int64_t> allocation_cumulative;  //!< running sum within an invoice

  // Credits: payments and credit notes, grouped by customer.
  std::vector<int32_t> credit_date;
  std::vector<int64_t> credit_amount;
  std::vector<uint8_t> credit_currency;
  std::vector<uint8_t> credit_is_note;  //!< 1 for a credit note, 0 for a payment

  size_t customer_count() const { return customer_key.size(); }
  size_t invoice_count() const { return invoice_date.size(); }
  uint32_t invoice_begin(size_t c) const { return c == 0 ? 0 : invoice_end[c - 1]; }
  uint32_t credit_begin(size_t c) const { return c == 0 ? 0 : credit_end[c - 1]; }

  //! Amount of invoice i allocated on or before `day`.
  int64_t allocated_by(size_t i, int32_t day) const {
    const uint32_t begin = i == 0 ? 0 : allocation_end[i - 1];
    uint32_t end = allocation_end[i];
    while (end > begin && allocation_date[end - 1] > day) --end;  // runs are short
    return end == begin ? 0 : allocation_cumulative[end - 1];
  }

  //! Position of the customer with this external id (customers are sorted by it).
  std::optional<size_t> customer_index(std::string_view key) const;

  //! Position of the invoice with store id `invoice_id` among customer c's invoices (a short
  //! scan: for the few invoices that disputes and earlier actions name).
  std::optional<uint32_t> invoice_index(size_t c, int64_t invoice_id) const {
    for (uint32_t i = invoice_begin(c); i < invoice_end[c]; ++i) {
      if (this->invoice_id[i] == invoice_id) return i;
    }
    return std::nullopt;
  }

  //! Bytes held by the columns (not counting allocator overhead).
  size_t memory_bytes() const;
};

//! Collects ledger rows in any order and builds a Snapshot. Rows refer to each other by the
//! store's internal ids, as Store::read_* delivers them.
class SnapshotBuilder {
 public:
  void add(const Customer& customer);
  void add(const Invoice& document);  //!< an invoice or a credit note
  void add(const Payment& payment);
  void add(const Allocation& allocation);

  //! Fails if a row refers to an unknown id or more than 255 currencies appear.
  Result<std::shared_ptr<const Snapshot>> build();

 private:
  struct Doc {
    int64_t id;
    int64_t customer_id;
    int32_t date;
    int32_t due;
    int64_t amount;
    Currency currency;
    bool is_invoice;
  };
  struct Alloc {
    int64_t invoice_id;
    int32_t date;
    int64_t amount;
  };
  std::vector<Customer> customers_;
  std::vector<Doc> docs_;
  std::vector<Alloc> allocations_;
};

}  // namespace huikuan

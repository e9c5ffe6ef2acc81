#pragma once
// The customer list as of one day (GET /api/v1/customers): per customer its open and overdue
// amounts and its oldest overdue item, and the customers in each sort order. Built once per
// snapshot and day and shared by every request, so that a page costs about its length (plus one
// pass over the customers' attributes when filtered), never a sort of the whole ledger.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/date.h"
#include "engine/snapshot.h"

namespace huikuan {

enum class CustomerSort : uint8_t {
  kOpenDesc,     //!< largest open balance first (across currencies: see CustomerIndex)
  kOverdueDesc,  //!< largest overdue balance first
  kId,           //!< by external id
  kName,         //!< by name, in UTF-8 byte order
};

//! "open_desc", "overdue_desc", "id", "name"; nullopt for anything else.
std::optional<CustomerSort> parse_customer_sort(std::string_view text);

//! Which customers to list. Attribute filters are dictionary codes of the snapshot; a value no
//! customer has matches nobody.
struct CustomerQuery {
  std::string text;  //!< substring of the external id or the name, ASCII case-insensitive
  std::optional<uint32_t> collector, region, industry, grade, type;
  //! Collector codes the caller may see; nullopt = every customer.
  std::optional<std::vector<uint32_t>> scope;
  bool overdue_only = false;  //!< only customers with an overdue open item
  CustomerSort sort = CustomerSort::kOpenDesc;
  size_t offset = 0;
  size_t limit = 50;
};

struct CustomerPage {
  size_t total = 0;                 //!< customers matching, before paging
  std::vector<uint32_t> customers;  //!< snapshot positions of the page, in order
};

//! One currency of a customer's balance as of the index's day, in minor units.
struct CurrencyBalance {
  uint8_t currency = 0;  //!< code into Snapshot::currencies
  int64_t open = 0;
  int64_t overdue = 0;  //!< open and past its due date
};

class CustomerIndex {
 public:
  //! Computes every customer's balances as of `as_of` and the default order. Customers are
  //! ranked across currencies by their amounts in units of the policy currency through
  //! `rate_micros` (Policy::exchange_rate_micros; a currency without a rate counts 1:1).
  //! Thread-safe once built: other orders and the search text are built on first use.
  CustomerIndex(const Snapshot& snapshot, Date as_of,
                const std::map<std::string, int64_t>& rate_micros);
  CustomerIndex(const CustomerIndex&) = delete;
  CustomerIndex& operator=(const CustomerIndex&) = delete;

  Date as_of() const { return as_of_; }
  //! Customer c's balances, one per currency with open items, by currency code.
  std::span<const CurrencyBalance> balances(size_t c) const {
    const uint32_t begin = c == 0 ? 0 : balance_end_[c - 1];
    return {balances_.data() + begin, balance_end_[c] - begin};
  }
  //! Days overdue of customer c's oldest overdue open item; 0 when nothing is overdue.
  int32_t oldest_overdue_days(size_t c) const { return oldest_overdue_[c]; }

  //! The page of customers matching `query`, with their count. `snapshot` must be the one the
  //! index was built from.
  CustomerPage find(const Snapshot& snapshot, const CustomerQuery& query) const;

 private:
  //! Customers in one sort order, and each customer's place in it.
  struct Order {
    std::once_flag once;
    std::vector<uint32_t> customers;
    std::vector<uint32_t> position;  // customer -> index into `customers`
  };
  //! The order for `sort`, built on first use; null for kId (snapshot order).
  const Order* order(const Snapshot& snapshot, CustomerSort sort) const;
  const std::string& search_text(const Snapshot& snapshot) const;

  Date as_of_;
  std::vector<CurrencyBalance> balances_;
  std::vector<uint32_t> balance_end_;  // CSR offsets into balances_, per customer
  std::vector<int32_t> oldest_overdue_;
  std::vector<double> rank_open_, rank_overdue_;  // policy-currency units, for sorting

  mutable Order by_open_, by_overdue_, by_name_;
  mutable std::once_flag text_once_;
  // Every customer's "id\x1fname\x1e", ASCII-lowercased, in snapshot order, and where each
  // customer's part ends: one memmem pass finds every match.
  mutable std::string text_;
  mutable std::vector<uint32_t> text_end_;
};

}  // namespace huikuan

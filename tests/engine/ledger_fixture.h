#pragma once
// Builds small ledgers for engine tests: customers, invoices, credit notes, payments and
// allocations by readable keys and ISO dates.

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "engine/snapshot.h"

namespace huikuan::testing {

inline Date day(const char* iso) {
  return *Date::parse(iso);
}
inline Currency currency(const char* code) {
  return *Currency::find(code);
}

class LedgerFixture {
 public:
  void customer(const std::string& key, const std::string& region = "",
                const std::string& collector = "") {
    Customer c;
    c.id = next_id_++;
    c.external_id = key;
    c.name = "Name of " + key;
    c.region = region;
    c.collector = collector;
    ids_[key] = c.id;
    builder_.add(c);
  }
  //! A customer with every attribute given; its id is assigned here.
  void customer(Customer c) {
    c.id = next_id_++;
    ids_[c.external_id] = c.id;
    builder_.add(c);
  }
  int64_t id_of(const std::string& key) const { return ids_.at(key); }
  void invoice(const std::string& key, const std::string& customer, const char* date,
               const char* due, int64_t amount, const char* code = "CNY") {
    document(key, customer, date, due, amount, code, DocType::kInvoice);
  }
  void credit_note(const std::string& key, const std::string& customer, const char* date,
                   int64_t amount, const char* code = "CNY") {
    document(key, customer, date, date, amount, code, DocType::kCreditNote);
  }
  void payment(const std::string& key, const std::string& customer, const char* date,
               int64_t amount, const char* code = "CNY") {
    Payment p;
    p.id = next_id_++;
    p.external_id = key;
    p.customer_id = ids_.at(customer);
    p.payment_date = day(date);
    p.currency = currency(code);
    p.amount = amount;
    ids_[key] = p.id;
    builder_.add(p);
  }
  //! Allocates `amount` of payment or credit note `source` to `invoice` on `date`.
  void allocate(const std::string& invoice, const std::string& source, const char* date,
                int64_t amount) {
    Allocation a;
    a.id = next_id_++;
    a.invoice_id = ids_.at(invoice);
    a.payment_id = ids_.at(source);  // the engine only needs the invoice side
    a.amount = amount;
    a.date = day(date);
    builder_.add(a);
  }
  std::shared_ptr<const Snapshot> build() {
    auto snapshot = builder_.build();
    EXPECT_TRUE(snapshot.has_value());
    return *snapshot;
  }

 private:
  void document(const std::string& key, const std::string& customer, const char* date,
                const char* due, int64_t amount, const char* code, DocType type) {
    Invoice d;
    d.id = next_id_++;
    d.external_id = key;
    d.customer_id = ids_.at(customer);
    d.doc_type = type;
    d.invoice_date = day(date);
    d.due_date = day(due);
    d.currency = currency(code);
    d.amount = amount;
    ids_[key] = d.id;
    builder_.add(d);
  }

  SnapshotBuilder builder_;
  std::map<std::string, int64_t> ids_;
  int64_t next_id_ = 1;
};

}  // namespace huikuan::testing

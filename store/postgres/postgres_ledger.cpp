// PostgresStore: the ledger (customers, documents, payments, allocations, deliveries), its
// audit log and the collection policy's versions. Each method does what its SQLite counterpart
// in store/sqlite/sqlite_store.cpp does, in the same row order.

#include <array>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "store/audit_chain.h"
#include "store/postgres/postgres_store.h"

namespace huikuan {
namespace {

// From this many rows on, an insert goes through COPY: below it, COPY's own round trips cost
// more than the prepared INSERTs they save.
constexpr size_t kCopyFrom = 32;
// COPY data sent per statement, so that a million-row import never holds it all at once.
constexpr size_t kCopyChunkBytes = size_t{8} << 20;

// Currency codes repeat on every row; parse each distinct code once. A ledger has a handful
// of currencies, usually interleaved, so remember several rather than only the last.
class CurrencyCache {
 public:
  Currency get(const pqxx::field& f) {
    const std::string_view code = pg::text(f);
    for (const Currency& c : seen_) {
      if (code == c.code_view()) return c;
    }
    Currency c = pg::currency(f);
    if (seen_.size() < kMax) seen_.push_back(c);
    return c;
  }

 private:
  static constexpr size_t kMax = 16;
  std::vector<Currency> seen_;
};

// A date as statement parameter or COPY field: "YYYY-MM-DD".
std::string date_text(Date d) {
  return std::string(d.iso().data());
}

std::optional<std::string> optional_date_text(const std::optional<Date>& d) {
  return d ? std::optional(date_text(*d)) : std::nullopt;
}

std::optional<std::string> optional_currency_text(const std::optional<Currency>& c) {
  return c ? std::optional(std::string(c->code_view())) : std::nullopt;
}

std::optional<int64_t> widen(const std::optional<int32_t>& v) {
  return v ? std::optional<int64_t>(*v) : std::nullopt;
}

const char* doc_type_name(DocType type) {
  return type == DocType::kCreditNote ? "credit_note" : "invoice";
}

void add_date(pg::CopyRows& copy, Date d) {
  const auto iso = d.iso();
  copy.add(std::string_view(iso.data(), iso.size() - 1));
}

// `rows` into `table_and_columns` ("customers (id, …)"): by COPY in chunks when there are many,
// else by `insert` one at a time. `add` writes a row's fields in the listed column order.
template <class Row, class Add, class Insert>
void insert_rows(PostgresStore& store, std::span<const Row> rows,
                 const std::string& table_and_columns, Add add, Insert insert) {
  if (rows.size() < kCopyFrom) {
    for (const Row& row : rows) insert(row);
    return;
  }
  pg::CopyRows copy;
  for (const Row& row : rows) {
    add(copy, row);
    copy.end_row();
    if (copy.data().size() >= kCopyChunkBytes) {
      store.copy_in(table_and_columns, copy);
      copy.clear();
    }
  }
  if (copy.rows() > 0) store.copy_in(table_and_columns, copy);
}

// Runs `sql` with the members of `args` as its parameters.
template <class Tuple>
pqxx::result exec_tuple(PostgresStore& store, const std::string& sql, const Tuple& args) {
  return std::apply([&](const auto&... arg) { return store.exec(sql, arg...); }, args);
}

// ---- customers ----

constexpr const char* kSelectCustomer =
    "SELECT id, external_id, name, currency, payment_terms_days, credit_limit, credit_grade, "
    "industry, region, customer_type, importance, collector, email, phone, timezone, language, "
    "country, do_not_contact, blacklisted FROM customers ";

void customer_row(const pqxx::row& r, Customer& c, CurrencyCache& currencies) {
  c.id = pg::i64(r[0]);
  c.external_id.assign(pg::text(r[1]));
  c.name.assign(pg::text(r[2]));
  c.currency = r[3].is_null() ? std::nullopt : std::optional(currencies.get(r[3]));
  c.payment_terms_days =
      r[4].is_null() ? std::nullopt : std::optional(static_cast<int32_t>(pg::i64(r[4])));
  c.credit_limit = pg::optional_i64(r[5]);
  c.credit_grade.assign(pg::text(r[6]));
  c.industry.assign(pg::text(r[7]));
  c.region.assign(pg::text(r[8]));
  c.customer_type.assign(pg::text(r[9]));
  c.importance.assign(pg::text(r[10]));
  c.collector.assign(pg::text(r[11]));
  c.email.assign(pg::text(r[12]));
  c.phone.assign(pg::text(r[13]));
  c.timezone.assign(pg::text(r[14]));
  c.language.assign(pg::text(r[15]));
  c.country.assign(pg::text(r[16]));
  c.do_not_contact = pg::i64(r[17]) != 0;
  c.blacklisted = pg::i64(r[18]) != 0;
}

std::optional<Customer> one_customer(const pqxx::result& result) {
  if (result.empty()) return std::nullopt;
  Customer c;
  CurrencyCache currencies;
  customer_row(result[0], c, currencies);
  return c;
}

// The parameters of the INSERT and UPDATE statements, in their order ($1, $2, …).
auto customer_args(const Customer& c) {
  return std::make_tuple(c.name, optional_currency_text(c.currency), widen(c.payment_terms_days),
                         c.credit_limit, c.credit_grade, c.industry, c.region, c.customer_type,
                         c.importance, c.collector, c.email, c.phone, c.timezone, c.language,
                         c.country, int64_t{c.do_not_contact ? 1 : 0},
                         int64_t{c.blacklisted ? 1 : 0}, c.external_id, c.id);
}

constexpr const char* kCustomerColumns =
    "customers (name, currency, payment_terms_days, credit_limit, credit_grade, industry, "
    "region, customer_type, importance, collector, email, phone, timezone, language, country, "
    "do_not_contact, blacklisted, external_id, id)";
constexpr const char* kInsertCustomer =
    "INSERT INTO customers (name, currency, payment_terms_days, credit_limit, credit_grade, "
    "industry, region, customer_type, importance, collector, email, phone, timezone, language, "
    "country, do_not_contact, blacklisted, external_id, id) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, "
    "$19)";
constexpr const char* kUpdateCustomer =
    "UPDATE customers SET name = $1, currency = $2, payment_terms_days = $3, credit_limit = $4, "
    "credit_grade = $5, industry = $6, region = $7, customer_type = $8, importance = $9, "
    "collector = $10, email = $11, phone = $12, timezone = $13, language = $14, country = $15, "
    "do_not_contact = $16, blacklisted = $17, external_id = $18 WHERE id = $19";

void add_customer(pg::CopyRows& copy, const Customer& c) {
  copy.add(c.name);
  if (c.currency) {
    copy.add(c.currency->code_view());
  } else {
    copy.add_null();
  }
  copy.add(widen(c.payment_terms_days));
  copy.add(c.credit_limit);
  copy.add(c.credit_grade);
  copy.add(c.industry);
  copy.add(c.region);
  copy.add(c.customer_type);
  copy.add(c.importance);
  copy.add(c.collector);
  copy.add(c.email);
  copy.add(c.phone);
  copy.add(c.timezone);
  copy.add(c.language);
  copy.add(c.country);
  copy.add(int64_t{c.do_not_contact ? 1 : 0});
  copy.add(int64_t{c.blacklisted ? 1 : 0});
  copy.add(c.external_id);
  copy.add(c.id);
}

// ---- invoices and credit notes ----

// Every column, in the order invoice_row reads them.
constexpr const char* kSelectInvoice =
    "SELECT id, customer_id, doc_type, invoice_date, due_date, currency, amount, external_id, "
    "contract_id, reference FROM invoices ";

void invoice_row(const pqxx::row& r, ReadMode mode, Invoice& inv, CurrencyCache& currencies) {
  inv.id = pg::i64(r[0]);
  inv.customer_id = pg::i64(r[1]);
  inv.doc_type = pg::text(r[2]) == "credit_note" ? DocType::kCreditNote : DocType::kInvoice;
  inv.invoice_date = pg::date(r[3]);
  inv.due_date = pg::date(r[4]);
  inv.currency = currencies.get(r[5]);
  inv.amount = pg::i64(r[6]);
  if (mode == ReadMode::kFull) {
    inv.external_id.assign(pg::text(r[7]));
    inv.contract_id.assign(pg::text(r[8]));
    inv.reference.assign(pg::text(r[9]));
  }
}

constexpr const char* kInvoiceColumns =
    "invoices (customer_id, doc_type, invoice_date, due_date, currency, amount, contract_id, "
    "reference, external_id, id)";
constexpr const char* kInsertInvoice =
    "INSERT INTO invoices (customer_id, doc_type, invoice_date, due_date, currency, amount, "
    "contract_id, reference, external_id, id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
constexpr const char* kUpdateInvoice =
    "UPDATE invoices SET customer_id = $1, doc_type = $2, invoice_date = $3, due_date = $4, "
    "currency = $5, amount = $6, contract_id = $7, reference = $8, external_id = $9 "
    "WHERE id = $10";

// The parameters of the INSERT and UPDATE statements, in their order.
auto invoice_args(const Invoice& inv) {
  return std::make_tuple(inv.customer_id, doc_type_name(inv.doc_type), date_text(inv.invoice_date),
                         date_text(inv.due_date), std::string(inv.currency.code_view()), inv.amount,
                         inv.contract_id, inv.reference, inv.external_id, inv.id);
}

void add_invoice(pg::CopyRows& copy, const Invoice& inv) {
  copy.add(inv.customer_id);
  copy.add(std::string_view(doc_type_name(inv.doc_type)));
  add_date(copy, inv.invoice_date);
  add_date(copy, inv.due_date);
  copy.add(inv.currency.code_view());
  copy.add(inv.amount);
  copy.add(inv.contract_id);
  copy.add(inv.reference);
  copy.add(inv.external_id);
  copy.add(inv.id);
}

// ---- payments ----

constexpr const char* kSelectPayment =
    "SELECT id, customer_id, payment_date, currency, amount, external_id, reference "
    "FROM payments ";

void payment_row(const pqxx::row& r, ReadMode mode, Payment& p, CurrencyCache& currencies) {
  p.id = pg::i64(r[0]);
  p.customer_id = pg::i64(r[1]);
  p.payment_date = pg::date(r[2]);
  p.currency = currencies.get(r[3]);
  p.amount = pg::i64(r[4]);
  if (mode == ReadMode::kFull) {
    p.external_id.assign(pg::text(r[5]));
    p.reference.assign(pg::text(r[6]));
  }
}

constexpr const char* kPaymentColumns =
    "payments (customer_id, payment_date, currency, amount, reference, external_id, id)";
constexpr const char* kInsertPayment =
    "INSERT INTO payments (customer_id, payment_date, currency, amount, reference, "
    "external_id, id) VALUES ($1, $2, $3, $4, $5, $6, $7)";
constexpr const char* kUpdatePayment =
    "UPDATE payments SET customer_id = $1, payment_date = $2, currency = $3, amount = $4, "
    "reference = $5, external_id = $6 WHERE id = $7";

// The parameters of the INSERT and UPDATE statements, in their order.
auto payment_args(const Payment& p) {
  return std::make_tuple(p.customer_id, date_text(p.payment_date),
                         std::string(p.currency.code_view()), p.amount, p.reference, p.external_id,
                         p.id);
}

void add_payment(pg::CopyRows& copy, const Payment& p) {
  copy.add(p.customer_id);
  add_date(copy, p.payment_date);
  copy.add(p.currency.code_view());
  copy.add(p.amount);
  copy.add(p.reference);
  copy.add(p.external_id);
  copy.add(p.id);
}

// ---- allocations ----

void allocation_row(const pqxx::row& r, Allocation& a) {
  a.id = pg::i64(r[0]);
  a.invoice_id = pg::i64(r[1]);
  a.payment_id = pg::i64(r[2]);  // NULL reads as 0
  a.credit_note_id = pg::i64(r[3]);
  a.amount = pg::i64(r[4]);
  a.date = pg::date(r[5]);
}

constexpr const char* kAllocationColumns =
    "allocations (invoice_id, payment_id, credit_note_id, amount, allocation_date, id)";
constexpr const char* kInsertAllocation =
    "INSERT INTO allocations (invoice_id, payment_id, credit_note_id, amount, "
    "allocation_date, id) VALUES ($1, $2, $3, $4, $5, $6)";
constexpr const char* kUpdateAllocation =
    "UPDATE allocations SET invoice_id = $1, payment_id = $2, credit_note_id = $3, "
    "amount = $4, allocation_date = $5 WHERE id = $6";

// The parameters of the INSERT and UPDATE statements, in their order.
auto allocation_args(const Allocation& a) {
  return std::make_tuple(a.invoice_id, pg::id_or_null(a.payment_id),
                         pg::id_or_null(a.credit_note_id), a.amount, date_text(a.date), a.id);
}

void add_allocation(pg::CopyRows& copy, const Allocation& a) {
  copy.add(a.invoice_id);
  copy.add(pg::id_or_null(a.payment_id));
  copy.add(pg::id_or_null(a.credit_note_id));
  copy.add(a.amount);
  add_date(copy, a.date);
  copy.add(a.id);
}

// ---- deliveries ----

constexpr const char* kSelectDelivery =
    "SELECT id, external_id, customer_id, contract_id, invoice_id, delivery_date, "
    "received_date, received_by, reference FROM deliveries ";

void delivery_row(const pqxx::row& r, Delivery& d) {
  d.id = pg::i64(r[0]);
  d.external_id.assign(pg::text(r[1]));
  d.customer_id = pg::i64(r[2]);
  d.contract_id.assign(pg::text(r[3]));
  d.invoice_id = pg::i64(r[4]);  // NULL reads as 0
  d.delivery_date = pg::date(r[5]);
  d.received_date.reset();
  if (!r[6].is_null()) d.received_date = pg::date(r[6]);
  d.received_by.assign(pg::text(r[7]));
  d.reference.assign(pg::text(r[8]));
}

constexpr const char* kDeliveryColumns =
    "deliveries (customer_id, contract_id, invoice_id, delivery_date, received_date, "
    "received_by, reference, external_id, id)";
constexpr const char* kInsertDelivery =
    "INSERT INTO deliveries (customer_id, contract_id, invoice_id, delivery_date, "
    "received_date, received_by, reference, external_id, id) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
// By external id, as SQLite does (its table has no index on `id` alone; see migration 011).
constexpr const char* kUpdateDelivery =
    "UPDATE deliveries SET customer_id = $1, contract_id = $2, invoice_id = $3, "
    "delivery_date = $4, received_date = $5, received_by = $6, reference = $7, "
    "external_id = $8, id = $9 WHERE external_id = $8";

// The parameters of the INSERT and UPDATE statements, in their order.
auto delivery_args(const Delivery& d) {
  return std::make_tuple(d.customer_id, d.contract_id, pg::id_or_null(d.invoice_id),
                         date_text(d.delivery_date), optional_date_text(d.received_date),
                         d.received_by, d.reference, d.external_id, d.id);
}

void add_delivery(pg::CopyRows& copy, const Delivery& d) {
  copy.add(d.customer_id);
  copy.add(d.contract_id);
  copy.add(pg::id_or_null(d.invoice_id));
  add_date(copy, d.delivery_date);
  if (d.received_date) {
    add_date(copy, *d.received_date);
  } else {
    copy.add_null();
  }
  copy.add(d.received_by);
  copy.add(d.reference);
  copy.add(d.external_id);
  copy.add(d.id);
}

// ---- audit log ----

// The columns audit_row reads, in its order.
constexpr const char* kAuditColumns =
    "id, at, actor, role, entity, key, field, old_value, new_value, source, request_id, "
    "prev_hash, hash";

void audit_row(const pqxx::row& r, AuditEntry& e) {
  e.id = pg::i64(r[0]);
  ChangeRecord& c = e.change;
  c.at.assign(pg::text(r[1]));
  c.actor.assign(pg::text(r[2]));
  c.role.assign(pg::text(r[3]));
  c.entity.assign(pg::text(r[4]));
  c.key.assign(pg::text(r[5]));
  c.field.assign(pg::text(r[6]));
  c.old_value.assign(pg::text(r[7]));
  c.new_value.assign(pg::text(r[8]));
  c.source.assign(pg::text(r[9]));
  c.request_id.assign(pg::text(r[10]));
  e.prev_hash.assign(pg::text(r[11]));
  e.hash.assign(pg::text(r[12]));
}

constexpr const char* kChangeColumns =
    "ledger_changes (id, at, actor, role, entity, key, field, old_value, new_value, source, "
    "request_id, prev_hash, hash)";

}  // namespace

// ---- whole-table reads ----

void PostgresStore::read_customers(const std::function<void(const Customer&)>& row) {
  Customer c;
  CurrencyCache currencies;
  stream(std::string(kSelectCustomer) + "ORDER BY id", [&](const pqxx::row& r) {
    customer_row(r, c, currencies);
    row(c);
  });
}

void PostgresStore::read_invoices(ReadMode mode, const std::function<void(const Invoice&)>& row) {
  Invoice inv;
  CurrencyCache currencies;
  stream(mode == ReadMode::kFull
             ? std::string(kSelectInvoice) + "ORDER BY id"
             : std::string("SELECT id, customer_id, doc_type, invoice_date, due_date, currency, "
                           "amount FROM invoices ORDER BY id"),
         [&](const pqxx::row& r) {
           invoice_row(r, mode, inv, currencies);
           row(inv);
         });
}

void PostgresStore::read_payments(ReadMode mode, const std::function<void(const Payment&)>& row) {
  Payment p;
  CurrencyCache currencies;
  stream(mode == ReadMode::kFull ? std::string(kSelectPayment) + "ORDER BY id"
                                 : std::string("SELECT id, customer_id, payment_date, currency, "
                                               "amount FROM payments ORDER BY id"),
         [&](const pqxx::row& r) {
           payment_row(r, mode, p, currencies);
           row(p);
         });
}

void PostgresStore::read_allocations(const std::function<void(const Allocation&)>& row) {
  Allocation a;
  stream(
      "SELECT id, invoice_id, payment_id, credit_note_id, amount, allocation_date "
      "FROM allocations ORDER BY id",
      [&](const pqxx::row& r) {
        allocation_row(r, a);
        row(a);
      });
}

void PostgresStore::read_deliveries(const std::function<void(const Delivery&)>& row) {
  Delivery d;
  // By customer, then id: the order of SQLite's table (keyed by customer_id, id).
  stream(std::string(kSelectDelivery) + "ORDER BY customer_id, id", [&](const pqxx::row& r) {
    delivery_row(r, d);
    row(d);
  });
}

// ---- inserts and updates ----

void PostgresStore::insert_customers(std::span<const Customer> rows) {
  insert_rows(*this, rows, kCustomerColumns, add_customer,
              [&](const Customer& c) { exec_tuple(*this, kInsertCustomer, customer_args(c)); });
}

void PostgresStore::insert_invoices(std::span<const Invoice> rows) {
  insert_rows(*this, rows, kInvoiceColumns, add_invoice,
              [&](const Invoice& inv) { exec_tuple(*this, kInsertInvoice, invoice_args(inv)); });
}

void PostgresStore::insert_payments(std::span<const Payment> rows) {
  insert_rows(*this, rows, kPaymentColumns, add_payment,
              [&](const Payment& p) { exec_tuple(*this, kInsertPayment, payment_args(p)); });
}

void PostgresStore::insert_allocations(std::span<const Allocation> rows) {
  insert_rows(*this, rows, kAllocationColumns, add_allocation, [&](const Allocation& a) {
    exec_tuple(*this, kInsertAllocation, allocation_args(a));
  });
}

void PostgresStore::insert_deliveries(std::span<const Delivery> rows) {
  insert_rows(*this, rows, kDeliveryColumns, add_delivery,
              [&](const Delivery& d) { exec_tuple(*this, kInsertDelivery, delivery_args(d)); });
}

void PostgresStore::update_customer(const Customer& c) {
  exec_tuple(*this, kUpdateCustomer, customer_args(c));
}

void PostgresStore::update_invoice(const Invoice& inv) {
  exec_tuple(*this, kUpdateInvoice, invoice_args(inv));
}

void PostgresStore::update_payment(const Payment& p) {
  exec_tuple(*this, kUpdatePayment, payment_args(p));
}

void PostgresStore::update_allocation(const Allocation& a) {
  exec_tuple(*this, kUpdateAllocation, allocation_args(a));
}

void PostgresStore::update_delivery(const Delivery& d) {
  exec_tuple(*this, kUpdateDelivery, delivery_args(d));
}

// ---- audit log ----

void PostgresStore::insert_changes(std::span<const ChangeRecord> rows) {
  if (rows.empty()) return;
  if (!tx_) {
    // The chain needs its head and the new rows under one lock, which lasts a transaction.
    (void)transaction([&]() -> Result<void> {
      insert_changes(rows);
      return {};
    });
    return;
  }
  // Other server processes append too: the lock makes "read the head, write after it" atomic.
  // Statements after it see every chain committed before it was granted (READ COMMITTED).
  lock("audit");
  int64_t id = 0;
  std::string prev(kAuditGenesis);
  const pqxx::result head = exec("SELECT id, hash FROM ledger_changes ORDER BY id DESC LIMIT 1");
  if (!head.empty()) {
    id = pg::i64(head[0][0]);
    prev = pg::str(head[0][1]);
  }
  if (rows.size() < kCopyFrom) {
    for (const ChangeRecord& r : rows) {
      std::string hash = audit_hash(prev, ++id, r);
      exec(
          "INSERT INTO ledger_changes (id, at, actor, role, entity, key, field, old_value, "
          "new_value, source, request_id, prev_hash, hash) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
          id, r.at, r.actor, r.role, r.entity, r.key, r.field, r.old_value, r.new_value, r.source,
          r.request_id, prev, hash);
      prev = std::move(hash);
    }
    return;
  }
  pg::CopyRows copy;
  for (const ChangeRecord& r : rows) {
    std::string hash = audit_hash(prev, ++id, r);
    copy.add(id);
    for (const std::string* value : {&r.at, &r.actor, &r.role, &r.entity, &r.key, &r.field,
                                     &r.old_value, &r.new_value, &r.source, &r.request_id}) {
      copy.add(*value);
    }
    copy.add(prev);
    copy.add(hash);
    copy.end_row();
    prev = std::move(hash);
    if (copy.data().size() >= kCopyChunkBytes) {
      copy_in(kChangeColumns, copy);
      copy.clear();
    }
  }
  if (copy.rows() > 0) copy_in(kChangeColumns, copy);
}

void PostgresStore::read_changes(const std::function<void(const ChangeRecord&)>& row) {
  read_audit([&](const AuditEntry& entry) { row(entry.change); });
}

void PostgresStore::read_audit(const std::function<void(const AuditEntry&)>& row) {
  AuditEntry e;
  stream(std::string("SELECT ") + kAuditColumns + " FROM ledger_changes ORDER BY id",
         [&](const pqxx::row& r) {
           audit_row(r, e);
           row(e);
         });
}

void PostgresStore::read_audit_page(const AuditFilter& filter,
                                    const std::function<void(const AuditEntry&)>& row) {
  // Only the set filters become conditions (so the (entity, key, id) index serves a record's
  // history), numbered in order: PostgreSQL cannot type a parameter no condition uses.
  std::vector<std::string> args;
  std::string sql = std::string("SELECT ") + kAuditColumns + " FROM ledger_changes WHERE id < $1";
  args.push_back(std::to_string(filter.before_id.value_or(std::numeric_limits<int64_t>::max())));
  auto condition = [&](const char* column, const std::string& value) {
    if (value.empty()) return;
    args.push_back(value);
    sql += std::string(" AND ") + column + " = $" + std::to_string(args.size());
  };
  condition("entity", filter.entity);
  condition("key", filter.key);
  condition("actor", filter.actor);
  condition("request_id", filter.request_id);
  args.push_back(std::to_string(filter.limit));
  sql += " ORDER BY id DESC LIMIT $" + std::to_string(args.size());
  AuditEntry e;
  for (const auto& r : exec(sql, pqxx::prepare::make_dynamic_params(args))) {
    audit_row(r, e);
    row(e);
  }
}

void PostgresStore::read_changes_of(std::span<const std::pair<std::string, std::string>> records,
                                    int64_t limit,
                                    const std::function<void(const AuditEntry&)>& row) {
  if (records.empty()) return;
  // One statement for every record: per record, an index range newest first of at most
  // `limit` rows; then the newest `limit` of them all. DISTINCT: a record named twice is read
  // once, as SQLite's store drops the repeated rows.
  const pqxx::result result =
      exec(std::string("SELECT c.* FROM (SELECT DISTINCT entity, key FROM unnest($1::text[], "
                       "$2::text[]) AS r (entity, key)) r CROSS JOIN LATERAL (SELECT ") +
               kAuditColumns +
               " FROM ledger_changes l WHERE l.entity = r.entity COLLATE \"C\" "
               "AND l.key = r.key COLLATE \"C\" ORDER BY l.id DESC LIMIT $3) c "
               "ORDER BY c.id DESC LIMIT $3",
           pg::text_array(records,
                          [](const auto& record) -> const std::string& { return record.first; }),
           pg::text_array(records,
                          [](const auto& record) -> const std::string& { return record.second; }),
           limit);
  AuditEntry e;
  for (const auto& r : result) {
    audit_row(r, e);
    row(e);
  }
}

// ---- policy versions ----

int64_t PostgresStore::insert_policy_version(const PolicyVersion& version) {
  const pqxx::result inserted = exec(
      "INSERT INTO policy_versions (toml, sha256, created_at, created_by) "
      "VALUES ($1, $2, $3, $4) RETURNING id",
      version.toml, version.sha256, Timestamp::at(version.created_at.utc_seconds).to_string(),
      version.created_by);
  return pg::i64(inserted[0][0]);
}

std::optional<PolicyVersion> PostgresStore::latest_policy_version() {
  const pqxx::result result = exec(
      "SELECT id, toml, sha256, created_at, created_by FROM policy_versions "
      "ORDER BY id DESC LIMIT 1");
  if (result.empty()) return std::nullopt;
  const pqxx::row r = result[0];
  PolicyVersion version;
  version.id = pg::i64(r[0]);
  version.toml = pg::str(r[1]);
  version.sha256 = pg::str(r[2]);
  version.created_at = pg::timestamp(r[3]);
  version.created_by = pg::str(r[4]);
  return version;
}

// ---- single rows and one customer's records ----

std::optional<Customer> PostgresStore::find_customer(std::string_view external_id) {
  return one_customer(
      exec(std::string(kSelectCustomer) + "WHERE external_id = $1", std::string(external_id)));
}

std::optional<Customer> PostgresStore::find_customer_by_id(int64_t id) {
  return one_customer(exec(std::string(kSelectCustomer) + "WHERE id = $1", id));
}

std::optional<Invoice> PostgresStore::find_invoice(std::string_view external_id) {
  const pqxx::result result =
      exec(std::string(kSelectInvoice) + "WHERE external_id = $1", std::string(external_id));
  if (result.empty()) return std::nullopt;
  Invoice inv;
  CurrencyCache currencies;
  invoice_row(result[0], ReadMode::kFull, inv, currencies);
  return inv;
}

std::map<std::string, int64_t> PostgresStore::open_by_currency(int64_t customer_id, Date day) {
  const pqxx::result result = exec(
      "SELECT i.currency, SUM(i.amount - COALESCE((SELECT SUM(a.amount) FROM allocations a "
      "WHERE a.invoice_id = i.id AND a.allocation_date <= $2), 0))::bigint FROM invoices i "
      "WHERE i.customer_id = $1 AND i.doc_type = 'invoice' AND i.invoice_date <= $2 "
      "GROUP BY i.currency",
      customer_id, date_text(day));
  std::map<std::string, int64_t> open;
  for (const auto& r : result) open[pg::str(r[0])] = pg::i64(r[1]);
  return open;
}

int64_t PostgresStore::invoice_open(int64_t invoice_id, Date day) {
  const pqxx::result result = exec(
      "SELECT (i.amount - COALESCE((SELECT SUM(a.amount) FROM allocations a "
      "WHERE a.invoice_id = i.id AND a.allocation_date <= $2), 0))::bigint "
      "FROM invoices i WHERE i.id = $1 AND i.invoice_date <= $2",
      invoice_id, date_text(day));
  return result.empty() ? 0 : pg::i64(result[0][0]);
}

int64_t PostgresStore::disputed_open(int64_t invoice_id) {
  const pqxx::result result = exec(
      "SELECT COALESCE(SUM(amount), 0)::bigint FROM disputes "
      "WHERE invoice_id = $1 AND status = 'open'",
      invoice_id);
  return pg::i64(result[0][0]);
}

std::optional<Payment> PostgresStore::find_payment(std::string_view external_id) {
  const pqxx::result result =
      exec(std::string(kSelectPayment) + "WHERE external_id = $1", std::string(external_id));
  if (result.empty()) return std::nullopt;
  Payment p;
  CurrencyCache currencies;
  payment_row(result[0], ReadMode::kFull, p, currencies);
  return p;
}

void PostgresStore::read_customer_documents(int64_t customer_id,
                                            const std::function<void(const Invoice&)>& row) {
  // By id: SQLite's order, along its invoices_customer index.
  const pqxx::result result =
      exec(std::string(kSelectInvoice) + "WHERE customer_id = $1 ORDER BY id", customer_id);
  Invoice inv;
  CurrencyCache currencies;
  for (const auto& r : result) {
    invoice_row(r, ReadMode::kFull, inv, currencies);
    row(inv);
  }
}

void PostgresStore::read_customer_payments(int64_t customer_id,
                                           const std::function<void(const Payment&)>& row) {
  const pqxx::result result =
      exec(std::string(kSelectPayment) + "WHERE customer_id = $1 ORDER BY id", customer_id);
  Payment p;
  CurrencyCache currencies;
  for (const auto& r : result) {
    payment_row(r, ReadMode::kFull, p, currencies);
    row(p);
  }
}

void PostgresStore::read_customer_allocations(int64_t customer_id,
                                              const std::function<void(const Allocation&)>& row) {
  // In SQLite's order: its invoices by id, each one's allocations along allocations_key.
  const pqxx::result result = exec(
      "SELECT a.id, a.invoice_id, a.payment_id, a.credit_note_id, a.amount, a.allocation_date "
      "FROM invoices i JOIN allocations a ON a.invoice_id = i.id WHERE i.customer_id = $1 "
      "ORDER BY a.invoice_id, COALESCE(a.payment_id, 0), COALESCE(a.credit_note_id, 0), "
      "a.allocation_date",
      customer_id);
  Allocation a;
  for (const auto& r : result) {
    allocation_row(r, a);
    row(a);
  }
}

std::optional<Delivery> PostgresStore::find_delivery(std::string_view external_id) {
  const pqxx::result result =
      exec(std::string(kSelectDelivery) + "WHERE external_id = $1", std::string(external_id));
  if (result.empty()) return std::nullopt;
  Delivery d;
  delivery_row(result[0], d);
  return d;
}

void PostgresStore::read_customer_deliveries(int64_t customer_id,
                                             const std::function<void(const Delivery&)>& row) {
  const pqxx::result result =
      exec(std::string(kSelectDelivery) + "WHERE customer_id = $1 ORDER BY id", customer_id);
  Delivery d;
  for (const auto& r : result) {
    delivery_row(r, d);
    row(d);
  }
}

}  // namespace huikuan

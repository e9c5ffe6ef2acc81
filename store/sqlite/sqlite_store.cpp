#include "store/sqlite/sqlite_store.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <absl/container/flat_hash_map.h>
#include <fmt/format.h>
#include <signal.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/personal_data.h"
#include "store/audit_chain.h"
#include "store/stored_values.h"

extern const unsigned char sqlite_migration_001[];
extern const std::size_t sqlite_migration_001_size;
extern const unsigned char sqlite_migration_002[];
extern const std::size_t sqlite_migration_002_size;
extern const unsigned char sqlite_migration_003[];
extern const std::size_t sqlite_migration_003_size;
extern const unsigned char sqlite_migration_004[];
extern const std::size_t sqlite_migration_004_size;
extern const unsigned char sqlite_migration_005[];
extern const std::size_t sqlite_migration_005_size;
extern const unsigned char sqlite_migration_006[];
extern const std::size_t sqlite_migration_006_size;
extern const unsigned char sqlite_migration_007[];
extern const std::size_t sqlite_migration_007_size;
extern const unsigned char sqlite_migration_008[];
extern const std::size_t sqlite_migration_008_size;
extern const unsigned char sqlite_migration_009[];
extern const std::size_t sqlite_migration_009_size;
extern const unsigned char sqlite_migration_010[];
extern const std::size_t sqlite_migration_010_size;
extern const unsigned char sqlite_migration_011[];
extern const std::size_t sqlite_migration_011_size;
extern const unsigned char sqlite_migration_012[];
extern const std::size_t sqlite_migration_012_size;
extern const unsigned char sqlite_migration_013[];
extern const std::size_t sqlite_migration_013_size;
extern const unsigned char sqlite_migration_014[];
extern const std::size_t sqlite_migration_014_size;

namespace huikuan {
namespace {

using namespace stored;  // NOLINT: the store's own value formats

// Migration 006 made the change log a hash chain: chains the records written before it, with
// the customers' contact details they hold masked first, as they are from now on.
void chain_existing_changes(SQLite::Database& db) {
  SQLite::Statement query(db,
                          "SELECT id, at, actor, role, entity, key, field, old_value, new_value, "
                          "source, request_id FROM ledger_changes ORDER BY id");
  SQLite::Statement update(db,
                           "UPDATE ledger_changes SET prev_hash = ?, hash = ?, old_value = ?, "
                           "new_value = ? WHERE id = ?");
  std::string prev(kAuditGenesis);
  ChangeRecord r;
  while (query.executeStep()) {
    const int64_t id = query.getColumn(0).getInt64();
    r.at = query.getColumn(1).getString();
    r.actor = query.getColumn(2).getString();
    r.role = query.getColumn(3).getString();
    r.entity = query.getColumn(4).getString();
    r.key = query.getColumn(5).getString();
    r.field = query.getColumn(6).getString();
    r.old_value = query.getColumn(7).getString();
    r.new_value = query.getColumn(8).getString();
    r.source = query.getColumn(9).getString();
    r.request_id = query.getColumn(10).getString();
    if (r.entity == "customer" && is_personal_field(r.field)) {
      r.old_value = mask_personal_data(r.old_value);
      r.new_value = mask_personal_data(r.new_value);
    }
    std::string hash = audit_hash(prev, id, r);
    update.bind(1, prev);
    update.bind(2, hash);
    update.bind(3, r.old_value);
    update.bind(4, r.new_value);
    update.bind(5, id);
    update.exec();
    update.reset();
    prev = std::move(hash);
  }
}

struct Migration {
  int version;
  const unsigned char* sql;
  std::size_t size;
  void (*then)(SQLite::Database&);  // data step after the script, in its transaction
};

const Migration kMigrations[] = {
    {1, sqlite_migration_001, sqlite_migration_001_size, nullptr},
    {2, sqlite_migration_002, sqlite_migration_002_size, nullptr},
    {3, sqlite_migration_003, sqlite_migration_003_size, nullptr},
    {4, sqlite_migration_004, sqlite_migration_004_size, nullptr},
    {5, sqlite_migration_005, sqlite_migration_005_size, nullptr},
    {6, sqlite_migration_006, sqlite_migration_006_size, chain_existing_changes},
    {7, sqlite_migration_007, sqlite_migration_007_size, nullptr},
    {8, sqlite_migration_008, sqlite_migration_008_size, nullptr},
    {9, sqlite_migration_009, sqlite_migration_009_size, nullptr},
    {10, sqlite_migration_010, sqlite_migration_010_size, nullptr},
    {11, sqlite_migration_011, sqlite_migration_011_size, nullptr},
    {12, sqlite_migration_012, sqlite_migration_012_size, nullptr},
    {13, sqlite_migration_013, sqlite_migration_013_size, nullptr},
    {14, sqlite_migration_014, sqlite_migration_014_size, nullptr},
};

Timestamp timestamp_column(const SQLite::Column& column) {
  auto t = Timestamp::parse(column.getString());
  if (!t) throw std::runtime_error("stored row has " + t.error().message);
  return *t;
}

// An optional instant: '' is none.
std::optional<Timestamp> optional_timestamp_column(const SQLite::Column& column) {
  if (column.getString().empty()) return std::nullopt;
  return timestamp_column(column);
}

Role role_column(const SQLite::Column& column) {
  auto role = find_role(column.getString());
  if (!role) throw std::runtime_error("stored user has unknown role " + column.getString());
  return *role;
}

// A text column without copying it; valid until the statement steps.
std::string_view text(const SQLite::Column& column) {
  const char* chars = column.getText();
  return {chars, static_cast<size_t>(column.getBytes())};
}

const char* doc_type_name(DocType type) {
  return type == DocType::kCreditNote ? "credit_note" : "invoice";
}

Currency currency_column(const SQLite::Column& column) {
  auto currency = Currency::find(column.getString());
  if (!currency) throw std::runtime_error("stored row has " + currency.error().message);
  return *currency;
}

Date date_column(const SQLite::Column& column) {
  auto date = Date::parse(column.getString());
  if (!date) throw std::runtime_error("stored row has " + date.error().message);
  return *date;
}

// Binds an optional id; 0 means "none" and is stored as NULL.
void bind_id(SQLite::Statement& statement, int index, int64_t id) {
  if (id == 0) {
    statement.bind(index);
  } else {
    statement.bind(index, id);
  }
}

// Binds an optional integer; none is stored as NULL.
void bind_optional(SQLite::Statement& statement, int index, const std::optional<int64_t>& value) {
  if (value) {
    statement.bind(index, *value);
  } else {
    statement.bind(index);
  }
}

// An audit record from the columns id, at, actor, role, entity, key, field, old_value,
// new_value, source, request_id, prev_hash, hash, in that order.
void read_audit_row(SQLite::Statement& query, AuditEntry& e) {
  e.id = query.getColumn(0).getInt64();
  ChangeRecord& r = e.change;
  r.at = query.getColumn(1).getString();
  r.actor = query.getColumn(2).getString();
  r.role = query.getColumn(3).getString();
  r.entity = query.getColumn(4).getString();
  r.key = query.getColumn(5).getString();
  r.field = query.getColumn(6).getString();
  r.old_value = query.getColumn(7).getString();
  r.new_value = query.getColumn(8).getString();
  r.source = query.getColumn(9).getString();
  r.request_id = query.getColumn(10).getString();
  e.prev_hash = query.getColumn(11).getString();
  e.hash = query.getColumn(12).getString();
}

// Whether `holder` ("host:pid") may still be running: a process of another host is assumed to
// be, one of this host only if it exists.
bool process_alive(const std::string& holder) {
  const size_t colon = holder.rfind(':');
  if (colon == std::string::npos) return true;
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  if (holder.substr(0, colon) != host) return true;
  const long pid = std::strtol(holder.c_str() + colon + 1, nullptr, 10);
  return pid > 0 && (kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM);
}

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(const std::string& path)
      : db_(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLITE_OPEN_NOMUTEX) {
    db_.exec("PRAGMA journal_mode = WAL");
    db_.exec("PRAGMA synchronous = NORMAL");
    db_.exec("PRAGMA foreign_keys = ON");
    db_.exec("PRAGMA cache_size = -262144");  // 256 MiB page cache
    db_.exec("PRAGMA temp_store = MEMORY");
    // Reads straight from the mapped file instead of a pread per page: the 360° view reads a
    // few dozen pages per request. Debian's SQLite caps the mapping at 2 GiB.
    db_.exec("PRAGMA mmap_size = 2147418112");
    db_.setBusyTimeout(10000);
  }

  void migrate() {
    db_.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
    // Every migration not recorded yet, not only those above the highest: numbers are taken by
    // work that lands in any order, so a database may have 9 before 8 exists.
    std::vector<int> applied;
    SQLite::Statement recorded(db_, "SELECT version FROM schema_migrations");
    while (recorded.executeStep()) applied.push_back(recorded.getColumn(0).getInt());
    for (const auto& migration : kMigrations) {
      if (std::find(applied.begin(), applied.end(), migration.version) != applied.end()) continue;
      SQLite::Transaction transaction(db_);
      db_.exec(std::string(reinterpret_cast<const char*>(migration.sql), migration.size));
      if (migration.then) migration.then(db_);
      SQLite::Statement record(db_,
                               "INSERT INTO schema_migrations (version, applied_at) "
                               "VALUES (?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))");
      record.bind(1, migration.version);
      record.exec();
      transaction.commit();
    }
  }

  Result<void> transaction(const std::function<Result<void>()>& work) override {
    SQLite::Transaction transaction(db_, SQLite::TransactionBehavior::IMMEDIATE);
    auto result = work();  // an exception rolls back in ~Transaction
    if (result) transaction.commit();
    return result;
  }

  Result<void> read_transaction(const std::function<Result<void>()>& work) override {
    SQLite::Transaction transaction(db_, SQLite::TransactionBehavior::DEFERRED);
    auto result = work();
    transaction.commit();  // nothing was written; ends the read snapshot
    return result;
  }

  int schema_version() override {
    return db_.execAndGet("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").getInt();
  }

  int64_t ledger_version() override {
    return db_.execAndGet("SELECT version FROM ledger_version").getInt64();
  }

  std::string ledger_stamp() override {
    return db_.execAndGet("SELECT instance || ':' || version FROM ledger_version").getString();
  }

  void bump_ledger_version() override {
    db_.exec("UPDATE ledger_version SET version = version + 1");
  }

  int64_t collection_version() override {
    return db_.execAndGet("SELECT collection_version FROM ledger_version").getInt64();
  }

  void bump_collection_version() override {
    db_.exec("UPDATE ledger_version SET collection_version = collection_version + 1");
  }

  // SQLite's planner does well on these tables without statistics (its indexes decide).
  void update_statistics() override {}

  bool try_lock_job(std::string_view name, const std::string& holder) override {
    // Taken over when the lease ended, or when its holder was a process of this host that is
    // gone (every process on one SQLite file runs on this host).
    const int64_t now = std::time(nullptr);
    bool taken = false;
    (void)transaction([&]() -> Result<void> {
      const auto prepared = cached("SELECT holder, lease_until_s FROM job_locks WHERE name = ?");
      SQLite::Statement& query = *prepared;
      query.bind(1, std::string(name));
      if (query.executeStep()) {
        const std::string current = query.getColumn(0).getString();
        if (query.getColumn(1).getInt64() > now && process_alive(current)) return {};
      }
      const auto upsert = cached(
          "INSERT INTO job_locks (name, holder, lease_until_s) VALUES (?, ?, ?) "
          "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, "
          "lease_until_s = excluded.lease_until_s");
      (*upsert).bind(1, std::string(name));
      (*upsert).bind(2, holder);
      (*upsert).bind(3, now + 24 * 3600);  // no job runs for a day; a dead holder is seen first
      (*upsert).exec();
      taken = true;
      return {};
    });
    if (taken) job_holder_ = holder;
    return taken;
  }

  void unlock_job(std::string_view name) override {
    const auto remove = cached("DELETE FROM job_locks WHERE name = ? AND holder = ?");
    (*remove).bind(1, std::string(name));
    (*remove).bind(2, job_holder_);
    (*remove).exec();
  }

  bool record_job_run(std::string_view job, std::string_view run_key, const std::string& instance,
                      const Timestamp& at) override {
    const auto insert = cached(
        "INSERT INTO job_runs (job, run_key, instance, started_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING");
    (*insert).bind(1, std::string(job));
    (*insert).bind(2, std::string(run_key));
    (*insert).bind(3, instance);
    (*insert).bind(4, utc_text(at));
    return (*insert).exec() == 1;
  }

  void read_customers(const std::function<void(const Customer&)>& row) override {
    read_customers_where("", 0, row);
  }

  void read_customers_where(const char* where, int64_t id,
                            const std::function<void(const Customer&)>& row) {
    const auto prepared =
        cached(std::string("SELECT id, external_id, name, currency, payment_terms_days, "
                           "credit_limit, credit_grade, industry, region, customer_type, "
                           "importance, collector, email, phone, timezone, language, "
                           "country, do_not_contact, blacklisted FROM customers ") +
               where + " ORDER BY id");
    SQLite::Statement& query = *prepared;
    if (*where) query.bind(1, id);
    Customer c;
    while (query.executeStep()) {
      c.id = query.getColumn(0).getInt64();
      c.external_id = query.getColumn(1).getString();
      c.name = query.getColumn(2).getString();
      c.currency = query.getColumn(3).isNull() ? std::nullopt
                                               : std::optional(currency_column(query.getColumn(3)));
      c.payment_terms_days =
          query.getColumn(4).isNull() ? std::nullopt : std::optional(query.getColumn(4).getInt());
      c.credit_limit =
          query.getColumn(5).isNull() ? std::nullopt : std::optional(query.getColumn(5).getInt64());
      c.credit_grade = query.getColumn(6).getString();
      c.industry = query.getColumn(7).getString();
      c.region = query.getColumn(8).getString();
      c.customer_type = query.getColumn(9).getString();
      c.importance = query.getColumn(10).getString();
      c.collector = query.getColumn(11).getString();
      c.email = query.getColumn(12).getString();
      c.phone = query.getColumn(13).getString();
      c.timezone = query.getColumn(14).getString();
      c.language = query.getColumn(15).getString();
      c.country = query.getColumn(16).getString();
      c.do_not_contact = query.getColumn(17).getInt() != 0;
      c.blacklisted = query.getColumn(18).getInt() != 0;
      row(c);
    }
  }

  void read_invoices(ReadMode mode, const std::function<void(const Invoice&)>& row) override {
    SQLite::Statement query(db_, mode == ReadMode::kFull
                                     ? "SELECT id, customer_id, doc_type, invoice_date, due_date, "
                                       "currency, amount, external_id, contract_id, reference "
                                       "FROM invoices ORDER BY id"
                                     : "SELECT id, customer_id, doc_type, invoice_date, due_date, "
                                       "currency, amount FROM invoices ORDER BY id");
    Invoice inv;
    CurrencyCache currencies;
    while (query.executeStep()) {
      inv.id = query.getColumn(0).getInt64();
      inv.customer_id = query.getColumn(1).getInt64();
      inv.doc_type = query.getColumn(2).getString() == "credit_note" ? DocType::kCreditNote
                                                                     : DocType::kInvoice;
      inv.invoice_date = date_column(query.getColumn(3));
      inv.due_date = date_column(query.getColumn(4));
      inv.currency = currencies.get(query.getColumn(5));
      inv.amount = query.getColumn(6).getInt64();
      if (mode == ReadMode::kFull) {
        inv.external_id = query.getColumn(7).getString();
        inv.contract_id = query.getColumn(8).getString();
        inv.reference = query.getColumn(9).getString();
      }
      row(inv);
    }
  }

  void read_payments(ReadMode mode, const std::function<void(const Payment&)>& row) override {
    SQLite::Statement query(db_, mode == ReadMode::kFull
                                     ? "SELECT id, customer_id, payment_date, currency, amount, "
                                       "external_id, reference FROM payments ORDER BY id"
                                     : "SELECT id, customer_id, payment_date, currency, amount "
                                       "FROM payments ORDER BY id");
    Payment p;
    CurrencyCache currencies;
    while (query.executeStep()) {
      p.id = query.getColumn(0).getInt64();
      p.customer_id = query.getColumn(1).getInt64();
      p.payment_date = date_column(query.getColumn(2));
      p.currency = currencies.get(query.getColumn(3));
      p.amount = query.getColumn(4).getInt64();
      if (mode == ReadMode::kFull) {
        p.external_id = query.getColumn(5).getString();
        p.reference = query.getColumn(6).getString();
      }
      row(p);
    }
  }

  void read_allocations(const std::function<void(const Allocation&)>& row) override {
    SQLite::Statement query(db_,
                            "SELECT id, invoice_id, payment_id, credit_note_id, amount, "
                            "allocation_date FROM allocations ORDER BY id");
    Allocation a;
    while (query.executeStep()) {
      a.id = query.getColumn(0).getInt64();
      a.invoice_id = query.getColumn(1).getInt64();
      a.payment_id = query.getColumn(2).getInt64();  // NULL reads as 0
      a.credit_note_id = query.getColumn(3).getInt64();
      a.amount = query.getColumn(4).getInt64();
      a.date = date_column(query.getColumn(5));
      row(a);
    }
  }

  void read_deliveries(const std::function<void(const Delivery&)>& row) override {
    read_deliveries_where("1 = ?", 1, row);  // by customer, then id: the table's order
  }

  void insert_customers(std::span<const Customer> rows) override {
    SQLite::Statement insert(db_, kInsertCustomer);
    for (const auto& c : rows) {
      bind_customer(insert, c);
      insert.exec();
      insert.reset();
    }
  }

  void update_customer(const Customer& c) override {
    SQLite::Statement update(db_, kUpdateCustomer);
    bind_customer(update, c);
    update.exec();
  }

  void insert_invoices(std::span<const Invoice> rows) override {
    SQLite::Statement insert(db_, kInsertInvoice);
    for (const auto& inv : rows) {
      bind_invoice(insert, inv);
      insert.exec();
      insert.reset();
    }
  }

  void update_invoice(const Invoice& inv) override {
    SQLite::Statement update(db_, kUpdateInvoice);
    bind_invoice(update, inv);
    update.exec();
  }

  void insert_payments(std::span<const Payment> rows) override {
    SQLite::Statement insert(db_, kInsertPayment);
    for (const auto& p : rows) {
      bind_payment(insert, p);
      insert.exec();
      insert.reset();
    }
  }

  void update_payment(const Payment& p) override {
    SQLite::Statement update(db_, kUpdatePayment);
    bind_payment(update, p);
    update.exec();
  }

  void insert_allocations(std::span<const Allocation> rows) override {
    SQLite::Statement insert(db_, kInsertAllocation);
    for (const auto& a : rows) {
      bind_allocation(insert, a);
      insert.exec();
      insert.reset();
    }
  }

  void update_allocation(const Allocation& a) override {
    SQLite::Statement update(db_, kUpdateAllocation);
    bind_allocation(update, a);
    update.exec();
  }

  void insert_deliveries(std::span<const Delivery> rows) override {
    SQLite::Statement insert(db_, kInsertDelivery);
    for (const auto& d : rows) {
      bind_delivery(insert, d);
      insert.exec();
      insert.reset();
    }
  }

  void update_delivery(const Delivery& d) override {
    SQLite::Statement update(db_, kUpdateDelivery);
    bind_delivery(update, d);
    update.exec();
  }

  void insert_changes(std::span<const ChangeRecord> rows) override {
    if (rows.empty()) return;
    // The chain needs its head and the new rows under one write lock.
    std::optional<SQLite::Transaction> own;
    if (sqlite3_get_autocommit(db_.getHandle()))
      own.emplace(db_, SQLite::TransactionBehavior::IMMEDIATE);
    int64_t id = 0;
    std::string prev(kAuditGenesis);
    SQLite::Statement head(db_, "SELECT id, hash FROM ledger_changes ORDER BY id DESC LIMIT 1");
    if (head.executeStep()) {
      id = head.getColumn(0).getInt64();
      prev = head.getColumn(1).getString();
    }
    SQLite::Statement insert(db_,
                             "INSERT INTO ledger_changes (id, at, actor, role, entity, key, field, "
                             "old_value, new_value, source, request_id, prev_hash, hash) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (const auto& r : rows) {
      std::string hash = audit_hash(prev, ++id, r);
      insert.bind(1, id);
      insert.bindNoCopy(2, r.at);
      insert.bindNoCopy(3, r.actor);
      insert.bindNoCopy(4, r.role);
      insert.bindNoCopy(5, r.entity);
      insert.bindNoCopy(6, r.key);
      insert.bindNoCopy(7, r.field);
      insert.bindNoCopy(8, r.old_value);
      insert.bindNoCopy(9, r.new_value);
      insert.bindNoCopy(10, r.source);
      insert.bindNoCopy(11, r.request_id);
      insert.bindNoCopy(12, prev);
      insert.bindNoCopy(13, hash);
      insert.exec();
      insert.reset();
      prev = std::move(hash);
    }
    if (own) own->commit();
  }

  void read_changes(const std::function<void(const ChangeRecord&)>& row) override {
    read_audit([&](const AuditEntry& entry) { row(entry.change); });
  }

  void read_audit(const std::function<void(const AuditEntry&)>& row) override {
    SQLite::Statement query(db_,
                            "SELECT id, at, actor, role, entity, key, field, old_value, "
                            "new_value, source, request_id, prev_hash, hash "
                            "FROM ledger_changes ORDER BY id");
    AuditEntry e;
    while (query.executeStep()) {
      read_audit_row(query, e);
      row(e);
    }
  }

  void read_audit_page(const AuditFilter& filter,
                       const std::function<void(const AuditEntry&)>& row) override {
    std::string sql =
        "SELECT id, at, actor, role, entity, key, field, old_value, new_value, source, "
        "request_id, prev_hash, hash FROM ledger_changes WHERE id < ?1";
    if (!filter.entity.empty()) sql += " AND entity = ?2";
    if (!filter.key.empty()) sql += " AND key = ?3";
    if (!filter.actor.empty()) sql += " AND actor = ?4";
    if (!filter.request_id.empty()) sql += " AND request_id = ?5";
    sql += " ORDER BY id DESC LIMIT ?6";
    SQLite::Statement query(db_, sql);
    query.bind(1, filter.before_id.value_or(std::numeric_limits<int64_t>::max()));
    if (!filter.entity.empty()) query.bind(2, filter.entity);
    if (!filter.key.empty()) query.bind(3, filter.key);
    if (!filter.actor.empty()) query.bind(4, filter.actor);
    if (!filter.request_id.empty()) query.bind(5, filter.request_id);
    query.bind(6, filter.limit);
    AuditEntry e;
    while (query.executeStep()) {
      read_audit_row(query, e);
      row(e);
    }
  }

  int64_t insert_policy_version(const PolicyVersion& version) override {
    SQLite::Statement insert(db_,
                             "INSERT INTO policy_versions (toml, sha256, created_at, created_by) "
                             "VALUES (?, ?, ?, ?)");
    insert.bind(1, version.toml);
    insert.bind(2, version.sha256);
    insert.bind(3, utc_text(version.created_at));
    insert.bind(4, version.created_by);
    insert.exec();
    return db_.getLastInsertRowid();
  }

  std::optional<PolicyVersion> latest_policy_version() override {
    SQLite::Statement query(db_,
                            "SELECT id, toml, sha256, created_at, created_by FROM policy_versions "
                            "ORDER BY id DESC LIMIT 1");
    if (!query.executeStep()) return std::nullopt;
    PolicyVersion version;
    version.id = query.getColumn(0).getInt64();
    version.toml = query.getColumn(1).getString();
    version.sha256 = query.getColumn(2).getString();
    version.created_at = *Timestamp::parse(query.getColumn(3).getString());
    version.created_by = query.getColumn(4).getString();
    return version;
  }

  int64_t insert_user(const User& u) override {
    SQLite::Statement insert(db_,
                             "INSERT INTO users (username, role, collector_id, team, "
                             "password_hash, created_at, disabled) VALUES (?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, u.username);
    insert.bind(2, std::string(role_name(u.role)));
    insert.bind(3, u.collector_id);
    insert.bind(4, u.team);
    insert.bind(5, u.password_hash);
    insert.bind(6, utc_text(u.created_at));
    insert.bind(7, u.disabled ? 1 : 0);
    insert.exec();
    return db_.getLastInsertRowid();
  }

  std::optional<User> find_user(std::string_view username) override {
    std::optional<User> found;
    read_users_where("WHERE username = ?", std::string(username),
                     [&](const User& u) { found = u; });
    return found;
  }

  std::optional<User> find_user_by_id(int64_t id) override {
    std::optional<User> found;
    read_users_where("WHERE id = ?", std::to_string(id), [&](const User& u) { found = u; });
    return found;
  }

  void read_users(const std::function<void(const User&)>& row) override {
    read_users_where("", "", row);
  }

  LoginThrottle login_throttle(std::string_view username) override {
    SQLite::Statement query(db_,
                            "SELECT failed_logins, last_failed_at, locked_until FROM users "
                            "WHERE username = ?1 UNION ALL "
                            "SELECT failed_logins, last_failed_at, locked_until "
                            "FROM login_failures WHERE username = ?1");
    query.bind(1, std::string(username));
    LoginThrottle throttle;
    if (query.executeStep()) {
      throttle.failed_logins = query.getColumn(0).getInt();
      throttle.last_failed_at = optional_timestamp_column(query.getColumn(1));
      throttle.locked_until = optional_timestamp_column(query.getColumn(2));
    }
    return throttle;
  }

  void set_login_throttle(std::string_view username, const LoginThrottle& throttle,
                          const Timestamp& now) override {
    const std::string name(username);
    const std::string last = optional_utc_text(throttle.last_failed_at);
    const std::string until = optional_utc_text(throttle.locked_until);
    SQLite::Statement user(db_,
                           "UPDATE users SET failed_logins = ?, last_failed_at = ?, "
                           "locked_until = ? WHERE username = ?");
    user.bind(1, throttle.failed_logins);
    user.bind(2, last);
    user.bind(3, until);
    user.bind(4, name);
    if (user.exec() == 0) {
      const bool clean = throttle.failed_logins == 0 && !throttle.locked_until;
      SQLite::Statement unknown(
          db_, clean ? "DELETE FROM login_failures WHERE username = ?4"
                     : "INSERT OR REPLACE INTO login_failures (failed_logins, last_failed_at, "
                       "locked_until, username) VALUES (?1, ?2, ?3, ?4)");
      if (!clean) {
        unknown.bind(1, throttle.failed_logins);
        unknown.bind(2, last);
        unknown.bind(3, until);
      }
      unknown.bind(4, name);
      unknown.exec();
    }
    SQLite::Statement forget(db_,
                             "DELETE FROM login_failures WHERE last_failed_at < ? "
                             "AND locked_until < ?");
    forget.bind(1, utc_text(now.plus_seconds(-86400)));
    forget.bind(2, utc_text(now));
    forget.exec();
  }

  int64_t insert_session(const Session& s) override {
    SQLite::Statement insert(db_,
                             "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, "
                             "expires_at, last_seen) VALUES (?, ?, ?, ?, ?, ?)");
    insert.bind(1, s.token_hash);
    insert.bind(2, s.user_id);
    insert.bind(3, s.csrf_token);
    insert.bind(4, utc_text(s.created_at));
    insert.bind(5, utc_text(s.expires_at));
    insert.bind(6, utc_text(s.last_seen));
    insert.exec();
    return db_.getLastInsertRowid();
  }

  std::optional<Session> find_session(std::string_view token_hash) override {
    const auto prepared = cached(
        "SELECT id, token_hash, user_id, csrf_token, created_at, expires_at, "
        "last_seen FROM sessions WHERE token_hash = ?");
    SQLite::Statement& query = *prepared;
    query.bind(1, std::string(token_hash));
    if (!query.executeStep()) return std::nullopt;
    Session s;
    s.id = query.getColumn(0).getInt64();
    s.token_hash = query.getColumn(1).getString();
    s.user_id = query.getColumn(2).getInt64();
    s.csrf_token = query.getColumn(3).getString();
    s.created_at = timestamp_column(query.getColumn(4));
    s.expires_at = timestamp_column(query.getColumn(5));
    s.last_seen = timestamp_column(query.getColumn(6));
    return s;
  }

  void touch_session(int64_t id, const Timestamp& last_seen) override {
    const auto prepared = cached("UPDATE sessions SET last_seen = ? WHERE id = ?");
    SQLite::Statement& update = *prepared;
    update.bind(1, utc_text(last_seen));
    update.bind(2, id);
    update.exec();
  }

  void delete_session(int64_t id) override {
    SQLite::Statement remove(db_, "DELETE FROM sessions WHERE id = ?");
    remove.bind(1, id);
    remove.exec();
  }

  void delete_expired_sessions(const Timestamp& now) override {
    SQLite::Statement remove(db_, "DELETE FROM sessions WHERE expires_at <= ?");
    remove.bind(1, utc_text(now));
    remove.exec();
  }

  int64_t insert_api_token(const ApiToken& t) override {
    SQLite::Statement insert(db_,
                             "INSERT INTO api_tokens (name, user_id, token_hash, created_at, "
                             "revoked_at) VALUES (?, ?, ?, ?, ?)");
    insert.bind(1, t.name);
    insert.bind(2, t.user_id);
    insert.bind(3, t.token_hash);
    insert.bind(4, utc_text(t.created_at));
    insert.bind(5, optional_utc_text(t.revoked_at));
    insert.exec();
    return db_.getLastInsertRowid();
  }

  std::optional<ApiToken> find_api_token(std::string_view token_hash) override {
    return find_api_token_where("token_hash = ?", std::string(token_hash));
  }

  std::optional<ApiToken> find_api_token_by_id(int64_t id) override {
    return find_api_token_where("id = ?", std::to_string(id));
  }

  void revoke_api_token(int64_t id, const Timestamp& at) override {
    SQLite::Statement update(
        db_, "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at = ''");
    update.bind(1, utc_text(at));
    update.bind(2, id);
    update.exec();
  }

  std::optional<Customer> find_customer(std::string_view external_id) override {
    std::optional<Customer> found;
    int64_t id = 0;
    {
      const auto prepared = cached("SELECT id FROM customers WHERE external_id = ?");
      SQLite::Statement& query = *prepared;
      query.bind(1, std::string(external_id));
      if (!query.executeStep()) return found;
      id = query.getColumn(0).getInt64();
    }
    // One customer: reuse the full reader's column mapping rather than repeat it.
    read_customers_where("WHERE id = ?", id, [&](const Customer& c) { found = c; });
    return found;
  }

  std::optional<Customer> find_customer_by_id(int64_t id) override {
    std::optional<Customer> found;
    read_customers_where("WHERE id = ?", id, [&](const Customer& c) { found = c; });
    return found;
  }

  std::optional<Invoice> find_invoice(std::string_view external_id) override {
    SQLite::Statement query(db_, std::string(kSelectInvoice) + "WHERE external_id = ?");
    query.bind(1, std::string(external_id));
    if (!query.executeStep()) return std::nullopt;
    return invoice_row(query);
  }

  std::map<std::string, int64_t> open_by_currency(int64_t customer_id, Date day) override {
    SQLite::Statement query(
        db_,
        "SELECT i.currency, SUM(i.amount - COALESCE((SELECT SUM(a.amount) FROM allocations a "
        "WHERE a.invoice_id = i.id AND a.allocation_date <= ?2), 0)) FROM invoices i "
        "WHERE i.customer_id = ?1 AND i.doc_type = 'invoice' AND i.invoice_date <= ?2 "
        "GROUP BY i.currency");
    query.bind(1, customer_id);
    query.bind(2, day.iso().data());
    std::map<std::string, int64_t> open;
    while (query.executeStep())
      open[query.getColumn(0).getString()] = query.getColumn(1).getInt64();
    return open;
  }

  int64_t invoice_open(int64_t invoice_id, Date day) override {
    SQLite::Statement query(db_,
                            "SELECT i.amount - COALESCE((SELECT SUM(a.amount) FROM allocations a "
                            "WHERE a.invoice_id = i.id AND a.allocation_date <= ?2), 0) "
                            "FROM invoices i WHERE i.id = ?1 AND i.invoice_date <= ?2");
    query.bind(1, invoice_id);
    query.bind(2, day.iso().data());
    return query.executeStep() ? query.getColumn(0).getInt64() : 0;
  }

  int64_t disputed_open(int64_t invoice_id) override {
    SQLite::Statement query(db_,
                            "SELECT COALESCE(SUM(amount), 0) FROM disputes "
                            "WHERE invoice_id = ? AND status = 'open'");
    query.bind(1, invoice_id);
    query.executeStep();
    return query.getColumn(0).getInt64();
  }

  std::optional<Payment> find_payment(std::string_view external_id) override {
    std::optional<Payment> found;
    read_payments_where("external_id = ?", std::string(external_id),
                        [&](const Payment& p) { found = p; });
    return found;
  }

  void read_customer_documents(int64_t customer_id,
                               const std::function<void(const Invoice&)>& row) override {
    const auto prepared = cached(std::string(kSelectInvoice) + "WHERE customer_id = ?");
    SQLite::Statement& query = *prepared;
    query.bind(1, customer_id);
    while (query.executeStep()) row(invoice_row(query));
  }

  void read_customer_payments(int64_t customer_id,
                              const std::function<void(const Payment&)>& row) override {
    read_payments_where("customer_id = ?", customer_id, row);
  }

  void read_customer_allocations(int64_t customer_id,
                                 const std::function<void(const Allocation&)>& row) override {
    const auto prepared = cached(
        "SELECT a.id, a.invoice_id, a.payment_id, a.credit_note_id, a.amount, "
        "a.allocation_date FROM invoices i JOIN allocations a "
        "ON a.invoice_id = i.id WHERE i.customer_id = ?");
    SQLite::Statement& query = *prepared;
    query.bind(1, customer_id);
    Allocation a;
    while (query.executeStep()) {
      a.id = query.getColumn(0).getInt64();
      a.invoice_id = query.getColumn(1).getInt64();
      a.payment_id = query.getColumn(2).getInt64();  // NULL reads as 0
      a.credit_note_id = query.getColumn(3).getInt64();
      a.amount = query.getColumn(4).getInt64();
      a.date = date_column(query.getColumn(5));
      row(a);
    }
  }

  std::optional<Delivery> find_delivery(std::string_view external_id) override {
    std::optional<Delivery> found;
    read_deliveries_where("external_id = ?", std::string(external_id),
                          [&](const Delivery& d) { found = d; });
    return found;
  }

  void read_customer_deliveries(int64_t customer_id,
                                const std::function<void(const Delivery&)>& row) override {
    read_deliveries_where("customer_id = ?", customer_id, row);
  }

  void read_customer_disputes(int64_t customer_id,
                              const std::function<void(const Dispute&)>& row) override {
    read_disputes_where("WHERE i.customer_id = ?", customer_id, row);
  }

  void read_customer_actions(int64_t customer_id, int64_t limit,
                             const std::function<void(const Action&)>& row) override {
    read_actions_where(
        "WHERE a.customer_id = ?1 ORDER BY a.planned_for DESC, a.id DESC LIMIT ?2",
        [&](SQLite::Statement& query) {
          query.bind(1, customer_id);
          query.bind(2, limit);
        },
        false, row, true);
  }

  void read_changes_of(std::span<const std::pair<std::string, std::string>> records, int64_t limit,
                       const std::function<void(const AuditEntry&)>& row) override {
    // One index range per record, newest first, each at most `limit` long; then the newest
    // `limit` of them all.
    const auto prepared = cached(
        "SELECT id, at, actor, role, entity, key, field, old_value, "
        "new_value, source, request_id, prev_hash, hash FROM ledger_changes "
        "WHERE entity = ? AND key = ? ORDER BY id DESC LIMIT ?");
    SQLite::Statement& query = *prepared;
    std::vector<AuditEntry> found;
    for (const auto& [entity, key] : records) {
      query.bind(1, entity);
      query.bind(2, key);
      query.bind(3, limit);
      while (query.executeStep()) read_audit_row(query, found.emplace_back());
      query.reset();
    }
    std::sort(found.begin(), found.end(),
              [](const AuditEntry& a, const AuditEntry& b) { return a.id > b.id; });
    found.erase(std::unique(found.begin(), found.end(),
                            [](const AuditEntry& a, const AuditEntry& b) { return a.id == b.id; }),
                found.end());
    if (static_cast<int64_t>(found.size()) > limit) found.resize(static_cast<size_t>(limit));
    for (const AuditEntry& e : found) row(e);
  }

  int64_t insert_contact(const Contact& c) override {
    SQLite::Statement insert(db_,
                             "INSERT INTO contacts (customer_id, channel, at, outcome, note, "
                             "recorded_by) SELECT id, ?, ?, ?, ?, ? FROM customers "
                             "WHERE external_id = ?");
    insert.bind(1, c.channel);
    insert.bind(2, c.at);
    insert.bind(3, c.outcome);
    insert.bind(4, c.note);
    insert.bind(5, c.recorded_by);
    insert.bind(6, c.customer_id);
    insert.exec();
    return db_.getLastInsertRowid();
  }

  void read_contacts(const std::function<void(const Contact&)>& row) override {
    read_contacts_where("", "ORDER BY k.id", {}, row);
  }

  void read_customer_contacts(std::string_view customer_id,
                              const std::function<void(const Contact&)>& row) override {
    read_contacts_where("WHERE c.external_id = ?1", "ORDER BY k.at DESC, k.id DESC", customer_id,
                        row);
  }

  void read_contacts_where(const char* where, const char* order, std::string_view value,
                           const std::function<void(const Contact&)>& row) {
    const auto prepared =
        cached(fmt::format("SELECT k.id, c.external_id, k.channel, k.at, k.outcome, k.note, "
                           "k.recorded_by FROM contacts k JOIN customers c ON c.id = k.customer_id "
                           "{} {}",
                           where, order));
    SQLite::Statement& query = *prepared;
    if (*where) query.bind(1, std::string(value));
    Contact c;
    while (query.executeStep()) {
      c.id = query.getColumn(0).getInt64();
      c.customer_id = query.getColumn(1).getString();
      c.channel = query.getColumn(2).getString();
      c.at = query.getColumn(3).getString();
      c.outcome = query.getColumn(4).getString();
      c.note = query.getColumn(5).getString();
      c.recorded_by = query.getColumn(6).getString();
      row(c);
    }
  }

  int64_t insert_promise(const Promise& p) override {
    SQLite::Statement insert(db_,
                             "INSERT INTO promises (customer_id, currency, amount, promised_date, "
                             "status, created_at, recorded_by) SELECT id, ?, ?, ?, ?, ?, ? "
                             "FROM customers WHERE external_id = ?");
    insert.bind(1, std::string(p.currency.code_view()));
    insert.bind(2, p.amount);
    insert.bind(3, p.promised_date.iso().data());
    insert.bind(4, promise_status_name(p.status));
    insert.bind(5, p.created_at);
    insert.bind(6, p.recorded_by);
    insert.bind(7, p.customer_id);
    insert.exec();
    const int64_t id = db_.getLastInsertRowid();
    link_invoices(
        "INSERT INTO promise_invoices (promise_id, invoice_id) "
        "SELECT ?, id FROM invoices WHERE external_id = ?",
        id, p.invoice_ids);
    return id;
  }

  void read_promises(const std::function<void(const Promise&)>& row) override {
    read_promises_where("", {}, row);
  }

  void read_customer_promises(std::string_view customer_id,
                              const std::function<void(const Promise&)>& row) override {
    read_promises_where("WHERE c.external_id = ?1", customer_id, row);
  }

  void read_promises_where(const char* where, std::string_view value,
                           const std::function<void(const Promise&)>& row) {
    const auto prepared = cached(
        fmt::format("SELECT p.id, c.external_id, p.currency, p.amount, p.promised_date, "
                    "p.status, p.created_at, p.recorded_by, "
                    "(SELECT group_concat(i.external_id, char(31)) FROM promise_invoices pi "
                    "JOIN invoices i ON i.id = pi.invoice_id WHERE pi.promise_id = p.id) "
                    "FROM promises p JOIN customers c ON c.id = p.customer_id {} ORDER BY p.id",
                    where));
    SQLite::Statement& query = *prepared;
    if (*where) query.bind(1, std::string(value));
    while (query.executeStep()) {
      Promise p;
      p.id = query.getColumn(0).getInt64();
      p.customer_id = query.getColumn(1).getString();
      p.currency = currency_column(query.getColumn(2));
      p.amount = query.getColumn(3).getInt64();
      p.promised_date = date_column(query.getColumn(4));
      p.status = promise_status(query.getColumn(5).getString());
      p.created_at = query.getColumn(6).getString();
      p.recorded_by = query.getColumn(7).getString();
      p.invoice_ids = split_units(query.getColumn(8).getString());
      row(p);
    }
  }

  void set_promise_status(int64_t id, PromiseStatus status) override {
    SQLite::Statement update(db_, "UPDATE promises SET status = ? WHERE id = ?");
    update.bind(1, promise_status_name(status));
    update.bind(2, id);
    update.exec();
  }

  int64_t insert_plan(const PaymentPlan& p) override {
    SQLite::Statement insert(db_,
                             "INSERT INTO payment_plans (customer_id, currency, status, note, "
                             "created_at, recorded_by) SELECT id, ?, ?, ?, ?, ? "
                             "FROM customers WHERE external_id = ?");
    insert.bind(1, std::string(p.currency.code_view()));
    insert.bind(2, plan_status_name(p.status));
    insert.bind(3, p.note);
    insert.bind(4, p.created_at);
    insert.bind(5, p.recorded_by);
    insert.bind(6, p.customer_id);
    insert.exec();
    const int64_t id = db_.getLastInsertRowid();
    SQLite::Statement installment(
        db_, "INSERT INTO plan_installments (plan_id, seq, due_date, amount) VALUES (?, ?, ?, ?)");
    for (size_t k = 0; k < p.installments.size(); ++k) {
      installment.bind(1, id);
      installment.bind(2, static_cast<int64_t>(k + 1));
      installment.bind(3, p.installments[k].due.iso().data());
      installment.bind(4, p.installments[k].amount);
      installment.exec();
      installment.reset();
    }
    link_invoices(
        "INSERT INTO plan_invoices (plan_id, invoice_id) "
        "SELECT ?, id FROM invoices WHERE external_id = ?",
        id, p.invoice_ids);
    return id;
  }

  void read_plans(const std::function<void(const PaymentPlan&)>& row) override {
    read_plans_where("", "", row);
  }

  void read_customer_plans(std::string_view customer_id,
                           const std::function<void(const PaymentPlan&)>& row) override {
    read_plans_where("WHERE c.external_id = ?1", std::string(customer_id), row);
  }

  std::optional<PaymentPlan> find_plan(int64_t id) override {
    std::optional<PaymentPlan> found;
    read_plans_where("WHERE p.id = ?1", std::to_string(id),
                     [&](const PaymentPlan& p) { found = p; });
    return found;
  }

  void set_plan_status(int64_t id, PlanStatus status) override {
    SQLite::Statement update(db_, "UPDATE payment_plans SET status = ? WHERE id = ?");
    update.bind(1, plan_status_name(status));
    update.bind(2, id);
    update.exec();
  }

  int64_t insert_dispute(const Dispute& d) override {
    SQLite::Statement insert(
        db_,
        "INSERT INTO disputes (invoice_id, amount, reason, note, status, "
        "opened_at, respond_by, recorded_by) SELECT id, ?, ?, ?, 'open', ?, ?, ? "
        "FROM invoices WHERE external_id = ?");
    insert.bind(1, d.amount);
    insert.bind(2, d.reason);
    insert.bind(3, d.note);
    insert.bind(4, d.opened_at);
    insert.bind(5, d.respond_by);
    insert.bind(6, d.recorded_by);
    insert.bind(7, d.invoice_id);
    insert.exec();
    return db_.getLastInsertRowid();
  }

  std::optional<Dispute> find_dispute(int64_t id) override {
    std::optional<Dispute> found;
    read_disputes_where("WHERE d.id = ?", id, [&](const Dispute& d) { found = d; });
    return found;
  }

  void read_disputes(const std::function<void(const Dispute&)>& row) override {
    read_disputes_where("", 0, row);
  }

  void resolve_dispute(int64_t id, const std::string& resolved_at, const std::string& resolution,
                       const std::string& note) override {
    SQLite::Statement update(db_,
                             "UPDATE disputes SET status = 'resolved', resolved_at = ?, "
                             "resolution = ?, note = CASE WHEN ? = '' THEN note ELSE ? END "
                             "WHERE id = ? AND status = 'open'");
    update.bind(1, resolved_at);
    update.bind(2, resolution);
    update.bind(3, note);
    update.bind(4, note);
    update.bind(5, id);
    update.exec();
  }

  // ---- outbox (migration 012) ----

  static constexpr const char* kOutboxColumns =
      "SELECT o.id, o.action_id, o.customer_id, c.external_id, o.channel, o.template, "
      "o.language, o.recipient, o.subject, o.body, o.letter, o.message_id, o.status, "
      "o.attempts, o.not_before_s, o.planned_at_s, o.claimed_by, o.lease_until_s, o.sent_at, "
      "o.last_error FROM outbox o JOIN customers c ON c.id = o.customer_id ";

  static OutboxMessage outbox_row(SQLite::Statement& q) {
    OutboxMessage m;
    m.id = q.getColumn(0).getInt64();
    if (!q.getColumn(1).isNull()) m.action_id = q.getColumn(1).getInt64();
    m.customer_key = q.getColumn(2).getInt64();
    m.customer_id = q.getColumn(3).getString();
    m.channel = q.getColumn(4).getString();
    m.template_name = q.getColumn(5).getString();
    m.language = q.getColumn(6).getString();
    m.recipient = q.getColumn(7).getString();
    m.subject = q.getColumn(8).getString();
    m.body = q.getColumn(9).getString();
    m.letter = q.getColumn(10).getString();
    m.message_id = q.getColumn(11).getString();
    m.status = parse_outbox_status(q.getColumn(12).getString()).value_or(OutboxStatus::kPending);
    m.attempts = q.getColumn(13).getInt();
    m.not_before = q.getColumn(14).getInt64();
    m.planned_at = q.getColumn(15).getInt64();
    m.claimed_by = q.getColumn(16).getString();
    m.lease_until = q.getColumn(17).getInt64();
    m.sent_at = q.getColumn(18).getString();
    m.last_error = q.getColumn(19).getString();
    return m;
  }

  int64_t insert_outbox(const OutboxMessage& m) override {
    const auto prepared = cached(
        "INSERT INTO outbox (action_id, customer_id, channel, template, language, recipient, "
        "subject, body, letter, message_id, status, attempts, not_before_s, planned_at_s) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    SQLite::Statement& insert = *prepared;
    if (m.action_id)
      insert.bind(1, *m.action_id);
    else
      insert.bind(1);
    insert.bind(2, m.customer_key);
    insert.bind(3, m.channel);
    insert.bind(4, m.template_name);
    insert.bind(5, m.language);
    insert.bind(6, m.recipient);
    insert.bind(7, m.subject);
    insert.bind(8, m.body);
    insert.bind(9, m.letter);
    insert.bind(10, m.message_id);
    insert.bind(11, std::string(outbox_status_name(m.status)));
    insert.bind(12, m.attempts);
    insert.bind(13, m.not_before);
    insert.bind(14, m.planned_at);
    insert.exec();
    return db_.getLastInsertRowid();
  }

  std::optional<OutboxMessage> lock_outbox(int64_t id) override { return find_outbox(id); }

  std::optional<OutboxMessage> find_outbox(int64_t id) override {
    SQLite::Statement query(db_, std::string(kOutboxColumns) + "WHERE o.id = ?");
    query.bind(1, id);
    if (!query.executeStep()) return std::nullopt;
    return outbox_row(query);
  }

  void read_outbox(const OutboxFilter& filter,
                   const std::function<void(const OutboxMessage&)>& row) override {
    std::string sql = kOutboxColumns;
    if (filter.due_at) {
      sql +=
          "WHERE ((o.status = 'pending' AND o.not_before_s <= ?1) OR (o.status = 'sending' AND "
          "o.lease_until_s <= ?1)) ";
    } else {
      sql += "WHERE 1 ";
    }
    if (filter.status) sql += "AND o.status = ?2 ";
    if (filter.customer_key) sql += "AND o.customer_id = ?3 ";
    if (!filter.channels.empty()) {
      sql += "AND o.channel IN (";
      for (size_t i = 0; i < filter.channels.size(); ++i)
        sql += fmt::format("{}?{}", i ? ", " : "", 5 + i);
      sql += ") ";
    }
    sql += filter.due_at ? "ORDER BY o.not_before_s, o.id LIMIT ?4" : "ORDER BY o.id DESC LIMIT ?4";
    SQLite::Statement query(db_, sql);
    if (filter.due_at) query.bind(1, *filter.due_at);
    if (filter.status) query.bind(2, std::string(outbox_status_name(*filter.status)));
    if (filter.customer_key) query.bind(3, *filter.customer_key);
    query.bind(4, filter.limit);
    for (size_t i = 0; i < filter.channels.size(); ++i)
      query.bind(static_cast<int>(5 + i), filter.channels[i]);
    while (query.executeStep()) row(outbox_row(query));
  }

  std::map<std::string, int64_t> count_outbox() override {
    std::map<std::string, int64_t> counts;
    SQLite::Statement query(db_, "SELECT status, count(*) FROM outbox GROUP BY status");
    while (query.executeStep())
      counts[query.getColumn(0).getString()] = query.getColumn(1).getInt64();
    return counts;
  }

  void update_outbox(const OutboxMessage& m) override {
    SQLite::Statement update(db_,
                             "UPDATE outbox SET status = ?, attempts = ?, not_before_s = ?, "
                             "claimed_by = ?, lease_until_s = ?, sent_at = ?, last_error = ? "
                             "WHERE id = ?");
    update.bind(1, std::string(outbox_status_name(m.status)));
    update.bind(2, m.attempts);
    update.bind(3, m.not_before);
    update.bind(4, m.claimed_by);
    update.bind(5, m.lease_until);
    update.bind(6, m.sent_at);
    update.bind(7, m.last_error);
    update.bind(8, m.id);
    update.exec();
  }

  int64_t cancel_orphaned_outbox(const std::string& reason) override {
    SQLite::Statement update(db_,
                             "UPDATE outbox SET status = 'cancelled', last_error = ? "
                             "WHERE action_id IS NULL AND status = 'pending'");
    update.bind(1, reason);
    return update.exec();
  }

  int64_t insert_outbox_for_actions(
      Date day, const std::vector<std::pair<std::string, std::string>>& channels,
      int64_t planned_at, const std::string& token) override {
    // The caller's fixed (kind, channel) table as one CASE: a join on it would scan the day's
    // actions once per kind.
    std::string channel = "CASE a.kind";
    for (const auto& [kind, name] : channels)
      channel += fmt::format(" WHEN '{}' THEN '{}'", kind, name);
    channel += " END";
    SQLite::Statement insert(
        db_,
        "INSERT INTO outbox (action_id, customer_id, channel, template, language, recipient, "
        "message_id, status, attempts, not_before_s, planned_at_s) "
        "SELECT id, customer_id, ch, template, '', r, printf('<%d.%s@huikuan>', id, ?3), "
        "'pending', 0, CAST(strftime('%s', scheduled_at) AS INTEGER), ?2 FROM ("
        "SELECT a.id, a.customer_id, a.template, a.scheduled_at, " +
            channel + " AS ch, CASE " + channel +
            " WHEN 'email' THEN c.email WHEN 'sms' THEN c.phone ELSE 'group' END AS r "
            "FROM actions a JOIN customers c ON c.id = a.customer_id "
            "WHERE a.planned_for = ?1 AND a.status = 'planned' "
            "AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.action_id = a.id)) "
            "WHERE ch IS NOT NULL AND r <> '' ORDER BY id");
    insert.bind(1, day.to_string());
    insert.bind(2, planned_at);
    insert.bind(3, token);
    return insert.exec();
  }

  void set_outbox_content(const OutboxMessage& m) override {
    SQLite::Statement update(
        db_, "UPDATE outbox SET language = ?, subject = ?, body = ?, letter = ? WHERE id = ?");
    update.bind(1, m.language);
    update.bind(2, m.subject);
    update.bind(3, m.body);
    update.bind(4, m.letter);
    update.bind(5, m.id);
    update.exec();
  }

  int64_t count_sent_outbox(int64_t customer_key, const std::string& since) override {
    SQLite::Statement query(db_,
                            "SELECT count(*) FROM outbox WHERE customer_id = ? AND status = 'sent' "
                            "AND channel <> 'im' AND sent_at >= ?");
    query.bind(1, customer_key);
    query.bind(2, since);
    query.executeStep();
    return query.getColumn(0).getInt64();
  }

  void insert_outbox_attempt(const OutboxAttempt& a) override {
    SQLite::Statement insert(db_,
                             "INSERT INTO outbox_attempts (outbox_id, attempt, started_at, "
                             "finished_at, outcome, response) VALUES (?, ?, ?, ?, ?, ?)");
    insert.bind(1, a.outbox_id);
    insert.bind(2, a.attempt);
    insert.bind(3, a.started_at);
    insert.bind(4, a.finished_at);
    insert.bind(5, a.outcome);
    insert.bind(6, a.response);
    insert.exec();
  }

  void finish_outbox_attempt(const OutboxAttempt& a) override {
    SQLite::Statement update(
        db_,
        "UPDATE outbox_attempts SET finished_at = ?, outcome = ?, response = ? "
        "WHERE outbox_id = ? AND attempt = ?");
    update.bind(1, a.finished_at);
    update.bind(2, a.outcome);
    update.bind(3, a.response);
    update.bind(4, a.outbox_id);
    update.bind(5, a.attempt);
    update.exec();
  }

  void read_outbox_attempts(int64_t outbox_id,
                            const std::function<void(const OutboxAttempt&)>& row) override {
    SQLite::Statement query(db_,
                            "SELECT outbox_id, attempt, started_at, finished_at, outcome, response "
                            "FROM outbox_attempts WHERE outbox_id = ? ORDER BY attempt");
    query.bind(1, outbox_id);
    while (query.executeStep()) {
      OutboxAttempt a;
      a.outbox_id = query.getColumn(0).getInt64();
      a.attempt = query.getColumn(1).getInt();
      a.started_at = query.getColumn(2).getString();
      a.finished_at = query.getColumn(3).getString();
      a.outcome = query.getColumn(4).getString();
      a.response = query.getColumn(5).getString();
      row(a);
    }
  }

  int64_t insert_evidence(const Evidence& e) override {
    SQLite::Statement insert(
        db_,
        "INSERT INTO evidence (outbox_id, customer_id, channel, template, recipient, message_id, "
        "content, content_sha256, pdf, pdf_sha256, planned_at, sent_at, response, is_demand, "
        "invoice_keys) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, e.outbox_id);
    insert.bind(2, e.customer_key);
    insert.bind(3, e.channel);
    insert.bind(4, e.template_name);
    insert.bind(5, e.recipient);
    insert.bind(6, e.message_id);
    insert.bind(7, e.content.data(), static_cast<int>(e.content.size()));
    insert.bind(8, e.content_sha256);
    if (e.pdf.empty())
      insert.bind(9);
    else
      insert.bind(9, e.pdf.data(), static_cast<int>(e.pdf.size()));
    insert.bind(10, e.pdf_sha256);
    insert.bind(11, e.planned_at);
    insert.bind(12, e.sent_at);
    insert.bind(13, e.response);
    insert.bind(14, e.is_demand ? 1 : 0);
    std::string keys;
    format_keys(e.invoice_keys, keys);
    insert.bind(15, keys);
    insert.exec();
    return db_.getLastInsertRowid();
  }

  void read_evidence_where(const std::string& tail, int64_t param, bool with_content,
                           const std::function<void(const Evidence&)>& row) {
    SQLite::Statement query(
        db_, std::string("SELECT id, outbox_id, customer_id, channel, template, recipient, "
                         "message_id, ") +
                 (with_content ? "content, pdf" : "NULL, NULL") +
                 ", content_sha256, pdf_sha256, planned_at, sent_at, response, is_demand, "
                 "invoice_keys FROM evidence " +
                 tail);
    if (param >= 0) query.bind(1, param);
    while (query.executeStep()) {
      Evidence e;
      e.id = query.getColumn(0).getInt64();
      e.outbox_id = query.getColumn(1).getInt64();
      e.customer_key = query.getColumn(2).getInt64();
      e.channel = query.getColumn(3).getString();
      e.template_name = query.getColumn(4).getString();
      e.recipient = query.getColumn(5).getString();
      e.message_id = query.getColumn(6).getString();
      if (with_content) {
        e.content = query.getColumn(7).getString();
        if (!query.getColumn(8).isNull()) e.pdf = query.getColumn(8).getString();
      }
      e.content_sha256 = query.getColumn(9).getString();
      e.pdf_sha256 = query.getColumn(10).getString();
      e.planned_at = query.getColumn(11).getString();
      e.sent_at = query.getColumn(12).getString();
      e.response = query.getColumn(13).getString();
      e.is_demand = query.getColumn(14).getInt() != 0;
      parse_keys(query.getColumn(15).getText(), e.invoice_keys);
      row(e);
    }
  }

  void read_customer_evidence(int64_t customer_key, bool with_content,
                              const std::function<void(const Evidence&)>& row) override {
    read_evidence_where("WHERE customer_id = ?1 ORDER BY sent_at, id", customer_key, with_content,
                        row);
  }

  void read_demands(const std::function<void(const Evidence&)>& row) override {
    read_evidence_where("WHERE is_demand = 1 ORDER BY customer_id, sent_at", -1, false, row);
  }

  int64_t insert_template_version(const TemplateVersion& v) override {
    SQLite::Statement insert(db_,
                             "INSERT INTO message_templates (name, language, text, sha256, "
                             "created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)");
    insert.bind(1, v.name);
    insert.bind(2, v.language);
    insert.bind(3, v.text);
    insert.bind(4, v.sha256);
    insert.bind(5, v.created_at);
    insert.bind(6, v.created_by);
    insert.exec();
    return db_.getLastInsertRowid();
  }

  void read_latest_templates(const std::function<void(const TemplateVersion&)>& row) override {
    SQLite::Statement query(
        db_,
        "SELECT id, name, language, text, sha256, created_at, created_by FROM message_templates "
        "WHERE id IN (SELECT max(id) FROM message_templates GROUP BY name, language) "
        "ORDER BY name, language");
    while (query.executeStep()) {
      TemplateVersion v;
      v.id = query.getColumn(0).getInt64();
      v.name = query.getColumn(1).getString();
      v.language = query.getColumn(2).getString();
      v.text = query.getColumn(3).getString();
      v.sha256 = query.getColumn(4).getString();
      v.created_at = query.getColumn(5).getString();
      v.created_by = query.getColumn(6).getString();
      row(v);
    }
  }

  int64_t insert_approval(const Approval& a) override {
    SQLite::Statement insert(
        db_,
        "INSERT INTO approvals (kind, customer_id, currency, amount, required_level, "
        "requested_by, requested_role, requested_at, note, payload, status, decided_by, "
        "decided_role, decided_at, decision_note, result_id) SELECT ?1, id, ?2, ?3, ?4, ?5, ?6, "
        "?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15 FROM customers WHERE external_id = ?16");
    insert.bind(1, a.kind);
    insert.bind(2, a.currency);
    insert.bind(3, a.amount);
    insert.bind(4, a.required_level);
    insert.bind(5, a.requested_by);
    insert.bind(6, a.requested_role);
    insert.bind(7, utc_text(a.requested_at));
    insert.bind(8, a.note);
    insert.bind(9, a.payload);
    insert.bind(10, std::string(approval_status_name(a.status)));
    insert.bind(11, a.decided_by);
    insert.bind(12, a.decided_role);
    insert.bind(13, optional_utc_text(a.decided_at));
    insert.bind(14, a.decision_note);
    bind_optional(insert, 15, a.result_id);
    insert.bind(16, a.customer_id);
    if (insert.exec() != 1) {
      throw std::runtime_error("no customer '" + a.customer_id + "' for an approval request");
    }
    return db_.getLastInsertRowid();
  }

  std::optional<Approval> find_approval(int64_t id) override {
    std::optional<Approval> found;
    read_approvals_where("WHERE a.id = ?", std::to_string(id),
                         [&](const Approval& a) { found = a; });
    return found;
  }

  void read_approvals(std::optional<ApprovalStatus> status,
                      const std::function<void(const Approval&)>& row) override {
    if (status) {
      read_approvals_where("WHERE a.status = ?", std::string(approval_status_name(*status)), row);
    } else {
      read_approvals_where("", "", row);
    }
  }

  bool update_approval_decision(const Approval& a) override {
    SQLite::Statement update(db_,
                             "UPDATE approvals SET status = ?, decided_by = ?, decided_role = ?, "
                             "decided_at = ?, decision_note = ?, result_id = ? "
                             "WHERE id = ? AND status = 'pending'");
    update.bind(1, std::string(approval_status_name(a.status)));
    update.bind(2, a.decided_by);
    update.bind(3, a.decided_role);
    update.bind(4, optional_utc_text(a.decided_at));
    update.bind(5, a.decision_note);
    bind_optional(update, 6, a.result_id);
    update.bind(7, a.id);
    return update.exec() == 1;
  }

  void replace_planned_actions(Date day, std::span<const Action> actions) override {
    const std::vector<int64_t> customers = action_customers(actions);
    // Each customer's new actions are [first, first + count); `matched` of them are stored
    // already, in order. `rewrite`: its planned rows go and its new actions are inserted.
    struct CustomerDay {
      uint32_t first = 0;
      uint32_t count = 0;
      uint32_t matched = 0;
      bool rewrite = false;
    };
    absl::flat_hash_map<int64_t, CustomerDay> days;
    days.reserve(actions.size());
    for (uint32_t k = 0; k < actions.size(); ++k) {
      auto [day_of, added] = days.try_emplace(customers[k], CustomerDay{k, 0, 0, false});
      if (!added && day_of->second.first + day_of->second.count != k) day_of->second.rewrite = true;
      ++day_of->second.count;
    }
    // By status, then id: a customer's planned rows come in the order they were inserted.
    SQLite::Statement stored(db_,
                             "SELECT id, customer_id, status, kind, level, channel, scheduled_at, "
                             "currency, amount, template, assigned_to, rule, invoice_keys "
                             "FROM actions WHERE planned_for = ? ORDER BY status, id");
    stored.bind(1, day.iso().data());
    std::vector<std::pair<int64_t, int64_t>> planned;  // (customer, action id)
    std::string keys;
    while (stored.executeStep()) {
      const int64_t customer = stored.getColumn(1).getInt64();
      const bool is_planned = text(stored.getColumn(2)) == "planned";
      if (is_planned) planned.emplace_back(customer, stored.getColumn(0).getInt64());
      CustomerDay& day_of = days[customer];
      if (day_of.rewrite) continue;
      // A worked action of the day is rewritten around as before, so ids keep their order.
      if (!is_planned || day_of.matched == day_of.count ||
          !stored_action_equals(stored, actions[day_of.first + day_of.matched], keys)) {
        day_of.rewrite = true;
      } else {
        ++day_of.matched;
      }
    }
    auto rewritten = [&](int64_t customer) {
      const CustomerDay& day_of = days.at(customer);
      return day_of.rewrite || day_of.matched != day_of.count;
    };
    SQLite::Statement remove(db_, "DELETE FROM actions WHERE id = ?");
    for (const auto& [customer, id] : planned) {
      if (!rewritten(customer)) continue;
      remove.bind(1, id);
      remove.exec();
      remove.reset();
    }
    std::vector<uint32_t> inserted;
    for (uint32_t k = 0; k < actions.size(); ++k) {
      if (rewritten(customers[k])) inserted.push_back(k);
    }
    insert_actions(actions, customers, inserted);
  }

  void read_actions(std::optional<Date> before, bool with_invoice_ids,
                    const std::function<void(const Action&)>& row) override {
    read_actions_where(before ? "WHERE a.planned_for < ?1" : "", before ? before->iso().data() : "",
                       with_invoice_ids, row);
  }

  void read_action_history(Date as_of, Date recent_from,
                           const std::function<void(const Action&)>& row) override {
    // Two index range scans: the recent window, and the remembered kinds (the partial index of
    // migration 008, whose condition the second part repeats word for word).
    constexpr const char* kRemembered =
        "(kind IN ('letter', 'lawyer_letter') OR kind IN ('legal_review', 'internal_alert'))";
    constexpr const char* kColumns =
        "SELECT customer_id, kind, level, planned_for, scheduled_at, template, status, "
        "invoice_keys FROM actions WHERE status <> 'cancelled' "
        "AND NOT (planned_for = ?1 AND status = 'planned') AND ";
    SQLite::Statement query(db_, fmt::format("{0} planned_for BETWEEN ?2 AND ?1 AND NOT {1} "
                                             "UNION ALL {0} planned_for <= ?1 AND {1}",
                                             kColumns, kRemembered));
    query.bind(1, as_of.iso().data());
    query.bind(2, recent_from.iso().data());
    Action a;
    while (query.executeStep()) {
      a.customer_key = query.getColumn(0).getInt64();
      a.kind = action_kind(query.getColumn(1).getString());
      a.level = query.getColumn(2).getInt();
      a.planned_for = date_column(query.getColumn(3));
      a.scheduled_at.assign(text(query.getColumn(4)));  // into the same buffer every row
      a.template_name.assign(text(query.getColumn(5)));
      a.status = action_status(query.getColumn(6).getString());
      a.invoice_keys.clear();
      parse_keys(query.getColumn(7).getText(), a.invoice_keys);
      row(a);
    }
  }

  std::optional<Action> find_action(int64_t id) override {
    std::optional<Action> found;
    read_actions_where("WHERE a.id = ?1", std::to_string(id), true,
                       [&](const Action& a) { found = a; });
    return found;
  }

  int64_t read_actions_page(const ActionFilter& filter,
                            const std::function<void(const Action&)>& row) override {
    std::string where;
    std::vector<std::string> values;
    auto condition = [&](std::string sql, std::string value) {
      where += where.empty() ? "WHERE " : " AND ";
      where += sql;
      values.push_back(std::move(value));
    };
    if (filter.planned_for) condition("a.planned_for = ?", filter.planned_for->iso().data());
    if (filter.status) condition("a.status = ?", action_status_name(*filter.status));
    if (!filter.customer_id.empty()) condition("c.external_id = ?", filter.customer_id);
    if (filter.collectors) {
      where += where.empty() ? "WHERE " : " AND ";
      where += "c.collector IN (";
      for (size_t k = 0; k < filter.collectors->size(); ++k) {
        where += k ? ", ?" : "?";
        values.push_back((*filter.collectors)[k]);
      }
      where += filter.collectors->empty() ? "NULL)" : ")";
    }
    auto bind_all = [&](SQLite::Statement& statement) {
      for (size_t k = 0; k < values.size(); ++k) statement.bind(static_cast<int>(k + 1), values[k]);
    };
    SQLite::Statement count(
        db_, "SELECT COUNT(*) FROM actions a JOIN customers c ON c.id = a.customer_id " + where);
    bind_all(count);
    count.executeStep();
    const int64_t total = count.getColumn(0).getInt64();
    if (total <= filter.offset) return total;
    read_actions_where(fmt::format("{} ORDER BY a.planned_for, a.id LIMIT {} OFFSET {}", where,
                                   filter.limit, filter.offset),
                       bind_all, true, row);
    return total;
  }

  bool reschedule_action(int64_t id, const std::string& scheduled_at) override {
    SQLite::Statement update(db_,
                             "UPDATE actions SET scheduled_at = ? WHERE id = ? AND status = "
                             "'planned'");
    update.bind(1, scheduled_at);
    update.bind(2, id);
    return update.exec() == 1;
  }

  void close_action(int64_t id, ActionStatus status, const std::string& outcome,
                    const std::string& at, const std::string& by) override {
    SQLite::Statement update(db_,
                             "UPDATE actions SET status = ?, outcome = ?, closed_at = ?, "
                             "closed_by = ? WHERE id = ? AND status = 'planned'");
    update.bind(1, action_status_name(status));
    update.bind(2, outcome);
    update.bind(3, at);
    update.bind(4, by);
    update.bind(5, id);
    update.exec();
  }

 private:
  void read_users_where(const char* where, const std::string& value,
                        const std::function<void(const User&)>& row) {
    const auto prepared = cached(std::string("SELECT id, username, role, collector_id, team, "
                                             "password_hash, created_at, disabled FROM users ") +
                                 where + " ORDER BY username");
    SQLite::Statement& query = *prepared;
    if (*where) query.bind(1, value);
    User u;
    while (query.executeStep()) {
      u.id = query.getColumn(0).getInt64();
      u.username = query.getColumn(1).getString();
      u.role = role_column(query.getColumn(2));
      u.collector_id = query.getColumn(3).getString();
      u.team = query.getColumn(4).getString();
      u.password_hash = query.getColumn(5).getString();
      u.created_at = timestamp_column(query.getColumn(6));
      u.disabled = query.getColumn(7).getInt() != 0;
      row(u);
    }
  }

  std::optional<ApiToken> find_api_token_where(const char* where, const std::string& value) {
    const auto prepared = cached(std::string("SELECT id, name, user_id, token_hash, created_at, "
                                             "revoked_at FROM api_tokens WHERE ") +
                                 where);
    SQLite::Statement& query = *prepared;
    query.bind(1, value);
    if (!query.executeStep()) return std::nullopt;
    ApiToken t;
    t.id = query.getColumn(0).getInt64();
    t.name = query.getColumn(1).getString();
    t.user_id = query.getColumn(2).getInt64();
    t.token_hash = query.getColumn(3).getString();
    t.created_at = timestamp_column(query.getColumn(4));
    t.revoked_at = optional_timestamp_column(query.getColumn(5));
    return t;
  }

  void read_plans_where(const char* where, const std::string& value,
                        const std::function<void(const PaymentPlan&)>& row) {
    const std::string plans =
        std::string("FROM payment_plans p JOIN customers c ON c.id = p.customer_id ") + where;
    std::map<int64_t, std::vector<Installment>> installments;
    const auto parts_prepared = cached(
        "SELECT k.plan_id, k.due_date, k.amount FROM plan_installments k "
        "WHERE k.plan_id IN (SELECT p.id " +
        plans + ") ORDER BY k.plan_id, k.seq");
    SQLite::Statement& parts = *parts_prepared;
    if (*where) parts.bind(1, value);
    while (parts.executeStep()) {
      installments[parts.getColumn(0).getInt64()].push_back(
          {date_column(parts.getColumn(1)), parts.getColumn(2).getInt64()});
    }
    const auto prepared = cached(
        "SELECT p.id, c.external_id, p.currency, p.status, p.note, p.created_at, p.recorded_by, "
        "(SELECT group_concat(i.external_id, char(31)) FROM plan_invoices pi "
        "JOIN invoices i ON i.id = pi.invoice_id WHERE pi.plan_id = p.id) " +
        plans + " ORDER BY p.id");
    SQLite::Statement& query = *prepared;
    if (*where) query.bind(1, value);
    while (query.executeStep()) {
      PaymentPlan p;
      p.id = query.getColumn(0).getInt64();
      p.customer_id = query.getColumn(1).getString();
      p.currency = currency_column(query.getColumn(2));
      p.status = plan_status(query.getColumn(3).getString());
      p.note = query.getColumn(4).getString();
      p.created_at = query.getColumn(5).getString();
      p.recorded_by = query.getColumn(6).getString();
      p.invoice_ids = split_units(query.getColumn(7).getString());
      std::sort(p.invoice_ids.begin(), p.invoice_ids.end());
      p.installments = std::move(installments[p.id]);
      row(p);
    }
  }

  // Links row `id` to invoices by external id with `sql` (parameters: id, external id).
  void link_invoices(const char* sql, int64_t id, const std::vector<std::string>& invoice_ids) {
    SQLite::Statement link(db_, sql);
    for (const auto& invoice : invoice_ids) {
      link.bind(1, id);
      link.bind(2, invoice);
      link.exec();
      link.reset();
    }
  }

  // The store id of each action's customer.
  std::vector<int64_t> action_customers(std::span<const Action> actions) {
    SQLite::Statement customer(db_, "SELECT id FROM customers WHERE external_id = ?");
    std::vector<int64_t> ids(actions.size());
    for (size_t k = 0; k < actions.size(); ++k) {
      const Action& a = actions[k];
      if (a.customer_key != 0) {
        ids[k] = a.customer_key;
      } else if (k > 0 && a.customer_id == actions[k - 1].customer_id) {
        ids[k] = ids[k - 1];
      } else {
        customer.bind(1, a.customer_id);
        if (!customer.executeStep())
          throw std::runtime_error("action for unknown customer " + a.customer_id);
        ids[k] = customer.getColumn(0).getInt64();
        customer.reset();
      }
    }
    return ids;
  }

  // Whether the row at `stored` (columns as in replace_planned_actions) is `a`, customer and
  // date apart.
  static bool stored_action_equals(SQLite::Statement& stored, const Action& a, std::string& keys) {
    format_keys(a.invoice_keys, keys);
    return text(stored.getColumn(2)) == action_status_name(a.status) &&
           text(stored.getColumn(3)) == action_kind_name(a.kind) &&
           stored.getColumn(4).getInt() == a.level && text(stored.getColumn(5)) == a.channel &&
           text(stored.getColumn(6)) == a.scheduled_at &&
           text(stored.getColumn(7)) == a.currency.code_view() &&
           stored.getColumn(8).getInt64() == a.amount &&
           text(stored.getColumn(9)) == a.template_name &&
           text(stored.getColumn(10)) == a.assigned_to && text(stored.getColumn(11)) == a.rule &&
           text(stored.getColumn(12)) == keys;
  }

  // Inserts actions[k] for each k of `which`, `customers[k]` its customer, many rows per
  // statement: a statement's fixed cost is most of a one-row insert's.
  void insert_actions(std::span<const Action> actions, const std::vector<int64_t>& customers,
                      const std::vector<uint32_t>& which) {
    constexpr size_t kBatch = 64;
    constexpr int kColumns = 13;
    auto statement = [&](size_t rows) {
      std::string sql =
          "INSERT INTO actions (customer_id, kind, level, channel, planned_for, scheduled_at, "
          "currency, amount, template, assigned_to, status, rule, invoice_keys) VALUES ";
      for (size_t r = 0; r < rows; ++r)
        sql += r ? ",(?,?,?,?,?,?,?,?,?,?,?,?,?)" : "(?,?,?,?,?,?,?,?,?,?,?,?,?)";
      return SQLite::Statement(db_, sql);
    };
    SQLite::Statement batch = statement(kBatch);
    SQLite::Statement single = statement(1);
    std::vector<std::string> keys(kBatch);  // bound without copying until the batch runs
    size_t done = 0;
    while (done < which.size()) {
      const bool full = which.size() - done >= kBatch;
      SQLite::Statement& insert = full ? batch : single;
      const size_t rows = full ? kBatch : 1;
      for (size_t r = 0; r < rows; ++r) {
        const uint32_t k = which[done + r];
        const Action& a = actions[k];
        const int p = static_cast<int>(r) * kColumns;
        insert.bind(p + 1, customers[k]);
        insert.bindNoCopy(p + 2, action_kind_name(a.kind));
        insert.bind(p + 3, a.level);
        insert.bindNoCopy(p + 4, a.channel);
        insert.bind(p + 5, a.planned_for.iso().data());
        insert.bindNoCopy(p + 6, a.scheduled_at);
        insert.bind(p + 7, std::string(a.currency.code_view()));
        insert.bind(p + 8, a.amount);
        insert.bindNoCopy(p + 9, a.template_name);
        insert.bindNoCopy(p + 10, a.assigned_to);
        insert.bindNoCopy(p + 11, action_status_name(a.status));
        insert.bindNoCopy(p + 12, a.rule);
        format_keys(a.invoice_keys, keys[r]);
        insert.bindNoCopy(p + 13, keys[r]);
      }
      insert.exec();
      insert.reset();
      done += rows;
    }
  }

  void read_actions_where(const char* where, const std::string& value, bool with_invoice_ids,
                          const std::function<void(const Action&)>& row) {
    read_actions_where(
        std::string(where) + " ORDER BY a.planned_for, c.external_id, a.id",
        [&](SQLite::Statement& query) {
          if (*where) query.bind(1, value);
        },
        with_invoice_ids, row, true);
  }

  // `tail`: the WHERE, ORDER BY and LIMIT clauses, whose parameters `bind` binds. With
  // `cache_statement` (a tail from a fixed set of texts), the statement is prepared once.
  void read_actions_where(const std::string& tail,
                          const std::function<void(SQLite::Statement&)>& bind,
                          bool with_invoice_ids, const std::function<void(const Action&)>& row,
                          bool cache_statement = false) {
    const std::string sql =
        "SELECT a.id, c.external_id, a.kind, a.level, a.channel, a.planned_for, "
        "a.scheduled_at, a.currency, a.amount, a.template, a.assigned_to, "
        "a.status, a.rule, a.outcome, a.invoice_keys, a.customer_id "
        "FROM actions a JOIN customers c ON c.id = a.customer_id " +
        tail;
    const auto prepared = cache_statement ? cached(sql) : Prepared(db_, sql);
    SQLite::Statement& query = *prepared;
    bind(query);
    const auto invoice_prepared = cached("SELECT external_id FROM invoices WHERE id = ?");
    SQLite::Statement& invoice = *invoice_prepared;
    CurrencyCache currencies;
    while (query.executeStep()) {
      Action a;
      a.id = query.getColumn(0).getInt64();
      a.customer_id = query.getColumn(1).getString();
      a.kind = action_kind(query.getColumn(2).getString());
      a.level = query.getColumn(3).getInt();
      a.channel = query.getColumn(4).getString();
      a.planned_for = date_column(query.getColumn(5));
      a.scheduled_at = query.getColumn(6).getString();
      a.currency = currencies.get(query.getColumn(7));
      a.amount = query.getColumn(8).getInt64();
      a.template_name = query.getColumn(9).getString();
      a.assigned_to = query.getColumn(10).getString();
      a.status = action_status(query.getColumn(11).getString());
      a.rule = query.getColumn(12).getString();
      a.outcome = query.getColumn(13).getString();
      a.customer_key = query.getColumn(15).getInt64();
      parse_keys(query.getColumn(14).getText(), a.invoice_keys);
      if (with_invoice_ids) {
        for (int64_t key : a.invoice_keys) {
          invoice.bind(1, key);
          if (invoice.executeStep()) a.invoice_ids.push_back(invoice.getColumn(0).getString());
          invoice.reset();
        }
      }
      row(a);
    }
  }

  void read_disputes_where(const char* where, int64_t id,
                           const std::function<void(const Dispute&)>& row) {
    const auto prepared =
        cached(std::string("SELECT d.id, i.external_id, c.external_id, d.amount, d.reason, d.note, "
                           "d.status, d.opened_at, d.respond_by, d.resolved_at, d.resolution, "
                           "d.recorded_by FROM disputes d JOIN invoices i ON i.id = d.invoice_id "
                           "JOIN customers c ON c.id = i.customer_id ") +
               where + " ORDER BY d.id");
    SQLite::Statement& query = *prepared;
    if (*where) query.bind(1, id);
    Dispute d;
    while (query.executeStep()) {
      d.id = query.getColumn(0).getInt64();
      d.invoice_id = query.getColumn(1).getString();
      d.customer_id = query.getColumn(2).getString();
      d.amount = query.getColumn(3).getInt64();
      d.reason = query.getColumn(4).getString();
      d.note = query.getColumn(5).getString();
      d.status = query.getColumn(6).getString() == "resolved" ? DisputeStatus::kResolved
                                                              : DisputeStatus::kOpen;
      d.opened_at = query.getColumn(7).getString();
      d.respond_by = query.getColumn(8).getString();
      d.resolved_at = query.getColumn(9).getString();
      d.resolution = query.getColumn(10).getString();
      d.recorded_by = query.getColumn(11).getString();
      row(d);
    }
  }

  void read_approvals_where(const char* where, const std::string& value,
                            const std::function<void(const Approval&)>& row) {
    SQLite::Statement query(
        db_, std::string("SELECT a.id, a.kind, c.external_id, a.currency, a.amount, "
                         "a.required_level, a.requested_by, a.requested_role, a.requested_at, "
                         "a.note, a.payload, a.status, a.decided_by, a.decided_role, "
                         "a.decided_at, a.decision_note, a.result_id FROM approvals a "
                         "JOIN customers c ON c.id = a.customer_id ") +
                 where + " ORDER BY a.id");
    if (*where) query.bind(1, value);
    while (query.executeStep()) {
      Approval a;
      a.id = query.getColumn(0).getInt64();
      a.kind = query.getColumn(1).getString();
      a.customer_id = query.getColumn(2).getString();
      a.currency = query.getColumn(3).getString();
      a.amount = query.getColumn(4).getInt64();
      a.required_level = query.getColumn(5).getString();
      a.requested_by = query.getColumn(6).getString();
      a.requested_role = query.getColumn(7).getString();
      a.requested_at = timestamp_column(query.getColumn(8));
      a.note = query.getColumn(9).getString();
      a.payload = query.getColumn(10).getString();
      const auto status = parse_approval_status(query.getColumn(11).getString());
      if (!status) {
        throw std::runtime_error("stored approval has unknown status " +
                                 query.getColumn(11).getString());
      }
      a.status = *status;
      a.decided_by = query.getColumn(12).getString();
      a.decided_role = query.getColumn(13).getString();
      a.decided_at = optional_timestamp_column(query.getColumn(14));
      a.decision_note = query.getColumn(15).getString();
      if (!query.getColumn(16).isNull()) a.result_id = query.getColumn(16).getInt64();
      row(a);
    }
  }

  // Currency codes repeat on every row; parse each distinct code once.
  class CurrencyCache {
   public:
    Currency get(const SQLite::Column& column) {
      const char* text = column.getText();
      if (last_ && std::string_view(text) == last_->code_view()) return *last_;
      last_ = currency_column(column);
      return *last_;
    }

   private:
    std::optional<Currency> last_;
  };

  static constexpr const char* kInsertCustomer =
      "INSERT INTO customers (name, currency, payment_terms_days, credit_limit, credit_grade, "
      "industry, region, customer_type, importance, collector, email, phone, timezone, language, "
      "country, do_not_contact, blacklisted, external_id, id) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  static constexpr const char* kUpdateCustomer =
      "UPDATE customers SET name = ?, currency = ?, payment_terms_days = ?, credit_limit = ?, "
      "credit_grade = ?, industry = ?, region = ?, customer_type = ?, importance = ?, "
      "collector = ?, email = ?, phone = ?, timezone = ?, language = ?, country = ?, "
      "do_not_contact = ?, blacklisted = ?, external_id = ? WHERE id = ?";
  static constexpr const char* kInsertInvoice =
      "INSERT INTO invoices (customer_id, doc_type, invoice_date, due_date, currency, amount, "
      "contract_id, reference, external_id, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  static constexpr const char* kUpdateInvoice =
      "UPDATE invoices SET customer_id = ?, doc_type = ?, invoice_date = ?, due_date = ?, "
      "currency = ?, amount = ?, contract_id = ?, reference = ?, external_id = ? WHERE id = ?";
  static constexpr const char* kInsertPayment =
      "INSERT INTO payments (customer_id, payment_date, currency, amount, reference, "
      "external_id, id) VALUES (?, ?, ?, ?, ?, ?, ?)";
  static constexpr const char* kUpdatePayment =
      "UPDATE payments SET customer_id = ?, payment_date = ?, currency = ?, amount = ?, "
      "reference = ?, external_id = ? WHERE id = ?";
  static constexpr const char* kInsertDelivery =
      "INSERT INTO deliveries (customer_id, contract_id, invoice_id, delivery_date, "
      "received_date, received_by, reference, external_id, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
  // By external id: the table has no index on `id` alone (see migration 011).
  static constexpr const char* kUpdateDelivery =
      "UPDATE deliveries SET customer_id = ?, contract_id = ?, invoice_id = ?, delivery_date = ?, "
      "received_date = ?, received_by = ?, reference = ?, external_id = ?8, id = ? "
      "WHERE external_id = ?8";
  static constexpr const char* kInsertAllocation =
      "INSERT INTO allocations (invoice_id, payment_id, credit_note_id, amount, "
      "allocation_date, id) VALUES (?, ?, ?, ?, ?, ?)";
  static constexpr const char* kUpdateAllocation =
      "UPDATE allocations SET invoice_id = ?, payment_id = ?, credit_note_id = ?, amount = ?, "
      "allocation_date = ? WHERE id = ?";

  static void bind_customer(SQLite::Statement& s, const Customer& c) {
    s.bindNoCopy(1, c.name);
    if (c.currency) {
      s.bind(2, std::string(c.currency->code_view()));
    } else {
      s.bind(2);
    }
    if (c.payment_terms_days) {
      s.bind(3, *c.payment_terms_days);
    } else {
      s.bind(3);
    }
    if (c.credit_limit) {
      s.bind(4, *c.credit_limit);
    } else {
      s.bind(4);
    }
    s.bindNoCopy(5, c.credit_grade);
    s.bindNoCopy(6, c.industry);
    s.bindNoCopy(7, c.region);
    s.bindNoCopy(8, c.customer_type);
    s.bindNoCopy(9, c.importance);
    s.bindNoCopy(10, c.collector);
    s.bindNoCopy(11, c.email);
    s.bindNoCopy(12, c.phone);
    s.bindNoCopy(13, c.timezone);
    s.bindNoCopy(14, c.language);
    s.bindNoCopy(15, c.country);
    s.bind(16, c.do_not_contact ? 1 : 0);
    s.bind(17, c.blacklisted ? 1 : 0);
    s.bindNoCopy(18, c.external_id);
    s.bind(19, c.id);
  }

  // Every column of an invoice or credit note, in the order invoice_row reads them.
  static constexpr const char* kSelectInvoice =
      "SELECT id, customer_id, doc_type, invoice_date, due_date, currency, amount, external_id, "
      "contract_id, reference FROM invoices ";

  static Invoice invoice_row(SQLite::Statement& query) {
    Invoice inv;
    inv.id = query.getColumn(0).getInt64();
    inv.customer_id = query.getColumn(1).getInt64();
    inv.doc_type =
        query.getColumn(2).getString() == "credit_note" ? DocType::kCreditNote : DocType::kInvoice;
    inv.invoice_date = date_column(query.getColumn(3));
    inv.due_date = date_column(query.getColumn(4));
    inv.currency = currency_column(query.getColumn(5));
    inv.amount = query.getColumn(6).getInt64();
    inv.external_id = query.getColumn(7).getString();
    inv.contract_id = query.getColumn(8).getString();
    inv.reference = query.getColumn(9).getString();
    return inv;
  }

  // Payments matching `where` (one parameter, `value`), every column.
  template <class Value>
  void read_payments_where(const char* where, const Value& value,
                           const std::function<void(const Payment&)>& row) {
    const auto prepared =
        cached(std::string("SELECT id, customer_id, payment_date, currency, amount, "
                           "external_id, reference FROM payments WHERE ") +
               where);
    SQLite::Statement& query = *prepared;
    query.bind(1, value);
    Payment p;
    while (query.executeStep()) {
      p.id = query.getColumn(0).getInt64();
      p.customer_id = query.getColumn(1).getInt64();
      p.payment_date = date_column(query.getColumn(2));
      p.currency = currency_column(query.getColumn(3));
      p.amount = query.getColumn(4).getInt64();
      p.external_id = query.getColumn(5).getString();
      p.reference = query.getColumn(6).getString();
      row(p);
    }
  }

  static void bind_invoice(SQLite::Statement& s, const Invoice& inv) {
    s.bind(1, inv.customer_id);
    s.bindNoCopy(2, doc_type_name(inv.doc_type));
    s.bind(3, inv.invoice_date.iso().data());
    s.bind(4, inv.due_date.iso().data());
    s.bind(5, std::string(inv.currency.code_view()));
    s.bind(6, inv.amount);
    s.bindNoCopy(7, inv.contract_id);
    s.bindNoCopy(8, inv.reference);
    s.bindNoCopy(9, inv.external_id);
    s.bind(10, inv.id);
  }

  // Delivery notes matching `where` (one parameter, `value`), by customer and id.
  template <class Value>
  void read_deliveries_where(const char* where, const Value& value,
                             const std::function<void(const Delivery&)>& row) {
    const auto prepared =
        cached(std::string("SELECT id, external_id, customer_id, contract_id, invoice_id, "
                           "delivery_date, received_date, received_by, reference "
                           "FROM deliveries WHERE ") +
               where);
    SQLite::Statement& query = *prepared;
    query.bind(1, value);
    Delivery d;
    while (query.executeStep()) {
      d.id = query.getColumn(0).getInt64();
      d.external_id = query.getColumn(1).getString();
      d.customer_id = query.getColumn(2).getInt64();
      d.contract_id = query.getColumn(3).getString();
      d.invoice_id = query.getColumn(4).getInt64();  // NULL reads as 0
      d.delivery_date = date_column(query.getColumn(5));
      d.received_date.reset();
      if (!query.getColumn(6).isNull()) d.received_date = date_column(query.getColumn(6));
      d.received_by = query.getColumn(7).getString();
      d.reference = query.getColumn(8).getString();
      row(d);
    }
  }

  static void bind_delivery(SQLite::Statement& s, const Delivery& d) {
    s.bind(1, d.customer_id);
    s.bindNoCopy(2, d.contract_id);
    if (d.invoice_id) {
      s.bind(3, d.invoice_id);
    } else {
      s.bind(3);
    }
    s.bind(4, d.delivery_date.iso().data());
    if (d.received_date) {
      s.bind(5, d.received_date->iso().data());
    } else {
      s.bind(5);
    }
    s.bindNoCopy(6, d.received_by);
    s.bindNoCopy(7, d.reference);
    s.bindNoCopy(8, d.external_id);
    s.bind(9, d.id);
  }

  static void bind_payment(SQLite::Statement& s, const Payment& p) {
    s.bind(1, p.customer_id);
    s.bind(2, p.payment_date.iso().data());
    s.bind(3, std::string(p.currency.code_view()));
    s.bind(4, p.amount);
    s.bindNoCopy(5, p.reference);
    s.bindNoCopy(6, p.external_id);
    s.bind(7, p.id);
  }

  static void bind_allocation(SQLite::Statement& s, const Allocation& a) {
    s.bind(1, a.invoice_id);
    bind_id(s, 2, a.payment_id);
    bind_id(s, 3, a.credit_note_id);
    s.bind(4, a.amount);
    s.bind(5, a.date.iso().data());
    s.bind(6, a.id);
  }

  // A prepared statement kept for reuse by `cached`, and whether a `Prepared` holds it now.
  struct CachedStatement {
    CachedStatement(SQLite::Database& db, const std::string& sql) : statement(db, sql) {}
    SQLite::Statement statement;
    bool leased = false;
  };

  // A statement for one use: a cached one, reset again when this goes out of scope (so no
  // unfinished step keeps holding a read lock), or, when the cached one is still in use further
  // up the stack (a row callback reading the store again), one of its own.
  class Prepared {
   public:
    explicit Prepared(CachedStatement& cached) : cached_(&cached), statement_(&cached.statement) {
      cached.leased = true;
      statement_->tryReset();
      statement_->clearBindings();
    }
    Prepared(SQLite::Database& db, const std::string& sql) : own_(std::in_place, db, sql) {
      statement_ = &*own_;
    }
    Prepared(const Prepared&) = delete;
    Prepared& operator=(const Prepared&) = delete;
    ~Prepared() {
      if (cached_) {
        statement_->tryReset();
        cached_->leased = false;
      }
    }
    SQLite::Statement& operator*() const { return *statement_; }

   private:
    CachedStatement* cached_ = nullptr;
    std::optional<SQLite::Statement> own_;
    SQLite::Statement* statement_ = nullptr;
  };

  // The statement for `sql`, prepared on first use and reused after. Only for SQL from a fixed
  // set of texts: every distinct text stays prepared as long as the store is open.
  Prepared cached(std::string_view sql) {
    auto it = statements_.find(absl::string_view(sql.data(), sql.size()));
    if (it == statements_.end()) {
      it = statements_
               .emplace(std::string(sql), std::make_unique<CachedStatement>(db_, std::string(sql)))
               .first;
    }
    if (it->second->leased) return Prepared(db_, std::string(sql));
    return Prepared(*it->second);
  }

  SQLite::Database db_;
  std::string job_holder_;  //!< who this store's job locks are held as
  // After db_: the statements are finalized before the database closes.
  absl::flat_hash_map<std::string, std::unique_ptr<CachedStatement>> statements_;
};

}  // namespace

Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path) {
  // Before SQLite initializes: without the memory statistics (which nothing reads) its
  // allocations stop taking one process-wide mutex, which every server worker contended for.
  static const int no_memory_statistics = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)no_memory_statistics;
  try {
    const auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent);
    auto store = std::make_unique<SqliteStore>(path);
    store->migrate();
    return std::unique_ptr<Store>(std::move(store));
  } catch (const std::exception& e) {
    return fail(fmt::format("cannot open database '{}': {}", path, e.what()));
  }
}

}  // namespace huikuan

#include "store/postgres/postgres_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <pqxx/tablewriter>
#include <stdexcept>

extern const unsigned char postgres_migration_001[];
extern const std::size_t postgres_migration_001_size;
extern const unsigned char postgres_migration_002[];
extern const std::size_t postgres_migration_002_size;
extern const unsigned char postgres_migration_003[];
extern const std::size_t postgres_migration_003_size;
extern const unsigned char postgres_migration_004[];
extern const std::size_t postgres_migration_004_size;
extern const unsigned char postgres_migration_005[];
extern const std::size_t postgres_migration_005_size;
extern const unsigned char postgres_migration_006[];
extern const std::size_t postgres_migration_006_size;
extern const unsigned char postgres_migration_007[];
extern const std::size_t postgres_migration_007_size;
extern const unsigned char postgres_migration_008[];
extern const std::size_t postgres_migration_008_size;
extern const unsigned char postgres_migration_009[];
extern const std::size_t postgres_migration_009_size;
extern const unsigned char postgres_migration_010[];
extern const std::size_t postgres_migration_010_size;
extern const unsigned char postgres_migration_011[];
extern const std::size_t postgres_migration_011_size;
extern const unsigned char postgres_migration_012[];
extern const std::size_t postgres_migration_012_size;
extern const unsigned char postgres_migration_013[];
extern const std::size_t postgres_migration_013_size;
extern const unsigned char postgres_migration_014[];
extern const std::size_t postgres_migration_014_size;

namespace huikuan {
namespace pg {

int64_t i64(const pqxx::field& f) {
  int64_t value = 0;
  std::from_chars(f.c_str(), f.c_str() + f.size(), value);
  return value;
}

std::optional<int64_t> optional_i64(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return i64(f);
}

Date date(const pqxx::field& f) {
  auto parsed = Date::parse(text(f));
  if (!parsed) throw std::runtime_error("stored row has " + parsed.error().message);
  return *parsed;
}

Timestamp timestamp(const pqxx::field& f) {
  auto parsed = Timestamp::parse(text(f));
  if (!parsed) throw std::runtime_error("stored row has " + parsed.error().message);
  return *parsed;
}

std::optional<Timestamp> optional_timestamp(const pqxx::field& f) {
  if (f.is_null() || f.size() == 0) return std::nullopt;
  return timestamp(f);
}

Currency currency(const pqxx::field& f) {
  auto found = Currency::find(text(f));
  if (!found) throw std::runtime_error("stored row has " + found.error().message);
  return *found;
}

std::string bytes(const pqxx::field& f) {
  if (f.is_null()) return {};
  const pqxx::binarystring binary(f);
  return binary.str();
}

void CopyRows::separate() {
  if (fields_++ > 0) data_ += '\t';
}

CopyRows& CopyRows::add(std::string_view value) {
  separate();
  for (char c : value) {
    switch (c) {
      case '\\':
        data_ += "\\\\";
        break;
      case '\t':
        data_ += "\\t";
        break;
      case '\n':
        data_ += "\\n";
        break;
      case '\r':
        data_ += "\\r";
        break;
      default:
        data_ += c;
    }
  }
  return *this;
}

CopyRows& CopyRows::add(int64_t value) {
  separate();
  char digits[24];
  data_.append(digits, std::to_chars(digits, digits + sizeof digits, value).ptr);
  return *this;
}

CopyRows& CopyRows::add_null() {
  separate();
  data_ += "\\N";
  return *this;
}

void CopyRows::end_row() {
  data_ += '\n';
  ++rows_;
  fields_ = 0;
}

}  // namespace pg

namespace {

struct Migration {
  int version;
  const unsigned char* sql;
  std::size_t size;
};

const Migration kMigrations[] = {
    {1, postgres_migration_001, postgres_migration_001_size},
    {2, postgres_migration_002, postgres_migration_002_size},
    {3, postgres_migration_003, postgres_migration_003_size},
    {4, postgres_migration_004, postgres_migration_004_size},
    {5, postgres_migration_005, postgres_migration_005_size},
    {6, postgres_migration_006, postgres_migration_006_size},
    {7, postgres_migration_007, postgres_migration_007_size},
    {8, postgres_migration_008, postgres_migration_008_size},
    {9, postgres_migration_009, postgres_migration_009_size},
    {10, postgres_migration_010, postgres_migration_010_size},
    {11, postgres_migration_011, postgres_migration_011_size},
    {12, postgres_migration_012, postgres_migration_012_size},
    {13, postgres_migration_013, postgres_migration_013_size},
    {14, postgres_migration_014, postgres_migration_014_size},
};

// FNV-1a, for advisory lock keys: stable across processes and builds.
int64_t fnv1a(std::string_view text) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) hash = (hash ^ c) * 0x100000001b3ULL;
  return static_cast<int64_t>(hash);
}

}  // namespace

PostgresStore::PostgresStore(const std::string& url) : conn_(url) {
  // Notices (e.g. "relation already exists, skipping") are not errors: keep them off stderr.
  pqxx::nontransaction setup(conn_);
  setup.exec0("SET client_min_messages = warning");
  // An installation may live in a schema of its own (options=-csearch_path=NAME in the URL):
  // the first schema of the search path is created when it does not exist yet.
  if (setup.exec1("SELECT current_schema()")[0].is_null()) {
    std::string first = setup.exec1("SHOW search_path")[0].c_str();
    first = first.substr(0, first.find(','));
    first.erase(0, first.find_first_not_of(' '));
    if (first.size() >= 2 && first.front() == '"') first = first.substr(1, first.size() - 2);
    if (!first.empty() && first != "$user") {
      setup.exec0("CREATE SCHEMA IF NOT EXISTS " + setup.quote_name(first));
    }
  }
}

PostgresStore::~PostgresStore() = default;

void PostgresStore::migrate() {
  {
    pqxx::work work(conn_);
    // Several processes may open a new database at once: one migrates, the others wait.
    work.exec("SELECT pg_advisory_xact_lock(" + std::to_string(fnv1a("huikuan:migrate")) + ")");
    work.exec0(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)");
    std::vector<int> applied;
    for (const auto& row : work.exec("SELECT version FROM schema_migrations"))
      applied.push_back(row[0].as<int>());
    for (const auto& migration : kMigrations) {
      if (std::find(applied.begin(), applied.end(), migration.version) != applied.end()) continue;
      work.exec0(std::string(reinterpret_cast<const char*>(migration.sql), migration.size));
      work.exec0("INSERT INTO schema_migrations (version, applied_at) VALUES (" +
                 std::to_string(migration.version) +
                 ", to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))");
    }
    work.commit();
  }
  instance_ = pqxx::nontransaction(conn_).exec1("SELECT instance FROM ledger_version")[0].c_str();
}

Result<void> PostgresStore::transaction(const std::function<Result<void>()>& work) {
  if (tx_) return work();  // nested: part of the enclosing transaction
  tx_ = std::make_unique<pqxx::work>(conn_);
  try {
    auto result = work();
    if (result) tx_->commit();
    tx_.reset();  // an uncommitted transaction rolls back
    return result;
  } catch (...) {
    tx_.reset();
    throw;
  }
}

Result<void> PostgresStore::read_transaction(const std::function<Result<void>()>& work) {
  if (tx_) return work();
  // One snapshot for every statement, as SQLite's deferred read transaction gives.
  tx_ = std::make_unique<pqxx::transaction<pqxx::repeatable_read, pqxx::read_only>>(conn_);
  try {
    auto result = work();
    tx_->commit();
    tx_.reset();
    return result;
  } catch (...) {
    tx_.reset();
    throw;
  }
}

void PostgresStore::in_transaction(const std::function<void()>& work) {
  if (tx_) {
    work();
    return;
  }
  (void)read_transaction([&]() -> Result<void> {
    work();
    return {};
  });
}

int PostgresStore::schema_version() {
  return static_cast<int>(
      pg::i64(exec("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")[0][0]));
}

int64_t PostgresStore::ledger_version() {
  return pg::i64(exec("SELECT version FROM ledger_version")[0][0]);
}

std::string PostgresStore::ledger_stamp() {
  return pg::str(exec("SELECT instance || ':' || version FROM ledger_version")[0][0]);
}

void PostgresStore::bump_ledger_version() {
  exec("UPDATE ledger_version SET version = version + 1");
}

int64_t PostgresStore::collection_version() {
  return pg::i64(exec("SELECT collection_version FROM ledger_version")[0][0]);
}

void PostgresStore::bump_collection_version() {
  exec("UPDATE ledger_version SET collection_version = collection_version + 1");
}

// A bulk load leaves the planner without row counts until autovacuum comes by: a customer's
// allocations were read by a sequential scan of all of them (1.4 ms on 20k rows, seconds at 10M)
// instead of through the index.
void PostgresStore::update_statistics() {
  pqxx::nontransaction query(conn_);
  query.exec("ANALYZE customers, invoices, payments, allocations, deliveries");
}

bool PostgresStore::try_lock_job(std::string_view name, const std::string&) {
  // A session-level advisory lock: it outlives transactions and ends with the connection, so a
  // crashed instance never leaves a job locked.
  pqxx::nontransaction query(conn_);
  return query
      .exec_params1("SELECT pg_try_advisory_lock($1)", lock_key("job:" + std::string(name)))[0]
      .as<bool>();
}

void PostgresStore::unlock_job(std::string_view name) {
  pqxx::nontransaction query(conn_);
  query.exec_params("SELECT pg_advisory_unlock($1)", lock_key("job:" + std::string(name)));
}

bool PostgresStore::record_job_run(std::string_view job, std::string_view run_key,
                                   const std::string& instance, const Timestamp& at) {
  return exec(
             "INSERT INTO job_runs (job, run_key, instance, started_at) VALUES ($1, $2, $3, $4) "
             "ON CONFLICT DO NOTHING",
             std::string(job), std::string(run_key), instance,
             Timestamp::at(at.utc_seconds).to_string())
             .affected_rows() == 1;
}

const std::string& PostgresStore::prepared(const std::string& sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    std::string name = "s" + std::to_string(statements_.size());
    conn_.prepare(name, sql);
    it = statements_.emplace(sql, std::move(name)).first;
  }
  return it->second;
}

void PostgresStore::stream(const std::string& sql,
                           const std::function<void(const pqxx::row&)>& row) {
  in_transaction([&] {
    const std::string cursor = "c" + std::to_string(++cursors_);
    tx_->exec0("DECLARE " + cursor + " NO SCROLL CURSOR FOR " + sql);
    const std::string fetch = "FETCH 20000 FROM " + cursor;
    for (;;) {
      const pqxx::result batch = tx_->exec(fetch);
      for (const auto& r : batch) row(r);
      if (batch.size() < 20000) break;
    }
    tx_->exec0("CLOSE " + cursor);
  });
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
void PostgresStore::copy_in(const std::string& table_and_columns, const pg::CopyRows& rows) {
  if (rows.rows() == 0) return;
  auto write = [&](pqxx::transaction_base& tx) {
    // libpqxx 6.4 sends pre-escaped COPY lines only through tablewriter (stream_to escapes
    // again): the rows are escaped by CopyRows.
    pqxx::tablewriter writer(tx, table_and_columns);
    const std::string& data = rows.data();
    std::string line;
    for (size_t start = 0; start < data.size();) {
      const size_t end = data.find('\n', start);
      line.assign(data, start, end - start);
      writer.write_raw_line(line);
      start = end + 1;
    }
    writer.complete();
  };
  if (tx_) {
    write(*tx_);
  } else {
    pqxx::work work(conn_);
    write(work);
    work.commit();
  }
}
#pragma GCC diagnostic pop

int64_t PostgresStore::lock_key(std::string_view name) {
  return fnv1a(instance_ + ":" + std::string(name));
}

void PostgresStore::lock(std::string_view name) {
  exec("SELECT pg_advisory_xact_lock($1)", lock_key(name));
}

Result<std::unique_ptr<Store>> open_postgres_store(const std::string& url) {
  try {
    auto store = std::make_unique<PostgresStore>(url);
    store->migrate();
    return std::unique_ptr<Store>(std::move(store));
  } catch (const std::exception& e) {
    std::string message = e.what();
    while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
      message.pop_back();
    return fail(fmt::format("cannot open database '{}': {}", url, message), "--db");
  }
}

}  // namespace huikuan

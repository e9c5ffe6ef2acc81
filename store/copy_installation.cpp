#include "store/copy_installation.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"

namespace huikuan {
namespace {

// Every table of an installation, parents before the tables that refer to them. The schema's
// own bookkeeping (schema_migrations, ledger_version) and SQLite's job locks are not copied.
constexpr const char* kTables[] = {
    "customers",
    "invoices",
    "payments",
    "allocations",
    "deliveries",
    "ledger_changes",
    "users",
    "login_failures",
    "sessions",
    "api_tokens",
    "contacts",
    "promises",
    "promise_invoices",
    "disputes",
    "actions",
    "payment_plans",
    "plan_installments",
    "plan_invoices",
    "approvals",
    "policy_versions",
    "outbox",
    "outbox_attempts",
    "evidence",
    "message_templates",
    "job_runs",
};

std::string hex(const void* data, int size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out = "\\x";
  const auto* bytes = static_cast<const unsigned char*>(data);
  for (int i = 0; i < size; ++i) {
    out += kDigits[bytes[i] >> 4];
    out += kDigits[bytes[i] & 15];
  }
  return out;
}

int64_t count_rows(SQLite::Database& db, const std::string& table) {
  return db.execAndGet("SELECT COUNT(*) FROM " + table).getInt64();
}

}  // namespace

Result<std::vector<TableCount>> copy_installation(const std::string& sqlite_path,
                                                  const std::string& postgres_url) {
  // Both stores at the current schema first: the tables then have the same columns.
  if (auto source = open_sqlite_store(sqlite_path); !source) return tl::unexpected(source.error());
  auto opened = open_postgres_store(postgres_url);
  if (!opened) return tl::unexpected(opened.error());
  auto& target = static_cast<PostgresStore&>(**opened);
  std::vector<TableCount> counts;
  try {
    SQLite::Database db(sqlite_path, SQLite::OPEN_READONLY);
    // One read transaction: the copy is of one moment even while a server writes the file.
    SQLite::Transaction snapshot(db, SQLite::TransactionBehavior::DEFERRED);
    auto copied = target.transaction([&]() -> Result<void> {
      for (const char* table : kTables) {
        if (pg::i64(target.exec(fmt::format("SELECT COUNT(*) FROM {}", table))[0][0]) != 0) {
          return fail(
              fmt::format("the target already holds {}: migrate into an empty database", table),
              "--to");
        }
      }
      for (const char* table : kTables) {
        SQLite::Statement query(db, fmt::format("SELECT * FROM {}", table));
        std::string columns;
        for (int i = 0; i < query.getColumnCount(); ++i)
          columns += (i ? ", " : "") + std::string(query.getColumnName(i));
        pg::CopyRows rows;
        auto flush = [&] {
          target.copy_in(fmt::format("{} ({})", table, columns), rows);
          rows.clear();
        };
        while (query.executeStep()) {
          for (int i = 0; i < query.getColumnCount(); ++i) {
            const SQLite::Column column = query.getColumn(i);
            if (column.isNull()) {
              rows.add_null();
            } else if (column.isInteger()) {
              rows.add(column.getInt64());
            } else if (column.isBlob()) {
              rows.add(hex(column.getBlob(), column.getBytes()));
            } else {
              rows.add(std::string_view(column.getText(), column.getBytes()));
            }
          }
          rows.end_row();
          if (rows.rows() == 50'000) flush();
        }
        flush();
        counts.push_back(
            {table, count_rows(db, table),
             pg::i64(target.exec(fmt::format("SELECT COUNT(*) FROM {}", table))[0][0])});
      }
      // Identity columns continue after the copied ids.
      const pqxx::result identities = target.exec(
          "SELECT table_name FROM information_schema.columns WHERE table_schema = "
          "current_schema() AND column_name = 'id' AND is_identity = 'YES'");
      for (const auto& row : identities) {
        target.exec(
            fmt::format("SELECT setval(pg_get_serial_sequence('{0}', 'id'), "
                        "COALESCE((SELECT MAX(id) FROM {0}), 0) + 1, false)",
                        pg::text(row[0])));
      }
      target.exec("UPDATE ledger_version SET version = version + $1",
                  db.execAndGet("SELECT version FROM ledger_version").getInt64() + 1);
      for (const TableCount& c : counts) {
        if (c.source != c.target) {
          return fail(fmt::format("{}: {} rows read but {} written", c.table, c.source, c.target),
                      "--to");
        }
      }
      return {};
    });
    if (!copied) return tl::unexpected(copied.error());
  } catch (const std::exception& e) {
    return fail(fmt::format("copying into '{}': {}", postgres_url, e.what()), "--to");
  }
  return counts;
}

}  // namespace huikuan

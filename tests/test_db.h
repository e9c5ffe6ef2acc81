#pragma once
// The database a test runs against: a SQLite file in the test's directory or, when
// HUIKUAN_TEST_PG names a PostgreSQL server (the ctest tests ending in ".pg", which start a
// throwaway cluster: tests/postgres/cluster.sh), a new schema of its own there. Every suite
// that touches a store takes its database from here, so it runs against both engines.

#include <SQLiteCpp/SQLiteCpp.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <pqxx/pqxx>
#include <string>
#include <string_view>

namespace huikuan::testing {

//! Whether the tests run against PostgreSQL.
inline bool on_postgres() {
  const char* url = std::getenv("HUIKUAN_TEST_PG");
  return url && *url;
}

//! A new, empty database: `dir / file` for SQLite, else a fresh schema (the store creates the
//! schema named first in search_path).
//! `dir` is a std::filesystem::path or a TempDir.
template <typename Dir>
std::string test_db(const Dir& dir, std::string_view file = "ledger.db") {
  if (!on_postgres()) return (dir / file).string();
  // The snapshot cache files of PostgreSQL databases (and of the CLI processes a test starts)
  // go to the test's directory and are removed with it, not to the user's ~/.cache.
  setenv("HUIKUAN_CACHE_DIR", (dir / "snapshots").string().c_str(), 1);
  static std::atomic<int> counter{0};
  const auto ticks = std::chrono::steady_clock::now().time_since_epoch().count();
  const std::string schema = "t" + std::to_string(getpid()) + "_" + std::to_string(counter++) +
                             "_" + std::to_string(ticks % 1000000007);
  return std::string(std::getenv("HUIKUAN_TEST_PG")) + "&options=-c%20search_path%3D" + schema;
}

//! Runs `sql` on the test database `location` directly, around the store (tests of what the
//! database itself refuses, or of tampering found); throws on an error.
inline void exec_sql(const std::string& location, const std::string& sql) {
  if (location.starts_with("postgresql://")) {
    pqxx::connection connection(location);
    pqxx::nontransaction(connection).exec(sql);
  } else {
    SQLite::Database(location, SQLite::OPEN_READWRITE).exec(sql);
  }
}

//! Runs `sql` on the audit log of `location` with its append-only guard off, as an attacker
//! with write access to the database could.
inline void tamper_audit(const std::string& location, const std::string& sql) {
  if (location.starts_with("postgresql://")) {
    exec_sql(location, "ALTER TABLE ledger_changes DISABLE TRIGGER USER");
  } else {
    exec_sql(location, "DROP TRIGGER IF EXISTS ledger_changes_no_update");
    exec_sql(location, "DROP TRIGGER IF EXISTS ledger_changes_no_delete");
  }
  exec_sql(location, sql);
}

}  // namespace huikuan::testing

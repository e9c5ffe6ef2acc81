#include "app/database_commands.h"

#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>

#include <filesystem>
#include <iostream>
#include <vector>

#include "app/cli_common.h"
#include "service/audit.h"
#include "store/copy_installation.h"
#include "store/sqlite/sqlite_backup.h"
#include "store/store.h"

extern char** environ;

namespace huikuan {
namespace {

// The audit chain of `location`, verified: how many records, or why it does not verify.
Result<int64_t> verified_audit(const std::string& location) {
  auto store = Store::open(location);
  if (!store) return tl::unexpected(store.error());
  auto summary = verify_audit(**store);
  if (!summary) return tl::unexpected(summary.error());
  return summary->records;
}

// Runs `argv` and waits: its exit status, or -1 when it cannot be started.
int run_program(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawnp(&pid, args[0], nullptr, nullptr, args.data(), environ) != 0) return -1;
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

DatabaseCommands::DatabaseCommands(CLI::App& app) {
  migrate_ = app.add_subcommand(
      "migrate", "Copy a whole SQLite installation into an empty PostgreSQL database");
  migrate_->add_option("--from", from_, "The SQLite database: sqlite:FILE or FILE")->required();
  migrate_->add_option("--to", to_, "The PostgreSQL database: postgresql://user@host:port/db")
      ->required();
  backup_ =
      app.add_subcommand("backup", "A consistent copy of the database while servers keep using it");
  backup_->add_option("--db", db_, "The database: a SQLite file or a PostgreSQL URL")
      ->capture_default_str();
  backup_->add_option("--out", out_, "The backup file to write (must not exist)")->required();
}

std::optional<int> DatabaseCommands::run() {
  if (*migrate_) return migrate();
  if (*backup_) return backup();
  return std::nullopt;
}

int DatabaseCommands::migrate() {
  const std::string file = sqlite_file(from_);
  if (file.empty()) return print_error(Error{"not a SQLite database", "--from", ""});
  if (!std::filesystem::exists(file)) {
    return print_error(Error{fmt::format("'{}' does not exist", file), "--from", ""});
  }
  if (!to_.starts_with("postgresql://") && !to_.starts_with("postgres://")) {
    return print_error(Error{"not a PostgreSQL URL (postgresql://…)", "--to", ""});
  }
  auto counts = copy_installation(file, to_);
  if (!counts) return print_error(counts.error());
  std::cout << fmt::format("{:<20} {:>12} {:>12}\n", "table", "sqlite", "postgresql");
  for (const TableCount& c : *counts)
    std::cout << fmt::format("{:<20} {:>12} {:>12}\n", c.table, c.source, c.target);
  // The audit log is a hash chain over ids and contents: the copy must verify as the source did.
  auto source = verified_audit(file);
  if (!source) return print_error(source.error());
  auto target = verified_audit(to_);
  if (!target) {
    return print_error(
        Error{"the copied audit log does not verify: " + target.error().to_string(), "--to", ""});
  }
  if (*source != *target) {
    return print_error(Error{
        fmt::format("the audit log has {} records but its copy {}", *source, *target), "--to", ""});
  }
  std::cout << fmt::format("audit chain: {} records verified in both\n", *target);
  return 0;
}

int DatabaseCommands::backup() {
  if (std::filesystem::exists(out_)) {
    return print_error(Error{fmt::format("'{}' exists already", out_), "--out", ""});
  }
  const std::string file = sqlite_file(db_);
  if (file.empty()) {
    // PostgreSQL: pg_dump's custom format, restored with pg_restore (docs/scaling.md).
    const int status = run_program({"pg_dump", "--format=custom", "--file", out_, db_});
    if (status != 0) {
      std::filesystem::remove(out_);
      return print_error(Error{status < 0 ? "cannot run pg_dump (install postgresql-client)"
                                          : fmt::format("pg_dump failed (exit {})", status),
                               "--db", ""});
    }
    std::cout << fmt::format("backed up {} to {} (pg_dump custom format)\n", db_, out_);
    return 0;
  }
  auto pages = backup_sqlite(file, out_);
  if (!pages) return print_error(pages.error());
  std::cout << fmt::format("backed up {} to {} ({} pages)\n", file, out_, *pages);
  return 0;
}

}  // namespace huikuan

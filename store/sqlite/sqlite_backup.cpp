#include "store/sqlite/sqlite_backup.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

namespace huikuan {
namespace {

namespace fs = std::filesystem;

// Pages per step: 4 MiB at the default page size, a few milliseconds of copying.
constexpr int kStepPages = 1024;
// Pause between steps, so that a writer waiting for the source (rollback-journal mode) gets it.
constexpr int kPauseMs = 10;
// While the source is locked: wait this long between tries, and give up after this many.
constexpr int kBusyPauseMs = 100;
constexpr int kBusyTries = 600;

std::string sqlite_error(sqlite3* db, int rc) {
  return db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
}

// Flushes `path` (a file or a directory) to disk.
bool sync_path(const std::string& path, bool directory) {
  const int fd = ::open(path.c_str(), directory ? (O_RDONLY | O_DIRECTORY) : O_RDONLY);
  if (fd < 0) return false;
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  return synced;
}

// Renames `from` to `to` unless `to` exists; false with errno EEXIST if it does. Atomic where
// the file system supports RENAME_NOREPLACE; elsewhere checked first.
bool rename_no_replace(const std::string& from, const std::string& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return true;
  if (errno != EINVAL && errno != ENOSYS) return false;
  std::error_code ec;
  if (fs::exists(fs::symlink_status(to, ec))) {
    errno = EEXIST;
    return false;
  }
  return ::rename(from.c_str(), to.c_str()) == 0;
}

// The open handles of one backup, and its .tmp file until it is renamed: an early return or an
// exception closes them and removes the half-written copy.
struct Backup {
  sqlite3* source = nullptr;
  sqlite3* copy = nullptr;
  sqlite3_backup* backup = nullptr;
  std::string tmp;  //!< removed on destruction unless cleared

  ~Backup() {
    if (backup) sqlite3_backup_finish(backup);
    if (copy) sqlite3_close_v2(copy);
    if (source) sqlite3_close_v2(source);
    if (!tmp.empty()) {
      std::error_code ignored;
      for (const char* suffix : {"", "-journal", "-wal", "-shm"}) fs::remove(tmp + suffix, ignored);
    }
  }
};

// PRAGMA quick_check's verdict: "" when the copy is sound, else what it found.
std::string quick_check(sqlite3* db) {
  sqlite3_stmt* statement = nullptr;
  int rc = sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &statement, nullptr);
  if (rc != SQLITE_OK) return sqlite_error(db, rc);
  std::string problems;
  int rows = 0;
  while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
    const std::string line = text ? text : "";
    if (line == "ok" && rows == 0) {
      ++rows;
      continue;
    }
    if (!problems.empty()) problems += "; ";
    problems += line;
    ++rows;
  }
  if (rc != SQLITE_DONE) problems = sqlite_error(db, rc);
  sqlite3_finalize(statement);
  if (rows == 0 && problems.empty()) problems = "no result";
  return problems;
}

}  // namespace

Result<int64_t> backup_sqlite(const std::string& from_path, const std::string& to_path) {
  std::error_code ec;
  if (!fs::is_regular_file(from_path, ec)) return fail("no SQLite database at '" + from_path + "'");
  if (fs::exists(fs::symlink_status(to_path, ec)))
    return fail("'" + to_path + "' exists: a backup never overwrites a file");

  Backup b;
  const std::string tmp = to_path + ".tmp";
  // Created here, exclusively: two backups to one file must not write the same .tmp. Private
  // (0600), as the database holds customers' personal data.
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) {
      return fail("'" + tmp +
                  "' exists: a backup to this file is running, or an interrupted one left it "
                  "(remove it)");
    }
    return fail("cannot create '" + tmp + "': " + std::strerror(errno));
  }
  ::close(fd);
  b.tmp = tmp;

  // Read-write only because a WAL database may need to create its -shm to be read: the backup
  // writes nothing (closing may checkpoint the WAL, as any last connection does). Without
  // SQLITE_OPEN_CREATE, no database is made where there is none.
  int rc = sqlite3_open_v2(from_path.c_str(), &b.source, SQLITE_OPEN_READWRITE, nullptr);
  if (rc != SQLITE_OK)
    return fail("cannot open '" + from_path + "': " + sqlite_error(b.source, rc));
  rc = sqlite3_open_v2(tmp.c_str(), &b.copy, SQLITE_OPEN_READWRITE, nullptr);
  if (rc != SQLITE_OK) return fail("cannot open '" + tmp + "': " + sqlite_error(b.copy, rc));

  b.backup = sqlite3_backup_init(b.copy, "main", b.source, "main");
  if (!b.backup) return fail("cannot back up '" + from_path + "': " + sqlite3_errmsg(b.copy));

  // A write to the source by another connection restarts the copy at the next step. Under a
  // constant stream of writes the small steps might never catch up: after many more steps than
  // the copy needs, the rest is copied in one step, which cannot be interrupted (in WAL mode
  // it holds a read snapshot only; writers go on).
  int64_t steps = 0;
  int busy = 0;
  for (;;) {
    const int64_t pages = sqlite3_backup_pagecount(b.backup);
    const bool last = steps > 8 * (pages / kStepPages + 1) + 16;
    rc = sqlite3_backup_step(b.backup, last ? -1 : kStepPages);
    if (rc == SQLITE_DONE) break;
    if (rc == SQLITE_OK) {
      ++steps;
      busy = 0;
      sqlite3_sleep(kPauseMs);
    } else if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
      if (++busy > kBusyTries)
        return fail("'" + from_path + "' stayed locked: " + sqlite3_errstr(rc));
      sqlite3_sleep(kBusyPauseMs);
    } else {
      return fail("cannot back up '" + from_path + "': " + sqlite_error(b.copy, rc));
    }
  }
  const int64_t copied = sqlite3_backup_pagecount(b.backup);
  rc = sqlite3_backup_finish(b.backup);
  b.backup = nullptr;
  if (rc != SQLITE_OK)
    return fail("cannot back up '" + from_path + "': " + sqlite_error(b.copy, rc));
  sqlite3_close_v2(b.source);
  b.source = nullptr;

  const std::string problems = quick_check(b.copy);
  if (!problems.empty()) return fail("the copy of '" + from_path + "' is damaged: " + problems);
  // Closing checkpoints and removes the copy's -wal and -shm (it is in the source's journal
  // mode): the renamed file is complete on its own.
  rc = sqlite3_close(b.copy);
  if (rc != SQLITE_OK) return fail("cannot close '" + tmp + "': " + sqlite_error(b.copy, rc));
  b.copy = nullptr;

  if (!sync_path(tmp, false)) return fail("cannot sync '" + tmp + "': " + std::strerror(errno));
  if (!rename_no_replace(tmp, to_path)) {
    if (errno == EEXIST) return fail("'" + to_path + "' exists: a backup never overwrites a file");
    return fail("cannot rename '" + tmp + "' to '" + to_path + "': " + std::strerror(errno));
  }
  b.tmp.clear();
  // The rename itself survives a crash only once the directory is on disk.
  const fs::path parent = fs::path(to_path).parent_path();
  sync_path(parent.empty() ? "." : parent.string(), true);
  return copied;
}

}  // namespace huikuan

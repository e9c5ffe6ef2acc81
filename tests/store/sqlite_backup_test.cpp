// `huikuan backup` for SQLite (store/sqlite/sqlite_backup.h): a copy taken while the store is
// open and writing is a sound store of its own, equal to the source's committed state.

#include "store/sqlite/sqlite_backup.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "store/audit_chain.h"
#include "store/store.h"
#include "test_db.h"

namespace huikuan {
namespace {

namespace fs = std::filesystem;

class SqliteBackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // SQLite's own: nothing to repeat in the PostgreSQL run.
    if (testing::on_postgres()) GTEST_SKIP() << "SQLite backup";
    std::random_device random;
    dir_ = fs::temp_directory_path() /
           ("huikuan-backup-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ignored;
    if (!dir_.empty()) fs::remove_all(dir_, ignored);
  }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  static std::unique_ptr<Store> open(const std::string& file) {
    auto store = Store::open(file);
    if (!store) throw std::runtime_error(store.error().to_string());
    return std::move(*store);
  }

  // `count` customers and one change record each, in the open transaction.
  static void write(Store& store, int first, int count) {
    std::vector<Customer> customers;
    std::vector<ChangeRecord> changes;
    for (int i = first; i < first + count; ++i) {
      Customer c;
      c.id = i + 1;  // ids are the caller's
      c.external_id = "C" + std::to_string(i);
      c.name = "Customer " + std::to_string(i) + std::string(200, 'x');  // pages to copy
      customers.push_back(c);
      ChangeRecord r;
      r.at = "2026-06-30T10:15:00+08:00";
      r.actor = "import";
      r.entity = "invoice";
      r.key = "INV" + std::to_string(i);
      r.field = "amount";
      r.old_value = "";
      r.new_value = std::to_string(i * 100);
      r.source = "test";
      changes.push_back(r);
    }
    store.insert_customers(customers);
    store.insert_changes(changes);
  }

  // The same in a transaction of its own.
  static void add(Store& store, int first, int count) {
    auto done = store.transaction([&]() -> Result<void> {
      write(store, first, count);
      return {};
    });
    if (!done) throw std::runtime_error(done.error().to_string());
  }

  static int64_t customers(Store& store) {
    int64_t n = 0;
    store.read_customers([&](const Customer&) { ++n; });
    return n;
  }

  // The audit log, checked link by link: ids 1, 2, … and each hash over its predecessor's.
  static std::vector<AuditEntry> verified_audit(Store& store) {
    std::vector<AuditEntry> entries;
    std::string prev(kAuditGenesis);
    store.read_audit([&](const AuditEntry& e) {
      EXPECT_EQ(e.id, static_cast<int64_t>(entries.size()) + 1);
      EXPECT_EQ(e.prev_hash, prev);
      EXPECT_EQ(e.hash, audit_hash(prev, e.id, e.change)) << "record " << e.id;
      prev = e.hash;
      entries.push_back(e);
    });
    return entries;
  }

  fs::path dir_;
};

TEST_F(SqliteBackupTest, CopiesAnOpenStoreWithItsAuditChain) {
  const std::string source = path("ledger.db");
  auto store = open(source);
  add(*store, 0, 500);

  auto pages = backup_sqlite(source, path("copy.db"));
  ASSERT_TRUE(pages) << pages.error().to_string();
  EXPECT_GT(*pages, 0);
  for (const char* left : {"copy.db.tmp", "copy.db.tmp-wal", "copy.db.tmp-shm", "copy.db-wal"})
    EXPECT_FALSE(fs::exists(path(left))) << left;
  EXPECT_EQ(static_cast<int64_t>(fs::file_size(path("copy.db"))) % *pages, 0);
  // Customers' personal data: readable by the owner only.
  EXPECT_EQ(fs::status(path("copy.db")).permissions(),
            fs::perms::owner_read | fs::perms::owner_write);

  auto copy = open(path("copy.db"));
  EXPECT_EQ(customers(*copy), 500);
  const auto original = verified_audit(*store);
  const auto copied = verified_audit(*copy);
  ASSERT_EQ(copied.size(), 500u);
  EXPECT_EQ(copied.back().hash, original.back().hash);
  EXPECT_EQ(copy->ledger_stamp(), store->ledger_stamp());
  EXPECT_EQ(copy->schema_version(), store->schema_version());

  // The source is untouched and goes on; the copy is a store of its own.
  add(*store, 500, 10);
  EXPECT_EQ(customers(*store), 510);
  EXPECT_EQ(customers(*copy), 500);
}

TEST_F(SqliteBackupTest, LeavesOutUncommittedWork) {
  const std::string source = path("ledger.db");
  auto store = open(source);
  add(*store, 0, 100);
  Result<int64_t> pages = 0;
  auto done = store->transaction([&]() -> Result<void> {
    write(*store, 100, 50);
    pages = backup_sqlite(source, path("copy.db"));
    return fail("rolled back");
  });
  EXPECT_FALSE(done);
  ASSERT_TRUE(pages) << pages.error().to_string();
  auto copy = open(path("copy.db"));
  EXPECT_EQ(customers(*copy), 100);
  EXPECT_EQ(verified_audit(*copy).size(), 100u);
}

TEST_F(SqliteBackupTest, IsConsistentWhileAnotherConnectionWrites) {
  const std::string source = path("ledger.db");
  auto store = open(source);
  add(*store, 0, 20000);  // ~1500 pages: several steps
  std::atomic<bool> stop{false};
  std::atomic<int> batches{0};
  std::thread writer([&] {
    auto other = open(source);
    for (int i = 0; !stop; ++i) {
      add(*other, 20000 + i * 10, 10);
      ++batches;
    }
  });
  auto pages = backup_sqlite(source, path("copy.db"));
  stop = true;
  writer.join();
  ASSERT_TRUE(pages) << pages.error().to_string();

  // Some prefix of the writer's batches, whole: customers and their change records agree.
  auto copy = open(path("copy.db"));
  const int64_t n = customers(*copy);
  EXPECT_GE(n, 20000);
  EXPECT_EQ((n - 20000) % 10, 0);
  EXPECT_LE(n, 20000 + 10 * int64_t{batches});
  EXPECT_EQ(static_cast<int64_t>(verified_audit(*copy).size()), n);
}

TEST_F(SqliteBackupTest, RefusesAnExistingDestination) {
  const std::string source = path("ledger.db");
  auto store = open(source);
  add(*store, 0, 10);
  { std::ofstream(path("copy.db")) << "keep me"; }
  auto pages = backup_sqlite(source, path("copy.db"));
  ASSERT_FALSE(pages);
  EXPECT_NE(pages.error().message.find("exists"), std::string::npos) << pages.error().message;
  std::ifstream in(path("copy.db"));
  std::string text;
  std::getline(in, text);
  EXPECT_EQ(text, "keep me");
  EXPECT_FALSE(fs::exists(path("copy.db.tmp")));

  // A leftover .tmp (a backup running, or an interrupted one) is neither used nor removed.
  { std::ofstream(path("other.db.tmp")) << "half"; }
  pages = backup_sqlite(source, path("other.db"));
  ASSERT_FALSE(pages);
  EXPECT_NE(pages.error().message.find("other.db.tmp"), std::string::npos);
  EXPECT_FALSE(fs::exists(path("other.db")));
  EXPECT_TRUE(fs::exists(path("other.db.tmp")));
}

TEST_F(SqliteBackupTest, FailsWithoutASourceAndLeavesNothing) {
  auto pages = backup_sqlite(path("missing.db"), path("copy.db"));
  ASSERT_FALSE(pages);
  EXPECT_FALSE(fs::exists(path("missing.db")));
  EXPECT_FALSE(fs::exists(path("copy.db")));
  EXPECT_FALSE(fs::exists(path("copy.db.tmp")));

  // Not a database: the half-made copy is removed.
  { std::ofstream(path("text.db")) << std::string(8192, 'z'); }
  pages = backup_sqlite(path("text.db"), path("copy.db"));
  ASSERT_FALSE(pages);
  EXPECT_FALSE(fs::exists(path("copy.db")));
  EXPECT_FALSE(fs::exists(path("copy.db.tmp")));
}

}  // namespace
}  // namespace huikuan

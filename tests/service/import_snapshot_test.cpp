// The snapshot an import hands back (built from the rows in memory) and the snapshot cache file
// must describe exactly the ledger the store holds.

#include <gtest/gtest.h>

#include "engine/aging.h"
#include "io/ledger_generator.h"
#include "service/import_fixture.h"
#include "service/importer.h"
#include "service/snapshot_loader.h"
#include "test_db.h"

namespace huikuan {
namespace {

using testing::TempDir;

void expect_same_aging(const Snapshot& a, const Snapshot& b, Date as_of) {
  auto left = age(a, as_of, AgingBuckets{}, AgingGroup::kCustomer, 1);
  auto right = age(b, as_of, AgingBuckets{}, AgingGroup::kCustomer, 1);
  ASSERT_TRUE(left && right);
  ASSERT_EQ(left->sections.size(), right->sections.size());
  for (size_t s = 0; s < left->sections.size(); ++s) {
    const auto& l = left->sections[s];
    const auto& r = right->sections[s];
    EXPECT_EQ(l.currency.code_view(), r.currency.code_view());
    ASSERT_EQ(l.rows.size(), r.rows.size());
    for (size_t k = 0; k < l.rows.size(); ++k) {
      EXPECT_EQ(l.rows[k].key, r.rows[k].key);
      EXPECT_EQ(l.rows[k].buckets, r.rows[k].buckets) << l.rows[k].key;
      EXPECT_EQ(l.rows[k].unapplied, r.rows[k].unapplied) << l.rows[k].key;
    }
  }
}

class ImportSnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    GeneratorOptions options;
    options.customers = 400;
    options.seed = 11;
    ASSERT_TRUE(generate_ledger(options, (dir_ / "ledger").string()).has_value());
    auto store = Store::open(huikuan::testing::test_db(dir_));
    ASSERT_TRUE(store.has_value());
    store_ = std::move(*store);
  }

  TempDir dir_{"snapshot"};
  std::unique_ptr<Store> store_;
};

TEST_F(ImportSnapshotTest,
       GivenAGeneratedLedger_WhenImported_ThenTheReturnedSnapshotAgesLikeTheStore) {
  ImportOptions options;
  options.dir = (dir_ / "ledger").string();
  options.build_snapshot = true;
  auto summary = import_ledger(*store_, options);
  ASSERT_TRUE(summary.has_value());
  ASSERT_TRUE(summary->snapshot);
  EXPECT_EQ(summary->ledger_stamp, store_->ledger_stamp());

  auto loaded = load_snapshot(*store_);
  ASSERT_TRUE(loaded.has_value());
  for (const char* as_of : {"2025-01-15", "2026-03-31", "2026-06-30"}) {
    expect_same_aging(*summary->snapshot, **loaded, *Date::parse(as_of));
  }
}

TEST_F(ImportSnapshotTest, GivenACacheFile_WhenTheLedgerChanges_ThenTheStaleCacheIsNotUsed) {
  ImportOptions options;
  options.dir = (dir_ / "ledger").string();
  ASSERT_TRUE(import_ledger(*store_, options).has_value());
  const std::string cache = (dir_ / "ledger.db.snapshot").string();
  auto first = load_snapshot(*store_, cache);  // writes the cache
  ASSERT_TRUE(first.has_value());
  ASSERT_TRUE(std::filesystem::exists(cache));

  // A new overdue invoice for the first customer must show up although a cache exists.
  const std::string customer = (*first)->customer_key.front();
  testing::write_file(dir_ / "more" / "invoices.csv",
                      "invoice_id,customer_id,invoice_date,due_date,currency,amount\n"
                      "EXTRA1," +
                          customer + ",2026-01-01,2026-01-31,CNY,1000.00\n");
  options.dir = (dir_ / "more").string();
  ASSERT_TRUE(import_ledger(*store_, options).has_value());

  auto second = load_snapshot(*store_, cache);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ((*second)->invoice_count(), (*first)->invoice_count() + 1);
  expect_same_aging(**second, **load_snapshot(*store_), *Date::parse("2026-06-30"));
}

TEST_F(ImportSnapshotTest, GivenADamagedCacheFile_WhenLoaded_ThenTheLedgerIsReadFromTheStore) {
  ImportOptions options;
  options.dir = (dir_ / "ledger").string();
  ASSERT_TRUE(import_ledger(*store_, options).has_value());
  const std::string cache = (dir_ / "ledger.db.snapshot").string();
  auto good = load_snapshot(*store_, cache);
  ASSERT_TRUE(good.has_value());
  // Keep the header (and so the stamp) but cut the columns short.
  std::filesystem::resize_file(cache, std::filesystem::file_size(cache) / 2);

  auto reloaded = load_snapshot(*store_, cache);
  ASSERT_TRUE(reloaded.has_value());
  expect_same_aging(**reloaded, **good, *Date::parse("2026-06-30"));
}

// A PostgreSQL installation has no file to keep its cache beside: reports and daily runs from
// the CLI would read every row of a 10M-invoice ledger each time.
TEST(SnapshotCachePathTest, GivenAPostgresUrl_ThenOneFilePerDatabaseInTheCacheDirectory) {
  TempDir dir;
  ASSERT_EQ(setenv("HUIKUAN_CACHE_DIR", (dir.path() / "cache").c_str(), 1), 0);
  const std::string first = snapshot_cache_path("postgresql://huikuan:s3cret@db/acme");
  EXPECT_EQ(std::filesystem::path(first).parent_path(), dir.path() / "cache");
  EXPECT_TRUE(std::filesystem::is_directory(dir.path() / "cache"));
  EXPECT_EQ(first.find("s3cret"), std::string::npos) << first;
  EXPECT_EQ(snapshot_cache_path("postgresql://huikuan:s3cret@db/acme"), first);
  EXPECT_NE(snapshot_cache_path("postgresql://huikuan:s3cret@db/other"), first);
  EXPECT_EQ(snapshot_cache_path("data/huikuan.db"), "data/huikuan.db.snapshot");

  ASSERT_EQ(setenv("HUIKUAN_CACHE_DIR", "", 1), 0);  // set but empty: no cache
  EXPECT_EQ(snapshot_cache_path("postgresql://huikuan@db/acme"), "");
  unsetenv("HUIKUAN_CACHE_DIR");
}

}  // namespace
}  // namespace huikuan

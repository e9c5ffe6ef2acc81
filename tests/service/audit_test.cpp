// The audit log: every change is hash-chained as it is written, so that altering, removing or
// inserting a record afterwards is found and the first bad record named; and phones and e-mail
// addresses reach it only masked.

#include "service/audit.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "service/collections.h"
#include "service/import_fixture.h"
#include "service/importer.h"
#include "store/audit_chain.h"
#include "test_db.h"

namespace huikuan {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;
using testing::write_file;

class AuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    write_file(dir_ / "ledger" / "customers.csv",
               "customer_id,name,currency,email,phone\n"
               "C1,华信贸易,CNY,zhang.san@huaxin.com.cn,13812345678\n"
               "C2,Acme,USD,,\n");
    write_file(dir_ / "ledger" / "invoices.csv",
               "invoice_id,customer_id,invoice_date,due_date,currency,amount\n"
               "I1,C1,2026-05-01,2026-05-31,CNY,1000.00\n"
               "I2,C2,2026-06-01,2026-06-30,USD,80.00\n");
    store_ = std::move(*Store::open(db_path()));
    ImportOptions options;
    options.dir = (dir_ / "ledger").string();
    ASSERT_TRUE(import_ledger(*store_, options).has_value());
  }

  std::string db_path() const { return db_; }

  // Collection entries after the import: six change records in all.
  void record_some_work() {
    ASSERT_TRUE(record_contact(*store_,
                               {"C1", "phone", "2026-07-01T09:30:00+08:00", "promise_to_pay",
                                "新号码 139 8765 4321，邮件 li@huaxin.com.cn"},
                               actor_));
    ASSERT_TRUE(record_promise(*store_, {"C1", "500.00", std::nullopt, "2026-07-15", {}}, actor_));
    ASSERT_TRUE(open_dispute(*store_, {"I2", "20.00", "price_dispute", ""}, 48, actor_));
    ASSERT_TRUE(record_contact(*store_, {"C2", "email", "2026-07-01T09:40:00+08:00", "reached", ""},
                               actor_));
    ASSERT_TRUE(record_promise(*store_, {"C2", "60.00", std::nullopt, "2026-07-20", {}}, actor_));
  }

  // Raw SQL on the file, as someone with access to it (and not to the application) would.
  void tamper(const std::string& sql) { huikuan::testing::tamper_audit(db_path(), sql); }

  Actor actor_{"collector:li", *Timestamp::parse("2026-07-01T10:00:00+08:00"), "collector",
               "req-1"};
  TempDir dir_{"audit"};
  std::string db_ = huikuan::testing::test_db(dir_, "audit.db");
  std::unique_ptr<Store> store_;
};

TEST_F(AuditTest, GivenAnImportAndCollectionWork_WhenVerified_ThenEveryRecordHolds) {
  record_some_work();
  auto verified = verify_audit(*store_);
  ASSERT_TRUE(verified.has_value()) << verified.error().to_string();
  EXPECT_EQ(verified->records, 6);
  EXPECT_EQ(verified->head_hash.size(), 64u);

  std::vector<AuditEntry> entries;
  store_->read_audit([&](const AuditEntry& e) { entries.push_back(e); });
  ASSERT_EQ(entries.size(), 6u);
  EXPECT_EQ(entries[0].prev_hash, kAuditGenesis);
  for (size_t k = 1; k < entries.size(); ++k) {
    EXPECT_EQ(entries[k].id, entries[k - 1].id + 1);
    EXPECT_EQ(entries[k].prev_hash, entries[k - 1].hash);
  }
  EXPECT_EQ(entries[1].change.role, "collector");
  EXPECT_EQ(entries[1].change.request_id, "req-1");
}

TEST_F(AuditTest, GivenAnAlteredValue_WhenVerified_ThenThatRecordIsNamed) {
  record_some_work();
  tamper("UPDATE ledger_changes SET new_value = 'open: 5.00 CNY' WHERE id = 3");
  auto verified = verify_audit(*store_);
  ASSERT_FALSE(verified.has_value());
  EXPECT_EQ(verified.error().where, "record 3");
  EXPECT_THAT(verified.error().message, HasSubstr("altered"));
}

TEST_F(AuditTest, GivenAnAlteredActor_WhenVerified_ThenThatRecordIsNamed) {
  record_some_work();
  tamper("UPDATE ledger_changes SET actor = 'someone:else' WHERE id = 5");
  auto verified = verify_audit(*store_);
  ASSERT_FALSE(verified.has_value());
  EXPECT_EQ(verified.error().where, "record 5");
}

TEST_F(AuditTest, GivenAMiddleRecordRemoved_WhenVerified_ThenTheNextOneIsNamed) {
  record_some_work();
  tamper("DELETE FROM ledger_changes WHERE id = 4");
  auto verified = verify_audit(*store_);
  ASSERT_FALSE(verified.has_value());
  EXPECT_EQ(verified.error().where, "record 5");
  EXPECT_THAT(verified.error().message, HasSubstr("record 4 before it is missing (removed)"));
}

TEST_F(AuditTest, GivenARecordRemovedAndTheRestRenumbered_WhenVerified_ThenTheBreakIsNamed) {
  record_some_work();
  tamper(
      "DELETE FROM ledger_changes WHERE id = 2;"
      "UPDATE ledger_changes SET id = id - 1 WHERE id > 2");
  auto verified = verify_audit(*store_);
  ASSERT_FALSE(verified.has_value());
  EXPECT_EQ(verified.error().where, "record 2");
  EXPECT_THAT(verified.error().message, HasSubstr("does not follow record 1"));
}

TEST_F(AuditTest, GivenTheFirstRecordRemoved_WhenVerified_ThenTheNewFirstIsNamed) {
  record_some_work();
  tamper("DELETE FROM ledger_changes WHERE id = 1");
  auto verified = verify_audit(*store_);
  ASSERT_FALSE(verified.has_value());
  EXPECT_EQ(verified.error().where, "record 2");
}

TEST_F(AuditTest, GivenAForgedRecordAppended_WhenVerified_ThenItIsNamed) {
  record_some_work();
  tamper(
      "INSERT INTO ledger_changes (id, at, actor, entity, key, field, old_value, new_value, "
      "source, prev_hash, hash) SELECT 7, at, actor, entity, key, field, old_value, 'forged', "
      "source, hash, hash FROM ledger_changes WHERE id = 6");
  auto verified = verify_audit(*store_);
  ASSERT_FALSE(verified.has_value());
  EXPECT_EQ(verified.error().where, "record 7");
}

TEST_F(AuditTest, GivenTheApplication_WhenItTriesToChangeTheLog_ThenTheDatabaseRefuses) {
  using huikuan::testing::exec_sql;
  EXPECT_THROW(exec_sql(db_path(), "UPDATE ledger_changes SET actor = 'x' WHERE id = 1"),
               std::exception);
  EXPECT_THROW(exec_sql(db_path(), "DELETE FROM ledger_changes WHERE id = 1"), std::exception);
  // What it refused is still there, unchanged.
  EXPECT_TRUE(verify_audit(*store_).has_value());
}

TEST_F(AuditTest, GivenChangesOutsideATransaction_WhenInserted_ThenStillChained) {
  const ChangeRecord change{
      "2026-07-01T10:00:00+08:00", "cli", "run", "2026-07-01", "actions", "", "none", "run"};
  store_->insert_changes({&change, 1});
  store_->insert_changes({&change, 1});
  auto verified = verify_audit(*store_);
  ASSERT_TRUE(verified.has_value()) << verified.error().to_string();
  EXPECT_EQ(verified->records, 3);
}

TEST_F(AuditTest, GivenContactDetails_WhenLogged_ThenPhonesAndEmailsAreMasked) {
  write_file(dir_ / "update" / "customers.csv",
             "customer_id,name,email,phone\n"
             "C1,华信贸易,wang.wu@huaxin.com.cn,+86-571-28881234\n");
  ImportOptions options;
  options.dir = (dir_ / "update").string();
  ASSERT_TRUE(import_ledger(*store_, options).has_value());
  record_some_work();
  std::vector<std::string> logged;
  store_->read_changes([&](const ChangeRecord& r) {
    if (r.field == "email" || r.field == "phone" || r.entity == "contact") {
      logged.push_back(fmt::format("{}: {} -> {}", r.field, r.old_value, r.new_value));
    }
  });
  EXPECT_THAT(logged,
              ::testing::ElementsAre(
                  "email: z***@huaxin.com.cn -> w***@huaxin.com.cn",
                  "phone: 138****5678 -> +86-5**-****1234",
                  "contact:  -> C1 phone at 2026-07-01T09:30:00+08:00: promise_to_pay — 新号码 "
                  "139 **** 4321，邮件 l***@huaxin.com.cn",
                  "contact:  -> C2 email at 2026-07-01T09:40:00+08:00: reached"));
  // The ledger itself keeps the real details.
  EXPECT_EQ(store_->find_customer("C1")->phone, "+86-571-28881234");
}

TEST_F(AuditTest, GivenAVersion5Database_WhenMigrated_ThenItsChangesAreChainedAndVerify) {
  const std::string path = (dir_ / "v5.db").string();
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT)");
    for (const char* file : {"001_ledger.sql", "002_collections.sql", "003_actions.sql",
                             "004_payment_plans.sql", "005_action_history.sql"}) {
      std::ifstream in(std::string(HUIKUAN_SOURCE_DIR) + "/store/sqlite/migrations/" + file);
      std::stringstream sql;
      sql << in.rdbuf();
      db.exec(sql.str());
    }
    db.exec("INSERT INTO schema_migrations VALUES (1, ''), (2, ''), (3, ''), (4, ''), (5, '')");
    for (int k = 1; k <= 2; ++k) {
      db.exec(
          fmt::format("INSERT INTO ledger_changes (at, actor, entity, key, field, old_value, "
                      "new_value, source) VALUES ('2026-06-0{}T10:00:00Z', 'import', "
                      "'import', 'dir', 'rows', '', 'customers +{}', 'dir')",
                      k, k));
    }
    db.exec(
        "INSERT INTO ledger_changes (at, actor, entity, key, field, old_value, new_value, "
        "source) VALUES ('2026-06-03T10:00:00Z', 'import', 'customer', 'C1', 'phone', "
        "'13812345678', '13987654321', 'dir')");
  }
  auto store = Store::open(path);
  ASSERT_TRUE(store.has_value()) << store.error().to_string();
  // Brought to the newest migration, as a new database is, whatever comes after 006.
  auto fresh = Store::open(huikuan::testing::test_db(dir_, "fresh.db"));
  ASSERT_TRUE(fresh.has_value());
  EXPECT_EQ((*store)->schema_version(), (*fresh)->schema_version());
  auto verified = verify_audit(**store);
  ASSERT_TRUE(verified.has_value()) << verified.error().to_string();
  EXPECT_EQ(verified->records, 3);
  std::vector<std::string> phones;
  (*store)->read_changes([&](const ChangeRecord& r) {
    if (r.field == "phone") phones.push_back(r.old_value + " -> " + r.new_value);
  });
  EXPECT_THAT(phones, ::testing::ElementsAre("138****5678 -> 139****4321"));

  const ChangeRecord next{
      "2026-07-01T10:00:00Z", "cli", "run", "2026-07-01", "actions", "", "none", "run"};
  (*store)->insert_changes({&next, 1});
  verified = verify_audit(**store);
  ASSERT_TRUE(verified.has_value()) << verified.error().to_string();
  EXPECT_EQ(verified->records, 4);
}

TEST(AuditHashTest, GivenValuesThatShiftBytesBetweenColumns_WhenHashed_ThenTheHashesDiffer) {
  ChangeRecord a{"t", "ab", "e", "k", "f", "o", "n", "s"};
  ChangeRecord b{"t", "a", "e", "k", "f", "o", "n", "s"};
  b.role = "b";  // "ab" + "" vs "a" + "b": the same bytes concatenated
  a.role = "";
  EXPECT_NE(audit_hash(kAuditGenesis, 1, a), audit_hash(kAuditGenesis, 1, b));
  EXPECT_NE(audit_hash(kAuditGenesis, 1, a), audit_hash(kAuditGenesis, 2, a));
  EXPECT_EQ(audit_hash(kAuditGenesis, 1, a), audit_hash(kAuditGenesis, 1, a));
}

}  // namespace
}  // namespace huikuan

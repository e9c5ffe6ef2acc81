// Given the built binary: users are added with the password on standard input, API tokens are
// shown once and revoked, and `audit verify` exits 0 on an intact log and 1 naming the first
// record that does not verify.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "app/cli_run.h"
#include "test_db.h"

namespace huikuan {
namespace {

using testing::CliRun;
using ::testing::HasSubstr;
using testing::run_huikuan;
using testing::run_shell;
using testing::shell_quoted;
using testing::TempDir;
using testing::write_file;

class IdentityCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    write_file(dir_ / "ledger" / "customers.csv", "customer_id,name,currency\nC1,Acme,USD\n");
    write_file(dir_ / "ledger" / "invoices.csv",
               "invoice_id,customer_id,invoice_date,due_date,currency,amount\n"
               "I1,C1,2026-05-01,2026-05-31,USD,100.00\n");
    const CliRun import = run_huikuan({"import", "--db", db(), (dir_ / "ledger").string()});
    ASSERT_EQ(import.exit_code, 0) << import.err;
  }

  std::string db() const { return db_; }

  CliRun add_user(const std::string& username, const std::string& password_line) {
    return run_huikuan({"user", "add", "--db", db(), "--username", username, "--role", "collector",
                        "--collector-id", "K1", "--password-stdin"},
                       password_line);
  }

  TempDir dir_{"identity-cli"};
  std::string db_ = huikuan::testing::test_db(dir_, "h.db");
};

TEST_F(IdentityCliTest, GivenAPasswordOnStandardInput_WhenAUserIsAdded_ThenListedAndNotStored) {
  const CliRun add = add_user("li.wei", "correct horse battery\n");
  ASSERT_EQ(add.exit_code, 0) << add.err;
  EXPECT_EQ(add.out, "user li.wei added as collector\n");

  const CliRun list = run_huikuan({"user", "list", "--db", db(), "--format", "csv"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_THAT(list.out, HasSubstr("id,username,role,collector_id,team,created_at,status\n"));
  EXPECT_THAT(list.out, HasSubstr("1,li.wei,collector,K1,,"));

  // Not anywhere in the database: its file (SQLite), or a dump of every table (PostgreSQL).
  const CliRun grep =
      run_shell(huikuan::testing::on_postgres()
                    ? "pg_dump --data-only " + shell_quoted(db().substr(0, db().find("&options"))) +
                          " | grep -c 'correct horse'"
                    : "grep -c 'correct horse' " + shell_quoted(db()));
  EXPECT_EQ(grep.out, "0\n") << "the password is in the database";
}

TEST_F(IdentityCliTest, GivenABadOrMissingPassword_WhenAUserIsAdded_ThenExitTwo) {
  const CliRun short_one = add_user("li.wei", "too short\n");
  EXPECT_EQ(short_one.exit_code, 2);
  EXPECT_THAT(short_one.err, HasSubstr("password: at least 12 characters"));

  const CliRun none = add_user("li.wei", "");
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_THAT(none.err, HasSubstr("no password on standard input"));

  const CliRun no_flag =
      run_huikuan({"user", "add", "--db", db(), "--username", "li.wei", "--role", "collector"},
                  "correct horse battery\n");
  EXPECT_EQ(no_flag.exit_code, 2);
  EXPECT_THAT(no_flag.err, HasSubstr("--password-stdin"));

  const CliRun bad_role = run_huikuan(
      {"user", "add", "--db", db(), "--username", "li.wei", "--role", "boss", "--password-stdin"},
      "correct horse battery\n");
  EXPECT_EQ(bad_role.exit_code, 2);
  EXPECT_THAT(bad_role.err, HasSubstr("role: 'boss' is not one of"));
}

TEST_F(IdentityCliTest, GivenAUser_WhenATokenIsCreatedAndRevoked_ThenTheSecretIsShownOnce) {
  ASSERT_EQ(add_user("li.wei", "correct horse battery\n").exit_code, 0);
  const CliRun create =
      run_huikuan({"token", "create", "--db", db(), "--user", "li.wei", "--name", "erp"});
  ASSERT_EQ(create.exit_code, 0) << create.err;
  EXPECT_THAT(create.out, ::testing::MatchesRegex("hk_[A-Za-z0-9_-]{43}\n"));
  EXPECT_THAT(create.err, HasSubstr("API token 1 'erp' for user li.wei"));

  const CliRun revoke = run_huikuan({"token", "revoke", "--db", db(), "--id", "1"});
  ASSERT_EQ(revoke.exit_code, 0) << revoke.err;
  EXPECT_EQ(revoke.out, "API token 1 revoked\n");
  const CliRun again = run_huikuan({"token", "revoke", "--db", db(), "--id", "1"});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_THAT(again.err, HasSubstr("already revoked"));
}

TEST_F(IdentityCliTest, GivenAnIntactLog_WhenVerified_ThenExitZeroWithTheCount) {
  ASSERT_EQ(add_user("li.wei", "correct horse battery\n").exit_code, 0);
  const CliRun verify = run_huikuan({"audit", "verify", "--db", db()});
  EXPECT_EQ(verify.exit_code, 0) << verify.err;
  EXPECT_THAT(verify.out, ::testing::StartsWith("audit log verified: 2 records\n"));
}

TEST_F(IdentityCliTest, GivenATamperedLog_WhenVerified_ThenExitOneNamingTheRecord) {
  ASSERT_EQ(add_user("li.wei", "correct horse battery\n").exit_code, 0);
  ASSERT_EQ(add_user("wang.fang", "correct horse battery\n").exit_code, 0);
  huikuan::testing::tamper_audit(
      db(), "UPDATE ledger_changes SET new_value = 'created: role admin' WHERE id = 2");

  const CliRun verify = run_huikuan({"audit", "verify", "--db", db()});
  EXPECT_EQ(verify.exit_code, 1);
  EXPECT_THAT(verify.err, HasSubstr("audit log does not verify: record 2: "));
  EXPECT_THAT(verify.err, HasSubstr("altered"));
}

TEST(IdentityCliMissingDbTest, GivenNoDatabase_WhenVerified_ThenExitTwo) {
  TempDir dir("identity-cli");
  const CliRun verify = run_huikuan({"audit", "verify", "--db", (dir / "none.db").string()});
  EXPECT_EQ(verify.exit_code, 2);
  EXPECT_THAT(verify.err, HasSubstr("no ledger database"));
}

}  // namespace
}  // namespace huikuan

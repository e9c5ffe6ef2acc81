// Assigning a ledger's cases to the team in a collectors.csv: moves are written with their
// change records in one go, a bad team file is refused line by line, a dry run writes nothing.

#include "service/assignment.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "io/policy_toml.h"
#include "service/import_fixture.h"
#include "service/importer.h"
#include "test_db.h"

namespace huikuan {
namespace {

using testing::dump;
using ::testing::HasSubstr;
using testing::TempDir;
using testing::write_file;

class AssignmentServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // As of 2026-07-01: C1 owes 50,000 CNY and C2 200,000 CNY, both with collector K1; C3 owes
    // 1,000 USD and has nobody; C4's invoice is not due yet, so it is not a case.
    write_file(dir_ / "ledger" / "customers.csv",
               "customer_id,name,currency,collector\n"
               "C1,华信贸易,CNY,K1\nC2,东方机械,CNY,K1\nC3,Acme,USD,\nC4,Later Ltd,CNY,K1\n");
    write_file(dir_ / "ledger" / "invoices.csv",
               "invoice_id,customer_id,invoice_date,due_date,currency,amount\n"
               "I1,C1,2026-05-01,2026-05-31,CNY,50000.00\n"
               "I2,C2,2026-05-01,2026-05-31,CNY,200000.00\n"
               "I3,C3,2026-05-01,2026-05-31,USD,1000.00\n"
               "I4,C4,2026-06-15,2026-08-15,CNY,9000.00\n");
    store_ = std::move(*Store::open(huikuan::testing::test_db(dir_)));
    ImportOptions options;
    options.dir = (dir_ / "ledger").string();
    ASSERT_TRUE(import_ledger(*store_, options).has_value());
  }

  Result<std::vector<Collector>> team(std::string_view csv) {
    write_file(dir_ / "collectors.csv", csv);
    return load_collectors((dir_ / "collectors.csv").string(), "utf-8", default_policy());
  }

  Result<AssignOutcome> assign(const std::vector<Collector>& collectors, bool dry_run = false) {
    return assign_collectors(*store_, {collectors, *Date::parse("2026-07-01"), "", dry_run},
                             default_policy(), actor_);
  }

  std::string collector_of(const char* customer) {
    return store_->find_customer(customer)->collector;
  }

  static constexpr std::string_view kTeam =
      "collector_id,name,level,max_cases,max_amount,specialties\n"
      "K1,李雷,collector,10,1000000.00,\n"
      "S1,韩梅梅,supervisor,,,manufacturing;华东\n";

  Actor actor_{"director:wang", *Timestamp::parse("2026-07-01T10:00:00+08:00")};
  TempDir dir_{"assignment"};
  std::unique_ptr<Store> store_;
};

TEST_F(AssignmentServiceTest, GivenATeam_WhenAssigned_ThenMovesAreWrittenAndRecorded) {
  auto collectors = team(kTeam);
  ASSERT_TRUE(collectors.has_value()) << collectors.error().to_string();
  const int64_t version = store_->ledger_version();

  auto outcome = assign(*collectors);

  ASSERT_TRUE(outcome.has_value()) << outcome.error().to_string();
  EXPECT_EQ(outcome->moved, 2u);
  EXPECT_TRUE(outcome->assignment.unplaced.empty());
  EXPECT_EQ(collector_of("C1"), "K1");  // kept
  EXPECT_EQ(collector_of("C2"), "S1");  // 200,000 is above a collector's authority
  EXPECT_EQ(collector_of("C3"), "K1");  // new: the lowest level that may hold 7,100 CNY
  EXPECT_EQ(collector_of("C4"), "K1");  // not a case: untouched
  std::vector<std::string> moves;
  store_->read_changes([&](const ChangeRecord& r) {
    if (r.source != "assign") return;
    moves.push_back(fmt::format("{} {} {} {} {} '{}'->'{}'", r.at, r.actor, r.entity, r.key,
                                r.field, r.old_value, r.new_value));
  });
  EXPECT_THAT(moves, ::testing::ElementsAre(
                         "2026-07-01T10:00:00+08:00 director:wang customer C2 collector 'K1'->'S1'",
                         "2026-07-01T10:00:00+08:00 director:wang customer C3 collector ''->'K1'"));
  EXPECT_GT(store_->ledger_version(), version);
}

TEST_F(AssignmentServiceTest, GivenTheSameTeamAgain_WhenAssigned_ThenEveryCaseIsKept) {
  auto collectors = team(kTeam);
  ASSERT_TRUE(collectors.has_value());
  ASSERT_TRUE(assign(*collectors).has_value());
  const auto before = dump(*store_);

  auto again = assign(*collectors);

  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->moved, 0u);
  EXPECT_EQ(dump(*store_), before);
}

TEST_F(AssignmentServiceTest, GivenADryRun_WhenAssigned_ThenTheMovesAreReportedAndNothingChanges) {
  auto collectors = team(kTeam);
  ASSERT_TRUE(collectors.has_value());
  const auto before = dump(*store_);

  auto outcome = assign(*collectors, /*dry_run=*/true);

  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->moved, 2u);
  EXPECT_EQ(dump(*store_), before);
}

TEST_F(AssignmentServiceTest, GivenNobodyWithAuthority_WhenAssigned_ThenTheCaseIsReportedAndKept) {
  auto collectors = team("collector_id,name,level\nK1,李雷,collector\n");
  ASSERT_TRUE(collectors.has_value());

  auto outcome = assign(*collectors);

  ASSERT_TRUE(outcome.has_value());
  ASSERT_EQ(outcome->assignment.unplaced.size(), 1u);
  EXPECT_EQ(outcome->assignment.unplaced[0].customer_id, "C2");
  EXPECT_EQ(outcome->assignment.unplaced[0].reason, UnplacedReason::kNoAuthority);
  EXPECT_EQ(collector_of("C2"), "K1");
}

TEST_F(AssignmentServiceTest, GivenBadRows_WhenLoaded_ThenEachIsNamedByLineAndColumn) {
  struct Case {
    const char* csv;
    const char* where;  // suffix after the file name
    const char* column;
    const char* message;
  };
  const Case cases[] = {
      {"collector_id,name,level\nK1,李雷,boss\n", ":2", "level",
       "'boss' is not one of collector, supervisor, director, general_manager"},
      {"collector_id,name,level,max_cases\nK1,李雷,collector,0\n", ":2", "max_cases",
       "'0' is not positive"},
      {"collector_id,name,level,max_cases\nK1,李雷,collector,ten\n", ":2", "max_cases",
       "'ten' is not a whole number"},
      {"collector_id,name,level,max_amount\nK1,李雷,collector,12.345\n", ":2", "max_amount",
       "decimals"},
      {"collector_id,name,level,max_amount\nK1,李雷,collector,-5\n", ":2", "max_amount",
       "not positive"},
      {"collector_id,name,level\nK1,李雷,collector\nK1,韩梅梅,supervisor\n", ":3", "collector_id",
       "'K1' is already on line 2"},
      {"collector_id,name,level\n,李雷,collector\n", ":2", "collector_id", "required"},
      {"collector_id,name\nK1,李雷\n", ":1", "level", "required column missing"},
      {"collector_id,name,level,team\nK1,李雷,collector,A\n", ":1", "team", "unknown column"},
      {"collector_id,name,level\n", "", "", "no collectors listed"},
  };
  const auto before = dump(*store_);
  for (const Case& c : cases) {
    SCOPED_TRACE(c.csv);
    auto collectors = team(c.csv);
    ASSERT_FALSE(collectors.has_value());
    EXPECT_EQ(collectors.error().where, (dir_ / "collectors.csv").string() + c.where);
    EXPECT_EQ(collectors.error().field, c.column);
    EXPECT_THAT(collectors.error().message, HasSubstr(c.message));
  }
  EXPECT_EQ(dump(*store_), before);
}

TEST_F(AssignmentServiceTest, GivenSeveralBadRows_WhenLoaded_ThenAllAreReportedInLineOrder) {
  auto collectors =
      team("collector_id,name,level,max_cases\nK1,李雷,boss,5\nK2,韩梅梅,collector,-1\n");
  ASSERT_FALSE(collectors.has_value());
  const std::string file = (dir_ / "collectors.csv").string();
  EXPECT_EQ(collectors.error().to_string(),
            file +
                ":2: level: 'boss' is not one of collector, supervisor, director, "
                "general_manager\n" +
                file + ":3: max_cases: '-1' is not positive");
}

TEST_F(AssignmentServiceTest, GivenOptionalColumnsLeftOut_WhenLoaded_ThenThePolicyWorkloadApplies) {
  auto collectors = team("level,name,collector_id,specialties\ncollector,李雷,K1,\" a ; b|c \"\n");
  ASSERT_TRUE(collectors.has_value()) << collectors.error().to_string();
  ASSERT_EQ(collectors->size(), 1u);
  const Collector& k1 = collectors->front();
  EXPECT_EQ(k1.id, "K1");
  EXPECT_EQ(k1.level, "collector");
  EXPECT_EQ(k1.max_cases, default_policy().workload.max_cases);
  EXPECT_EQ(k1.max_amount, default_policy().workload.max_amount);
  EXPECT_EQ(k1.specialties, (std::set<std::string>{"a", "b", "c"}));
}

}  // namespace
}  // namespace huikuan

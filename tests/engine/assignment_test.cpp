// Assignment (DOMAIN §7): given cases with their current collectors and a team with authority
// levels and workload limits, then each case lands where the rules say, with why.

#include "engine/assignment.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "engine/ledger_fixture.h"

namespace huikuan {
namespace {

using testing::currency;
using testing::LedgerFixture;

constexpr int64_t yuan(int64_t units) {
  return units * 100;
}

// The documents' defaults: a case must be below the level's limit.
const std::vector<AuthorityLevel> kAuthority{{"collector", yuan(100'000), {}},
                                             {"supervisor", yuan(500'000), {}},
                                             {"director", yuan(1'000'000), {}},
                                             {"general_manager", std::nullopt, {}}};

Collector member(const char* id, const char* level, int32_t max_cases = 150,
                 int64_t max_amount = yuan(50'000'000), std::set<std::string> specialties = {}) {
  return {id, std::string("Name of ") + id, level, max_cases, max_amount, std::move(specialties)};
}

AssignmentCase held(const char* customer, int64_t amount, const char* collector = "",
                    std::vector<std::string> segments = {}) {
  return {customer, collector, amount, std::move(segments)};
}

// "collector reason" per customer, and "reason" per unplaced customer: the whole outcome at a
// glance.
std::map<std::string, std::string> outcome(const AssignmentResult& result) {
  std::map<std::string, std::string> seen;
  for (const Placement& p : result.placements) {
    seen[p.customer_id] = p.collector_id + " " + std::string(placement_reason_name(p.reason));
  }
  for (const UnplacedCase& u : result.unplaced) {
    seen[u.customer_id] = "unplaced " + std::string(unplaced_reason_name(u.reason));
  }
  return seen;
}

struct Scenario {
  const char* name;
  std::vector<AssignmentCase> cases;
  std::vector<Collector> team;
  std::map<std::string, std::string> expected;
};

const Scenario kScenarios[] = {
    {"current collectors with authority and room keep their cases",
     {held("C1", yuan(50'000), "K1"), held("C2", yuan(20'000), "K2")},
     {member("K1", "collector"), member("K2", "collector")},
     {{"C1", "K1 kept"}, {"C2", "K2 kept"}}},
    {"a 200,000 case leaves a collector (limit 100,000) for a supervisor, not a director",
     {held("C1", yuan(200'000), "K1")},
     {member("K1", "collector"), member("D1", "director"), member("S1", "supervisor")},
     {{"C1", "S1 routed_by_authority"}}},
    {"a case exactly at the collector limit is above a collector's authority",
     {held("C1", yuan(100'000), "K1")},
     {member("K1", "collector"), member("S1", "supervisor")},
     {{"C1", "S1 routed_by_authority"}}},
    {"a 2,000,000 case goes to the general manager",
     {held("C1", yuan(2'000'000), "K1")},
     {member("K1", "collector"), member("S1", "supervisor"), member("D1", "director"),
      member("G1", "general_manager")},
     {{"C1", "G1 routed_by_authority"}}},
    {"a collector over max_cases keeps the largest cases and the rest is rebalanced",
     {held("C1", yuan(300), "K1"), held("C2", yuan(200), "K1"), held("C3", yuan(100), "K1")},
     {member("K1", "collector", 2), member("K2", "collector", 2)},
     {{"C1", "K1 kept"}, {"C2", "K1 kept"}, {"C3", "K2 rebalanced"}}},
    {"a collector over max_amount is rebalanced",
     {held("C1", yuan(60'000), "K1"), held("C2", yuan(50'000), "K1")},
     {member("K1", "collector", 150, yuan(100'000)), member("K2", "collector")},
     {{"C1", "K1 kept"}, {"C2", "K2 rebalanced"}}},
    {"cases without a collector, or with one not on the team, are new",
     {held("C1", yuan(10'000)), held("C2", yuan(10'000), "left_the_company")},
     {member("K1", "collector")},
     {{"C1", "K1 new"}, {"C2", "K1 new"}}},
    {"new cases balance the case counts",
     {held("C1", yuan(100)), held("C2", yuan(100)), held("C3", yuan(100)), held("C4", yuan(100))},
     {member("K1", "collector"), member("K2", "collector")},
     {{"C1", "K1 new"}, {"C2", "K2 new"}, {"C3", "K1 new"}, {"C4", "K2 new"}}},
    {"new cases balance the amounts against max_amount",
     {held("C1", yuan(60'000)), held("C2", yuan(30'000)), held("C3", yuan(20'000))},
     {member("K1", "collector", 150, yuan(100'000)), member("K2", "collector", 150, yuan(50'000))},
     {{"C1", "K1 new"}, {"C2", "K2 new"}, {"C3", "K1 new"}}},
    {"a collector with a matching specialty is preferred over a lighter load",
     {held("C1", yuan(5'000), "K1"), held("C2", yuan(1'000), "", {"manufacturing", "华东", "CNY"})},
     {member("K1", "collector", 150, yuan(50'000'000), {"manufacturing"}),
      member("K2", "collector")},
     {{"C1", "K1 kept"}, {"C2", "K1 new"}}},
    {"when the lowest authorised level is full, the next level up takes the case",
     {held("C1", yuan(2'000), "K1"), held("C2", yuan(1'000))},
     {member("K1", "collector", 1), member("S1", "supervisor")},
     {{"C1", "K1 kept"}, {"C2", "S1 new"}}},
    {"nobody at a level allowed to hold the amount",
     {held("C1", yuan(2'000'000), "K1"), held("C2", yuan(600'000))},
     {member("K1", "collector"), member("S1", "supervisor")},
     {{"C1", "unplaced no_authority"}, {"C2", "unplaced no_authority"}}},
    {"everyone allowed to hold it is full",
     {held("C1", yuan(2'000), "K1"), held("C2", yuan(1'000), "K1")},
     {member("K1", "collector", 1)},
     {{"C1", "K1 kept"}, {"C2", "unplaced no_capacity"}}},
    {"a case larger than any authorised collector's max_amount has no capacity",
     {held("C1", yuan(300'000))},
     {member("S1", "supervisor", 150, yuan(200'000))},
     {{"C1", "unplaced no_capacity"}}},
    {"a collector at a level the policy does not know holds nothing",
     {held("C1", yuan(100), "X1")},
     {member("X1", "intern")},
     {{"C1", "unplaced no_authority"}}},
};

TEST(AssignmentTest, EachScenarioPlacesEveryCaseAsTheRulesSay) {
  for (const Scenario& scenario : kScenarios) {
    SCOPED_TRACE(scenario.name);
    EXPECT_EQ(outcome(assign_cases(scenario.cases, scenario.team, kAuthority)), scenario.expected);
  }
}

TEST(AssignmentTest, LoadsCountEveryPlacedCaseInTeamOrder) {
  const auto result = assign_cases(
      {held("C1", yuan(300), "K2"), held("C2", yuan(200)), held("C3", yuan(2'000'000))},
      {member("K2", "collector"), member("K1", "collector")}, kAuthority);
  ASSERT_EQ(result.loads.size(), 2u);
  EXPECT_EQ(result.loads[0].collector_id, "K2");
  EXPECT_EQ(result.loads[0].cases, 1);
  EXPECT_EQ(result.loads[0].amount, yuan(300));
  EXPECT_EQ(result.loads[1].collector_id, "K1");
  EXPECT_EQ(result.loads[1].cases, 1);
  EXPECT_EQ(result.loads[1].amount, yuan(200));
  ASSERT_EQ(result.unplaced.size(), 1u);
  EXPECT_EQ(result.unplaced[0].amount, yuan(2'000'000));
}

TEST(AssignmentTest, TheResultDependsOnlyOnTheInputsNotTheirOrder) {
  std::vector<AssignmentCase> cases;
  for (int k = 0; k < 40; ++k) {
    cases.push_back(
        held(fmt::format("C{:02}", k).c_str(), yuan(1'000 * (k % 7 + 1)), k % 3 == 0 ? "K1" : ""));
  }
  const std::vector<Collector> team{member("K1", "collector", 10), member("K2", "collector", 10),
                                    member("K3", "collector", 10)};
  const auto first = assign_cases(cases, team, kAuthority);
  std::reverse(cases.begin(), cases.end());
  const auto second = assign_cases(cases, team, kAuthority);
  EXPECT_EQ(outcome(first), outcome(second));
  ASSERT_EQ(first.placements.size(), second.placements.size());
  for (size_t k = 0; k < first.placements.size(); ++k) {
    EXPECT_EQ(first.placements[k].customer_id, second.placements[k].customer_id);
  }
  // Largest first: the placements are in descending amount.
  EXPECT_TRUE(
      std::is_sorted(first.placements.begin(), first.placements.end(),
                     [](const Placement& a, const Placement& b) { return a.amount > b.amount; }));
}

TEST(AssignmentTest, AmountsConvertToThePolicyCurrencyExactly) {
  struct Case {
    int64_t minor;
    const char* from;
    int64_t rate_micros;
    int64_t expected;  // CNY fen
  };
  const Case cases[] = {
      {10'000, "USD", 7'100'000, 71'000},  // 100.00 USD at 7.10 = 710.00 CNY
      {1'000, "JPY", 48'000, 4'800},       // 1000 JPY at 0.048 = 48.00 CNY
      {1'000, "KWD", 23'100'000, 2'310},   // 1.000 KWD at 23.10 = 23.10 CNY
      {1, "USD", 5'000'000, 5},            // exact
      {1, "JPY", 5'000, 1},                // 0.5 fen rounds half up
      {1, "JPY", 4'999, 0},
      {12'345, "CNY", 1'000'000, 12'345},  // the policy currency itself
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.from);
    auto converted = convert_minor_units(c.minor, currency(c.from), currency("CNY"), c.rate_micros);
    ASSERT_TRUE(converted.has_value()) << converted.error().to_string();
    EXPECT_EQ(*converted, c.expected);
  }
  EXPECT_FALSE(convert_minor_units(INT64_MAX, currency("USD"), currency("CNY"), 7'100'000));
  EXPECT_FALSE(convert_minor_units(100, currency("USD"), currency("CNY"), 0));
}

TEST(AssignmentTest, WorklistCasesCarryThePolicyAmountAndTheCustomersSegments) {
  LedgerFixture ledger;
  Customer customer;
  customer.external_id = "C1";
  customer.industry = "manufacturing";
  customer.region = "华东";
  ledger.customer(customer);
  ledger.customer("C2");
  ledger.customer("C3");
  const auto snapshot = ledger.build();
  Policy policy;
  policy.exchange_rate_micros = {{"USD", 7'100'000}};
  std::vector<WorklistItem> items(4);
  items[0].customer_id = "C1";
  items[0].collector = "K1";
  items[0].currency = currency("USD");
  items[0].collectible_amount = 10'000;
  items[1].customer_id = "C2";
  items[1].currency = currency("EUR");  // no rate: face value
  items[1].collectible_amount = 500;
  items[2].customer_id = "C3";
  items[2].currency = currency("CNY");  // only due work, nothing collectible: not a case
  items[3].customer_id = "C3";
  items[3].currency = currency("CNY");
  items[3].collectible_amount = 700;

  auto book = cases_from_worklist(items, *snapshot, policy);
  ASSERT_TRUE(book.has_value()) << book.error().to_string();
  ASSERT_EQ(book->cases.size(), 3u);
  EXPECT_EQ(book->cases[0].amount, 71'000);
  EXPECT_EQ(book->cases[0].current_collector, "K1");
  EXPECT_THAT(book->cases[0].segments, ::testing::ElementsAre("manufacturing", "华东", "USD"));
  EXPECT_EQ(book->cases[1].amount, 500);
  EXPECT_THAT(book->cases[1].segments, ::testing::ElementsAre("EUR"));
  EXPECT_EQ(book->cases[2].amount, 700);
  EXPECT_EQ(book->face_value_currencies, std::vector<std::string>{"EUR"});
}

}  // namespace
}  // namespace huikuan

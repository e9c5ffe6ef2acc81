// Late interest and limitation deadlines as the letters and the legal team see them.

#include "engine/letter.h"

#include <gtest/gtest.h>

namespace huikuan {
namespace {

Date day(const char* text) {
  return *Date::parse(text);
}

TEST(LateInterestTest, GivenTieredRates_WhenDaysCrossATier_ThenEachDayUsesItsOwnRate) {
  const std::vector<LateInterestRule> rules{{{1, 30}, 500}, {{31, DayRange::kOpenEnded}, 1000}};
  EXPECT_EQ(late_interest(100000, 0, rules), 0);
  EXPECT_EQ(late_interest(100000, 1, rules), 50);     // 0.05 % of 1,000.00
  EXPECT_EQ(late_interest(100000, 30, rules), 1500);  // 30 × 0.05 %
  EXPECT_EQ(late_interest(100000, 31, rules), 1600);  // + one day at 0.1 %
  EXPECT_EQ(late_interest(1, 30, rules), 0);          // 0.015 of a cent rounds to nothing
  EXPECT_EQ(late_interest(100000, 45, {}), 0);        // a policy without interest
}

TEST(LateInterestTest, GivenAHugeAmount_WhenInterestIsComputed_ThenNothingOverflows) {
  const std::vector<LateInterestRule> rules{{{1, DayRange::kOpenEnded}, 1000}};
  // 9e16 minor units for 1,000 days at 0.1 %: the product needs 128 bits on the way.
  EXPECT_EQ(late_interest(90'000'000'000'000'000, 1000, rules), 90'000'000'000'000'000);
}

TEST(LimitationTest, GivenNoRestart_WhenTheDeadlineIsComputed_ThenItIsThreeYearsAfterDue) {
  EXPECT_EQ(limitation_deadline(day("2026-05-01"), std::nullopt, {}), day("2029-05-01"));
  EXPECT_EQ(add_years(day("2028-02-29"), 3), day("2031-02-28"));
}

TEST(LimitationTest, GivenADemandOrAPlan_WhenTheDeadlineIsComputed_ThenTheLatestRestartCounts) {
  const std::vector<Date> restarts{day("2027-03-10"), day("2026-09-01")};
  EXPECT_EQ(limitation_deadline(day("2026-05-01"), std::nullopt, restarts), day("2030-03-10"));
  EXPECT_EQ(limitation_deadline(day("2026-05-01"), day("2028-01-31"), restarts), day("2031-01-31"));
}

}  // namespace
}  // namespace huikuan

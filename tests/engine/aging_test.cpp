// Given a ledger, when aged on a date, then these buckets.

#include "engine/aging.h"

#include <gtest/gtest.h>

#include "engine/ledger_fixture.h"

namespace huikuan {
namespace {

using testing::day;
using testing::LedgerFixture;

// Bucket index of a single invoice of C1 aged on `as_of`.
int bucket_of(const char* due, const char* as_of) {
  LedgerFixture ledger;
  ledger.customer("C1");
  ledger.invoice("I1", "C1", "2020-01-01", due, 100);
  auto report = age(*ledger.build(), day(as_of), AgingBuckets{}, AgingGroup::kCustomer);
  EXPECT_TRUE(report.has_value());
  const auto& buckets = report->sections.at(0).rows.at(0).buckets;
  for (size_t b = 0; b < buckets.size(); ++b) {
    if (buckets[b] == 100) return static_cast<int>(b);
  }
  return -1;
}

TEST(AgingTest, DefaultBucketLabelsFollowTheContract) {
  EXPECT_EQ(AgingBuckets{}.labels(), (std::vector<std::string>{"not_due", "1-30", "31-60", "61-90",
                                                               "91-180", "181-365", "over_365"}));
}

TEST(AgingTest, DaysOverdueFallIntoBucketsAtTheirBoundaries) {
  struct Case {
    const char* due;
    const char* as_of;
    int bucket;
  };
  const Case cases[] = {
      {"2026-06-30", "2026-06-30", 0},  // due today: 0 days overdue, not due
      {"2026-07-15", "2026-06-30", 0},  // due later
      {"2026-06-29", "2026-06-30", 1},  // 1 day
      {"2026-05-31", "2026-06-30", 1},  // 30 days
      {"2026-05-30", "2026-06-30", 2},  // 31 days
      {"2026-05-01", "2026-06-30", 2},  // 60 days
      {"2026-04-30", "2026-06-30", 3},  // 61 days
      {"2026-04-01", "2026-06-30", 3},  // 90 days
      {"2026-03-31", "2026-06-30", 4},  // 91 days
      {"2025-06-30", "2026-06-30", 5},  // 365 days
      {"2025-06-29", "2026-06-30", 6},  // 366 days
  };
  for (const auto& c : cases) {
    EXPECT_EQ(bucket_of(c.due, c.as_of), c.bucket) << "due " << c.due << " as of " << c.as_of;
  }
}

TEST(AgingTest, LeapDayCountsAsADay) {
  // 2024-02-29 exists: from 2024-01-30 to 2024-02-29 is 30 days, to 2024-03-01 is 31.
  EXPECT_EQ(bucket_of("2024-01-30", "2024-02-29"), 1);
  EXPECT_EQ(bucket_of("2024-01-30", "2024-03-01"), 2);
  // 2023 has no leap day: 2023-01-30 to 2023-03-01 is 30 days.
  EXPECT_EQ(bucket_of("2023-01-30", "2023-03-01"), 1);
}

TEST(AgingTest, PaymentsCountOnlyFromTheirAllocationDate) {
  LedgerFixture ledger;
  ledger.customer("C1");
  ledger.invoice("I1", "C1", "2026-01-01", "2026-01-31", 100000);
  ledger.payment("P1", "C1", "2026-02-10", 50000);
  ledger.allocate("I1", "P1", "2026-02-15", 40000);  // 100.00 of the payment stays unapplied
  auto snapshot = ledger.build();

  auto before_payment = age(*snapshot, day("2026-02-09"), AgingBuckets{}, AgingGroup::kCustomer);
  const AgingRow& b = before_payment->sections.at(0).rows.at(0);
  EXPECT_EQ(b.open, 100000);
  EXPECT_EQ(b.unapplied, 0);

  auto paid_not_applied = age(*snapshot, day("2026-02-12"), AgingBuckets{}, AgingGroup::kCustomer);
  const AgingRow& p = paid_not_applied->sections.at(0).rows.at(0);
  EXPECT_EQ(p.open, 100000);
  EXPECT_EQ(p.unapplied, 50000);
  EXPECT_EQ(p.net, 50000);

  auto applied = age(*snapshot, day("2026-02-15"), AgingBuckets{}, AgingGroup::kCustomer);
  const AgingRow& a = applied->sections.at(0).rows.at(0);
  EXPECT_EQ(a.open, 60000);
  EXPECT_EQ(a.buckets[1], 60000);  // 15 days overdue
  EXPECT_EQ(a.unapplied, 10000);
  EXPECT_EQ(a.net, 50000);
}

TEST(AgingTest, DocumentsDatedAfterTheAsOfDateDoNotExistYet) {
  LedgerFixture ledger;
  ledger.customer("C1");
  ledger.customer("C2");
  ledger.invoice("I1", "C1", "2026-07-01", "2026-07-31", 100);
  ledger.invoice("I2", "C2", "2026-06-01", "2026-07-01", 200);
  auto report = age(*ledger.build(), day("2026-06-30"), AgingBuckets{}, AgingGroup::kCustomer);
  ASSERT_EQ(report->sections.size(), 1u);
  ASSERT_EQ(report->sections[0].rows.size(), 1u);  // C1 has nothing yet: its row is omitted
  EXPECT_EQ(report->sections[0].rows[0].key, "C2");
  EXPECT_EQ(report->sections[0].totals.open, 200);
}

TEST(AgingTest, FullyPaidCustomersAreOmittedAndCreditNotesAreUnappliedUntilAllocated) {
  LedgerFixture ledger;
  ledger.customer("C1");
  ledger.customer("C2");
  ledger.invoice("I1", "C1", "2026-01-01", "2026-01-31", 500);
  ledger.payment("P1", "C1", "2026-01-20", 500);
  ledger.allocate("I1", "P1", "2026-01-20", 500);
  ledger.invoice("I2", "C2", "2026-01-01", "2026-01-31", 700);
  ledger.credit_note("N1", "C2", "2026-02-01", 200);
  ledger.allocate("I2", "N1", "2026-02-05", 200);
  auto snapshot = ledger.build();

  auto report = age(*snapshot, day("2026-02-03"), AgingBuckets{}, AgingGroup::kCustomer);
  ASSERT_EQ(report->sections[0].rows.size(), 1u);
  EXPECT_EQ(report->sections[0].rows[0].key, "C2");
  EXPECT_EQ(report->sections[0].rows[0].open, 700);
  EXPECT_EQ(report->sections[0].rows[0].unapplied, 200);

  report = age(*snapshot, day("2026-02-05"), AgingBuckets{}, AgingGroup::kCustomer);
  EXPECT_EQ(report->sections[0].rows[0].open, 500);
  EXPECT_EQ(report->sections[0].rows[0].unapplied, 0);
}

TEST(AgingTest, OneSectionPerCurrencyWithoutConversion) {
  LedgerFixture ledger;
  ledger.customer("C1");
  ledger.invoice("I1", "C1", "2026-01-01", "2026-01-31", 1000, "USD");
  ledger.invoice("I2", "C1", "2026-01-01", "2026-01-31", 5000, "CNY");
  ledger.invoice("I3", "C1", "2026-01-01", "2026-01-31", 7, "JPY");
  auto report = age(*ledger.build(), day("2026-03-01"), AgingBuckets{}, AgingGroup::kCustomer);
  ASSERT_EQ(report->sections.size(), 3u);
  EXPECT_EQ(report->sections[0].currency.code_view(), "CNY");
  EXPECT_EQ(report->sections[1].currency.code_view(), "JPY");
  EXPECT_EQ(report->sections[2].currency.code_view(), "USD");
  EXPECT_EQ(report->sections[2].totals.open, 1000);
}

TEST(AgingTest, GroupsByRegionWithTotals) {
  LedgerFixture ledger;
  ledger.customer("C1", "华东");
  ledger.customer("C2", "华南");
  ledger.customer("C3", "华东");
  ledger.customer("C4");
  ledger.invoice("I1", "C1", "2026-01-01", "2026-01-31", 100);
  ledger.invoice("I2", "C2", "2026-01-01", "2026-06-30", 200);
  ledger.invoice("I3", "C3", "2026-01-01", "2026-01-31", 300);
  ledger.invoice("I4", "C4", "2026-01-01", "2026-01-31", 400);
  auto report = age(*ledger.build(), day("2026-03-01"), AgingBuckets{}, AgingGroup::kRegion);
  const auto& rows = report->sections.at(0).rows;
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].key, "(unassigned)");
  EXPECT_EQ(rows[1].key, "华东");
  EXPECT_EQ(rows[1].buckets[1], 400);  // 29 days overdue
  EXPECT_EQ(rows[2].key, "华南");
  EXPECT_EQ(rows[2].buckets[0], 200);
  EXPECT_EQ(report->sections[0].totals.open, 1000);
}

TEST(AgingTest, ManyCustomersOnSeveralThreadsGiveTheSameReportAsOne) {
  LedgerFixture ledger;
  for (int c = 0; c < 5000; ++c) {
    const std::string key = "C" + std::to_string(100000 + c);
    ledger.customer(key, c % 3 ? "North" : "South");
    ledger.invoice("I" + key, key, "2026-01-01", c % 2 ? "2026-01-31" : "2026-05-01", 1000 + c);
  }
  auto snapshot = ledger.build();
  for (auto group : {AgingGroup::kCustomer, AgingGroup::kRegion}) {
    auto one = age(*snapshot, day("2026-04-01"), AgingBuckets{}, group, 1);
    auto four = age(*snapshot, day("2026-04-01"), AgingBuckets{}, group, 4);
    ASSERT_EQ(one->sections[0].rows.size(), four->sections[0].rows.size());
    for (size_t r = 0; r < one->sections[0].rows.size(); ++r) {
      EXPECT_EQ(one->sections[0].rows[r].key, four->sections[0].rows[r].key);
      EXPECT_EQ(one->sections[0].rows[r].buckets, four->sections[0].rows[r].buckets);
    }
    EXPECT_EQ(one->sections[0].totals.buckets, four->sections[0].totals.buckets);
  }
}

TEST(AgingTest, CustomBucketsAndTheirErrors) {
  auto buckets = AgingBuckets::parse("15,45");
  ASSERT_TRUE(buckets.has_value());
  EXPECT_EQ(buckets->labels(), (std::vector<std::string>{"not_due", "1-15", "16-45", "over_45"}));
  EXPECT_NE(AgingBuckets::parse("30,20").error().message.find("ascend"), std::string::npos);
  EXPECT_NE(AgingBuckets::parse("30,x").error().message.find("'x'"), std::string::npos);
  EXPECT_FALSE(AgingBuckets::parse("0").has_value());
}

TEST(AgingTest, OverflowIsAnErrorNotAWrongTotal) {
  LedgerFixture ledger;
  ledger.customer("C1");
  ledger.invoice("I1", "C1", "2026-01-01", "2026-01-31", INT64_MAX);
  ledger.invoice("I2", "C1", "2026-01-01", "2026-01-31", INT64_MAX);
  auto report = age(*ledger.build(), day("2026-03-01"), AgingBuckets{}, AgingGroup::kCustomer);
  ASSERT_FALSE(report.has_value());
  EXPECT_NE(report.error().message.find("overflow"), std::string::npos);
}

}  // namespace
}  // namespace huikuan

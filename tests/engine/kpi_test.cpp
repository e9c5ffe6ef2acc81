// KPI formulas on hand-computed examples (../shared/external/reference/KPI_FORMULAS.md).

#include "engine/kpi.h"

#include <gtest/gtest.h>

#include "engine/ledger_fixture.h"

namespace huikuan {
namespace {

using testing::day;
using testing::LedgerFixture;

// creditguru / wizedu sample: beginning AR 6,200; credit sales 10,890 over the quarter;
// ending AR 6,340 of which 3,590 current. CEI without dividing sales by months = 79.63 %.
TEST(KpiTest, QuarterFromTheWorkedExample) {
  LedgerFixture ledger;
  ledger.customer("C1");
  ledger.invoice("A", "C1", "2025-12-01", "2025-12-31", 620000);
  ledger.payment("PA", "C1", "2026-02-01", 620000);
  ledger.allocate("A", "PA", "2026-02-01", 620000);
  ledger.invoice("B", "C1", "2026-01-10", "2026-02-09", 730000);
  ledger.payment("PB", "C1", "2026-03-01", 455000);
  ledger.allocate("B", "PB", "2026-03-01", 455000);
  ledger.invoice("C", "C1", "2026-03-15", "2026-04-14", 359000);
  auto report = compute_kpis(*ledger.build(), day("2026-01-01"), day("2026-03-31"));
  ASSERT_TRUE(report.has_value());
  const KpiRow& cny = report->currencies.at(0);
  EXPECT_EQ(cny.beginning_ar, 620000);
  EXPECT_EQ(cny.credit_sales, 1089000);
  EXPECT_EQ(cny.ar, 634000);
  EXPECT_EQ(cny.current_ar, 359000);
  EXPECT_NEAR(*cny.cei, 79.63, 0.005);
  EXPECT_NEAR(*cny.dso, 634000.0 / 1089000.0 * 90, 1e-9);  // 52.40 days
  EXPECT_NEAR(*cny.bpdso, 359000.0 / 1089000.0 * 90, 1e-9);
  EXPECT_NEAR(*cny.add, *cny.dso - *cny.bpdso, 1e-9);
  EXPECT_NEAR(*cny.overdue_rate, 275000.0 / 634000.0 * 100, 1e-9);  // 43.38 %
}

// fool.com: April, AR 18,000, credit sales 20,000, 30 days -> DSO 27. A credit note reduces
// credit sales.
TEST(KpiTest, DsoOfAMonthWithACreditNote) {
  LedgerFixture ledger;
  ledger.customer("C1");
  ledger.invoice("I1", "C1", "2026-04-01", "2026-05-01", 2100000);
  ledger.credit_note("N1", "C1", "2026-04-10", 100000);
  ledger.allocate("I1", "N1", "2026-04-10", 100000);
  ledger.payment("P1", "C1", "2026-04-20", 200000);
  ledger.allocate("I1", "P1", "2026-04-20", 200000);
  auto report = compute_kpis(*ledger.build(), day("2026-04-01"), day("2026-04-30"));
  const KpiRow& cny = report->currencies.at(0);
  EXPECT_EQ(cny.credit_sales, 2000000);
  EXPECT_EQ(cny.ar, 1800000);
  EXPECT_NEAR(*cny.dso, 27.0, 1e-9);
  EXPECT_NEAR(*cny.overdue_rate, 0.0, 1e-9);  // nothing is past due on 2026-04-30
}

TEST(KpiTest, RatiosWithAZeroDenominatorAreNull) {
  LedgerFixture ledger;
  ledger.customer("C1");
  ledger.invoice("I1", "C1", "2025-01-01", "2025-01-31", 1000, "USD");
  auto report = compute_kpis(*ledger.build(), day("2026-01-01"), day("2026-01-31"));
  const KpiRow& usd = report->currencies.at(0);
  EXPECT_EQ(usd.credit_sales, 0);
  EXPECT_FALSE(usd.dso.has_value());
  EXPECT_FALSE(usd.bpdso.has_value());
  EXPECT_FALSE(usd.add.has_value());
  ASSERT_TRUE(usd.overdue_rate.has_value());
  EXPECT_NEAR(*usd.overdue_rate, 100.0, 1e-9);
  // CEI: (1000 + 0 - 1000) / (1000 + 0 - 0) = 0 %.
  EXPECT_NEAR(*usd.cei, 0.0, 1e-9);
}

TEST(KpiTest, PeriodThatEndsBeforeItStartsIsAnError) {
  LedgerFixture ledger;
  ledger.customer("C1");
  auto report = compute_kpis(*ledger.build(), day("2026-02-01"), day("2026-01-31"));
  ASSERT_FALSE(report.has_value());
  EXPECT_EQ(report.error().field, "--to");
}

}  // namespace
}  // namespace huikuan

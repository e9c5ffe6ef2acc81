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

// A customer key that `policy` puts in `variant` (the hash decides; the test does not guess).
std::string key_in(const Policy& policy, const std::string& variant, std::string key) {
  while (policy_variant(policy, key) != variant) key += "x";
  return key;
}

// April 2026 (30 days). The champion's customer was invoiced 3,000.00 in April, paid 1,000.00
// and owes the rest, not yet due. The challenger's customer still owes 5,000.00 from February
// (1,500.00 paid in April) and 1,500.00 of an April invoice of 2,000.00 less a 500.00 credit
// note, all overdue.
TEST(KpiTest, ByVariantEachVariantHasItsOwnKpis) {
  Policy policy;
  policy.variants = {{"challenger", 50, {}, {}}};
  const std::string champion = key_in(policy, "champion", "CH");
  const std::string challenger = key_in(policy, "challenger", "CL");
  LedgerFixture ledger;
  ledger.customer(champion);
  ledger.invoice("I1", champion, "2026-04-01", "2026-05-01", 300000);
  ledger.payment("P1", champion, "2026-04-20", 100000);
  ledger.allocate("I1", "P1", "2026-04-20", 100000);
  ledger.customer(challenger);
  ledger.invoice("J1", challenger, "2026-02-01", "2026-03-03", 500000);
  ledger.invoice("J2", challenger, "2026-04-05", "2026-04-15", 200000);
  ledger.credit_note("N1", challenger, "2026-04-10", 50000);
  ledger.allocate("J2", "N1", "2026-04-10", 50000);
  ledger.payment("P2", challenger, "2026-04-25", 150000);
  ledger.allocate("J1", "P2", "2026-04-25", 150000);
  const auto snapshot = ledger.build();

  const CustomerGroups groups = variant_groups(*snapshot, policy);
  EXPECT_EQ(groups.names, (std::vector<std::string>{"champion", "challenger"}));
  auto report = compute_kpis(*snapshot, day("2026-04-01"), day("2026-04-30"), groups);
  ASSERT_TRUE(report.has_value()) << report.error().to_string();
  EXPECT_EQ(report->group_by, "variant");
  ASSERT_EQ(report->currencies.size(), 2u);

  const KpiRow& a = report->currencies[0];  // the champion first, as the policy lists them
  EXPECT_EQ(a.group, "champion");
  EXPECT_EQ(a.credit_sales, 300000);
  EXPECT_EQ(a.ar, 200000);
  EXPECT_EQ(a.current_ar, 200000);
  EXPECT_EQ(a.beginning_ar, 0);
  EXPECT_NEAR(*a.dso, 20.0, 1e-9);  // 2000 / 3000 × 30
  EXPECT_NEAR(*a.bpdso, 20.0, 1e-9);
  EXPECT_NEAR(*a.add, 0.0, 1e-9);
  EXPECT_NEAR(*a.cei, 100.0, 1e-9);  // (0 + 3000 − 2000) / (0 + 3000 − 2000)
  EXPECT_NEAR(*a.overdue_rate, 0.0, 1e-9);

  const KpiRow& b = report->currencies[1];
  EXPECT_EQ(b.group, "challenger");
  EXPECT_EQ(b.credit_sales, 150000);  // 2000 − 500
  EXPECT_EQ(b.ar, 500000);            // 3500 + 1500
  EXPECT_EQ(b.current_ar, 0);
  EXPECT_EQ(b.beginning_ar, 500000);
  EXPECT_NEAR(*b.dso, 100.0, 1e-9);  // 5000 / 1500 × 30
  EXPECT_NEAR(*b.bpdso, 0.0, 1e-9);
  EXPECT_NEAR(*b.add, 100.0, 1e-9);
  EXPECT_NEAR(*b.cei, 150000.0 / 650000.0 * 100, 1e-9);  // (5000 + 1500 − 5000) / 6500
  EXPECT_NEAR(*b.overdue_rate, 100.0, 1e-9);

  // Not grouped, the same ledger is one row holding both.
  auto total = compute_kpis(*snapshot, day("2026-04-01"), day("2026-04-30"));
  ASSERT_EQ(total->currencies.size(), 1u);
  EXPECT_EQ(total->group_by, "");
  EXPECT_EQ(total->currencies[0].group, "");
  EXPECT_EQ(total->currencies[0].credit_sales, a.credit_sales + b.credit_sales);
  EXPECT_EQ(total->currencies[0].ar, a.ar + b.ar);
}

TEST(KpiTest, ByVariantAVariantWithoutCustomersHasNoRows) {
  Policy policy;
  policy.variants = {{"nobody", 0, {}, {}}};
  LedgerFixture ledger;
  ledger.customer("C1");
  ledger.invoice("I1", "C1", "2026-04-01", "2026-05-01", 1000);
  const auto snapshot = ledger.build();
  auto report = compute_kpis(*snapshot, day("2026-04-01"), day("2026-04-30"),
                             variant_groups(*snapshot, policy));
  ASSERT_EQ(report->currencies.size(), 1u);
  EXPECT_EQ(report->currencies[0].group, "champion");
}

TEST(KpiTest, GroupsThatLeaveACustomerOutAreAnError) {
  LedgerFixture ledger;
  ledger.customer("C1");
  ledger.customer("C2");
  const auto snapshot = ledger.build();
  const CustomerGroups groups{"variant", {"champion"}, {0}};  // C2 has no group
  auto report = compute_kpis(*snapshot, day("2026-04-01"), day("2026-04-30"), groups);
  ASSERT_FALSE(report.has_value());
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

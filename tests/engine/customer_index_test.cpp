// Given a ledger, when its customers are listed through the index as of a day, then balances
// are as of that day and every page is the slice of the fully sorted and filtered list,
// whether few customers match (sorted on the spot) or many (found by walking the order).

#include "engine/customer_index.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "engine/ledger_fixture.h"

namespace huikuan {
namespace {

using testing::day;

TEST(CustomerIndexTest, GivenPartlyPaidItems_WhenIndexed_ThenOpenAndOverdueAreAsOfTheDay) {
  testing::LedgerFixture ledger;
  ledger.customer("C1");
  ledger.invoice("I1", "C1", "2026-01-01", "2026-01-31", 100'00);
  ledger.invoice("I2", "C1", "2026-03-01", "2026-03-31", 50'00);
  ledger.invoice("I3", "C1", "2026-03-01", "2026-04-30", 7'00, "USD");
  ledger.payment("P1", "C1", "2026-02-10", 40'00);
  ledger.allocate("I1", "P1", "2026-02-10", 40'00);
  const auto snapshot = ledger.build();
  const CustomerIndex index(*snapshot, day("2026-04-10"), {});
  ASSERT_EQ(index.balances(0).size(), 2u);
  const CurrencyBalance cny = index.balances(0)[0];
  EXPECT_EQ(snapshot->currencies[cny.currency].code_view(), "CNY");
  EXPECT_EQ(cny.open, 110'00);
  EXPECT_EQ(cny.overdue, 110'00);
  const CurrencyBalance usd = index.balances(0)[1];
  EXPECT_EQ(usd.open, 7'00);
  EXPECT_EQ(usd.overdue, 0);
  EXPECT_EQ(index.oldest_overdue_days(0), 69);  // I1, due 2026-01-31
}

class CustomerIndexPagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // 200 customers: every 50th with collector "rare", balances that differ and tie.
    for (int k = 0; k < 200; ++k) {
      const std::string key = fmt::format("C{:03}", k);
      Customer c;
      c.external_id = key;
      c.name = fmt::format("Name {:03}", (k * 37) % 200);
      c.collector = k % 50 == 0 ? "rare" : (k % 2 ? "odd" : "even");
      c.region = k % 3 ? "north" : "south";
      ledger_.customer(c);
      const bool overdue = k % 4 != 0;
      ledger_.invoice("I" + key, key, "2026-01-01", overdue ? "2026-02-01" : "2026-12-31",
                      1'00 * ((k * 13) % 17 + 1));
    }
    snapshot_ = ledger_.build();
    index_ = std::make_unique<CustomerIndex>(*snapshot_, day("2026-04-10"),
                                             std::map<std::string, int64_t>{});
  }

  // The page as a brute force gives it: filter all, sort all, slice.
  std::vector<uint32_t> expected(const CustomerQuery& query) const {
    const Snapshot& s = *snapshot_;
    std::vector<uint32_t> all;
    for (uint32_t c = 0; c < s.customer_count(); ++c) {
      if (query.collector && s.customer_collector[c] != *query.collector) continue;
      if (query.scope && std::find(query.scope->begin(), query.scope->end(),
                                   s.customer_collector[c]) == query.scope->end()) {
        continue;
      }
      if (query.overdue_only && index_->oldest_overdue_days(c) == 0) continue;
      if (!query.text.empty() && s.customer_name[c].find(query.text) == std::string::npos &&
          s.customer_key[c].find(query.text) == std::string::npos) {
        continue;
      }
      all.push_back(c);
    }
    auto open = [&](uint32_t c) {
      return index_->balances(c).empty() ? 0 : index_->balances(c)[0].open;
    };
    auto overdue = [&](uint32_t c) {
      return index_->balances(c).empty() ? 0 : index_->balances(c)[0].overdue;
    };
    std::stable_sort(all.begin(), all.end(), [&](uint32_t a, uint32_t b) {
      switch (query.sort) {
        case CustomerSort::kOpenDesc:
          return open(a) > open(b);
        case CustomerSort::kOverdueDesc:
          return overdue(a) > overdue(b);
        case CustomerSort::kName:
          return s.customer_name[a] < s.customer_name[b];
        case CustomerSort::kId:
          break;
      }
      return a < b;
    });
    std::vector<uint32_t> page;
    for (size_t k = query.offset; k < all.size() && k < query.offset + query.limit; ++k) {
      page.push_back(all[k]);
    }
    return page;
  }

  testing::LedgerFixture ledger_;
  std::shared_ptr<const Snapshot> snapshot_;
  std::unique_ptr<CustomerIndex> index_;
};

TEST_F(CustomerIndexPagesTest, GivenAnyFilterAndOrder_WhenPaged_ThenPagesAreSlicesOfTheFullList) {
  const uint32_t rare = *snapshot_->collectors.find("rare");
  const uint32_t odd = *snapshot_->collectors.find("odd");
  for (CustomerSort sort : {CustomerSort::kOpenDesc, CustomerSort::kOverdueDesc,
                            CustomerSort::kName, CustomerSort::kId}) {
    std::vector<CustomerQuery> queries(6);
    queries[1].collector = rare;                          // 4 of 200: sorted on the spot
    queries[2].scope = std::vector<uint32_t>{odd, rare};  // many: the order is walked
    queries[3].overdue_only = true;
    queries[4].text = "Name 1";
    queries[5].scope = std::vector<uint32_t>{};  // nobody
    for (size_t q = 0; q < queries.size(); ++q) {
      for (auto [offset, limit] : {std::pair<size_t, size_t>{0, 50}, {3, 7}, {190, 50}}) {
        CustomerQuery query = queries[q];
        query.sort = sort;
        query.offset = offset;
        query.limit = limit;
        const CustomerPage page = index_->find(*snapshot_, query);
        EXPECT_EQ(page.customers, expected(query))
            << "query " << q << " sort " << static_cast<int>(sort) << " offset " << offset;
        query.offset = 0;
        query.limit = 500;
        EXPECT_EQ(page.total, expected(query).size()) << "query " << q;
      }
    }
  }
}

}  // namespace
}  // namespace huikuan

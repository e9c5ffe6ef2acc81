// Given a ledger with promises and disputes, when the worklist is built on a date, then these
// customers, in this order, for these reasons.

#include "engine/worklist.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "engine/ledger_fixture.h"
#include "io/policy_toml.h"

namespace huikuan {
namespace {

using testing::day;
using testing::LedgerFixture;

Customer customer(const std::string& key, const std::string& collector = "李娜") {
  Customer c;
  c.external_id = key;
  c.name = "Name of " + key;
  c.collector = collector;
  c.importance = "low";
  c.credit_grade = "A";
  c.customer_type = "general";
  return c;
}

const WorklistItem* find(const std::vector<WorklistItem>& items, const std::string& key) {
  for (const auto& item : items) {
    if (item.customer_id == key) return &item;
  }
  return nullptr;
}

std::string factor(const WorklistItem& item, const std::string& name) {
  for (const auto& [key, value] : item.factors) {
    if (key == name) return value;
  }
  return "<missing>";
}

class WorklistTest : public ::testing::Test {
 protected:
  std::vector<WorklistItem> build(const char* as_of,
                                  const std::optional<std::string>& collector = {}) {
    snapshot_ = ledger_.build();
    for (auto& [key, amount] : disputes_) {
      for (size_t i = 0; i < snapshot_->invoice_count(); ++i) {
        if (snapshot_->invoice_id[i] == ledger_.id_of(key))
          state_.disputed[static_cast<uint32_t>(i)] = amount;
      }
    }
    for (auto& promise : promises_) {
      promise.customer =
          static_cast<uint32_t>(*snapshot_->customer_index(promise_customers_.front()));
      promise_customers_.erase(promise_customers_.begin());
      state_.promises.push_back(promise);
    }
    auto items = build_worklist(*snapshot_, state_, policy_, day(as_of), collector);
    EXPECT_TRUE(items.has_value());
    return *items;
  }
  void promise(const std::string& key, int64_t amount, const char* date, const char* created) {
    promise_customers_.push_back(key);
    promises_.push_back({static_cast<int64_t>(promises_.size() + 1), 0, testing::currency("CNY"),
                         amount, day(date), day(created)});
  }

  LedgerFixture ledger_;
  Policy policy_ = default_policy();
  std::shared_ptr<const Snapshot> snapshot_;
  CollectionState state_;
  std::vector<std::pair<std::string, int64_t>> disputes_;
  std::vector<CollectionState::OpenPromise> promises_;
  std::vector<std::string> promise_customers_;
};

TEST_F(WorklistTest, DisputedAmountsAreNotCollectibleAndTheGradeFollowsTheOldestCollectibleItem) {
  ledger_.customer(customer("C1"));
  ledger_.invoice("I-old", "C1", "2026-01-01", "2026-02-01", 100000);  // 149 days overdue
  ledger_.invoice("I-new", "C1", "2026-05-01", "2026-06-10", 50000);   // 20 days overdue
  disputes_ = {{"I-old", 100000}};
  const auto items = build("2026-06-30");
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].collectible_amount, 50000);
  EXPECT_EQ(items[0].max_days_overdue, 20);
  EXPECT_EQ(items[0].overdue_grade, "mild");
  EXPECT_EQ(factor(items[0], "disputed_excluded"), "1000.00");
}

TEST_F(WorklistTest, AFullyDisputedCustomerHasNothingToCollect) {
  ledger_.customer(customer("C1"));
  ledger_.invoice("I1", "C1", "2026-01-01", "2026-02-01", 100000);
  disputes_ = {{"I1", 100000}};
  EXPECT_TRUE(build("2026-06-30").empty());
}

TEST_F(WorklistTest, AnActivePromiseSuspendsItsAmountUntilDatePlusGrace) {
  ledger_.customer(customer("C1"));
  ledger_.invoice("I1", "C1", "2026-05-01", "2026-05-31", 100000);
  promise("C1", 60000, "2026-07-05", "2026-06-25");
  const auto items = build("2026-07-08");  // 2026-07-05 + 3 days grace: still active
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].collectible_amount, 40000);
  EXPECT_FALSE(items[0].broken_promise);
}

TEST_F(WorklistTest, AnUnpaidPromisePastItsGraceIsBrokenAndComesFirst) {
  ledger_.customer(customer("BIG"));
  ledger_.invoice("I-big", "BIG", "2026-05-01", "2026-05-31", 900000000);
  ledger_.customer(customer("C1"));
  ledger_.invoice("I1", "C1", "2026-05-01", "2026-05-31", 100000);
  promise("C1", 60000, "2026-07-05", "2026-06-25");
  const auto items = build("2026-07-09");  // one day past the grace
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].customer_id, "C1");
  EXPECT_TRUE(items[0].broken_promise);
  EXPECT_TRUE(items[0].urgent);
  EXPECT_EQ(items[0].collectible_amount, 100000);
  EXPECT_GT(items[1].priority, items[0].priority);  // BIG is worth more, but C1 broke its word
}

TEST_F(WorklistTest, APromisePaidOnTimeIsNotBroken) {
  ledger_.customer(customer("C1"));
  ledger_.invoice("I1", "C1", "2026-05-01", "2026-05-31", 100000);
  ledger_.payment("P1", "C1", "2026-07-04", 60000);
  ledger_.allocate("I1", "P1", "2026-07-04", 60000);
  promise("C1", 60000, "2026-07-05", "2026-06-25");
  const auto items = build("2026-07-20");
  ASSERT_EQ(items.size(), 1u);
  EXPECT_FALSE(items[0].broken_promise);
  EXPECT_EQ(items[0].collectible_amount, 40000);
}

TEST_F(WorklistTest, APromiseIsOpenUntilItsGraceEndsThenKeptOnlyIfThatMuchWasPaid) {
  ledger_.customer(customer("PAID"));
  ledger_.invoice("I1", "PAID", "2026-05-01", "2026-05-31", 100000);
  ledger_.payment("P1", "PAID", "2026-07-04", 60000);
  ledger_.allocate("I1", "P1", "2026-07-04", 60000);
  ledger_.customer(customer("SHORT"));
  ledger_.invoice("I2", "SHORT", "2026-05-01", "2026-05-31", 100000);
  ledger_.payment("P2", "SHORT", "2026-07-04", 59999);
  ledger_.allocate("I2", "P2", "2026-07-04", 59999);
  snapshot_ = ledger_.build();
  auto made = [&](const char* key) {
    return CollectionState::OpenPromise{1,
                                        static_cast<uint32_t>(*snapshot_->customer_index(key)),
                                        testing::currency("CNY"),
                                        60000,
                                        day("2026-07-05"),
                                        day("2026-06-25")};
  };
  const int32_t grace = policy_.promise_grace_days;  // 3
  EXPECT_EQ(promise_outcome(*snapshot_, made("PAID"), grace, day("2026-07-08").days()),
            PromiseStatus::kOpen);
  EXPECT_EQ(promise_outcome(*snapshot_, made("PAID"), grace, day("2026-07-09").days()),
            PromiseStatus::kKept);
  EXPECT_EQ(promise_outcome(*snapshot_, made("SHORT"), grace, day("2026-07-09").days()),
            PromiseStatus::kBroken);  // one cent short
}

TEST_F(WorklistTest, ValueOfTheCaseOrdersTheListAndExplainsItself) {
  ledger_.customer(customer("SMALL-NEW"));
  ledger_.invoice("I1", "SMALL-NEW", "2026-06-01", "2026-06-20", 100000);  // 10 days
  ledger_.customer(customer("BIG-OLD"));
  ledger_.invoice("I2", "BIG-OLD", "2025-01-01", "2025-02-01", 10000000);  // 514 days
  ledger_.customer(customer("MID"));
  ledger_.invoice("I3", "MID", "2026-04-01", "2026-05-01", 2000000);  // 60 days
  const auto items = build("2026-06-30");
  ASSERT_EQ(items.size(), 3u);
  // 20000 × 0.70 − 50 = 13950; 100000 × 0.05 − 50 = 4950; 1000 × 0.90 − 50 = 850.
  EXPECT_EQ(items[0].customer_id, "MID");
  EXPECT_DOUBLE_EQ(items[0].priority, 13950.0);
  EXPECT_EQ(items[0].abc_class, "A");
  EXPECT_EQ(items[1].customer_id, "BIG-OLD");
  EXPECT_EQ(items[1].overdue_grade, "critical");
  EXPECT_EQ(items[1].abc_class, "C");
  EXPECT_EQ(items[1].next_action, "legal_review");
  EXPECT_EQ(items[2].customer_id, "SMALL-NEW");
  EXPECT_EQ(factor(items[2], "recovery_likelihood"), "0.90");
  EXPECT_EQ(items[2].abc_class, "B");        // MID alone makes up 80 % of what is not class C
  EXPECT_EQ(items[2].next_action, "email");  // between letter windows: class B's first channel
}

RecoveryBand& band_for(Policy& policy, int32_t days_overdue) {
  auto& bands = policy.priority.recovery;
  return *std::find_if(bands.begin(), bands.end(),
                       [&](const RecoveryBand& band) { return band.days.contains(days_overdue); });
}

TEST_F(WorklistTest, ThePolicysPriorityModelDecidesTheOrderAndTheValue) {
  ledger_.customer(customer("OLD"));
  ledger_.invoice("I1", "OLD", "2025-10-01", "2025-12-12", 10000000);  // 200 days, 100000.00
  ledger_.customer(customer("NEW"));
  ledger_.invoice("I2", "NEW", "2026-06-01", "2026-06-20", 2000000);  // 10 days, 20000.00

  // Shipped model: 20000 × 0.90 − 50 = 17950 before 100000 × 0.15 − 50 = 14950.
  auto items = build("2026-06-30");
  const auto rebuilt = [&] {
    return *build_worklist(*snapshot_, state_, policy_, day("2026-06-30"));
  };
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].customer_id, "NEW");
  EXPECT_DOUBLE_EQ(items[0].priority, 17950.0);
  EXPECT_DOUBLE_EQ(items[1].priority, 14950.0);

  // A manager who expects more back from 181–365 days overdue: 100000 × 0.30 − 50 = 29950.
  band_for(policy_, 200).likelihood = 0.30;
  items = rebuilt();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].customer_id, "OLD");
  EXPECT_DOUBLE_EQ(items[0].priority, 29950.0);
  EXPECT_EQ(factor(items[0], "recovery_likelihood"), "0.30");

  // A dearer contact lowers every overdue case's value by the difference.
  policy_.priority.contact_cost = 100'000;  // 1000.00 CNY
  items = rebuilt();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_DOUBLE_EQ(items[0].priority, 29000.0);
  EXPECT_DOUBLE_EQ(items[1].priority, 17000.0);
  EXPECT_EQ(factor(items[1], "contact_cost"), "1000.00");
}

TEST_F(WorklistTest, LettersFollowThePolicyWindows) {
  struct Case {
    const char* due;
    const char* action;
  };
  // As of 2026-06-30; letters at 3–7, 15–20, 30–45, 60+ days (lawyer letter from 60).
  const Case cases[] = {{"2026-06-25", "letter_1"},
                        {"2026-06-12", "letter_2"},
                        {"2026-05-25", "letter_3"},
                        {"2026-04-20", "lawyer_letter"}};
  // A customer on the champion's letter schedule (a challenger variant has its own).
  std::string key = "C1";
  while (policy_variant(default_policy(), key) != kChampion) key += "x";
  for (const auto& c : cases) {
    LedgerFixture fresh;
    ledger_ = std::move(fresh);
    state_ = {};
    ledger_.customer(customer(key));
    ledger_.invoice("I1", key, "2026-01-01", c.due, 100000);
    const auto items = build("2026-06-30");
    ASSERT_EQ(items.size(), 1u) << c.due;
    EXPECT_EQ(items[0].next_action, c.action) << c.due;
  }
}

TEST_F(WorklistTest, InvoicesDueWithinAWeekAreListedForAReminderAndLaterOnesAreNot) {
  ledger_.customer(customer("SOON"));
  ledger_.invoice("I1", "SOON", "2026-06-01", "2026-07-05", 100000);
  ledger_.customer(customer("LATER"));
  ledger_.invoice("I2", "LATER", "2026-06-01", "2026-07-20", 100000);
  const auto items = build("2026-06-30");
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].customer_id, "SOON");
  EXPECT_EQ(items[0].next_action, "reminder");
  EXPECT_EQ(items[0].stage, "identification");
  EXPECT_EQ(items[0].overdue_grade, "");
}

TEST_F(WorklistTest, BlacklistedGoToLegalReviewAndDoNotContactGetsNoOutboundAction) {
  Customer black = customer("BLACK");
  black.blacklisted = true;
  Customer quiet = customer("QUIET");
  quiet.do_not_contact = true;
  ledger_.customer(black);
  ledger_.customer(quiet);
  ledger_.invoice("I1", "BLACK", "2026-06-01", "2026-06-20", 100000);
  ledger_.invoice("I2", "QUIET", "2026-06-01", "2026-06-20", 100000);
  const auto items = build("2026-06-30");
  EXPECT_EQ(find(items, "BLACK")->next_action, "legal_review");
  EXPECT_EQ(find(items, "QUIET")->next_action, "internal_alert");
}

TEST_F(WorklistTest, ACollectorSeesOnlyTheirCustomers) {
  ledger_.customer(customer("C1", "李娜"));
  ledger_.customer(customer("C2", "王伟"));
  ledger_.invoice("I1", "C1", "2026-06-01", "2026-06-20", 100000);
  ledger_.invoice("I2", "C2", "2026-06-01", "2026-06-20", 100000);
  const auto items = build("2026-06-30", std::string("王伟"));
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].customer_id, "C2");
}

}  // namespace
}  // namespace huikuan

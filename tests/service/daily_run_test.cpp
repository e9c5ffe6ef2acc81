// The daily run over simulated days: same date twice gives the same plan, letters follow each
// other and never repeat, disputes and promises hold dunning back, broken promises escalate,
// and contact respects the customer's profile.

#include "service/daily_run.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "core/business_calendar.h"
#include "io/policy_toml.h"
#include "service/import_fixture.h"
#include "service/importer.h"
#include "test_db.h"

namespace huikuan {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;
using testing::write_file;

// Customers whose ids hash to the champion's letter schedule (see policy_variant).
std::string champion(std::string key) {
  while (policy_variant(default_policy(), key) != kChampion) key += "x";
  return key;
}

class DailyRunTest : public ::testing::Test {
 protected:
  void import(const std::string& customers, const std::string& invoices) {
    write_file(dir_ / "ledger" / "customers.csv", customers);
    write_file(dir_ / "ledger" / "invoices.csv", invoices);
    store_ = std::move(*Store::open(huikuan::testing::test_db(dir_)));
    ImportOptions options;
    options.dir = (dir_ / "ledger").string();
    auto imported = import_ledger(*store_, options);
    ASSERT_TRUE(imported.has_value()) << imported.error().errors.front().to_string();
  }
  RunSummary run(const char* day) {
    auto summary = run_daily(*store_, "", default_policy(), *Date::parse(day), actor(day));
    EXPECT_TRUE(summary.has_value()) << summary.error().to_string();
    return summary.value_or(RunSummary{});
  }
  Actor actor(const char* day) {
    return {"run", *Timestamp::parse(std::string(day) + "T06:00:00+08:00")};
  }
  std::vector<Action> actions(std::optional<const char*> day = {}) {
    std::vector<Action> out;
    store_->read_actions(std::nullopt, true, [&](const Action& a) {
      if (!day || a.planned_for.to_string() == *day) out.push_back(a);
    });
    return out;
  }
  static std::string describe(const Action& a) {
    return fmt::format("{} {} {} {} {} {} {}", a.customer_id, action_kind_name(a.kind), a.level,
                       a.channel, a.scheduled_at, a.amount, a.rule);
  }

  // I1: 1000.00 due 2026-05-01, under a plan agreed on 2026-05-10 of two installments of
  // 500.00 on 2026-06-01 and 2026-07-01.
  void agree_two_installments() {
    import("customer_id,name,currency\n" + c1_ + ",Acme,CNY\n",
           "invoice_id,customer_id,invoice_date,due_date,currency,amount\nI1," + c1_ +
               ",2026-04-01,2026-05-01,CNY,1000.00\n");
    ASSERT_TRUE(record_plan(*store_,
                            {c1_, {"I1"}, {{"2026-06-01", "500.00"}, {"2026-07-01", "500.00"}}, ""},
                            actor("2026-05-10")));
  }
  // Imports a payment of `amount` on `date`, allocated to I1 (the import keeps the rest).
  void pay_i1(const char* date, const char* amount) {
    write_file(dir_ / "ledger" / "payments.csv",
               fmt::format("payment_id,customer_id,payment_date,currency,amount\nP1,{},{},CNY,{}\n",
                           c1_, date, amount));
    write_file(dir_ / "ledger" / "allocations.csv",
               fmt::format("invoice_id,payment_id,amount,date\nI1,P1,{},{}\n", amount, date));
    ImportOptions options;
    options.dir = (dir_ / "ledger").string();
    auto imported = import_ledger(*store_, options);
    ASSERT_TRUE(imported.has_value()) << imported.error().errors.front().to_string();
  }

  TempDir dir_{"run"};
  std::unique_ptr<Store> store_;
  const std::string c1_ = champion("C1");
};

TEST_F(DailyRunTest, GivenTheSameDateTwice_ThenTheSamePlan) {
  import("customer_id,name,currency,country,timezone\n" + c1_ + ",Acme,CNY,CN,Asia/Shanghai\n",
         "invoice_id,customer_id,invoice_date,due_date,currency,amount\n"
         "I1," +
             c1_ + ",2026-05-01,2026-06-01,CNY,1000.00\n");
  run("2026-06-05");
  std::vector<std::string> first;
  for (const auto& a : actions("2026-06-05")) first.push_back(describe(a));
  run("2026-06-05");
  std::vector<std::string> second;
  for (const auto& a : actions("2026-06-05")) second.push_back(describe(a));
  EXPECT_FALSE(first.empty());
  EXPECT_EQ(first, second);
}

// The run plans parts of the worklist at once (one per core, 10,000 cases or more each): every
// customer, in whichever part, gets the plan its case calls for, and the actions are stored
// customer by customer in the order of the ledger.
TEST_F(DailyRunTest, GivenMoreCasesThanOnePlanningPart_ThenEveryCustomerGetsTheSamePlanInOrder) {
  constexpr int kCustomers = 25'000;
  // Grade C puts every case in class C: classes A and B split by share of the balance.
  std::string customers = "customer_id,name,currency,country,timezone,credit_grade\n";
  std::string invoices = "invoice_id,customer_id,invoice_date,due_date,currency,amount\n";
  std::vector<std::string> keys;
  for (int k = 0; k < kCustomers; ++k) {
    keys.push_back(champion(fmt::format("C{:05}", k)));
    customers += keys.back() + ",Acme,CNY,CN,Asia/Shanghai,C\n";
    invoices += fmt::format("I{},{},2026-04-01,2026-05-01,CNY,1000.00\n", k, keys.back());
  }
  import(customers, invoices);
  run("2026-06-05");
  std::map<std::string, std::vector<std::string>> plans;  // customer -> its actions, stored order
  std::vector<std::string> order;
  for (const Action& a : actions("2026-06-05")) {
    if (order.empty() || order.back() != a.customer_id) order.push_back(a.customer_id);
    plans[a.customer_id].push_back(fmt::format("{} {} {} {} {}", action_kind_name(a.kind), a.level,
                                               a.scheduled_at, a.amount, a.rule));
  }
  ASSERT_EQ(plans.size(), keys.size()) << "every customer has a plan";
  EXPECT_EQ(order, keys) << "each customer's actions together, in ledger order";
  for (const auto& [customer, plan] : plans) {
    ASSERT_EQ(plan, plans.at(keys.front())) << customer;
  }
}

TEST_F(DailyRunTest, GivenAPaymentBeforeARerun_ThenOnlyThatCustomersActionsAreReplaced) {
  const std::string c2 = champion("C2");
  import("customer_id,name,currency\n" + c1_ + ",Acme,CNY\n" + c2 + ",Beta,CNY\n",
         "invoice_id,customer_id,invoice_date,due_date,currency,amount\n"
         "I1," +
             c1_ +
             ",2026-05-01,2026-06-01,CNY,1000.00\n"
             "I2," +
             c2 + ",2026-05-01,2026-06-01,CNY,1000.00\n");
  run("2026-06-05");
  std::vector<int64_t> c2_ids;
  int64_t last_id = 0;
  size_t planned = 0;
  for (const auto& a : actions("2026-06-05")) {
    if (a.customer_id == c2) c2_ids.push_back(a.id);
    last_id = std::max(last_id, a.id);
    ++planned;
  }
  write_file(dir_ / "ledger" / "payments.csv",
             "payment_id,customer_id,payment_date,currency,amount\nP1," + c1_ +
                 ",2026-06-04,CNY,400.00\n");
  write_file(dir_ / "ledger" / "allocations.csv",
             "invoice_id,payment_id,amount,date\nI1,P1,400.00,2026-06-04\n");
  ImportOptions options;
  options.dir = (dir_ / "ledger").string();
  ASSERT_TRUE(import_ledger(*store_, options).has_value());
  run("2026-06-05");
  std::vector<int64_t> c2_again;
  size_t c1_actions = 0;
  for (const auto& a : actions("2026-06-05")) {
    if (a.customer_id == c2) c2_again.push_back(a.id);
    if (a.customer_id != c1_) continue;
    ++c1_actions;
    EXPECT_GT(a.id, last_id) << describe(a);
    EXPECT_EQ(a.amount, 60000) << describe(a);
  }
  EXPECT_FALSE(c2_ids.empty());
  EXPECT_GT(c1_actions, 0u);
  EXPECT_EQ(c2_again, c2_ids);  // unchanged: kept, ids and all
  EXPECT_EQ(c1_actions + c2_ids.size(), planned);
}

TEST_F(DailyRunTest, GivenThirtyDays_ThenEachLetterOnceInOrderAndCallsOnWorkingDaysInTheWindow) {
  import("customer_id,name,currency,country,timezone\n" + c1_ + ",华信,CNY,CN,Asia/Shanghai\n",
         "invoice_id,customer_id,invoice_date,due_date,currency,amount\n"
         "I1," +
             c1_ + ",2026-04-01,2026-05-01,CNY,1000.00\n");
  Date day = *Date::parse("2026-05-02");
  for (int d = 0; d < 50; ++d, day = day + 1) run(day.to_string().c_str());
  std::vector<int32_t> letters;
  for (const auto& a : actions()) {
    if (a.kind == ActionKind::kLetter || a.kind == ActionKind::kLawyerLetter) {
      letters.push_back(a.level);
      const int32_t days = a.planned_for - *Date::parse("2026-05-01");
      // Policy windows: 3-7, 15-20, 30-45, 60+.
      const std::pair<int, int> window[] = {{3, 7}, {15, 20}, {30, 45}, {60, 9999}};
      EXPECT_GE(days, window[a.level - 1].first) << describe(a);
      EXPECT_LE(days, window[a.level - 1].second) << describe(a);
    }
    if (a.kind == ActionKind::kCall) {
      auto at = *Timestamp::parse(a.scheduled_at);
      EXPECT_EQ(at.offset_minutes, 480) << describe(a);
      const int64_t minute = ((at.utc_seconds + 8 * 3600) % 86400) / 60;
      EXPECT_GE(minute, 8 * 60) << describe(a);
      EXPECT_LT(minute, 22 * 60) << describe(a);
      EXPECT_TRUE(BusinessCalendar::china().is_working_day(at.local_date())) << describe(a);
    }
  }
  EXPECT_EQ(letters, (std::vector<int32_t>{1, 2, 3}));  // 50 days: the lawyer letter comes at 60
}

TEST_F(DailyRunTest, GivenADisputedInvoice_ThenNoLetterForItButForTheOthers) {
  import("customer_id,name,currency\n" + c1_ + ",Acme,CNY\n",
         "invoice_id,customer_id,invoice_date,due_date,currency,amount\n"
         "I1," +
             c1_ +
             ",2026-05-01,2026-06-01,CNY,1000.00\n"
             "I2," +
             c1_ + ",2026-05-01,2026-06-01,CNY,500.00\n");
  ASSERT_TRUE(
      open_dispute(*store_, {"I1", "1000.00", "quality_problem", ""}, 48, actor("2026-06-02")));
  run("2026-06-05");
  bool lettered = false;
  for (const auto& a : actions("2026-06-05")) {
    if (a.kind != ActionKind::kLetter) continue;
    lettered = true;
    EXPECT_EQ(a.invoice_ids, (std::vector<std::string>{"I2"}));
    EXPECT_EQ(a.amount, 50000);
  }
  EXPECT_TRUE(lettered);
}

TEST_F(DailyRunTest, GivenAPromiseUnpaidPastItsGrace_ThenMarkedBrokenOnceAndEscalated) {
  import("customer_id,name,currency\n" + c1_ + ",Acme,CNY\n",
         "invoice_id,customer_id,invoice_date,due_date,currency,amount\n"
         "I1," +
             c1_ + ",2026-05-01,2026-06-01,CNY,1000.00\n");
  ASSERT_TRUE(record_promise(*store_, {c1_, "1000.00", std::nullopt, "2026-06-10", {}},
                             actor("2026-06-05")));
  EXPECT_EQ(run("2026-06-13").broken_promises, 0u);  // 10th + 3 days grace
  for (const auto& a : actions("2026-06-13")) {
    EXPECT_NE(a.kind, ActionKind::kCall) << "dunning is suspended while the promise stands";
  }
  const int64_t collections = store_->collection_version();
  EXPECT_EQ(run("2026-06-14").broken_promises, 1u);
  EXPECT_GT(store_->collection_version(), collections)
      << "other server instances would keep the promise on their worklists";
  bool escalated = false;
  for (const auto& a : actions("2026-06-14")) escalated |= a.template_name == "promise_broken";
  EXPECT_TRUE(escalated);
  std::vector<Promise> promises;
  store_->read_promises([&](const Promise& p) { promises.push_back(p); });
  EXPECT_EQ(promises.at(0).status, PromiseStatus::kBroken);
  EXPECT_EQ(run("2026-06-15").broken_promises, 0u);
}

TEST_F(DailyRunTest, GivenDoNotContactAndBlacklisted_ThenNoOutboundContactAtAll) {
  const std::string quiet = champion("QUIET");
  const std::string black = champion("BLACK");
  import("customer_id,name,currency,do_not_contact,blacklisted\n" + quiet + ",Q,CNY,true,false\n" +
             black + ",B,CNY,false,true\n",
         "invoice_id,customer_id,invoice_date,due_date,currency,amount\n"
         "I1," +
             quiet +
             ",2026-05-01,2026-06-01,CNY,1000.00\n"
             "I2," +
             black + ",2026-05-01,2026-06-01,CNY,1000.00\n");
  for (const char* day : {"2026-06-05", "2026-06-08", "2026-06-20"}) run(day);
  size_t alerts = 0, reviews = 0;
  for (const auto& a : actions()) {
    EXPECT_EQ(a.channel, "internal") << describe(a);
    alerts += a.kind == ActionKind::kInternalAlert;
    reviews += a.kind == ActionKind::kLegalReview;
  }
  EXPECT_EQ(alerts, 1u);   // raised once for the do-not-contact customer
  EXPECT_EQ(reviews, 1u);  // the blacklisted one goes to legal review once
}

TEST_F(DailyRunTest, GivenAnInvoiceDueInAWeek_ThenAGentleReminderThenOneOnTheDueDate) {
  import("customer_id,name,currency\n" + c1_ + ",Acme,CNY\n",
         "invoice_id,customer_id,invoice_date,due_date,currency,amount\n"
         "I1," +
             c1_ + ",2026-06-01,2026-06-30,CNY,1000.00\n");
  Date day = *Date::parse("2026-06-20");
  for (int d = 0; d < 11; ++d, day = day + 1) run(day.to_string().c_str());
  std::vector<std::string> reminders;
  for (const auto& a : actions()) {
    if (a.kind == ActionKind::kReminder)
      reminders.push_back(a.planned_for.to_string() + " " + a.template_name);
  }
  EXPECT_EQ(reminders,
            (std::vector<std::string>{"2026-06-23 reminder_gentle", "2026-06-30 reminder_due"}));
}

TEST_F(DailyRunTest, GivenAUsCustomer_ThenCallsAreScheduledInNewYorkHours) {
  const std::string us = champion("US1");
  import("customer_id,name,currency,country,timezone\n" + us + ",Acme,USD,US,America/New_York\n",
         "invoice_id,customer_id,invoice_date,due_date,currency,amount\n"
         "I1," +
             us + ",2026-05-01,2026-06-01,USD,1000.00\n");
  run("2026-06-05");
  bool called = false;
  for (const auto& a : actions()) {
    if (a.kind != ActionKind::kCall) continue;
    called = true;
    EXPECT_EQ(a.scheduled_at, "2026-06-05T09:30:00-04:00");
  }
  EXPECT_TRUE(called);
}

TEST_F(DailyRunTest, GivenAWorkedAction_WhenClosedTwice_ThenTheSecondIsRefused) {
  import("customer_id,name,currency\n" + c1_ + ",Acme,CNY\n",
         "invoice_id,customer_id,invoice_date,due_date,currency,amount\n"
         "I1," +
             c1_ + ",2026-05-01,2026-06-01,CNY,1000.00\n");
  run("2026-06-05");
  const int64_t id = actions("2026-06-05").at(0).id;
  ASSERT_TRUE(close_action(*store_, id, ActionStatus::kDone, "reached", actor("2026-06-05")));
  auto again = close_action(*store_, id, ActionStatus::kSkipped, "", actor("2026-06-05"));
  ASSERT_FALSE(again.has_value());
  EXPECT_THAT(again.error().message, HasSubstr("already done"));
  run("2026-06-05");  // re-running keeps the worked action and does not plan it again
  size_t same = 0;
  for (const auto& a : actions("2026-06-05")) same += a.id == id;
  EXPECT_EQ(same, 1u);
}

TEST_F(DailyRunTest, GivenAPaymentPlan_ThenItsInstallmentsReplaceTheDueDateUntilOneIsLate) {
  agree_two_installments();
  Date day = *Date::parse("2026-05-11");
  for (; day < *Date::parse("2026-06-02"); day = day + 1) run(day.to_string().c_str());
  // The first installment is paid on its date; the second is not.
  pay_i1("2026-06-01", "500.00");
  for (; day < *Date::parse("2026-07-06"); day = day + 1) run(day.to_string().c_str());

  std::vector<std::string> seen;
  for (const auto& a : actions()) {
    seen.push_back(fmt::format("{} {}{} {}", a.planned_for.to_string(), action_kind_name(a.kind),
                               a.level ? std::to_string(a.level) : "", a.amount));
  }
  EXPECT_EQ(seen, (std::vector<std::string>{
                      // Before the plan's dates nothing is overdue: reminders only.
                      "2026-05-25 reminder 50000",  // 7 days before the first installment
                      "2026-06-01 reminder 50000",  // due today
                      "2026-06-24 reminder 50000",
                      "2026-07-01 reminder 50000",
                      // The second installment late: a call the next day as for any invoice,
                      "2026-07-02 call 50000",
                      // the letter for 3 days overdue…
                      "2026-07-04 letter1 50000",
                      // …and past the 3-day grace the plan is broken: the invoice is 65 days
                      // overdue on its own date again, and the collector is alerted.
                      "2026-07-05 internal_alert 50000",
                      "2026-07-05 lawyer_letter4 50000",
                      "2026-07-05 call 50000",
                  }));
  std::vector<PaymentPlan> plans;
  store_->read_plans([&](const PaymentPlan& p) { plans.push_back(p); });
  EXPECT_EQ(plans.at(0).status, PlanStatus::kBroken);
}

TEST_F(DailyRunTest, GivenAPaymentPlanPaidInFull_ThenTheRunClosesItAsCompleted) {
  agree_two_installments();
  pay_i1("2026-05-20", "1000.00");
  run("2026-05-19");
  std::vector<PaymentPlan> plans;
  store_->read_plans([&](const PaymentPlan& p) { plans.push_back(p); });
  EXPECT_EQ(plans.at(0).status, PlanStatus::kOpen);
  run("2026-05-21");
  plans.clear();
  store_->read_plans([&](const PaymentPlan& p) { plans.push_back(p); });
  EXPECT_EQ(plans.at(0).status, PlanStatus::kCompleted);
  EXPECT_TRUE(actions("2026-05-21").empty());
}

}  // namespace
}  // namespace huikuan

// Sixty days of collection on a generated ledger: run every day, work the actions, let the
// ledger's payments arrive as the days pass (everything is aged as of the run date), and check
// that no invariant of the policy and the law is ever broken.

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "core/business_calendar.h"
#include "io/ledger_generator.h"
#include "io/policy_toml.h"
#include "service/daily_run.h"
#include "service/import_fixture.h"
#include "service/importer.h"
#include "test_db.h"

namespace huikuan {
namespace {

using testing::TempDir;

TEST(SimulationTest, GivenSixtyDaysOfRuns_ThenNoInvariantIsEverBroken) {
  TempDir dir("simulation");
  GeneratorOptions generated;
  generated.customers = 150;
  generated.seed = 7;
  ASSERT_TRUE(generate_ledger(generated, (dir / "ledger").string()).has_value());
  auto store = std::move(*Store::open(huikuan::testing::test_db(dir)));
  ImportOptions options;
  options.dir = (dir / "ledger").string();
  ASSERT_TRUE(import_ledger(*store, options).has_value());

  // Flags and profiles that the invariants below must hold for.
  std::map<std::string, Customer> customers;
  store->read_customers([&](const Customer& c) { customers[c.external_id] = c; });

  const Policy& policy = default_policy();
  std::map<std::pair<std::string, int32_t>, int> letters;  // (invoice, level) -> count
  std::map<std::string, int32_t> highest_letter;           // invoice -> level
  std::map<std::string, std::vector<int64_t>> calls;       // customer -> call instants
  Date day = *Date::parse("2026-05-02");
  for (int d = 0; d < 60; ++d, day = day + 1) {
    const Actor actor{"simulation", Timestamp::at(int64_t{day.days()} * 86400)};
    auto summary = run_daily(*store, "", policy, day, actor);
    ASSERT_TRUE(summary.has_value()) << summary.error().to_string();
    if (d % 20 == 0) {  // the same date again gives the same plan
      auto again = run_daily(*store, "", policy, day, actor);
      ASSERT_TRUE(again.has_value());
      EXPECT_EQ(again->actions, summary->actions) << day.to_string();
    }
    std::vector<Action> today;
    store->read_actions(day + 1, false, [&](const Action& a) {
      if (a.planned_for == day) today.push_back(a);
    });
    for (const Action& a : today) {
      const Customer& customer = customers.at(a.customer_id);
      const std::string what = fmt::format("{} {} on {}: {}", a.customer_id,
                                           action_kind_name(a.kind), day.to_string(), a.rule);
      if (customer.do_not_contact || customer.blacklisted) {
        EXPECT_EQ(a.channel, "internal") << what;
      }
      EXPECT_GE(a.amount, 0) << what;
      auto at = Timestamp::parse(a.scheduled_at);
      ASSERT_TRUE(at.has_value()) << what;
      EXPECT_GE(at->local_date(), day) << what;
      if (a.channel != "internal") {
        const int64_t minute = ((at->utc_seconds + int64_t{at->offset_minutes} * 60) % 86400) / 60;
        const bool us = customer.country == "US";
        EXPECT_GE(minute, 8 * 60) << what;
        EXPECT_LT(minute, (us ? 21 : 22) * 60) << what;
        if (customer.country == "CN" || customer.country.empty()) {
          EXPECT_TRUE(BusinessCalendar::china().is_working_day(at->local_date())) << what;
        }
      }
      const auto status = a.id % 2 ? ActionStatus::kDone : ActionStatus::kSkipped;
      if (a.kind == ActionKind::kCall && status == ActionStatus::kDone) {
        calls[a.customer_id].push_back(at->utc_seconds);  // a skipped call was never made
      }
      if (a.kind == ActionKind::kLetter || a.kind == ActionKind::kLawyerLetter) {
        for (int64_t invoice : a.invoice_keys) {
          const std::string key = std::to_string(invoice);
          const int sent = ++letters[std::pair{key, a.level}];
          EXPECT_EQ(sent, 1) << "letter sent twice: " << what;
          EXPECT_GT(a.level, highest_letter[key]) << "letter went backwards: " << what;
          highest_letter[key] = a.level;
        }
      }
      // Collectors work what was planned: half done, half skipped.
      ASSERT_TRUE(close_action(*store, a.id, status, "worked", actor).has_value());
    }
  }
  // Call caps: at most 3 a day in China, at most 7 in any 7 days in the US.
  for (auto& [customer, instants] : calls) {
    std::sort(instants.begin(), instants.end());
    const bool us = customers.at(customer).country == "US";
    for (size_t k = 0; k < instants.size(); ++k) {
      size_t in_week = 0;
      for (size_t j = 0; j <= k; ++j) in_week += instants[k] - instants[j] < 7 * 86400;
      if (us) {
        EXPECT_LE(in_week, 7u) << customer;
      }
    }
    std::map<int64_t, int> per_day;
    for (int64_t t : instants) ++per_day[(t + 8 * 3600) / 86400];
    for (auto& [d, n] : per_day) {
      if (!us) {
        EXPECT_LE(n, 3) << customer;
      }
    }
  }
  EXPECT_FALSE(letters.empty());
  EXPECT_FALSE(calls.empty());
}

}  // namespace
}  // namespace huikuan

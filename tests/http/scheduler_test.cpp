// Given the server's schedule, when the configured time of day has come, then the day's
// collection run happens once for that date; and a ledger changed outside the server is
// reloaded at the next refresh.

#include "http/scheduler.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "app/cli_run.h"
#include "http/api_fixture.h"
#include "service/importer.h"

namespace huikuan {
namespace {

using namespace std::chrono_literals;

size_t planned_actions(Store& store) {
  size_t count = 0;
  store.read_actions(std::nullopt, false, [&](const Action&) { ++count; });
  return count;
}

//! Polls `done` for up to 20 s.
bool eventually(const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return done();
}

TEST(SchedulerTest, GivenTheRunTimeHasCome_WhenTheScheduleTicks_ThenTheDayIsRunOnce) {
  testing::ApiServer server;
  server.set_now(*Timestamp::parse("2026-06-30T05:59:00+08:00"));
  http::ServerConfig config;
  config.daily_run_at = "06:00";
  config.snapshot_refresh = std::chrono::seconds(1);
  http::Metrics metrics;
  http::Scheduler scheduler(server.api(), config, metrics);

  std::this_thread::sleep_for(2500ms);  // two ticks before 06:00
  EXPECT_EQ(planned_actions(server.store()), 0u) << "nothing runs before its time";

  server.set_now(*Timestamp::parse("2026-06-30T06:00:00+08:00"));
  ASSERT_TRUE(eventually([&] { return planned_actions(server.store()) > 0; }));
  EXPECT_GT(metrics.daily_run_seconds().Value(), 0.0);
  const size_t planned = planned_actions(server.store());
  std::this_thread::sleep_for(2500ms);  // later ticks of the same day run nothing more
  EXPECT_EQ(planned_actions(server.store()), planned);
}

TEST(SchedulerTest, GivenALedgerImportedByTheCli_WhenTheRefreshComes_ThenTheServerServesIt) {
  testing::ApiServer server;
  http::ServerConfig config;
  config.daily_run_at = "";
  config.snapshot_refresh = std::chrono::seconds(1);
  http::Metrics metrics;
  http::Scheduler scheduler(server.api(), config, metrics);

  const auto before = server.api().snapshot.get();
  // The first customer renamed by an import beside the server, as `huikuan import` would.
  std::string customers = testing::read_whole_file(server.dir() / "ledger" / "customers.csv");
  const size_t row = customers.find('\n') + 1;
  const size_t name = customers.find(',', row) + 1;
  customers.replace(name, customers.find(',', name) - name, "Renamed Trading Ltd");
  testing::write_file(server.dir() / "renamed" / "customers.csv", customers);
  ImportOptions import;
  import.dir = (server.dir() / "renamed").string();
  ASSERT_TRUE(import_ledger(server.store(), import));
  ASSERT_TRUE(eventually([&] { return server.api().snapshot.get() != before; }));
  const auto& names = server.api().snapshot.get()->customer_name;
  EXPECT_NE(std::find(names.begin(), names.end(), "Renamed Trading Ltd"), names.end());
}

}  // namespace
}  // namespace huikuan

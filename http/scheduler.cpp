#include "http/scheduler.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "http/admin_routes.h"

namespace huikuan::http {

Scheduler::Scheduler(ApiContext& api, const ServerConfig& config, Metrics& metrics)
    : api_(api), metrics_(metrics), refresh_every_(config.snapshot_refresh) {
  if (!config.daily_run_at.empty()) {
    if (auto minutes = parse_time_of_day(config.daily_run_at)) run_at_minutes_ = *minutes;
  }
  thread_ = std::thread([this] { loop(); });
}

Scheduler::~Scheduler() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void Scheduler::loop() {
  // Check the run at least every 30 s so it starts close to its time.
  const auto tick = std::min<std::chrono::seconds>(refresh_every_, std::chrono::seconds(30));
  auto next_refresh = std::chrono::steady_clock::now() + refresh_every_;
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, tick, [this] { return stopping_; })) {
    lock.unlock();
    run_if_due();
    if (std::chrono::steady_clock::now() >= next_refresh) {
      next_refresh = std::chrono::steady_clock::now() + refresh_every_;
      if (auto refreshed = try_refresh_snapshot(api_); refreshed && !*refreshed) {
        spdlog::error("snapshot refresh failed: {}", refreshed->error().to_string());
      }
    }
    lock.lock();
  }
}

void Scheduler::run_if_due() {
  if (!run_at_minutes_ || !api_.snapshot.get()) return;
  const Timestamp now = api_.clock();
  const Date today = now.local_date();
  const int64_t local_seconds = now.utc_seconds + int64_t{now.offset_minutes} * 60;
  const int64_t minute_of_day = (local_seconds % 86'400 + 86'400) % 86'400 / 60;
  if (last_run_ == today || minute_of_day < *run_at_minutes_) return;
  const auto started = std::chrono::steady_clock::now();
  auto summary = try_daily_run(api_, today, Actor{"scheduler", now}, true);
  if (!summary) return;  // an import or a run on demand is busy: try again at the next tick
  last_run_ = today;
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  if (!*summary && summary->error().field == kAlreadyRun) {
    spdlog::info("daily run {}: another instance ran it", today.to_string());
    return;
  }
  if (!*summary) {
    spdlog::error("daily run {} failed: {}", today.to_string(), summary->error().to_string());
    return;
  }
  metrics_.daily_run_seconds().Set(took.count());
  spdlog::info("daily run {}: {} cases in {:.1f} s", today.to_string(), (*summary)->cases,
               took.count());
}

}  // namespace huikuan::http

#pragma once
// The server's own schedule: the day's collection run at the configured local time, and a
// periodic check for a ledger changed outside the server (an import with the CLI).

#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "core/date.h"
#include "http/api.h"
#include "http/metrics.h"
#include "http/server_config.h"

namespace huikuan::http {

class Scheduler {
 public:
  //! Starts the schedule's thread; `api` and `metrics` must outlive the scheduler.
  Scheduler(ApiContext& api, const ServerConfig& config, Metrics& metrics);
  //! Stops the thread, letting a job in progress finish.
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

 private:
  void loop();
  void run_if_due();

  ApiContext& api_;
  Metrics& metrics_;
  std::optional<int> run_at_minutes_;  //!< minutes after local midnight
  std::chrono::seconds refresh_every_;
  std::optional<Date> last_run_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace huikuan::http

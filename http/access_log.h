#pragma once
// The access log: one JSON object per answered request, one per line, written by a background
// thread so that a slow disk never holds up a connection.

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"

namespace spdlog {
class logger;
namespace details {
class thread_pool;
}
}  // namespace spdlog

namespace huikuan::http {

struct AccessEntry {
  std::chrono::system_clock::time_point time;  //!< when the request's first byte arrived
  std::string_view request_id;
  std::string_view method;
  std::string_view path;  //!< percent-encoded path only: query strings may carry personal data
  unsigned status = 0;
  size_t bytes = 0;  //!< response body bytes
  double duration_ms = 0;
  std::string_view remote;
};

class AccessLog {
 public:
  //! `target`: "-" for standard error, "off" for no log, otherwise a file appended to.
  static Result<std::unique_ptr<AccessLog>> open(const std::string& target);
  ~AccessLog();
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  //! Queues one line: {"time","request_id","method","path","status","bytes","duration_ms",
  //! "remote"}. Thread-safe.
  void write(const AccessEntry& entry);
  //! Asks for the queued lines to be written out; destruction writes all of them.
  void flush();

 private:
  AccessLog() = default;
  std::shared_ptr<spdlog::details::thread_pool> pool_;
  std::shared_ptr<spdlog::logger> logger_;  // null when the log is off
};

//! "2026-06-30T08:15:02.123Z".
std::string iso_utc_millis(std::chrono::system_clock::time_point time);

}  // namespace huikuan::http

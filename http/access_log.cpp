#include "http/access_log.h"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/async.h>
#include <spdlog/async_logger.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <cmath>
#include <ctime>
#include <nlohmann/json.hpp>

namespace huikuan::http {
namespace {

constexpr size_t kQueuedLines = 8192;

}  // namespace

Result<std::unique_ptr<AccessLog>> AccessLog::open(const std::string& target) {
  std::unique_ptr<AccessLog> log(new AccessLog());
  if (target == "off") return log;
  spdlog::sink_ptr sink;
  try {
    if (target == "-") {
      sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    } else {
      sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(target);
    }
  } catch (const spdlog::spdlog_ex& e) {
    return fail(fmt::format("cannot open the access log '{}': {}", target, e.what()), "access_log");
  }
  sink->set_pattern("%v");
  log->pool_ = std::make_shared<spdlog::details::thread_pool>(kQueuedLines, 1);
  // Blocking when the queue is full: losing access lines is worse than a brief stall.
  log->logger_ = std::make_shared<spdlog::async_logger>("access", std::move(sink), log->pool_,
                                                        spdlog::async_overflow_policy::block);
  // Each line reaches the file at once (on the log's own thread), so `tail -f` works.
  log->logger_->flush_on(spdlog::level::info);
  return log;
}

AccessLog::~AccessLog() = default;

void AccessLog::write(const AccessEntry& entry) {
  if (!logger_) return;
  const nlohmann::ordered_json line{{"time", iso_utc_millis(entry.time)},
                                    {"request_id", entry.request_id},
                                    {"method", entry.method},
                                    {"path", entry.path},
                                    {"status", entry.status},
                                    {"bytes", entry.bytes},
                                    {"duration_ms", std::round(entry.duration_ms * 1000) / 1000},
                                    {"remote", entry.remote}};
  logger_->info(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void AccessLog::flush() {
  if (logger_) logger_->flush();
}

std::string iso_utc_millis(std::chrono::system_clock::time_point time) {
  const auto seconds = std::chrono::floor<std::chrono::seconds>(time);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(time - seconds);
  const std::time_t whole = std::chrono::system_clock::to_time_t(seconds);
  std::tm utc{};
  gmtime_r(&whole, &utc);
  return fmt::format("{:%FT%T}.{:03}Z", utc, millis.count());
}

}  // namespace huikuan::http

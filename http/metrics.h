#pragma once
// The server's Prometheus metrics: HTTP request counts and latencies per route pattern, plus
// the gauges other parts of the server feed (daily run, outbox). Text exposition at /metrics.

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <string>
#include <string_view>

#include "http/message.h"

namespace huikuan::http {

//! Thread-safe: every method may be called from any thread. Metrics created through it live
//! as long as it does; references returned stay valid.
class Metrics {
 public:
  Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  //! A counter (`name` should end in "_total"); the same name and labels give the same counter.
  prometheus::Counter& counter(const std::string& name, const std::string& help,
                               const prometheus::Labels& labels = {});
  //! A gauge; the same name and labels give the same gauge.
  prometheus::Gauge& gauge(const std::string& name, const std::string& help,
                           const prometheus::Labels& labels = {});
  //! A histogram with `buckets` (upper bounds, ascending) in the metric's unit.
  prometheus::Histogram& histogram(const std::string& name, const std::string& help,
                                   const prometheus::Histogram::BucketBoundaries& buckets,
                                   const prometheus::Labels& labels = {});

  //! Counts one answered request and its latency. `route` is the matched pattern (bounded
  //! cardinality), never the raw path.
  void record_request(Verb method, std::string_view route, unsigned status, double seconds);

  prometheus::Gauge& open_connections() { return open_connections_; }
  //! Seconds the last daily run took (fed by the scheduled run).
  prometheus::Gauge& daily_run_seconds() { return daily_run_seconds_; }
  //! Messages waiting in the notification outbox (fed by the outbox sender).
  prometheus::Gauge& outbox_depth() { return outbox_depth_; }

  //! Everything, in the Prometheus text exposition format 0.0.4.
  std::string text() const;

 private:
  prometheus::Registry registry_;
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& latency_;
  prometheus::Gauge& open_connections_;
  prometheus::Gauge& daily_run_seconds_;
  prometheus::Gauge& outbox_depth_;
};

}  // namespace huikuan::http

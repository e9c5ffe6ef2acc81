#include "http/metrics.h"

#include <prometheus/text_serializer.h>

namespace huikuan::http {
namespace {

// From 0.5 ms (a health check) to 10 s (a full report on a million customers).
const prometheus::Histogram::BucketBoundaries kLatencyBuckets{
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

}  // namespace

Metrics::Metrics()
    : requests_(prometheus::BuildCounter()
                    .Name("huikuan_http_requests_total")
                    .Help("HTTP requests answered, by method, route pattern and status")
                    .Register(registry_)),
      latency_(prometheus::BuildHistogram()
                   .Name("huikuan_http_request_duration_seconds")
                   .Help("Time from a request's first byte to its response written, by route")
                   .Register(registry_)),
      open_connections_(gauge("huikuan_http_open_connections", "Client connections open now")),
      daily_run_seconds_(
          gauge("huikuan_daily_run_duration_seconds", "Duration of the last daily run")),
      outbox_depth_(gauge("huikuan_outbox_depth", "Notifications waiting in the outbox")) {}

prometheus::Counter& Metrics::counter(const std::string& name, const std::string& help,
                                      const prometheus::Labels& labels) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(registry_).Add(labels);
}

prometheus::Gauge& Metrics::gauge(const std::string& name, const std::string& help,
                                  const prometheus::Labels& labels) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(registry_).Add(labels);
}

prometheus::Histogram& Metrics::histogram(const std::string& name, const std::string& help,
                                          const prometheus::Histogram::BucketBoundaries& buckets,
                                          const prometheus::Labels& labels) {
  return prometheus::BuildHistogram().Name(name).Help(help).Register(registry_).Add(labels,
                                                                                    buckets);
}

void Metrics::record_request(Verb method, std::string_view route, unsigned status, double seconds) {
  const std::string route_label(route);
  requests_
      .Add({{"method", std::string(to_string(method))},
            {"route", route_label},
            {"status", std::to_string(status)}})
      .Increment();
  latency_.Add({{"route", route_label}}, kLatencyBuckets).Observe(seconds);
}

std::string Metrics::text() const {
  return prometheus::TextSerializer().Serialize(registry_.Collect());
}

}  // namespace huikuan::http

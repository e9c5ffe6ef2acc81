#pragma once
// Routes for operators and load balancers: /healthz, /readyz, /metrics. All public.

#include <functional>

#include "http/metrics.h"
#include "http/router.h"

namespace huikuan::http {

//! GET /healthz: 200 while the process serves. GET /readyz: 200 when `ready()` says so, 503
//! before. GET /metrics: `metrics` in the Prometheus text format.
void add_system_routes(Router& router, const Metrics& metrics, std::function<bool()> ready);

}  // namespace huikuan::http

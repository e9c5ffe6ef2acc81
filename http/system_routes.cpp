#include "http/system_routes.h"

namespace huikuan::http {

void add_system_routes(Router& router, const Metrics& metrics, std::function<bool()> ready) {
  router.add({Verb::get, "/healthz",
              [](const Request&) { return Response::json(R"({"status":"ok"})"); },
              Permission::kPublic, Work::kInline});
  router.add({Verb::get, "/readyz",
              [ready = std::move(ready)](const Request&) {
                if (ready()) return Response::json(R"({"status":"ready"})");
                return Response::error(Status::service_unavailable, "not_ready",
                                       "the ledger is still loading");
              },
              Permission::kPublic, Work::kInline});
  router.add({Verb::get, "/metrics",
              [&metrics](const Request&) {
                return Response::text(metrics.text(), "text/plain; version=0.0.4; charset=utf-8");
              },
              Permission::kPublic, Work::kBlocking});
}

}  // namespace huikuan::http

#include "http/api_routes.h"

#include "http/admin_routes.h"
#include "http/case_routes.h"
#include "http/ledger_routes.h"
#include "http/message_routes.h"
#include "http/report_routes.h"
#include "http/session_routes.h"

extern const unsigned char openapi_json[];
extern const std::size_t openapi_json_size;

namespace huikuan::http {

std::string_view openapi_document() {
  return {reinterpret_cast<const char*>(openapi_json), openapi_json_size};
}

void add_api_routes(Router& router, ApiContext& api) {
  router.set_authorizer(make_authorizer(api));
  router.add({Verb::get, "/api/v1/openapi.json",
              [](const Request&) { return Response::json(std::string(openapi_document())); },
              Permission::kPublic, Work::kInline});
  add_session_routes(router, api);
  add_report_routes(router, api.snapshot);
  add_kpi_report_route(router, api.snapshot, api.policy);
  add_promise_report_route(router, api);
  add_ledger_routes(router, api);
  add_admin_routes(router, api);
  add_case_routes(router, api);
  add_message_routes(router, api);
}

}  // namespace huikuan::http

#include "http/api_routes.h"

#include "http/report_routes.h"
#include "http/session_routes.h"

namespace huikuan::http {

void add_api_routes(Router& router, ApiContext& api) {
  router.set_authorizer(make_authorizer(api));
  add_session_routes(router, api);
  add_report_routes(router, api.snapshot);
}

}  // namespace huikuan::http

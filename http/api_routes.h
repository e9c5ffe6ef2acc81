#pragma once
// The whole REST API under /api/v1: every route group, and the authorizer that guards them.

#include <string_view>

#include "http/api.h"
#include "http/router.h"

namespace huikuan::http {

//! The OpenAPI 3 document of the API (http/openapi.json), served at /api/v1/openapi.json.
std::string_view openapi_document();

//! Adds every /api/v1 route and installs the authorizer (session cookie or API token, then the
//! role's permission for the route; authorization.h).
void add_api_routes(Router& router, ApiContext& api);

}  // namespace huikuan::http

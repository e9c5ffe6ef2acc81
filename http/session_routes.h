#pragma once
// Signing in and out, and the check every non-public request passes (issue 4): a session cookie
// (with X-CSRF-Token on changes) or an API token, then the role's permission for the route.

#include <optional>
#include <string_view>

#include "http/api.h"
#include "http/router.h"

namespace huikuan::http {

//! The session cookie's name.
inline constexpr std::string_view kSessionCookie = "huikuan_session";

//! The router's authorizer: 401 without valid credentials, 403 when a cookie-authenticated
//! change lacks the session's CSRF token or the role lacks the route's permission.
Authorizer make_authorizer(ApiContext& api);

//! POST /api/v1/session (sign in), GET (who am I, and the CSRF token), DELETE (sign out).
void add_session_routes(Router& router, ApiContext& api);

//! The value of cookie `name` in a Cookie header, if present.
std::optional<std::string_view> cookie_value(std::string_view header, std::string_view name);

}  // namespace huikuan::http

#include "http/session_routes.h"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <nlohmann/json.hpp>

namespace huikuan::http {
namespace {

std::string_view header(const Request& request, std::string_view name) {
  const auto it = request.headers.find(name);
  return it == request.headers.end() ? std::string_view() : std::string_view(it->value());
}

bool is_change(Verb method) {
  return method != Verb::get && method != Verb::head && method != Verb::options;
}

bool equal_secrets(std::string_view a, std::string_view b) {
  return a.size() == b.size() && !a.empty() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

Response unauthenticated(std::string_view message) {
  Response response = Response::error(Status::unauthorized, "unauthenticated", message);
  response.headers.emplace_back("WWW-Authenticate", R"(Bearer realm="huikuan")");
  return response;
}

// The user with the permissions their role holds (the web app shows what they may use).
nlohmann::ordered_json user_json(const User& user) {
  nlohmann::ordered_json permissions = nlohmann::ordered_json::array();
  for (Permission permission : kPermissions) {
    if (permission != Permission::kPublic && role_allows(user.role, permission)) {
      permissions.push_back(permission_name(permission));
    }
  }
  return {{"username", user.username},
          {"role", role_name(user.role)},
          {"collector_id", user.collector_id},
          {"team", user.team},
          {"permissions", std::move(permissions)}};
}

std::string session_cookie(const ApiContext& api, const Request& request, std::string_view token,
                           int64_t max_age) {
  const bool secure = api.secure_cookies || header(request, "X-Forwarded-Proto") == "https";
  return fmt::format("{}={}; Path=/; Max-Age={}; HttpOnly; SameSite=Strict{}", kSessionCookie,
                     token, max_age, secure ? "; Secure" : "");
}

Response sign_in(ApiContext& api, const Request& request) {
  auto body = json_body(request);
  if (!body) return body.error();
  auto username = string_field(*body, "username");
  if (!username) return username.error();
  auto password = string_field(*body, "password");
  if (!password) return password.error();
  auto store = api.stores.lease();
  if (!store) return unavailable(store.error());

  const Actor attempt{"", api.clock(), "", request.request_id};
  auto signed_in = login(**store, *username, *password, attempt, api.identity);
  if (!signed_in) {
    const LoginError& error = signed_in.error();
    if (error.reason == LoginFailure::kLocked) {
      Response response = Response::error(Status::too_many_requests, "locked",
                                          "too many failed sign-ins; try again later", "username");
      const int64_t wait =
          error.retry_after
              ? std::max<int64_t>(error.retry_after->utc_seconds - attempt.now.utc_seconds, 1)
              : api.identity.lockout_seconds;
      response.headers.emplace_back("Retry-After", std::to_string(wait));
      return response;
    }
    return unauthenticated(error.message);
  }
  nlohmann::ordered_json answer{{"user", user_json(signed_in->user)},
                                {"csrf_token", signed_in->csrf_token},
                                {"expires_at", signed_in->session.expires_at.to_string()}};
  Response response = Response::json(answer.dump());
  response.headers.emplace_back(
      "Set-Cookie",
      session_cookie(api, request, signed_in->token,
                     signed_in->session.expires_at.utc_seconds - attempt.now.utc_seconds));
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

Response who_am_i(const Request& request) {
  const Principal& principal = principal_of(request);
  nlohmann::ordered_json answer{
      {"user", user_json(principal.user)}, {"csrf_token", nullptr}, {"expires_at", nullptr}};
  if (principal.session) {
    answer["csrf_token"] = principal.session->csrf_token;
    answer["expires_at"] = principal.session->expires_at.to_string();
  }
  Response response = Response::json(answer.dump());
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

Response sign_out(ApiContext& api, const Request& request) {
  const auto token = cookie_value(header(request, "Cookie"), kSessionCookie);
  if (!principal_of(request).session || !token) {
    return Response::error(Status::bad_request, "bad_request",
                           "signed in with an API token, not a session; revoke the token instead");
  }
  auto store = api.stores.lease();
  if (!store) return unavailable(store.error());
  auto done = logout(**store, *token, actor_of(api, request));
  if (!done) return invalid(done.error());
  Response response = Response::json(R"({"status":"signed_out"})");
  response.headers.emplace_back("Set-Cookie", session_cookie(api, request, "", 0));
  return response;
}

}  // namespace

std::optional<std::string_view> cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const size_t end = std::min(header.find(';'), header.size());
    std::string_view pair = header.substr(0, end);
    header.remove_prefix(std::min(end + 1, header.size()));
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    const size_t equals = pair.find('=');
    if (equals != std::string_view::npos && pair.substr(0, equals) == name) {
      return pair.substr(equals + 1);
    }
  }
  return std::nullopt;
}

Authorizer make_authorizer(ApiContext& api) {
  return [&api](Request& request, const Route& route) -> std::optional<Response> {
    auto store = api.stores.lease();
    if (!store) return unavailable(store.error());
    std::optional<Principal> principal;
    if (const auto authorization = header(request, "Authorization"); !authorization.empty()) {
      constexpr std::string_view kBearer = "Bearer ";
      if (!authorization.starts_with(kBearer)) {
        return unauthenticated("the Authorization header must be 'Bearer <API token>'");
      }
      principal = authenticate_bearer(**store, authorization.substr(kBearer.size()));
      if (!principal) return unauthenticated("the API token is unknown or revoked");
    } else if (auto token = cookie_value(header(request, "Cookie"), kSessionCookie)) {
      principal = authenticate_session(**store, *token, api.clock(), api.identity);
      if (!principal) return unauthenticated("the session has ended; sign in again");
      if (is_change(request.method) &&
          !equal_secrets(header(request, "X-CSRF-Token"), principal->session->csrf_token)) {
        return Response::error(Status::forbidden, "csrf",
                               "a change made with the session cookie must send the session's "
                               "X-CSRF-Token header");
      }
    } else {
      return unauthenticated("sign in (POST /api/v1/session) or send an API token");
    }
    if (!role_allows(principal->user.role, route.permission)) {
      return Response::error(
          Status::forbidden, "forbidden",
          fmt::format("role {} does not have {}", role_name(principal->user.role),
                      permission_name(route.permission)));
    }
    request.principal = std::make_shared<const Principal>(std::move(*principal));
    return std::nullopt;
  };
}

void add_session_routes(Router& router, ApiContext& api) {
  router.add({Verb::post, "/api/v1/session",
              [&api](const Request& request) { return sign_in(api, request); }, Permission::kPublic,
              Work::kBlocking});
  router.add({Verb::get, "/api/v1/session", who_am_i, Permission::kSignedIn, Work::kBlocking});
  router.add({Verb::delete_, "/api/v1/session",
              [&api](const Request& request) { return sign_out(api, request); },
              Permission::kSignedIn, Work::kBlocking});
}

}  // namespace huikuan::http

#include "http/router.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/url/pct_string_view.hpp>
#include <stdexcept>

namespace huikuan::http {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  if (path.empty() || path.front() != '/') return parts;
  path.remove_prefix(1);
  for (size_t slash; (slash = path.find('/')) != std::string_view::npos;) {
    parts.push_back(path.substr(0, slash));
    path.remove_prefix(slash + 1);
  }
  parts.push_back(path);
  return parts;
}

}  // namespace

void Router::add(Route route) {
  if (route.pattern.empty() || route.pattern.front() != '/') {
    throw std::invalid_argument(fmt::format("route pattern '{}' must start with /", route.pattern));
  }
  std::vector<Segment> segments;
  for (std::string_view part : split_path(route.pattern)) {
    const bool is_param = part.size() > 2 && part.front() == '{' && part.back() == '}';
    if (!is_param && part.find_first_of("{}") != std::string_view::npos) {
      throw std::invalid_argument(fmt::format("route pattern '{}': bad segment", route.pattern));
    }
    segments.push_back({std::string(is_param ? part.substr(1, part.size() - 2) : part), is_param});
  }
  for (const Route& existing : routes_) {
    if (existing.method == route.method && existing.pattern == route.pattern) {
      throw std::invalid_argument(fmt::format("route {} {} added twice",
                                              std::string(to_string(route.method)), route.pattern));
    }
  }
  routes_.push_back(std::move(route));
  patterns_.push_back(std::move(segments));
}

Router::Match Router::match(Verb method, std::string_view path) const {
  Match result = match_route(method, path);
  if (!result.route && result.allowed.empty() && fallback_ && method == Verb::get &&
      path != "/api" && !path.starts_with("/api/")) {
    result.route = &*fallback_;
  }
  return result;
}

Router::Match Router::match_route(Verb method, std::string_view path) const {
  Match result;
  std::vector<std::string> segments;
  for (std::string_view part : split_path(path)) {
    auto decoded = boost::urls::make_pct_string_view(part);
    if (!decoded) return result;
    segments.push_back(decoded->decode());
  }
  if (segments.empty()) return result;

  for (size_t r = 0; r < routes_.size(); ++r) {
    const auto& pattern = patterns_[r];
    if (pattern.size() != segments.size()) continue;
    Params params;
    bool matches = true;
    for (size_t i = 0; i < pattern.size() && matches; ++i) {
      if (pattern[i].is_param) {
        matches = !segments[i].empty();
        params.emplace_back(pattern[i].text, segments[i]);
      } else {
        matches = pattern[i].text == segments[i];
      }
    }
    if (!matches) continue;
    if (routes_[r].method == method) {
      result.route = &routes_[r];
      result.params = std::move(params);
      result.allowed.clear();
      return result;
    }
    result.allowed.push_back(routes_[r].method);
  }
  return result;
}

Response Router::invoke(const Route& route, Request request) const {
  try {
    if (route.permission != Permission::kPublic && authorizer_) {
      if (auto refusal = authorizer_(request, route)) return std::move(*refusal);
    }
    return route.handler(request);
  } catch (const std::exception& e) {
    spdlog::error("request {} {} {}: handler failed: {}", request.request_id,
                  std::string(to_string(request.method)), route.pattern, e.what());
  } catch (...) {
    spdlog::error("request {} {} {}: handler failed with a non-standard exception",
                  request.request_id, std::string(to_string(request.method)), route.pattern);
  }
  return Response::error(Status::internal_server_error, "internal",
                         fmt::format("internal error; request id {}", request.request_id));
}

Response Router::no_route(const Match& match) {
  if (match.allowed.empty()) {
    return Response::error(Status::not_found, "not_found", "no such resource");
  }
  std::string allow;
  for (Verb verb : match.allowed) {
    if (!allow.empty()) allow += ", ";
    allow += std::string(to_string(verb));
  }
  Response response = Response::error(Status::method_not_allowed, "method_not_allowed",
                                      fmt::format("this resource allows {}", allow));
  response.headers.emplace_back("Allow", std::move(allow));
  return response;
}

}  // namespace huikuan::http

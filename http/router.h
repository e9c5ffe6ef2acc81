#pragma once
// The route table: method + path pattern → handler. One table for the whole API, so what each
// endpoint requires can be audited in one place.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/authorization.h"
#include "http/message.h"

namespace huikuan::http {

using Handler = std::function<Response(const Request&)>;

//! Where a handler runs: kInline on the connection's I/O thread (only for work of a few
//! microseconds), kBlocking on the worker pool (computation, database), so slow handlers never
//! hold up reading and writing other connections.
enum class Work { kInline, kBlocking };

struct Route {
  Verb method = Verb::get;
  std::string pattern;  //!< "/api/v1/customers/{id}": literal and {name} segments
  Handler handler;
  //! What the caller must hold (authorization.h); the router's authorizer checks it for every
  //! route but kPublic ones.
  Permission permission = Permission::kSignedIn;
  Work work = Work::kBlocking;
};

//! Decides whether a request may reach a non-public route: nullopt to let it through (having
//! set request.principal), or the response to answer instead (401, 403…).
using Authorizer = std::function<std::optional<Response>(Request&, const Route&)>;

class Router {
 public:
  //! Adds a route; throws std::invalid_argument on a malformed pattern or a duplicate
  //! method + pattern (a programming error, found at start-up).
  void add(Route route);
  //! The route for a GET of any path outside /api/ that no other route matches: the web app.
  void set_fallback(Route route) { fallback_ = std::move(route); }
  //! Installs the check run before every non-public route's handler.
  void set_authorizer(Authorizer authorizer) { authorizer_ = std::move(authorizer); }

  struct Match {
    const Route* route = nullptr;  //!< null: no route for this method and path
    Params params;                 //!< {name} → percent-decoded segment
    std::vector<Verb> allowed;     //!< when null: the methods the path does have (405)
  };
  //! Finds the route for `method` and the percent-encoded `path` (no query string).
  Match match(Verb method, std::string_view path) const;

  //! Runs the route's authorizer and handler. Never throws: a handler's exception becomes a
  //! 500 in the API error shape, and is logged with the request id.
  Response invoke(const Route& route, Request request) const;

  //! Answer for a failed match: 404, or 405 with the Allow header.
  static Response no_route(const Match& match);

  const std::vector<Route>& routes() const { return routes_; }

 private:
  struct Segment {
    std::string text;  //!< literal text, or the parameter name
    bool is_param = false;
  };
  Match match_route(Verb method, std::string_view path) const;

  std::vector<Route> routes_;
  std::vector<std::vector<Segment>> patterns_;  // parallel to routes_
  Authorizer authorizer_;
  std::optional<Route> fallback_;
};

}  // namespace huikuan::http

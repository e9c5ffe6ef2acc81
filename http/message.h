#pragma once
// What a route handler sees and returns: a parsed request and a response, independent of the
// connection they travel on.

#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/verb.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace huikuan {
struct Principal;  // service/identity.h
}

namespace huikuan::http {

using Status = boost::beast::http::status;
using Verb = boost::beast::http::verb;
using Fields = boost::beast::http::fields;
using Params = std::vector<std::pair<std::string, std::string>>;

struct Request {
  Verb method = Verb::get;
  std::string path;    //!< percent-decoded path, without the query string
  Params query;        //!< percent-decoded query parameters, in request order
  Fields headers;      //!< as received
  std::string body;    //!< at most ServerConfig::max_body_bytes
  Params path_params;  //!< values of the route pattern's {name} segments
  std::string request_id;
  std::string remote;  //!< "address:port" of the client
  //! Who is signed in: set by the authorizer before a non-public route's handler runs.
  std::shared_ptr<const Principal> principal;

  //! The first query parameter called `name`, or nullopt.
  std::optional<std::string_view> query_param(std::string_view name) const;
  //! The value of the route's {name} segment ("" if the route has none of that name).
  std::string_view path_param(std::string_view name) const;
};

struct Response {
  Status status = Status::ok;
  std::string content_type = "application/json";
  std::string body;
  Params headers;  //!< extra headers (Allow, Cache-Control…)

  //! A 200 (or `status`) response with a JSON body.
  static Response json(std::string body, Status status = Status::ok);
  //! A plain-text response with `content_type`.
  static Response text(std::string body, std::string content_type, Status status = Status::ok);
  //! The API error shape {"error": {"code", "message", "field"}}; `field` null when empty.
  static Response error(Status status, std::string_view code, std::string_view message,
                        std::string_view field = {});
};

//! A fresh random request id: 16 lowercase hex digits.
std::string new_request_id();

//! `candidate` if it is a usable client-supplied request id (1–64 of [A-Za-z0-9._-]), else a
//! fresh one, so ids from a proxy carry through the logs without letting clients inject text.
std::string request_id_from(std::string_view candidate);

}  // namespace huikuan::http

#include "http/connection.h"

#include <fmt/format.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/url/parse.hpp>

namespace huikuan::http {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// Bytes asked for by the first read of a request; the parser reads on from there.
constexpr size_t kFirstRead = 4096;
// How long a closing connection keeps reading (and discarding) what the client still sends,
// so that the client sees our error response rather than a connection reset.
constexpr std::chrono::seconds kLinger{2};

std::string remote_of(const tcp::socket& socket) {
  beast::error_code error;
  const tcp::endpoint endpoint = socket.remote_endpoint(error);
  if (error) return "-";
  const auto address = endpoint.address();
  return address.is_v6() ? fmt::format("[{}]:{}", address.to_string(), endpoint.port())
                         : fmt::format("{}:{}", address.to_string(), endpoint.port());
}

// Whether the HTTP parser rejected what the client sent (rather than the client going away).
bool is_malformed(const beast::error_code& error) {
  static const auto& http_errors =
      beast::http::make_error_code(beast::http::error::bad_target).category();
  return error.category() == http_errors && error != beast::http::error::end_of_stream &&
         error != beast::http::error::partial_message;
}

}  // namespace

size_t ServerContext::add(uint64_t id, std::weak_ptr<Connection> connection) {
  std::lock_guard lock(mutex_);
  open_.emplace(id, std::move(connection));
  return open_.size();
}

void ServerContext::remove(uint64_t id) {
  std::function<void()> callback;
  {
    std::lock_guard lock(mutex_);
    open_.erase(id);
    if (open_.empty()) std::swap(callback, on_empty_);
  }
  if (callback) callback();
}

void ServerContext::for_each(const std::function<void(const std::shared_ptr<Connection>&)>& visit) {
  std::vector<std::shared_ptr<Connection>> open;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, weak] : open_) {
      if (auto connection = weak.lock()) open.push_back(std::move(connection));
    }
  }
  for (const auto& connection : open) visit(connection);
}

void ServerContext::when_empty(std::function<void()> callback) {
  {
    std::lock_guard lock(mutex_);
    if (!open_.empty()) {
      on_empty_ = std::move(callback);
      return;
    }
  }
  callback();
}

Connection::Connection(tcp::socket socket, ServerContext& context)
    : context_(context), id_(context.next_id()), stream_(std::move(socket)) {
  remote_ = remote_of(stream_.socket());
  context_.metrics.open_connections().Increment();
}

Connection::~Connection() {
  context_.metrics.open_connections().Decrement();
  context_.remove(id_);
}

void Connection::start() {
  const bool over_limit = context_.add(id_, weak_from_this()) > context_.config.max_connections;
  net::dispatch(stream_.get_executor(), [self = shared_from_this(), over_limit] {
    if (!over_limit) return self->await_request();
    self->request_id_ = new_request_id();
    self->started_ = Clock::now();
    self->started_wall_ = std::chrono::system_clock::now();
    self->respond(Response::error(Status::service_unavailable, "unavailable",
                                  "too many connections; retry later"));
  });
}

void Connection::shut_down() {
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    if (self->phase_ == Phase::kIdle) self->close();
  });
}

// Waits for the first byte of the next request under the idle timeout (or, on a new
// connection, the request timeout); the request timeout then runs from that byte.
void Connection::await_request() {
  if (context_.draining) return close();
  parser_.emplace();
  parser_->body_limit(context_.config.max_body_bytes);
  parser_->header_limit(static_cast<uint32_t>(context_.config.max_header_bytes));
  method_ = Verb::unknown;
  method_text_ = path_ = "-";
  route_ = "unmatched";
  request_id_.clear();
  version_ = 11;
  keep_alive_ = false;
  if (buffer_.size() > 0) return read_request();  // the client sent the next request already
  phase_ = Phase::kIdle;
  stream_.expires_after(served_one_ ? context_.config.idle_timeout
                                    : context_.config.request_timeout);
  stream_.async_read_some(buffer_.prepare(kFirstRead),
                          [self = shared_from_this()](beast::error_code error, size_t bytes) {
                            self->on_first_bytes(error, bytes);
                          });
}

void Connection::on_first_bytes(beast::error_code error, size_t bytes) {
  if (error) return close();  // idle timeout, client closed, or the server drains
  buffer_.commit(bytes);
  read_request();
}

void Connection::read_request() {
  phase_ = Phase::kReading;
  started_ = Clock::now();
  started_wall_ = std::chrono::system_clock::now();
  stream_.expires_after(context_.config.request_timeout);
  beast::http::async_read_header(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code error, size_t) { self->on_header(error); });
}

// A client that sent `Expect: 100-continue` (curl does for bodies over 1 KiB) waits for our
// interim answer before sending the body; without one it waits a second and sends anyway.
// A head the server rejects (too large a body, malformed) gets its final answer instead.
void Connection::on_header(beast::error_code error) {
  if (error || parser_->is_done()) return on_read(error);
  const auto& message = parser_->get();
  if (message.version() < 11 ||
      !beast::iequals(message[beast::http::field::expect], "100-continue")) {
    return read_body();
  }
  static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
  net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                   [self = shared_from_this()](beast::error_code error, size_t) {
                     if (error) return self->close();
                     self->read_body();
                   });
}

void Connection::read_body() {
  beast::http::async_read(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code error, size_t) { self->on_read(error); });
}

void Connection::on_read(beast::error_code error) {
  if (!error) return handle_request();
  if (parser_->is_header_done()) {
    method_ = parser_->get().method();
    method_text_ = std::string(parser_->get().method_string());
    version_ = parser_->get().version();
  }
  if (error == beast::http::error::body_limit) {
    return respond(Response::error(
        Status::payload_too_large, "payload_too_large",
        fmt::format("the request body is larger than {} bytes", context_.config.max_body_bytes)));
  }
  if (error == beast::http::error::header_limit) {
    return respond(Response::error(
        Status::request_header_fields_too_large, "header_too_large",
        fmt::format("the request head is larger than {} bytes", context_.config.max_header_bytes)));
  }
  if (is_malformed(error)) {
    return respond(Response::error(Status::bad_request, "bad_request",
                                   fmt::format("malformed request: {}", error.message())));
  }
  // A stalled client (timeout), a client gone mid-request, or a socket error: drop it.
  close();
}

void Connection::handle_request() {
  auto& message = parser_->get();
  method_ = message.method();
  method_text_ = std::string(message.method_string());
  version_ = message.version();
  keep_alive_ = message.keep_alive();
  request_id_ = request_id_from(message["X-Request-Id"]);

  auto target = boost::urls::parse_origin_form(message.target());
  if (!target) {
    return respond(Response::error(Status::bad_request, "bad_request",
                                   "the request target is not a valid path and query"));
  }
  path_ = std::string(target->encoded_path());
  Request request;
  request.method = method_;
  request.path = target->path();
  for (const auto& param : target->params()) request.query.emplace_back(param.key, param.value);
  request.body = std::move(message.body());
  request.headers = std::move(static_cast<Fields&>(message));
  request.request_id = request_id_;
  request.remote = remote_;

  Router::Match match = context_.router.match(method_, path_);
  if (match.route == nullptr) return respond(Router::no_route(match));
  const Route& route = *match.route;
  route_ = route.pattern;
  request.path_params = std::move(match.params);
  if (route.work == Work::kInline) {
    return respond(context_.router.invoke(route, std::move(request)));
  }

  phase_ = Phase::kHandling;
  net::post(context_.workers, [self = shared_from_this(), &route,
                               request = std::move(request)]() mutable {
    Response response = self->context_.router.invoke(route, std::move(request));
    net::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
      self->respond(std::move(response));
    });
  });
}

void Connection::respond(Response response) {
  phase_ = Phase::kWriting;
  if (request_id_.empty()) request_id_ = new_request_id();
  // Errors found while reading leave the rest of the request unread: the connection closes.
  const bool keep_alive = keep_alive_ && !context_.draining;
  response_ = {};
  response_.version(version_);
  response_.result(response.status);
  response_.set(beast::http::field::content_type, response.content_type);
  response_.set("X-Request-Id", request_id_);
  for (auto& [name, value] : response.headers) response_.set(name, value);
  response_.body() = std::move(response.body);
  response_.keep_alive(keep_alive);
  response_.prepare_payload();
  stream_.expires_after(context_.config.request_timeout);
  beast::http::async_write(
      stream_, response_,
      [self = shared_from_this()](beast::error_code error, size_t) { self->on_write(error); });
}

void Connection::on_write(beast::error_code error) {
  const auto elapsed = std::chrono::duration<double>(Clock::now() - started_).count();
  const unsigned status = response_.result_int();
  context_.metrics.record_request(method_, route_, status, elapsed);
  context_.access_log.write({started_wall_, request_id_, method_text_, path_, status,
                             response_.body().size(), elapsed * 1000, remote_});
  served_one_ = true;
  if (error) return close();
  if (!response_.keep_alive()) return linger_close();
  await_request();
}

void Connection::linger_close() {
  phase_ = Phase::kClosing;
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  // With the whole request read, closing cannot reset the connection before the client has
  // read the response; with part of it unread (413, 431, 400), it could.
  const bool request_unread = buffer_.size() > 0 || !parser_ || !parser_->is_done();
  if (!request_unread) return close();
  stream_.expires_after(kLinger);
  discard_until_closed();
}

void Connection::discard_until_closed() {
  buffer_.clear();
  stream_.async_read_some(buffer_.prepare(kFirstRead),
                          [self = shared_from_this()](beast::error_code error, size_t) {
                            if (error) return self->close();
                            self->discard_until_closed();
                          });
}

void Connection::close() {
  phase_ = Phase::kClosing;
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream_.close();
}

}  // namespace huikuan::http

#pragma once
// Helpers for server tests: the real server on 127.0.0.1 with a system-chosen port, run on
// its own thread, and a small Beast client whose every operation has a deadline so a broken
// server fails a test instead of hanging it.

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "http/access_log.h"
#include "http/current_snapshot.h"
#include "http/metrics.h"
#include "http/report_routes.h"
#include "http/router.h"
#include "http/server.h"
#include "http/system_routes.h"

namespace huikuan::testing {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using HttpResponse = beast::http::response<beast::http::string_body>;
using HttpRequest = beast::http::request<beast::http::string_body>;
using namespace std::chrono_literals;

//! Limits for tests: two threads each, no access log unless asked for.
inline http::ServerConfig test_config() {
  http::ServerConfig config;
  config.io_threads = 2;
  config.worker_threads = 2;
  config.access_log = "off";
  config.drain_timeout = 5s;
  return config;
}

//! The server `huikuan serve` assembles around `extra_routes` (by default the aging report,
//! open to all: the API's own tests use ApiServer, which adds every route and sign-in), serving
//! on a background thread from construction until stop() or destruction. `snapshot` replaces
//! the server's own when given.
class TestServer {
 public:
  explicit TestServer(http::ServerConfig config = test_config(),
                      const std::function<void(http::Router&)>& extra_routes = {},
                      http::CurrentSnapshot* snapshot = nullptr)
      : snapshot_(snapshot ? snapshot : &own_snapshot_) {
    auto log = http::AccessLog::open(config.access_log);
    if (!log) throw std::runtime_error(log.error().to_string());
    access_log_ = std::move(*log);
    http::add_system_routes(router_, metrics_, [this] { return snapshot_->get() != nullptr; });
    if (extra_routes) {
      extra_routes(router_);
    } else {
      http::add_report_routes(router_, *snapshot_);
    }
    server_ = std::make_unique<http::Server>(config, router_, metrics_, *access_log_);
    auto port = server_->listen({"127.0.0.1", 0});
    if (!port) throw std::runtime_error(port.error().to_string());
    port_ = *port;
    thread_ = std::thread([this] { server_->run(); });
  }
  ~TestServer() {
    stop();
    join();
  }
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  uint16_t port() const { return port_; }
  http::Metrics& metrics() { return metrics_; }
  http::CurrentSnapshot& snapshot() { return *snapshot_; }
  //! Begins a graceful shutdown.
  void stop() { server_->stop(); }
  //! Waits until the server's run() has returned.
  void join() {
    if (thread_.joinable()) thread_.join();
  }
  //! Closes the access log, writing out every queued line.
  void close_access_log() { access_log_.reset(); }

 private:
  http::Metrics metrics_;
  http::CurrentSnapshot own_snapshot_;
  http::CurrentSnapshot* snapshot_;
  http::Router router_;
  std::unique_ptr<http::AccessLog> access_log_;
  std::unique_ptr<http::Server> server_;
  uint16_t port_ = 0;
  std::thread thread_;
};

//! One client connection to 127.0.0.1:`port`, kept alive across requests.
class Client {
 public:
  explicit Client(uint16_t port, std::chrono::milliseconds deadline = 10s)
      : stream_(io_), deadline_(deadline) {
    beast::error_code error;
    stream_.expires_after(deadline_);
    stream_.async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port),
                          [&](beast::error_code e) { error = e; });
    run();
    if (error) throw beast::system_error(error);
  }

  //! Sends `request` (Host and Content-Length added) and reads the response.
  HttpResponse send(HttpRequest request) {
    request.version(11);
    request.set(beast::http::field::host, "127.0.0.1");
    request.prepare_payload();
    beast::error_code error;
    stream_.expires_after(deadline_);
    beast::http::async_write(stream_, request, [&](beast::error_code e, size_t) { error = e; });
    run();
    if (error) throw beast::system_error(error);
    return read_response();
  }
  HttpResponse request(beast::http::verb method, std::string_view target, std::string body = {}) {
    HttpRequest request{method, target, 11};
    request.body() = std::move(body);
    return send(std::move(request));
  }
  HttpResponse get(std::string_view target) { return request(beast::http::verb::get, target); }
  //! `method` on `target` with extra `headers` (name, value) and `body`.
  HttpResponse request(beast::http::verb method, std::string_view target,
                       const std::vector<std::pair<std::string, std::string>>& headers,
                       std::string body = {}) {
    HttpRequest request{method, target, 11};
    for (const auto& [name, value] : headers) request.set(name, value);
    request.body() = std::move(body);
    return send(std::move(request));
  }

  //! Writes bytes as they are: a partial request, a malformed one.
  void send_raw(std::string_view bytes) {
    beast::error_code error;
    stream_.expires_after(deadline_);
    net::async_write(stream_, net::buffer(bytes.data(), bytes.size()),
                     [&](beast::error_code e, size_t) { error = e; });
    run();
    if (error) throw beast::system_error(error);
  }
  HttpResponse read_response() {
    HttpResponse response;
    beast::error_code error;
    stream_.expires_after(deadline_);
    beast::http::async_read(stream_, buffer_, response,
                            [&](beast::error_code e, size_t) { error = e; });
    run();
    if (error) throw beast::system_error(error);
    return response;
  }
  //! Whether the server closes the connection within `within` without sending anything more.
  bool closed_by_server(std::chrono::milliseconds within) {
    char byte;
    beast::error_code error;
    stream_.expires_after(within);
    stream_.async_read_some(net::buffer(&byte, 1), [&](beast::error_code e, size_t) { error = e; });
    run();
    return error == net::error::eof || error == net::error::connection_reset;
  }

 private:
  void run() {
    io_.run();
    io_.restart();
  }

  net::io_context io_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::chrono::milliseconds deadline_;
};

//! GET `target` on a fresh connection.
inline HttpResponse fetch(uint16_t port, std::string_view target) {
  return Client(port).get(target);
}

}  // namespace huikuan::testing

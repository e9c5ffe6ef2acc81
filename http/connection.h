#pragma once
// Internal to the server: one client connection, and what all connections of a server share.

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "http/access_log.h"
#include "http/metrics.h"
#include "http/router.h"
#include "http/server_config.h"

namespace huikuan::http {

class Connection;

//! What every connection of one server shares. Thread-safe.
class ServerContext {
 public:
  ServerContext(const ServerConfig& config, const Router& router, Metrics& metrics,
                AccessLog& access_log, boost::asio::thread_pool& workers)
      : config(config),
        router(router),
        metrics(metrics),
        access_log(access_log),
        workers(workers) {}

  const ServerConfig& config;
  const Router& router;
  Metrics& metrics;
  AccessLog& access_log;
  boost::asio::thread_pool& workers;  //!< runs Work::kBlocking handlers
  std::atomic<bool> draining{false};  //!< set once shutdown begins

  //! Registers an open connection; returns how many are open including it.
  size_t add(uint64_t id, std::weak_ptr<Connection> connection);
  //! Forgets a closed connection; runs the when_empty callback if it was the last.
  void remove(uint64_t id);
  //! Calls `visit` on every open connection.
  void for_each(const std::function<void(const std::shared_ptr<Connection>&)>& visit);
  //! Runs `callback` once no connection is open: now if none is, else when the last closes.
  void when_empty(std::function<void()> callback);
  uint64_t next_id() { return next_id_++; }

 private:
  std::mutex mutex_;
  std::unordered_map<uint64_t, std::weak_ptr<Connection>> open_;
  std::function<void()> on_empty_;
  std::atomic<uint64_t> next_id_{1};
};

//! Reads requests, runs their routes and writes the responses, one request at a time, until
//! the client closes, a timeout passes or the server drains. All of its state lives on its
//! socket's strand; blocking handlers run on the worker pool and post their response back.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(boost::asio::ip::tcp::socket socket, ServerContext& context);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  //! Registers with the context and starts serving; beyond the connection limit it answers
  //! 503 and closes.
  void start();
  //! Part of a graceful shutdown: closes the connection if it is waiting for a request;
  //! otherwise the request in progress finishes and the connection closes after it.
  void shut_down();

 private:
  using Clock = std::chrono::steady_clock;
  enum class Phase { kIdle, kReading, kHandling, kWriting, kClosing };

  void await_request();
  void on_first_bytes(boost::beast::error_code error, size_t bytes);
  void read_request();
  void on_header(boost::beast::error_code error);
  void read_body();
  void on_read(boost::beast::error_code error);
  void handle_request();
  void respond(Response response);
  void on_write(boost::beast::error_code error);
  void linger_close();
  void discard_until_closed();
  void close();

  ServerContext& context_;
  const uint64_t id_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  boost::beast::http::response<boost::beast::http::string_body> response_;
  std::string remote_;
  Phase phase_ = Phase::kIdle;
  bool served_one_ = false;

  // The request being served, for the access log and the metrics.
  Clock::time_point started_;
  std::chrono::system_clock::time_point started_wall_;
  Verb method_ = Verb::unknown;
  std::string method_text_ = "-";
  std::string path_ = "-";
  std::string route_ = "unmatched";
  std::string request_id_;
  unsigned version_ = 11;
  bool keep_alive_ = false;
};

}  // namespace huikuan::http

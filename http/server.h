#pragma once
// The HTTP/1.1 server: asynchronous (Boost.Beast on a fixed pool of I/O threads), so idle and
// slow clients cost a socket and a little memory, never a thread (see docs/design.md).

#include <cstdint>
#include <memory>

#include "core/error.h"
#include "http/access_log.h"
#include "http/metrics.h"
#include "http/router.h"
#include "http/server_config.h"

namespace huikuan::http {

class Server {
 public:
  //! `router`, `metrics` and `access_log` must outlive the server, and every route must be
  //! added before listen().
  Server(ServerConfig config, const Router& router, Metrics& metrics, AccessLog& access_log);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  //! Binds and listens; returns the bound port (the system's choice when `address.port` is 0).
  Result<uint16_t> listen(const ListenAddress& address);
  //! Makes SIGINT and SIGTERM begin a graceful shutdown, as stop() does.
  void stop_on_signals();
  //! Serves on the I/O threads (this one included) until a shutdown has drained; call once.
  void run();
  //! Begins a graceful shutdown: no new connections, idle ones closed, requests in flight
  //! answered (with "Connection: close") within the drain timeout; then run() returns.
  //! Thread-safe; may be called before run() and more than once.
  void stop();

 private:
  class Core;
  std::unique_ptr<Core> core_;
};

}  // namespace huikuan::http

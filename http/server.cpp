#include "http/server.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <csignal>
#include <thread>
#include <vector>

#include "http/connection.h"

namespace huikuan::http {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

unsigned or_cores(unsigned threads, unsigned per_core = 1) {
  return threads > 0 ? threads : per_core * std::max(1u, std::thread::hardware_concurrency());
}

// Pause before accepting again after a failed accept (out of file descriptors, say), so the
// acceptor does not spin while connections close.
constexpr std::chrono::milliseconds kAcceptRetry{50};

}  // namespace

// Members are destroyed bottom-up: the I/O context (and with it every connection still
// pending) before the context those connections refer to.
class Server::Core {
 public:
  Core(ServerConfig server_config, const Router& router, Metrics& metrics, AccessLog& access_log)
      : config(std::move(server_config)),
        // Workers wait on database pages and locks as well as compute: two per core keep the cores
        // busy (the 360° view: 4,450–5,500 req/s with one per core, 5,400–5,900 with two).
        workers(or_cores(config.worker_threads, 2)),
        context(config, router, metrics, access_log, workers),
        io(static_cast<int>(or_cores(config.io_threads))),
        control(net::make_strand(io)),
        acceptor(control),
        signals(control),
        timer(control) {}

  Result<uint16_t> listen(const ListenAddress& address);
  void accept();
  void on_accept(boost::system::error_code error, tcp::socket socket);
  void begin_shutdown();
  void run();

  ServerConfig config;
  net::thread_pool workers;
  ServerContext context;
  net::io_context io;
  net::strand<net::io_context::executor_type> control;  // acceptor, signals, shutdown
  tcp::acceptor acceptor;
  net::signal_set signals;
  net::steady_timer timer;  // accept retries, then the drain deadline
};

Result<uint16_t> Server::Core::listen(const ListenAddress& address) {
  boost::system::error_code error;
  tcp::resolver resolver(io);
  const auto endpoints =
      resolver.resolve(address.host, std::to_string(address.port), tcp::resolver::passive, error);
  if (error || endpoints.empty()) {
    return fail(fmt::format("cannot resolve '{}': {}", address.host, error.message()), "--listen");
  }
  const tcp::endpoint endpoint = *endpoints.begin();
  const auto failed = [&](const char* what) {
    return fail(
        fmt::format("cannot {} {}:{}: {}", what, address.host, address.port, error.message()),
        "--listen");
  };
  if (acceptor.open(endpoint.protocol(), error)) return failed("open a socket for");
  if (acceptor.set_option(net::socket_base::reuse_address(true), error)) return failed("reuse");
  if (acceptor.bind(endpoint, error)) return failed("bind");
  if (acceptor.listen(net::socket_base::max_listen_connections, error)) return failed("listen on");
  return acceptor.local_endpoint().port();
}

void Server::Core::accept() {
  acceptor.async_accept(net::make_strand(io),
                        [this](boost::system::error_code error, tcp::socket socket) {
                          on_accept(error, std::move(socket));
                        });
}

void Server::Core::on_accept(boost::system::error_code error, tcp::socket socket) {
  if (context.draining || error == net::error::operation_aborted) return;
  if (error) {
    spdlog::warn("accept failed: {}", error.message());
    timer.expires_after(kAcceptRetry);
    timer.async_wait([this](boost::system::error_code waited) {
      if (!waited && !context.draining) accept();
    });
    return;
  }
  socket.set_option(tcp::no_delay(true), error);
  std::make_shared<Connection>(std::move(socket), context)->start();
  accept();
}

void Server::Core::begin_shutdown() {
  if (context.draining.exchange(true)) return;
  spdlog::info("shutting down: draining requests in flight (at most {} ms)",
               config.drain_timeout.count());
  boost::system::error_code ignored;
  acceptor.close(ignored);
  signals.cancel(ignored);
  timer.cancel();
  context.for_each([](const std::shared_ptr<Connection>& connection) { connection->shut_down(); });
  context.when_empty([this] { io.stop(); });
  timer.expires_after(config.drain_timeout);
  timer.async_wait([this](boost::system::error_code error) {
    if (error) return;
    spdlog::warn("drain timeout: closing the connections still open");
    io.stop();
  });
}

void Server::Core::run() {
  if (acceptor.is_open()) net::post(control, [this] { accept(); });
  const auto serve = [this] {
    for (;;) {
      try {
        io.run();
        return;
      } catch (const std::exception& e) {
        // Handlers do not throw by design; if one does, log it and keep serving.
        spdlog::error("unexpected exception on an I/O thread: {}", e.what());
      }
    }
  };
  std::vector<std::thread> threads;
  for (unsigned i = 1; i < or_cores(config.io_threads); ++i) threads.emplace_back(serve);
  serve();
  for (auto& thread : threads) thread.join();
  workers.stop();
  workers.join();
  context.access_log.flush();
}

Server::Server(ServerConfig config, const Router& router, Metrics& metrics, AccessLog& access_log)
    : core_(std::make_unique<Core>(std::move(config), router, metrics, access_log)) {}

Server::~Server() = default;

Result<uint16_t> Server::listen(const ListenAddress& address) {
  return core_->listen(address);
}

void Server::stop_on_signals() {
  core_->signals.add(SIGINT);
  core_->signals.add(SIGTERM);
  core_->signals.async_wait([core = core_.get()](boost::system::error_code error, int signal) {
    if (error) return;
    spdlog::info("received signal {}", signal);
    core->begin_shutdown();
  });
}

void Server::run() {
  core_->run();
}

void Server::stop() {
  net::post(core_->control, [core = core_.get()] { core->begin_shutdown(); });
}

}  // namespace huikuan::http

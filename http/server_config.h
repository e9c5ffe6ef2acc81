#pragma once
// The server's limits and threads, from the [server] table of a TOML file (config/server.toml).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"

namespace huikuan::http {

struct ServerConfig {
  std::string listen = "127.0.0.1:8080";  //!< HOST:PORT; `serve --listen` overrides it
  unsigned io_threads = 0;                //!< threads reading and writing sockets; 0 = one per core
  unsigned worker_threads = 0;            //!< threads running blocking handlers; 0 = two per core
  size_t max_body_bytes = 16 * 1024 * 1024;  //!< larger bodies get 413
  size_t max_header_bytes = 16 * 1024;       //!< larger request heads get 431
  size_t max_connections = 10'000;           //!< connections beyond it get 503 and are closed
  //! From a request's first byte to its last: a client that stalls mid-request is dropped.
  std::chrono::milliseconds request_timeout{std::chrono::seconds(30)};
  //! A kept-alive connection with no new request for this long is closed.
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(60)};
  //! On shutdown, how long requests in flight may take to finish.
  std::chrono::milliseconds drain_timeout{std::chrono::seconds(10)};
  std::string access_log = "-";  //!< "-" standard error, "off", or a file appended to
  //! Local time ("HH:MM") at which the server runs the day's collection run; "" = never.
  std::string daily_run_at = "06:00";
  //! How often the server checks for a changed ledger (an import by the CLI) and reloads it.
  std::chrono::seconds snapshot_refresh{300};
  //! Mark the session cookie Secure: set when a TLS proxy is in front.
  bool secure_cookies = false;
  //! The built web app served at `/`: "" = web/dist beside the binary's directory (where
  //! `make` builds it), "off" = none (API only), else a directory.
  std::string web_root;
};

//! Reads the [server] table of `toml_text` over the defaults. Unknown tables and keys, wrong
//! types and out-of-range values are errors located as "source:line" with the key.
Result<ServerConfig> parse_server_config(std::string_view toml_text, const std::string& source);

//! Reads and parses the file at `path`.
Result<ServerConfig> load_server_config(const std::string& path);

struct ListenAddress {
  std::string host;  //!< name or address, without brackets
  uint16_t port = 0;
};

//! Minutes after midnight of "HH:MM" (00:00–23:59).
Result<int> parse_time_of_day(std::string_view text);

//! "HOST:PORT", "[IPv6]:PORT"; port 0 lets the system choose.
Result<ListenAddress> parse_listen_address(std::string_view text);

}  // namespace huikuan::http

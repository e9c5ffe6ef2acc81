#include "http/server_config.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <sstream>
#include <vector>

#include "io/toml_diagnostics.h"

namespace huikuan::http {
namespace {

using std::chrono::seconds;

// How each key of [server] is read into the config.
using KeyReader = std::function<void(const toml::node&, const std::string&, TomlDiagnostics&)>;

KeyReader integer(int64_t min, int64_t max, std::function<void(int64_t)> store) {
  return [=](const toml::node& node, const std::string& field, TomlDiagnostics& problems) {
    const auto* value = node.as_integer();
    if (value == nullptr) return problems.add(node.source(), field, "must be an integer");
    if (value->get() < min || value->get() > max) {
      return problems.add(node.source(), field,
                          fmt::format("must be between {} and {}, not {}", min, max, value->get()));
    }
    store(value->get());
  };
}

KeyReader text(std::function<std::optional<Error>(const std::string&)> store) {
  return [=](const toml::node& node, const std::string& field, TomlDiagnostics& problems) {
    const auto* value = node.as_string();
    if (value == nullptr) return problems.add(node.source(), field, "must be a string");
    if (auto error = store(value->get())) problems.add(node.source(), field, error->message);
  };
}

std::map<std::string, KeyReader, std::less<>> server_keys(ServerConfig& config) {
  constexpr int64_t kMaxThreads = 1024, kDay = 86'400;
  return {
      {"listen", text([&config](const std::string& value) -> std::optional<Error> {
         auto address = parse_listen_address(value);
         if (!address) return address.error();
         config.listen = value;
         return std::nullopt;
       })},
      {"io_threads",
       integer(0, kMaxThreads,
               [&config](int64_t v) { config.io_threads = static_cast<unsigned>(v); })},
      {"worker_threads",
       integer(0, kMaxThreads,
               [&config](int64_t v) { config.worker_threads = static_cast<unsigned>(v); })},
      {"max_body_bytes",
       integer(1, int64_t{1} << 40,
               [&config](int64_t v) { config.max_body_bytes = static_cast<size_t>(v); })},
      {"max_header_bytes",
       integer(1024, 1 << 20,
               [&config](int64_t v) { config.max_header_bytes = static_cast<size_t>(v); })},
      {"max_connections",
       integer(1, 1'000'000,
               [&config](int64_t v) { config.max_connections = static_cast<size_t>(v); })},
      {"request_timeout_seconds",
       integer(1, kDay, [&config](int64_t v) { config.request_timeout = seconds(v); })},
      {"idle_timeout_seconds",
       integer(1, kDay, [&config](int64_t v) { config.idle_timeout = seconds(v); })},
      {"drain_timeout_seconds",
       integer(0, kDay, [&config](int64_t v) { config.drain_timeout = seconds(v); })},
      {"daily_run_at", text([&config](const std::string& value) -> std::optional<Error> {
         if (!value.empty()) {
           auto minutes = parse_time_of_day(value);
           if (!minutes) return minutes.error();
         }
         config.daily_run_at = value;
         return std::nullopt;
       })},
      {"snapshot_refresh_seconds",
       integer(1, kDay, [&config](int64_t v) { config.snapshot_refresh = seconds(v); })},
      {"secure_cookies",
       [&config](const toml::node& node, const std::string& field, TomlDiagnostics& problems) {
         const auto* value = node.as_boolean();
         if (value == nullptr) return problems.add(node.source(), field, "must be true or false");
         config.secure_cookies = value->get();
       }},
      {"web_root", text([&config](const std::string& value) -> std::optional<Error> {
         config.web_root = value;
         return std::nullopt;
       })},
      {"access_log", text([&config](const std::string& value) -> std::optional<Error> {
         if (value.empty()) return Error{"must be \"-\", \"off\" or a file path", {}, {}};
         config.access_log = value;
         return std::nullopt;
       })},
  };
}

std::string key_list(const std::map<std::string, KeyReader, std::less<>>& keys) {
  std::string list;
  for (const auto& [key, reader] : keys) list += (list.empty() ? "" : ", ") + key;
  return list;
}

}  // namespace

Result<int> parse_time_of_day(std::string_view text) {
  int hours = -1, minutes = -1;
  auto digit = [&](size_t i) { return text[i] >= '0' && text[i] <= '9'; };
  if (text.size() == 5 && text[2] == ':' && digit(0) && digit(1) && digit(3) && digit(4)) {
    std::from_chars(text.data(), text.data() + 2, hours);
    std::from_chars(text.data() + 3, text.data() + 5, minutes);
  }
  if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59) {
    return fail(fmt::format("'{}' is not a time of day HH:MM", text));
  }
  return hours * 60 + minutes;
}

Result<ServerConfig> parse_server_config(std::string_view toml_text, const std::string& source) {
  toml::table document;
  try {
    document = toml::parse(toml_text, std::string_view(source));
  } catch (const toml::parse_error& e) {
    return tl::unexpected(
        Error{std::string(e.description()),
              {},
              fmt::format("{}:{}", source, std::max<uint32_t>(e.source().begin.line, 1))});
  }
  ServerConfig config;
  TomlDiagnostics problems(source);
  for (auto&& [key, node] : document) {
    // The message tables belong to notify/config.h, which reads them from the same file.
    static constexpr std::string_view kMessageTables[] = {"smtp", "sms", "im", "company", "outbox"};
    if (std::find(std::begin(kMessageTables), std::end(kMessageTables), key.str()) !=
        std::end(kMessageTables)) {
      continue;
    }
    if (key.str() != "server") {
      problems.add(key.source(), std::string(key.str()),
                   "unknown table; expected [server], [smtp], [sms], [im], [company] or [outbox]");
      continue;
    }
    const toml::table* server = node.as_table();
    if (server == nullptr) {
      problems.add(node.source(), "server", "must be a table");
      continue;
    }
    const auto keys = server_keys(config);
    for (auto&& [name, value] : *server) {
      const std::string field = fmt::format("server.{}", name.str());
      auto reader = keys.find(name.str());
      if (reader == keys.end()) {
        problems.add(name.source(), field,
                     fmt::format("unknown key; expected one of {}", key_list(keys)));
        continue;
      }
      reader->second(value, field, problems);
    }
  }
  if (!problems.empty()) return tl::unexpected(problems.combined());
  return config;
}

Result<ServerConfig> load_server_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return tl::unexpected(Error{"cannot open the server configuration", "--config", path});
  std::ostringstream content;
  content << in.rdbuf();
  return parse_server_config(content.str(), path);
}

Result<ListenAddress> parse_listen_address(std::string_view text) {
  const auto bad = [&] {
    return fail(fmt::format("'{}' is not HOST:PORT (e.g. 127.0.0.1:8080 or [::1]:8080)", text),
                "--listen");
  };
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return bad();
  std::string_view host = text.substr(0, colon), port_text = text.substr(colon + 1);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return bad();
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return bad();  // an IPv6 address needs brackets
  }
  unsigned port = 0;
  const auto [end, error] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || error != std::errc() || end != port_text.data() + port_text.size() ||
      port > std::numeric_limits<uint16_t>::max()) {
    return bad();
  }
  return ListenAddress{std::string(host), static_cast<uint16_t>(port)};
}

}  // namespace huikuan::http

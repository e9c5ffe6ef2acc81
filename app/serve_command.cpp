#include "app/serve_command.h"

#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <optional>
#include <thread>

#include "app/cli_common.h"
#include "core/file.h"
#include "http/api_routes.h"
#include "http/current_snapshot.h"
#include "http/ledger_follower.h"
#include "http/outbox_sender.h"
#include "http/scheduler.h"
#include "http/server.h"
#include "http/system_routes.h"
#include "http/web_assets.h"
#include "service/messages.h"
#include "service/policy_versions.h"
#include "service/snapshot_loader.h"

namespace huikuan {

ServeCommand::ServeCommand(CLI::App& app) {
  command_ = app.add_subcommand("serve", "Serve the HTTP API over a ledger database");
  command_->add_option("--db", db_, "Ledger database (SQLite file)")->capture_default_str();
  command_->add_option("--listen", listen_,
                       "HOST:PORT to listen on (port 0: any free port); default from --config, "
                       "else 127.0.0.1:8080");
  command_->add_option("--config", config_path_,
                       "Server configuration (TOML, see config/server.toml)");
  command_->add_option("--policy", policy_path_,
                       "Collection policy (TOML); default: the shipped config/policy.toml");
}

std::optional<int> ServeCommand::run() {
  if (!*command_) return std::nullopt;
  return serve();
}

int ServeCommand::serve() {
  // Diagnostics go to standard error; standard output carries only the "listening on" line.
  spdlog::set_default_logger(spdlog::stderr_color_mt("huikuan"));
  auto config = config_path_.empty() ? Result<http::ServerConfig>(http::ServerConfig{})
                                     : http::load_server_config(config_path_);
  if (!config) return print_error(config.error());
  notify::NotifyConfig messages;
  if (!config_path_.empty()) {
    auto text = read_file(config_path_);
    if (!text) return print_error(text.error());
    auto parsed = notify::parse_notify_config(*text, config_path_);
    if (!parsed) return print_error(parsed.error());
    messages = *std::move(parsed);
  }
  auto address = http::parse_listen_address(listen_.empty() ? config->listen : listen_);
  if (!address) return print_error(address.error());
  auto store = open_existing(db_);
  if (!store) return print_error(store.error());
  auto policy = policy_from_option(**store, policy_path_);
  if (!policy) return print_error(policy.error());
  auto access_log = http::AccessLog::open(config->access_log);
  if (!access_log) return print_error(access_log.error());

  http::Metrics metrics;
  http::CurrentSnapshot snapshot;
  http::StorePool stores(db_);
  http::CurrentPolicy current_policy(*std::move(policy));
  http::ApiContext api{stores, snapshot, current_policy};
  api.secure_cookies = config->secure_cookies;
  api.company = company_details(messages);
  http::Router router;
  http::add_system_routes(router, metrics, [&snapshot] { return snapshot.get() != nullptr; });
  http::add_api_routes(router, api);
  std::optional<http::WebAssets> web;
  if (config->web_root != "off") {
    auto loaded = http::WebAssets::load(http::web_root_path(config->web_root));
    if (loaded) {
      web = *std::move(loaded);
      http::add_web_app(router, *web);
    } else if (!config->web_root.empty()) {
      return print_error(loaded.error());  // asked for explicitly: a mistake to report
    } else {
      spdlog::warn("the web app is not served: {}", loaded.error().message);
    }
  }

  http::Server server(*config, router, metrics, **access_log);
  auto port = server.listen(*address);
  if (!port) {
    print_error(port.error());
    return kFailure;
  }
  server.stop_on_signals();
  // Scripts and tests read the bound port from this line (useful with port 0).
  std::cout << fmt::format("listening on {}:{}", address->host, *port) << std::endl;

  // Serve /healthz at once; /readyz turns 200 when the ledger is loaded.
  std::atomic<bool> load_failed{false};
  std::thread loader([&] {
    const auto started = std::chrono::steady_clock::now();
    auto loaded = load_snapshot(**store, snapshot_cache_path(db_));
    if (!loaded) {
      spdlog::error("cannot load the ledger: {}", loaded.error().to_string());
      load_failed = true;
      server.stop();
      return;
    }
    snapshot.publish(*std::move(loaded));
    spdlog::info("ledger loaded: {} customers in {} ms; ready", snapshot.get()->customer_count(),
                 std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - started)
                     .count());
  });
  {
    http::Scheduler scheduler(api, *config, metrics);
    // Changes made by other instances (or the CLI) on this database show within a second.
    http::LedgerFollower follower(api, std::chrono::milliseconds(250));
    // Messages go out only when a channel is configured; they wait in the outbox otherwise.
    std::optional<http::OutboxSender> sender;
    if (messages.smtp || messages.sms || messages.im) sender.emplace(api, messages);
    server.run();
  }
  loader.join();
  spdlog::info("stopped");
  return load_failed ? kFailure : 0;
}

}  // namespace huikuan

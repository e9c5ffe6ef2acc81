#pragma once
// `huikuan serve`: the HTTP server over one ledger database (README "Server").

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

namespace huikuan {

class ServeCommand {
 public:
  //! Registers the subcommand on `app`.
  explicit ServeCommand(CLI::App& app);
  //! Serves until SIGINT or SIGTERM and returns the exit code, or nullopt if not chosen.
  std::optional<int> run();

 private:
  int serve();

  std::string db_ = "data/huikuan.db";
  std::string listen_;  // HOST:PORT; default: the config file's, else 127.0.0.1:8080
  std::string config_path_;
  std::string policy_path_;
  CLI::App* command_ = nullptr;
};

}  // namespace huikuan

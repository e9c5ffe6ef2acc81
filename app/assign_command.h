#pragma once
// `huikuan assign`: assigns the open cases to the team in a collectors.csv and shows each
// collector's load and what could not be placed.

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

namespace huikuan {

class AssignCommand {
 public:
  //! Registers the subcommand on `app`.
  explicit AssignCommand(CLI::App& app);
  //! Runs it and returns the exit code (2 on bad input), or nullopt if it was not chosen.
  std::optional<int> run();

 private:
  int assign();

  std::string db_ = "data/huikuan.db";
  std::string collectors_path_;
  std::string as_of_;  // YYYY-MM-DD; default: today on this machine
  std::string policy_path_;
  std::string encoding_ = "utf-8";
  std::string actor_;
  std::string format_ = "table";
  bool dry_run_ = false;
  CLI::App* command_ = nullptr;
};

}  // namespace huikuan

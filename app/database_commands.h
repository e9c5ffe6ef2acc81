#pragma once
// Database commands: `migrate` (a SQLite installation into PostgreSQL) and `backup` (a
// consistent copy of the database while servers keep running).

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

namespace huikuan {

class DatabaseCommands {
 public:
  //! Registers the subcommands on `app`.
  explicit DatabaseCommands(CLI::App& app);
  //! Runs the chosen subcommand and returns its exit code, or nullopt if none of these was chosen.
  std::optional<int> run();

 private:
  int migrate();
  int backup();

  std::string from_, to_;
  std::string db_ = "data/huikuan.db";
  std::string out_;
  CLI::App *migrate_, *backup_;
};

}  // namespace huikuan

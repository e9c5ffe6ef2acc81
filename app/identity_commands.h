#pragma once
// Who may sign in to the server, and the audit log: user add|list, token create|revoke,
// audit verify.

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "service/identity.h"

namespace huikuan {

class IdentityCommands {
 public:
  //! Registers the subcommands on `app`.
  explicit IdentityCommands(CLI::App& app);
  //! Runs the chosen subcommand and returns its exit code, or nullopt if none of these was chosen.
  std::optional<int> run();

 private:
  int user_add();
  int user_list();
  int token_create();
  int token_revoke();
  int audit_verify();

  std::string db_ = "data/huikuan.db";
  std::string actor_;
  std::string now_;  // ISO 8601; default: the clock
  std::string format_ = "table";
  NewUser user_;
  bool password_stdin_ = false;
  std::string token_user_;
  std::string token_name_;
  int64_t token_id_ = 0;
  CLI::App *user_add_, *user_list_, *token_create_, *token_revoke_, *audit_verify_;
};

}  // namespace huikuan

#include "app/identity_commands.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <iostream>
#include <vector>

#include "app/cli_common.h"
#include "io/table.h"
#include "service/audit.h"

namespace huikuan {
namespace {

// One line of standard input without its line ending: passwords never go on the command line,
// where other users of the machine can read them.
std::optional<std::string> read_line(std::istream& in) {
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace

IdentityCommands::IdentityCommands(CLI::App& app) : actor_(cli_user()) {
  auto db = [&](CLI::App* command) {
    command->add_option("--db", db_, "Ledger database (SQLite file)")->capture_default_str();
  };
  auto recorded = [&](CLI::App* command) {
    db(command);
    command->add_option("--actor", actor_, "Who the change is recorded as")->capture_default_str();
    command->add_option("--now", now_,
                        "Record as of this time (ISO 8601 with offset; default: now)");
  };

  auto* user = app.add_subcommand("user", "Add and list the users who may sign in");
  user->require_subcommand(1);
  user_add_ = user->add_subcommand("add", "Add a user; the password is read from standard input");
  recorded(user_add_);
  user_add_->add_option("--username", user_.username, "3 to 64 of a-z 0-9 . _ -")->required();
  std::vector<std::string> roles;
  for (Role role : kRoles) roles.emplace_back(role_name(role));
  user_add_->add_option("--role", user_.role, fmt::format("One of: {}", fmt::join(roles, ", ")))
      ->required();
  user_add_->add_option("--collector-id", user_.collector_id,
                        "The collector id customers are assigned to (roles that hold cases)");
  user_add_->add_option("--team", user_.team, "Team (a supervisor sees the team's customers)");
  user_add_
      ->add_flag("--password-stdin", password_stdin_,
                 fmt::format("Read the password (at least {} characters) from the first line "
                             "of standard input",
                             kMinPasswordLength))
      ->required();
  user_list_ = user->add_subcommand("list", "List users");
  db(user_list_);
  user_list_->add_option("--format", format_, "table, csv or json")->capture_default_str();

  auto* token = app.add_subcommand("token", "API tokens for integrations (Authorization: Bearer)");
  token->require_subcommand(1);
  token_create_ =
      token->add_subcommand("create", "Create an API token; its secret is printed only once");
  recorded(token_create_);
  token_create_->add_option("--user", token_user_, "The user the token acts as")->required();
  token_create_->add_option("--name", token_name_, "What the token is for, e.g. erp-sync")
      ->required();
  token_revoke_ = token->add_subcommand("revoke", "Revoke an API token");
  recorded(token_revoke_);
  token_revoke_->add_option("--id", token_id_, "Token id")->required();

  auto* audit = app.add_subcommand("audit", "The tamper-evident audit log");
  audit->require_subcommand(1);
  audit_verify_ = audit->add_subcommand(
      "verify", "Check the audit log's hash chain; exit 1 naming the first record that fails");
  db(audit_verify_);
}

std::optional<int> IdentityCommands::run() {
  if (*user_add_) return user_add();
  if (*user_list_) return user_list();
  if (*token_create_) return token_create();
  if (*token_revoke_) return token_revoke();
  if (*audit_verify_) return audit_verify();
  return std::nullopt;
}

int IdentityCommands::user_add() {
  auto actor = make_actor(actor_, now_);
  if (!actor) return print_error(actor.error());
  auto password = read_line(std::cin);
  if (!password) {
    return print_error(Error{"no password on standard input", "--password-stdin", ""});
  }
  user_.password = std::move(*password);
  // The first user may come before the first import: this creates the database.
  auto store = Store::open(db_);
  if (!store) return print_error(store.error());
  auto user = create_user(**store, user_, *actor);
  if (!user) return print_error(user.error());
  std::cout << fmt::format("user {} added as {}\n", user->username, role_name(user->role));
  return 0;
}

int IdentityCommands::user_list() {
  auto store = open_existing(db_);
  if (!store) return print_error(store.error());
  Table table{
      "", {"id", "username", "role", "collector_id", "team", "created_at", "status"}, {}, {}};
  (*store)->read_users([&](const User& u) {
    table.rows.push_back({std::to_string(u.id), u.username, std::string(role_name(u.role)),
                          u.collector_id, u.team, u.created_at.to_string(),
                          u.disabled ? "disabled" : "active"});
  });
  return print_tables({table}, format_);
}

int IdentityCommands::token_create() {
  auto actor = make_actor(actor_, now_);
  if (!actor) return print_error(actor.error());
  auto store = open_existing(db_);
  if (!store) return print_error(store.error());
  auto created = create_api_token(**store, token_user_, token_name_, *actor);
  if (!created) return print_error(created.error());
  std::cerr << fmt::format("API token {} '{}' for user {}; the secret is shown only this once:\n",
                           created->token.id, created->token.name, token_user_);
  std::cout << created->secret << '\n';
  return 0;
}

int IdentityCommands::token_revoke() {
  auto actor = make_actor(actor_, now_);
  if (!actor) return print_error(actor.error());
  auto store = open_existing(db_);
  if (!store) return print_error(store.error());
  auto revoked = revoke_api_token(**store, token_id_, *actor);
  if (!revoked) return print_error(revoked.error());
  std::cout << fmt::format("API token {} revoked\n", token_id_);
  return 0;
}

int IdentityCommands::audit_verify() {
  auto store = open_existing(db_);
  if (!store) return print_error(store.error());
  auto verified = verify_audit(**store);
  if (!verified) {
    std::cerr << "huikuan: audit log does not verify: " << verified.error().to_string() << '\n';
    return kFailure;
  }
  std::cout << fmt::format("audit log verified: {} records\n", verified->records);
  if (verified->records > 0) std::cout << fmt::format("last hash: {}\n", verified->head_hash);
  return 0;
}

}  // namespace huikuan

#include "app/cli_common.h"

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "io/policy_toml.h"
#include "service/policy_versions.h"

namespace huikuan {

int print_error(const Error& error) {
  std::cerr << "huikuan: " << error.to_string() << '\n';
  return kBadInput;
}

std::string cli_user() {
  const char* user = std::getenv("USER");
  return user && *user ? fmt::format("cli:{}", user) : "cli";
}

Result<Actor> make_actor(const std::string& name, const std::string& now) {
  if (now.empty()) return Actor{name, local_now()};
  auto parsed = Timestamp::parse(now);
  if (!parsed) return fail(parsed.error().message, "--now");
  return Actor{name, *parsed};
}

int print_tables(const std::vector<Table>& tables, const std::string& format) {
  if (format == "json") {
    write_json(std::cout, tables);
  } else if (format == "csv") {
    write_csv(std::cout, tables);
  } else if (format == "table") {
    write_text(std::cout, tables);
  } else {
    return print_error(
        Error{fmt::format("'{}' is not one of table, csv, json", format), "--format", ""});
  }
  return 0;
}

Result<Policy> policy_from_option(Store& store, const std::string& path) {
  if (!path.empty()) return load_policy(path);
  return policy_in_force(store).map(
      [](PolicyInForce in_force) { return std::move(in_force.policy); });
}

Result<std::unique_ptr<Store>> open_existing(const std::string& db) {
  const std::string file = sqlite_file(db);
  if (!file.empty() && !std::filesystem::exists(file)) {
    return fail(fmt::format("no ledger database at '{}' (import one first)", db), "--db");
  }
  return Store::open(db);
}

}  // namespace huikuan

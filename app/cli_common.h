#pragma once
// What every command shares: error printing, the acting user and time, opening a database.

#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/timestamp.h"
#include "io/table.h"
#include "ledger/policy.h"
#include "service/collections.h"
#include "store/store.h"

namespace huikuan {

//! Exit code for bad input (arguments or files): nothing was changed.
inline constexpr int kBadInput = 2;
//! Exit code for a broken environment (disk, database).
inline constexpr int kFailure = 1;

//! Prints "huikuan: where: field: message" to stderr and returns kBadInput.
int print_error(const Error& error);

//! "cli:<login>" from $USER, or "cli".
std::string cli_user();

//! The acting user and the time: `now` (ISO 8601) overrides the clock for back-dated entry.
Result<Actor> make_actor(const std::string& name, const std::string& now);

//! Writes `tables` to stdout as a terminal table, CSV or JSON (`format`); an unknown format is
//! bad input.
int print_tables(const std::vector<Table>& tables, const std::string& format);

//! The policy file given with --policy; when `path` is empty, the policy in force in `store`
//! (the newest version stored through the API), else the shipped default (config/policy.toml,
//! compiled in) — the same policy the server runs.
Result<Policy> policy_from_option(Store& store, const std::string& path);

//! Opens an existing database: commands other than import never create one, so a mistyped
//! --db is an error rather than an empty ledger.
Result<std::unique_ptr<Store>> open_existing(const std::string& db);

}  // namespace huikuan

#include "app/assign_command.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/cli_common.h"
#include "core/money.h"
#include "io/table.h"
#include "service/assignment.h"
#include "service/snapshot_loader.h"

namespace huikuan {
namespace {

std::map<std::string, int> reason_counts(const AssignOutcome& outcome) {
  std::map<std::string, int> counts;
  for (const Placement& p : outcome.assignment.placements) {
    ++counts[std::string(placement_reason_name(p.reason))];
  }
  return counts;
}

std::vector<Table> tables(const AssignOutcome& outcome, const std::vector<Collector>& collectors,
                          int digits) {
  Table moves{"moves", {"customer_id", "from", "to", "reason", "amount"}, {}, {}};
  for (const Placement& p : outcome.assignment.placements) {
    if (!p.moved()) continue;
    moves.rows.push_back({p.customer_id, p.previous_collector, p.collector_id,
                          std::string(placement_reason_name(p.reason)),
                          AmountCell{p.amount, digits}});
  }
  Table load{"collectors",
             {"collector_id", "name", "level", "cases", "max_cases", "amount", "max_amount"},
             {},
             {}};
  for (size_t k = 0; k < collectors.size(); ++k) {
    const Collector& c = collectors[k];
    const CollectorLoad& l = outcome.assignment.loads[k];
    load.rows.push_back({c.id, c.name, c.level, NumberCell{l.cases, 0}, NumberCell{c.max_cases, 0},
                         AmountCell{l.amount, digits}, AmountCell{c.max_amount, digits}});
  }
  Table unplaced{"unplaced", {"customer_id", "collector", "amount", "reason"}, {}, {}};
  for (const UnplacedCase& u : outcome.assignment.unplaced) {
    unplaced.rows.push_back({u.customer_id, u.current_collector, AmountCell{u.amount, digits},
                             std::string(unplaced_reason_name(u.reason))});
  }
  return {moves, load, unplaced};
}

void print_text(const AssignOutcome& outcome, const std::vector<Table>& tables, bool dry_run) {
  write_text(std::cout, tables);
  std::vector<std::string> counts;
  for (const auto& [reason, count] : reason_counts(outcome)) {
    counts.push_back(fmt::format("{} {}", count, reason));
  }
  std::cout << fmt::format("\n{} placed ({}), {} unplaced, {} customers {}\n",
                           outcome.assignment.placements.size(), fmt::join(counts, ", "),
                           outcome.assignment.unplaced.size(), outcome.moved,
                           dry_run ? "would move (dry run: nothing written)" : "moved");
}

void print_json(const AssignOutcome& outcome, const std::vector<Table>& tables,
                const std::string& as_of, const std::string& currency, bool dry_run) {
  nlohmann::ordered_json json{{"as_of", as_of},
                              {"currency", currency},
                              {"dry_run", dry_run},
                              {"moved", outcome.moved},
                              {"face_value_currencies", outcome.face_value_currencies}};
  // Each table under its title, with the same row objects (amounts as exact strings) as every
  // other JSON report.
  for (const Table& table : tables) {
    std::ostringstream rows;
    write_json(rows, {table});
    json[table.title] = nlohmann::ordered_json::parse(rows.str());
  }
  std::cout << json.dump(2) << '\n';
}

}  // namespace

AssignCommand::AssignCommand(CLI::App& app) : actor_(cli_user()) {
  command_ = app.add_subcommand(
      "assign", "Assign open cases to collectors by authority, workload and specialty");
  command_->add_option("--db", db_, "Ledger database (SQLite file)")->capture_default_str();
  command_
      ->add_option("--collectors", collectors_path_,
                   "CSV: collector_id, name, level, max_cases, max_amount, specialties")
      ->required();
  command_->add_option("--as-of", as_of_, "Cases as of this date (YYYY-MM-DD; default: today)");
  command_->add_option("--policy", policy_path_,
                       "Policy file (default: the shipped config/policy.toml)");
  command_->add_option("--encoding", encoding_, "utf-8 or gb18030")->capture_default_str();
  command_->add_option("--actor", actor_, "Who the changes are recorded as")->capture_default_str();
  command_->add_flag("--dry-run", dry_run_, "Show the assignment without changing anything");
  command_->add_option("--format", format_, "table or json")->capture_default_str();
}

std::optional<int> AssignCommand::run() {
  if (!*command_) return std::nullopt;
  return assign();
}

int AssignCommand::assign() {
  if (format_ != "table" && format_ != "json") {
    return print_error(
        Error{fmt::format("'{}' is not one of table, json", format_), "--format", ""});
  }
  const Actor actor{actor_, local_now()};
  auto as_of = as_of_.empty() ? Result<Date>(actor.now.local_date()) : Date::parse(as_of_);
  if (!as_of) return print_error(Error{as_of.error().message, "--as-of", ""});
  auto store = open_existing(db_);
  if (!store) return print_error(store.error());
  Result<Policy> policy = policy_from_option(**store, policy_path_);
  if (!policy) return print_error(policy.error());
  auto currency = Currency::find(policy->currency);
  if (!currency) return print_error(currency.error());
  auto collectors = load_collectors(collectors_path_, encoding_, *policy);
  if (!collectors) return print_error(collectors.error());

  const AssignRequest request{*collectors, *as_of, snapshot_cache_path(db_), dry_run_};
  auto outcome = assign_collectors(**store, request, *policy, actor);
  if (!outcome) return print_error(outcome.error());
  for (const std::string& code : outcome->face_value_currencies) {
    std::cerr << fmt::format(
        "warning: the policy has no exchange rate for {}; its cases count at "
        "face value in {}\n",
        code, policy->currency);
  }
  const auto shown = tables(*outcome, *collectors, currency->minor_digits);
  if (format_ == "json") {
    print_json(*outcome, shown, as_of->to_string(), policy->currency, dry_run_);
  } else {
    print_text(*outcome, shown, dry_run_);
  }
  return 0;
}

}  // namespace huikuan

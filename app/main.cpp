// huikuan: the command line. Parses arguments, calls a service, prints.

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <optional>

#include "app/assign_command.h"
#include "app/cli_common.h"
#include "app/collection_commands.h"
#include "app/database_commands.h"
#include "app/identity_commands.h"
#include "app/message_commands.h"
#include "app/serve_command.h"
#include "engine/aging.h"
#include "engine/kpi.h"
#include "io/ledger_generator.h"
#include "service/importer.h"
#include "service/job_lock.h"
#include "service/report_output.h"
#include "service/snapshot_loader.h"

namespace huikuan {
namespace {

Result<Date> parse_date_option(const std::string& text, const char* option) {
  auto date = Date::parse(text);
  if (!date) return fail(date.error().message, option);
  return date;
}

struct ReportOptions {
  std::string db = "data/huikuan.db";
  std::string format = "table";
  std::string out;
};

Result<std::shared_ptr<const Snapshot>> open_snapshot(const std::string& db) {
  auto store = open_existing(db);
  if (!store) return tl::unexpected(store.error());
  return load_snapshot(**store, snapshot_cache_path(db));
}

int run_import(const std::string& db, ImportOptions options) {
  auto store = Store::open(db);
  if (!store) return print_error(store.error());
  auto lock = JobLock::try_take(**store, "daily_run");  // not while a run or an import runs
  if (!lock)
    return print_error(Error{"a daily run or an import is running; try again shortly", "", ""});
  auto result = import_ledger(**store, options);
  const auto& warnings = result ? result->warnings : result.error().warnings;
  for (const auto& warning : warnings) std::cerr << "warning: " << warning << '\n';
  if (!result) {
    for (const auto& error : result.error().errors) std::cerr << error.to_string() << '\n';
    const size_t total = result.error().total_errors;
    if (total > result.error().errors.size()) {
      std::cerr << fmt::format("… and {} more errors\n", total - result.error().errors.size());
    }
    std::cerr << fmt::format("{} error{}; nothing was imported\n", total, total == 1 ? "" : "s");
    return kBadInput;
  }
  // Leave a current snapshot beside the database so the next report starts at once.
  const std::string cache = snapshot_cache_path(db);
  if (result->snapshot && !cache.empty()) {
    save_snapshot_cache(cache, result->ledger_stamp, *result->snapshot);
  } else if (auto snapshot = load_snapshot(**store, cache); !snapshot) {
    return print_error(snapshot.error());
  }
  for (auto [name, counts] : {std::pair{"customers", result->customers},
                              {"invoices", result->invoices},
                              {"deliveries", result->deliveries},
                              {"payments", result->payments},
                              {"allocations", result->allocations}}) {
    std::cout << fmt::format("{:<12} {:>9} added {:>9} updated {:>9} unchanged\n", name,
                             counts.added, counts.updated, counts.unchanged);
  }
  return 0;
}

int run_aging(const ReportOptions& options, const std::string& as_of_text, const std::string& by,
              const std::string& buckets_text) {
  auto as_of = parse_date_option(as_of_text, "--as-of");
  if (!as_of) return print_error(as_of.error());
  auto group = parse_aging_group(by);
  if (!group) return print_error(group.error());
  auto buckets = buckets_text.empty() ? Result<AgingBuckets>(AgingBuckets{})
                                      : AgingBuckets::parse(buckets_text);
  if (!buckets) return print_error(buckets.error());
  auto format = parse_report_format(options.format);
  if (!format) return print_error(format.error());
  auto snapshot = open_snapshot(options.db);
  if (!snapshot) return print_error(snapshot.error());
  auto report = age(**snapshot, *as_of, *buckets, *group);
  if (!report) return print_error(report.error());
  auto written = write_report(*report, *format, options.out, std::cout);
  return written ? 0 : print_error(written.error());
}

struct KpiOptions {
  std::string from, to;
  std::string by;           // "" (per currency) or "variant"
  std::string policy_path;  // for --by variant; "" = the shipped policy
};

int run_kpi(const ReportOptions& options, const KpiOptions& kpi) {
  auto from = parse_date_option(kpi.from, "--from");
  if (!from) return print_error(from.error());
  auto to = parse_date_option(kpi.to, "--to");
  if (!to) return print_error(to.error());
  auto format = parse_report_format(options.format);
  if (!format) return print_error(format.error());
  if (!kpi.by.empty() && kpi.by != "variant") {
    return print_error(
        Error{fmt::format("'{}' is not a KPI grouping; use variant", kpi.by), "--by", ""});
  }
  auto snapshot = open_snapshot(options.db);
  if (!snapshot) return print_error(snapshot.error());
  std::optional<Policy> policy;  // only a grouping by variant needs one
  if (!kpi.by.empty()) {
    auto store = open_existing(options.db);
    if (!store) return print_error(store.error());
    auto loaded = policy_from_option(**store, kpi.policy_path);
    if (!loaded) return print_error(loaded.error());
    policy = std::move(*loaded);
  }
  auto report = policy ? compute_kpis(**snapshot, *from, *to, variant_groups(**snapshot, *policy))
                       : compute_kpis(**snapshot, *from, *to);
  if (!report) return print_error(report.error());
  auto written = write_report(*report, *format, options.out, std::cout);
  return written ? 0 : print_error(written.error());
}

int run_gen(GeneratorOptions options, const std::string& as_of_text, const std::string& out) {
  if (!as_of_text.empty()) {
    auto as_of = parse_date_option(as_of_text, "--as-of");
    if (!as_of) return print_error(as_of.error());
    options.as_of = *as_of;
  }
  auto counts = generate_ledger(options, out);
  if (!counts) return print_error(counts.error());
  std::cout << fmt::format(
      "{} customers, {} invoices, {} credit notes, {} delivery notes, {} payments, "
      "{} allocations in {}\n",
      counts->customers, counts->invoices, counts->credit_notes, counts->deliveries,
      counts->payments, counts->allocations, out);
  return 0;
}

void add_report_options(CLI::App& command, ReportOptions& options) {
  command.add_option("--db", options.db, "Ledger database (SQLite file)")->capture_default_str();
  command.add_option("--format", options.format, "table, csv, json or xlsx")->capture_default_str();
  command.add_option("--out", options.out, "Write to this file instead of standard output");
}

int run(int argc, char** argv) {
  CLI::App app{"Huikuan (回款): receivables collection"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "huikuan 0.1.0");

  std::string db = "data/huikuan.db";
  ImportOptions import_options;
  import_options.actor = cli_user();
  import_options.build_snapshot = true;
  auto* import = app.add_subcommand(
      "import",
      "Import customers, invoices, delivery notes, payments and allocations from CSV files");
  import->add_option("--db", db, "Ledger database (SQLite file)")->capture_default_str();
  import
      ->add_option("dir", import_options.dir,
                   fmt::format("Directory with any of {}", fmt::join(kLedgerFiles, ", ")))
      ->required();
  import->add_option("--encoding", import_options.encoding, "utf-8 or gb18030")
      ->capture_default_str();
  import->add_option("--actor", import_options.actor, "Who the changes are recorded as")
      ->capture_default_str();
  import
      ->add_option("--max-errors", import_options.max_errors,
                   "Errors listed before stopping the list")
      ->capture_default_str();

  auto* report = app.add_subcommand("report", "Reports over the ledger");
  report->require_subcommand(1);
  ReportOptions aging_options, kpi_options;
  KpiOptions kpi_request;
  std::string as_of, by = "customer", buckets;
  auto* aging = report->add_subcommand("aging", "Open receivables by days overdue, as of any date");
  add_report_options(*aging, aging_options);
  aging->add_option("--as-of", as_of, "Age as of this date (YYYY-MM-DD)")->required();
  aging->add_option("--by", by, "customer, collector, region, industry or currency")
      ->capture_default_str();
  aging->add_option("--buckets", buckets,
                    "Upper bounds of the overdue buckets in days (default 30,60,90,180,365)");
  auto* kpi = report->add_subcommand(
      "kpi", "DSO, best possible DSO, average days delinquent, CEI, overdue rate");
  add_report_options(*kpi, kpi_options);
  kpi->add_option("--from", kpi_request.from, "First day of the period (YYYY-MM-DD)")->required();
  kpi->add_option("--to", kpi_request.to, "Last day of the period (YYYY-MM-DD)")->required();
  kpi->add_option("--by", kpi_request.by,
                  "variant: one row per champion/challenger variant and currency");
  kpi->add_option("--policy", kpi_request.policy_path,
                  "With --by variant: the policy defining the variants (default: the shipped "
                  "config/policy.toml)");

  GeneratorOptions gen_options;
  std::string gen_out, gen_as_of;
  auto* gen = app.add_subcommand("gen", "Generate a realistic demo ledger in the import format");
  gen->add_option("--customers", gen_options.customers, "Number of customers")->required();
  gen->add_option("--seed", gen_options.seed, "Random seed: same seed, same files")
      ->capture_default_str();
  gen->add_option("--invoices-per-customer", gen_options.invoices_per_customer,
                  "Average invoices per customer")
      ->capture_default_str();
  gen->add_option("--as-of", gen_as_of, "The ledger's today (default 2026-06-30)");
  gen->add_flag("!--no-deliveries", gen_options.deliveries,
                "Leave out deliveries.csv (the delivery notes the invoices bill)");
  gen->add_option("--out", gen_out, "Directory to write the CSV files to")->required();

  CollectionCommands collection_commands(app);
  AssignCommand assign_command(app);
  IdentityCommands identity_commands(app);
  MessageCommands message_commands(app);
  DatabaseCommands database_commands(app);
  ServeCommand serve_command(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kBadInput;
  }
  try {
    if (*import) return run_import(db, import_options);
    if (*aging) return run_aging(aging_options, as_of, by, buckets);
    if (*kpi) return run_kpi(kpi_options, kpi_request);
    if (*gen) return run_gen(gen_options, gen_as_of, gen_out);
    if (auto code = collection_commands.run()) return *code;
    if (auto code = assign_command.run()) return *code;
    if (auto code = identity_commands.run()) return *code;
    if (auto code = message_commands.run()) return *code;
    if (auto code = database_commands.run()) return *code;
    if (auto code = serve_command.run()) return *code;
  } catch (const std::exception& e) {
    std::cerr << "huikuan: " << e.what() << '\n';
    return kFailure;
  }
  return kFailure;
}

}  // namespace
}  // namespace huikuan

int main(int argc, char** argv) {
  return huikuan::run(argc, argv);
}

#include "app/collection_commands.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/cli_common.h"
#include "core/money.h"
#include "io/table.h"
#include "service/collection_output.h"
#include "service/job_lock.h"
#include "service/snapshot_loader.h"

namespace huikuan {

CollectionCommands::CollectionCommands(CLI::App& app) : actor_(cli_user()) {
  auto common = [&](CLI::App* command) {
    command->add_option("--db", db_, "Ledger database (SQLite file)")->capture_default_str();
    command->add_option("--actor", actor_, "Who the entry is recorded as")->capture_default_str();
    command->add_option("--now", now_,
                        "Record as of this time (ISO 8601 with offset; default: now)");
  };
  auto listing = [&](CLI::App* command) {
    command->add_option("--db", db_, "Ledger database (SQLite file)")->capture_default_str();
    command->add_option("--format", format_, "table, csv or json")->capture_default_str();
    command->add_option("--customer", customer_filter_, "Only this customer");
    command->add_option("--now", now_, "Judge deadlines as of this time (default: now)");
  };

  auto* contact = app.add_subcommand("contact", "Record and list contacts with customers");
  contact->require_subcommand(1);
  contact_add_ =
      contact->add_subcommand("add", "Record a contact: call, email, SMS, visit or letter");
  common(contact_add_);
  contact_add_->add_option("--customer", contact_.customer_id, "Customer id")->required();
  contact_add_->add_option("--channel", contact_.channel, "phone, email, sms, visit or letter")
      ->required();
  contact_add_->add_option("--at", contact_.at, "When (ISO 8601 with offset)")->required();
  contact_add_
      ->add_option("--outcome", contact_.outcome,
                   "reached, no_answer, busy, left_message, "
                   "wrong_number, promise_to_pay, refused, "
                   "disputed, callback or paid")
      ->required();
  contact_add_->add_option("--note", contact_.note, "What was said");
  contact_list_ = contact->add_subcommand("list", "List recorded contacts");
  listing(contact_list_);

  auto* promise = app.add_subcommand("promise", "Record and list promises to pay");
  promise->require_subcommand(1);
  promise_add_ = promise->add_subcommand("add", "Record a promise to pay");
  common(promise_add_);
  promise_add_->add_option("--customer", promise_.customer_id, "Customer id")->required();
  promise_add_->add_option("--amount", promise_.amount, "Amount promised (decimal)")->required();
  promise_add_->add_option("--currency", promise_currency_, "Currency (default: the customer's)");
  promise_add_->add_option("--date", promise_.date, "Promised payment date (YYYY-MM-DD)")
      ->required();
  promise_add_->add_option("--invoice", promise_.invoice_ids,
                           "Invoice the promise covers (repeatable)");
  promise_list_ = promise->add_subcommand("list", "List promises to pay");
  listing(promise_list_);

  auto* plan = app.add_subcommand("plan", "Agree, list and cancel payment plans (installments)");
  plan->require_subcommand(1);
  plan_add_ = plan->add_subcommand(
      "add", "Agree a payment plan: its installments replace the invoices' due dates");
  common(plan_add_);
  plan_add_->add_option("--customer", plan_.customer_id, "Customer id")->required();
  plan_add_->add_option("--invoice", plan_.invoice_ids, "Invoice the plan covers (repeatable)")
      ->required();
  plan_add_
      ->add_option("--installment", installments_,
                   "DATE=AMOUNT, e.g. 2026-07-31=5000.00 (repeatable, in date order)")
      ->required();
  plan_add_->add_option("--note", plan_.note, "Terms agreed");
  plan_list_ = plan->add_subcommand("list", "List payment plans and their installments");
  listing(plan_list_);
  plan_cancel_ = plan->add_subcommand("cancel", "Cancel an open payment plan");
  common(plan_cancel_);
  plan_cancel_->add_option("--id", plan_id_, "Payment plan id")->required();

  auto* dispute = app.add_subcommand("dispute", "Open, resolve and list disputes");
  dispute->require_subcommand(1);
  dispute_add_ = dispute->add_subcommand("add", "Open a dispute on part of an invoice");
  common(dispute_add_);
  dispute_add_->add_option("--invoice", dispute_.invoice_id, "Invoice id")->required();
  dispute_add_->add_option("--amount", dispute_.amount, "Disputed amount (decimal)")->required();
  dispute_add_
      ->add_option("--reason", dispute_.reason,
                   fmt::format("One of: {}", fmt::join(dispute_reasons(), ", ")))
      ->required();
  dispute_add_->add_option("--note", dispute_.note, "Details");
  dispute_add_->add_option("--response-hours", response_hours_, "Hours to answer")
      ->capture_default_str();
  dispute_resolve_ = dispute->add_subcommand("resolve", "Resolve an open dispute");
  common(dispute_resolve_);
  dispute_resolve_->add_option("--id", dispute_id_, "Dispute id")->required();
  dispute_resolve_->add_option("--resolution", resolution_, "upheld, rejected or credited")
      ->required();
  dispute_resolve_->add_option("--note", dispute_.note, "Details");
  dispute_list_ = dispute->add_subcommand("list", "List disputes with their response deadline");
  listing(dispute_list_);

  worklist_ = app.add_subcommand("worklist", "Customers to work today, best first, with why");
  worklist_->add_option("--db", db_, "Ledger database (SQLite file)")->capture_default_str();
  worklist_->add_option("--as-of", as_of_, "Work list for this date (YYYY-MM-DD)")->required();
  worklist_->add_option("--collector", collector_, "Only this collector's customers");
  worklist_->add_option("--policy", policy_path_,
                        "Policy file (default: the shipped config/policy.toml)");
  worklist_->add_option("--format", format_, "table or json")->capture_default_str();

  run_ = app.add_subcommand("run", "The daily collection run: plan the day's actions");
  common(run_);
  run_->add_option("--as-of", as_of_, "Plan for this date (YYYY-MM-DD)")->required();
  run_->add_option("--policy", policy_path_,
                   "Policy file (default: the shipped config/policy.toml)");
  run_->add_flag("--verbose", verbose_, "Log how long each phase of the run takes (stderr)");

  auto* actions = app.add_subcommand("actions", "List and work the actions the run planned");
  actions->require_subcommand(1);
  actions_list_ = actions->add_subcommand("list", "List actions");
  listing(actions_list_);
  actions_list_->add_option("--as-of", as_of_, "Only actions planned for this date");
  actions_complete_ = actions->add_subcommand("complete", "Mark an action done");
  actions_skip_ = actions->add_subcommand("skip", "Skip an action");
  for (auto* close : {actions_complete_, actions_skip_}) {
    common(close);
    close->add_option("--id", action_id_, "Action id")->required();
    close->add_option("--outcome", outcome_, "Outcome code (e.g. reached, sent, no_answer)");
  }
}

std::optional<int> CollectionCommands::run() {
  if (*contact_add_) return contact_add();
  if (*contact_list_) return contact_list();
  if (*promise_add_) return promise_add();
  if (*promise_list_) return promise_list();
  if (*plan_add_) return plan_add();
  if (*plan_list_) return plan_list();
  if (*plan_cancel_) return plan_cancel();
  if (*dispute_add_) return dispute_add();
  if (*dispute_resolve_) return dispute_resolve();
  if (*dispute_list_) return dispute_list();
  if (*worklist_) return worklist();
  if (*run_) return run_day();
  if (*actions_list_) return actions_list();
  if (*actions_complete_) return actions_close(ActionStatus::kDone);
  if (*actions_skip_) return actions_close(ActionStatus::kSkipped);
  return std::nullopt;
}

int CollectionCommands::contact_add() {
  auto actor = make_actor(actor_, now_);
  if (!actor) return print_error(actor.error());
  auto store = open_existing(db_);
  if (!store) return print_error(store.error());
  auto id = record_contact(**store, contact_, *actor);
  if (!id) return print_error(id.error());
  std::cout << fmt::format("contact {} recorded for {}\n", *id, contact_.customer_id);
  return 0;
}

int CollectionCommands::contact_list() {
  auto store = open_existing(db_);
  if (!store) return print_error(store.error());
  Table table{"", {"id", "customer_id", "channel", "at", "outcome", "note", "recorded_by"}, {}, {}};
  (*store)->read_contacts([&](const Contact& c) {
    if (!customer_filter_.empty() && c.customer_id != customer_filter_) return;
    table.rows.push_back(
        {std::to_string(c.id), c.customer_id, c.channel, c.at, c.outcome, c.note, c.recorded_by});
  });
  return print_tables({table}, format_);
}

int CollectionCommands::promise_add() {
  auto actor = make_actor(actor_, now_);
  if (!actor) return print_error(actor.error());
  auto store = open_existing(db_);
  if (!store) return print_error(store.error());
  if (!promise_currency_.empty()) promise_.currency = promise_currency_;
  auto id = record_promise(**store, promise_, *actor);
  if (!id) return print_error(id.error());
  std::cout << fmt::format("promise {} recorded for {}\n", *id, promise_.customer_id);
  return 0;
}

int CollectionCommands::promise_list() {
  auto store = open_existing(db_);
  if (!store) return print_error(store.error());
  Table table{"",
              {"id", "customer_id", "currency", "amount", "date", "invoice_ids", "status",
               "created_at", "recorded_by"},
              {},
              {}};
  (*store)->read_promises([&](const Promise& p) {
    if (!customer_filter_.empty() && p.customer_id != customer_filter_) return;
    table.rows.push_back({std::to_string(p.id), p.customer_id, std::string(p.currency.code_view()),
                          AmountCell{p.amount, p.currency.minor_digits},
                          p.promised_date.to_string(),
                          fmt::format("{}", fmt::join(p.invoice_ids, " ")),
                          promise_status_name(p.status), p.created_at, p.recorded_by});
  });
  return print_tables({table}, format_);
}

int CollectionCommands::plan_add() {
  auto actor = make_actor(actor_, now_);
  if (!actor) return print_error(actor.error());
  for (const auto& installment : installments_) {
    const size_t eq = installment.find('=');
    if (eq == std::string::npos) {
      return print_error(
          Error{fmt::format("'{}' is not DATE=AMOUNT", installment), "--installment", ""});
    }
    plan_.installments.emplace_back(installment.substr(0, eq), installment.substr(eq + 1));
  }
  auto store = open_existing(db_);
  if (!store) return print_error(store.error());
  auto id = record_plan(**store, plan_, *actor);
  if (!id) return print_error(id.error());
  const size_t count = plan_.installments.size();
  std::cout << fmt::format("payment plan {} agreed with {}: {} installment{}\n", *id,
                           plan_.customer_id, count, count == 1 ? "" : "s");
  return 0;
}

int CollectionCommands::plan_list() {
  auto store = open_existing(db_);
  if (!store) return print_error(store.error());
  Table table{"",
              {"id", "customer_id", "currency", "amount", "installments", "invoice_ids", "status",
               "created_at", "recorded_by"},
              {},
              {}};
  auto listed = [&](const PaymentPlan& p) {
    int64_t total = 0;
    std::vector<std::string> installments;
    for (const Installment& installment : p.installments) {
      total += installment.amount;
      installments.push_back(
          fmt::format("{}={}", installment.due.to_string(),
                      format_minor_units(installment.amount, p.currency.minor_digits)));
    }
    table.rows.push_back({std::to_string(p.id), p.customer_id, std::string(p.currency.code_view()),
                          AmountCell{total, p.currency.minor_digits},
                          fmt::format("{}", fmt::join(installments, " ")),
                          fmt::format("{}", fmt::join(p.invoice_ids, " ")),
                          plan_status_name(p.status), p.created_at, p.recorded_by});
  };
  if (customer_filter_.empty()) {
    (*store)->read_plans(listed);
  } else {
    (*store)->read_customer_plans(customer_filter_, listed);
  }
  return print_tables({table}, format_);
}

int CollectionCommands::plan_cancel() {
  auto actor = make_actor(actor_, now_);
  if (!actor) return print_error(actor.error());
  auto store = open_existing(db_);
  if (!store) return print_error(store.error());
  if (auto done = cancel_plan(**store, plan_id_, *actor); !done) return print_error(done.error());
  std::cout << fmt::format("payment plan {} cancelled\n", plan_id_);
  return 0;
}

int CollectionCommands::dispute_add() {
  auto actor = make_actor(actor_, now_);
  if (!actor) return print_error(actor.error());
  if (response_hours_ <= 0) return print_error(Error{"must be positive", "--response-hours", ""});
  auto store = open_existing(db_);
  if (!store) return print_error(store.error());
  auto id = open_dispute(**store, dispute_, response_hours_, *actor);
  if (!id) return print_error(id.error());
  std::cout << fmt::format("dispute {} opened on {}\n", *id, dispute_.invoice_id);
  return 0;
}

int CollectionCommands::dispute_resolve() {
  auto actor = make_actor(actor_, now_);
  if (!actor) return print_error(actor.error());
  auto store = open_existing(db_);
  if (!store) return print_error(store.error());
  auto done = resolve_dispute(**store, dispute_id_, resolution_, dispute_.note, *actor);
  if (!done) return print_error(done.error());
  std::cout << fmt::format("dispute {} resolved: {}\n", dispute_id_, resolution_);
  return 0;
}

int CollectionCommands::dispute_list() {
  auto actor = make_actor(actor_, now_);
  if (!actor) return print_error(actor.error());
  auto store = open_existing(db_);
  if (!store) return print_error(store.error());
  Table table{"",
              {"id", "invoice_id", "customer_id", "amount", "reason", "status", "opened_at",
               "respond_by", "sla", "resolution", "note"},
              {},
              {}};
  // Amounts are in the invoice's currency; look each invoice up once.
  (*store)->read_disputes([&](const Dispute& d) {
    if (!customer_filter_.empty() && d.customer_id != customer_filter_) return;
    auto invoice = (*store)->find_invoice(d.invoice_id);
    const int digits = invoice ? invoice->currency.minor_digits : 2;
    table.rows.push_back({std::to_string(d.id), d.invoice_id, d.customer_id,
                          AmountCell{d.amount, digits}, d.reason,
                          d.status == DisputeStatus::kOpen ? "open" : "resolved", d.opened_at,
                          d.respond_by, dispute_sla(d, actor->now), d.resolution, d.note});
  });
  return print_tables({table}, format_);
}

int CollectionCommands::worklist() {
  auto as_of = Date::parse(as_of_);
  if (!as_of) return print_error(Error{as_of.error().message, "--as-of", ""});
  if (format_ != "table" && format_ != "json") {
    return print_error(
        Error{fmt::format("'{}' is not one of table, json", format_), "--format", ""});
  }
  auto store = open_existing(db_);
  if (!store) return print_error(store.error());
  auto policy = this->policy(**store);
  if (!policy) return print_error(policy.error());
  auto snapshot = load_snapshot(**store, snapshot_cache_path(db_));
  if (!snapshot) return print_error(snapshot.error());
  const CollectionState state = load_collection_state(**store, **snapshot);
  auto items = build_worklist(**snapshot, state, *policy, *as_of,
                              collector_.empty() ? std::nullopt : std::optional(collector_));
  if (!items) return print_error(items.error());

  if (format_ == "json") {
    nlohmann::ordered_json json{{"as_of", as_of->to_string()},
                                {"items", nlohmann::ordered_json::array()}};
    for (const auto& item : *items) json["items"].push_back(worklist_item_json(item));
    std::cout << json.dump(2) << '\n';
    return 0;
  }
  Table table{"",
              {"customer_id", "name", "collector", "priority", "grade", "stage", "class",
               "currency", "collectible", "days", "next_action", "strategy"},
              {},
              {}};
  for (const auto& item : *items) {
    table.rows.push_back({item.customer_id, item.name, item.collector, NumberCell{item.priority, 2},
                          item.overdue_grade, item.stage, item.abc_class,
                          std::string(item.currency.code_view()),
                          AmountCell{item.collectible_amount, item.currency.minor_digits},
                          std::to_string(item.max_days_overdue),
                          (item.urgent ? "! " : "") + item.next_action, item.strategy});
  }
  write_text(std::cout, {table});
  return 0;
}

Result<Policy> CollectionCommands::policy(Store& store) const {
  return policy_from_option(store, policy_path_);
}

int CollectionCommands::run_day() {
  auto as_of = Date::parse(as_of_);
  if (!as_of) return print_error(Error{as_of.error().message, "--as-of", ""});
  auto actor = make_actor(actor_, now_);
  if (!actor) return print_error(actor.error());
  if (verbose_) {
    spdlog::set_default_logger(spdlog::stderr_color_mt("huikuan"));
    spdlog::set_level(spdlog::level::debug);
  }
  auto store = open_existing(db_);
  if (!store) return print_error(store.error());
  auto policy = this->policy(**store);
  if (!policy) return print_error(policy.error());
  auto lock = JobLock::try_take(**store, "daily_run");
  if (!lock)
    return print_error(Error{"a daily run or an import is running; try again shortly", "", ""});
  auto summary = run_daily(**store, snapshot_cache_path(db_), *policy, *as_of, *actor);
  if (!summary) return print_error(summary.error());
  size_t total = 0;
  for (const auto& [kind, count] : summary->actions) total += count;
  std::cout << fmt::format("{}: {} cases, {} actions planned, {} promises broken, {} messages\n",
                           as_of->to_string(), summary->cases, total, summary->broken_promises,
                           summary->messages);
  for (const auto& [kind, count] : summary->actions)
    std::cout << fmt::format("  {:<16} {:>9}\n", kind, count);
  return 0;
}

int CollectionCommands::actions_list() {
  std::optional<Date> day;
  if (!as_of_.empty()) {
    auto parsed = Date::parse(as_of_);
    if (!parsed) return print_error(Error{parsed.error().message, "--as-of", ""});
    day = *parsed;
  }
  auto store = open_existing(db_);
  if (!store) return print_error(store.error());
  Table table{"",
              {"id", "customer_id", "kind", "level", "channel", "scheduled_at", "invoice_ids",
               "amount", "currency", "template", "assigned_to", "status", "rule"},
              {},
              {}};
  nlohmann::ordered_json json{{"actions", nlohmann::ordered_json::array()}};
  (*store)->read_actions(day ? std::optional(*day + 1) : std::nullopt, true, [&](const Action& a) {
    if (day && a.planned_for != *day) return;
    if (!customer_filter_.empty() && a.customer_id != customer_filter_) return;
    if (format_ == "json") {
      json["actions"].push_back(action_json(a));
      return;
    }
    table.rows.push_back(
        {std::to_string(a.id), a.customer_id, action_kind_name(a.kind), std::to_string(a.level),
         a.channel, a.scheduled_at, fmt::format("{}", fmt::join(a.invoice_ids, " ")),
         AmountCell{a.amount, a.currency.minor_digits}, std::string(a.currency.code_view()),
         a.template_name, a.assigned_to, action_status_name(a.status), a.rule});
  });
  if (format_ == "json") {
    std::cout << json.dump(2) << '\n';
    return 0;
  }
  return print_tables({table}, format_);
}

int CollectionCommands::actions_close(ActionStatus status) {
  auto actor = make_actor(actor_, now_);
  if (!actor) return print_error(actor.error());
  auto store = open_existing(db_);
  if (!store) return print_error(store.error());
  auto done = close_action(**store, action_id_, status, outcome_, *actor);
  if (!done) return print_error(done.error());
  std::cout << fmt::format("action {} {}\n", action_id_, action_status_name(status));
  return 0;
}

}  // namespace huikuan

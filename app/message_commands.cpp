#include "app/message_commands.h"

#include <fmt/format.h>

#include <iostream>

#include "app/cli_common.h"
#include "core/file.h"
#include "service/messages.h"

namespace huikuan {
namespace {

Result<notify::NotifyConfig> load_notify_config(const std::string& path) {
  if (path.empty()) return notify::NotifyConfig{};
  auto text = read_file(path);
  if (!text) return tl::unexpected(text.error());
  return notify::parse_notify_config(*text, path);
}

Result<Date> day_or_today(const std::string& text, const std::string& option) {
  if (text.empty()) return local_now().local_date();
  auto day = Date::parse(text);
  if (!day) return tl::unexpected(Error{day.error().message, option, ""});
  return day;
}

int write_output(const std::string& out, const std::string& bytes, const std::string& what) {
  if (out.empty() || out == "-") {
    std::cout << bytes;
    return 0;
  }
  auto written = write_file(out, bytes);
  if (!written) return print_error(written.error());
  std::cerr << fmt::format("{} written to {}\n", what, out);
  return 0;
}

// What rendering a letter needs: the letterhead, the day, the ledger and the policy.
struct LetterInputs {
  notify::NotifyConfig config;
  Date day;
  std::unique_ptr<Store> store;
  Policy policy;
};

Result<LetterInputs> letter_inputs(const std::string& config_path, const std::string& as_of,
                                   const std::string& db, const std::string& policy_path) {
  LetterInputs in;
  auto config = load_notify_config(config_path);
  if (!config) return tl::unexpected(config.error());
  in.config = *std::move(config);
  auto day = day_or_today(as_of, "--as-of");
  if (!day) return tl::unexpected(day.error());
  in.day = *day;
  auto store = open_existing(db);
  if (!store) return tl::unexpected(store.error());
  in.store = *std::move(store);
  auto policy = policy_from_option(*in.store, policy_path);
  if (!policy) return tl::unexpected(policy.error());
  in.policy = *std::move(policy);
  return in;
}

}  // namespace

MessageCommands::MessageCommands(CLI::App& app) {
  auto db_option = [&](CLI::App* command) {
    command->add_option("--db", db_, "Ledger database (SQLite file)")->capture_default_str();
  };
  auto config_option = [&](CLI::App* command) {
    command->add_option("--config", config_,
                        "Server config TOML: [company] letterhead, [smtp], [sms], [im], [outbox]");
  };

  auto* letter = app.add_subcommand("letter", "Dunning letters as PDF");
  letter->require_subcommand(1);
  letter_render_ = letter->add_subcommand("render", "Render a planned action's letter as PDF");
  db_option(letter_render_);
  config_option(letter_render_);
  letter_render_->add_option("--action", action_id_, "Action id (huikuan actions list)")
      ->required();
  letter_render_->add_option("--out", out_, "PDF file to write")->required();
  letter_render_->add_option("--policy", policy_path_, "Policy file (default: the one in force)");

  statement_ = app.add_subcommand("statement", "A customer's statement of account as PDF");
  db_option(statement_);
  config_option(statement_);
  statement_->add_option("--customer", customer_, "Customer id")->required();
  statement_->add_option("--as-of", as_of_, "Statement date (default today)");
  statement_->add_option("--out", out_, "PDF file to write")->required();
  statement_->add_option("--policy", policy_path_, "Policy file (default: the one in force)");

  auto* outbox = app.add_subcommand("outbox", "Messages waiting, sent and failed");
  outbox->require_subcommand(1);
  outbox_send_ = outbox->add_subcommand(
      "send", "Deliver the due messages once (serve does this every [outbox] send_interval)");
  db_option(outbox_send_);
  outbox_send_->add_option("--config", config_, "Server config TOML with [smtp], [sms], [im]")
      ->required();
  outbox_send_->add_option("--now", now_, "Send as of this time (ISO 8601; default: the clock)");
  outbox_send_->add_option("--limit", limit_, "At most this many messages")->capture_default_str();
  outbox_send_->add_option("--policy", policy_path_, "Policy file (default: the one in force)");
  outbox_list_ = outbox->add_subcommand("list", "List messages, newest first");
  db_option(outbox_list_);
  outbox_list_->add_option("--status", status_, "pending, sending, sent, failed or cancelled");
  outbox_list_->add_option("--customer", customer_, "Only this customer's messages");
  outbox_list_->add_option("--limit", limit_, "At most this many")->capture_default_str();
  outbox_list_->add_option("--format", format_, "table, csv or json")->capture_default_str();

  evidence_ = app.add_subcommand(
      "evidence", "A customer's evidence bundle: claims, limitation deadlines, delivered demands");
  db_option(evidence_);
  config_option(evidence_);
  evidence_->add_option("--customer", customer_, "Customer id")->required();
  evidence_->add_option("--format", format_, "json or pdf")->required();
  evidence_->add_option("--as-of", as_of_, "Date the deadlines are counted from (default today)");
  evidence_->add_option("--out", out_, "File to write (default: standard output)");

  auto* tmpl = app.add_subcommand("template", "Message templates (config/templates)");
  tmpl->require_subcommand(1);
  template_list_ = tmpl->add_subcommand("list", "The templates in force and where they come from");
  db_option(template_list_);
  template_check_ = tmpl->add_subcommand("check", "Validate template files (NAME.LANG.mustache)");
  template_check_->add_option("files", files_, "Template files")->required();
  template_set_ = tmpl->add_subcommand("set", "Replace a template (validated, versioned, audited)");
  db_option(template_set_);
  template_set_->add_option("name", name_, "Template name, e.g. letter_2_formal")->required();
  template_set_->add_option("--language", language_, "zh-CN or en")->capture_default_str();
  template_set_->add_option("--file", file_, "The new text")->required();
  template_preview_ = tmpl->add_subcommand("preview", "Render a template for a customer");
  db_option(template_preview_);
  config_option(template_preview_);
  template_preview_->add_option("name", name_, "Template name")->required();
  template_preview_->add_option("--language", language_, "zh-CN or en")->capture_default_str();
  template_preview_->add_option("--customer", customer_, "Customer id")->required();
  template_preview_->add_option("--as-of", as_of_, "Letter date (default today)");
  template_preview_->add_option("--out", out_, "Write a PDF here instead of the text to stdout");
}

std::optional<int> MessageCommands::run() {
  if (*letter_render_) return letter_render();
  if (*statement_) return statement();
  if (*outbox_send_) return outbox_send();
  if (*outbox_list_) return outbox_list();
  if (*evidence_) return evidence();
  if (*template_list_) return template_list();
  if (*template_check_) return template_check();
  if (*template_set_) return template_set();
  if (*template_preview_) return template_preview();
  return std::nullopt;
}

int MessageCommands::letter_render() {
  auto in = letter_inputs(config_, "", db_, policy_path_);
  if (!in) return print_error(in.error());
  auto pdf = render_action_letter(*in->store, in->policy, company_details(in->config), action_id_);
  if (!pdf) return print_error(pdf.error());
  return write_output(out_, *pdf, fmt::format("letter of action {}", action_id_));
}

int MessageCommands::statement() {
  auto in = letter_inputs(config_, as_of_, db_, policy_path_);
  if (!in) return print_error(in.error());
  auto pdf =
      render_statement(*in->store, in->policy, company_details(in->config), customer_, in->day);
  if (!pdf) return print_error(pdf.error());
  return write_output(out_, *pdf, "statement of " + customer_);
}

int MessageCommands::outbox_send() {
  auto config = load_notify_config(config_);
  if (!config) return print_error(config.error());
  auto actor = make_actor("outbox", now_);
  if (!actor) return print_error(actor.error());
  auto store = open_existing(db_);
  if (!store) return print_error(store.error());
  auto policy = policy_from_option(**store, policy_path_);
  if (!policy) return print_error(policy.error());
  auto summary = send_due_messages(**store, *policy, *config, *actor, limit_);
  if (!summary) return print_error(summary.error());
  std::cout << fmt::format(
      "{} sent, {} to retry, {} failed, {} cancelled, {} postponed, {} without a configured "
      "channel\n",
      summary->sent, summary->retried, summary->failed, summary->cancelled, summary->postponed,
      summary->unconfigured);
  return summary->failed > 0 ? kFailure : 0;
}

int MessageCommands::outbox_list() {
  std::optional<OutboxStatus> status;
  if (!status_.empty()) {
    status = parse_outbox_status(status_);
    if (!status)
      return print_error(
          Error{"must be pending, sending, sent, failed or cancelled", "--status", status_});
  }
  auto store = open_existing(db_);
  if (!store) return print_error(store.error());
  std::optional<int64_t> customer_key;
  if (!customer_.empty()) {
    auto customer = (*store)->find_customer(customer_);
    if (!customer) return print_error(Error{"no such customer", "--customer", customer_});
    customer_key = customer->id;
  }
  Table table{"",
              {"id", "action", "customer_id", "channel", "template", "recipient", "status",
               "attempts", "not_before", "sent_at", "last_error"},
              {},
              {}};
  (*store)->read_outbox({status, customer_key, std::nullopt, limit_}, [&](const OutboxMessage& m) {
    table.rows.push_back({std::to_string(m.id), m.action_id ? std::to_string(*m.action_id) : "",
                          m.customer_id, m.channel, m.template_name, m.recipient,
                          outbox_status_name(m.status), std::to_string(m.attempts),
                          Timestamp::at(m.not_before).to_string(), m.sent_at, m.last_error});
  });
  Table counts{"", {"status", "messages"}, {}, {}};
  for (const auto& [name, count] : (*store)->count_outbox())
    counts.rows.push_back({name, std::to_string(count)});
  return print_tables({table, counts}, format_);
}

int MessageCommands::evidence() {
  if (format_ != "json" && format_ != "pdf")
    return print_error(Error{"must be json or pdf", "--format", format_});
  auto config = load_notify_config(config_);
  if (!config) return print_error(config.error());
  auto day = day_or_today(as_of_, "--as-of");
  if (!day) return print_error(day.error());
  auto store = open_existing(db_);
  if (!store) return print_error(store.error());
  auto bundle = format_ == "json"
                    ? evidence_json(**store, customer_, *day)
                    : evidence_pdf(**store, company_details(*config), customer_, *day);
  if (!bundle) return print_error(bundle.error());
  if (format_ == "json") bundle->push_back('\n');
  return write_output(out_, *bundle, "evidence of " + customer_);
}

int MessageCommands::template_list() {
  auto store = open_existing(db_);
  if (!store) return print_error(store.error());
  auto set = TemplateSet::load(**store);
  if (!set) return print_error(set.error());
  Table table{"", {"name", "language", "source", "edited_at", "edited_by"}, {}, {}};
  for (const auto& [key, entry] : set->entries()) {
    table.rows.push_back({entry.name, entry.language, entry.stored ? "edited" : "shipped",
                          entry.stored ? entry.stored->created_at : "",
                          entry.stored ? entry.stored->created_by : ""});
  }
  return print_tables({table}, "table");
}

int MessageCommands::template_check() {
  int failures = 0;
  for (const std::string& path : files_) {
    auto text = read_file(path);
    auto parsed = text ? MessageTemplate::parse(*text, path) : tl::unexpected(text.error());
    if (!parsed) {
      print_error(parsed.error());
      ++failures;
    }
  }
  if (failures == 0) std::cout << fmt::format("{} templates valid\n", files_.size());
  return failures == 0 ? 0 : kBadInput;
}

int MessageCommands::template_set() {
  auto text = read_file(file_);
  if (!text) return print_error(text.error());
  auto actor = make_actor(cli_user(), "");
  if (!actor) return print_error(actor.error());
  auto store = open_existing(db_);
  if (!store) return print_error(store.error());
  auto version = replace_template(**store, name_, language_, *text, *actor);
  if (!version) return print_error(version.error());
  std::cout << fmt::format("template {}.{} version {} ({})\n", name_, language_, version->id,
                           version->sha256.substr(0, 12));
  return 0;
}

int MessageCommands::template_preview() {
  auto in = letter_inputs(config_, as_of_, db_, policy_path_);
  if (!in) return print_error(in.error());
  Store& store = *in->store;
  const CompanyDetails company = company_details(in->config);
  auto set = TemplateSet::load(store);
  if (!set) return print_error(set.error());
  const MessageTemplate* tmpl = set->find(name_, language_);
  if (!tmpl) return print_error(Error{"no such template", "name", name_});
  auto customer = store.find_customer(customer_);
  if (!customer) return print_error(Error{"no such customer", "--customer", customer_});
  auto facts = letter_facts(store, in->policy, company, *customer, {}, in->day);
  if (!facts) return print_error(facts.error());
  facts->language = language_;
  facts->reference = fmt::format("PREVIEW-{}", customer_);
  const RenderedMessage message = tmpl->render(*facts);
  if (out_.empty()) {
    if (!message.subject.empty()) std::cout << "Subject: " << message.subject << "\n\n";
    std::cout << message.body;
    return 0;
  }
  auto pdf = letter_pdf(message, company, language_);
  if (!pdf) return print_error(pdf.error());
  return write_output(out_, *pdf, "preview");
}

}  // namespace huikuan

#include "service/messages.h"

#include <fmt/format.h>
#include <signal.h>
#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <nlohmann/json.hpp>
#include <set>

#include "core/digest.h"
#include "core/money.h"
#include "core/personal_data.h"
#include "engine/compliance.h"
#include "engine/letter.h"
#include "io/pdf_document.h"
#include "notify/email.h"
#include "notify/webhook.h"
#include "service/collections.h"
#include "service/job_lock.h"

namespace huikuan {
namespace {

// Days a letter gives the customer to pay, by level (0 = reminders and follow-ups).
int32_t days_to_pay(int32_t level) {
  switch (level) {
    case 0:
    case 1:
      return 10;
    case 2:
      return 7;
    default:
      return 5;
  }
}

bool is_letter(ActionKind kind) {
  return kind == ActionKind::kLetter || kind == ActionKind::kLawyerLetter;
}

std::string utc_iso(int64_t seconds) {
  return Timestamp::at(seconds).to_string();
}

// "Tue, 24 Nov 2026 08:00:00 +0000"
std::string rfc5322_date(int64_t seconds) {
  const Date day(static_cast<int32_t>(seconds / 86400));
  static constexpr const char* kDays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto ymd = day.ymd();
  const int64_t s = seconds % 86400;
  return fmt::format("{}, {:02} {} {} {:02}:{:02}:{:02} +0000", kDays[day.iso_weekday() - 1],
                     static_cast<unsigned>(ymd.day()),
                     kMonths[static_cast<unsigned>(ymd.month()) - 1], static_cast<int>(ymd.year()),
                     s / 3600, s / 60 % 60, s % 60);
}

std::string this_host() {
  const std::string me = this_process();
  return me.substr(0, me.rfind(':'));
}

// Whether the sender named in `claimed_by` ("host:pid") is a process of this machine that is
// gone: its claim can be taken over at once instead of waiting for the lease to run out.
bool claimant_dead(const std::string& claimed_by) {
  const size_t colon = claimed_by.rfind(':');
  if (colon == std::string::npos || claimed_by.substr(0, colon) != this_host()) return false;
  const long pid = std::strtol(claimed_by.c_str() + colon + 1, nullptr, 10);
  if (pid <= 0) return false;
  return kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

ChangeRecord outbox_change(const Actor& actor, const OutboxMessage& m, const std::string& from,
                           const std::string& to) {
  return change_by(actor, "outbox", std::to_string(m.id), "status", from, to, "outbox");
}

// The open collectible amount (open minus disputed) of invoices `keys` on `day`.
int64_t collectible(Store& store, const std::vector<int64_t>& keys, Date day) {
  int64_t sum = 0;
  for (int64_t key : keys) sum += store.invoice_open(key, day) - store.disputed_open(key);
  return sum;
}

}  // namespace

// ---- templates ----

Result<TemplateSet> TemplateSet::load(Store& store) {
  TemplateSet set;
  for (const auto& [key, text] : shipped_templates()) {
    auto parsed = MessageTemplate::parse(text, key);
    if (!parsed) return tl::unexpected(parsed.error());
    const size_t dot = key.find('.');
    set.entries_.emplace(
        key, Entry{key.substr(0, dot), key.substr(dot + 1), *std::move(parsed), std::nullopt});
  }
  std::optional<Error> error;
  store.read_latest_templates([&](const TemplateVersion& v) {
    const std::string key = v.name + "." + v.language;
    auto parsed = MessageTemplate::parse(v.text, key);
    if (!parsed) {
      if (!error) error = parsed.error();
      return;
    }
    set.entries_.insert_or_assign(key, Entry{v.name, v.language, *std::move(parsed), v});
  });
  if (error) return tl::unexpected(*error);
  return set;
}

const MessageTemplate* TemplateSet::find(const std::string& name,
                                         const std::string& language) const {
  auto found = entries_.find(name + "." + language);
  if (found == entries_.end()) found = entries_.find(name + (language == "en" ? ".zh-CN" : ".en"));
  return found == entries_.end() ? nullptr : &found->second.parsed;
}

Result<TemplateVersion> replace_template(Store& store, const std::string& name,
                                         const std::string& language, const std::string& text,
                                         const Actor& actor) {
  if (language != "zh-CN" && language != "en")
    return tl::unexpected(Error{"must be zh-CN or en", "language", {}});
  if (!shipped_templates().contains(name + ".zh-CN") && !shipped_templates().contains(name + ".en"))
    return tl::unexpected(Error{"no such template", "name", name});
  auto parsed = MessageTemplate::parse(text, name + "." + language);
  if (!parsed) return tl::unexpected(parsed.error());
  TemplateVersion version{0,         name, language, text, sha256_hex(text), actor.now.to_string(),
                          actor.name};
  std::string before;
  auto done = store.transaction([&]() -> Result<void> {
    auto set = TemplateSet::load(store);
    if (set) {
      auto found = set->entries().find(name + "." + language);
      if (found != set->entries().end()) before = sha256_hex(found->second.parsed.text());
    }
    version.id = store.insert_template_version(version);
    const ChangeRecord change = change_by(actor, "template", name + "." + language, "sha256",
                                          before, version.sha256, "api");
    store.insert_changes({&change, 1});
    return {};
  });
  if (!done) return tl::unexpected(done.error());
  return version;
}

// ---- letters ----

CompanyDetails company_details(const notify::NotifyConfig& config) {
  if (!config.company) return {};
  const notify::Company& c = *config.company;
  return {c.name, c.address, c.phone, c.email, c.bank_name, c.bank_account, c.contact_person};
}

std::vector<ClaimDeadline> claim_deadlines(Store& store, const Customer& customer, Date day) {
  std::vector<Invoice> invoices;
  store.read_customer_documents(customer.id, [&](const Invoice& i) {
    if (i.doc_type == DocType::kInvoice) invoices.push_back(i);
  });
  std::sort(invoices.begin(), invoices.end(),
            [](const Invoice& a, const Invoice& b) { return a.due_date < b.due_date; });
  // Restarts per invoice store id, with what caused them.
  std::map<int64_t, std::vector<std::pair<Date, std::string>>> restarts;
  std::vector<std::pair<Date, std::string>> all_invoices;  // promises naming no invoice
  store.read_customer_evidence(customer.id, false, [&](const Evidence& e) {
    if (!e.is_demand) return;
    auto at = Timestamp::parse(e.sent_at);
    if (!at) return;
    for (int64_t key : e.invoice_keys)
      restarts[key].emplace_back(at->local_date(), "demand " + at->local_date().to_string());
  });
  std::map<std::string, int64_t> key_of;
  for (const Invoice& i : invoices) key_of[i.external_id] = i.id;
  store.read_customer_promises(customer.external_id, [&](const Promise& p) {
    auto at = Timestamp::parse(p.created_at);
    if (!at) return;
    const std::pair<Date, std::string> event{at->local_date(),
                                             "promise " + at->local_date().to_string()};
    if (p.invoice_ids.empty()) all_invoices.push_back(event);
    for (const auto& id : p.invoice_ids)
      if (auto k = key_of.find(id); k != key_of.end()) restarts[k->second].push_back(event);
  });
  store.read_customer_allocations(customer.id, [&](const Allocation& a) {
    if (a.payment_id != 0 && a.date <= day)
      restarts[a.invoice_id].emplace_back(a.date, "part payment " + a.date.to_string());
  });
  std::map<int64_t, Date> last_installment;
  store.read_customer_plans(customer.external_id, [&](const PaymentPlan& plan) {
    if (plan.status != PlanStatus::kOpen || plan.installments.empty()) return;
    for (const auto& id : plan.invoice_ids) {
      if (auto k = key_of.find(id); k != key_of.end()) {
        Date& last = last_installment[k->second];
        last = std::max(last, plan.installments.back().due);
      }
    }
  });
  std::vector<ClaimDeadline> claims;
  for (const Invoice& i : invoices) {
    const int64_t open = store.invoice_open(i.id, day);
    if (open <= 0) continue;
    ClaimDeadline claim{i.external_id, i.due_date, open, std::string(i.currency.code_view()), {},
                        "due date"};
    Date start = i.due_date;
    auto consider = [&](Date at, const std::string& why) {
      if (at > start) {
        start = at;
        claim.restarted_by = why;
      }
    };
    if (auto plan = last_installment.find(i.id); plan != last_installment.end())
      consider(plan->second, "plan installment " + plan->second.to_string());
    for (const auto& [at, why] : restarts[i.id]) consider(at, why);
    for (const auto& [at, why] : all_invoices) consider(at, why);
    claim.deadline = limitation_deadline(start, std::nullopt, {});
    claims.push_back(std::move(claim));
  }
  return claims;
}

Result<LetterFacts> letter_facts(Store& store, const Policy& policy, const CompanyDetails& company,
                                 const Customer& customer, const std::vector<int64_t>& invoice_keys,
                                 Date day) {
  LetterFacts f;
  f.language = message_language(customer.language, customer.country);
  f.date = day;
  f.company = company;
  f.customer_id = customer.external_id;
  f.customer_name = customer.name;
  f.customer_email = customer.email;
  f.customer_phone = customer.phone;
  f.collector = customer.collector;
  std::map<std::string, Date> deadlines;
  for (const ClaimDeadline& claim : claim_deadlines(store, customer, day))
    deadlines[claim.invoice_id] = claim.deadline;
  std::vector<Invoice> invoices;
  store.read_customer_documents(customer.id, [&](const Invoice& i) {
    if (i.doc_type != DocType::kInvoice) return;
    if (invoice_keys.empty() ||
        std::find(invoice_keys.begin(), invoice_keys.end(), i.id) != invoice_keys.end())
      invoices.push_back(i);
  });
  std::sort(invoices.begin(), invoices.end(), [](const Invoice& a, const Invoice& b) {
    return std::tie(a.due_date, a.external_id) < std::tie(b.due_date, b.external_id);
  });
  for (const Invoice& i : invoices) {
    const int64_t open = store.invoice_open(i.id, day);
    if (open <= 0 && invoice_keys.empty()) continue;
    if (f.invoices.empty()) {
      f.currency = std::string(i.currency.code_view());
      f.currency_digits = i.currency.minor_digits;
    } else if (f.currency != i.currency.code_view()) {
      continue;  // a letter states one currency; the others get their own
    }
    LetterInvoice row;
    row.number = i.external_id;
    row.invoice_date = i.invoice_date;
    row.due_date = i.due_date;
    row.amount = i.amount;
    row.open = open;
    row.days_overdue = day - i.due_date;
    row.interest = late_interest(open, row.days_overdue, policy.late_interest);
    row.contract = i.contract_id;
    auto deadline = deadlines.find(i.external_id);
    row.limitation_deadline =
        deadline != deadlines.end() ? deadline->second : add_years(i.due_date, kLimitationYears);
    f.invoices.push_back(std::move(row));
  }
  f.deadline = day + days_to_pay(0);
  return f;
}

Result<std::string> letter_pdf(const RenderedMessage& letter, const CompanyDetails& company,
                               const std::string& language) {
  auto blocks = parse_letter_text(letter.body);
  if (!blocks) return tl::unexpected(blocks.error());
  PdfDocument document;
  document.letterhead = {company.name,  company.address,   company.phone,
                         company.email, company.bank_name, company.bank_account};
  document.title = letter.subject;
  document.language = language;
  document.blocks = *std::move(blocks);
  return render_pdf(document);
}

namespace {

// The facts of an action's message as of the day it was planned.
Result<std::pair<Customer, LetterFacts>> action_facts(Store& store, const Policy& policy,
                                                      const CompanyDetails& company,
                                                      const Action& action) {
  auto customer = store.find_customer_by_id(action.customer_key);
  if (!customer)
    return tl::unexpected(Error{"the action's customer no longer exists", "action", {}});
  auto facts =
      letter_facts(store, policy, company, *customer, action.invoice_keys, action.planned_for);
  if (!facts) return tl::unexpected(facts.error());
  facts->reference = fmt::format("HK-{}-{:06}", action.planned_for.year(), action.id);
  facts->level = action.level;
  facts->kind = action_kind_name(action.kind);
  facts->rule = action.rule;
  facts->collector = action.assigned_to;
  facts->deadline = action.planned_for + days_to_pay(action.level);
  return std::pair{*std::move(customer), *std::move(facts)};
}

}  // namespace

Result<std::string> render_action_letter(Store& store, const Policy& policy,
                                         const CompanyDetails& company, int64_t action_id) {
  auto action = store.find_action(action_id);
  if (!action) return tl::unexpected(Error{"no such action", "action", std::to_string(action_id)});
  auto templates = TemplateSet::load(store);
  if (!templates) return tl::unexpected(templates.error());
  auto facts = action_facts(store, policy, company, *action);
  if (!facts) return tl::unexpected(facts.error());
  const MessageTemplate* tmpl = templates->find(action->template_name, facts->second.language);
  if (!tmpl)
    return tl::unexpected(Error{"no template of that name", "template", action->template_name});
  return letter_pdf(tmpl->render(facts->second), company, facts->second.language);
}

Result<std::string> render_statement(Store& store, const Policy& policy,
                                     const CompanyDetails& company, const std::string& customer_id,
                                     Date day) {
  auto customer = store.find_customer(customer_id);
  if (!customer) return tl::unexpected(Error{"no such customer", "customer", customer_id});
  auto templates = TemplateSet::load(store);
  if (!templates) return tl::unexpected(templates.error());
  auto facts = letter_facts(store, policy, company, *customer, {}, day);
  if (!facts) return tl::unexpected(facts.error());
  facts->reference = fmt::format("ST-{}-{}", day.to_string(), customer_id);
  facts->kind = "statement";
  const MessageTemplate* tmpl = templates->find("statement", facts->language);
  if (!tmpl) return tl::unexpected(Error{"no template of that name", "template", "statement"});
  return letter_pdf(tmpl->render(*facts), company, facts->language);
}

// ---- the outbox ----

Result<size_t> plan_messages(Store& store, const Policy&, Date day, const Actor& actor) {
  store.cancel_orphaned_outbox(fmt::format("replaced by the run of {}", day.to_string()));
  // Which actions send something, and how. Calls and visits are work for a person.
  static const std::vector<std::pair<std::string, std::string>> kChannels{
      {"reminder", "email"},      {"email", "email"}, {"letter", "email"},
      {"lawyer_letter", "email"}, {"sms", "sms"},     {"internal_alert", "im"},
      {"legal_review", "im"}};
  // Message-IDs are <ACTION.TOKEN@huikuan>: the action id is unique in this database, the
  // run's random token across runs and databases.
  unsigned char random[8];
  randombytes_buf(random, sizeof random);
  std::string token;
  for (unsigned char c : random) token += fmt::format("{:02x}", c);
  return static_cast<size_t>(
      store.insert_outbox_for_actions(day, kChannels, actor.now.utc_seconds, token));
}

namespace {

// Renders a message written by the run: its template, for its action's facts as of the day the
// action was planned, in the customer's language (internal alerts in zh-CN). Letters get the
// letter's text for the PDF and the cover email's text as the body.
Result<void> render_message(Store& store, const Policy& policy, const TemplateSet& templates,
                            const CompanyDetails& company, const Action& action, OutboxMessage& m) {
  auto facts = action_facts(store, policy, company, action);
  if (!facts) return tl::unexpected(facts.error());
  m.language = m.channel == "im" ? "zh-CN" : facts->second.language;
  facts->second.language = m.language;
  const MessageTemplate* tmpl = templates.find(m.template_name, m.language);
  if (!tmpl) return tl::unexpected(Error{"no template of that name", "template", m.template_name});
  RenderedMessage rendered = tmpl->render(facts->second);
  if (is_letter(action.kind)) {
    m.letter = rendered.body;
    if (const MessageTemplate* cover = templates.find("letter_email", m.language))
      rendered = cover->render(facts->second);
  }
  m.subject = rendered.subject;
  m.body = rendered.body;
  store.set_outbox_content(m);
  return {};
}

}  // namespace

namespace {

// What the send-time check decided.
struct Gate {
  enum { kSend, kCancel, kPostpone } decision = kSend;
  std::string reason;
  int64_t until = 0;
};

Gate check_at_send(Store& store, const Policy& policy, const OutboxMessage& m,
                   const std::optional<Action>& action, int64_t now) {
  if (m.channel == "im") return {};  // internal: goes to staff, not to the debtor
  auto customer = store.find_customer_by_id(m.customer_key);
  if (!customer) return {Gate::kCancel, "the customer no longer exists"};
  if (!may_contact(customer->do_not_contact, customer->blacklisted))
    return {Gate::kCancel, customer->blacklisted ? "blacklisted" : "do_not_contact"};
  const Timestamp now_ts = Timestamp::at(now);
  if (action) {
    const int64_t left = collectible(store, action->invoice_keys, now_ts.local_date());
    if (left < action->amount) return {Gate::kCancel, "paid or disputed since planning"};
  }
  const ComplianceProfile* profile = compliance_profile_for(policy, customer->country);
  if (!profile) return {};
  auto rules = ContactRules::make(*profile, customer->timezone);
  if (!rules) return {Gate::kCancel, rules.error().to_string()};
  if (!rules->allowed(now)) {
    return {Gate::kPostpone, "outside the contact window", rules->first_slot(now).utc_seconds};
  }
  if (profile->max_calls_per_day) {
    const Timestamp local = rules->local(now);
    const int64_t midnight = now - (local.utc_seconds + int64_t{local.offset_minutes} * 60) % 86400;
    if (store.count_sent_outbox(m.customer_key, utc_iso(midnight)) >= *profile->max_calls_per_day) {
      return {Gate::kPostpone, "daily contact cap reached",
              rules->first_slot(midnight + 86400).utc_seconds};
    }
  }
  return {};
}

struct SendResult {
  notify::SendOutcome outcome;
  std::string content;  //!< exactly what went out
  std::string pdf;
};

SendResult deliver(const OutboxMessage& m, const notify::NotifyConfig& config,
                   const CompanyDetails& company, int64_t now) {
  SendResult d;
  if (m.channel == "email") {
    notify::Email email;
    email.from = config.smtp->from;
    email.to_address = m.recipient;
    email.subject = m.subject;
    email.text = m.body;
    email.message_id = m.message_id;
    email.date = rfc5322_date(now);
    if (!m.letter.empty()) {
      auto pdf = letter_pdf({m.subject, m.letter}, company, m.language);
      if (!pdf) {
        d.outcome = {false, true, "the letter could not be rendered: " + pdf.error().to_string()};
        return d;
      }
      d.pdf = *pdf;
      email.attachments.push_back({m.template_name + ".pdf", "application/pdf", *pdf});
    }
    d.content = notify::build_message(email);
    d.outcome = notify::send_email(*config.smtp, email);
  } else if (m.channel == "sms") {
    d.content = notify::sms_body(m.recipient, m.body, m.message_id);
    d.outcome = notify::send_sms(*config.sms, m.recipient, m.body, m.message_id);
  } else {
    d.content = m.body;
    d.outcome = notify::send_im(*config.im, m.body, {}, now * 1000);
  }
  return d;
}

int64_t longest_timeout(const notify::NotifyConfig& config) {
  int64_t seconds = 0;
  if (config.smtp) seconds = std::max<int64_t>(seconds, config.smtp->timeout.count());
  if (config.sms) seconds = std::max<int64_t>(seconds, config.sms->timeout.count());
  if (config.im) seconds = std::max<int64_t>(seconds, config.im->timeout.count());
  return seconds;
}

bool configured(const notify::NotifyConfig& config, const std::string& channel) {
  return channel == "email" ? config.smtp.has_value()
         : channel == "sms" ? config.sms.has_value()
                            : config.im.has_value();
}

}  // namespace

Result<SendSummary> send_due_messages(Store& store, const Policy& policy,
                                      const notify::NotifyConfig& config, const Actor& actor,
                                      int64_t limit) {
  SendSummary summary;
  const int64_t now = actor.now.utc_seconds;
  const std::string me = this_process();
  const CompanyDetails company = company_details(config);
  std::optional<TemplateSet> templates;  // loaded when the first message needs rendering
  // Claims left by senders that died on this machine are taken over at once.
  std::vector<int64_t> candidates;
  // Only the configured channels: messages of the others wait, and must not fill the batch.
  std::vector<std::string> channels, unconfigured;
  for (const char* channel : {"email", "sms", "im"})
    (configured(config, channel) ? channels : unconfigured).push_back(channel);
  if (!unconfigured.empty()) {
    store.read_outbox({std::nullopt, std::nullopt, now, limit, unconfigured},
                      [&](const OutboxMessage&) { ++summary.unconfigured; });
  }
  if (channels.empty()) return summary;
  store.read_outbox({OutboxStatus::kSending, std::nullopt, std::nullopt, limit, channels},
                    [&](const OutboxMessage& m) {
                      if (m.lease_until > now && claimant_dead(m.claimed_by))
                        candidates.push_back(m.id);
                    });
  store.read_outbox({std::nullopt, std::nullopt, now, limit, channels},
                    [&](const OutboxMessage& m) { candidates.push_back(m.id); });

  for (int64_t id : candidates) {
    std::optional<OutboxMessage> claimed;
    std::optional<Action> action;
    auto claim = store.transaction([&]() -> Result<void> {
      auto m = store.lock_outbox(id);
      if (!m) return {};  // gone, or another sender is claiming it right now
      const bool due = m->status == OutboxStatus::kPending && m->not_before <= now;
      const bool abandoned = m->status == OutboxStatus::kSending &&
                             (m->lease_until <= now || claimant_dead(m->claimed_by));
      if (!due && !abandoned) return {};  // another sender took it meanwhile
      if (m->action_id) action = store.find_action(*m->action_id);
      const Gate gate = check_at_send(store, policy, *m, action, now);
      std::vector<ChangeRecord> changes;
      if (gate.decision == Gate::kCancel) {
        changes.push_back(
            outbox_change(actor, *m, outbox_status_name(m->status), "cancelled: " + gate.reason));
        m->status = OutboxStatus::kCancelled;
        m->last_error = gate.reason;
        store.update_outbox(*m);
        if (action && action->status == ActionStatus::kPlanned) {
          store.close_action(action->id, ActionStatus::kSkipped, "cancelled: " + gate.reason,
                             actor.now.to_string(), actor.name);
        }
        store.insert_changes(changes);
        ++summary.cancelled;
        return {};
      }
      if (gate.decision == Gate::kPostpone) {
        m->status = OutboxStatus::kPending;
        m->not_before = gate.until;
        m->last_error = gate.reason;
        store.update_outbox(*m);
        ++summary.postponed;
        return {};
      }
      if (m->body.empty() && m->letter.empty()) {
        if (!action) return tl::unexpected(Error{"the message's action is gone", "outbox", {}});
        if (!templates) {
          auto loaded = TemplateSet::load(store);
          if (!loaded) return tl::unexpected(loaded.error());
          templates = *std::move(loaded);
        }
        auto rendered = render_message(store, policy, *templates, company, *action, *m);
        if (!rendered) {
          m->status = OutboxStatus::kFailed;
          m->last_error = rendered.error().to_string();
          store.update_outbox(*m);
          const ChangeRecord change =
              outbox_change(actor, *m, "pending", "failed: " + m->last_error);
          store.insert_changes({&change, 1});
          ++summary.failed;
          return {};
        }
      }
      m->status = OutboxStatus::kSending;
      m->attempts += 1;
      m->claimed_by = me;
      // Longer than any send can take (libcurl may wait twice the timeout), so a live
      // sender's claim never expires under it.
      m->lease_until = now + 2 * longest_timeout(config) + 60;
      store.update_outbox(*m);
      store.insert_outbox_attempt({m->id, m->attempts, actor.now.to_string(), "", "", ""});
      claimed = m;
      return {};
    });
    if (!claim) return tl::unexpected(claim.error());
    if (!claimed) continue;

    // Sent outside any transaction: the claim is committed first, so a crash from here on
    // leaves a 'sending' row that is sent again, with the same Message-ID, and never lost.
    const SendResult delivery = deliver(*claimed, config, company, now);
    OutboxMessage& m = *claimed;
    const std::string finished = Timestamp::at(now).to_string();
    auto record = store.transaction([&]() -> Result<void> {
      OutboxAttempt attempt{m.id, m.attempts, "", finished, "", delivery.outcome.response};
      std::vector<ChangeRecord> changes;
      if (delivery.outcome.delivered) {
        attempt.outcome = "delivered";
        m.status = OutboxStatus::kSent;
        m.sent_at = finished;
        m.last_error.clear();
        Evidence e;
        e.outbox_id = m.id;
        e.customer_key = m.customer_key;
        e.channel = m.channel;
        e.template_name = m.template_name;
        e.recipient = m.recipient;
        e.message_id = m.message_id;
        e.content = delivery.content;
        e.content_sha256 = sha256_hex(delivery.content);
        e.pdf = delivery.pdf;
        if (!delivery.pdf.empty()) e.pdf_sha256 = sha256_hex(delivery.pdf);
        e.planned_at = utc_iso(m.planned_at);
        e.sent_at = finished;
        e.response = delivery.outcome.response;
        e.is_demand = m.channel != "im";
        if (action) e.invoice_keys = action->invoice_keys;
        store.insert_evidence(e);
        if (action && action->status == ActionStatus::kPlanned) {
          store.close_action(action->id, ActionStatus::kDone, "sent", finished, actor.name);
        }
        changes.push_back(outbox_change(actor, m, "sending", "sent"));
        ++summary.sent;
      } else if (delivery.outcome.permanent || m.attempts >= config.outbox.max_attempts) {
        attempt.outcome = "failed";
        m.status = OutboxStatus::kFailed;
        m.last_error = delivery.outcome.response;
        changes.push_back(
            outbox_change(actor, m, "sending", "failed: " + delivery.outcome.response));
        ++summary.failed;
      } else {
        attempt.outcome = "retry";
        m.status = OutboxStatus::kPending;
        m.not_before =
            now + config.outbox.backoff.count() * (int64_t{1} << std::min(m.attempts - 1, 20));
        m.last_error = delivery.outcome.response;
        ++summary.retried;
      }
      m.claimed_by.clear();
      m.lease_until = 0;
      store.update_outbox(m);
      store.finish_outbox_attempt(attempt);
      if (!changes.empty()) store.insert_changes(changes);
      return {};
    });
    if (!record) return tl::unexpected(record.error());
  }
  return summary;
}

// ---- evidence ----

Result<std::string> evidence_json(Store& store, const std::string& customer_id, Date day) {
  auto customer = store.find_customer(customer_id);
  if (!customer) return tl::unexpected(Error{"no such customer", "customer", customer_id});
  nlohmann::ordered_json out;
  out["customer"] = {{"id", customer->external_id},
                     {"name", customer->name},
                     {"email", customer->email},
                     {"phone", customer->phone}};
  out["as_of"] = day.to_string();
  auto& claims = out["claims"] = nlohmann::ordered_json::array();
  for (const ClaimDeadline& c : claim_deadlines(store, *customer, day)) {
    auto currency = Currency::find(c.currency);
    claims.push_back({{"invoice", c.invoice_id},
                      {"due_date", c.due.to_string()},
                      {"open", format_minor_units(c.open, currency ? currency->minor_digits : 2)},
                      {"currency", c.currency},
                      {"limitation_deadline", c.deadline.to_string()},
                      {"restarted_by", c.restarted_by},
                      {"days_left", c.deadline - day}});
  }
  auto& messages = out["messages"] = nlohmann::ordered_json::array();
  store.read_customer_evidence(customer->id, false, [&](const Evidence& e) {
    nlohmann::ordered_json attempts = nlohmann::ordered_json::array();
    store.read_outbox_attempts(e.outbox_id, [&](const OutboxAttempt& a) {
      attempts.push_back({{"attempt", a.attempt},
                          {"started_at", a.started_at},
                          {"finished_at", a.finished_at},
                          {"outcome", a.outcome},
                          {"response", a.response}});
    });
    messages.push_back({{"id", e.id},
                        {"channel", e.channel},
                        {"template", e.template_name},
                        {"recipient", e.recipient},
                        {"message_id", e.message_id},
                        {"demand", e.is_demand},
                        {"planned_at", e.planned_at},
                        {"sent_at", e.sent_at},
                        {"server_response", e.response},
                        {"content_sha256", e.content_sha256},
                        {"pdf_sha256", e.pdf_sha256},
                        {"attempts", attempts}});
  });
  auto& contacts = out["contacts"] = nlohmann::ordered_json::array();
  store.read_customer_contacts(customer_id, [&](const Contact& c) {
    contacts.push_back({{"at", c.at},
                        {"channel", c.channel},
                        {"outcome", c.outcome},
                        {"note", c.note},
                        {"recorded_by", c.recorded_by}});
  });
  auto& promises = out["promises"] = nlohmann::ordered_json::array();
  store.read_customer_promises(customer_id, [&](const Promise& p) {
    promises.push_back({{"created_at", p.created_at},
                        {"promised_date", p.promised_date.to_string()},
                        {"amount", format_minor_units(p.amount, p.currency.minor_digits)},
                        {"currency", std::string(p.currency.code_view())},
                        {"invoices", p.invoice_ids},
                        {"status", promise_status_name(p.status)},
                        {"recorded_by", p.recorded_by}});
  });
  auto& disputes = out["disputes"] = nlohmann::ordered_json::array();
  store.read_customer_disputes(customer->id, [&](const Dispute& d) {
    disputes.push_back({{"invoice", d.invoice_id}, {"reason", d.reason}, {"note", d.note}});
  });
  return out.dump(2);
}

Result<std::string> evidence_pdf(Store& store, const CompanyDetails& company,
                                 const std::string& customer_id, Date day) {
  auto json_text = evidence_json(store, customer_id, day);
  if (!json_text) return tl::unexpected(json_text.error());
  const auto bundle = nlohmann::json::parse(*json_text);
  const auto customer = bundle["customer"];
  PdfDocument document;
  document.letterhead = {company.name,  company.address,   company.phone,
                         company.email, company.bank_name, company.bank_account};
  document.language = "zh-CN";
  document.title = fmt::format("证据材料 Evidence — {}", customer["name"].get<std::string>());
  auto heading = [&](std::string text) {
    document.blocks.push_back({PdfBlock::Kind::kHeading, std::move(text), {}});
  };
  auto paragraph = [&](std::string text) {
    document.blocks.push_back({PdfBlock::Kind::kParagraph, std::move(text), {}});
  };
  auto table = [&](PdfTable t) {
    document.blocks.push_back({PdfBlock::Kind::kTable, {}, std::move(t)});
  };
  heading(document.title);
  paragraph(fmt::format("客户 Customer: **{}** ({})\n截至 As of: {}",
                        customer["name"].get<std::string>(), customer["id"].get<std::string>(),
                        day.to_string()));
  heading("债权与诉讼时效 Claims and limitation deadlines");
  PdfTable claims{
      {"发票 Invoice", "到期 Due", "未付 Open", "时效届满 Lapses", "起算依据 Restarted by"},
      {},
      {false, false, true, false, false}};
  for (const auto& c : bundle["claims"]) {
    claims.rows.push_back({c["invoice"], c["due_date"],
                           c["currency"].get<std::string>() + " " + c["open"].get<std::string>(),
                           c["limitation_deadline"], c["restarted_by"]});
  }
  table(std::move(claims));
  heading("已送达的催收通知 Delivered demands");
  PdfTable messages{
      {"送达时间 Sent", "渠道 Channel", "收件人 Recipient", "模板 Template", "SHA-256"}, {}, {}};
  for (const auto& m : bundle["messages"]) {
    messages.rows.push_back({m["sent_at"], m["channel"], m["recipient"], m["template"],
                             m["content_sha256"].get<std::string>().substr(0, 16) + "…"});
  }
  table(std::move(messages));
  for (const auto& m : bundle["messages"]) {
    paragraph(
        fmt::format("{} · {} · Message-ID {}\nSHA-256 {}\n{}{}", m["sent_at"].get<std::string>(),
                    m["recipient"].get<std::string>(), m["message_id"].get<std::string>(),
                    m["content_sha256"].get<std::string>(),
                    m["pdf_sha256"].get<std::string>().empty()
                        ? ""
                        : "PDF SHA-256 " + m["pdf_sha256"].get<std::string>() + "\n",
                    "服务器回执 Server response: " + m["server_response"].get<std::string>()));
  }
  heading("联系记录 Contacts");
  PdfTable contacts{{"时间 At", "渠道 Channel", "结果 Outcome", "记录人 By"}, {}, {}};
  for (const auto& c : bundle["contacts"])
    contacts.rows.push_back({c["at"], c["channel"], c["outcome"], c["recorded_by"]});
  table(std::move(contacts));
  heading("还款承诺 Promises");
  PdfTable promises{{"记录 Recorded", "承诺日期 Date", "金额 Amount", "状态 Status"},
                    {},
                    {false, false, true, false}};
  for (const auto& p : bundle["promises"])
    promises.rows.push_back(
        {p["created_at"], p["promised_date"],
         p["currency"].get<std::string>() + " " + p["amount"].get<std::string>(), p["status"]});
  table(std::move(promises));
  return render_pdf(document);
}

}  // namespace huikuan

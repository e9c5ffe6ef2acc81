#include "service/collections.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "core/money.h"
#include "core/personal_data.h"
#include "engine/compliance.h"
#include "service/in_transaction.h"

namespace huikuan {
namespace {

bool one_of(const std::string& value, const std::vector<std::string>& allowed) {
  return std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

std::string list(const std::vector<std::string>& values) {
  return fmt::format("{}", fmt::join(values, ", "));
}

Result<Customer> existing_customer(Store& store, const std::string& id) {
  auto customer = store.find_customer(id);
  if (!customer) return fail(fmt::format("unknown customer '{}'", id), "--customer");
  return *customer;
}

void record_change(Store& store, const Actor& actor, const char* entity, int64_t id,
                   const std::string& old_status, const std::string& new_value) {
  const ChangeRecord change =
      change_by(actor, entity, std::to_string(id), "status", old_status, new_value, "cli");
  store.insert_changes({&change, 1});
  store.bump_collection_version();
}

}  // namespace

Result<int64_t> record_contact(Store& store, const ContactRequest& request, const Actor& actor) {
  if (!one_of(request.channel, contact_channels())) {
    return fail(fmt::format("'{}' is not one of {}", request.channel, list(contact_channels())),
                "--channel");
  }
  if (!one_of(request.outcome, contact_outcomes())) {
    return fail(fmt::format("'{}' is not one of {}", request.outcome, list(contact_outcomes())),
                "--outcome");
  }
  auto at = Timestamp::parse(request.at);
  if (!at) return fail(at.error().message, "--at");
  if (actor.now < *at) return fail(fmt::format("{} is in the future", request.at), "--at");
  return in_transaction<int64_t>(store, [&]() -> Result<int64_t> {
    auto customer = existing_customer(store, request.customer_id);
    if (!customer) return tl::unexpected(customer.error());
    Contact contact{0,
                    request.customer_id,
                    request.channel,
                    at->to_string(),
                    request.outcome,
                    request.note,
                    actor.name};
    const int64_t id = store.insert_contact(contact);
    // Every contact with a debtor is audited; a note may hold phones or e-mail addresses.
    const ChangeRecord change =
        change_by(actor, "contact", std::to_string(id), "contact", "",
                  fmt::format("{} {} at {}: {}{}", request.customer_id, request.channel, contact.at,
                              request.outcome,
                              request.note.empty() ? "" : " — " + mask_personal_data(request.note)),
                  "cli");
    store.insert_changes({&change, 1});
    return id;
  });
}

Result<int64_t> record_promise(Store& store, const PromiseRequest& request, const Actor& actor) {
  auto date = Date::parse(request.date);
  if (!date) return fail(date.error().message, "--date");
  const Date today = actor.now.local_date();
  if (*date < today) {
    return fail(fmt::format("{} is in the past (today is {})", request.date, today.to_string()),
                "--date");
  }
  return in_transaction<int64_t>(store, [&]() -> Result<int64_t> {
    auto customer = existing_customer(store, request.customer_id);
    if (!customer) return tl::unexpected(customer.error());
    const auto open = store.open_by_currency(customer->id, today);
    std::string code = request.currency.value_or(
        customer->currency ? std::string(customer->currency->code_view())
                           : (open.size() == 1 ? open.begin()->first : std::string()));
    if (code.empty())
      return fail("the customer owes in several currencies: name one", "--currency");
    auto currency = Currency::find(code);
    if (!currency) return fail(currency.error().message, "--currency");
    auto amount = Money::parse(request.amount, *currency);
    if (!amount) return fail(amount.error().message, "--amount");
    if (amount->minor() <= 0)
      return fail(fmt::format("'{}' is not positive", request.amount), "--amount");

    int64_t owed = open.contains(code) ? open.at(code) : 0;
    if (!request.invoice_ids.empty()) {
      owed = 0;
      for (const auto& invoice_id : request.invoice_ids) {
        auto invoice = store.find_invoice(invoice_id);
        if (!invoice || invoice->doc_type != DocType::kInvoice ||
            invoice->customer_id != customer->id) {
          return fail(fmt::format("'{}' is not an invoice of customer '{}'", invoice_id,
                                  request.customer_id),
                      "--invoice");
        }
        if (!(invoice->currency == *currency)) {
          return fail(fmt::format("invoice '{}' is in {}, the promise in {}", invoice_id,
                                  invoice->currency.code_view(), code),
                      "--invoice");
        }
        owed += store.invoice_open(invoice->id, today);
      }
    }
    if (amount->minor() > owed) {
      return fail(fmt::format("{} {} is more than the {} {} open today", amount->to_string(), code,
                              format_minor_units(owed, currency->minor_digits), code),
                  "--amount");
    }
    Promise promise;
    promise.customer_id = request.customer_id;
    promise.amount = amount->minor();
    promise.currency = *currency;
    promise.promised_date = *date;
    promise.invoice_ids = request.invoice_ids;
    promise.created_at = actor.now.to_string();
    promise.recorded_by = actor.name;
    const int64_t id = store.insert_promise(promise);
    record_change(store, actor, "promise", id, "",
                  fmt::format("open: {} {} by {} ({})", amount->to_string(), code,
                              date->to_string(), request.customer_id));
    return id;
  });
}

Result<int64_t> open_dispute(Store& store, const DisputeRequest& request, int response_hours,
                             const Actor& actor) {
  if (!one_of(request.reason, dispute_reasons())) {
    return fail(fmt::format("'{}' is not one of {}", request.reason, list(dispute_reasons())),
                "--reason");
  }
  return in_transaction<int64_t>(store, [&]() -> Result<int64_t> {
    auto invoice = store.find_invoice(request.invoice_id);
    if (!invoice || invoice->doc_type != DocType::kInvoice) {
      return fail(fmt::format("unknown invoice '{}'", request.invoice_id), "--invoice");
    }
    auto amount = Money::parse(request.amount, invoice->currency);
    if (!amount) return fail(amount.error().message, "--amount");
    if (amount->minor() <= 0)
      return fail(fmt::format("'{}' is not positive", request.amount), "--amount");
    const int64_t disputable =
        store.invoice_open(invoice->id, actor.now.local_date()) - store.disputed_open(invoice->id);
    if (amount->minor() > disputable) {
      return fail(fmt::format("{} is more than the {} of invoice '{}' open and not yet disputed",
                              amount->to_string(),
                              format_minor_units(disputable, invoice->currency.minor_digits),
                              request.invoice_id),
                  "--amount");
    }
    Dispute dispute;
    dispute.invoice_id = request.invoice_id;
    dispute.amount = amount->minor();
    dispute.reason = request.reason;
    dispute.note = request.note;
    dispute.opened_at = actor.now.to_string();
    dispute.respond_by = actor.now.plus_seconds(int64_t{response_hours} * 3600).to_string();
    dispute.recorded_by = actor.name;
    const int64_t id = store.insert_dispute(dispute);
    record_change(store, actor, "dispute", id, "",
                  fmt::format("open: {} {} of {} ({}), answer by {}", amount->to_string(),
                              invoice->currency.code_view(), request.invoice_id, request.reason,
                              dispute.respond_by));
    return id;
  });
}

Result<void> resolve_dispute(Store& store, int64_t dispute_id, const std::string& resolution,
                             const std::string& note, const Actor& actor) {
  const std::vector<std::string> resolutions{"upheld", "rejected", "credited"};
  if (!one_of(resolution, resolutions)) {
    return fail(fmt::format("'{}' is not one of {}", resolution, list(resolutions)),
                "--resolution");
  }
  return in_transaction<bool>(
             store,
             [&]() -> Result<bool> {
               auto dispute = store.find_dispute(dispute_id);
               if (!dispute) return fail(fmt::format("no dispute {}", dispute_id), "--id");
               if (dispute->status != DisputeStatus::kOpen) {
                 return fail(fmt::format("dispute {} was already resolved ({}) at {}", dispute_id,
                                         dispute->resolution, dispute->resolved_at),
                             "--id");
               }
               store.resolve_dispute(dispute_id, actor.now.to_string(), resolution, note);
               record_change(store, actor, "dispute", dispute_id, "open",
                             "resolved: " + resolution);
               return true;
             })
      .map([](bool) {});
}

Result<PaymentPlan> check_plan(Store& store, const PlanRequest& request, const Actor& actor) {
  if (request.invoice_ids.empty()) return fail("name the invoices the plan covers", "--invoice");
  if (request.installments.empty()) return fail("a plan needs installments", "--installment");
  const Date today = actor.now.local_date();
  auto customer = existing_customer(store, request.customer_id);
  if (!customer) return tl::unexpected(customer.error());
  // Invoices: the customer's, open, one currency, not already under an open plan.
  std::optional<Currency> currency;
  int64_t open = 0;
  std::vector<std::string> seen;
  std::vector<std::string> planned;
  store.read_customer_plans(request.customer_id, [&](const PaymentPlan& p) {
    if (p.status == PlanStatus::kOpen) {
      planned.insert(planned.end(), p.invoice_ids.begin(), p.invoice_ids.end());
    }
  });
  for (const auto& invoice_id : request.invoice_ids) {
    auto invoice = store.find_invoice(invoice_id);
    if (!invoice || invoice->doc_type != DocType::kInvoice ||
        invoice->customer_id != customer->id) {
      return fail(
          fmt::format("'{}' is not an invoice of customer '{}'", invoice_id, request.customer_id),
          "--invoice");
    }
    if (one_of(invoice_id, seen))
      return fail(fmt::format("'{}' is named twice", invoice_id), "--invoice");
    seen.push_back(invoice_id);
    if (one_of(invoice_id, planned)) {
      return fail(fmt::format("invoice '{}' is already under an open payment plan", invoice_id),
                  "--invoice");
    }
    if (currency && !(*currency == invoice->currency)) {
      return fail(fmt::format("invoice '{}' is in {}, the others in {}: one plan, one currency",
                              invoice_id, invoice->currency.code_view(), currency->code_view()),
                  "--invoice");
    }
    currency = invoice->currency;
    const int64_t invoice_open = store.invoice_open(invoice->id, today);
    if (invoice_open <= 0) {
      return fail(fmt::format("invoice '{}' has nothing open", invoice_id), "--invoice");
    }
    open += invoice_open;
  }
  // Installments: dated today or later, in order, positive, summing to the open amount.
  PaymentPlan plan;
  int64_t total = 0;
  for (const auto& [date_text, amount_text] : request.installments) {
    const std::string what = date_text + "=" + amount_text;
    auto date = Date::parse(date_text);
    if (!date) return fail(fmt::format("'{}': {}", what, date.error().message), "--installment");
    if (*date < today) {
      return fail(
          fmt::format("'{}': {} is in the past (today is {})", what, date_text, today.to_string()),
          "--installment");
    }
    if (!plan.installments.empty() && !(plan.installments.back().due < *date)) {
      return fail(fmt::format("'{}': installments must be in date order, one per date", what),
                  "--installment");
    }
    auto amount = Money::parse(amount_text, *currency);
    if (!amount)
      return fail(fmt::format("'{}': {}", what, amount.error().message), "--installment");
    if (amount->minor() <= 0)
      return fail(fmt::format("'{}': amount is not positive", what), "--installment");
    if (__builtin_add_overflow(total, amount->minor(), &total))
      return fail(fmt::format("'{}': the installments' sum is too large", what), "--installment");
    plan.installments.push_back({*date, amount->minor()});
  }
  if (total != open) {
    return fail(
        fmt::format("the installments sum to {} {}, the invoices' open amount is {} {}",
                    format_minor_units(total, currency->minor_digits), currency->code_view(),
                    format_minor_units(open, currency->minor_digits), currency->code_view()),
        "--installment");
  }
  plan.customer_id = request.customer_id;
  plan.currency = *currency;
  plan.invoice_ids = request.invoice_ids;
  plan.note = request.note;
  plan.created_at = actor.now.to_string();
  plan.recorded_by = actor.name;
  return plan;
}

int64_t write_plan(Store& store, const PaymentPlan& plan, const Actor& actor) {
  const int64_t id = store.insert_plan(plan);
  record_change(
      store, actor, "payment_plan", id, "",
      fmt::format("open: {} installments, {} {} from {} to {} ({})", plan.installments.size(),
                  format_minor_units(plan.total(), plan.currency.minor_digits),
                  plan.currency.code_view(), plan.installments.front().due.to_string(),
                  plan.installments.back().due.to_string(), plan.customer_id));
  return id;
}

Result<int64_t> record_plan(Store& store, const PlanRequest& request, const Actor& actor) {
  return in_transaction<int64_t>(store, [&]() -> Result<int64_t> {
    auto plan = check_plan(store, request, actor);
    if (!plan) return tl::unexpected(plan.error());
    return write_plan(store, *plan, actor);
  });
}

Result<void> cancel_plan(Store& store, int64_t plan_id, const Actor& actor) {
  return in_transaction<bool>(
             store,
             [&]() -> Result<bool> {
               const std::optional<PaymentPlan> plan = store.find_plan(plan_id);
               if (!plan) return fail(fmt::format("no payment plan {}", plan_id), "--id");
               if (plan->status != PlanStatus::kOpen) {
                 return fail(
                     fmt::format("payment plan {} is {}", plan_id, plan_status_name(plan->status)),
                     "--id");
               }
               store.set_plan_status(plan_id, PlanStatus::kCancelled);
               record_change(store, actor, "payment_plan", plan_id, "open", "cancelled");
               return true;
             })
      .map([](bool) {});
}

Result<Action> find_planned_action(Store& store, int64_t action_id) {
  auto action = store.find_action(action_id);
  if (!action) return fail(fmt::format("no action {}", action_id), "--id");
  if (action->status != ActionStatus::kPlanned) {
    return fail(
        fmt::format("action {} is already {}", action_id, action_status_name(action->status)),
        "--id");
  }
  return *action;
}

Result<Action> reschedule_action(Store& store, const Policy& policy, int64_t action_id,
                                 const std::string& date, const std::string& reason,
                                 const Actor& actor) {
  auto day = Date::parse(date);
  if (!day) return fail(day.error().message, "--date");
  const Date today = actor.now.local_date();
  if (*day < today) {
    return fail(fmt::format("{} is in the past (today is {})", date, today.to_string()), "--date");
  }
  return in_transaction<Action>(store, [&]() -> Result<Action> {
    auto action = find_planned_action(store, action_id);
    if (!action) return tl::unexpected(action.error());
    auto scheduled = Timestamp::parse(action->scheduled_at);
    if (!scheduled) return fail(scheduled.error().message, "scheduled_at");
    if (!(scheduled->local_date() < *day)) {
      return fail(fmt::format("{} is not after the action's day, {}", date,
                              scheduled->local_date().to_string()),
                  "--date");
    }
    const auto customer = store.find_customer(action->customer_id);
    const ComplianceProfile* profile =
        compliance_profile_for(policy, customer ? customer->country : std::string());
    if (!profile) return fail("the policy has no compliance profile", "compliance");
    auto rules = ContactRules::make(*profile, customer ? customer->timezone : std::string());
    if (!rules) rules = ContactRules::make(*profile, "");  // an unknown zone: the profile's
    if (!rules) return tl::unexpected(rules.error());
    if (!rules->calendar()->is_working_day(*day)) {
      return fail(
          fmt::format("{} is not a working day for customer '{}'; the next one is {}", date,
                      action->customer_id, rules->calendar()->next_working_day(*day).to_string()),
          "--date");
    }
    constexpr int64_t kDay = 24 * 3600;
    const int64_t local_second =
        ((scheduled->utc_seconds + int64_t{scheduled->offset_minutes} * 60) % kDay + kDay) % kDay;
    const std::string at =
        rules->first_slot(*day, static_cast<int32_t>(local_second / 60)).to_string();
    if (!store.reschedule_action(action_id, at)) {
      return fail(fmt::format("action {} is no longer planned", action_id), "--id");
    }
    const ChangeRecord change = change_by(
        actor, "action", std::to_string(action_id), "scheduled_at", action->scheduled_at,
        reason.empty() ? at : fmt::format("{} — {}", at, mask_personal_data(reason)), "cli");
    store.insert_changes({&change, 1});
    action->scheduled_at = at;
    return *action;
  });
}

std::string dispute_sla(const Dispute& dispute, const Timestamp& now) {
  auto respond_by = Timestamp::parse(dispute.respond_by);
  if (!respond_by) return "unknown";
  if (dispute.status == DisputeStatus::kOpen) return *respond_by < now ? "overdue" : "open";
  auto resolved = Timestamp::parse(dispute.resolved_at);
  if (!resolved) return "unknown";
  return *respond_by < *resolved ? "answered_late" : "answered_in_time";
}

namespace {

// An open promise as the engine sees it; nullopt for one of a customer not in the snapshot.
std::optional<CollectionState::OpenPromise> open_promise(const Promise& p,
                                                         const Snapshot& snapshot) {
  auto customer = snapshot.customer_index(p.customer_id);
  auto created = Timestamp::parse(p.created_at);
  if (!customer || !created) return std::nullopt;
  return CollectionState::OpenPromise{p.id,
                                      static_cast<uint32_t>(*customer),
                                      p.currency,
                                      p.amount,
                                      p.promised_date,
                                      created->local_date()};
}

}  // namespace

void read_promise_outcomes(Store& store, const Snapshot& snapshot, const Policy& policy, Date day,
                           const std::function<void(const Promise&, PromiseStatus)>& row) {
  store.read_promises([&](const Promise& p) {
    if (p.status != PromiseStatus::kOpen) return row(p, p.status);
    const auto open = open_promise(p, snapshot);
    row(p, open ? promise_outcome(snapshot, *open, policy.promise_grace_days, day.days())
                : PromiseStatus::kOpen);
  });
}

CollectionState load_collection_state(Store& store, const Snapshot& snapshot) {
  CollectionState state;
  store.read_promises([&](const Promise& p) {
    if (p.status != PromiseStatus::kOpen) return;
    if (auto open = open_promise(p, snapshot)) state.promises.push_back(*open);
  });
  store.read_plans([&](const PaymentPlan& p) {
    if (p.status != PlanStatus::kOpen) return;
    auto customer = snapshot.customer_index(p.customer_id);
    if (!customer) return;
    CollectionState::OpenPlan plan{p.id, static_cast<uint32_t>(*customer), {}, {}};
    for (const auto& invoice_id : p.invoice_ids) {
      auto invoice = store.find_invoice(invoice_id);
      if (!invoice) continue;
      if (auto i = snapshot.invoice_index(*customer, invoice->id)) plan.invoices.push_back(*i);
    }
    std::sort(plan.invoices.begin(), plan.invoices.end(), [&](uint32_t a, uint32_t b) {
      return snapshot.invoice_due[a] < snapshot.invoice_due[b];
    });
    for (const Installment& installment : p.installments) {
      plan.installments.emplace_back(installment.due.days(), installment.amount);
    }
    state.plans.push_back(std::move(plan));
  });
  store.read_disputes([&](const Dispute& d) {
    if (d.status != DisputeStatus::kOpen) return;
    auto customer = snapshot.customer_index(d.customer_id);
    auto invoice = store.find_invoice(d.invoice_id);
    if (!customer || !invoice) return;
    if (auto i = snapshot.invoice_index(*customer, invoice->id)) state.disputed[*i] += d.amount;
  });
  return state;
}

}  // namespace huikuan

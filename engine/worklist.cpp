#include "engine/worklist.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/money.h"

namespace huikuan {
namespace {

bool contains(const std::vector<std::string>& values, const std::string& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

double likelihood(const PriorityPolicy& priority, int32_t days) {
  for (const RecoveryBand& band : priority.recovery) {
    if (band.days.contains(days)) return band.likelihood;
  }
  return 0.0;
}

// An amount in units of the policy currency, for ranking across currencies.
double policy_units(int64_t minor, const Currency& currency, const Policy& policy) {
  const double units = static_cast<double>(minor) / std::pow(10.0, currency.minor_digits);
  auto rate = policy.exchange_rate_micros.find(std::string(currency.code_view()));
  return rate == policy.exchange_rate_micros.end()
             ? units
             : units * static_cast<double>(rate->second) / 1e6;
}

// One customer's position in the money: per currency, what is overdue and collectible.
struct CustomerMoney {
  struct PerCurrency {
    int64_t collectible_overdue = 0;
    int64_t disputed = 0;
    int64_t promised = 0;
    int32_t max_days = 0;                  // of the oldest collectible overdue item
    int32_t nearest_due_days = INT32_MIN;  // largest non-positive days overdue (due soonest)
    std::vector<DueItem> overdue_items;    // collectible overdue invoices, oldest first
    std::vector<DueItem> upcoming_items;   // open invoices not yet overdue
  };
  std::map<uint8_t, PerCurrency> by_currency;
  std::vector<int64_t> broken_promises;
  std::vector<int64_t> broken_plans;
  bool broken_promise = false;
  bool promise_due_today = false;
};

// Open amount of customer c in `currency` as of `day`.
int64_t open_on(const Snapshot& s, size_t c, uint8_t currency, int32_t day) {
  int64_t open = 0;
  for (uint32_t i = s.invoice_begin(c); i < s.invoice_end[c]; ++i) {
    if (s.invoice_currency[i] != currency || s.invoice_date[i] > day) continue;
    open += s.invoice_amount[i] - s.allocated_by(i, day);
  }
  return open;
}

std::optional<uint8_t> currency_code(const Snapshot& s, const Currency& currency) {
  for (size_t k = 0; k < s.currencies.size(); ++k) {
    if (s.currencies[k] == currency) return static_cast<uint8_t>(k);
  }
  return std::nullopt;
}

// How an open payment plan stands on `day`. Payments count against installments in order, so
// the unpaid installments are the last ones; each becomes a due item of its own.
struct PlanPosition {
  int64_t remaining = 0;                            // open amount of the covered invoices
  std::vector<std::pair<int32_t, int64_t>> unpaid;  // (due day, unpaid part), by due day
  int64_t overdue = 0;                              // unpaid and due before `day`
  std::optional<int32_t> oldest_unpaid_due;
};

PlanPosition plan_position(const Snapshot& s, const CollectionState::OpenPlan& plan, int32_t day) {
  PlanPosition position;
  int64_t total = 0;
  for (const auto& [due, amount] : plan.installments) total += amount;
  for (uint32_t i : plan.invoices)
    position.remaining += s.invoice_amount[i] - s.allocated_by(i, day);
  const int64_t paid = std::max<int64_t>(0, total - position.remaining);
  int64_t cumulative = 0;
  for (const auto& [due, amount] : plan.installments) {
    cumulative += amount;
    if (cumulative <= paid) continue;
    const int64_t unpaid = std::min(amount, cumulative - paid);
    position.unpaid.emplace_back(due, unpaid);
    if (due < day) {
      position.overdue += unpaid;
      if (!position.oldest_unpaid_due) position.oldest_unpaid_due = due;
    }
  }
  return position;
}

CustomerMoney money_of(const Snapshot& s, size_t c, const CollectionState& state,
                       const std::vector<const CollectionState::OpenPromise*>& promises,
                       const std::vector<const CollectionState::OpenPlan*>& plans,
                       const Policy& policy, int32_t day) {
  CustomerMoney money;
  // Active promises suspend dunning for their amount, oldest items first.
  std::map<uint8_t, int64_t> suspended;
  for (const auto* promise : promises) {
    const auto code = currency_code(s, promise->currency);
    if (!code) continue;
    switch (promise_outcome(s, *promise, policy.promise_grace_days, day)) {
      case PromiseStatus::kOpen:
        suspended[*code] += promise->amount;
        money.promise_due_today |= promise->promised_date.days() == day;
        break;
      case PromiseStatus::kBroken:
        money.broken_promise = true;
        money.broken_promises.push_back(promise->id);
        break;
      default:
        break;
    }
  }
  // Every open item with the due date that applies to it, oldest first.
  std::vector<DueItem> items;
  std::vector<uint32_t> planned;  // invoices whose due dates a standing plan replaces
  for (const auto* plan : plans) {
    const PlanPosition position = plan_position(s, *plan, day);
    if (position.remaining <= 0) continue;  // paid: the run closes it
    if (position.overdue > 0 && day - *position.oldest_unpaid_due > policy.promise_grace_days) {
      // Broken: the installments no longer stand and the invoices are due as they were.
      money.broken_promise = true;
      money.broken_plans.push_back(plan->id);
      continue;
    }
    // Each unpaid installment is due on the oldest covered invoices first.
    auto installment = position.unpaid.begin();
    int64_t installment_left = installment == position.unpaid.end() ? 0 : installment->second;
    for (uint32_t i : plan->invoices) {
      int64_t open = s.invoice_amount[i] - s.allocated_by(i, day);
      if (open > 0) planned.push_back(i);
      while (open > 0 && installment != position.unpaid.end()) {
        const int64_t part = std::min(open, installment_left);
        items.push_back({i, installment->first, part});
        open -= part;
        installment_left -= part;
        if (installment_left == 0 && ++installment != position.unpaid.end()) {
          installment_left = installment->second;
        }
      }
    }
  }
  std::sort(planned.begin(), planned.end());
  for (uint32_t i = s.invoice_begin(c); i < s.invoice_end[c]; ++i) {
    if (s.invoice_date[i] > day || std::binary_search(planned.begin(), planned.end(), i)) continue;
    const int64_t open = s.invoice_amount[i] - s.allocated_by(i, day);
    if (open > 0) items.push_back({i, s.invoice_due[i], open});
  }
  std::stable_sort(items.begin(), items.end(),
                   [](const DueItem& a, const DueItem& b) { return a.due < b.due; });
  for (DueItem item : items) {
    auto& money_in = money.by_currency[s.invoice_currency[item.invoice]];
    const int32_t days = day - item.due;
    if (days <= 0) {
      money_in.nearest_due_days = std::max(money_in.nearest_due_days, days);
      money_in.upcoming_items.push_back(item);
      continue;
    }
    auto disputed_it = state.disputed.find(item.invoice);
    const int64_t disputed =
        disputed_it == state.disputed.end() ? 0 : std::min(item.amount, disputed_it->second);
    int64_t collectible = item.amount - disputed;
    int64_t& left = suspended[s.invoice_currency[item.invoice]];
    const int64_t covered = std::min(collectible, left);
    left -= covered;
    collectible -= covered;
    money_in.disputed += disputed;
    money_in.promised += covered;
    if (collectible <= 0) continue;
    money_in.collectible_overdue += collectible;
    money_in.max_days = std::max(money_in.max_days, days);
    money_in.overdue_items.push_back({item.invoice, item.due, collectible});
  }
  return money;
}

std::string next_action(const Snapshot& s, size_t c, const Policy& policy,
                        const VariantRules& rules, const std::string& abc_class, int32_t max_days,
                        int32_t legal_days, bool overdue) {
  if (s.customer_flags[c] & Snapshot::kBlacklisted) return "legal_review";
  if (s.customer_flags[c] & Snapshot::kDoNotContact) return "internal_alert";
  if (!overdue) return "reminder";
  if (max_days >= legal_days) return "legal_review";
  for (const LetterRule& letter : rules.letters) {
    if (letter.days.contains(max_days)) {
      return letter.lawyer_letter ? "lawyer_letter" : fmt::format("letter_{}", letter.level);
    }
  }
  const std::string channel = followup_channel(policy, abc_class);
  return channel == "phone" ? "call" : channel;
}

}  // namespace

PromiseStatus promise_outcome(const Snapshot& s, const CollectionState::OpenPromise& promise,
                              int32_t grace_days, int32_t day) {
  if (day <= promise.promised_date.days() + grace_days) return PromiseStatus::kOpen;
  const auto code = currency_code(s, promise.currency);
  if (!code) return PromiseStatus::kBroken;  // nothing in its currency was ever owed
  const int64_t paid = open_on(s, promise.customer, *code, promise.created_date.days()) -
                       open_on(s, promise.customer, *code, day);
  return paid >= promise.amount ? PromiseStatus::kKept : PromiseStatus::kBroken;
}

std::vector<int64_t> paid_plans(const Snapshot& s, const CollectionState& state, Date as_of) {
  std::vector<int64_t> ids;
  for (const auto& plan : state.plans) {
    if (plan_position(s, plan, as_of.days()).remaining <= 0) ids.push_back(plan.id);
  }
  return ids;
}

Result<std::vector<WorklistItem>> build_worklist(const Snapshot& s, const CollectionState& state,
                                                 const Policy& policy, Date as_of,
                                                 const std::optional<std::string>& collector,
                                                 bool explain) {
  const int32_t day = as_of.days();
  auto policy_currency = Currency::find(policy.currency);
  if (!policy_currency) return tl::unexpected(policy_currency.error());
  const int digits = policy_currency->minor_digits;
  const double contact_cost =
      static_cast<double>(policy.priority.contact_cost) / std::pow(10.0, digits);
  std::optional<uint32_t> collector_code;
  if (collector) {
    collector_code = s.collectors.find(*collector);
    if (!collector_code) return std::vector<WorklistItem>{};
  }
  std::vector<std::vector<const CollectionState::OpenPromise*>> promises(s.customer_count());
  for (const auto& promise : state.promises) {
    if (promise.customer < promises.size()) promises[promise.customer].push_back(&promise);
  }
  std::vector<std::vector<const CollectionState::OpenPlan*>> plans(s.customer_count());
  for (const auto& plan : state.plans) {
    if (plan.customer < plans.size()) plans[plan.customer].push_back(&plan);
  }

  struct Candidate {
    size_t customer;
    uint8_t currency;
    CustomerMoney money;
  };
  std::vector<Candidate> candidates;
  for (size_t c = 0; c < s.customer_count(); ++c) {
    if (collector_code && s.customer_collector[c] != *collector_code) continue;
    CustomerMoney money = money_of(s, c, state, promises[c], plans[c], policy, day);
    // The customer's main currency: the most collectible overdue, else the nearest due item.
    std::optional<uint8_t> main;
    for (const auto& [code, m] : money.by_currency) {
      if (!main || m.collectible_overdue > money.by_currency[*main].collectible_overdue)
        main = code;
    }
    if (!main) continue;
    const auto& m = money.by_currency[*main];
    const bool due_work = m.nearest_due_days >= -policy.pre_due.gentle_days_before;
    if (m.collectible_overdue == 0 && !due_work && !money.broken_promise &&
        !money.promise_due_today) {
      continue;
    }
    candidates.push_back({c, *main, std::move(money)});
  }

  // Class C first (long overdue or a poor credit grade); among the rest, class A is the largest
  // balances making up a_share_percent of each currency's overdue total, and B the others.
  std::vector<bool> class_c(candidates.size(), false);
  for (size_t k = 0; k < candidates.size(); ++k) {
    const size_t c = candidates[k].customer;
    class_c[k] = candidates[k].money.by_currency.at(candidates[k].currency).max_days >=
                     policy.abc.c_min_days ||
                 contains(policy.abc.c_credit_grades, s.grades.values[s.customer_grade[c]]);
  }
  std::map<uint8_t, std::vector<size_t>> by_currency;
  std::map<uint8_t, int64_t> overdue_total;
  for (size_t k = 0; k < candidates.size(); ++k) {
    if (class_c[k]) continue;
    const auto& m = candidates[k].money.by_currency.at(candidates[k].currency);
    by_currency[candidates[k].currency].push_back(k);
    overdue_total[candidates[k].currency] += m.collectible_overdue;
  }
  std::vector<bool> class_a(candidates.size(), false);
  for (auto& [code, members] : by_currency) {
    std::sort(members.begin(), members.end(), [&](size_t a, size_t b) {
      return candidates[a].money.by_currency.at(code).collectible_overdue >
             candidates[b].money.by_currency.at(code).collectible_overdue;
    });
    const double limit =
        static_cast<double>(overdue_total[code]) * policy.abc.a_share_percent / 100.0;
    int64_t running = 0;
    for (size_t k : members) {
      const int64_t amount = candidates[k].money.by_currency.at(code).collectible_overdue;
      if (amount == 0 || static_cast<double>(running) >= limit) break;
      class_a[k] = true;
      running += amount;
    }
  }

  std::vector<WorklistItem> items;
  items.reserve(candidates.size());
  for (size_t k = 0; k < candidates.size(); ++k) {
    const Candidate& candidate = candidates[k];
    const size_t c = candidate.customer;
    const auto& m = candidate.money.by_currency.at(candidate.currency);
    const Currency currency = s.currencies[candidate.currency];
    const std::string& grade = s.grades.values[s.customer_grade[c]];
    const std::string& type = s.types.values[s.customer_type[c]];
    const bool overdue = m.collectible_overdue > 0;

    WorklistItem item;
    item.customer_id = s.customer_key[c];
    item.name = s.customer_name[c];
    item.collector = s.collectors.values[s.customer_collector[c]];
    item.currency = currency;
    item.collectible_amount = m.collectible_overdue;
    item.max_days_overdue = m.max_days;
    item.broken_promise = candidate.money.broken_promise;
    item.promise_due_today = candidate.money.promise_due_today;
    item.urgent = item.broken_promise || item.promise_due_today;
    item.customer_index = static_cast<uint32_t>(c);
    item.overdue_invoices = m.overdue_items;
    item.upcoming_invoices = m.upcoming_items;
    item.broken_promise_ids = candidate.money.broken_promises;
    item.broken_plan_ids = candidate.money.broken_plans;
    if (const Band* g = overdue ? band_of(policy.overdue_grades, m.max_days) : nullptr) {
      item.overdue_grade = g->name;
    }
    const int32_t stage_days = overdue ? m.max_days : std::max(m.nearest_due_days, INT32_MIN + 1);
    if (const Band* st = band_of(policy.stages, stage_days)) item.stage = st->name;
    const bool class_c =
        m.max_days >= policy.abc.c_min_days || contains(policy.abc.c_credit_grades, grade);
    item.abc_class = class_c ? "C" : (class_a[k] ? "A" : "B");
    const bool high_risk = contains(policy.risk.high_risk_credit_grades, grade) ||
                           m.max_days >= policy.risk.high_risk_min_days ||
                           (item.broken_promise && policy.risk.high_risk_broken_promises <= 1);
    const std::string quadrant =
        fmt::format("{}_importance/{}_risk",
                    s.importances.values[s.customer_importance[c]] == "high" ? "high" : "low",
                    high_risk ? "high" : "low");
    auto strategy = policy.risk.quadrant_strategy.find(quadrant);
    item.strategy = strategy == policy.risk.quadrant_strategy.end() ? quadrant : strategy->second;
    item.variant = policy_variant(policy, item.customer_id);
    const CustomerTypeStrategy* type_strategy = customer_type_strategy(policy, type);
    const int32_t legal_days =
        type_strategy ? type_strategy->legal_review_min_days : policy.legal_review_min_days;
    item.legal_review_min_days = legal_days;
    item.next_action = next_action(s, c, policy, variant_rules(policy, item.variant),
                                   item.abc_class, m.max_days, legal_days, overdue);

    const double amount = policy_units(m.collectible_overdue, currency, policy);
    const double p = overdue ? likelihood(policy.priority, m.max_days) : 0.0;
    item.priority = std::round((amount * p - (overdue ? contact_cost : 0.0)) * 100.0) / 100.0;
    if (!explain) {
      items.push_back(std::move(item));
      continue;
    }
    item.factors = {
        {"amount_at_risk", format_minor_units(m.collectible_overdue, currency.minor_digits)},
        {"amount_in_policy_currency", fmt::format("{:.2f}", amount)},
        {"recovery_likelihood", fmt::format("{:.2f}", p)},
        {"contact_cost", format_minor_units(overdue ? policy.priority.contact_cost : 0, digits)},
        {"days_overdue", std::to_string(m.max_days)},
        {"disputed_excluded", format_minor_units(m.disputed, currency.minor_digits)},
        {"promised_excluded", format_minor_units(m.promised, currency.minor_digits)},
        {"broken_promise", item.broken_promise ? "true" : "false"},
        {"promise_due_today", item.promise_due_today ? "true" : "false"},
        {"credit_grade", grade},
        {"customer_type", type},
        {"quadrant", quadrant},
    };
    items.push_back(std::move(item));
  }
  std::sort(items.begin(), items.end(), [](const WorklistItem& a, const WorklistItem& b) {
    if (a.urgent != b.urgent) return a.urgent;
    if (a.priority != b.priority) return a.priority > b.priority;
    return a.customer_id < b.customer_id;
  });
  return items;
}

}  // namespace huikuan

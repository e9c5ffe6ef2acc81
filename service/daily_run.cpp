#include "service/daily_run.h"

#include <absl/container/flat_hash_map.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <future>

#include "core/personal_data.h"
#include "engine/daily_run.h"
#include "engine/letter.h"
#include "engine/worklist.h"
#include "service/messages.h"
#include "service/snapshot_loader.h"

namespace huikuan {
namespace {

// Logs how long each phase of a run took, at debug level (`huikuan run --verbose`).
class PhaseClock {
 public:
  void lap(std::string_view phase) {
    const auto now = std::chrono::steady_clock::now();
    spdlog::debug("run: {:<10} {:>6} ms", phase,
                  std::chrono::duration_cast<std::chrono::milliseconds>(now - start_).count());
    start_ = now;
  }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

bool is_followup(ActionKind kind) {
  return kind == ActionKind::kCall || kind == ActionKind::kEmail || kind == ActionKind::kSms ||
         kind == ActionKind::kVisit;
}

// What earlier actions and contacts mean for today's plan.
RunHistory load_history(Store& store, const Snapshot& s, const Policy& policy, Date as_of) {
  RunHistory history(s);
  const int64_t week_ago = (int64_t{as_of.days()} - 7) * 86400;
  absl::flat_hash_map<int64_t, uint32_t> position;  // customer store id -> snapshot position
  int64_t last_key = 0;  // a customer's actions come together: one lookup for them all
  std::optional<uint32_t> c;
  store.read_action_history(as_of, as_of - history_window_days(policy), [&](const Action& a) {
    if (position.empty()) {
      position.reserve(s.customer_count());
      for (uint32_t k = 0; k < s.customer_count(); ++k) position.emplace(s.customer_id[k], k);
    }
    if (a.customer_key != last_key) {
      last_key = a.customer_key;
      auto found = position.find(a.customer_key);
      c = found == position.end() ? std::nullopt : std::optional<uint32_t>(found->second);
    }
    if (!c) return;
    if (a.kind == ActionKind::kLetter || a.kind == ActionKind::kLawyerLetter) {
      for (int64_t key : a.invoice_keys) {
        if (auto i = s.invoice_index(*c, key)) {
          int32_t& level = history.letter_level[*i];
          level = std::max(level, a.level);
        }
      }
    } else if (is_followup(a.kind)) {
      // A follow-up counts from the day it happens: one planned on a Saturday for Monday
      // covers the weekend, so Sunday's run does not stack a second one onto Monday.
      auto at = Timestamp::parse(a.scheduled_at);
      const int32_t happens = at ? at->local_date().days() : a.planned_for.days();
      int32_t& last = history.last_followup_day[*c];
      last = std::max(last, happens);
      if (a.kind == ActionKind::kCall && a.status != ActionStatus::kSkipped && at &&
          at->utc_seconds >= week_ago) {
        history.call_attempts[*c].push_back(at->utc_seconds);
      }
    } else if (a.kind == ActionKind::kLegalReview) {
      history.legal_review[*c] = true;
    } else if (a.kind == ActionKind::kInternalAlert && a.template_name == "do_not_contact") {
      history.alerted[*c] = true;
    } else if (a.kind == ActionKind::kReminder) {
      for (int64_t key : a.invoice_keys) {
        if (auto i = s.invoice_index(*c, key)) {
          history.reminded.insert({*i, s.invoice_due[*i] - a.planned_for.days()});
        }
      }
    }
  });
  // Calls recorded by collectors count against the caps too.
  store.read_contacts([&](const Contact& contact) {
    if (contact.channel != "phone") return;
    auto c = s.customer_index(contact.customer_id);
    auto at = Timestamp::parse(contact.at);
    if (c && at && at->utc_seconds >= week_ago)
      history.call_attempts[*c].push_back(at->utc_seconds);
  });
  return history;
}

// Alerts legal when a claim's limitation period (3 years, restarted by delivered demands,
// promises, part payments; DOMAIN §10) ends within kLimitationAlertDays, at most every
// kLimitationAlertDays / 3 days per customer. Only customers whose oldest item is old enough
// to lapse that soon without a restart are looked at closely.
void add_limitation_alerts(Store& store, const Snapshot& s, const std::vector<WorklistItem>& items,
                           Date as_of, std::vector<Action>& actions) {
  constexpr int32_t kLimitationAlertDays = 90;
  const Date oldest_due_that_lapses = add_years(as_of + kLimitationAlertDays, -kLimitationYears);
  for (const WorklistItem& item : items) {
    if (item.overdue_invoices.empty() ||
        item.overdue_invoices.front().due > oldest_due_that_lapses.days())
      continue;
    auto customer = store.find_customer(item.customer_id);
    if (!customer) continue;
    std::vector<std::string> lapsing;
    for (const ClaimDeadline& claim : claim_deadlines(store, *customer, as_of)) {
      if (claim.deadline - as_of <= kLimitationAlertDays) lapsing.push_back(claim.invoice_id);
    }
    if (lapsing.empty()) continue;
    bool alerted = false;
    store.read_customer_actions(customer->id, 50, [&](const Action& a) {
      if (a.template_name == "limitation_alert" && a.status != ActionStatus::kCancelled &&
          as_of - a.planned_for < kLimitationAlertDays / 3 && a.planned_for != as_of)
        alerted = true;
    });
    if (alerted) continue;
    Action alert;
    alert.customer_id = item.customer_id;
    alert.customer_key = customer->id;
    alert.kind = ActionKind::kInternalAlert;
    alert.channel = "internal";
    alert.planned_for = as_of;
    // Internal: the server's working morning, 09:00 at UTC+8 (staff, not the debtor).
    alert.scheduled_at = Timestamp::at(int64_t{as_of.days()} * 86400 + 3600, 480).to_string();
    alert.currency = item.currency;
    for (const DueItem& due : item.overdue_invoices) {
      const int64_t key = s.invoice_id[due.invoice];
      for (const std::string& id : lapsing) {
        if (auto invoice = store.find_invoice(id); invoice && invoice->id == key) {
          alert.invoice_keys.push_back(key);
          alert.amount += due.amount;
        }
      }
    }
    alert.template_name = "limitation_alert";
    alert.assigned_to = "legal";
    alert.rule = fmt::format("limitation: {} claim(s) lapse within {} days", lapsing.size(),
                             kLimitationAlertDays);
    // A customer's actions stay together (Store::replace_planned_actions).
    auto last = std::find_if(actions.rbegin(), actions.rend(),
                             [&](const Action& a) { return a.customer_key == alert.customer_key; });
    actions.insert(last.base(), std::move(alert));
  }
}

}  // namespace

Result<RunSummary> run_daily(Store& store, const std::string& snapshot_cache, const Policy& policy,
                             Date as_of, const Actor& actor) {
  PhaseClock clock;
  auto snapshot = load_snapshot(store, snapshot_cache);
  if (!snapshot) return tl::unexpected(snapshot.error());
  const Snapshot& s = **snapshot;
  clock.lap("snapshot");
  RunSummary summary;
  auto done = store.transaction([&]() -> Result<void> {
    const CollectionState state = load_collection_state(store, s);
    clock.lap("state");
    // The worklist is computed from the snapshot alone while this thread reads the history.
    auto worklist = std::async(std::launch::async, [&] {
      return build_worklist(s, state, policy, as_of, std::nullopt, false);
    });
    const RunHistory history = load_history(store, s, policy, as_of);
    clock.lap("history");
    auto items = worklist.get();
    if (!items) return tl::unexpected(items.error());
    clock.lap("worklist");
    auto plan = plan_day(s, state, *items, history, policy, as_of);
    if (!plan) return tl::unexpected(plan.error());
    clock.lap("plan");
    add_limitation_alerts(store, s, *items, as_of, plan->actions);
    store.replace_planned_actions(as_of, plan->actions);
    clock.lap("write");
    auto messages = plan_messages(store, policy, as_of, actor);
    if (!messages) return tl::unexpected(messages.error());
    summary.messages = *messages;
    clock.lap("messages");
    std::vector<ChangeRecord> changes;
    for (int64_t id : plan->broken_promises) {
      store.set_promise_status(id, PromiseStatus::kBroken);
      changes.push_back(change_by(actor, "promise", std::to_string(id), "status", "open", "broken",
                                  fmt::format("run {}", as_of.to_string())));
    }
    for (auto [ids, status] : {std::pair{&plan->broken_plans, PlanStatus::kBroken},
                               {&plan->paid_plans, PlanStatus::kCompleted}}) {
      for (int64_t id : *ids) {
        store.set_plan_status(id, status);
        changes.push_back(change_by(actor, "payment_plan", std::to_string(id), "status", "open",
                                    plan_status_name(status),
                                    fmt::format("run {}", as_of.to_string())));
      }
    }
    // Worklists read promise and plan statuses: other instances rebuild theirs.
    if (!changes.empty()) store.bump_collection_version();
    summary.cases = items->size();
    summary.broken_promises = plan->broken_promises.size();
    for (const Action& a : plan->actions) ++summary.actions[action_kind_name(a.kind)];
    changes.push_back(
        change_by(actor, "run", as_of.to_string(), "actions", "",
                  fmt::format("{} actions for {} cases, {} promises broken", plan->actions.size(),
                              items->size(), plan->broken_promises.size()),
                  "run"));
    store.insert_changes(changes);
    clock.lap("changes");
    return {};
  });
  if (!done) return tl::unexpected(done.error());
  clock.lap("commit");
  return summary;
}

Result<void> close_action(Store& store, int64_t action_id, ActionStatus status,
                          const std::string& outcome, const Actor& actor, const std::string& note) {
  auto done = store.transaction([&]() -> Result<void> {
    auto action = find_planned_action(store, action_id);
    if (!action) return tl::unexpected(action.error());
    store.close_action(action_id, status, outcome, actor.now.to_string(), actor.name);
    const ChangeRecord change = change_by(
        actor, "action", std::to_string(action_id), "status", "planned",
        fmt::format("{}{}{}", action_status_name(status), outcome.empty() ? "" : ": " + outcome,
                    note.empty() ? "" : " — " + mask_personal_data(note)),
        "cli");
    store.insert_changes({&change, 1});
    return {};
  });
  return done;
}

}  // namespace huikuan

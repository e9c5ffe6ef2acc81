#include "service/approvals.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <utility>

#include "core/currency.h"
#include "core/money.h"
#include "core/personal_data.h"
#include "engine/assignment.h"
#include "service/in_transaction.h"

namespace huikuan {
namespace {

constexpr std::string_view kInstallmentPlan = "installment_plan";

// An amount in its own currency and in the policy currency, where the limits are.
struct LimitAmount {
  Currency currency;
  int64_t amount = 0;
  Currency policy_currency;
  int64_t in_policy = 0;

  // "600000.00 CNY", or "100000.00 USD (710000.00 CNY)" in a foreign currency.
  std::string to_string() const {
    std::string text = fmt::format("{} {}", format_minor_units(amount, currency.minor_digits),
                                   currency.code_view());
    if (currency == policy_currency) return text;
    return fmt::format("{} ({} {})", text,
                       format_minor_units(in_policy, policy_currency.minor_digits),
                       policy_currency.code_view());
  }
};

Result<LimitAmount> limit_amount(const Policy& policy, std::string_view code, int64_t amount) {
  auto policy_currency = Currency::find(policy.currency);
  if (!policy_currency) return tl::unexpected(policy_currency.error());
  auto currency = Currency::find(code);
  if (!currency) return fail(currency.error().message, "currency");
  if (amount <= 0) {
    return fail(fmt::format("{} {} is not positive",
                            format_minor_units(amount, currency->minor_digits), code),
                "amount");
  }
  if (*currency == *policy_currency) return LimitAmount{*currency, amount, *currency, amount};
  const auto rate = policy.exchange_rate_micros.find(std::string(code));
  if (rate == policy.exchange_rate_micros.end()) {
    return fail(fmt::format("the policy has no exchange rate for {} ([exchange_rates]) to compare "
                            "with the authority limits in {}",
                            code, policy.currency),
                "currency");
  }
  auto converted = convert_minor_units(amount, *currency, *policy_currency, rate->second);
  if (!converted) return fail(converted.error().message, "amount");
  return LimitAmount{*currency, amount, *policy_currency, *converted};
}

bool lists(const AuthorityLevel& level, std::string_view kind) {
  return std::find(level.approvals.begin(), level.approvals.end(), kind) != level.approvals.end();
}

std::string kinds_list() {
  return fmt::format("{}", fmt::join(approval_kinds(), ", "));
}

Result<void> known_kind(std::string_view kind) {
  if (is_approval_kind(kind)) return {};
  return fail(fmt::format("'{}' is not one of {}", kind, kinds_list()), "kind");
}

// The lowest level that lists `kind` and whose limit covers the amount.
Result<size_t> lowest_deciding_level(const Policy& policy, std::string_view kind,
                                     const LimitAmount& amount) {
  for (size_t level = 0; level < policy.authority.size(); ++level) {
    const AuthorityLevel& authority = policy.authority[level];
    if (lists(authority, kind) && authority.covers(amount.in_policy)) return level;
  }
  return fail(fmt::format("{} of {} is beyond every authority level of the policy", kind,
                          amount.to_string()),
              "amount");
}

std::optional<size_t> level_named(const Policy& policy, std::string_view name) {
  for (size_t level = 0; level < policy.authority.size(); ++level) {
    if (policy.authority[level].level == name) return level;
  }
  return std::nullopt;
}

// Why `role` may not decide what needs `required`: "supervisor may approve amounts under
// 500000.00 CNY", "supervisor may not approve installment_plan", "finance has no authority
// level".
std::string what_role_may(const Policy& policy, Role role, std::string_view kind) {
  const auto own = authority_level_of(policy, role);
  if (!own) return fmt::format("{} has no authority level", role_name(role));
  const AuthorityLevel& level = policy.authority[*own];
  if (!lists(level, kind)) return fmt::format("{} may not approve {}", level.level, kind);
  if (!level.max_case_amount) return fmt::format("{} may approve any amount", level.level);
  auto currency = Currency::find(policy.currency);
  return fmt::format(
      "{} may approve amounts under {} {}", level.level,
      format_minor_units(*level.max_case_amount, currency ? currency->minor_digits : 2),
      policy.currency);
}

// The decider's level must be at or above the request's required level.
Result<void> may_decide(const Policy& policy, Role role, const Approval& approval) {
  const auto required = level_named(policy, approval.required_level);
  if (!required) {
    return fail(fmt::format("approval {} needs {}, a level the policy no longer has", approval.id,
                            approval.required_level),
                "required_level");
  }
  const auto own = authority_level_of(policy, role);
  if (own && *own >= *required) return {};
  auto amount = limit_amount(policy, approval.currency, approval.amount);
  const std::string amount_text =
      amount ? amount->to_string() : fmt::format("{} {}", approval.amount, approval.currency);
  return fail(fmt::format("{} of {} needs {} approval; {}", approval.kind, amount_text,
                          approval.required_level, what_role_may(policy, role, approval.kind)),
              "decided_by");
}

std::string with_note(std::string text, const std::string& note) {
  if (note.empty()) return text;
  return text + " — " + mask_personal_data(note);
}

void audit(Store& store, const Actor& actor, int64_t id, std::string_view old_status,
           std::string new_value) {
  const ChangeRecord change = change_by(actor, "approval", std::to_string(id), "status",
                                        std::string(old_status), std::move(new_value), "approval");
  store.insert_changes({&change, 1});
}

// Inserts a pending request whose required level is set, and audits it; in a transaction.
Approval file_request(Store& store, Approval approval, const Actor& actor) {
  approval.requested_by = actor.name;
  approval.requested_at = actor.now;
  approval.status = ApprovalStatus::kPending;
  approval.id = store.insert_approval(approval);
  auto currency = Currency::find(approval.currency);
  audit(store, actor, approval.id, "",
        with_note(
            fmt::format("pending: {} of {} {} for {}, needs {}", approval.kind,
                        format_minor_units(approval.amount, currency ? currency->minor_digits : 2),
                        approval.currency, approval.customer_id, approval.required_level),
            approval.note));
  return approval;
}

// The plan an installment_plan request carries, checked now, matching the request's amount.
Result<PaymentPlan> carried_plan(Store& store, const Approval& approval, const Actor& actor) {
  auto request = parse_plan_request(approval.payload);
  if (!request) return tl::unexpected(request.error());
  if (request->customer_id != approval.customer_id) {
    return fail(fmt::format("the plan is for customer '{}', the request for '{}'",
                            request->customer_id, approval.customer_id),
                "payload");
  }
  auto plan = check_plan(store, *request, actor);
  if (!plan) return tl::unexpected(plan.error());
  if (plan->currency.code_view() != approval.currency || plan->total() != approval.amount) {
    return fail(fmt::format("the plan's installments total {} {}, the request is for {} {}",
                            format_minor_units(plan->total(), plan->currency.minor_digits),
                            plan->currency.code_view(),
                            format_minor_units(approval.amount, plan->currency.minor_digits),
                            approval.currency),
                "amount");
  }
  return plan;
}

Result<std::string> string_member(const nlohmann::json& object, const char* key, bool required) {
  const auto found = object.find(key);
  if (found == object.end()) {
    if (!required) return std::string();
    return fail(fmt::format("the plan has no \"{}\"", key), "payload");
  }
  if (!found->is_string()) {
    return fail(fmt::format("the plan's \"{}\" is not a string", key), "payload");
  }
  return found->get<std::string>();
}

}  // namespace

std::optional<size_t> authority_level_of(const Policy& policy, Role role) {
  if (!holds_cases(role)) return std::nullopt;
  return level_named(policy, role_name(role));
}

Result<AuthorityCheck> check_authority(const Policy& policy, Role requester, std::string_view kind,
                                       std::string_view currency, int64_t amount) {
  if (auto known = known_kind(kind); !known) return tl::unexpected(known.error());
  auto value = limit_amount(policy, currency, amount);
  if (!value) return tl::unexpected(value.error());
  const auto own = authority_level_of(policy, requester);
  if (own) {
    const AuthorityLevel& level = policy.authority[*own];
    if (lists(level, kind) && level.covers(value->in_policy))
      return AuthorityCheck{true, level.level};
  }
  auto required = lowest_deciding_level(policy, kind, *value);
  if (!required) return tl::unexpected(required.error());
  return AuthorityCheck{false, policy.authority[*required].level};
}

Result<Approval> request_approval(Store& store, const Policy& policy, const NewApproval& request,
                                  const Actor& actor) {
  if (auto known = known_kind(request.kind); !known) return tl::unexpected(known.error());
  if (!request.payload.empty() && !nlohmann::json::accept(request.payload)) {
    return fail("not JSON", "payload");
  }
  if (request.kind == kInstallmentPlan && request.payload.empty()) {
    return fail("an installment_plan request carries the plan", "payload");
  }
  return in_transaction<Approval>(store, [&]() -> Result<Approval> {
    auto customer = store.find_customer(request.customer_id);
    if (!customer) {
      return fail(fmt::format("unknown customer '{}'", request.customer_id), "customer_id");
    }
    std::string code = request.currency;
    if (code.empty() && customer->currency) code = customer->currency->code_view();
    if (code.empty()) {
      return fail(
          fmt::format("customer '{}' has no currency of its own: name one", request.customer_id),
          "currency");
    }
    auto currency = Currency::find(code);
    if (!currency) return fail(currency.error().message, "currency");
    auto amount = Money::parse(request.amount, *currency);
    if (!amount) return fail(amount.error().message, "amount");
    if (amount->minor() <= 0) {
      return fail(fmt::format("'{}' is not positive", request.amount), "amount");
    }
    auto value = limit_amount(policy, code, amount->minor());
    if (!value) return tl::unexpected(value.error());
    auto required = lowest_deciding_level(policy, request.kind, *value);
    if (!required) return tl::unexpected(required.error());

    Approval approval;
    approval.kind = request.kind;
    approval.customer_id = request.customer_id;
    approval.currency = code;
    approval.amount = amount->minor();
    approval.required_level = policy.authority[*required].level;
    approval.requested_role = actor.role;
    approval.note = request.note;
    approval.payload = request.payload;
    if (request.kind == kInstallmentPlan) {
      auto plan = carried_plan(store, approval, actor);
      if (!plan) return tl::unexpected(plan.error());
    }
    return file_request(store, std::move(approval), actor);
  });
}

Result<Approval> decide_approval(Store& store, const Policy& policy, int64_t id, bool approve,
                                 std::string note, const Actor& actor, Role actor_role) {
  return in_transaction<Approval>(store, [&]() -> Result<Approval> {
    auto approval = store.find_approval(id);
    if (!approval) return fail(fmt::format("no approval {}", id), "id");
    if (approval->status != ApprovalStatus::kPending) {
      return fail(fmt::format("approval {} was already {} by {}", id,
                              approval_status_name(approval->status), approval->decided_by),
                  "status");
    }
    if (approval->requested_by == actor.name) {
      return fail(
          fmt::format("{} requested approval {}: someone else must decide it", actor.name, id),
          "decided_by");
    }
    if (auto allowed = may_decide(policy, actor_role, *approval); !allowed) {
      return tl::unexpected(allowed.error());
    }
    approval->status = approve ? ApprovalStatus::kApproved : ApprovalStatus::kRejected;
    approval->decided_by = actor.name;
    approval->decided_role = role_name(actor_role);
    approval->decided_at = actor.now;
    approval->decision_note = std::move(note);
    std::string outcome(approval_status_name(approval->status));
    if (approve && approval->kind == kInstallmentPlan) {
      auto plan = carried_plan(store, *approval, actor);
      if (!plan) {
        Error error = plan.error();
        error.message = "the plan cannot be recorded any more: " + error.message;
        return tl::unexpected(std::move(error));
      }
      // The plan stays the requester's, who agreed it with the customer; the audit log says
      // who approved it.
      plan->recorded_by = approval->requested_by;
      approval->result_id = write_plan(store, *plan, actor);
      outcome += fmt::format(": payment plan {}", *approval->result_id);
    }
    if (!store.update_approval_decision(*approval)) {
      return fail(fmt::format("approval {} is no longer pending", id), "status");
    }
    audit(store, actor, id, "pending", with_note(std::move(outcome), approval->decision_note));
    return *store.find_approval(id);
  });
}

Result<void> cancel_approval(Store& store, int64_t id, std::string note, const Actor& actor) {
  return in_transaction<bool>(
             store,
             [&]() -> Result<bool> {
               auto approval = store.find_approval(id);
               if (!approval) return fail(fmt::format("no approval {}", id), "id");
               if (approval->status != ApprovalStatus::kPending) {
                 return fail(
                     fmt::format("approval {} was already {} by {}", id,
                                 approval_status_name(approval->status), approval->decided_by),
                     "status");
               }
               if (approval->requested_by != actor.name) {
                 return fail(fmt::format("only {}, who requested approval {}, may cancel it",
                                         approval->requested_by, id),
                             "requested_by");
               }
               approval->status = ApprovalStatus::kCancelled;
               approval->decided_by = actor.name;
               approval->decided_role = actor.role;
               approval->decided_at = actor.now;
               approval->decision_note = std::move(note);
               if (!store.update_approval_decision(*approval)) {
                 return fail(fmt::format("approval {} is no longer pending", id), "status");
               }
               audit(store, actor, id, "pending", with_note("cancelled", approval->decision_note));
               return true;
             })
      .map([](bool) {});
}

Result<PlanSubmission> submit_plan(Store& store, const Policy& policy, const PlanRequest& request,
                                   const Actor& actor, Role role) {
  return in_transaction<PlanSubmission>(store, [&]() -> Result<PlanSubmission> {
    auto plan = check_plan(store, request, actor);
    if (!plan) return tl::unexpected(plan.error());
    const std::string currency(plan->currency.code_view());
    auto check = check_authority(policy, role, kInstallmentPlan, currency, plan->total());
    if (!check) return tl::unexpected(check.error());
    if (check->within) return PlanSubmission{write_plan(store, *plan, actor), std::nullopt};
    Approval approval;
    approval.kind = kInstallmentPlan;
    approval.customer_id = request.customer_id;
    approval.currency = currency;
    approval.amount = plan->total();
    approval.required_level = check->required_level;
    approval.requested_role = role_name(role);
    approval.note = request.note;
    approval.payload = plan_request_json(request);
    return PlanSubmission{std::nullopt, file_request(store, std::move(approval), actor)};
  });
}

std::string plan_request_json(const PlanRequest& request) {
  nlohmann::ordered_json installments = nlohmann::ordered_json::array();
  for (const auto& [date, amount] : request.installments) installments.push_back({date, amount});
  const nlohmann::ordered_json json{{"customer_id", request.customer_id},
                                    {"invoice_ids", request.invoice_ids},
                                    {"installments", std::move(installments)},
                                    {"note", request.note}};
  // Invalid UTF-8 in a note becomes U+FFFD rather than an exception.
  return json.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

Result<PlanRequest> parse_plan_request(std::string_view text) {
  const auto json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return fail("not a plan in JSON", "payload");
  for (const auto& [key, value] : json.items()) {
    if (key != "customer_id" && key != "invoice_ids" && key != "installments" && key != "note") {
      return fail(fmt::format("the plan has an unknown member \"{}\"", key), "payload");
    }
  }
  PlanRequest request;
  auto customer = string_member(json, "customer_id", true);
  if (!customer) return tl::unexpected(customer.error());
  request.customer_id = std::move(*customer);
  auto note = string_member(json, "note", false);
  if (!note) return tl::unexpected(note.error());
  request.note = std::move(*note);
  const auto invoices = json.find("invoice_ids");
  if (invoices == json.end() || !invoices->is_array()) {
    return fail("the plan's \"invoice_ids\" is not a list", "payload");
  }
  for (const auto& invoice : *invoices) {
    if (!invoice.is_string()) return fail("the plan's invoice ids are not strings", "payload");
    request.invoice_ids.push_back(invoice.get<std::string>());
  }
  const auto installments = json.find("installments");
  if (installments == json.end() || !installments->is_array()) {
    return fail("the plan's \"installments\" is not a list", "payload");
  }
  for (const auto& installment : *installments) {
    if (!installment.is_array() || installment.size() != 2 || !installment[0].is_string() ||
        !installment[1].is_string()) {
      return fail("an installment is not [\"YYYY-MM-DD\", \"amount\"]", "payload");
    }
    request.installments.emplace_back(installment[0].get<std::string>(),
                                      installment[1].get<std::string>());
  }
  return request;
}

}  // namespace huikuan

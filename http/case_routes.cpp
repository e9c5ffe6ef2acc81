#include "http/case_routes.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <nlohmann/json.hpp>
#include <queue>

#include "core/money.h"
#include "http/worklist_cache.h"
#include "service/approvals.h"
#include "service/collection_output.h"
#include "service/collections.h"
#include "service/daily_run.h"

namespace huikuan::http {
namespace {

using ordered_json = nlohmann::ordered_json;

Response created(const ordered_json& body) {
  return Response::json(body.dump(), Status::created);
}

Response conflict(std::string_view message, std::string_view field = {}) {
  return Response::error(Status::conflict, "conflict", message, field);
}

// The use cases name CLI options ("--customer"); the API names its body's fields. `invoice`
// is "invoice_id" or "invoice_ids", whichever the endpoint takes.
Response refused(Error error, std::string_view invoice = "invoice_ids") {
  static const std::map<std::string, std::string, std::less<>> kFields{
      {"--customer", "customer_id"}, {"--installment", "installments"}};
  if (error.field == "--invoice") {
    error.field = invoice;
  } else if (const auto it = kFields.find(error.field); it != kFields.end()) {
    error.field = it->second;
  } else if (error.field.starts_with("--")) {
    error.field.erase(0, 2);
  }
  return invalid(error);
}

// A record id from the path; anything but a positive number names no record.
std::optional<int64_t> id_of(const Request& request) {
  const std::string_view text = request.path_param("id");
  int64_t id = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc() || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

// A date query parameter, or `fallback` when absent.
tl::expected<Date, Response> date_param(const Request& request, std::string_view name,
                                        Date fallback) {
  const auto text = request.query_param(name);
  if (!text) return fallback;
  auto date = Date::parse(*text);
  if (!date) return tl::unexpected(bad_parameter(name, date.error().message));
  return *date;
}

// A list of strings in `body` (absent = empty), or a 400.
tl::expected<std::vector<std::string>, Response> string_list(const nlohmann::json& body,
                                                             std::string_view name) {
  std::vector<std::string> values;
  const auto it = body.find(name);
  if (it == body.end() || it->is_null()) return values;
  const auto bad = [&] {
    return Response::error(Status::bad_request, "bad_request", "must be a list of strings", name);
  };
  if (!it->is_array()) return tl::unexpected(bad());
  for (const auto& value : *it) {
    if (!value.is_string()) return tl::unexpected(bad());
    values.push_back(value.get<std::string>());
  }
  return values;
}

// {"items": [...], "total", "offset", "limit"} of the page of `all`.
template <class T, class Write>
Response page_json(const std::vector<T>& all, const Page& page, Write write) {
  ordered_json items = ordered_json::array();
  const auto first = std::min<size_t>(static_cast<size_t>(page.offset), all.size());
  const auto last = std::min<size_t>(first + static_cast<size_t>(page.limit), all.size());
  for (size_t k = first; k < last; ++k) items.push_back(write(all[k]));
  return list_json(std::move(items), static_cast<int64_t>(all.size()), page);
}

// ---- JSON of the records -----------------------------------------------------------------

std::string amount_text(int64_t amount, const std::string& code) {
  auto currency = Currency::find(code);
  return format_minor_units(amount, currency ? currency->minor_digits : 2);
}

ordered_json contact_json(const Contact& c) {
  return {{"id", c.id},
          {"customer_id", c.customer_id},
          {"channel", c.channel},
          {"at", c.at},
          {"outcome", c.outcome},
          {"note", c.note},
          {"recorded_by", c.recorded_by}};
}

ordered_json promise_json(const Promise& p) {
  return {{"id", p.id},
          {"customer_id", p.customer_id},
          {"amount", format_minor_units(p.amount, p.currency.minor_digits)},
          {"currency", p.currency.code_view()},
          {"date", p.promised_date.to_string()},
          {"invoice_ids", p.invoice_ids},
          {"status", promise_status_name(p.status)},
          {"created_at", p.created_at},
          {"recorded_by", p.recorded_by}};
}

ordered_json nullable(const std::string& text) {
  return text.empty() ? ordered_json(nullptr) : ordered_json(text);
}

ordered_json dispute_json(Store& store, const Dispute& d, const Timestamp& now) {
  const auto invoice = store.find_invoice(d.invoice_id);
  return huikuan::dispute_json(d, invoice ? invoice->currency : Currency{}, now);
}

ordered_json plan_json(const PaymentPlan& p) {
  ordered_json installments = ordered_json::array();
  for (const Installment& installment : p.installments) {
    installments.push_back(
        {{"date", installment.due.to_string()},
         {"amount", format_minor_units(installment.amount, p.currency.minor_digits)}});
  }
  return {{"id", p.id},
          {"customer_id", p.customer_id},
          {"amount", format_minor_units(p.total(), p.currency.minor_digits)},
          {"currency", p.currency.code_view()},
          {"status", plan_status_name(p.status)},
          {"invoice_ids", p.invoice_ids},
          {"installments", std::move(installments)},
          {"note", p.note},
          {"created_at", p.created_at},
          {"recorded_by", p.recorded_by}};
}

ordered_json approval_json(const Approval& a) {
  ordered_json payload = nullptr;
  if (!a.payload.empty()) payload = ordered_json::parse(a.payload, nullptr, false);
  return {{"id", a.id},
          {"kind", a.kind},
          {"customer_id", a.customer_id},
          {"amount", amount_text(a.amount, a.currency)},
          {"currency", a.currency},
          {"required_level", a.required_level},
          {"status", approval_status_name(a.status)},
          {"requested_by", a.requested_by},
          {"requested_role", nullable(a.requested_role)},
          {"requested_at", a.requested_at.to_string()},
          {"note", a.note},
          {"payload", payload.is_discarded() ? ordered_json(nullptr) : payload},
          {"decided_by", nullable(a.decided_by)},
          {"decided_role", nullable(a.decided_role)},
          {"decided_at", a.decided_at ? ordered_json(a.decided_at->to_string()) : nullptr},
          {"decision_note", a.decision_note},
          {"result_id", a.result_id ? ordered_json(*a.result_id) : nullptr}};
}

// ---- the request's view of the data -------------------------------------------------------

// A request's store connection and the caller's scope, for one request.
struct Caller {
  StorePool::Lease store;
  Scope scope;
  std::map<std::string, bool, std::less<>> seen;  // customer id → in scope, per request

  // Whether the customer exists and the caller may see it.
  bool sees_customer(std::string_view customer_id) {
    if (const auto it = seen.find(customer_id); it != seen.end()) return it->second;
    const auto customer = store->find_customer(customer_id);
    const bool visible = customer && (scope.all || scope.sees(customer->collector));
    seen.emplace(std::string(customer_id), visible);
    return visible;
  }
};

tl::expected<Caller, Response> caller_of(ApiContext& api, const Request& request) {
  auto store = api.stores.lease();
  if (!store) return tl::unexpected(unavailable(store.error()));
  Scope scope = scope_of(**store, principal_of(request));
  return Caller{std::move(*store), std::move(scope), {}};
}

// Bumped after a change to promises, disputes or plans commits (worklist_cache.h).
void collection_changed(ApiContext& api) {
  api.collection_version->fetch_add(1, std::memory_order_acq_rel);
}

// ---- worklist -----------------------------------------------------------------------------

// Positions `offset`… of the merge of several collectors' rank-ordered position lists.
std::vector<uint32_t> merged_page(const std::vector<const std::vector<uint32_t>*>& lists,
                                  const Page& page) {
  using Head = std::pair<uint32_t, size_t>;  // (position, list)
  std::priority_queue<Head, std::vector<Head>, std::greater<>> heads;
  std::vector<size_t> next(lists.size(), 0);
  for (size_t l = 0; l < lists.size(); ++l) {
    if (!lists[l]->empty()) heads.emplace((*lists[l])[0], l);
  }
  std::vector<uint32_t> positions;
  for (int64_t k = 0; !heads.empty() && k < page.offset + page.limit; ++k) {
    const auto [position, l] = heads.top();
    heads.pop();
    if (k >= page.offset) positions.push_back(position);
    if (++next[l] < lists[l]->size()) heads.emplace((*lists[l])[next[l]], l);
  }
  return positions;
}

// GET /api/v1/worklist?as_of=YYYY-MM-DD&collector=ID&limit=50&offset=0 — the customers to work,
// best first: {"as_of", "items": [the items of `huikuan worklist --format json`], "total",
// "offset", "limit"}. as_of defaults to today; a collector gets their own customers, a
// supervisor the team's (collector= narrows it; outside the scope → 404), everyone else all.
// Classes (A/B/C) are those of the whole ledger's list, which the page is a slice of.
Response worklist(ApiContext& api, WorklistCache& cache, const Request& request) {
  if (auto unknown = unknown_parameter(request, {"as_of", "collector", "limit", "offset"})) {
    return *unknown;
  }
  auto page = page_of(request);
  if (!page) return page.error();
  auto as_of = date_param(request, "as_of", api.clock().local_date());
  if (!as_of) return as_of.error();
  const auto snapshot = api.snapshot.get();
  if (!snapshot) return not_ready();
  auto caller = caller_of(api, request);
  if (!caller) return caller.error();
  std::optional<std::string> collector;
  if (const auto text = request.query_param("collector")) collector.emplace(*text);
  if (collector && !caller->scope.sees(*collector)) return not_found("collector");

  const uint64_t version = api.collection_version->load(std::memory_order_acquire);
  auto built = cache.get(snapshot, api.policy.get(), *as_of, version,
                         [&] { return load_collection_state(*caller->store, *snapshot); });
  if (!built) return invalid(built.error());
  const BuiltWorklist& list = **built;

  std::vector<uint32_t> positions;
  size_t total = 0;
  if (!collector && caller->scope.all) {
    total = list.size();
    for (size_t k = static_cast<size_t>(page->offset);
         k < total && k < static_cast<size_t>(page->offset + page->limit); ++k) {
      positions.push_back(static_cast<uint32_t>(k));
    }
  } else {
    std::vector<const std::vector<uint32_t>*> lists;
    if (collector) {
      lists.push_back(&list.of_collector(*collector));
    } else {
      for (const std::string& c : caller->scope.collectors) lists.push_back(&list.of_collector(c));
    }
    for (const auto* l : lists) total += l->size();
    positions = merged_page(lists, *page);
  }
  std::string body = fmt::format(R"({{"as_of":"{}","items":[)", as_of->to_string());
  for (size_t k = 0; k < positions.size(); ++k) {
    if (k) body += ',';
    body += list.item(positions[k]);
  }
  body += fmt::format(R"(],"total":{},"offset":{},"limit":{}}})", total, page->offset, page->limit);
  return Response::json(std::move(body));
}

// ---- actions ------------------------------------------------------------------------------

// GET /api/v1/actions?as_of=YYYY-MM-DD&status=planned|done|skipped|cancelled&customer=ID
// &limit&offset — the actions the daily run of as_of (default today) planned, in scope:
// {"items": [{"id", "customer_id", "kind", "level", "channel", "planned_for", "scheduled_at",
// "invoice_ids", "amount", "currency", "template", "assigned_to", "status", "rule",
// "outcome"}], "total", "offset", "limit"}.
Response list_actions(ApiContext& api, const Request& request) {
  if (auto unknown =
          unknown_parameter(request, {"as_of", "status", "customer", "limit", "offset"})) {
    return *unknown;
  }
  auto page = page_of(request);
  if (!page) return page.error();
  auto as_of = date_param(request, "as_of", api.clock().local_date());
  if (!as_of) return as_of.error();
  ActionFilter filter;
  filter.planned_for = *as_of;
  filter.limit = page->limit;
  filter.offset = page->offset;
  if (const auto status = request.query_param("status")) {
    for (ActionStatus s : {ActionStatus::kPlanned, ActionStatus::kDone, ActionStatus::kSkipped,
                           ActionStatus::kCancelled}) {
      if (*status == action_status_name(s)) filter.status = s;
    }
    if (!filter.status) {
      return bad_parameter("status", "must be one of planned, done, skipped, cancelled");
    }
  }
  auto caller = caller_of(api, request);
  if (!caller) return caller.error();
  if (const auto customer = request.query_param("customer")) {
    if (!caller->sees_customer(*customer)) return not_found("customer");
    filter.customer_id = *customer;
  }
  if (!caller->scope.all) {
    filter.collectors.emplace(caller->scope.collectors.begin(), caller->scope.collectors.end());
  }
  ordered_json items = ordered_json::array();
  const int64_t total = caller->store->read_actions_page(
      filter, [&](const Action& action) { items.push_back(action_json(action)); });
  return list_json(std::move(items), total, *page);
}

// The action of the path, if it exists and is in the caller's scope.
tl::expected<Action, Response> scoped_action(Caller& caller, const Request& request) {
  const auto id = id_of(request);
  auto action = id ? caller.store->find_action(*id) : std::nullopt;
  if (!action || !caller.sees_customer(action->customer_id)) {
    return tl::unexpected(not_found("action"));
  }
  return *action;
}

// POST /api/v1/actions/{id}/complete {"outcome", "note"?} and /skip {"reason"} — close a
// planned action → 200 {"action": …}; 409 when it is no longer planned.
Response close(ApiContext& api, const Request& request, ActionStatus status) {
  auto body = json_body(request);
  if (!body) return body.error();
  auto outcome = string_field(*body, status == ActionStatus::kDone ? "outcome" : "reason");
  if (!outcome) return outcome.error();
  auto note = optional_string_field(*body, "note");
  if (!note) return note.error();
  auto caller = caller_of(api, request);
  if (!caller) return caller.error();
  auto action = scoped_action(*caller, request);
  if (!action) return action.error();
  auto done =
      close_action(*caller->store, action->id, status, *outcome, actor_of(api, request), *note);
  if (!done) return conflict(done.error().message, "id");
  return Response::json(
      ordered_json{{"action", action_json(*caller->store->find_action(action->id))}}.dump());
}

// POST /api/v1/actions/{id}/reschedule {"date": "YYYY-MM-DD", "reason"} — move a planned
// action to a later working day of the customer → 200 {"action": …} with the new
// scheduled_at; 409 when it is no longer planned; 422 for a past date, one not after the
// action's day, or a day off.
Response reschedule(ApiContext& api, const Request& request) {
  auto body = json_body(request);
  if (!body) return body.error();
  auto date = string_field(*body, "date");
  if (!date) return date.error();
  auto reason = string_field(*body, "reason");
  if (!reason) return reason.error();
  auto caller = caller_of(api, request);
  if (!caller) return caller.error();
  auto action = scoped_action(*caller, request);
  if (!action) return action.error();
  auto moved = reschedule_action(*caller->store, *api.policy.get(), action->id, *date, *reason,
                                 actor_of(api, request));
  if (!moved) {
    if (moved.error().field == "--id") return conflict(moved.error().message, "id");
    return refused(moved.error());
  }
  return Response::json(
      ordered_json{{"action", action_json(*caller->store->find_action(action->id))}}.dump());
}

// ---- contacts, promises -------------------------------------------------------------------

// The customer of the path, in scope, or a 404.
std::optional<Response> check_customer(Caller& caller, std::string_view customer_id) {
  if (!caller.sees_customer(customer_id)) return not_found("customer");
  return std::nullopt;
}

// A page of one kind of the customer's records (path parameter `id`), read by `read` and
// written by `write`: the lists under /api/v1/customers/{id}/.
template <typename Record>
Response customer_records(ApiContext& api, const Request& request,
                          void (Store::*read)(std::string_view,
                                              const std::function<void(const Record&)>&),
                          ordered_json (*write)(const Record&)) {
  if (auto unknown = unknown_parameter(request, {"limit", "offset"})) return *unknown;
  auto page = page_of(request);
  if (!page) return page.error();
  auto caller = caller_of(api, request);
  if (!caller) return caller.error();
  const std::string_view customer = request.path_param("id");
  if (auto missing = check_customer(*caller, customer)) return *missing;
  std::vector<Record> records;
  ((*caller->store).*read)(customer, [&](const Record& r) { records.push_back(r); });
  return page_json(records, *page, write);
}

// GET /api/v1/customers/{id}/contacts?limit&offset — the customer's recorded contacts, newest
// first: {"items": [{"id", "customer_id", "channel", "at", "outcome", "note",
// "recorded_by"}], "total", "offset", "limit"}.
Response list_contacts(ApiContext& api, const Request& request) {
  return customer_records(api, request, &Store::read_customer_contacts, contact_json);
}

// POST /api/v1/contacts {"customer_id", "channel": phone|email|sms|visit|letter, "at": ISO 8601
// with offset, not in the future, "outcome", "note"?} → 201 {"contact": {…}}.
Response add_contact(ApiContext& api, const Request& request) {
  auto body = json_body(request);
  if (!body) return body.error();
  ContactRequest contact;
  if (auto bad = read_string_fields(*body,
                                    {{"customer_id", &contact.customer_id},
                                     {"channel", &contact.channel},
                                     {"at", &contact.at},
                                     {"outcome", &contact.outcome}},
                                    {{"note", &contact.note}})) {
    return *bad;
  }
  auto caller = caller_of(api, request);
  if (!caller) return caller.error();
  if (auto missing = check_customer(*caller, contact.customer_id)) return *missing;
  const Actor actor = actor_of(api, request);
  auto id = record_contact(*caller->store, contact, actor);
  if (!id) return refused(id.error());
  return created({{"contact", contact_json({*id, contact.customer_id, contact.channel,
                                            Timestamp::parse(contact.at)->to_string(),
                                            contact.outcome, contact.note, actor.name})}});
}

// GET /api/v1/customers/{id}/promises?limit&offset — the customer's promises to pay, oldest
// first: {"items": [{"id", "customer_id", "amount", "currency", "date", "invoice_ids",
// "status": open|kept|broken|cancelled, "created_at", "recorded_by"}], "total", …}.
Response list_promises(ApiContext& api, const Request& request) {
  return customer_records(api, request, &Store::read_customer_promises, promise_json);
}

// POST /api/v1/promises {"customer_id", "amount": decimal, "currency"? (default the
// customer's), "date": YYYY-MM-DD today or later, "invoice_ids"?: [...]} → 201 {"promise": …};
// 422 above what is open today.
Response add_promise(ApiContext& api, const Request& request) {
  auto body = json_body(request);
  if (!body) return body.error();
  PromiseRequest promise;
  if (auto bad = read_string_fields(*body, {{"customer_id", &promise.customer_id},
                                            {"amount", &promise.amount},
                                            {"date", &promise.date}})) {
    return *bad;
  }
  auto currency = optional_string_field(*body, "currency");
  if (!currency) return currency.error();
  if (!currency->empty()) promise.currency = *currency;
  auto invoices = string_list(*body, "invoice_ids");
  if (!invoices) return invoices.error();
  promise.invoice_ids = std::move(*invoices);
  auto caller = caller_of(api, request);
  if (!caller) return caller.error();
  if (auto missing = check_customer(*caller, promise.customer_id)) return *missing;
  auto id = record_promise(*caller->store, promise, actor_of(api, request));
  if (!id) return refused(id.error());
  collection_changed(api);
  std::optional<Promise> stored;
  caller->store->read_customer_promises(promise.customer_id, [&](const Promise& p) {
    if (p.id == *id) stored = p;
  });
  return created({{"promise", promise_json(*stored)}});
}

// ---- disputes -----------------------------------------------------------------------------

// GET /api/v1/disputes?status=open|resolved&customer=ID&limit&offset — disputes in scope,
// oldest first: {"items": [{"id", "invoice_id", "customer_id", "amount", "currency",
// "reason", "note", "status", "opened_at", "respond_by", "sla": open|overdue|answered_in_time|
// answered_late, "resolved_at", "resolution", "recorded_by"}], "total", "offset", "limit"}.
Response list_disputes(ApiContext& api, const Request& request) {
  if (auto unknown = unknown_parameter(request, {"status", "customer", "limit", "offset"})) {
    return *unknown;
  }
  auto page = page_of(request);
  if (!page) return page.error();
  std::optional<DisputeStatus> status;
  if (const auto text = request.query_param("status")) {
    if (*text == "open") {
      status = DisputeStatus::kOpen;
    } else if (*text == "resolved") {
      status = DisputeStatus::kResolved;
    } else {
      return bad_parameter("status", "must be open or resolved");
    }
  }
  auto caller = caller_of(api, request);
  if (!caller) return caller.error();
  const auto customer = request.query_param("customer");
  if (customer && !caller->sees_customer(*customer)) return not_found("customer");
  std::vector<Dispute> disputes;
  caller->store->read_disputes([&](const Dispute& d) {
    if (status && d.status != *status) return;
    if (customer && d.customer_id != *customer) return;
    disputes.push_back(d);
  });
  std::erase_if(disputes, [&](const Dispute& d) { return !caller->sees_customer(d.customer_id); });
  const Timestamp now = api.clock();
  return page_json(disputes, *page,
                   [&](const Dispute& d) { return dispute_json(*caller->store, d, now); });
}

// POST /api/v1/disputes {"invoice_id", "amount": decimal in the invoice's currency, "reason":
// one of the objection reasons, "note"?} → 201 {"dispute": …}, to be answered within the
// policy's dispute_response_hours; 422 above the invoice's open, undisputed amount.
Response add_dispute(ApiContext& api, const Request& request) {
  auto body = json_body(request);
  if (!body) return body.error();
  DisputeRequest dispute;
  if (auto bad = read_string_fields(*body,
                                    {{"invoice_id", &dispute.invoice_id},
                                     {"amount", &dispute.amount},
                                     {"reason", &dispute.reason}},
                                    {{"note", &dispute.note}})) {
    return *bad;
  }
  auto caller = caller_of(api, request);
  if (!caller) return caller.error();
  const auto invoice = caller->store->find_invoice(dispute.invoice_id);
  const auto customer =
      invoice ? caller->store->find_customer_by_id(invoice->customer_id) : std::nullopt;
  if (!customer || !caller->scope.sees(customer->collector) ||
      invoice->doc_type != DocType::kInvoice) {
    return not_found("invoice");
  }
  auto id = open_dispute(*caller->store, dispute, api.policy.get()->dispute_response_hours,
                         actor_of(api, request));
  if (!id) return refused(id.error(), "invoice_id");
  collection_changed(api);
  return created(
      {{"dispute", dispute_json(*caller->store, *caller->store->find_dispute(*id), api.clock())}});
}

// POST /api/v1/disputes/{id}/resolve {"resolution": upheld|rejected|credited, "note"?} →
// 200 {"dispute": …}; 409 when it is already resolved.
Response resolve(ApiContext& api, const Request& request) {
  auto body = json_body(request);
  if (!body) return body.error();
  auto resolution = string_field(*body, "resolution");
  if (!resolution) return resolution.error();
  auto note = optional_string_field(*body, "note");
  if (!note) return note.error();
  auto caller = caller_of(api, request);
  if (!caller) return caller.error();
  const auto id = id_of(request);
  const auto dispute = id ? caller->store->find_dispute(*id) : std::nullopt;
  if (!dispute || !caller->sees_customer(dispute->customer_id)) return not_found("dispute");
  auto done = resolve_dispute(*caller->store, *id, *resolution, *note, actor_of(api, request));
  if (!done) {
    if (done.error().field == "--id") return conflict(done.error().message, "id");
    return refused(done.error());
  }
  collection_changed(api);
  return Response::json(ordered_json{
      {"dispute", dispute_json(*caller->store, *caller->store->find_dispute(*id), api.clock())}}
                            .dump());
}

// ---- payment plans ------------------------------------------------------------------------

// GET /api/v1/customers/{id}/plans?limit&offset — the customer's payment plans: {"items":
// [{"id", "customer_id", "amount" (the installments' total), "currency", "status":
// open|completed|broken|cancelled, "invoice_ids", "installments": [{"date", "amount"}], "note",
// "created_at", "recorded_by"}], "total", "offset", "limit"}.
Response list_plans(ApiContext& api, const Request& request) {
  return customer_records(api, request, &Store::read_customer_plans, plan_json);
}

// POST /api/v1/plans {"customer_id", "invoice_ids": [...], "installments": [{"date", "amount"}],
// "note"?} — within the caller's authority for installment_plan (the policy's [[authority]])
// → 201 {"plan": …}; above it → 202 {"approval": …}, a pending request routed to the lowest
// level that may decide it. 422 for a plan record_plan refuses (dates, sums, invoices).
Response add_plan(ApiContext& api, const Request& request) {
  auto body = json_body(request);
  if (!body) return body.error();
  PlanRequest plan;
  auto customer = string_field(*body, "customer_id");
  if (!customer) return customer.error();
  plan.customer_id = std::move(*customer);
  auto invoices = string_list(*body, "invoice_ids");
  if (!invoices) return invoices.error();
  plan.invoice_ids = std::move(*invoices);
  auto note = optional_string_field(*body, "note");
  if (!note) return note.error();
  plan.note = std::move(*note);
  const auto installments = body->find("installments");
  if (installments != body->end() && !installments->is_null()) {
    if (!installments->is_array()) {
      return Response::error(Status::bad_request, "bad_request",
                             "must be a list of {\"date\", \"amount\"}", "installments");
    }
    for (const auto& installment : *installments) {
      if (!installment.is_object()) {
        return Response::error(Status::bad_request, "bad_request",
                               "must be a list of {\"date\", \"amount\"}", "installments");
      }
      auto date = string_field(installment, "date");
      if (!date) return date.error();
      auto amount = string_field(installment, "amount");
      if (!amount) return amount.error();
      plan.installments.emplace_back(std::move(*date), std::move(*amount));
    }
  }
  auto caller = caller_of(api, request);
  if (!caller) return caller.error();
  if (auto missing = check_customer(*caller, plan.customer_id)) return *missing;
  const Role role = principal_of(request).user.role;
  auto submitted =
      submit_plan(*caller->store, *api.policy.get(), plan, actor_of(api, request), role);
  if (!submitted) return refused(submitted.error());
  if (submitted->approval) {
    return Response::json(ordered_json{{"approval", approval_json(*submitted->approval)}}.dump(),
                          Status::accepted);
  }
  collection_changed(api);
  return created({{"plan", plan_json(*caller->store->find_plan(*submitted->plan_id))}});
}

// POST /api/v1/plans/{id}/cancel → 200 {"plan": …}; 409 when it is no longer open.
Response cancel(ApiContext& api, const Request& request) {
  auto caller = caller_of(api, request);
  if (!caller) return caller.error();
  const auto id = id_of(request);
  const auto plan = id ? caller->store->find_plan(*id) : std::nullopt;
  if (!plan || !caller->sees_customer(plan->customer_id)) return not_found("payment plan");
  auto done = cancel_plan(*caller->store, *id, actor_of(api, request));
  if (!done) return conflict(done.error().message, "id");
  collection_changed(api);
  return Response::json(ordered_json{{"plan", plan_json(*caller->store->find_plan(*id))}}.dump());
}

// ---- approvals ----------------------------------------------------------------------------

// A refused decision: not pending any more → 409; this user may not decide or cancel it
// (authority level, own request) → 403 "authority"; a plan no longer valid → 422.
Response refused_decision(const Error& error) {
  if (error.field == "status") return conflict(error.message, "status");
  if (error.field == "decided_by" || error.field == "requested_by") {
    return Response::error(Status::forbidden, "authority", error.message, error.field);
  }
  return refused(error);
}

// The optional "note" of a body that may also be empty.
tl::expected<std::string, Response> note_of(const Request& request) {
  if (request.body.empty()) return std::string();
  auto body = json_body(request);
  if (!body) return tl::unexpected(body.error());
  return optional_string_field(*body, "note");
}

// GET /api/v1/approvals?status=pending|approved|rejected|cancelled&limit&offset — approval
// requests in scope, oldest first: {"items": [{"id", "kind", "customer_id", "amount",
// "currency", "required_level", "status", "requested_by", "requested_role", "requested_at",
// "note", "payload" (the plan of an installment_plan), "decided_by", "decided_role",
// "decided_at", "decision_note", "result_id" (the plan made on approval)}], "total", …}.
Response list_approvals(ApiContext& api, const Request& request) {
  if (auto unknown = unknown_parameter(request, {"status", "limit", "offset"})) return *unknown;
  auto page = page_of(request);
  if (!page) return page.error();
  std::optional<ApprovalStatus> status;
  if (const auto text = request.query_param("status")) {
    status = parse_approval_status(*text);
    if (!status) {
      return bad_parameter("status", "must be one of pending, approved, rejected, cancelled");
    }
  }
  auto caller = caller_of(api, request);
  if (!caller) return caller.error();
  std::vector<Approval> approvals;
  caller->store->read_approvals(status, [&](const Approval& a) { approvals.push_back(a); });
  std::erase_if(approvals,
                [&](const Approval& a) { return !caller->sees_customer(a.customer_id); });
  return page_json(approvals, *page, approval_json);
}

// The approval of the path, if it exists and is in the caller's scope.
tl::expected<Approval, Response> scoped_approval(Caller& caller, const Request& request) {
  const auto id = id_of(request);
  auto approval = id ? caller.store->find_approval(*id) : std::nullopt;
  if (!approval || !caller.sees_customer(approval->customer_id)) {
    return tl::unexpected(not_found("approval"));
  }
  return *approval;
}

// GET /api/v1/approvals/{id} → {"approval": …}.
Response get_approval(ApiContext& api, const Request& request) {
  auto caller = caller_of(api, request);
  if (!caller) return caller.error();
  auto approval = scoped_approval(*caller, request);
  if (!approval) return approval.error();
  return Response::json(ordered_json{{"approval", approval_json(*approval)}}.dump());
}

// POST /api/v1/approvals/{id}/approve|reject {"note"?} → 200 {"approval": …} (approving an
// installment_plan records the plan: result_id). 403 "authority" below the required level or
// for one's own request; 409 when no longer pending; 422 when the plan is no longer valid.
Response decide(ApiContext& api, const Request& request, bool approve) {
  auto note = note_of(request);
  if (!note) return note.error();
  auto caller = caller_of(api, request);
  if (!caller) return caller.error();
  auto approval = scoped_approval(*caller, request);
  if (!approval) return approval.error();
  auto decided = decide_approval(*caller->store, *api.policy.get(), approval->id, approve, *note,
                                 actor_of(api, request), principal_of(request).user.role);
  if (!decided) return refused_decision(decided.error());
  if (decided->result_id) collection_changed(api);
  return Response::json(ordered_json{{"approval", approval_json(*decided)}}.dump());
}

// POST /api/v1/approvals/{id}/cancel {"note"?} — the requester withdraws a pending request →
// 200 {"approval": …}; 403 "authority" for anyone else; 409 when no longer pending.
Response withdraw(ApiContext& api, const Request& request) {
  auto note = note_of(request);
  if (!note) return note.error();
  auto caller = caller_of(api, request);
  if (!caller) return caller.error();
  auto approval = scoped_approval(*caller, request);
  if (!approval) return approval.error();
  auto done = cancel_approval(*caller->store, approval->id, *note, actor_of(api, request));
  if (!done) return refused_decision(done.error());
  return Response::json(
      ordered_json{{"approval", approval_json(*caller->store->find_approval(approval->id))}}
          .dump());
}

}  // namespace

void add_case_routes(Router& router, ApiContext& api) {
  using P = Permission;
  // Two dates: today's list, and one other (yesterday's, a report's) without evicting it.
  auto cache = std::make_shared<WorklistCache>(2);
  auto on = [&api](Response (*handler)(ApiContext&, const Request&)) {
    return [&api, handler](const Request& request) { return handler(api, request); };
  };
  router.add({Verb::get, "/api/v1/worklist",
              [&api, cache](const Request& request) { return worklist(api, *cache, request); },
              P::kWorklistRead});
  router.add({Verb::get, "/api/v1/actions", on(list_actions), P::kWorklistRead});
  router.add({Verb::post, "/api/v1/actions/{id}/complete",
              [&api](const Request& request) { return close(api, request, ActionStatus::kDone); },
              P::kCaseWork});
  router.add(
      {Verb::post, "/api/v1/actions/{id}/skip",
       [&api](const Request& request) { return close(api, request, ActionStatus::kSkipped); },
       P::kCaseWork});
  router.add({Verb::post, "/api/v1/actions/{id}/reschedule", on(reschedule), P::kCaseWork});
  router.add({Verb::get, "/api/v1/customers/{id}/contacts", on(list_contacts), P::kLedgerRead});
  router.add({Verb::post, "/api/v1/contacts", on(add_contact), P::kCaseWork});
  router.add({Verb::get, "/api/v1/customers/{id}/promises", on(list_promises), P::kLedgerRead});
  router.add({Verb::post, "/api/v1/promises", on(add_promise), P::kCaseWork});
  router.add({Verb::get, "/api/v1/disputes", on(list_disputes), P::kLedgerRead});
  router.add({Verb::post, "/api/v1/disputes", on(add_dispute), P::kCaseWork});
  router.add({Verb::post, "/api/v1/disputes/{id}/resolve", on(resolve), P::kDisputeResolve});
  router.add({Verb::get, "/api/v1/customers/{id}/plans", on(list_plans), P::kLedgerRead});
  router.add({Verb::post, "/api/v1/plans", on(add_plan), P::kPlanSubmit});
  router.add({Verb::post, "/api/v1/plans/{id}/cancel", on(cancel), P::kPlanSubmit});
  router.add({Verb::get, "/api/v1/approvals", on(list_approvals), P::kApprovalRead});
  router.add({Verb::get, "/api/v1/approvals/{id}", on(get_approval), P::kApprovalRead});
  router.add({Verb::post, "/api/v1/approvals/{id}/approve",
              [&api](const Request& request) { return decide(api, request, true); },
              P::kApprovalDecide});
  router.add({Verb::post, "/api/v1/approvals/{id}/reject",
              [&api](const Request& request) { return decide(api, request, false); },
              P::kApprovalDecide});
  router.add({Verb::post, "/api/v1/approvals/{id}/cancel", on(withdraw), P::kPlanSubmit});
}

}  // namespace huikuan::http

#include "http/ledger_routes.h"

#include <absl/container/flat_hash_map.h>
#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <tuple>
#include <utility>
#include <vector>

#include "core/money.h"
#include "core/personal_data.h"
#include "engine/aging.h"
#include "engine/customer_index.h"
#include "service/collection_output.h"
#include "service/collections.h"

namespace huikuan::http {
namespace {

using nlohmann::ordered_json;

// How much of a customer's history the 360° view shows: the newest records of each kind.
constexpr size_t kRecentPayments = 20;
constexpr size_t kRecentContacts = 20;
constexpr int64_t kRecentActions = 50;
constexpr int64_t kActivity = 50;

// A dictionary code no customer has: a filter value nobody has matches nobody.
constexpr uint32_t kNobody = std::numeric_limits<uint32_t>::max();

std::string money(int64_t minor, const Currency& currency) {
  return format_minor_units(minor, currency.minor_digits);
}

// null for text that is not set.
ordered_json text_or_null(const std::string& text) {
  return text.empty() ? ordered_json(nullptr) : ordered_json(text);
}

// The customer list's index for the current snapshot, day and policy, built by the first request
// that needs it and shared by the others (which wait for it rather than build their own).
class CustomerIndexCache {
 public:
  std::shared_ptr<const CustomerIndex> get(const std::shared_ptr<const Snapshot>& snapshot,
                                           Date day, const std::shared_ptr<const Policy>& policy) {
    std::lock_guard lock(mutex_);
    if (!index_ || snapshot_.lock() != snapshot || policy_.lock() != policy ||
        index_->as_of() != day) {
      index_.reset();  // the old one's memory goes before the new one's is taken
      index_ = std::make_shared<const CustomerIndex>(*snapshot, day, policy->exchange_rate_micros);
      snapshot_ = snapshot;
      policy_ = policy;
    }
    return index_;
  }

 private:
  std::mutex mutex_;
  std::shared_ptr<const CustomerIndex> index_;
  std::weak_ptr<const Snapshot> snapshot_;  // weak: a replaced snapshot is not kept alive
  std::weak_ptr<const Policy> policy_;
};

// The customers the caller may see, as the snapshot's collector codes; nullopt for everyone.
std::optional<std::vector<uint32_t>> scope_codes(const Scope& scope, const Snapshot& snapshot) {
  if (scope.all) return std::nullopt;
  std::vector<uint32_t> codes;
  for (const std::string& collector : scope.collectors) {
    if (auto code = snapshot.collectors.find(collector)) codes.push_back(*code);
  }
  return codes;
}

ordered_json customer_item(const Snapshot& s, const CustomerIndex& index, uint32_t c) {
  ordered_json balances = ordered_json::array();
  for (const CurrencyBalance& b : index.balances(c)) {
    const Currency& currency = s.currencies[b.currency];
    balances.push_back(json_object({{"currency", currency.code_view()},
                                    {"open", money(b.open, currency)},
                                    {"overdue", money(b.overdue, currency)}}));
  }
  return json_object({{"id", s.customer_key[c]},
                      {"name", s.customer_name[c]},
                      {"collector", s.collectors.values[s.customer_collector[c]]},
                      {"region", s.regions.values[s.customer_region[c]]},
                      {"industry", s.industries.values[s.customer_industry[c]]},
                      {"grade", s.grades.values[s.customer_grade[c]]},
                      {"type", s.types.values[s.customer_type[c]]},
                      {"balances", std::move(balances)},
                      {"oldest_overdue_days", index.oldest_overdue_days(c)}});
}

// GET /api/v1/customers?q=&collector=&region=&grade=&type=&overdue=true|false
//   &sort=open_desc|overdue_desc|id|name&limit=&offset=
// → {"as_of", "items": [{"id", "name", "collector", "region", "industry", "grade", "type",
//    "balances": [{"currency", "open", "overdue"}], "oldest_overdue_days"}], "total", "offset",
//    "limit"}. Balances as of today; q is a substring of the id or the name (ASCII letters in
// any case); the other filters are exact values. Only customers in the caller's scope.
Response list_customers(ApiContext& api, CustomerIndexCache& cache, const Request& request) {
  if (auto unknown = unknown_parameter(request, {"q", "collector", "region", "grade", "type",
                                                 "overdue", "sort", "limit", "offset"})) {
    return *unknown;
  }
  const auto page = page_of(request);
  if (!page) return page.error();
  CustomerQuery query;
  query.offset = static_cast<size_t>(page->offset);
  query.limit = static_cast<size_t>(page->limit);
  if (const auto sort = request.query_param("sort")) {
    const auto parsed = parse_customer_sort(*sort);
    if (!parsed) return bad_parameter("sort", "must be one of open_desc, overdue_desc, id, name");
    query.sort = *parsed;
  }
  if (const auto overdue = request.query_param("overdue")) {
    if (*overdue != "true" && *overdue != "false") {
      return bad_parameter("overdue", "must be true or false");
    }
    query.overdue_only = *overdue == "true";
  }
  if (const auto q = request.query_param("q")) {
    const bool control = std::any_of(q->begin(), q->end(), [](char ch) {
      return static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f;
    });
    if (q->size() > 200 || control) {
      return bad_parameter("q", "at most 200 bytes, without control characters");
    }
    query.text = *q;
  }
  const auto snapshot = api.snapshot.get();
  if (!snapshot) return not_ready();
  for (auto [name, dictionary, filter] :
       {std::tuple{"collector", &snapshot->collectors, &query.collector},
        {"region", &snapshot->regions, &query.region},
        {"grade", &snapshot->grades, &query.grade},
        {"type", &snapshot->types, &query.type}}) {
    if (const auto value = request.query_param(name)) {
      *filter = dictionary->find(*value).value_or(kNobody);
    }
  }
  {
    auto store = api.stores.lease();
    if (!store) return unavailable(store.error());
    query.scope = scope_codes(scope_of(**store, principal_of(request)), *snapshot);
  }
  const Date today = api.clock().local_date();
  const auto index = cache.get(snapshot, today, api.policy.get());
  const CustomerPage found = index->find(*snapshot, query);
  ordered_json items = ordered_json::array();
  for (uint32_t c : found.customers) items.push_back(customer_item(*snapshot, *index, c));
  return Response::json(ordered_json{
      {"as_of", today.to_string()},
      {"items", std::move(items)},
      {"total", found.total},
      {"offset", page->offset},
      {"limit",
       page->limit}}.dump());
}

// ---- the 360° view ---------------------------------------------------------------------------

// Everything the store holds about one customer, read in one transaction.
struct CustomerRecords {
  std::vector<Invoice> documents;  // invoices and credit notes
  std::vector<Delivery> deliveries;
  std::vector<Payment> payments;
  std::vector<Allocation> allocations;
  std::vector<Contact> contacts;  // newest first
  std::vector<Promise> promises;
  std::vector<Dispute> disputes;
  std::vector<PaymentPlan> plans;
  std::vector<Action> actions;  // newest first
  std::vector<AuditEntry> activity;
  absl::flat_hash_map<int64_t, const Invoice*> document_by_id;
  absl::flat_hash_map<int64_t, const Payment*> payment_by_id;

  std::string document_key(int64_t id) const {
    auto it = document_by_id.find(id);
    return it == document_by_id.end() ? std::string() : it->second->external_id;
  }
  std::string payment_key(int64_t id) const {
    auto it = payment_by_id.find(id);
    return it == payment_by_id.end() ? std::string() : it->second->external_id;
  }
};

// The ledger records of `customer`; with `collection_work`, also its contacts, promises,
// disputes, plans, actions and the audit records about all of them.
CustomerRecords read_records(Store& store, const Customer& customer, bool collection_work) {
  CustomerRecords r;
  auto read = [&]() -> Result<void> {
    store.read_customer_documents(customer.id, [&](const Invoice& d) { r.documents.push_back(d); });
    store.read_customer_payments(customer.id, [&](const Payment& p) { r.payments.push_back(p); });
    store.read_customer_deliveries(customer.id,
                                   [&](const Delivery& d) { r.deliveries.push_back(d); });
    store.read_customer_allocations(customer.id,
                                    [&](const Allocation& a) { r.allocations.push_back(a); });
    store.read_customer_disputes(customer.id, [&](const Dispute& d) { r.disputes.push_back(d); });
    if (!collection_work) return {};
    store.read_customer_contacts(customer.external_id, [&](const Contact& c) {
      if (r.contacts.size() < kRecentContacts) r.contacts.push_back(c);
    });
    store.read_customer_promises(customer.external_id,
                                 [&](const Promise& p) { r.promises.push_back(p); });
    store.read_customer_plans(customer.external_id,
                              [&](const PaymentPlan& p) { r.plans.push_back(p); });
    store.read_customer_actions(customer.id, kRecentActions,
                                [&](const Action& a) { r.actions.push_back(a); });
    // The audit records of the customer's row and of every record of it shown here.
    std::vector<std::pair<std::string, std::string>> keys{{"customer", customer.external_id}};
    for (const Invoice& d : r.documents) keys.emplace_back("invoice", d.external_id);
    for (const Payment& p : r.payments) keys.emplace_back("payment", p.external_id);
    for (const Delivery& d : r.deliveries) keys.emplace_back("delivery", d.external_id);
    auto add = [&](const char* entity, int64_t id) {
      keys.emplace_back(entity, std::to_string(id));
    };
    for (const Contact& c : r.contacts) add("contact", c.id);
    for (const Promise& p : r.promises) add("promise", p.id);
    for (const Dispute& d : r.disputes) add("dispute", d.id);
    for (const PaymentPlan& p : r.plans) add("payment_plan", p.id);
    for (const Action& a : r.actions) add("action", a.id);
    store.read_changes_of(keys, kActivity, [&](const AuditEntry& e) { r.activity.push_back(e); });
    return {};
  };
  (void)store.read_transaction(read);
  for (const Invoice& d : r.documents) r.document_by_id.emplace(d.id, &d);
  for (const Payment& p : r.payments) r.payment_by_id.emplace(p.id, &p);
  return r;
}

// Sum of the open disputes per invoice external id.
std::map<std::string, int64_t> disputed_by_invoice(const std::vector<Dispute>& disputes) {
  std::map<std::string, int64_t> disputed;
  for (const Dispute& d : disputes) {
    if (d.status == DisputeStatus::kOpen) disputed[d.invoice_id] += d.amount;
  }
  return disputed;
}

ordered_json customer_json(const Customer& c, const Policy& policy) {
  ordered_json json =
      json_object({{"id", c.external_id},
                   {"name", c.name},
                   {"currency", c.currency ? ordered_json(c.currency->code_view()) : nullptr},
                   {"payment_terms_days", c.payment_terms_days ? ordered_json(*c.payment_terms_days)
                                                               : ordered_json(nullptr)},
                   {"credit_limit", c.credit_limit && c.currency
                                        ? ordered_json(money(*c.credit_limit, *c.currency))
                                        : ordered_json(nullptr)},
                   {"credit_grade", c.credit_grade},
                   {"industry", c.industry},
                   {"region", c.region},
                   {"type", c.customer_type},
                   {"importance", c.importance},
                   {"collector", c.collector},
                   {"email", c.email},
                   {"phone", c.phone},
                   {"timezone", c.timezone},
                   {"language", c.language},
                   {"country", c.country},
                   {"do_not_contact", c.do_not_contact},
                   {"blacklisted", c.blacklisted},
                   {"variant", policy_variant(policy, c.external_id)}});
  return json;
}

// The customer's aging and open invoices from the snapshot (position c) as of `today`, and its
// overdue grade and stage by its oldest overdue item.
Result<ordered_json> ledger_json(const Snapshot& s, size_t c, Date today, const Policy& policy,
                                 const CustomerRecords& records) {
  AgingBuckets buckets;
  buckets.upper_bounds = policy.aging_buckets;
  const auto aging = age_customer(s, c, today, buckets);
  if (!aging) return tl::unexpected(aging.error());
  const auto labels = buckets.labels();
  ordered_json currencies = ordered_json::array();
  for (const auto& [currency, row] : *aging) {
    ordered_json entry = json_object({{"currency", currency.code_view()}});
    for (size_t b = 0; b < labels.size(); ++b) entry[labels[b]] = money(row.buckets[b], currency);
    entry["open"] = money(row.open, currency);
    entry["unapplied"] = money(row.unapplied, currency);
    entry["net"] = money(row.net, currency);
    currencies.push_back(std::move(entry));
  }

  const auto disputed = disputed_by_invoice(records.disputes);
  ordered_json open_invoices = ordered_json::array();
  int32_t oldest = 0;
  for (uint32_t i = s.invoice_begin(c); i < s.invoice_end[c]; ++i) {
    if (s.invoice_date[i] > today.days()) continue;
    const int64_t open = s.invoice_amount[i] - s.allocated_by(i, today.days());
    if (open == 0) continue;
    const Currency& currency = s.currencies[s.invoice_currency[i]];
    const int32_t days_overdue = std::max(0, today.days() - s.invoice_due[i]);
    oldest = std::max(oldest, days_overdue);
    const std::string key = records.document_key(s.invoice_id[i]);
    const auto in_dispute = disputed.find(key);
    const auto it = records.document_by_id.find(s.invoice_id[i]);
    open_invoices.push_back(json_object(
        {{"id", key},
         {"invoice_date", Date(s.invoice_date[i]).to_string()},
         {"due_date", Date(s.invoice_due[i]).to_string()},
         {"currency", currency.code_view()},
         {"amount", money(s.invoice_amount[i], currency)},
         {"open_amount", money(open, currency)},
         {"disputed", money(in_dispute == disputed.end() ? 0 : in_dispute->second, currency)},
         {"days_overdue", days_overdue},
         {"contract_id", it == records.document_by_id.end() ? "" : it->second->contract_id}}));
  }
  const Band* grade = oldest > 0 ? band_of(policy.overdue_grades, oldest) : nullptr;
  const Band* stage = oldest > 0 ? band_of(policy.stages, oldest) : nullptr;
  return json_object(
      {{"aging", {{"buckets", labels}, {"currencies", std::move(currencies)}}},
       {"classification",
        {{"credit_grade", s.grades.values[s.customer_grade[c]]},
         {"overdue_grade", grade ? ordered_json(grade->name) : ordered_json(nullptr)},
         {"stage", stage ? ordered_json(stage->name) : ordered_json(nullptr)},
         {"oldest_overdue_days", oldest}}},
       {"open_invoices", std::move(open_invoices)}});
}

// What paid or credited an invoice: {"type": "payment"|"credit_note", "id", "amount", "date"}.
ordered_json settlement_json(const Allocation& a, const Currency& currency,
                             const CustomerRecords& records) {
  const bool payment = a.payment_id != 0;
  return {
      {"type", payment ? "payment" : "credit_note"},
      {"id", payment ? records.payment_key(a.payment_id) : records.document_key(a.credit_note_id)},
      {"amount", money(a.amount, currency)},
      {"date", a.date.to_string()}};
}

// A delivery note: {"id", "contract_id", "delivery_date", "received_date", "received_by",
// "reference"}, with "invoice_id" (null while not invoiced) when `with_invoice`.
ordered_json delivery_json(const Delivery& d, const CustomerRecords& records, bool with_invoice) {
  ordered_json json =
      json_object({{"id", d.external_id},
                   {"contract_id", text_or_null(d.contract_id)},
                   {"delivery_date", d.delivery_date.to_string()},
                   {"received_date", d.received_date ? ordered_json(d.received_date->to_string())
                                                     : ordered_json(nullptr)},
                   {"received_by", d.received_by},
                   {"reference", d.reference}});
  if (with_invoice) json["invoice_id"] = text_or_null(records.document_key(d.invoice_id));
  return json;
}

// The customer's delivery notes that `wanted` accepts, by delivery date.
ordered_json deliveries_json(const CustomerRecords& records,
                             const std::function<bool(const Delivery&)>& wanted) {
  std::vector<const Delivery*> chosen;
  for (const Delivery& d : records.deliveries) {
    if (wanted(d)) chosen.push_back(&d);
  }
  std::sort(chosen.begin(), chosen.end(), [](const Delivery* a, const Delivery* b) {
    return std::tie(a->delivery_date, a->external_id) < std::tie(b->delivery_date, b->external_id);
  });
  ordered_json json = ordered_json::array();
  for (const Delivery* d : chosen) json.push_back(delivery_json(*d, records, false));
  return json;
}

// The delivery notes `invoice_id` bills.
ordered_json deliveries_of(int64_t invoice_id, const CustomerRecords& records) {
  return deliveries_json(records, [&](const Delivery& d) { return d.invoice_id == invoice_id; });
}

// What settled an invoice (settlement_json of each allocation to it), by date.
ordered_json settled_by_json(const Invoice& invoice, const CustomerRecords& records) {
  std::vector<const Allocation*> applied;
  for (const Allocation& a : records.allocations) {
    if (a.invoice_id == invoice.id) applied.push_back(&a);
  }
  std::sort(applied.begin(), applied.end(),
            [](const Allocation* a, const Allocation* b) { return a->date < b->date; });
  ordered_json json = ordered_json::array();
  for (const Allocation* a : applied)
    json.push_back(settlement_json(*a, invoice.currency, records));
  return json;
}

// The document chain contract → delivery → invoice → payment, grouped by contract (documents
// without one under "contract_id": null): each invoice with the delivery notes it bills and
// what settled it, and under each contract the deliveries not invoiced yet.
ordered_json chain_json(const CustomerRecords& records) {
  std::map<std::string, std::vector<const Invoice*>> by_contract;
  for (const Invoice& d : records.documents) by_contract[d.contract_id].push_back(&d);
  for (const Delivery& d : records.deliveries) {
    if (!d.invoice_id) by_contract[d.contract_id];  // delivered on but not invoiced yet
  }
  ordered_json contracts = ordered_json::array();
  for (auto& [contract, documents] : by_contract) {
    std::sort(documents.begin(), documents.end(), [](const Invoice* a, const Invoice* b) {
      return std::tie(a->invoice_date, a->external_id) < std::tie(b->invoice_date, b->external_id);
    });
    ordered_json invoices = ordered_json::array();
    ordered_json credit_notes = ordered_json::array();
    for (const Invoice* d : documents) {
      if (d->doc_type == DocType::kCreditNote) {
        credit_notes.push_back(json_object({{"id", d->external_id},
                                            {"date", d->invoice_date.to_string()},
                                            {"currency", d->currency.code_view()},
                                            {"amount", money(d->amount, d->currency)}}));
        continue;
      }
      invoices.push_back(json_object({{"id", d->external_id},
                                      {"date", d->invoice_date.to_string()},
                                      {"currency", d->currency.code_view()},
                                      {"amount", money(d->amount, d->currency)},
                                      {"due_date", d->due_date.to_string()},
                                      {"reference", d->reference},
                                      {"deliveries", deliveries_of(d->id, records)},
                                      {"settled_by", settled_by_json(*d, records)}}));
    }
    ordered_json pending = deliveries_json(
        records, [&](const Delivery& d) { return !d.invoice_id && d.contract_id == contract; });
    contracts.push_back(json_object({{"contract_id", text_or_null(contract)},
                                     {"invoices", std::move(invoices)},
                                     {"credit_notes", std::move(credit_notes)},
                                     {"deliveries_not_invoiced", std::move(pending)}}));
  }
  return contracts;
}

// A payment with what it paid: {"id", "payment_date", "currency", "amount", "allocated",
// "unapplied", "reference", "allocations": [{"invoice_id", "amount", "date"}]}.
ordered_json payment_json(const Payment& p, const CustomerRecords& records) {
  ordered_json allocations = ordered_json::array();
  int64_t allocated = 0;
  for (const Allocation& a : records.allocations) {
    if (a.payment_id != p.id) continue;
    allocated += a.amount;
    allocations.push_back(json_object({{"invoice_id", records.document_key(a.invoice_id)},
                                       {"amount", money(a.amount, p.currency)},
                                       {"date", a.date.to_string()}}));
  }
  return json_object({{"id", p.external_id},
                      {"payment_date", p.payment_date.to_string()},
                      {"currency", p.currency.code_view()},
                      {"amount", money(p.amount, p.currency)},
                      {"allocated", money(allocated, p.currency)},
                      {"unapplied", money(p.amount - allocated, p.currency)},
                      {"reference", p.reference},
                      {"allocations", std::move(allocations)}});
}

// The currency of a dispute: its invoice's.
std::optional<Currency> dispute_currency(const Dispute& d, const CustomerRecords& records) {
  for (const Invoice& doc : records.documents) {
    if (doc.external_id == d.invoice_id) return doc.currency;
  }
  return std::nullopt;
}

ordered_json collection_json(const CustomerRecords& r, const Timestamp& now) {
  ordered_json contacts = ordered_json::array();
  for (const Contact& c : r.contacts) {
    contacts.push_back(json_object({{"id", c.id},
                                    {"channel", c.channel},
                                    {"at", c.at},
                                    {"outcome", c.outcome},
                                    {"note", c.note},
                                    {"recorded_by", c.recorded_by}}));
  }
  ordered_json promises = ordered_json::array();
  for (const Promise& p : r.promises) {
    promises.push_back(json_object({{"id", p.id},
                                    {"amount", money(p.amount, p.currency)},
                                    {"currency", p.currency.code_view()},
                                    {"promised_date", p.promised_date.to_string()},
                                    {"invoice_ids", p.invoice_ids},
                                    {"status", promise_status_name(p.status)},
                                    {"created_at", p.created_at},
                                    {"recorded_by", p.recorded_by}}));
  }
  ordered_json disputes = ordered_json::array();
  for (const Dispute& d : r.disputes) {
    if (auto currency = dispute_currency(d, r)) disputes.push_back(dispute_json(d, *currency, now));
  }
  ordered_json plans = ordered_json::array();
  for (const PaymentPlan& p : r.plans) {
    ordered_json installments = ordered_json::array();
    for (const Installment& k : p.installments) {
      installments.push_back(
          {{"due_date", k.due.to_string()}, {"amount", money(k.amount, p.currency)}});
    }
    plans.push_back(json_object({{"id", p.id},
                                 {"status", plan_status_name(p.status)},
                                 {"currency", p.currency.code_view()},
                                 {"total", money(p.total(), p.currency)},
                                 {"invoice_ids", p.invoice_ids},
                                 {"installments", std::move(installments)},
                                 {"note", p.note},
                                 {"created_at", p.created_at},
                                 {"recorded_by", p.recorded_by}}));
  }
  ordered_json actions = ordered_json::array();
  for (const Action& a : r.actions) {
    ordered_json invoice_ids = ordered_json::array();
    for (int64_t key : a.invoice_keys) invoice_ids.push_back(r.document_key(key));
    actions.push_back(json_object({{"id", a.id},
                                   {"kind", action_kind_name(a.kind)},
                                   {"level", a.level},
                                   {"channel", a.channel},
                                   {"planned_for", a.planned_for.to_string()},
                                   {"scheduled_at", a.scheduled_at},
                                   {"status", action_status_name(a.status)},
                                   {"amount", money(a.amount, a.currency)},
                                   {"currency", a.currency.code_view()},
                                   {"template", a.template_name},
                                   {"assigned_to", a.assigned_to},
                                   {"rule", a.rule},
                                   {"outcome", a.outcome},
                                   {"invoice_ids", std::move(invoice_ids)}}));
  }
  // The audit log keeps phones and e-mail addresses masked already; values written before
  // that rule, or quoted in free text, are masked here too.
  ordered_json activity = ordered_json::array();
  for (const AuditEntry& e : r.activity) {
    const ChangeRecord& change = e.change;
    activity.push_back(json_object({{"id", e.id},
                                    {"at", change.at},
                                    {"actor", change.actor},
                                    {"role", change.role},
                                    {"entity", change.entity},
                                    {"key", change.key},
                                    {"field", change.field},
                                    {"old_value", mask_personal_data(change.old_value)},
                                    {"new_value", mask_personal_data(change.new_value)},
                                    {"request_id", change.request_id}}));
  }
  return json_object({{"contacts", std::move(contacts)},
                      {"promises", std::move(promises)},
                      {"disputes", std::move(disputes)},
                      {"payment_plans", std::move(plans)},
                      {"actions", std::move(actions)},
                      {"activity", std::move(activity)}});
}

// Moves the members of object `from` to the end of object `to` (update() would copy them).
void move_members(ordered_json& from, ordered_json& to) {
  for (auto& [key, value] : from.items()) to[key] = std::move(value);
}

// GET /api/v1/customers/{id} → {"as_of", "customer": {attributes, flags, "variant"},
//   "classification": {"credit_grade", "overdue_grade", "stage", "oldest_overdue_days"},
//   "aging": {"buckets", "currencies": [{"currency", <bucket>…, "open", "unapplied", "net"}]},
//   "open_invoices": [{"id", "invoice_date", "due_date", "currency", "amount", "open_amount",
//   "disputed", "days_overdue", "contract_id"}], "documents": [{"contract_id", "invoices":
//   [{…, "deliveries": [{"id", "contract_id", "delivery_date", "received_date", "received_by",
//   "reference"}], "settled_by": [{"type", "id", "amount", "date"}]}], "credit_notes",
//   "deliveries_not_invoiced"}],
//   "payments": [newest 20, with allocations], "contacts": [newest 20], "promises",
//   "disputes" (with "sla"), "payment_plans" (with installments), "actions": [newest 50],
//   "activity": [newest 50 audit records, personal data masked]}. Aging by the policy's buckets
// as of today. 404 outside the caller's scope.
Response customer_view(ApiContext& api, const Request& request) {
  if (auto unknown = unknown_parameter(request, {})) return *unknown;
  const auto snapshot = api.snapshot.get();
  if (!snapshot) return not_ready();
  const std::string id(request.path_param("id"));
  const auto policy = api.policy.get();
  const Timestamp now = api.clock();
  const Date today = now.local_date();
  std::optional<Customer> customer;
  CustomerRecords records;
  {
    auto store = api.stores.lease();
    if (!store) return unavailable(store.error());
    customer = (*store)->find_customer(id);
    if (!customer || !scope_of(**store, principal_of(request)).sees(customer->collector)) {
      return not_found("customer");
    }
    records = read_records(**store, *customer, true);
  }
  ordered_json view{{"as_of", today.to_string()}, {"customer", customer_json(*customer, *policy)}};
  // An ordered_json object is a vector of pairs with const keys: growing it copies every member
  // (the whole document chain) instead of moving it. Room for all of the view's members first.
  view.get_ref<ordered_json::object_t&>().reserve(16);
  if (const auto c = snapshot->customer_index(id)) {
    auto ledger = ledger_json(*snapshot, *c, today, *policy, records);
    if (!ledger) return invalid(ledger.error());
    move_members(*ledger, view);
  } else {  // imported after the snapshot in use: its documents follow with the next refresh
    view["classification"] = nullptr;
    view["aging"] = nullptr;
    view["open_invoices"] = ordered_json::array();
  }
  view["documents"] = chain_json(records);
  std::vector<const Payment*> recent;
  for (const Payment& p : records.payments) recent.push_back(&p);
  std::sort(recent.begin(), recent.end(), [](const Payment* a, const Payment* b) {
    return std::tie(b->payment_date, b->external_id) < std::tie(a->payment_date, a->external_id);
  });
  if (recent.size() > kRecentPayments) recent.resize(kRecentPayments);
  ordered_json payments = ordered_json::array();
  for (const Payment* p : recent) payments.push_back(payment_json(*p, records));
  view["payments"] = std::move(payments);
  auto collection = collection_json(records, now);
  move_members(collection, view);
  return Response::json(view.dump());
}

// ---- invoices and payments -------------------------------------------------------------------

// The customer named by the `customer` parameter if the caller sees it: else the response.
tl::expected<Customer, Response> customer_in_scope(Store& store, const Request& request) {
  const auto id = request.query_param("customer");
  if (!id || id->empty()) return tl::unexpected(bad_parameter("customer", "required"));
  auto customer = store.find_customer(*id);
  if (!customer || !scope_of(store, principal_of(request)).sees(customer->collector)) {
    return tl::unexpected(not_found("customer"));
  }
  return *customer;
}

// An invoice (or credit note) with its open amount as of `today`.
ordered_json invoice_json(const Invoice& d, const CustomerRecords& records, Date today) {
  int64_t allocated = 0;
  for (const Allocation& a : records.allocations) {
    if (a.invoice_id == d.id && a.date <= today) allocated += a.amount;
  }
  const bool invoice = d.doc_type == DocType::kInvoice;
  const int64_t open = invoice ? d.amount - allocated : 0;
  return json_object({{"id", d.external_id},
                      {"type", invoice ? "invoice" : "credit_note"},
                      {"invoice_date", d.invoice_date.to_string()},
                      {"due_date", d.due_date.to_string()},
                      {"currency", d.currency.code_view()},
                      {"amount", money(d.amount, d.currency)},
                      {"open_amount", money(open, d.currency)},
                      {"status", open > 0 ? "open" : "paid"},
                      {"days_overdue", open > 0 ? std::max(0, today - d.due_date) : 0},
                      {"contract_id", d.contract_id},
                      {"reference", d.reference}});
}

// GET /api/v1/invoices?customer=ID&status=open|paid|all&limit=&offset= → {"items": [{"id",
//   "type", "invoice_date", "due_date", "currency", "amount", "open_amount", "status",
//   "days_overdue", "contract_id", "reference"}], "total", "offset", "limit"}: the customer's
// invoices (not credit notes) by due date, open amounts as of today. customer is required.
Response list_invoices(ApiContext& api, const Request& request) {
  if (auto unknown = unknown_parameter(request, {"customer", "status", "limit", "offset"})) {
    return *unknown;
  }
  const auto page = page_of(request);
  if (!page) return page.error();
  const std::string status(request.query_param("status").value_or("all"));
  if (status != "open" && status != "paid" && status != "all") {
    return bad_parameter("status", "must be one of open, paid, all");
  }
  const Date today = api.clock().local_date();
  CustomerRecords records;
  {
    auto store = api.stores.lease();
    if (!store) return unavailable(store.error());
    auto customer = customer_in_scope(**store, request);
    if (!customer) return customer.error();
    records = read_records(**store, *customer, false);
  }
  std::vector<const Invoice*> invoices;
  for (const Invoice& d : records.documents) {
    if (d.doc_type == DocType::kInvoice) invoices.push_back(&d);
  }
  std::sort(invoices.begin(), invoices.end(), [](const Invoice* a, const Invoice* b) {
    return std::tie(a->due_date, a->external_id) < std::tie(b->due_date, b->external_id);
  });
  ordered_json items = ordered_json::array();
  int64_t total = 0;
  for (const Invoice* d : invoices) {
    ordered_json item = invoice_json(*d, records, today);
    if (status != "all" && item["status"] != status) continue;
    if (total >= page->offset && static_cast<int64_t>(items.size()) < page->limit) {
      items.push_back(std::move(item));
    }
    ++total;
  }
  return list_json(std::move(items), total, *page);
}

// A document, delivery note or payment named by the {id} path parameter, with its customer
// and that customer's ledger records.
template <class Record>
struct Owned {
  Record record;
  Customer customer;
  CustomerRecords records;

  ordered_json customer_json() const {
    return {{"id", customer.external_id}, {"name", customer.name}};
  }
};

// What `find` (a Store lookup by external id) returns, or 404 naming `what` when there is no
// such record or its customer is outside the caller's scope.
template <class Record>
tl::expected<Owned<Record>, Response> find_owned(
    ApiContext& api, const Request& request, std::string_view what,
    std::optional<Record> (Store::*find)(std::string_view)) {
  auto store = api.stores.lease();
  if (!store) return tl::unexpected(unavailable(store.error()));
  auto record = ((**store).*find)(request.path_param("id"));
  if (!record) return tl::unexpected(not_found(what));
  auto customer = (*store)->find_customer_by_id(record->customer_id);
  if (!customer || !scope_of(**store, principal_of(request)).sees(customer->collector)) {
    return tl::unexpected(not_found(what));
  }
  CustomerRecords records = read_records(**store, *customer, false);
  return Owned<Record>{std::move(*record), std::move(*customer), std::move(records)};
}

// GET /api/v1/invoices/{id} → the invoice (or credit note) as in the list, plus "customer":
//   {"id", "name"}, "allocations": [{"type": "payment"|"credit_note", "id", "amount", "date"}]
//   (for a credit note: {"invoice_id", "amount", "date"} it was applied to) and "disputes"
//   (with "sla"). 404 when unknown or outside the caller's scope.
Response invoice_view(ApiContext& api, const Request& request) {
  if (auto unknown = unknown_parameter(request, {})) return *unknown;
  const Timestamp now = api.clock();
  const auto owned = find_owned(api, request, "invoice", &Store::find_invoice);
  if (!owned) return owned.error();
  const Invoice* invoice = &owned->record;
  const CustomerRecords& records = owned->records;
  ordered_json json = invoice_json(*invoice, records, now.local_date());
  json["customer"] = owned->customer_json();
  ordered_json allocations = ordered_json::array();
  for (const Allocation& a : records.allocations) {
    if (a.invoice_id == invoice->id) {
      allocations.push_back(settlement_json(a, invoice->currency, records));
    } else if (a.credit_note_id == invoice->id) {
      allocations.push_back(json_object({{"invoice_id", records.document_key(a.invoice_id)},
                                         {"amount", money(a.amount, invoice->currency)},
                                         {"date", a.date.to_string()}}));
    }
  }
  json["allocations"] = std::move(allocations);
  json["deliveries"] = deliveries_of(invoice->id, records);
  ordered_json disputes = ordered_json::array();
  for (const Dispute& d : records.disputes) {
    if (d.invoice_id == invoice->external_id) {
      disputes.push_back(dispute_json(d, invoice->currency, now));
    }
  }
  json["disputes"] = std::move(disputes);
  return Response::json(json.dump());
}

// GET /api/v1/payments?customer=ID&limit=&offset= → {"items": [{"id", "payment_date",
//   "currency", "amount", "allocated", "unapplied", "reference", "allocations": [{"invoice_id",
//   "amount", "date"}]}], "total", "offset", "limit"}: newest first. customer is required.
Response list_payments(ApiContext& api, const Request& request) {
  if (auto unknown = unknown_parameter(request, {"customer", "limit", "offset"})) return *unknown;
  const auto page = page_of(request);
  if (!page) return page.error();
  CustomerRecords records;
  {
    auto store = api.stores.lease();
    if (!store) return unavailable(store.error());
    auto customer = customer_in_scope(**store, request);
    if (!customer) return customer.error();
    records = read_records(**store, *customer, false);
  }
  std::vector<const Payment*> payments;
  for (const Payment& p : records.payments) payments.push_back(&p);
  std::sort(payments.begin(), payments.end(), [](const Payment* a, const Payment* b) {
    return std::tie(b->payment_date, b->external_id) < std::tie(a->payment_date, a->external_id);
  });
  ordered_json items = ordered_json::array();
  const auto total = static_cast<int64_t>(payments.size());
  for (int64_t k = page->offset; k < total && k < page->offset + page->limit; ++k) {
    items.push_back(payment_json(*payments[static_cast<size_t>(k)], records));
  }
  return list_json(std::move(items), total, *page);
}

// GET /api/v1/deliveries/{id} → the delivery note with "invoice_id", "customer": {"id",
// "name"} and "invoice": the invoice billing it as GET /api/v1/invoices/{id} lists it, with
// "settled_by" (null while not invoiced). 404 when unknown or outside the caller's scope.
Response delivery_view(ApiContext& api, const Request& request) {
  if (auto unknown = unknown_parameter(request, {})) return *unknown;
  const Timestamp now = api.clock();
  const auto owned = find_owned(api, request, "delivery note", &Store::find_delivery);
  if (!owned) return owned.error();
  const CustomerRecords& records = owned->records;
  ordered_json json = delivery_json(owned->record, records, true);
  json["customer"] = owned->customer_json();
  json["invoice"] = nullptr;
  if (auto it = records.document_by_id.find(owned->record.invoice_id);
      it != records.document_by_id.end()) {
    ordered_json billed = invoice_json(*it->second, records, now.local_date());
    billed["settled_by"] = settled_by_json(*it->second, records);
    json["invoice"] = std::move(billed);
  }
  return Response::json(json.dump());
}

// GET /api/v1/payments/{id} → the payment as in the list, plus "customer": {"id", "name"}.
// 404 when unknown or outside the caller's scope.
Response payment_view(ApiContext& api, const Request& request) {
  if (auto unknown = unknown_parameter(request, {})) return *unknown;
  const auto owned = find_owned(api, request, "payment", &Store::find_payment);
  if (!owned) return owned.error();
  ordered_json json = payment_json(owned->record, owned->records);
  json["customer"] = owned->customer_json();
  return Response::json(json.dump());
}

}  // namespace

void add_ledger_routes(Router& router, ApiContext& api) {
  auto cache = std::make_shared<CustomerIndexCache>();
  auto route = [&](const char* pattern, Response (*handler)(ApiContext&, const Request&)) {
    router.add({Verb::get, pattern, [&api, handler](const Request& r) { return handler(api, r); },
                Permission::kLedgerRead, Work::kBlocking});
  };
  router.add({Verb::get, "/api/v1/customers",
              [&api, cache](const Request& r) { return list_customers(api, *cache, r); },
              Permission::kLedgerRead, Work::kBlocking});
  route("/api/v1/customers/{id}", customer_view);
  route("/api/v1/invoices", list_invoices);
  route("/api/v1/invoices/{id}", invoice_view);
  route("/api/v1/payments", list_payments);
  route("/api/v1/payments/{id}", payment_view);
  route("/api/v1/deliveries/{id}", delivery_view);
}

}  // namespace huikuan::http

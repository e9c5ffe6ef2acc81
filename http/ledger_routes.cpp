#include "http/ledger_routes.h"

#include <absl/container/flat_hash_map.h>
#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <tuple>
#include <utility>
#include <vector>

#include "core/money.h"
#include "core/personal_data.h"
#include "engine/aging.h"
#include "engine/customer_index.h"
#include "http/json_writer.h"
#include "service/collection_output.h"
#include "service/collections.h"

namespace huikuan::http {
namespace {

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
std::optional<std::string_view> text_or_null(const std::string& text) {
  if (text.empty()) return std::nullopt;
  return text;
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

void write_customer_item(JsonWriter& w, const Snapshot& s, const CustomerIndex& index, uint32_t c) {
  w.object([&] {
    w.field("id", s.customer_key[c]);
    w.field("name", s.customer_name[c]);
    w.field("collector", s.collectors.values[s.customer_collector[c]]);
    w.field("region", s.regions.values[s.customer_region[c]]);
    w.field("industry", s.industries.values[s.customer_industry[c]]);
    w.field("grade", s.grades.values[s.customer_grade[c]]);
    w.field("type", s.types.values[s.customer_type[c]]);
    w.array_field("balances", [&] {
      for (const CurrencyBalance& b : index.balances(c)) {
        const Currency& currency = s.currencies[b.currency];
        w.object([&] {
          w.field("currency", currency.code_view());
          w.field("open", money(b.open, currency));
          w.field("overdue", money(b.overdue, currency));
        });
      }
    });
    w.field("oldest_overdue_days", index.oldest_overdue_days(c));
  });
}

// GET /api/v1/customers?q=&collector=&region=&industry=&grade=&type=&overdue=true|false
//   &sort=open_desc|overdue_desc|id|name&limit=&offset=
// → {"as_of", "items": [{"id", "name", "collector", "region", "industry", "grade", "type",
//    "balances": [{"currency", "open", "overdue"}], "oldest_overdue_days"}], "total", "offset",
//    "limit"}. Balances as of today; q is a substring of the id or the name (ASCII letters in
// any case); the other filters are exact values. Only customers in the caller's scope.
Response list_customers(ApiContext& api, CustomerIndexCache& cache, const Request& request) {
  if (auto unknown = unknown_parameter(request, {"q", "collector", "region", "industry", "grade",
                                                 "type", "overdue", "sort", "limit", "offset"})) {
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
        {"industry", &snapshot->industries, &query.industry},
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
  JsonWriter w;
  w.object([&] {
    w.field("as_of", today.to_string());
    w.array_field("items", [&] {
      for (uint32_t c : found.customers) write_customer_item(w, *snapshot, *index, c);
    });
    w.field("total", found.total);
    w.field("offset", page->offset);
    w.field("limit", page->limit);
  });
  return Response::json(w.text());
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

void write_customer(JsonWriter& w, const Customer& c, const Policy& policy) {
  w.object([&] {
    w.field("id", c.external_id);
    w.field("name", c.name);
    w.key("currency");
    if (c.currency) {
      w.value(c.currency->code_view());
    } else {
      w.value(nullptr);
    }
    w.field("payment_terms_days", c.payment_terms_days);
    w.key("credit_limit");
    if (c.credit_limit && c.currency) {
      w.value(money(*c.credit_limit, *c.currency));
    } else {
      w.value(nullptr);
    }
    w.field("credit_grade", c.credit_grade);
    w.field("industry", c.industry);
    w.field("region", c.region);
    w.field("type", c.customer_type);
    w.field("importance", c.importance);
    w.field("collector", c.collector);
    w.field("email", c.email);
    w.field("phone", c.phone);
    w.field("timezone", c.timezone);
    w.field("language", c.language);
    w.field("country", c.country);
    w.field("do_not_contact", c.do_not_contact);
    w.field("blacklisted", c.blacklisted);
    w.field("variant", policy_variant(policy, c.external_id));
  });
}

// The members "aging", "classification" and "open_invoices" of the customer at position c of
// the snapshot, as of `today`: its overdue grade and stage by its oldest overdue item.
Result<void> write_ledger(JsonWriter& w, const Snapshot& s, size_t c, Date today,
                          const Policy& policy, const CustomerRecords& records) {
  AgingBuckets buckets;
  buckets.upper_bounds = policy.aging_buckets;
  const auto aging = age_customer(s, c, today, buckets);
  if (!aging) return tl::unexpected(aging.error());
  struct OpenItem {
    uint32_t invoice;
    int64_t open;
    int32_t days_overdue;
  };
  std::vector<OpenItem> open_items;
  int32_t oldest = 0;
  for (uint32_t i = s.invoice_begin(c); i < s.invoice_end[c]; ++i) {
    if (s.invoice_date[i] > today.days()) continue;
    const int64_t open = s.invoice_amount[i] - s.allocated_by(i, today.days());
    if (open == 0) continue;
    const int32_t days_overdue = std::max(0, today.days() - s.invoice_due[i]);
    oldest = std::max(oldest, days_overdue);
    open_items.push_back({i, open, days_overdue});
  }

  const auto labels = buckets.labels();
  w.object_field("aging", [&] {
    w.field("buckets", labels);
    w.array_field("currencies", [&] {
      for (const auto& [currency, row] : *aging) {
        w.object([&] {
          w.field("currency", currency.code_view());
          for (size_t b = 0; b < labels.size(); ++b) {
            w.field(labels[b], money(row.buckets[b], currency));
          }
          w.field("open", money(row.open, currency));
          w.field("unapplied", money(row.unapplied, currency));
          w.field("net", money(row.net, currency));
        });
      }
    });
  });
  const Band* grade = oldest > 0 ? band_of(policy.overdue_grades, oldest) : nullptr;
  const Band* stage = oldest > 0 ? band_of(policy.stages, oldest) : nullptr;
  w.object_field("classification", [&] {
    w.field("credit_grade", s.grades.values[s.customer_grade[c]]);
    w.field("overdue_grade", grade ? std::optional(grade->name) : std::nullopt);
    w.field("stage", stage ? std::optional(stage->name) : std::nullopt);
    w.field("oldest_overdue_days", oldest);
  });
  const auto disputed = disputed_by_invoice(records.disputes);
  w.array_field("open_invoices", [&] {
    for (const OpenItem& item : open_items) {
      const uint32_t i = item.invoice;
      const Currency& currency = s.currencies[s.invoice_currency[i]];
      const auto document = records.document_by_id.find(s.invoice_id[i]);
      const bool known = document != records.document_by_id.end();
      const auto in_dispute = known ? disputed.find(document->second->external_id) : disputed.end();
      w.object([&] {
        w.field("id", known ? std::string_view(document->second->external_id) : "");
        w.field("invoice_date", Date(s.invoice_date[i]).to_string());
        w.field("due_date", Date(s.invoice_due[i]).to_string());
        w.field("currency", currency.code_view());
        w.field("amount", money(s.invoice_amount[i], currency));
        w.field("open_amount", money(item.open, currency));
        w.field("disputed", money(in_dispute == disputed.end() ? 0 : in_dispute->second, currency));
        w.field("days_overdue", item.days_overdue);
        w.field("contract_id", known ? std::string_view(document->second->contract_id) : "");
      });
    }
  });
  return {};
}

// What paid or credited an invoice: {"type": "payment"|"credit_note", "id", "amount", "date"}.
void write_settlement(JsonWriter& w, const Allocation& a, const Currency& currency,
                      const CustomerRecords& records) {
  const bool payment = a.payment_id != 0;
  w.object([&] {
    w.field("type", payment ? "payment" : "credit_note");
    w.field("id",
            payment ? records.payment_key(a.payment_id) : records.document_key(a.credit_note_id));
    w.field("amount", money(a.amount, currency));
    w.field("date", a.date.to_string());
  });
}

// The members of a delivery note: "id", "contract_id", "delivery_date", "received_date",
// "received_by", "reference", and "invoice_id" (null while not invoiced) when `with_invoice`.
void delivery_members(JsonWriter& w, const Delivery& d, const CustomerRecords& records,
                      bool with_invoice) {
  w.field("id", d.external_id);
  w.field("contract_id", text_or_null(d.contract_id));
  w.field("delivery_date", d.delivery_date.to_string());
  w.key("received_date");
  if (d.received_date) {
    w.value(d.received_date->to_string());
  } else {
    w.value(nullptr);
  }
  w.field("received_by", d.received_by);
  w.field("reference", d.reference);
  if (with_invoice) w.field("invoice_id", text_or_null(records.document_key(d.invoice_id)));
}

// The customer's delivery notes that `wanted` accepts, by delivery date.
void write_deliveries(JsonWriter& w, const CustomerRecords& records,
                      const std::function<bool(const Delivery&)>& wanted) {
  std::vector<const Delivery*> chosen;
  for (const Delivery& d : records.deliveries) {
    if (wanted(d)) chosen.push_back(&d);
  }
  std::sort(chosen.begin(), chosen.end(), [](const Delivery* a, const Delivery* b) {
    return std::tie(a->delivery_date, a->external_id) < std::tie(b->delivery_date, b->external_id);
  });
  w.array([&] {
    for (const Delivery* d : chosen) w.object([&] { delivery_members(w, *d, records, false); });
  });
}

// The delivery notes `invoice_id` bills.
void write_deliveries_of(JsonWriter& w, int64_t invoice_id, const CustomerRecords& records) {
  write_deliveries(w, records, [&](const Delivery& d) { return d.invoice_id == invoice_id; });
}

// What settled an invoice (write_settlement of each allocation to it), by date.
void write_settled_by(JsonWriter& w, const Invoice& invoice, const CustomerRecords& records) {
  std::vector<const Allocation*> applied;
  for (const Allocation& a : records.allocations) {
    if (a.invoice_id == invoice.id) applied.push_back(&a);
  }
  std::sort(applied.begin(), applied.end(),
            [](const Allocation* a, const Allocation* b) { return a->date < b->date; });
  w.array([&] {
    for (const Allocation* a : applied) write_settlement(w, *a, invoice.currency, records);
  });
}

// The document chain contract → delivery → invoice → payment, grouped by contract (documents
// without one under "contract_id": null): each invoice with the delivery notes it bills and
// what settled it, and under each contract the deliveries not invoiced yet.
void write_chain(JsonWriter& w, const CustomerRecords& records) {
  std::map<std::string, std::vector<const Invoice*>> by_contract;
  for (const Invoice& d : records.documents) by_contract[d.contract_id].push_back(&d);
  for (const Delivery& d : records.deliveries) {
    if (!d.invoice_id) by_contract[d.contract_id];  // delivered on but not invoiced yet
  }
  auto document_members = [&](const Invoice& d) {
    w.field("id", d.external_id);
    w.field("date", d.invoice_date.to_string());
    w.field("currency", d.currency.code_view());
    w.field("amount", money(d.amount, d.currency));
  };
  w.array([&] {
    for (auto& [contract, documents] : by_contract) {
      std::sort(documents.begin(), documents.end(), [](const Invoice* a, const Invoice* b) {
        return std::tie(a->invoice_date, a->external_id) <
               std::tie(b->invoice_date, b->external_id);
      });
      w.object([&] {
        w.field("contract_id", text_or_null(contract));
        w.array_field("invoices", [&] {
          for (const Invoice* d : documents) {
            if (d->doc_type == DocType::kCreditNote) continue;
            w.object([&] {
              document_members(*d);
              w.field("due_date", d->due_date.to_string());
              w.field("reference", d->reference);
              w.key("deliveries");
              write_deliveries_of(w, d->id, records);
              w.key("settled_by");
              write_settled_by(w, *d, records);
            });
          }
        });
        w.array_field("credit_notes", [&] {
          for (const Invoice* d : documents) {
            if (d->doc_type == DocType::kCreditNote) w.object([&] { document_members(*d); });
          }
        });
        w.key("deliveries_not_invoiced");
        write_deliveries(w, records, [&](const Delivery& d) {
          return !d.invoice_id && d.contract_id == contract;
        });
      });
    }
  });
}

// The members of a payment with what it paid: "id", "payment_date", "currency", "amount",
// "allocated", "unapplied", "reference", "allocations": [{"invoice_id", "amount", "date"}].
void payment_members(JsonWriter& w, const Payment& p, const CustomerRecords& records) {
  int64_t allocated = 0;
  for (const Allocation& a : records.allocations) {
    if (a.payment_id == p.id) allocated += a.amount;
  }
  w.field("id", p.external_id);
  w.field("payment_date", p.payment_date.to_string());
  w.field("currency", p.currency.code_view());
  w.field("amount", money(p.amount, p.currency));
  w.field("allocated", money(allocated, p.currency));
  w.field("unapplied", money(p.amount - allocated, p.currency));
  w.field("reference", p.reference);
  w.array_field("allocations", [&] {
    for (const Allocation& a : records.allocations) {
      if (a.payment_id != p.id) continue;
      w.object([&] {
        w.field("invoice_id", records.document_key(a.invoice_id));
        w.field("amount", money(a.amount, p.currency));
        w.field("date", a.date.to_string());
      });
    }
  });
}

// The currency of a dispute: its invoice's.
std::optional<Currency> dispute_currency(const Dispute& d, const CustomerRecords& records) {
  for (const Invoice& doc : records.documents) {
    if (doc.external_id == d.invoice_id) return doc.currency;
  }
  return std::nullopt;
}

// The members "contacts", "promises", "disputes", "payment_plans", "actions" and "activity".
void collection_members(JsonWriter& w, const CustomerRecords& r, const Timestamp& now) {
  w.array_field("contacts", [&] {
    for (const Contact& c : r.contacts) {
      w.object([&] {
        w.field("id", c.id);
        w.field("channel", c.channel);
        w.field("at", c.at);
        w.field("outcome", c.outcome);
        w.field("note", c.note);
        w.field("recorded_by", c.recorded_by);
      });
    }
  });
  w.array_field("promises", [&] {
    for (const Promise& p : r.promises) {
      w.object([&] {
        w.field("id", p.id);
        w.field("amount", money(p.amount, p.currency));
        w.field("currency", p.currency.code_view());
        w.field("promised_date", p.promised_date.to_string());
        w.field("invoice_ids", p.invoice_ids);
        w.field("status", promise_status_name(p.status));
        w.field("created_at", p.created_at);
        w.field("recorded_by", p.recorded_by);
      });
    }
  });
  w.array_field("disputes", [&] {
    for (const Dispute& d : r.disputes) {
      if (auto currency = dispute_currency(d, r)) w.tree(dispute_json(d, *currency, now));
    }
  });
  w.array_field("payment_plans", [&] {
    for (const PaymentPlan& p : r.plans) {
      w.object([&] {
        w.field("id", p.id);
        w.field("status", plan_status_name(p.status));
        w.field("currency", p.currency.code_view());
        w.field("total", money(p.total(), p.currency));
        w.field("invoice_ids", p.invoice_ids);
        w.array_field("installments", [&] {
          for (const Installment& k : p.installments) {
            w.object([&] {
              w.field("due_date", k.due.to_string());
              w.field("amount", money(k.amount, p.currency));
            });
          }
        });
        w.field("note", p.note);
        w.field("created_at", p.created_at);
        w.field("recorded_by", p.recorded_by);
      });
    }
  });
  w.array_field("actions", [&] {
    for (const Action& a : r.actions) {
      w.object([&] {
        w.field("id", a.id);
        w.field("kind", action_kind_name(a.kind));
        w.field("level", a.level);
        w.field("channel", a.channel);
        w.field("planned_for", a.planned_for.to_string());
        w.field("scheduled_at", a.scheduled_at);
        w.field("status", action_status_name(a.status));
        w.field("amount", money(a.amount, a.currency));
        w.field("currency", a.currency.code_view());
        w.field("template", a.template_name);
        w.field("assigned_to", a.assigned_to);
        w.field("rule", a.rule);
        w.field("outcome", a.outcome);
        w.array_field("invoice_ids", [&] {
          for (int64_t key : a.invoice_keys) w.value(r.document_key(key));
        });
      });
    }
  });
  // The audit log keeps phones and e-mail addresses masked already; values written before
  // that rule, or quoted in free text, are masked here too.
  w.array_field("activity", [&] {
    for (const AuditEntry& e : r.activity) {
      const ChangeRecord& change = e.change;
      w.object([&] {
        w.field("id", e.id);
        w.field("at", change.at);
        w.field("actor", change.actor);
        w.field("role", change.role);
        w.field("entity", change.entity);
        w.field("key", change.key);
        w.field("field", change.field);
        w.field("old_value", mask_personal_data(change.old_value));
        w.field("new_value", mask_personal_data(change.new_value));
        w.field("request_id", change.request_id);
      });
    }
  });
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
  std::vector<const Payment*> recent;
  for (const Payment& p : records.payments) recent.push_back(&p);
  std::sort(recent.begin(), recent.end(), [](const Payment* a, const Payment* b) {
    return std::tie(b->payment_date, b->external_id) < std::tie(a->payment_date, a->external_id);
  });
  if (recent.size() > kRecentPayments) recent.resize(kRecentPayments);

  JsonWriter w;
  Result<void> ledger;
  w.object([&] {
    w.field("as_of", today.to_string());
    w.key("customer");
    write_customer(w, *customer, *policy);
    if (const auto c = snapshot->customer_index(id)) {
      ledger = write_ledger(w, *snapshot, *c, today, *policy, records);
      if (!ledger) return;
    } else {  // imported after the snapshot in use: its documents follow with the next refresh
      w.field("classification", nullptr);
      w.field("aging", nullptr);
      w.array_field("open_invoices", [] {});
    }
    w.key("documents");
    write_chain(w, records);
    w.array_field("payments", [&] {
      for (const Payment* p : recent) w.object([&] { payment_members(w, *p, records); });
    });
    collection_members(w, records, now);
  });
  if (!ledger) return invalid(ledger.error());
  return Response::json(w.text());
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

// The open amount of an invoice as of `today`; 0 for a credit note.
int64_t open_amount(const Invoice& d, const CustomerRecords& records, Date today) {
  if (d.doc_type != DocType::kInvoice) return 0;
  int64_t allocated = 0;
  for (const Allocation& a : records.allocations) {
    if (a.invoice_id == d.id && a.date <= today) allocated += a.amount;
  }
  return d.amount - allocated;
}

// The members of an invoice (or credit note) with its open amount as of `today`.
void invoice_members(JsonWriter& w, const Invoice& d, const CustomerRecords& records, Date today) {
  const int64_t open = open_amount(d, records, today);
  w.field("id", d.external_id);
  w.field("type", d.doc_type == DocType::kInvoice ? "invoice" : "credit_note");
  w.field("invoice_date", d.invoice_date.to_string());
  w.field("due_date", d.due_date.to_string());
  w.field("currency", d.currency.code_view());
  w.field("amount", money(d.amount, d.currency));
  w.field("open_amount", money(open, d.currency));
  w.field("status", open > 0 ? "open" : "paid");
  w.field("days_overdue", open > 0 ? std::max(0, today - d.due_date) : 0);
  w.field("contract_id", d.contract_id);
  w.field("reference", d.reference);
}

// A list's answer, {"items", "total", "offset", "limit"}, with items [offset, offset + limit)
// of `records`, each written by `write`.
template <class Record, class Write>
Response page_answer(const std::vector<const Record*>& records, const Page& page, Write write) {
  JsonWriter w;
  const auto total = static_cast<int64_t>(records.size());
  w.object([&] {
    w.array_field("items", [&] {
      for (int64_t k = page.offset; k < total && k < page.offset + page.limit; ++k) {
        w.object([&] { write(w, *records[static_cast<size_t>(k)]); });
      }
    });
    w.field("total", total);
    w.field("offset", page.offset);
    w.field("limit", page.limit);
  });
  return Response::json(w.text());
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
    if (d.doc_type != DocType::kInvoice) continue;
    const bool open = open_amount(d, records, today) > 0;
    if (status == "all" || (status == "open") == open) invoices.push_back(&d);
  }
  std::sort(invoices.begin(), invoices.end(), [](const Invoice* a, const Invoice* b) {
    return std::tie(a->due_date, a->external_id) < std::tie(b->due_date, b->external_id);
  });
  return page_answer(invoices, *page, [&](JsonWriter& w, const Invoice& d) {
    invoice_members(w, d, records, today);
  });
}

// A document, delivery note or payment named by the {id} path parameter, with its customer
// and that customer's ledger records.
template <class Record>
struct Owned {
  Record record;
  Customer customer;
  CustomerRecords records;

  //! The member "customer": {"id", "name"}.
  void write_customer(JsonWriter& w) const {
    w.object_field("customer", [&] {
      w.field("id", customer.external_id);
      w.field("name", customer.name);
    });
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
//   (for a credit note: {"invoice_id", "amount", "date"} it was applied to), "deliveries" and
//   "disputes" (with "sla"). 404 when unknown or outside the caller's scope.
Response invoice_view(ApiContext& api, const Request& request) {
  if (auto unknown = unknown_parameter(request, {})) return *unknown;
  const Timestamp now = api.clock();
  const auto owned = find_owned(api, request, "invoice", &Store::find_invoice);
  if (!owned) return owned.error();
  const Invoice& invoice = owned->record;
  const CustomerRecords& records = owned->records;
  JsonWriter w;
  w.object([&] {
    invoice_members(w, invoice, records, now.local_date());
    owned->write_customer(w);
    w.array_field("allocations", [&] {
      for (const Allocation& a : records.allocations) {
        if (a.invoice_id == invoice.id) {
          write_settlement(w, a, invoice.currency, records);
        } else if (a.credit_note_id == invoice.id) {
          w.object([&] {
            w.field("invoice_id", records.document_key(a.invoice_id));
            w.field("amount", money(a.amount, invoice.currency));
            w.field("date", a.date.to_string());
          });
        }
      }
    });
    w.key("deliveries");
    write_deliveries_of(w, invoice.id, records);
    w.array_field("disputes", [&] {
      for (const Dispute& d : records.disputes) {
        if (d.invoice_id == invoice.external_id) w.tree(dispute_json(d, invoice.currency, now));
      }
    });
  });
  return Response::json(w.text());
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
  return page_answer(payments, *page,
                     [&](JsonWriter& w, const Payment& p) { payment_members(w, p, records); });
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
  JsonWriter w;
  w.object([&] {
    delivery_members(w, owned->record, records, true);
    owned->write_customer(w);
    const auto billed = records.document_by_id.find(owned->record.invoice_id);
    if (billed == records.document_by_id.end()) {
      w.field("invoice", nullptr);
      return;
    }
    w.object_field("invoice", [&] {
      invoice_members(w, *billed->second, records, now.local_date());
      w.key("settled_by");
      write_settled_by(w, *billed->second, records);
    });
  });
  return Response::json(w.text());
}

// GET /api/v1/payments/{id} → the payment as in the list, plus "customer": {"id", "name"}.
// 404 when unknown or outside the caller's scope.
Response payment_view(ApiContext& api, const Request& request) {
  if (auto unknown = unknown_parameter(request, {})) return *unknown;
  const auto owned = find_owned(api, request, "payment", &Store::find_payment);
  if (!owned) return owned.error();
  JsonWriter w;
  w.object([&] {
    payment_members(w, owned->record, owned->records);
    owned->write_customer(w);
  });
  return Response::json(w.text());
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

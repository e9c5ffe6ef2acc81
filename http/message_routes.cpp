#include "http/message_routes.h"

#include <fmt/format.h>

#include "service/messages.h"

namespace huikuan::http {
namespace {

using nlohmann::ordered_json;

// A template problem names "NAME.LANG:LINE" and the variable or field.
Response template_error(const Error& error) {
  return Response::error(
      Status::unprocessable_entity, "invalid",
      error.where.empty() ? error.message : fmt::format("{}: {}", error.where, error.message),
      error.field);
}

ordered_json entry_json(const TemplateSet::Entry& entry, bool with_text) {
  ordered_json out{{"name", entry.name},
                   {"language", entry.language},
                   {"source", entry.stored ? "edited" : "shipped"},
                   {"edited_at", entry.stored ? ordered_json(entry.stored->created_at) : nullptr},
                   {"edited_by", entry.stored ? ordered_json(entry.stored->created_by) : nullptr}};
  if (with_text) out["text"] = entry.parsed.text();
  return out;
}

Response list_templates(ApiContext& api, const Request&) {
  auto store = api.stores.lease();
  if (!store) return unavailable(store.error());
  auto set = TemplateSet::load(**store);
  if (!set) return invalid(set.error());
  ordered_json items = ordered_json::array();
  for (const auto& [key, entry] : set->entries()) items.push_back(entry_json(entry, false));
  return Response::json(ordered_json{{"templates", std::move(items)}}.dump());
}

Response get_template(ApiContext& api, const Request& request) {
  auto store = api.stores.lease();
  if (!store) return unavailable(store.error());
  auto set = TemplateSet::load(**store);
  if (!set) return invalid(set.error());
  auto found = set->entries().find(std::string(request.path_param("name")) + "." +
                                   std::string(request.path_param("language")));
  if (found == set->entries().end()) return not_found("template");
  return Response::json(entry_json(found->second, true).dump());
}

Response put_template(ApiContext& api, const Request& request) {
  auto store = api.stores.lease();
  if (!store) return unavailable(store.error());
  const std::string name(request.path_param("name"));
  const std::string language(request.path_param("language"));
  if (!shipped_templates().contains(name + "." + language)) return not_found("template");
  auto stored = replace_template(**store, name, language, request.body, actor_of(api, request));
  if (!stored) return template_error(stored.error());
  return get_template(api, request);
}

// Body: {"customer": ID, "text": optional unsaved text, "as_of": optional date}; ?format=pdf
// answers the letter as PDF, else {"subject", "body"}.
Response preview_template(ApiContext& api, const Request& request) {
  if (auto unknown = unknown_parameter(request, {"format"})) return *unknown;
  auto body = json_body(request);
  if (!body) return body.error();
  std::string customer_id, text, as_of;
  if (auto bad = read_string_fields(*body, {{"customer", &customer_id}},
                                    {{"text", &text}, {"as_of", &as_of}}))
    return *bad;
  const std::string name(request.path_param("name"));
  const std::string language(request.path_param("language"));
  if (language != "zh-CN" && language != "en") return not_found("template");
  auto store = api.stores.lease();
  if (!store) return unavailable(store.error());
  std::optional<MessageTemplate> unsaved;
  const MessageTemplate* tmpl = nullptr;
  auto set = TemplateSet::load(**store);
  if (!set) return invalid(set.error());
  if (!text.empty()) {
    auto parsed = MessageTemplate::parse(text, name + "." + language);
    if (!parsed) return template_error(parsed.error());
    unsaved = *std::move(parsed);
    tmpl = &*unsaved;
  } else {
    tmpl = set->find(name, language);
    if (tmpl == nullptr) return not_found("template");
  }
  auto customer = (**store).find_customer(customer_id);
  if (!customer) return not_found("customer");
  Date day = api.clock().local_date();
  if (!as_of.empty()) {
    auto parsed = Date::parse(as_of);
    if (!parsed) return invalid(Error{parsed.error().message, "as_of", {}});
    day = *parsed;
  }
  auto facts = letter_facts(**store, *api.policy.get(), api.company, *customer, {}, day);
  if (!facts) return invalid(facts.error());
  facts->language = language;
  facts->reference = "PREVIEW-" + customer_id;
  const RenderedMessage message = tmpl->render(*facts);
  if (request.query_param("format") == "pdf") {
    auto pdf = letter_pdf(message, api.company, language);
    if (!pdf) return invalid(pdf.error());
    return Response::text(*std::move(pdf), "application/pdf");
  }
  return Response::json(ordered_json{{"subject", message.subject}, {"body", message.body}}.dump());
}

Response list_outbox(ApiContext& api, const Request& request) {
  if (auto unknown = unknown_parameter(request, {"status", "customer", "limit"})) return *unknown;
  OutboxFilter filter;
  if (auto status = request.query_param("status")) {
    filter.status = parse_outbox_status(*status);
    if (!filter.status)
      return bad_parameter("status", "must be pending, sending, sent, failed or cancelled");
  }
  auto page = page_of(request);
  if (!page) return page.error();
  filter.limit = page->limit;
  auto store = api.stores.lease();
  if (!store) return unavailable(store.error());
  if (auto customer_id = request.query_param("customer")) {
    auto customer = (**store).find_customer(*customer_id);
    if (!customer) return not_found("customer");
    filter.customer_key = customer->id;
  }
  ordered_json items = ordered_json::array();
  (**store).read_outbox(filter, [&](const OutboxMessage& m) {
    items.push_back({{"id", m.id},
                     {"action_id", m.action_id ? ordered_json(*m.action_id) : nullptr},
                     {"customer_id", m.customer_id},
                     {"channel", m.channel},
                     {"template", m.template_name},
                     {"recipient", m.recipient},
                     {"subject", m.subject},
                     {"status", outbox_status_name(m.status)},
                     {"attempts", m.attempts},
                     {"not_before", Timestamp::at(m.not_before).to_string()},
                     {"sent_at", m.sent_at},
                     {"last_error", m.last_error}});
  });
  return Response::json(
      ordered_json{{"items", std::move(items)}, {"counts", (**store).count_outbox()}}.dump());
}

Response customer_evidence(ApiContext& api, const Request& request) {
  if (auto unknown = unknown_parameter(request, {"format"})) return *unknown;
  auto store = api.stores.lease();
  if (!store) return unavailable(store.error());
  const std::string id(request.path_param("id"));
  auto customer = (**store).find_customer(id);
  // A collector sees the evidence of their own customers only, as in the 360° view.
  if (!customer || !scope_of(**store, principal_of(request)).sees(customer->collector))
    return not_found("customer");
  const Date day = api.clock().local_date();
  if (request.query_param("format") == "pdf") {
    auto pdf = evidence_pdf(**store, api.company, id, day);
    if (!pdf) return invalid(pdf.error());
    Response response = Response::text(*std::move(pdf), "application/pdf");
    response.headers.emplace_back("Content-Disposition",
                                  fmt::format("attachment; filename=\"evidence-{}.pdf\"", id));
    return response;
  }
  auto json = evidence_json(**store, id, day);
  if (!json) return invalid(json.error());
  return Response::json(*std::move(json));
}

}  // namespace

void add_message_routes(Router& router, ApiContext& api) {
  auto with_api = [&api](Response (*handler)(ApiContext&, const Request&)) {
    return [&api, handler](const Request& request) { return handler(api, request); };
  };
  router.add({Verb::get, "/api/v1/templates", with_api(list_templates), Permission::kPolicyRead});
  router.add({Verb::get, "/api/v1/templates/{name}/{language}", with_api(get_template),
              Permission::kPolicyRead});
  router.add({Verb::put, "/api/v1/templates/{name}/{language}", with_api(put_template),
              Permission::kPolicyWrite});
  router.add({Verb::post, "/api/v1/templates/{name}/{language}/preview", with_api(preview_template),
              Permission::kPolicyRead});
  router.add({Verb::get, "/api/v1/outbox", with_api(list_outbox), Permission::kAuditRead});
  router.add({Verb::get, "/api/v1/customers/{id}/evidence", with_api(customer_evidence),
              Permission::kLedgerRead});
}

}  // namespace huikuan::http

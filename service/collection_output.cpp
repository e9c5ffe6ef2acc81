#include "service/collection_output.h"

#include "core/money.h"
#include "service/collections.h"

namespace huikuan {

nlohmann::ordered_json worklist_item_json(const WorklistItem& item) {
  nlohmann::ordered_json factors = nlohmann::ordered_json::object();
  for (const auto& [name, value] : item.factors) factors[name] = value;
  return {{"customer_id", item.customer_id},
          {"name", item.name},
          {"collector", item.collector},
          {"priority", item.priority},
          {"urgent", item.urgent},
          {"overdue_grade", item.overdue_grade},
          {"stage", item.stage},
          {"class", item.abc_class},
          {"strategy", item.strategy},
          {"variant", item.variant},
          {"collectible_amount",
           format_minor_units(item.collectible_amount, item.currency.minor_digits)},
          {"currency", item.currency.code_view()},
          {"max_days_overdue", item.max_days_overdue},
          {"broken_promise", item.broken_promise},
          {"promise_due_today", item.promise_due_today},
          {"next_action", item.next_action},
          {"factors", std::move(factors)}};
}

nlohmann::ordered_json action_json(const Action& a) {
  return {{"id", a.id},
          {"customer_id", a.customer_id},
          {"kind", action_kind_name(a.kind)},
          {"level", a.level},
          {"channel", a.channel},
          {"planned_for", a.planned_for.to_string()},
          {"scheduled_at", a.scheduled_at},
          {"invoice_ids", a.invoice_ids},
          {"amount", format_minor_units(a.amount, a.currency.minor_digits)},
          {"currency", a.currency.code_view()},
          {"template", a.template_name},
          {"assigned_to", a.assigned_to},
          {"status", action_status_name(a.status)},
          {"rule", a.rule},
          {"outcome", a.outcome}};
}

nlohmann::ordered_json dispute_json(const Dispute& d, const Currency& currency,
                                    const Timestamp& now) {
  auto nullable = [](const std::string& text) {
    return text.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(text);
  };
  return {{"id", d.id},
          {"invoice_id", d.invoice_id},
          {"customer_id", d.customer_id},
          {"amount", format_minor_units(d.amount, currency.minor_digits)},
          {"currency", currency.code_view()},
          {"reason", d.reason},
          {"note", d.note},
          {"status", d.status == DisputeStatus::kOpen ? "open" : "resolved"},
          {"opened_at", d.opened_at},
          {"respond_by", d.respond_by},
          {"sla", dispute_sla(d, now)},
          {"resolved_at", nullable(d.resolved_at)},
          {"resolution", nullable(d.resolution)},
          {"recorded_by", d.recorded_by}};
}

}  // namespace huikuan

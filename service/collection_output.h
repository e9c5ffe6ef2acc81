#pragma once
// The JSON of the collector's day, shared by the CLI (`--format json`) and the REST API so the
// two cannot drift apart: worklist items and planned actions. Amounts are strings with exactly
// the currency's minor digits, next to a "currency" field.

#include <nlohmann/json.hpp>

#include "core/timestamp.h"
#include "engine/worklist.h"
#include "ledger/collections.h"

namespace huikuan {

//! {"customer_id", "name", "collector", "priority", "urgent", "overdue_grade", "stage", "class",
//! "strategy", "variant", "collectible_amount", "currency", "max_days_overdue",
//! "broken_promise", "promise_due_today", "next_action", "factors": {…}}
nlohmann::ordered_json worklist_item_json(const WorklistItem& item);

//! {"id", "customer_id", "kind", "level", "channel", "planned_for", "scheduled_at",
//! "invoice_ids", "amount", "currency", "template", "assigned_to", "status", "rule", "outcome"}
nlohmann::ordered_json action_json(const Action& action);

//! {"id", "invoice_id", "customer_id", "amount", "currency", "reason", "note", "status",
//! "opened_at", "respond_by", "sla", "resolved_at", "resolution", "recorded_by"}; `currency`
//! is the invoice's, `now` decides the answer deadline's state ("sla").
nlohmann::ordered_json dispute_json(const Dispute& dispute, const Currency& currency,
                                    const Timestamp& now);

}  // namespace huikuan

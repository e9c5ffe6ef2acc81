#pragma once
// How both stores write and read values in text columns: instants in UTC, the enums by name,
// lists of store ids, group_concat/string_agg lists. Internal to store/.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/timestamp.h"
#include "ledger/collections.h"

namespace huikuan::stored {

//! An instant as stored: UTC ISO 8601, so instants compare as text.
std::string utc_text(const Timestamp& t);
//! "" for none.
std::string optional_utc_text(const std::optional<Timestamp>& t);

// Stored names back to their enums; an unknown name is a corrupt row (std::runtime_error).
ActionKind action_kind(std::string_view name);
ActionStatus action_status(std::string_view name);
PlanStatus plan_status(std::string_view name);
//! Unknown names read as open.
PromiseStatus promise_status(std::string_view name);

//! Appends the ids of a space-separated list of store ids.
void parse_keys(const char* text, std::vector<int64_t>& keys);
//! `keys` as stored: space-separated store ids.
void format_keys(const std::vector<int64_t>& keys, std::string& text);
inline std::string format_keys(const std::vector<int64_t>& keys) {
  std::string text;
  format_keys(keys, text);
  return text;
}

//! The parts of a list joined with the unit separator (0x1f): SQLite's group_concat(…, char(31))
//! and PostgreSQL's string_agg(…, chr(31)); "" has no parts.
std::vector<std::string> split_units(std::string_view text);

}  // namespace huikuan::stored

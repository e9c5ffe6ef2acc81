#include "store/stored_values.h"

#include <charconv>
#include <cstdlib>
#include <stdexcept>

namespace huikuan::stored {

std::string utc_text(const Timestamp& t) {
  return Timestamp::at(t.utc_seconds).to_string();
}

std::string optional_utc_text(const std::optional<Timestamp>& t) {
  return t ? utc_text(*t) : std::string();
}

ActionKind action_kind(std::string_view name) {
  for (auto kind : {ActionKind::kReminder, ActionKind::kLetter, ActionKind::kCall, ActionKind::kSms,
                    ActionKind::kEmail, ActionKind::kVisit, ActionKind::kLawyerLetter,
                    ActionKind::kLegalReview, ActionKind::kInternalAlert}) {
    if (name == action_kind_name(kind)) return kind;
  }
  throw std::runtime_error("stored action has unknown kind " + std::string(name));
}

ActionStatus action_status(std::string_view name) {
  for (auto status : {ActionStatus::kPlanned, ActionStatus::kDone, ActionStatus::kSkipped,
                      ActionStatus::kCancelled}) {
    if (name == action_status_name(status)) return status;
  }
  throw std::runtime_error("stored action has unknown status " + std::string(name));
}

PlanStatus plan_status(std::string_view name) {
  for (auto status :
       {PlanStatus::kOpen, PlanStatus::kCompleted, PlanStatus::kBroken, PlanStatus::kCancelled}) {
    if (name == plan_status_name(status)) return status;
  }
  throw std::runtime_error("stored payment plan has unknown status " + std::string(name));
}

PromiseStatus promise_status(std::string_view name) {
  if (name == "kept") return PromiseStatus::kKept;
  if (name == "broken") return PromiseStatus::kBroken;
  if (name == "cancelled") return PromiseStatus::kCancelled;
  return PromiseStatus::kOpen;
}

void parse_keys(const char* text, std::vector<int64_t>& keys) {
  for (char* end = nullptr; *text; text = end) {
    keys.push_back(std::strtoll(text, &end, 10));
    if (end == text) break;
  }
}

void format_keys(const std::vector<int64_t>& keys, std::string& text) {
  text.clear();
  char digits[24];
  for (int64_t key : keys) {
    if (!text.empty()) text += ' ';
    text.append(digits, std::to_chars(digits, digits + sizeof digits, key).ptr);
  }
}

std::vector<std::string> split_units(std::string_view text) {
  std::vector<std::string> parts;
  for (size_t start = 0; !text.empty() && start <= text.size();) {
    size_t end = text.find('\x1f', start);
    if (end == std::string_view::npos) end = text.size();
    parts.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

}  // namespace huikuan::stored

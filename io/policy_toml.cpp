#include "io/policy_toml.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <utility>
#include <vector>

#include "core/currency.h"
#include "core/money.h"
#include "io/toml_diagnostics.h"
#include "ledger/approval.h"

extern const unsigned char default_policy_toml[];
extern const std::size_t default_policy_toml_size;

namespace huikuan {
namespace {

using Names = std::span<const std::string_view>;

constexpr std::array<std::string_view, 9> kChannels{
    "phone", "email", "sms", "letter", "visit", "lawyer_letter", "litigation", "im", "internal"};
constexpr std::array<std::string_view, 10> kCreditGrades{"AAA", "AA",  "A",  "BBB", "BB",
                                                         "B",   "CCC", "CC", "C",   "D"};
constexpr std::array<std::string_view, 2> kCalendars{"CN", "weekends"};
constexpr std::array<std::string_view, 3> kAbcClasses{"A", "B", "C"};
constexpr std::array<std::string_view, 2> kImportance{"high_importance", "low_importance"};
constexpr std::array<std::string_view, 2> kRisk{"low_risk", "high_risk"};

// A century of days: beyond the life of any receivable, so larger values are typing mistakes.
constexpr int64_t kMaxDays = 36'500;
constexpr std::string_view kAnyCountry = "*";

enum class Need { kRequired, kOptional };

std::string type_name(toml::node_type type) {
  switch (type) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a floating-point number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

bool is_one_of(std::string_view value, Names allowed) {
  return std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

std::string range_text(DayRange days) {
  if (days.to == DayRange::kOpenEnded) return fmt::format("[{}]", days.from);
  return fmt::format("[{}, {}]", days.from, days.to);
}

// One TOML table being read. Every key asked for is remembered as known, so finish() can report
// the keys nobody asked for (misspellings would otherwise silently fall back to defaults).
class Section {
 public:
  Section(TomlDiagnostics& diag, const toml::table& table, std::string path)
      : diag_(diag), table_(table), path_(std::move(path)) {}

  TomlDiagnostics& diag() const { return diag_; }
  const std::string& path() const { return path_; }
  const toml::source_region& source() const { return table_.source(); }
  std::string field(std::string_view key) const {
    return path_.empty() ? std::string(key) : fmt::format("{}.{}", path_, key);
  }
  void error(const toml::node& at, std::string_view key, std::string reason) const {
    diag_.add(at.source(), field(key), std::move(reason));
  }

  const toml::node* node(std::string_view key, Need need) {
    known_.emplace(key);
    const toml::node* found = table_.get(key);
    if (found == nullptr && need == Need::kRequired) {
      diag_.add(table_.source(), field(key), "missing (required)");
    }
    return found;
  }

  template <class T>
  auto typed(std::string_view key, std::string_view expected, Need need) {
    const toml::node* found = node(key, need);
    using Typed = decltype(found->as<T>());
    if (found == nullptr) return Typed{nullptr};
    Typed value = found->as<T>();
    if (value == nullptr) {
      error(*found, key, fmt::format("must be {}, not {}", expected, type_name(found->type())));
    }
    return value;
  }
  const toml::table* table(std::string_view key, Need need = Need::kRequired) {
    return typed<toml::table>(key, "a table", need);
  }
  const toml::array* array(std::string_view key, Need need = Need::kRequired) {
    return typed<toml::array>(key, "an array", need);
  }
  const toml::value<int64_t>* integer(std::string_view key, Need need = Need::kRequired) {
    return typed<int64_t>(key, "an integer", need);
  }

  void finish() const {
    for (auto&& [key, value] : table_) {
      if (known_.contains(key.str())) continue;
      diag_.add(key.source(), field(key.str()),
                fmt::format("unknown key; expected one of {}", fmt::join(known_, ", ")));
    }
  }

 private:
  TomlDiagnostics& diag_;
  const toml::table& table_;
  std::string path_;
  std::set<std::string, std::less<>> known_;
};

// Reads the sub-table `key` with `read(Section&)`, then reports its unknown keys.
template <class Read>
void in_table(Section& parent, std::string_view key, Read&& read) {
  const toml::table* table = parent.table(key);
  if (table == nullptr) return;
  Section section(parent.diag(), *table, parent.field(key));
  read(section);
  section.finish();
}

// Reads each table of the array `key` ("key[1]", "key[2]"… counted from 1 as people count).
template <class Read>
void each_table(Section& parent, std::string_view key, Need need, Read&& read) {
  const toml::array* list = parent.array(key, need);
  if (list == nullptr) return;
  if (list->empty()) parent.error(*list, key, "must not be empty");
  for (size_t i = 0; i < list->size(); ++i) {
    const toml::node& item = *list->get(i);
    const std::string path = fmt::format("{}[{}]", parent.field(key), i + 1);
    const toml::table* table = item.as_table();
    if (table == nullptr) {
      parent.diag().add(item.source(), path, "must be a table");
      continue;
    }
    Section entry(parent.diag(), *table, path);
    read(entry);
    entry.finish();
  }
}

// Returns whether `out` was set from a valid value.
bool read(Section& s, std::string_view key, int32_t& out, int64_t min, int64_t max) {
  const auto* value = s.integer(key);
  if (value == nullptr) return false;
  if (value->get() < min || value->get() > max) {
    s.error(*value, key, fmt::format("must be between {} and {}, not {}", min, max, value->get()));
    return false;
  }
  out = static_cast<int32_t>(value->get());
  return true;
}

void read_optional(Section& s, std::string_view key, std::optional<int32_t>& out, int64_t min,
                   int64_t max) {
  int32_t value = 0;
  if (s.node(key, Need::kOptional) != nullptr && read(s, key, value, min, max)) out = value;
}

void read(Section& s, std::string_view key, bool& out, Need need = Need::kRequired) {
  if (const auto* value = s.typed<bool>(key, "true or false", need)) out = value->get();
}

const toml::value<std::string>* read(Section& s, std::string_view key, std::string& out) {
  const auto* value = s.typed<std::string>(key, "a string", Need::kRequired);
  if (value == nullptr) return nullptr;
  if (value->get().empty()) s.error(*value, key, "must not be empty");
  out = value->get();
  return value;
}

// A string that must be one of `allowed`; the error lists them.
void read_choice(Section& s, std::string_view key, std::string& out, Names allowed) {
  const auto* value = read(s, key, out);
  if (value != nullptr && !is_one_of(out, allowed)) {
    s.error(*value, key,
            fmt::format("'{}' is not allowed; use one of {}", out, fmt::join(allowed, ", ")));
  }
}

// An array of strings, each one of `allowed` and none repeated.
void read_list(Section& s, std::string_view key, std::vector<std::string>& out, Names allowed) {
  const toml::array* list = s.array(key);
  if (list == nullptr) return;
  out.clear();
  for (size_t i = 0; i < list->size(); ++i) {
    const toml::node& item = *list->get(i);
    const std::string item_key = fmt::format("{}[{}]", key, i + 1);
    const auto* text = item.as_string();
    if (text == nullptr) {
      s.error(item, item_key, fmt::format("must be a string, not {}", type_name(item.type())));
    } else if (!is_one_of(text->get(), allowed)) {
      s.error(
          item, item_key,
          fmt::format("'{}' is not allowed; use one of {}", text->get(), fmt::join(allowed, ", ")));
    } else if (std::find(out.begin(), out.end(), text->get()) != out.end()) {
      s.error(item, item_key, fmt::format("'{}' is listed twice", text->get()));
    } else {
      out.push_back(text->get());
    }
  }
}

// `days = [from, to]` (both included) or `days = [from]` (from and above).
std::optional<DayRange> read_days(Section& s, int64_t min_from) {
  const toml::array* list = s.array("days");
  if (list == nullptr) return std::nullopt;
  const bool shaped =
      (list->size() == 1 || list->size() == 2) && list->is_homogeneous(toml::node_type::integer);
  if (!shaped) {
    s.error(*list, "days", "must be [from, to] or [from] (from and above), whole days");
    return std::nullopt;
  }
  const int64_t from = *list->get(0)->value<int64_t>();
  const int64_t to = list->size() == 2 ? *list->get(1)->value<int64_t>() : kMaxDays;
  if (from < min_from || to > kMaxDays) {
    s.error(*list, "days", fmt::format("days must be between {} and {}", min_from, kMaxDays));
    return std::nullopt;
  }
  if (from > to) {
    s.error(*list, "days", fmt::format("from {} is after to {}", from, to));
    return std::nullopt;
  }
  const int32_t end = list->size() == 2 ? static_cast<int32_t>(to) : DayRange::kOpenEnded;
  return DayRange{static_cast<int32_t>(from), end};
}

enum class Zero { kRejected, kAllowed };

// An amount in the policy currency: a quoted decimal ("100000.00") or a whole number; never a
// float, which could not hold the cents exactly. Skipped when the currency itself is invalid.
std::optional<int64_t> read_amount(Section& s, std::string_view key, Need need,
                                   const std::optional<Currency>& currency,
                                   Zero zero = Zero::kRejected) {
  const toml::node* found = s.node(key, need);
  if (found == nullptr || !currency) return std::nullopt;
  std::string text;
  if (const auto* quoted = found->as_string()) text = quoted->get();
  if (const auto* whole = found->as_integer()) text = std::to_string(whole->get());
  if (text.empty()) {
    s.error(*found, key, "must be a quoted decimal amount such as \"100000.00\"");
    return std::nullopt;
  }
  auto minor = parse_minor_units(text, currency->minor_digits, currency->code_view());
  if (!minor) {
    s.error(*found, key, minor.error().message);
    return std::nullopt;
  }
  if (*minor < 0 || (*minor == 0 && zero == Zero::kRejected)) {
    s.error(*found, key,
            zero == Zero::kAllowed ? "must not be negative" : "must be more than zero");
    return std::nullopt;
  }
  return *minor;
}

// Minutes after midnight of "HH:MM"; "24:00" is the end of the day.
std::optional<int32_t> minutes_of_day(std::string_view text) {
  const auto digit = [&](size_t i) { return text[i] >= '0' && text[i] <= '9'; };
  if (text.size() != 5 || text[2] != ':' || !digit(0) || !digit(1) || !digit(3) || !digit(4)) {
    return std::nullopt;
  }
  const int32_t hours = (text[0] - '0') * 10 + (text[1] - '0');
  const int32_t minutes = (text[3] - '0') * 10 + (text[4] - '0');
  if (minutes > 59 || hours > 24 || (hours == 24 && minutes != 0)) return std::nullopt;
  return hours * 60 + minutes;
}

void read_time(Section& s, std::string_view key, int32_t& out) {
  std::string text;
  const auto* value = read(s, key, text);
  if (value == nullptr) return;
  const auto minutes = minutes_of_day(text);
  if (!minutes) {
    s.error(*value, key, fmt::format("'{}' is not a time of day \"HH:MM\" (00:00–24:00)", text));
    return;
  }
  out = *minutes;
}

bool is_country_code(std::string_view text) {
  return text.size() == 2 &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

void read_country(Section& s, std::string_view key, std::string& out, bool any_allowed) {
  const auto* value = read(s, key, out);
  if (value == nullptr || is_country_code(out) || (any_allowed && out == kAnyCountry)) return;
  s.error(*value, key,
          fmt::format("'{}' is not an ISO 3166 country code (two capital letters){}", out,
                      any_allowed ? " or \"*\"" : ""));
}

// Names like "Asia/Shanghai" or "UTC"; the zone database itself is checked where it is used.
void read_timezone(Section& s, std::string_view key, std::string& out) {
  const auto* value = read(s, key, out);
  const auto allowed = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' ||
           c == '+';
  };
  if (value == nullptr || out.empty()) return;
  if (!std::all_of(out.begin(), out.end(), allowed) || out.front() == '/' || out.back() == '/') {
    s.error(*value, key,
            fmt::format("'{}' is not an IANA time zone name such as Asia/Shanghai", out));
  }
}

// Reports a name already used earlier in the same list, with that entry's line.
class UniqueNames {
 public:
  UniqueNames(TomlDiagnostics& diag, std::string_view what) : diag_(diag), what_(what) {}
  void check(const toml::node* at, const std::string& field, const std::string& name) {
    if (at == nullptr || name.empty()) return;
    const auto [seen, inserted] = lines_.emplace(name, line_of(at->source()));
    if (!inserted) {
      diag_.add(at->source(), field,
                fmt::format("{} '{}' is already defined at line {}", what_, name, seen->second));
    }
  }

 private:
  TomlDiagnostics& diag_;
  std::string_view what_;
  std::map<std::string, uint32_t> lines_;
};

// A day range with what is needed to name it in an error.
struct LocatedRange {
  std::string path;  // "letters[2]"
  std::string name;  // band name or letter level, may be empty
  DayRange days;
  toml::source_region at;

  std::string label() const { return name.empty() ? path : fmt::format("{} '{}'", path, name); }
};

// Located at the `days` value itself, the line a manager has to edit.
LocatedRange located(Section& entry, std::string name, DayRange days) {
  return {entry.path(), std::move(name), days, entry.node("days", Need::kOptional)->source()};
}

enum class Coverage {
  kWindows,          // letters: windows with gaps between them
  kEveryOverdueDay,  // grades, stages, follow-up: each day from 1 overdue upward in exactly one
};

void check_no_overlap(TomlDiagnostics& diag, const std::vector<LocatedRange>& sorted) {
  for (size_t i = 1; i < sorted.size(); ++i) {
    const LocatedRange& before = sorted[i - 1];
    const LocatedRange& after = sorted[i];
    if (after.days.from > before.days.to) continue;
    diag.add(after.at, after.path + ".days",
             fmt::format("{} {} overlaps {} {} at line {}", after.label(), range_text(after.days),
                         before.label(), range_text(before.days), line_of(before.at)));
  }
}

void check_covers_overdue_days(TomlDiagnostics& diag, const std::vector<LocatedRange>& sorted,
                               std::string_view list) {
  const auto gap = [&](const LocatedRange& at, int64_t first, int64_t last) {
    diag.add(at.at, at.path + ".days",
             fmt::format("{} in no entry; {} must cover every day from 1 overdue "
                         "upward without gaps",
                         first == last ? fmt::format("day {} overdue is", first)
                                       : fmt::format("days {}–{} overdue are", first, last),
                         list));
  };
  if (sorted.front().days.from > 1) gap(sorted.front(), 1, sorted.front().days.from - 1);
  for (size_t i = 1; i < sorted.size(); ++i) {
    const int64_t next_uncovered = int64_t{sorted[i - 1].days.to} + 1;
    if (sorted[i].days.from > next_uncovered) {
      gap(sorted[i], next_uncovered, sorted[i].days.from - 1);
    }
  }
  if (sorted.back().days.to != DayRange::kOpenEnded) {
    diag.add(sorted.back().at, sorted.back().path + ".days",
             fmt::format("the last entry of {} must be open-ended (days = [{}]) so that every "
                         "day overdue is covered",
                         list, sorted.back().days.from));
  }
}

void check_ranges(TomlDiagnostics& diag, std::vector<LocatedRange> ranges, std::string_view list,
                  Coverage coverage) {
  if (ranges.empty()) return;
  std::stable_sort(ranges.begin(), ranges.end(),
                   [](const auto& a, const auto& b) { return a.days.from < b.days.from; });
  check_no_overlap(diag, ranges);
  if (coverage == Coverage::kEveryOverdueDay) check_covers_overdue_days(diag, ranges, list);
}

template <class T>
void sort_by_days(std::vector<T>& rules) {
  std::stable_sort(rules.begin(), rules.end(),
                   [](const T& a, const T& b) { return a.days.from < b.days.from; });
}

std::vector<Band> read_bands(Section& root, std::string_view key, int64_t min_from) {
  std::vector<Band> bands;
  std::vector<LocatedRange> ranges;
  UniqueNames names(root.diag(), "name");
  each_table(root, key, Need::kRequired, [&](Section& entry) {
    Band band;
    names.check(read(entry, "name", band.name), entry.field("name"), band.name);
    const auto days = read_days(entry, min_from);
    if (!days) return;
    band.days = *days;
    bands.push_back(band);
    ranges.push_back(located(entry, band.name, *days));
  });
  check_ranges(root.diag(), std::move(ranges), key, Coverage::kEveryOverdueDay);
  sort_by_days(bands);
  return bands;
}

std::vector<FollowupRule> read_followup(Section& parent, Need need) {
  std::vector<FollowupRule> rules;
  std::vector<LocatedRange> ranges;
  each_table(parent, "followup", need, [&](Section& entry) {
    FollowupRule rule;
    read(entry, "interval_days", rule.interval_days, 1, 365);
    const auto days = read_days(entry, 1);
    if (!days) return;
    rule.days = *days;
    rules.push_back(rule);
    ranges.push_back(located(entry, "", *days));
  });
  check_ranges(parent.diag(), std::move(ranges), parent.field("followup"),
               Coverage::kEveryOverdueDay);
  sort_by_days(rules);
  return rules;
}

std::vector<LateInterestRule> read_late_interest(Section& root) {
  std::vector<LateInterestRule> rules;
  std::vector<LocatedRange> ranges;
  each_table(root, "late_interest", Need::kOptional, [&](Section& entry) {
    LateInterestRule rule;
    const toml::node* rate = entry.node("percent_per_day", Need::kRequired);
    const auto days = read_days(entry, 1);
    if (rate == nullptr || !days) return;
    const auto* text = rate->as_string();
    auto ppm = text ? parse_minor_units(text->get(), 4, "percent_per_day")
                    : Result<int64_t>(fail("must be a quoted decimal such as \"0.05\""));
    if (!ppm || *ppm <= 0 || *ppm > 1'000'000) {
      entry.error(*rate, "percent_per_day",
                  ppm ? "must be more than 0 and at most 100" : ppm.error().message);
      return;
    }
    rule.ppm_per_day = *ppm;
    rule.days = *days;
    rules.push_back(rule);
    ranges.push_back(located(entry, "", *days));
  });
  check_ranges(root.diag(), std::move(ranges), root.field("late_interest"), Coverage::kWindows);
  sort_by_days(rules);
  return rules;
}

// A letter as read, with where its level and window were written.
struct LetterEntry {
  LetterRule rule;
  LocatedRange window;
  toml::source_region level_at;
};

// Letter levels are 1…n, each window later than the one before (a formal letter never precedes
// the friendly one). `letters` is sorted by level.
void check_letter_levels(TomlDiagnostics& diag, const std::vector<LetterEntry>& letters) {
  for (size_t n = 0; n < letters.size(); ++n) {
    const LetterEntry& letter = letters[n];
    if (letter.rule.level != static_cast<int32_t>(n) + 1) {
      diag.add(letter.level_at, letter.window.path + ".level",
               fmt::format("level {} breaks the sequence; levels must be 1, 2, 3… without gaps "
                           "or repeats",
                           letter.rule.level));
      return;
    }
    if (n == 0) continue;
    const LocatedRange& before = letters[n - 1].window;
    if (letter.window.days.from <= before.days.from) {
      diag.add(letter.window.at, letter.window.path + ".days",
               fmt::format("level {} {} must come after level {} {} at line {}", n + 1,
                           range_text(letter.window.days), n, range_text(before.days),
                           line_of(before.at)));
    }
  }
}

std::vector<LetterRule> read_letters(Section& parent, Need need) {
  std::vector<LetterEntry> letters;
  each_table(parent, "letters", need, [&](Section& entry) {
    LetterRule rule;
    const bool has_level = read(entry, "level", rule.level, 1, 20);
    read(entry, "template", rule.template_name);
    read(entry, "lawyer_letter", rule.lawyer_letter, Need::kOptional);
    const auto days = read_days(entry, 1);
    if (!has_level || !days) return;
    rule.days = *days;
    letters.push_back({rule, located(entry, fmt::format("level {}", rule.level), *days),
                       entry.node("level", Need::kOptional)->source()});
  });
  std::vector<LocatedRange> windows;
  for (const LetterEntry& letter : letters) windows.push_back(letter.window);
  check_ranges(parent.diag(), std::move(windows), parent.field("letters"), Coverage::kWindows);
  std::stable_sort(letters.begin(), letters.end(),
                   [](const auto& a, const auto& b) { return a.rule.level < b.rule.level; });
  check_letter_levels(parent.diag(), letters);
  std::vector<LetterRule> rules;
  for (const LetterEntry& letter : letters) rules.push_back(letter.rule);
  return rules;
}

void read_aging_buckets(Section& root, std::vector<int32_t>& out) {
  const toml::array* list = root.array("aging_buckets");
  if (list == nullptr) return;
  out.clear();
  for (size_t i = 0; i < list->size(); ++i) {
    const toml::node& item = *list->get(i);
    const auto bound = item.value<int64_t>();
    const int64_t previous = out.empty() ? 0 : out.back();
    if (!item.is_integer() || !bound || *bound <= previous || *bound > kMaxDays) {
      root.error(item, fmt::format("aging_buckets[{}]", i + 1),
                 fmt::format("upper bounds must be whole days ascending from 1 to {}", kMaxDays));
      return;
    }
    out.push_back(static_cast<int32_t>(*bound));
  }
}

// Top-level scalars; returns the currency the policy's amounts are in, when valid.
std::optional<Currency> read_header(Section& root, Policy& policy) {
  read(root, "name", policy.name);
  read_country(root, "default_country", policy.default_country, false);
  read(root, "legal_review_min_days", policy.legal_review_min_days, 1, kMaxDays);
  read(root, "promise_grace_days", policy.promise_grace_days, 0, 365);
  read(root, "dispute_response_hours", policy.dispute_response_hours, 1, 24 * 365);
  read_aging_buckets(root, policy.aging_buckets);
  const auto* code = read(root, "currency", policy.currency);
  if (code == nullptr) return std::nullopt;
  auto currency = Currency::find(policy.currency);
  if (!currency) {
    root.error(*code, "currency", currency.error().message);
    return std::nullopt;
  }
  return *currency;
}

void read_hard_overdue(Section& s, HardOverduePolicy& out) {
  read(s, "broken_promises", out.broken_promises, 1, 100);
  read(s, "no_contact_days", out.no_contact_days, 1, kMaxDays);
}

void read_abc(Section& s, AbcPolicy& out) {
  read(s, "a_share_percent", out.a_share_percent, 0, 100);
  read(s, "c_min_days", out.c_min_days, 1, kMaxDays);
  read_list(s, "c_credit_grades", out.c_credit_grades, kCreditGrades);
}

void read_risk(Section& s, RiskPolicy& out) {
  read_list(s, "high_risk_credit_grades", out.high_risk_credit_grades, kCreditGrades);
  read(s, "high_risk_min_days", out.high_risk_min_days, 1, kMaxDays);
  read(s, "high_risk_broken_promises", out.high_risk_broken_promises, 1, 100);
  out.quadrant_strategy.clear();
  in_table(s, "quadrant_strategy", [&](Section& quadrants) {
    for (std::string_view importance : kImportance) {
      in_table(quadrants, importance, [&](Section& by_risk) {
        for (std::string_view risk : kRisk) {
          read(by_risk, risk, out.quadrant_strategy[fmt::format("{}/{}", importance, risk)]);
        }
      });
    }
  });
}

std::vector<CustomerTypeStrategy> read_customer_types(Section& root) {
  std::vector<CustomerTypeStrategy> types;
  UniqueNames names(root.diag(), "customer type");
  each_table(root, "customer_types", Need::kRequired, [&](Section& entry) {
    CustomerTypeStrategy type;
    names.check(read(entry, "type", type.type), entry.field("type"), type.type);
    read(entry, "followup_interval_percent", type.followup_interval_percent, 1, 1000);
    read(entry, "letter_delay_days", type.letter_delay_days, 0, kMaxDays);
    read(entry, "legal_review_min_days", type.legal_review_min_days, 1, kMaxDays);
    read(entry, "executive_contact", type.executive_contact, Need::kOptional);
    types.push_back(type);
  });
  return types;
}

void read_pre_due(Section& s, PreDuePolicy& out) {
  read(s, "gentle_days_before", out.gentle_days_before, 1, 365);
  read(s, "on_due_date", out.on_due_date);
  read(s, "long_holiday_min_days", out.long_holiday_min_days, 2, 60);
  read(s, "long_holiday_working_days_ahead", out.long_holiday_working_days_ahead, 1, 60);
}

void read_channels(Section& s, std::map<std::string, std::vector<std::string>>& out) {
  out.clear();
  for (std::string_view abc_class : kAbcClasses) {
    auto& channels = out[std::string(abc_class)];
    read_list(s, abc_class, channels, kChannels);
    const toml::node* list = s.node(abc_class, Need::kOptional);
    if (list != nullptr && list->is_array() && list->as_array()->empty()) {
      s.error(*list, abc_class, "must name at least one channel");
    }
  }
}

void read_contact_window(Section& entry, ComplianceProfile& profile) {
  read_time(entry, "window_start", profile.window_start_minute);
  read_time(entry, "window_end", profile.window_end_minute);
  if (profile.window_start_minute >= profile.window_end_minute) {
    if (const toml::node* end = entry.node("window_end", Need::kOptional)) {
      entry.error(*end, "window_end", "must be later than window_start");
    }
  }
}

std::vector<ComplianceProfile> read_compliance(Section& root) {
  std::vector<ComplianceProfile> profiles;
  UniqueNames countries(root.diag(), "country");
  each_table(root, "compliance", Need::kRequired, [&](Section& entry) {
    ComplianceProfile profile;
    read_country(entry, "country", profile.country, true);
    countries.check(entry.node("country", Need::kOptional), entry.field("country"),
                    profile.country);
    read_timezone(entry, "timezone", profile.timezone);
    read_contact_window(entry, profile);
    read_optional(entry, "max_calls_per_day", profile.max_calls_per_day, 1, 100);
    read_optional(entry, "max_calls_per_7_days", profile.max_calls_per_7_days, 1, 700);
    read_choice(entry, "calendar", profile.calendar, kCalendars);
    read(entry, "record_retention_years", profile.record_retention_years, 1, 100);
    profiles.push_back(profile);
  });
  const bool has_fallback = std::any_of(profiles.begin(), profiles.end(),
                                        [](const auto& p) { return p.country == kAnyCountry; });
  if (!profiles.empty() && !has_fallback) {
    root.diag().add(root.node("compliance", Need::kOptional)->source(), "compliance",
                    "needs a profile with country = \"*\" for every other country");
  }
  return profiles;
}

// Levels ascend: each holds larger cases than the one before, and only the last is unlimited
// so every case has someone entitled to hold it.
void check_authority_order(Section& root, const std::vector<AuthorityLevel>& levels,
                           const std::vector<toml::source_region>& at) {
  for (size_t i = 0; i < levels.size(); ++i) {
    const std::string field = fmt::format("authority[{}].max_case_amount", i + 1);
    const bool last = i + 1 == levels.size();
    if (!levels[i].max_case_amount && !last) {
      root.diag().add(at[i], field, "only the last (highest) level may be unlimited");
    } else if (levels[i].max_case_amount && last) {
      root.diag().add(at[i], field, "the last (highest) level must be unlimited (no amount)");
    } else if (i > 0 && levels[i].max_case_amount && levels[i - 1].max_case_amount &&
               *levels[i].max_case_amount <= *levels[i - 1].max_case_amount) {
      root.diag().add(at[i], field, "must be larger than the level before (ascending authority)");
    }
  }
}

std::vector<AuthorityLevel> read_authority(Section& root, const std::optional<Currency>& currency) {
  std::vector<AuthorityLevel> levels;
  std::vector<toml::source_region> at;
  bool amounts_valid = currency.has_value();
  UniqueNames names(root.diag(), "level");
  each_table(root, "authority", Need::kRequired, [&](Section& entry) {
    AuthorityLevel level;
    names.check(read(entry, "level", level.level), entry.field("level"), level.level);
    level.max_case_amount = read_amount(entry, "max_case_amount", Need::kOptional, currency);
    read_list(entry, "approvals", level.approvals, approval_kinds());
    const toml::node* amount = entry.node("max_case_amount", Need::kOptional);
    if (amount != nullptr && !level.max_case_amount) amounts_valid = false;
    levels.push_back(level);
    at.push_back(amount != nullptr ? amount->source() : entry.source());
  });
  // An unreadable amount would look unlimited; its own error is enough.
  if (amounts_valid) check_authority_order(root, levels, at);
  return levels;
}

void read_workload(Section& s, WorkloadPolicy& out, const std::optional<Currency>& currency) {
  read(s, "max_cases", out.max_cases, 1, 100'000);
  const auto amount = read_amount(s, "max_amount", Need::kRequired, currency);
  if (amount) out.max_amount = *amount;
}

// A probability such as 0.90: a ratio, not money, so floating point is the right type.
void read_likelihood(Section& s, double& out) {
  const auto* value =
      s.typed<double>("likelihood", "a decimal number such as 0.90", Need::kRequired);
  if (value == nullptr) return;
  if (!(value->get() >= 0.0 && value->get() <= 1.0)) {  // also rejects nan
    s.error(*value, "likelihood", fmt::format("must be between 0 and 1, not {}", value->get()));
    return;
  }
  out = value->get();
}

// Bands are listed as they apply, youngest first, so the file reads like the ladder it is.
void check_listed_ascending(TomlDiagnostics& diag, const std::vector<LocatedRange>& in_file_order) {
  for (size_t i = 1; i < in_file_order.size(); ++i) {
    const LocatedRange& before = in_file_order[i - 1];
    const LocatedRange& after = in_file_order[i];
    if (after.days.from > before.days.from) continue;
    diag.add(after.at, after.path + ".days",
             fmt::format("{} {} must come after {} {} at line {}; list the bands in ascending "
                         "order of days",
                         after.path, range_text(after.days), before.path, range_text(before.days),
                         line_of(before.at)));
  }
}

void read_priority(Section& s, PriorityPolicy& out, const std::optional<Currency>& currency) {
  const auto cost = read_amount(s, "contact_cost", Need::kRequired, currency, Zero::kAllowed);
  if (cost) out.contact_cost = *cost;
  out.recovery.clear();
  std::vector<LocatedRange> ranges;
  each_table(s, "recovery", Need::kRequired, [&](Section& entry) {
    RecoveryBand band;
    read_likelihood(entry, band.likelihood);
    const auto days = read_days(entry, 1);
    if (!days) return;
    band.days = *days;
    out.recovery.push_back(band);
    ranges.push_back(located(entry, "", *days));
  });
  check_listed_ascending(s.diag(), ranges);
  check_ranges(s.diag(), std::move(ranges), s.field("recovery"), Coverage::kEveryOverdueDay);
  sort_by_days(out.recovery);
}

std::vector<PolicyVariant> read_variants(Section& root) {
  std::vector<PolicyVariant> variants;
  UniqueNames names(root.diag(), "variant");
  int32_t total_percent = 0;
  each_table(root, "variants", Need::kOptional, [&](Section& entry) {
    PolicyVariant variant;
    const auto* name = read(entry, "name", variant.name);
    names.check(name, entry.field("name"), variant.name);
    if (name != nullptr && variant.name == kChampion) {
      entry.error(*name, "name", "\"champion\" is the name of the policy's own rules");
    }
    read(entry, "percent", variant.percent, 0, 100);
    total_percent += variant.percent;
    if (total_percent > 100 && total_percent - variant.percent <= 100) {
      entry.error(*entry.node("percent", Need::kOptional), "percent",
                  fmt::format("variants' percents add up to {}, more than 100", total_percent));
    }
    variant.followup = read_followup(entry, Need::kOptional);
    variant.letters = read_letters(entry, Need::kOptional);
    variants.push_back(std::move(variant));
  });
  return variants;
}

// Optional [exchange_rates]: CURRENCY = "rate in the policy currency", for ranking only.
void read_exchange_rates(Section& root, std::map<std::string, int64_t>& out) {
  const toml::table* table = root.table("exchange_rates", Need::kOptional);
  if (table == nullptr) return;
  Section rates(root.diag(), *table, "exchange_rates");
  for (auto&& [key, value] : *table) {
    const std::string code(key.str());
    rates.node(code, Need::kOptional);
    if (!Currency::find(code)) {
      rates.error(value, code, "not a current ISO 4217 currency code");
      continue;
    }
    const auto* text = value.as_string();
    auto micros = text ? parse_minor_units(text->get(), 6)
                       : Result<int64_t>(fail("must be a quoted decimal"));
    if (!micros || *micros <= 0) {
      rates.error(value, code, micros ? "must be positive" : micros.error().message);
      continue;
    }
    out[code] = *micros;
  }
  rates.finish();
}

Policy read_policy(Section& root) {
  Policy policy;
  const std::optional<Currency> currency = read_header(root, policy);
  policy.overdue_grades = read_bands(root, "overdue_grades", 1);
  policy.stages = read_bands(root, "stages", -kMaxDays);
  in_table(root, "hard_overdue", [&](Section& s) { read_hard_overdue(s, policy.hard_overdue); });
  in_table(root, "abc", [&](Section& s) { read_abc(s, policy.abc); });
  in_table(root, "risk", [&](Section& s) { read_risk(s, policy.risk); });
  policy.customer_types = read_customer_types(root);
  policy.followup = read_followup(root, Need::kRequired);
  policy.letters = read_letters(root, Need::kRequired);
  policy.late_interest = read_late_interest(root);
  in_table(root, "pre_due", [&](Section& s) { read_pre_due(s, policy.pre_due); });
  in_table(root, "channels_by_class",
           [&](Section& s) { read_channels(s, policy.channels_by_class); });
  policy.compliance = read_compliance(root);
  policy.authority = read_authority(root, currency);
  in_table(root, "workload", [&](Section& s) { read_workload(s, policy.workload, currency); });
  in_table(root, "priority", [&](Section& s) { read_priority(s, policy.priority, currency); });
  policy.variants = read_variants(root);
  read_exchange_rates(root, policy.exchange_rate_micros);
  return policy;
}

}  // namespace

Result<Policy> parse_policy(std::string_view toml_text, const std::string& source_name) {
  toml::table document;
  try {
    document = toml::parse(toml_text, std::string_view(source_name));
  } catch (const toml::parse_error& e) {
    // toml++ (the Debian build) reports syntax errors only by exception.
    return tl::unexpected(Error{
        std::string(e.description()), {}, fmt::format("{}:{}", source_name, line_of(e.source()))});
  }
  TomlDiagnostics diag(source_name);
  Section root(diag, document, "");
  Policy policy = read_policy(root);
  root.finish();
  if (!diag.empty()) return tl::unexpected(diag.combined());
  return policy;
}

Result<Policy> load_policy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return tl::unexpected(Error{"cannot open the policy file", {}, path});
  std::ostringstream text;
  text << in.rdbuf();
  return parse_policy(text.str(), path);
}

std::string_view default_policy_text() {
  return {reinterpret_cast<const char*>(default_policy_toml), default_policy_toml_size};
}

const Policy& default_policy() {
  static const Policy policy = [] {
    auto parsed = parse_policy(default_policy_text(), "config/policy.toml");
    // The shipped file is tested; failing here means the build embedded a broken file.
    if (!parsed) throw std::logic_error(parsed.error().to_string());
    return *std::move(parsed);
  }();
  return policy;
}

}  // namespace huikuan

#include "core/business_calendar.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <utility>
#include <vector>

extern const unsigned char cn_holidays_2023[];
extern const std::size_t cn_holidays_2023_size;
extern const unsigned char cn_holidays_2024[];
extern const std::size_t cn_holidays_2024_size;
extern const unsigned char cn_holidays_2025[];
extern const std::size_t cn_holidays_2025_size;
extern const unsigned char cn_holidays_2026[];
extern const std::size_t cn_holidays_2026_size;

namespace huikuan {
namespace {

bool is_weekend(Date date) {
  return date.iso_weekday() >= 6;
}

int64_t floor_div(int64_t a, int64_t b) {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

// Weekday ranks count from Monday 1969-12-29 so that whole weeks need no offset.
constexpr int64_t kRankOrigin = -3;

// Mondays to Fridays in [1969-12-29, date], negative before it: the difference of two ranks is
// the number of weekdays between them, in O(1) however far apart they are.
int64_t weekday_rank(Date date) {
  const int64_t days = date.days() - kRankOrigin;
  const int64_t weeks = floor_div(days, 7);
  return weeks * 5 + std::min<int64_t>(days - weeks * 7 + 1, 5);
}

// The weekday with this rank: the inverse of weekday_rank on weekdays.
Date weekday_with_rank(int64_t rank) {
  const int64_t weeks = floor_div(rank - 1, 5);
  return Date(static_cast<int32_t>(kRankOrigin + weeks * 7 + (rank - 1 - weeks * 5)));
}

std::string describe(const nlohmann::json& entry, const char* key) {
  const auto it = entry.find(key);
  return it == entry.end() ? "nothing" : it->dump();
}

}  // namespace

const BusinessCalendar& BusinessCalendar::china() {
  static const BusinessCalendar calendar = [] {
    struct Table {
      int year;
      const unsigned char* data;
      std::size_t size;
    };
    const Table tables[] = {{2023, cn_holidays_2023, cn_holidays_2023_size},
                            {2024, cn_holidays_2024, cn_holidays_2024_size},
                            {2025, cn_holidays_2025, cn_holidays_2025_size},
                            {2026, cn_holidays_2026, cn_holidays_2026_size}};
    BusinessCalendar china;
    for (const Table& table : tables) {
      const auto added = china.add_holiday_cn_json(
          std::string_view(reinterpret_cast<const char*>(table.data), table.size));
      // The tables are compiled in: a failure is a defect of the build, not bad input.
      if (!added) {
        throw std::logic_error(
            fmt::format("shipped holidays {}: {}", table.year, added.error().to_string()));
      }
    }
    return china;
  }();
  return calendar;
}

Result<void> BusinessCalendar::add_holiday_cn_json(std::string_view json) {
  nlohmann::json root;
  try {
    root = nlohmann::json::parse(json.begin(), json.end());
  } catch (const nlohmann::json::parse_error& e) {
    // Drop nlohmann's "[json.exception.parse_error.101] " prefix; keep the position and reason.
    const std::string_view what = e.what();
    const std::size_t prefix_end = what.find("] ");
    return fail(fmt::format("malformed holiday JSON: {}",
                            what.substr(prefix_end == what.npos ? 0 : prefix_end + 2)));
  }
  const auto days = root.is_object() ? root.find("days") : root.end();
  if (!root.is_object() || days == root.end() || !days->is_array()) {
    return fail("holiday JSON needs an object with a \"days\" array", "days");
  }
  // Validate every entry before adding any, so a bad file leaves the calendar unchanged.
  std::vector<std::pair<Date, bool>> entries;
  for (std::size_t i = 0; i < days->size(); ++i) {
    const nlohmann::json& entry = (*days)[i];
    const std::string field = fmt::format("days[{}]", i);
    if (!entry.is_object()) return fail(fmt::format("{} is not an object", entry.dump()), field);
    const auto date_it = entry.find("date");
    if (date_it == entry.end() || !date_it->is_string()) {
      return fail(
          fmt::format("\"date\" must be a \"YYYY-MM-DD\" string, got {}", describe(entry, "date")),
          field);
    }
    const auto date = Date::parse(date_it->get_ref<const std::string&>());
    if (!date) return fail(date.error().message, field);
    const auto off_it = entry.find("isOffDay");
    if (off_it == entry.end() || !off_it->is_boolean()) {
      return fail(
          fmt::format("\"isOffDay\" must be true or false, got {}", describe(entry, "isOffDay")),
          field);
    }
    entries.emplace_back(*date, off_it->get<bool>());
  }
  for (const auto& [date, off] : entries) {
    if (off) {
      add_holiday(date);
    } else {
      add_working_day(date);
    }
  }
  return {};
}

bool BusinessCalendar::is_working_day(Date date) const {
  if (adjusted_working_days_.contains(date)) return true;
  return !is_weekend(date) && !holidays_.contains(date);
}

Date BusinessCalendar::next_working_day(Date date) const {
  while (!is_working_day(date)) date = date + 1;
  return date;
}

Date BusinessCalendar::add_working_days(Date date, int n) const {
  const int step = n > 0 ? 1 : -1;
  // Working days passed moving from `from` to `to`: (from, to] forwards, [to, from) backwards.
  auto passed = [&](Date from, Date to) {
    return step > 0 ? working_days_between(from, to) : working_days_between(to - 1, from - 1);
  };
  // Jump to the n-th weekday and repeat for the shortfall the holidays caused; each repetition
  // crosses at least one holiday, so large n costs a few jumps, not a walk over every day.
  int64_t remaining = std::abs(int64_t{n});
  Date from = date;
  while (remaining > 0) {
    const Date to = weekday_with_rank(step > 0 ? weekday_rank(from) + remaining
                                               : weekday_rank(from - 1) - remaining + 1);
    const int64_t got = passed(from, to);
    if (got < remaining) {
      from = to;
      remaining -= got;
      continue;
    }
    // Adjusted working days may have carried the jump past the target: step back over them.
    int64_t surplus = got - remaining;
    for (Date day = to;; day = day - step) {
      if (!is_working_day(day)) continue;
      if (surplus == 0) return day;
      --surplus;
    }
  }
  return date;
}

int BusinessCalendar::working_days_between(Date from, Date to) const {
  if (to < from) return -working_days_between(to, from);
  // Weekdays by arithmetic, corrected by the listed exceptions in (from, to] — a few dozen a
  // year — so a long range costs no more than its holidays.
  int64_t count = weekday_rank(to) - weekday_rank(from);
  for (auto it = holidays_.upper_bound(from); it != holidays_.end() && *it <= to; ++it) {
    if (!is_weekend(*it) && !adjusted_working_days_.contains(*it)) --count;
  }
  for (auto it = adjusted_working_days_.upper_bound(from);
       it != adjusted_working_days_.end() && *it <= to; ++it) {
    if (is_weekend(*it)) ++count;
  }
  return static_cast<int>(count);
}

int BusinessCalendar::days_off_run(Date date) const {
  if (is_working_day(date)) return 0;
  Date first = date;
  while (!is_working_day(first - 1)) first = first - 1;
  return next_working_day(date) - first;
}

}  // namespace huikuan

#include "engine/compliance.h"

#include <date/tz.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <exception>
#include <limits>
#include <utility>

namespace huikuan {
namespace {

constexpr int64_t kSecondsPerDay = 86400;
constexpr int64_t kSevenDays = 7 * kSecondsPerDay;
constexpr int32_t kMinutesPerDay = 24 * 60;

int64_t floor_div(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

// Loads the IANA database once. date already keeps it in a function-local static; loading it
// under ours as well orders the first concurrent load in code ThreadSanitizer can see
// (libdate-tz is not instrumented). Throws when /usr/share/zoneinfo cannot be read.
void load_tz_database() {
  [[maybe_unused]] static const date::tzdb& database = date::get_tzdb();
}

// Looks the zone up and loads its transitions now: date loads a zone's file lazily (under
// std::call_once) on first use, and that first use should fail here, not inside allowed().
// (Debian's libdate-tz exports only the free date::locate_zone, not tzdb::locate_zone.)
Result<const date::time_zone*> find_zone(std::string_view name) {
  try {
    load_tz_database();
    const date::time_zone* zone = date::locate_zone(name);
    zone->get_info(date::sys_seconds{});
    return zone;
  } catch (const std::exception& e) {
    return fail(fmt::format("unknown time zone '{}' ({})", name, e.what()), "timezone");
  }
}

Result<void> check_profile(const ComplianceProfile& profile) {
  const int32_t start = profile.window_start_minute;
  const int32_t end = profile.window_end_minute;
  if (start < 0 || end > kMinutesPerDay || start >= end) {
    return fail(fmt::format("contact window {}–{} (minutes) of profile {} must be a non-empty "
                            "part of one day",
                            start, end, profile.country),
                "window_start_minute");
  }
  for (const auto& [cap, field] :
       {std::pair{profile.max_calls_per_day, "max_calls_per_day"},
        std::pair{profile.max_calls_per_7_days, "max_calls_per_7_days"}}) {
    // A cap of 0 would mean never call: that is do_not_contact, not a frequency rule.
    if (cap && *cap < 1) {
      return fail(fmt::format("must be at least 1 (profile {}), got {}", profile.country, *cap),
                  field);
    }
  }
  return {};
}

}  // namespace

const ComplianceProfile* compliance_profile_for(const Policy& policy, std::string_view country) {
  const std::string_view wanted =
      country.empty() ? std::string_view(policy.default_country) : country;
  const ComplianceProfile* any = nullptr;
  for (const auto& profile : policy.compliance) {
    if (profile.country == wanted) return &profile;
    if (profile.country == "*") any = &profile;
  }
  return any ? any : (policy.compliance.empty() ? nullptr : &policy.compliance.front());
}

Result<const BusinessCalendar*> profile_calendar(const ComplianceProfile& profile) {
  if (profile.calendar == "CN") return &BusinessCalendar::china();
  if (profile.calendar == "weekends") {
    static const BusinessCalendar weekends;
    return &weekends;
  }
  return fail(fmt::format("unknown calendar '{}' of profile {} (expected CN or weekends)",
                          profile.calendar, profile.country),
              "calendar");
}

Result<ContactRules> ContactRules::make(const ComplianceProfile& profile,
                                        std::string_view timezone) {
  if (auto checked = check_profile(profile); !checked) return tl::unexpected(checked.error());
  auto calendar = profile_calendar(profile);
  if (!calendar) return tl::unexpected(calendar.error());
  const std::string_view name = timezone.empty() ? std::string_view(profile.timezone) : timezone;
  if (name.empty()) {
    return fail(fmt::format("no time zone for the customer nor profile {}", profile.country),
                "timezone");
  }
  auto zone = find_zone(name);
  if (!zone) return tl::unexpected(zone.error());

  ContactRules rules;
  rules.zone_ = *zone;
  rules.calendar_ = *calendar;
  rules.window_start_second_ = profile.window_start_minute * 60;
  rules.window_end_second_ = profile.window_end_minute * 60;
  rules.max_calls_per_day_ = profile.max_calls_per_day;
  rules.max_calls_per_7_days_ = profile.max_calls_per_7_days;
  return rules;
}

std::string_view ContactRules::zone_name() const {
  return zone_->name();
}

ContactRules::LocalTime ContactRules::to_local(Instant at) const {
  const date::sys_info info = zone_->get_info(date::sys_seconds{std::chrono::seconds{at}});
  const int64_t offset = info.offset.count();
  const int64_t local = at + offset;
  const int64_t day = floor_div(local, kSecondsPerDay);
  return {Date(static_cast<int32_t>(day)), static_cast<int32_t>(local - day * kSecondsPerDay),
          static_cast<int32_t>(offset)};
}

Instant ContactRules::to_instant(Date day, int64_t second_of_day, Instant not_before) const {
  const int64_t wall = int64_t{day.days()} * kSecondsPerDay + second_of_day;
  const date::local_info info = zone_->get_info(date::local_seconds{std::chrono::seconds{wall}});
  const Instant earlier = wall - info.first.offset.count();
  switch (info.result) {
    case date::local_info::nonexistent:
      // Skipped by a DST jump: the first real moment after the gap.
      return info.first.end.time_since_epoch().count();
    case date::local_info::ambiguous:
      return earlier >= not_before ? earlier : wall - info.second.offset.count();
    default:
      return earlier;
  }
}

Timestamp ContactRules::local(Instant at) const {
  return Timestamp::at(at, to_local(at).offset_seconds / 60);
}

bool ContactRules::allowed(Instant at) const {
  const LocalTime local = to_local(at);
  return local.second_of_day >= window_start_second_ && local.second_of_day < window_end_second_ &&
         calendar_->is_working_day(local.date);
}

Timestamp ContactRules::first_slot(Instant earliest) const {
  // Each step moves strictly later (to the window's start today, or to a later working day),
  // so this ends within a few steps: more than one only around a DST jump.
  Instant at = earliest;
  for (;;) {
    const LocalTime local = to_local(at);
    if (calendar_->is_working_day(local.date) && local.second_of_day < window_end_second_) {
      if (local.second_of_day >= window_start_second_) {
        return Timestamp::at(at, local.offset_seconds / 60);
      }
      at = to_instant(local.date, window_start_second_, at);
    } else {
      at = to_instant(calendar_->next_working_day(local.date + 1), window_start_second_, at);
    }
  }
}

Timestamp ContactRules::first_slot(Date day, int32_t preferred_minute) const {
  return first_slot(
      to_instant(day, int64_t{preferred_minute} * 60, std::numeric_limits<Instant>::min()));
}

std::optional<Instant> ContactRules::after_daily_cap(Instant at,
                                                     std::span<const Instant> calls) const {
  if (!max_calls_per_day_) return std::nullopt;
  const Date today = to_local(at).date;
  int32_t count = 0;
  for (const Instant call : calls) {
    // Only calls within two days can share the local date: skip the zone lookup for the rest.
    if (std::llabs(call - at) < 2 * kSecondsPerDay && to_local(call).date == today) ++count;
  }
  if (count < *max_calls_per_day_) return std::nullopt;
  return to_instant(today + 1, 0, at);
}

std::optional<Instant> ContactRules::after_weekly_cap(Instant at,
                                                      std::span<const Instant> calls) const {
  if (!max_calls_per_7_days_) return std::nullopt;
  int32_t count = 0;
  Instant oldest = at;
  for (const Instant call : calls) {
    if (call > at - kSevenDays && call <= at) {
      ++count;
      oldest = std::min(oldest, call);
    }
  }
  if (count < *max_calls_per_7_days_) return std::nullopt;
  // One call leaves the window at a time; the caller checks again from there.
  return oldest + kSevenDays;
}

Timestamp ContactRules::first_call_slot(Instant earliest,
                                        std::span<const Instant> earlier_calls) const {
  // Every retry starts strictly later (the next local day, or after the oldest counted call
  // leaves the 7-day window), and there are finitely many calls, so this ends.
  Timestamp slot = first_slot(earliest);
  for (;;) {
    std::optional<Instant> later = after_daily_cap(slot.utc_seconds, earlier_calls);
    if (!later) later = after_weekly_cap(slot.utc_seconds, earlier_calls);
    if (!later) return slot;
    slot = first_slot(*later);
  }
}

Timestamp ContactRules::first_call_slot(Date day, int32_t preferred_minute,
                                        std::span<const Instant> earlier_calls) const {
  return first_call_slot(first_slot(day, preferred_minute).utc_seconds, earlier_calls);
}

ContactGate contact_gate(bool do_not_contact, bool blacklisted) {
  if (blacklisted) return ContactGate::kLegalReview;
  if (do_not_contact) return ContactGate::kDoNotContact;
  return ContactGate::kAllowed;
}

}  // namespace huikuan

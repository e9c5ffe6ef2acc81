#include "engine/letter.h"

#include <algorithm>

namespace huikuan {

int64_t late_interest(int64_t open, int32_t days_overdue, std::span<const LateInterestRule> rules) {
  if (open <= 0 || days_overdue <= 0) return 0;
  // Σ rate over the days, in millionths: at most 1e6 × ~1e5 days, far inside int64.
  int64_t ppm_days = 0;
  for (const LateInterestRule& rule : rules) {
    const int64_t from = std::max<int64_t>(rule.days.from, 1);
    const int64_t to = rule.days.to == DayRange::kOpenEnded
                           ? days_overdue
                           : std::min<int64_t>(rule.days.to, days_overdue);
    if (to >= from) ppm_days += (to - from + 1) * rule.ppm_per_day;
  }
  const __int128 product = static_cast<__int128>(open) * ppm_days;
  return static_cast<int64_t>((product + 500'000) / 1'000'000);
}

Date add_years(Date day, int years) {
  const auto ymd = day.ymd();
  const int year = static_cast<int>(ymd.year()) + years;
  const unsigned month = static_cast<unsigned>(ymd.month());
  unsigned d = static_cast<unsigned>(ymd.day());
  for (;; --d) {
    if (auto moved = Date::from_ymd(year, month, d)) return *moved;
  }
}

Date limitation_deadline(Date due, std::optional<Date> last_installment,
                         std::span<const Date> restarts) {
  Date start = due;
  if (last_installment) start = std::max(start, *last_installment);
  for (Date restart : restarts) start = std::max(start, restart);
  return add_years(start, kLimitationYears);
}

}  // namespace huikuan

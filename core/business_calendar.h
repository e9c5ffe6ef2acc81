#pragma once
// Working days of a jurisdiction: weekends, public holidays and adjusted working days
// (调休: a weekend day declared a working day to bridge a long holiday).

#include <set>
#include <string>
#include <string_view>

#include "core/date.h"
#include "core/error.h"

namespace huikuan {

class BusinessCalendar {
 public:
  //! A calendar whose only days off are Saturdays and Sundays.
  BusinessCalendar() = default;

  //! The People's Republic of China calendar 2023–2026 shipped with the product
  //! (State Council notices, via holiday-cn); outside those years only weekends are off.
  static const BusinessCalendar& china();

  //! Adds one year of holiday-cn JSON ({"year", "days": [{"name","date","isOffDay"}]}):
  //! isOffDay true marks a holiday, false an adjusted working day. Errors name the entry.
  Result<void> add_holiday_cn_json(std::string_view json);

  void add_holiday(Date date) { holidays_.insert(date); }
  void add_working_day(Date date) { adjusted_working_days_.insert(date); }

  //! True on a weekday that is not a holiday, and on an adjusted working day.
  bool is_working_day(Date date) const;
  bool is_holiday(Date date) const { return holidays_.contains(date); }
  //! `date` itself if it is a working day, else the next working day.
  Date next_working_day(Date date) const;
  //! The working day `n` working days after (n > 0) or before (n < 0) `date`; `date` if n == 0.
  Date add_working_days(Date date, int n) const;
  //! Working days in (from, to]; negative when to < from.
  int working_days_between(Date from, Date to) const;
  //! Length of the run of consecutive days off that contains `date` (0 on a working day).
  int days_off_run(Date date) const;

 private:
  std::set<Date> holidays_;
  std::set<Date> adjusted_working_days_;
};

}  // namespace huikuan

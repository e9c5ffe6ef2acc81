#include "core/business_calendar.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace huikuan {
namespace {

Date d(std::string_view text) {
  return Date::parse(text).value();
}

const BusinessCalendar& china() {
  return BusinessCalendar::china();
}

TEST(BusinessCalendarTest, PlainCalendarHasOnlyWeekendsOff) {
  const BusinessCalendar plain;
  EXPECT_TRUE(plain.is_working_day(d("2026-02-16")));   // Spring Festival elsewhere
  EXPECT_FALSE(plain.is_working_day(d("2026-02-14")));  // a Saturday
  EXPECT_FALSE(plain.is_working_day(d("2026-02-15")));  // a Sunday
  EXPECT_EQ(plain.days_off_run(d("2026-02-14")), 2);
}

TEST(BusinessCalendarTest, ChinaMarksHolidaysAndAdjustedWorkingDays) {
  struct Case {
    const char* date;
    bool working;
    const char* why;
  };
  const Case cases[] = {
      {"2026-02-14", true, "Saturday made a working day (调休) before Spring Festival"},
      {"2026-02-15", false, "Spring Festival 2026 starts on a Sunday"},
      {"2026-02-16", false, "Spring Festival, a Monday"},
      {"2026-02-23", false, "last day of Spring Festival 2026, a Monday"},
      {"2026-02-24", true, "first working day after Spring Festival 2026"},
      {"2026-02-28", true, "Saturday made a working day after Spring Festival"},
      {"2026-03-07", false, "an ordinary Saturday"},
      {"2024-04-07", true, "Sunday made a working day for Qingming 2024"},
      {"2024-09-30", true, "Monday between the 调休 Sunday and National Day 2024"},
      {"2024-10-01", false, "National Day 2024"},
      {"2024-10-07", false, "last day of National Day 2024, a Monday"},
      {"2024-10-08", true, "back to work after National Day 2024"},
      {"2024-10-12", true, "Saturday made a working day after National Day 2024"},
      {"2025-10-08", false, "National Day and Mid-Autumn 2025, a Wednesday"},
      {"2023-10-07", true, "Saturday made a working day after National Day 2023"},
      {"2023-10-08", true, "Sunday made a working day after National Day 2023"},
      {"2027-10-01", true, "outside the shipped years only weekends are off"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(china().is_working_day(d(c.date)), c.working) << c.date << ": " << c.why;
  }
}

TEST(BusinessCalendarTest, HolidaysIncludeThoseOnWeekends) {
  EXPECT_TRUE(china().is_holiday(d("2026-02-16")));
  EXPECT_TRUE(china().is_holiday(d("2026-02-15")));   // Sunday inside the holiday
  EXPECT_TRUE(china().is_holiday(d("2022-12-31")));   // listed in the 2023 notice
  EXPECT_FALSE(china().is_holiday(d("2026-02-14")));  // 调休 working day
  EXPECT_FALSE(china().is_holiday(d("2026-03-07")));  // ordinary weekend
  EXPECT_TRUE(china().is_holiday(d("2024-10-01")));
  EXPECT_FALSE(BusinessCalendar().is_holiday(d("2024-10-01")));
}

TEST(BusinessCalendarTest, NationalDay2024IsSevenDaysOff) {
  for (Date day = d("2024-10-01"); day <= d("2024-10-07"); day = day + 1) {
    EXPECT_TRUE(china().is_holiday(day)) << day.to_string();
    EXPECT_FALSE(china().is_working_day(day)) << day.to_string();
  }
}

TEST(BusinessCalendarTest, NextWorkingDay) {
  struct Case {
    const char* date;
    const char* next;
  };
  const Case cases[] = {
      {"2025-10-01", "2025-10-09"},  // National Day 2025: off 10-01..10-08
      {"2025-09-30", "2025-09-30"},  // already a working day
      {"2026-02-15", "2026-02-24"}, {"2026-02-14", "2026-02-14"},  // 调休 Saturday
      {"2026-03-07", "2026-03-09"},                                // ordinary weekend
      {"2026-12-31", "2026-12-31"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(china().next_working_day(d(c.date)), d(c.next)) << c.date;
  }
}

TEST(BusinessCalendarTest, AddWorkingDays) {
  struct Case {
    const char* date;
    int n;
    const char* expected;
  };
  const Case cases[] = {
      {"2025-09-30", 1, "2025-10-09"},   // after 09-30's close, next business is 10-09
      {"2025-09-30", 10, "2025-10-21"},  // 10-11 (Saturday) is a 调休 working day
      {"2026-02-12", 1, "2026-02-13"},
      {"2026-02-12", 2, "2026-02-14"},  // the 调休 Saturday counts
      {"2026-02-12", 3, "2026-02-24"},  // then Spring Festival is skipped
      {"2026-02-18", 1, "2026-02-24"},  // counting from inside the holiday
      {"2026-02-24", -1, "2026-02-14"},
      {"2026-02-24", -2, "2026-02-13"},
      {"2026-02-18", -1, "2026-02-14"},
      {"2026-03-07", -1, "2026-03-06"},    // from a Saturday back to Friday
      {"2026-02-16", 0, "2026-02-16"},     // n == 0 leaves the date alone, even on a holiday
      {"2026-01-01", 250, "2027-01-04"},   // 2026 has 248 working days after New Year's Day
      {"2024-12-31", -250, "2024-01-02"},  // 2024 has 251 working days
  };
  for (const Case& c : cases) {
    EXPECT_EQ(china().add_working_days(d(c.date), c.n), d(c.expected))
        << c.date << " + " << c.n << " working days";
  }
}

TEST(BusinessCalendarTest, WorkingDaysBetween) {
  struct Case {
    const char* from;
    const char* to;
    int expected;
  };
  const Case cases[] = {
      {"2026-02-13", "2026-02-24", 2},  // 02-14 (调休) and 02-24
      {"2026-02-24", "2026-02-13", -2},
      {"2026-02-01", "2026-02-28", 16},  // 20 weekdays - 6 holidays + 2 调休 Saturdays
      {"2026-02-16", "2026-02-16", 0},
      {"2026-02-15", "2026-02-16", 0},  // both off
      {"2022-12-31", "2023-12-31", 249},
      {"2023-12-31", "2024-12-31", 251},
      {"2024-12-31", "2025-12-31", 248},
      {"2025-12-31", "2026-12-31", 248},
      {"2026-12-31", "2027-12-31", 261},  // no data for 2027: weekdays only
  };
  for (const Case& c : cases) {
    EXPECT_EQ(china().working_days_between(d(c.from), d(c.to)), c.expected)
        << "(" << c.from << ", " << c.to << "]";
  }
}

TEST(BusinessCalendarTest, DaysOffRun) {
  struct Case {
    const char* date;
    int expected;
  };
  const Case cases[] = {
      {"2026-02-15", 9},  // Spring Festival 2026: 02-15..02-23
      {"2026-02-19", 9}, {"2026-02-23", 9}, {"2026-02-14", 0},  // 调休 Saturday
      {"2026-03-07", 2},                                        // ordinary weekend
      {"2026-03-08", 2}, {"2025-10-05", 8},  // National Day and Mid-Autumn 2025: 10-01..10-08
      {"2024-10-01", 7}, {"2024-09-16", 3},  // Mid-Autumn 2024 after a 调休 Saturday
      {"2023-01-01", 3},                     // New Year 2023 begins on 2022-12-31
      {"2026-03-09", 0},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(china().days_off_run(d(c.date)), c.expected) << c.date;
  }
}

// Day-by-day definitions, to check the jumping implementations over every day of the data.
int count_working_days(const BusinessCalendar& calendar, Date from, Date to) {
  int count = 0;
  for (Date day = from + 1; day <= to; day = day + 1) count += calendar.is_working_day(day);
  return count;
}

Date step_working_days(const BusinessCalendar& calendar, Date date, int n) {
  const int step = n > 0 ? 1 : -1;
  while (n != 0) {
    date = date + step;
    if (calendar.is_working_day(date)) n -= step;
  }
  return date;
}

TEST(BusinessCalendarTest, AgreesWithDayByDayCountingOnEveryShippedDay) {
  const Date first = d("2022-12-01");
  for (Date day = first; day <= d("2027-01-31"); day = day + 1) {
    for (int n : {-400, -30, -7, -2, -1, 1, 2, 5, 10, 250}) {
      ASSERT_EQ(china().add_working_days(day, n), step_working_days(china(), day, n))
          << day.to_string() << " + " << n;
    }
    ASSERT_EQ(china().working_days_between(first, day), count_working_days(china(), first, day))
        << day.to_string();
  }
}

TEST(BusinessCalendarTest, AddsHolidayCnJson) {
  BusinessCalendar calendar;
  const auto added = calendar.add_holiday_cn_json(R"({"year": 2030, "days": [
      {"name": "春节", "date": "2030-02-04", "isOffDay": true},
      {"name": "春节", "date": "2030-02-09", "isOffDay": false}]})");
  ASSERT_TRUE(added) << added.error().to_string();
  EXPECT_FALSE(calendar.is_working_day(d("2030-02-04")));  // a Monday
  EXPECT_TRUE(calendar.is_working_day(d("2030-02-09")));   // a Saturday
}

TEST(BusinessCalendarTest, RejectsBadHolidayCnJsonNamingTheEntry) {
  struct Case {
    const char* json;
    std::vector<std::string> mentions;
  };
  const Case cases[] = {
      {R"({"year": 2030, "days": [)", {"malformed holiday JSON", "line 1, column 25"}},
      {R"([])", {"days"}},
      {R"({"year": 2030, "days": {}})", {"days"}},
      {R"({"days": [{"date": "2030-02-04", "isOffDay": true}, "2030-02-05"]})",
       {"days[1]", "\"2030-02-05\""}},
      {R"({"days": [{"name": "x", "date": "2030-02-30", "isOffDay": true}]})",
       {"days[0]", "2030-02-30"}},
      {R"({"days": [{"name": "x", "date": "2030/02/04", "isOffDay": true}]})",
       {"days[0]", "2030/02/04"}},
      {R"({"days": [{"name": "x", "date": 20300204, "isOffDay": true}]})",
       {"days[0]", "date", "20300204"}},
      {R"({"days": [{"name": "x", "isOffDay": true}]})", {"days[0]", "date"}},
      {R"({"days": [{"date": "2030-02-04", "isOffDay": true},
                    {"date": "2030-02-05", "isOffDay": "yes"}]})",
       {"days[1]", "isOffDay", "\"yes\""}},
  };
  for (const Case& c : cases) {
    BusinessCalendar calendar;
    const auto added = calendar.add_holiday_cn_json(c.json);
    ASSERT_FALSE(added) << c.json;
    for (const std::string& mention : c.mentions) {
      EXPECT_NE(added.error().to_string().find(mention), std::string::npos)
          << added.error().to_string() << " should mention " << mention;
    }
    // A rejected file adds nothing, not even its valid entries.
    EXPECT_TRUE(calendar.is_working_day(d("2030-02-04"))) << c.json;
  }
}

}  // namespace
}  // namespace huikuan

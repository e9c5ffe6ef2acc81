#include "core/date.h"

#include <gtest/gtest.h>

#include <string>

namespace huikuan {
namespace {

Date d(std::string_view text) {
  return Date::parse(text).value();
}

TEST(DateTest, LeapDaysFollowTheGregorianRules) {
  struct Case {
    const char* text;
    bool exists;
  };
  const Case cases[] = {
      {"2024-02-29", true},   // divisible by 4
      {"2023-02-29", false},  // not divisible by 4
      {"2100-02-29", false},  // century not divisible by 400
      {"2000-02-29", true},   // divisible by 400
      {"2023-02-28", true},  {"2024-02-30", false}, {"2026-04-31", false}, {"2026-12-31", true},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Date::parse(c.text).has_value(), c.exists) << c.text;
  }
  const auto missing = Date::parse("2023-02-29");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "'2023-02-29' is not a date: no such date 2023-02-29");
}

TEST(DateTest, ParseAcceptsOnlyYyyyMmDd) {
  for (const char* text :
       {"2026-6-30", "2026/06/30", "20260630", "2026-13-01", "2026-00-10", "2026-06-00",
        "0000-01-01", " 2026-06-30", "2026-06-30 ", "2026-06-3x", "+026-06-30", ""}) {
    const auto date = Date::parse(text);
    ASSERT_FALSE(date) << "'" << text << "' parsed as " << date->to_string();
    EXPECT_NE(date.error().message.find(std::string("'") + text + "'"), std::string::npos)
        << date.error().message;
  }
}

TEST(DateTest, FromYmdRejectsDaysThatDoNotExist) {
  EXPECT_EQ(Date::from_ymd(2026, 6, 30), d("2026-06-30"));
  const auto missing = Date::from_ymd(2025, 2, 29);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "no such date 2025-02-29");
  EXPECT_FALSE(Date::from_ymd(2026, 13, 1));
  EXPECT_FALSE(Date::from_ymd(2026, 1, 32));
  // Large values must not wrap round to a real date (257 % 256 == 1).
  EXPECT_FALSE(Date::from_ymd(2026, 257, 1));
  EXPECT_FALSE(Date::from_ymd(2026, 1, 257));
  EXPECT_FALSE(Date::from_ymd(0, 1, 1));
  EXPECT_FALSE(Date::from_ymd(10000, 1, 1));
}

TEST(DateTest, ToStringRoundTrips) {
  for (const char* text : {"2026-06-30", "2024-02-29", "1970-01-01", "1969-12-31", "0001-01-01",
                           "9999-12-31", "2000-02-29"}) {
    EXPECT_EQ(d(text).to_string(), text);
  }
}

TEST(DateTest, CountsDaysFromTheUnixEpoch) {
  EXPECT_EQ(d("1970-01-01").days(), 0);
  EXPECT_EQ(d("1969-12-31").days(), -1);
  EXPECT_EQ(d("2026-01-01").days(), 20454);
  EXPECT_EQ(Date().to_string(), "1970-01-01");
}

TEST(DateTest, IsoWeekday) {
  struct Case {
    const char* text;
    unsigned weekday;
  };
  const Case cases[] = {
      {"2026-11-23", 1},  // Monday
      {"2026-02-14", 6},  // Saturday
      {"2026-02-15", 7},  // Sunday
      {"1970-01-01", 4},  // Thursday
      {"1969-12-29", 1},  // before the epoch
      {"2000-02-29", 2},
  };
  for (const Case& c : cases) EXPECT_EQ(d(c.text).iso_weekday(), c.weekday) << c.text;
}

TEST(DateTest, ArithmeticCrossesMonthAndYearEnds) {
  EXPECT_EQ(d("2025-12-31") + 1, d("2026-01-01"));
  EXPECT_EQ(d("2026-01-01") - 1, d("2025-12-31"));
  EXPECT_EQ(d("2024-02-28") + 1, d("2024-02-29"));
  EXPECT_EQ(d("2023-02-28") + 1, d("2023-03-01"));
  EXPECT_EQ(d("2024-12-31") - d("2024-01-01"), 365);  // leap year
  EXPECT_EQ(d("2026-01-01") - d("2025-01-01"), 365);
  EXPECT_EQ(d("2025-01-01") - d("2026-01-01"), -365);
  EXPECT_EQ(d("2025-12-01") + 45, d("2026-01-15"));
  EXPECT_EQ((d("2025-12-31") + 1).year(), 2026);
}

TEST(DateTest, OrdersChronologically) {
  EXPECT_LT(d("2025-12-31"), d("2026-01-01"));
  EXPECT_LT(d("1969-12-31"), d("1970-01-01"));
  EXPECT_EQ(d("2026-06-30"), d("2026-06-30"));
}

}  // namespace
}  // namespace huikuan

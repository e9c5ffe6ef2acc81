#include "core/timestamp.h"

#include <gtest/gtest.h>

namespace huikuan {
namespace {

TEST(TimestampTest, ParsesOffsetsAndKeepsThemWhenPrinted) {
  struct Case {
    const char* text;
    int64_t utc_seconds;
    const char* printed;
  };
  const Case cases[] = {
      {"1970-01-01T00:00:00Z", 0, "1970-01-01T00:00:00Z"},
      {"2026-07-01T10:00:00+08:00", 1782871200, "2026-07-01T10:00:00+08:00"},
      {"2026-07-01T02:00:00Z", 1782871200, "2026-07-01T02:00:00Z"},
      {"2026-03-08T01:30-05:00", 1772951400, "2026-03-08T01:30:00-05:00"},
      {"1969-12-31T23:59:59Z", -1, "1969-12-31T23:59:59Z"},
  };
  for (const auto& c : cases) {
    auto t = Timestamp::parse(c.text);
    ASSERT_TRUE(t.has_value()) << c.text;
    EXPECT_EQ(t->utc_seconds, c.utc_seconds) << c.text;
    EXPECT_EQ(t->to_string(), c.printed);
  }
}

TEST(TimestampTest, LocalDateIsTheDateAtItsOwnOffset) {
  EXPECT_EQ(Timestamp::parse("2026-07-01T07:00:00+08:00")->local_date().to_string(), "2026-07-01");
  EXPECT_EQ(Timestamp::parse("2026-06-30T23:00:00Z")->plus_seconds(0).local_date().to_string(),
            "2026-06-30");
  EXPECT_EQ(Timestamp::parse("2026-06-30T20:00:00-05:00")->local_date().to_string(), "2026-06-30");
}

TEST(TimestampTest, RejectsTimesWithoutOffsetOrOutOfRange) {
  for (const char* text : {"2026-07-01T10:00:00", "2026-07-01 10:00:00+08:00",
                           "2026-07-01T24:00:00Z", "2026-07-01T10:60:00Z", "2026-02-30T10:00:00Z",
                           "2026-07-01T10:00:00+8", "2026-07-01T10:00:00Zjunk", ""}) {
    EXPECT_FALSE(Timestamp::parse(text).has_value()) << text;
  }
  EXPECT_NE(Timestamp::parse("2026-07-01T10:00:00").error().message.find("offset"),
            std::string::npos);
}

}  // namespace
}  // namespace huikuan

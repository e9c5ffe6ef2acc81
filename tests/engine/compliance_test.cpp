// Contact compliance (DOMAIN §6) on spelled-out local times: windows, working days with Chinese
// adjusted days (resources/cn_holidays/2026.json), DST in US zones, call caps.

#include "engine/compliance.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace huikuan {
namespace {

Instant at(const char* iso) {
  return Timestamp::parse(iso).value().utc_seconds;
}

Date day(const char* iso) {
  return Date::parse(iso).value();
}

int32_t minute(int32_t hour, int32_t min) {
  return hour * 60 + min;
}

ComplianceProfile china() {
  ComplianceProfile profile;
  profile.country = "CN";
  profile.timezone = "Asia/Shanghai";
  profile.window_start_minute = minute(8, 0);
  profile.window_end_minute = minute(22, 0);
  profile.max_calls_per_day = 3;
  profile.calendar = "CN";
  return profile;
}

ComplianceProfile united_states() {
  ComplianceProfile profile;
  profile.country = "US";
  profile.timezone = "America/New_York";
  profile.window_start_minute = minute(8, 0);
  profile.window_end_minute = minute(21, 0);
  profile.max_calls_per_7_days = 7;
  profile.calendar = "weekends";
  return profile;
}

ContactRules rules(const ComplianceProfile& profile, const char* zone = "") {
  auto made = ContactRules::make(profile, zone);
  EXPECT_TRUE(made.has_value()) << made.error().to_string();
  return *made;
}

struct AllowedCase {
  const char* at;
  bool allowed;
};

TEST(ComplianceTest, ChinaWindowIsEightToTwentyTwoOnWorkingDays) {
  const ContactRules cn = rules(china());
  const AllowedCase cases[] = {
      {"2026-06-01T07:59:00+08:00", false},  // Monday
      {"2026-06-01T07:59:59+08:00", false}, {"2026-06-01T08:00:00+08:00", true},
      {"2026-06-01T00:00:00Z", true},  // the same instant
      {"2026-06-01T21:59:00+08:00", true},  {"2026-06-01T21:59:59+08:00", true},
      {"2026-06-01T22:00:00+08:00", false}, {"2026-06-06T10:00:00+08:00", false},  // Saturday
      {"2026-02-14T10:00:00+08:00", true},   // Saturday, adjusted working day (春节 调休)
      {"2026-02-16T10:00:00+08:00", false},  // Spring Festival
      {"2026-01-04T10:00:00+08:00", true},   // Sunday, adjusted working day (元旦)
      {"2026-10-01T10:00:00+08:00", false},  // National Day
  };
  for (const AllowedCase& c : cases) EXPECT_EQ(cn.allowed(at(c.at)), c.allowed) << c.at;
}

struct SlotCase {
  const char* day;
  int32_t preferred_minute;
  const char* slot;
};

void expect_slots(const ContactRules& rules, const std::vector<SlotCase>& cases) {
  for (const SlotCase& c : cases) {
    const Timestamp slot = rules.first_slot(day(c.day), c.preferred_minute);
    EXPECT_EQ(slot.to_string(), c.slot) << c.day << " minute " << c.preferred_minute;
    EXPECT_TRUE(rules.allowed(slot.utc_seconds)) << c.slot;
    EXPECT_EQ(slot.local_date(), day(std::string(c.slot).substr(0, 10).c_str())) << c.slot;
  }
}

TEST(ComplianceTest, ChinaSlotsMoveIntoTheWindowAndPastHolidays) {
  expect_slots(rules(china()),
               {
                   {"2026-06-01", minute(9, 30), "2026-06-01T09:30:00+08:00"},
                   {"2026-06-01", minute(7, 0), "2026-06-01T08:00:00+08:00"},
                   {"2026-06-01", minute(21, 59), "2026-06-01T21:59:00+08:00"},
                   {"2026-06-01", minute(22, 0), "2026-06-02T08:00:00+08:00"},
                   {"2026-06-01", minute(23, 0), "2026-06-02T08:00:00+08:00"},
                   {"2026-06-05", minute(23, 0), "2026-06-08T08:00:00+08:00"},  // Fri → Mon
                   {"2026-06-06", minute(10, 0), "2026-06-08T08:00:00+08:00"},  // Sat → Mon
                   // 调休: Saturday 2026-02-14 is a working day, and so the next one after Friday.
                   {"2026-02-14", minute(10, 0), "2026-02-14T10:00:00+08:00"},
                   {"2026-02-13", minute(23, 0), "2026-02-14T08:00:00+08:00"},
                   // Spring Festival 2026-02-15…23 off.
                   {"2026-02-16", minute(10, 0), "2026-02-24T08:00:00+08:00"},
                   // National Day and Mid-Autumn 2026-10-01…07 off; Saturday 10-10 works.
                   {"2026-10-01", minute(10, 0), "2026-10-08T08:00:00+08:00"},
                   {"2026-09-30", minute(22, 30), "2026-10-08T08:00:00+08:00"},
                   {"2026-10-10", minute(9, 0), "2026-10-10T09:00:00+08:00"},
               });
}

TEST(ComplianceTest, NewYorkSlotsFollowDaylightSavingTime) {
  expect_slots(rules(united_states()),
               {
                   // 2026-03-08 02:30 does not exist (02:00 → 03:00), and it is a Sunday.
                   {"2026-03-08", minute(2, 30), "2026-03-09T08:00:00-04:00"},
                   {"2026-03-06", minute(9, 30), "2026-03-06T09:30:00-05:00"},
                   {"2026-03-06", minute(21, 30), "2026-03-09T08:00:00-04:00"},  // Fri → Mon
                   {"2026-03-09", minute(9, 30), "2026-03-09T09:30:00-04:00"},
                   {"2026-10-30", minute(9, 30), "2026-10-30T09:30:00-04:00"},
                   {"2026-11-02", minute(9, 30), "2026-11-02T09:30:00-05:00"},
                   {"2026-06-01", minute(20, 59), "2026-06-01T20:59:00-04:00"},
                   {"2026-06-01", minute(21, 0), "2026-06-02T08:00:00-04:00"},
               });
}

TEST(ComplianceTest, OffsetsChangeAtTheTransitions) {
  const ContactRules ny = rules(united_states());
  const struct {
    const char* utc;
    const char* local;
  } cases[] = {
      {"2026-03-08T06:59:59Z", "2026-03-08T01:59:59-05:00"},
      {"2026-03-08T07:00:00Z", "2026-03-08T03:00:00-04:00"},
      {"2026-11-01T05:59:59Z", "2026-11-01T01:59:59-04:00"},
      {"2026-11-01T06:00:00Z", "2026-11-01T01:00:00-05:00"},
      // date reads only the listed transitions: "fat" TZif files (Debian) list them to 2037.
      {"2037-07-01T12:00:00Z", "2037-07-01T08:00:00-04:00"},
  };
  for (const auto& c : cases) EXPECT_EQ(ny.local(at(c.utc)).to_string(), c.local) << c.utc;
}

TEST(ComplianceTest, LosAngelesGetsTheWindowInItsOwnTime) {
  const ContactRules la = rules(united_states(), "America/Los_Angeles");
  EXPECT_EQ(la.zone_name(), "America/Los_Angeles");
  const Timestamp slot = la.first_slot(day("2026-06-01"), minute(6, 0));
  EXPECT_EQ(slot.to_string(), "2026-06-01T08:00:00-07:00");
  EXPECT_EQ(slot.utc_seconds, at("2026-06-01T15:00:00Z"));
}

TEST(ComplianceTest, OneInstantIsJudgedInEachCustomersZone) {
  const Instant instant = at("2026-06-01T13:30:00Z");
  const ContactRules ny = rules(united_states(), "America/New_York");
  const ContactRules la = rules(united_states(), "America/Los_Angeles");
  const ContactRules cn = rules(china(), "Asia/Shanghai");
  EXPECT_EQ(ny.local(instant).to_string(), "2026-06-01T09:30:00-04:00");
  EXPECT_TRUE(ny.allowed(instant));
  EXPECT_EQ(la.local(instant).to_string(), "2026-06-01T06:30:00-07:00");
  EXPECT_FALSE(la.allowed(instant));
  EXPECT_EQ(cn.local(instant).to_string(), "2026-06-01T21:30:00+08:00");
  EXPECT_TRUE(cn.allowed(instant));
}

// Egypt changes clocks on weekdays at midnight (last Friday of April 00:00 → 01:00, last
// Thursday of October 24:00 → 23:00): gaps and repeats inside a round-the-clock window.
TEST(ComplianceTest, SkippedTimesMoveForwardAndRepeatedTimesTakeTheEarlier) {
  ComplianceProfile always = united_states();
  always.window_start_minute = 0;
  always.window_end_minute = minute(24, 0);
  expect_slots(rules(always, "Africa/Cairo"),
               {
                   {"2026-04-24", minute(0, 0), "2026-04-24T01:00:00+03:00"},
                   {"2026-04-24", minute(0, 30), "2026-04-24T01:00:00+03:00"},
                   {"2026-04-24", minute(1, 0), "2026-04-24T01:00:00+03:00"},
                   {"2026-10-29", minute(23, 30), "2026-10-29T23:30:00+03:00"},
               });
  // A window opening inside the repeated hour, asked for during its second pass: the second
  // 23:30, never a moment before the one asked for.
  ComplianceProfile late = always;
  late.window_start_minute = minute(23, 30);
  const ContactRules cairo = rules(late, "Africa/Cairo");
  EXPECT_EQ(cairo.first_slot(at("2026-10-29T23:10:00+02:00")).to_string(),
            "2026-10-29T23:30:00+02:00");
}

struct CallCase {
  const char* name;
  std::vector<const char*> earlier_calls;
  const char* slot;
};

void expect_call_slots(const ContactRules& rules, const char* from, int32_t preferred_minute,
                       const std::vector<CallCase>& cases) {
  for (const CallCase& c : cases) {
    std::vector<Instant> calls;
    for (const char* call : c.earlier_calls) calls.push_back(at(call));
    EXPECT_EQ(rules.first_call_slot(day(from), preferred_minute, calls).to_string(), c.slot)
        << c.name;
  }
}

TEST(ComplianceTest, ChinaAllowsThreeCallsPerLocalDay) {
  expect_call_slots(
      rules(china()), "2026-06-02", minute(11, 0),
      {
          {"no calls", {}, "2026-06-02T11:00:00+08:00"},
          {"two today",
           {"2026-06-02T08:10:00+08:00", "2026-06-02T09:00:00+08:00"},
           "2026-06-02T11:00:00+08:00"},
          {"three today",
           {"2026-06-02T10:00:00+08:00", "2026-06-02T08:10:00+08:00", "2026-06-02T09:00:00+08:00"},
           "2026-06-03T08:00:00+08:00"},
          {"three yesterday",
           {"2026-06-01T08:10:00+08:00", "2026-06-01T09:00:00+08:00", "2026-06-01T21:00:00+08:00"},
           "2026-06-02T11:00:00+08:00"},
          // 2026-06-02T00:30+08:00 is still 06-01 in UTC: the customer's date is what counts.
          {"three today, one before UTC midnight",
           {"2026-06-01T16:30:00Z", "2026-06-02T09:00:00+08:00", "2026-06-02T10:00:00+08:00"},
           "2026-06-03T08:00:00+08:00"},
      });
  // Calls early in the day count however late the next one is asked for.
  expect_call_slots(
      rules(china()), "2026-06-02", minute(21, 30),
      {{"three this morning",
        {"2026-06-02T08:00:00+08:00", "2026-06-02T09:00:00+08:00", "2026-06-02T10:00:00+08:00"},
        "2026-06-03T08:00:00+08:00"}});
  // A full Friday moves the next call past the weekend.
  expect_call_slots(
      rules(china()), "2026-06-05", minute(11, 0),
      {{"three on Friday",
        {"2026-06-05T08:00:00+08:00", "2026-06-05T09:00:00+08:00", "2026-06-05T10:00:00+08:00"},
        "2026-06-08T08:00:00+08:00"}});
}

TEST(ComplianceTest, UnitedStatesAllowsSevenCallsInAnySevenDays) {
  const std::vector<const char*> six = {
      "2026-06-02T10:00:00-04:00", "2026-06-03T10:00:00-04:00", "2026-06-04T10:00:00-04:00",
      "2026-06-05T10:00:00-04:00", "2026-06-05T14:00:00-04:00", "2026-06-05T16:00:00-04:00",
  };
  std::vector<const char*> seven = six;
  seven.push_back("2026-06-05T18:00:00-04:00");
  std::vector<const char*> eight = seven;
  eight.push_back("2026-06-02T11:00:00-04:00");
  expect_call_slots(rules(united_states()), "2026-06-08", minute(9, 0),
                    {
                        {"six in six days", six, "2026-06-08T09:00:00-04:00"},
                        // The Tuesday 10:00 call leaves the 7×24 h window at 10:00 a week on.
                        {"seven in six days", seven, "2026-06-09T10:00:00-04:00"},
                        {"eight in six days", eight, "2026-06-09T11:00:00-04:00"},
                    });
  // The slot is when the oldest call leaves, if contact is allowed then; else the next slot.
  const std::vector<const char*> rest_of_week = {
      "2026-06-08T09:00:00-04:00", "2026-06-08T10:00:00-04:00", "2026-06-09T09:00:00-04:00",
      "2026-06-10T09:00:00-04:00", "2026-06-11T09:00:00-04:00", "2026-06-12T08:30:00-04:00",
  };
  std::vector<const char*> late_friday = rest_of_week;
  late_friday.push_back("2026-06-05T20:59:30-04:00");
  std::vector<const char*> saturday = rest_of_week;
  saturday.push_back("2026-06-06T10:00:00-04:00");
  expect_call_slots(rules(united_states()), "2026-06-12", minute(9, 0),
                    {
                        {"oldest leaves Friday 20:59:30", late_friday, "2026-06-12T20:59:30-04:00"},
                        {"oldest leaves Saturday 10:00", saturday, "2026-06-15T08:00:00-04:00"},
                    });
}

TEST(ComplianceTest, MakeFailsNamingWhatIsWrong) {
  auto mars = ContactRules::make(china(), "Mars/Olympus");
  ASSERT_FALSE(mars.has_value());
  EXPECT_NE(mars.error().message.find("Mars/Olympus"), std::string::npos);
  EXPECT_EQ(mars.error().field, "timezone");

  ComplianceProfile no_zone = china();
  no_zone.timezone.clear();
  EXPECT_EQ(ContactRules::make(no_zone, "").error().field, "timezone");

  ComplianceProfile lunar = china();
  lunar.calendar = "lunar";
  auto calendar = ContactRules::make(lunar, "");
  ASSERT_FALSE(calendar.has_value());
  EXPECT_NE(calendar.error().message.find("'lunar'"), std::string::npos);

  ComplianceProfile empty_window = china();
  empty_window.window_end_minute = empty_window.window_start_minute;
  EXPECT_EQ(ContactRules::make(empty_window, "").error().field, "window_start_minute");

  ComplianceProfile never = united_states();
  never.max_calls_per_7_days = 0;
  EXPECT_EQ(ContactRules::make(never, "").error().field, "max_calls_per_7_days");
}

TEST(ComplianceTest, EmptyZoneMeansTheProfilesDefault) {
  EXPECT_EQ(rules(china()).zone_name(), "Asia/Shanghai");
  EXPECT_EQ(rules(united_states(), "America/Chicago").zone_name(), "America/Chicago");
}

TEST(ComplianceTest, DoNotContactAndBlacklistStopOutboundContact) {
  EXPECT_TRUE(may_contact(false, false));
  EXPECT_FALSE(may_contact(true, false));
  EXPECT_FALSE(may_contact(false, true));
  EXPECT_EQ(contact_gate(false, false), ContactGate::kAllowed);
  EXPECT_EQ(contact_gate(true, false), ContactGate::kDoNotContact);
  EXPECT_EQ(contact_gate(false, true), ContactGate::kLegalReview);
  EXPECT_EQ(contact_gate(true, true), ContactGate::kLegalReview);
}

}  // namespace
}  // namespace huikuan

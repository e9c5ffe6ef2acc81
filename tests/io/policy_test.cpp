#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "io/policy_toml.h"

namespace huikuan {
namespace {

using ::testing::HasSubstr;

std::string shipped_text() {
  std::ifstream in(std::string(HUIKUAN_SOURCE_DIR) + "/config/policy.toml");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The shipped policy with the first occurrence of `find` replaced (the test fails if absent).
std::string edited(const std::string& find, const std::string& replace) {
  std::string text = shipped_text();
  const size_t at = text.find(find);
  EXPECT_NE(at, std::string::npos) << "not in config/policy.toml: " << find;
  if (at != std::string::npos) text.replace(at, find.size(), replace);
  return text;
}

// 1-based line of the first occurrence of `needle` in `text`.
size_t line_of(const std::string& text, const std::string& needle) {
  const size_t at = text.find(needle);
  EXPECT_NE(at, std::string::npos) << "no line with: " << needle;
  return static_cast<size_t>(std::count(text.begin(), text.begin() + at, '\n')) + 1;
}

std::vector<std::string> error_lines(const Error& error) {
  std::vector<std::string> lines;
  std::istringstream in(error.to_string());
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

const Policy& shipped() {
  return default_policy();
}

TEST(DefaultPolicy, IsTheShippedFileAndLoadsFromDisk) {
  auto from_disk = load_policy(std::string(HUIKUAN_SOURCE_DIR) + "/config/policy.toml");
  ASSERT_TRUE(from_disk) << from_disk.error().to_string();
  EXPECT_EQ(from_disk->letters.size(), shipped().letters.size());
  EXPECT_EQ(shipped().name, "default");
  EXPECT_EQ(shipped().currency, "CNY");
}

TEST(DefaultPolicy, GradesAndStagesFollowDomainSection4) {
  const auto& grades = shipped().overdue_grades;
  ASSERT_EQ(grades.size(), 4u);
  EXPECT_EQ(grades[0].name, "mild");
  EXPECT_EQ(grades[0].days.from, 1);
  EXPECT_EQ(grades[0].days.to, 30);
  EXPECT_EQ(grades[3].name, "critical");
  EXPECT_EQ(grades[3].days.from, 91);
  EXPECT_EQ(grades[3].days.to, DayRange::kOpenEnded);
  ASSERT_FALSE(shipped().stages.empty());
  EXPECT_EQ(shipped().stages.back().name, "litigation");
  EXPECT_EQ(shipped().stages.back().days.from, 91);
  EXPECT_EQ(shipped().legal_review_min_days, 91);
  EXPECT_EQ(shipped().aging_buckets, (std::vector<int32_t>{30, 60, 90, 180, 365}));
}

TEST(DefaultPolicy, FollowupIntervalsByDaysOverdue) {
  struct Case {
    int32_t days_overdue;
    int32_t interval_days;
  };
  for (const Case& c :
       std::vector<Case>{{1, 7}, {7, 7}, {8, 3}, {30, 3}, {31, 2}, {60, 2}, {61, 1}, {400, 1}}) {
    const auto& rules = shipped().followup;
    const auto rule = std::find_if(rules.begin(), rules.end(), [&](const FollowupRule& r) {
      return r.days.contains(c.days_overdue);
    });
    ASSERT_NE(rule, rules.end()) << c.days_overdue;
    EXPECT_EQ(rule->interval_days, c.interval_days) << c.days_overdue << " days overdue";
  }
}

TEST(DefaultPolicy, LetterWindows) {
  struct Window {
    int32_t from;
    int32_t to;
  };
  const std::vector<Window> expected{{3, 7}, {15, 20}, {30, 45}, {60, DayRange::kOpenEnded}};
  const auto& letters = shipped().letters;
  ASSERT_EQ(letters.size(), expected.size());
  for (size_t i = 0; i < letters.size(); ++i) {
    EXPECT_EQ(letters[i].level, static_cast<int32_t>(i) + 1);
    EXPECT_EQ(letters[i].days.from, expected[i].from) << "letter " << i + 1;
    EXPECT_EQ(letters[i].days.to, expected[i].to) << "letter " << i + 1;
  }
  EXPECT_TRUE(letters.back().lawyer_letter);
}

TEST(DefaultPolicy, ComplianceProfiles) {
  const auto profile = [](const std::string& country) {
    const auto& all = shipped().compliance;
    return *std::find_if(all.begin(), all.end(),
                         [&](const ComplianceProfile& p) { return p.country == country; });
  };
  const ComplianceProfile cn = profile("CN");
  EXPECT_EQ(cn.timezone, "Asia/Shanghai");
  EXPECT_EQ(cn.window_start_minute, 8 * 60);
  EXPECT_EQ(cn.window_end_minute, 22 * 60);
  EXPECT_EQ(cn.max_calls_per_day, 3);
  EXPECT_EQ(cn.calendar, "CN");
  const ComplianceProfile us = profile("US");
  EXPECT_EQ(us.window_end_minute, 21 * 60);
  EXPECT_EQ(us.max_calls_per_7_days, 7);
  EXPECT_FALSE(us.max_calls_per_day.has_value());
  EXPECT_EQ(us.calendar, "weekends");
  EXPECT_EQ(profile("*").window_end_minute, 21 * 60);
}

TEST(DefaultPolicy, AuthorityWorkloadAndTimings) {
  const auto& authority = shipped().authority;
  ASSERT_EQ(authority.size(), 4u);
  EXPECT_EQ(authority[0].level, "collector");
  EXPECT_EQ(authority[0].max_case_amount, 10'000'000);  // 100,000.00 CNY
  EXPECT_EQ(authority[2].max_case_amount, 100'000'000);
  EXPECT_FALSE(authority[3].max_case_amount.has_value());
  EXPECT_EQ(shipped().workload.max_cases, 150);
  EXPECT_EQ(shipped().workload.max_amount, 5'000'000'000);
  EXPECT_EQ(shipped().promise_grace_days, 3);
  EXPECT_EQ(shipped().dispute_response_hours, 48);
  EXPECT_EQ(shipped().pre_due.gentle_days_before, 7);
  EXPECT_EQ(shipped().pre_due.long_holiday_working_days_ahead, 10);
  EXPECT_EQ(shipped().channels_by_class.at("B"), (std::vector<std::string>{"email", "sms"}));
  EXPECT_EQ(shipped().risk.quadrant_strategy.at("high_importance/high_risk"),
            "executive_special_plan");
}

TEST(DefaultPolicy, PriorityIsTheDocumentedLadderAndContactCost) {
  const PriorityPolicy& priority = shipped().priority;
  EXPECT_EQ(priority.contact_cost, 5'000);  // 50.00 CNY
  struct Band {
    int32_t from, to;
    double likelihood;
  };
  const std::vector<Band> expected{{1, 30, 0.90},    {31, 60, 0.70},
                                   {61, 90, 0.50},   {91, 180, 0.30},
                                   {181, 365, 0.15}, {366, DayRange::kOpenEnded, 0.05}};
  ASSERT_EQ(priority.recovery.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(priority.recovery[i].days.from, expected[i].from) << "band " << i + 1;
    EXPECT_EQ(priority.recovery[i].days.to, expected[i].to) << "band " << i + 1;
    EXPECT_DOUBLE_EQ(priority.recovery[i].likelihood, expected[i].likelihood) << "band " << i + 1;
  }
}

// The shipped policy with its [priority] section (up to [[variants]]) replaced by `section`.
std::string with_priority(const std::string& section) {
  std::string text = shipped_text();
  const size_t begin = text.find("[priority]");
  const size_t end = text.find("[[variants]]");
  EXPECT_NE(begin, std::string::npos);
  EXPECT_LT(begin, end);
  // Keep the comment block that precedes [[variants]].
  const size_t comments = text.rfind("\n\n", end);
  text.replace(begin, comments - begin, section);
  return text;
}

TEST(PolicyPriority, AManagersOwnLadderAndAFreeContactAreRead) {
  auto policy = parse_policy(with_priority("[priority]\n"
                                           "contact_cost = 0\n"
                                           "\n"
                                           "[[priority.recovery]]\n"
                                           "days = [1, 60]\n"
                                           "likelihood = 1.0\n"
                                           "\n"
                                           "[[priority.recovery]]\n"
                                           "days = [61]\n"
                                           "likelihood = 0.0\n"),
                             "test.toml");
  ASSERT_TRUE(policy) << policy.error().to_string();
  EXPECT_EQ(policy->priority.contact_cost, 0);
  ASSERT_EQ(policy->priority.recovery.size(), 2u);
  EXPECT_EQ(policy->priority.recovery[0].days.to, 60);
  EXPECT_DOUBLE_EQ(policy->priority.recovery[0].likelihood, 1.0);
  EXPECT_EQ(policy->priority.recovery[1].days.from, 61);
  EXPECT_EQ(policy->priority.recovery[1].days.to, DayRange::kOpenEnded);
  EXPECT_DOUBLE_EQ(policy->priority.recovery[1].likelihood, 0.0);
}

TEST(PolicyPriority, TheContactCostHasThePolicyCurrencysDigits) {
  auto policy =
      parse_policy(edited("contact_cost = \"50.00\"", "contact_cost = \"12.34\""), "test.toml");
  ASSERT_TRUE(policy) << policy.error().to_string();
  EXPECT_EQ(policy->priority.contact_cost, 1'234);
}

// One edit of the shipped file and the error it must produce: at the line holding `marker`
// (in the edited text), naming `field`, with `reason` in the message.
struct Rejection {
  std::string name;
  std::string find;
  std::string replace;
  std::string marker;
  std::string field;
  std::string reason;
};

class PolicyRejects : public ::testing::TestWithParam<Rejection> {};

TEST_P(PolicyRejects, NamingLineAndKey) {
  const Rejection& c = GetParam();
  const std::string text = edited(c.find, c.replace);
  auto policy = parse_policy(text, "test.toml");
  ASSERT_FALSE(policy) << "accepted";
  const std::string prefix = fmt::format("test.toml:{}: {}: ", line_of(text, c.marker), c.field);
  const auto lines = error_lines(policy.error());
  const bool found = std::any_of(lines.begin(), lines.end(), [&](const std::string& line) {
    return line.starts_with(prefix) && line.find(c.reason) != std::string::npos;
  });
  EXPECT_TRUE(found) << "expected '" << prefix << "…" << c.reason << "…' in:\n"
                     << policy.error().to_string();
}

INSTANTIATE_TEST_SUITE_P(
    EachRule, PolicyRejects,
    ::testing::Values(
        Rejection{"unknown_top_level_key", "promise_grace_days = 3",
                  "promise_grace_days = 3\npromise_grace_dayz = 3", "promise_grace_dayz",
                  "promise_grace_dayz", "unknown key"},
        Rejection{"unknown_key_in_table", "max_calls_per_day = 3\ncalendar = \"CN\"",
                  "max_calls_per_day = 3\nmax_call_per_week = 9\ncalendar = \"CN\"",
                  "max_call_per_week", "compliance[1].max_call_per_week", "unknown key"},
        Rejection{"overlapping_letter_windows", "days = [15, 20]", "days = [5, 20]",
                  "days = [5, 20]", "letters[2].days",
                  "letters[2] 'level 2' [5, 20] overlaps letters[1] 'level 1' [3, 7] at line"},
        Rejection{"overlapping_grades", "days = [31, 60]\n\n[[overdue_grades]]",
                  "days = [25, 60]\n\n[[overdue_grades]]", "days = [25, 60]",
                  "overdue_grades[2].days", "overlaps overdue_grades[1] 'mild' [1, 30]"},
        Rejection{"from_after_to", "days = [30, 45]", "days = [45, 30]", "days = [45, 30]",
                  "letters[3].days", "from 45 is after to 30"},
        Rejection{"followup_gap", "days = [8, 30]", "days = [9, 30]", "days = [9, 30]",
                  "followup[2].days", "day 8 overdue is in no entry"},
        Rejection{"followup_not_open_ended", "days = [61]\ninterval_days = 1",
                  "days = [61, 120]\ninterval_days = 1", "days = [61, 120]", "followup[4].days",
                  "must be open-ended"},
        Rejection{"bad_time", "window_start = \"08:00\"   # no contact",
                  "window_start = \"8:00\"   # no contact", "window_start = \"8:00\"",
                  "compliance[1].window_start", "is not a time of day"},
        Rejection{"window_end_before_start", "window_end = \"22:00\"", "window_end = \"07:00\"",
                  "window_end = \"07:00\"", "compliance[1].window_end", "later than window_start"},
        Rejection{"variant_percents_over_100", "percent = 10\n",
                  "percent = 10\n\n[[variants]]\nname = \"slow\"\npercent = 95\n", "percent = 95",
                  "variants[2].percent", "add up to 105, more than 100"},
        Rejection{"percent_over_100", "a_share_percent = 80", "a_share_percent = 180",
                  "a_share_percent = 180", "abc.a_share_percent", "between 0 and 100"},
        Rejection{"bad_amount", "max_case_amount = \"100000.00\"",
                  "max_case_amount = \"100000.001\"", "100000.001", "authority[1].max_case_amount",
                  "100000.001"},
        Rejection{"float_amount", "max_amount = \"50000000.00\"", "max_amount = 5e7",
                  "max_amount = 5e7", "workload.max_amount", "quoted decimal"},
        Rejection{"authority_not_ascending", "max_case_amount = \"500000.00\"",
                  "max_case_amount = \"50000.00\"", "\"50000.00\"", "authority[2].max_case_amount",
                  "larger than the level before"},
        Rejection{"bad_country", "country = \"US\"", "country = \"usa\"", "country = \"usa\"",
                  "compliance[2].country", "not an ISO 3166 country code"},
        Rejection{"unknown_channel", "B = [\"email\", \"sms\"]", "B = [\"email\", \"fax\"]",
                  "\"fax\"", "channels_by_class.B[2]", "'fax' is not allowed"},
        Rejection{"letter_levels_not_consecutive", "level = 4\ndays = [60]",
                  "level = 5\ndays = [60]", "level = 5", "letters[4].level",
                  "levels must be 1, 2, 3…"},
        Rejection{"wrong_type", "promise_grace_days = 3", "promise_grace_days = \"3\"",
                  "promise_grace_days", "promise_grace_days", "must be an integer, not a string"},
        Rejection{"missing_key", "dispute_response_hours = 48", "", "# Huikuan default",
                  "dispute_response_hours", "missing"},
        Rejection{"unknown_currency", "currency = \"CNY\"", "currency = \"XYZ\"", "\"XYZ\"",
                  "currency", "XYZ"},
        Rejection{"variant_named_champion", "name = \"fast_letters\"", "name = \"champion\"",
                  "name = \"champion\"", "variants[1].name", "policy's own rules"},
        Rejection{"likelihood_above_one", "likelihood = 0.90", "likelihood = 1.5",
                  "likelihood = 1.5", "priority.recovery[1].likelihood",
                  "must be between 0 and 1, not 1.5"},
        Rejection{"likelihood_negative", "likelihood = 0.50", "likelihood = -0.5",
                  "likelihood = -0.5", "priority.recovery[3].likelihood", "between 0 and 1"},
        Rejection{"likelihood_as_percent", "likelihood = 0.70", "likelihood = 70",
                  "likelihood = 70", "priority.recovery[2].likelihood",
                  "must be a decimal number such as 0.90, not an integer"},
        Rejection{"likelihood_missing", "likelihood = 0.30", "",
                  "[[priority.recovery]]\ndays = [91, 180]", "priority.recovery[4].likelihood",
                  "missing"},
        Rejection{"recovery_gap", "days = [31, 60]\nlikelihood", "days = [32, 60]\nlikelihood",
                  "days = [32, 60]", "priority.recovery[2].days", "day 31 overdue is in no entry"},
        Rejection{"recovery_overlap", "days = [61, 90]\nlikelihood", "days = [50, 90]\nlikelihood",
                  "days = [50, 90]", "priority.recovery[3].days",
                  "priority.recovery[3] [50, 90] overlaps priority.recovery[2] [31, 60] at line"},
        Rejection{"recovery_not_ascending",
                  "days = [31, 60]\nlikelihood = 0.70\n\n[[priority.recovery]]\ndays = [61, 90]",
                  "days = [61, 90]\nlikelihood = 0.70\n\n[[priority.recovery]]\ndays = [31, 60]",
                  "days = [31, 60]\nlikelihood = 0.50", "priority.recovery[3].days",
                  "[31, 60] must come after priority.recovery[2] [61, 90] at line"},
        Rejection{"recovery_starts_late", "days = [1, 30]\nlikelihood",
                  "days = [5, 30]\nlikelihood", "days = [5, 30]", "priority.recovery[1].days",
                  "days 1–4 overdue are in no entry"},
        Rejection{"recovery_before_due_date", "days = [1, 30]\nlikelihood",
                  "days = [0, 30]\nlikelihood", "days = [0, 30]", "priority.recovery[1].days",
                  "between 1 and"},
        Rejection{"recovery_not_open_ended", "days = [366]", "days = [366, 1000]",
                  "days = [366, 1000]", "priority.recovery[6].days", "must be open-ended"},
        Rejection{"recovery_unknown_key", "likelihood = 0.15", "likelihood = 0.15\nweight = 2",
                  "weight = 2", "priority.recovery[5].weight", "unknown key"},
        Rejection{"contact_cost_negative", "contact_cost = \"50.00\"", "contact_cost = \"-1.00\"",
                  "contact_cost = ", "priority.contact_cost", "must not be negative"},
        Rejection{"contact_cost_float", "contact_cost = \"50.00\"", "contact_cost = 50.0",
                  "contact_cost = ", "priority.contact_cost", "quoted decimal"},
        Rejection{"contact_cost_too_precise", "contact_cost = \"50.00\"",
                  "contact_cost = \"50.001\"", "contact_cost = ", "priority.contact_cost",
                  "50.001"},
        Rejection{"contact_cost_missing", "contact_cost = \"50.00\"", "", "[priority]",
                  "priority.contact_cost", "missing"},
        Rejection{"priority_unknown_key", "contact_cost = \"50.00\"",
                  "contact_cost = \"50.00\"\ncontact_costs = 1", "contact_costs",
                  "priority.contact_costs", "unknown key"}),
    [](const auto& info) { return info.param.name; });

TEST(PolicyRejects, SyntaxErrorWithItsLine) {
  auto policy = parse_policy("name = \"x\"\ncurrency = \n", "bad.toml");
  ASSERT_FALSE(policy);
  EXPECT_EQ(policy.error().where, "bad.toml:2");
}

TEST(PolicyRejects, ReportsEveryErrorNotOnlyTheFirst) {
  const std::string text = edited("a_share_percent = 80", "a_share_percent = 180\nextra = 1");
  auto policy = parse_policy(text, "test.toml");
  ASSERT_FALSE(policy);
  EXPECT_EQ(error_lines(policy.error()).size(), 2u) << policy.error().to_string();
}

TEST(PolicyLoad, MissingFileNamesThePath) {
  auto policy = load_policy("/nonexistent/policy.toml");
  ASSERT_FALSE(policy);
  EXPECT_EQ(policy.error().where, "/nonexistent/policy.toml");
}

std::string customer_id(int n) {
  return fmt::format("C{:06d}", n);
}

TEST(PolicyVariant, SameCustomerSameVariant) {
  const Policy copy = shipped();
  for (int n = 0; n < 200; ++n) {
    EXPECT_EQ(policy_variant(shipped(), customer_id(n)), policy_variant(copy, customer_id(n)));
    EXPECT_EQ(policy_variant(shipped(), customer_id(n)), policy_variant(shipped(), customer_id(n)));
  }
}

TEST(PolicyVariant, ShareIsRoughlyThePercent) {
  ASSERT_EQ(shipped().variants.size(), 1u);
  ASSERT_EQ(shipped().variants[0].percent, 10);
  int challengers = 0;
  for (int n = 0; n < 10'000; ++n) {
    if (policy_variant(shipped(), customer_id(n)) == "fast_letters") ++challengers;
  }
  EXPECT_GE(challengers, 800);
  EXPECT_LE(challengers, 1200);
}

TEST(PolicyVariant, ZeroPercentIsNobody) {
  Policy policy = shipped();
  policy.variants[0].percent = 0;
  for (int n = 0; n < 10'000; ++n) EXPECT_EQ(policy_variant(policy, customer_id(n)), kChampion);
}

TEST(PolicyVariant, RulesReplaceOnlyWhatTheVariantDefines) {
  const VariantRules fast = variant_rules(shipped(), "fast_letters");
  ASSERT_EQ(fast.letters.size(), 4u);
  EXPECT_EQ(fast.letters[0].days.from, 1);
  EXPECT_EQ(fast.letters[0].days.to, 3);
  EXPECT_EQ(fast.followup.data(), shipped().followup.data());  // the champion's
  const VariantRules champion = variant_rules(shipped(), kChampion);
  EXPECT_EQ(champion.letters.data(), shipped().letters.data());
}

}  // namespace
}  // namespace huikuan

#pragma once
// The collection policy: every number a collection manager tunes (DOMAIN §4–§7). Loaded from
// TOML (io/policy_toml.h); the shipped default is config/policy.toml. Plain data, no I/O.

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace huikuan {

//! Inclusive range of days overdue (negative = days before the due date). `to` may be
//! kOpenEnded for "and above".
struct DayRange {
  static constexpr int32_t kOpenEnded = INT32_MAX;
  int32_t from = 0;
  int32_t to = kOpenEnded;
  bool contains(int32_t days) const { return days >= from && days <= to; }
};

//! A named band of days overdue: overdue grades (mild…critical) and process stages.
struct Band {
  std::string name;
  DayRange days;
};

//! The first of `bands` containing `days`, or null.
inline const Band* band_of(const std::vector<Band>& bands, int32_t days) {
  for (const Band& band : bands) {
    if (band.days.contains(days)) return &band;
  }
  return nullptr;
}

//! ABC classification of overdue customers (DOMAIN §5).
struct AbcPolicy {
  //! Class C (risk assessment, legal) from this many days overdue on the oldest item…
  int32_t c_min_days = 91;
  //! …or for these credit grades.
  std::vector<std::string> c_credit_grades{"CCC", "CC", "C", "D"};
  //! The largest overdue balances making up this share (percent) of a currency's overdue total
  //! are class A; the rest B.
  int32_t a_share_percent = 80;
};

//! Importance × risk (DOMAIN §5): when a customer counts as high risk.
struct RiskPolicy {
  std::vector<std::string> high_risk_credit_grades{"BB", "B", "CCC", "CC", "C", "D"};
  int32_t high_risk_min_days = 61;
  int32_t high_risk_broken_promises = 1;
  //! Strategy name per quadrant, keyed "high_importance/low_risk" etc.
  std::map<std::string, std::string> quadrant_strategy;
};

//! When the system suggests hard overdue (硬逾期, DOMAIN §4); a collector decides.
struct HardOverduePolicy {
  int32_t broken_promises = 2;   //!< this many broken promises in the overdue episode…
  int32_t no_contact_days = 30;  //!< …or nobody reached for this many days while overdue
};

//! How a customer type (core, growth, general, problem, temporary) changes the plan.
struct CustomerTypeStrategy {
  std::string type;
  int32_t followup_interval_percent = 100;  //!< 50 = follow up twice as often
  int32_t letter_delay_days = 0;            //!< letters start this much later
  int32_t legal_review_min_days = 91;       //!< escalate to legal review from this many days
  bool executive_contact = false;           //!< core customers: executive, relationship first
};

//! Follow-up frequency: within `days` overdue, contact every `interval_days`.
struct FollowupRule {
  DayRange days;
  int32_t interval_days = 7;
};

//! A dunning letter: level 1 friendly … 4 final/lawyer letter, sent once per overdue episode
//! when the oldest collectible item is within `days`.
struct LetterRule {
  int32_t level = 1;
  DayRange days;
  std::string template_name;
  bool lawyer_letter = false;
};

//! Late interest (滞纳金, DOMAIN §10): within `days` overdue, each day adds `ppm_per_day`
//! millionths of the open amount (0.05 %/day = 500).
struct LateInterestRule {
  DayRange days;
  int64_t ppm_per_day = 0;
};

//! Reminders before the due date.
struct PreDuePolicy {
  int32_t gentle_days_before = 7;
  bool on_due_date = true;
  //! When the due date falls in or right after a run of at least `long_holiday_min_days` days
  //! off, remind `long_holiday_working_days_ahead` working days before it instead.
  int32_t long_holiday_min_days = 5;
  int32_t long_holiday_working_days_ahead = 10;
};

//! Contact rules of a jurisdiction (DOMAIN §6), chosen by the customer's country.
struct ComplianceProfile {
  std::string country;                   //!< ISO 3166 alpha-2, e.g. "CN", "US"; "*" = any other
  std::string timezone;                  //!< default IANA zone when the customer has none
  int32_t window_start_minute = 8 * 60;  //!< local time, minutes after midnight
  int32_t window_end_minute = 22 * 60;   //!< exclusive
  std::optional<int32_t> max_calls_per_day;
  std::optional<int32_t> max_calls_per_7_days;  //!< rolling window
  std::string calendar = "CN";                  //!< "CN" (Chinese, with 调休) or "weekends"
  int32_t record_retention_years = 5;  //!< contact records kept this long after the contract
};

//! A level of authority (DOMAIN §7): who may hold a case up to what amount.
struct AuthorityLevel {
  std::string level;  //!< collector, supervisor, director, general_manager
  //! Holds cases below this amount; minor units of Policy::currency; none = unlimited.
  std::optional<int64_t> max_case_amount;
  //! What this level may approve within its amount: extension, installment_plan,
  //! interest_waiver, settlement, write_off, legal_escalation, bill_adjustment.
  std::vector<std::string> approvals;

  //! Whether an amount (minor units of Policy::currency) is under this level's limit.
  bool covers(int64_t amount) const { return !max_case_amount || amount < *max_case_amount; }
};

struct WorkloadPolicy {
  int32_t max_cases = 150;
  int64_t max_amount = 5'000'000'000;  //!< minor units of Policy::currency (50M CNY)
};

//! Likelihood that working a case recovers the money when its oldest collectible item is
//! within `days` overdue.
struct RecoveryBand {
  DayRange days;
  double likelihood = 0;  //!< 0–1
};

//! How the worklist values working a case today: amount at risk in the policy currency ×
//! recovery likelihood − the cost of one contact.
struct PriorityPolicy {
  std::vector<RecoveryBand> recovery;  //!< ascending, covering every day from 1 overdue upward
  int64_t contact_cost = 5'000;        //!< minor units of Policy::currency (50 CNY)
};

//! A challenger variant: `percent` of customers (by a stable hash of their id) get these
//! follow-up and letter rules instead of the champion's; an empty list keeps the champion's.
struct PolicyVariant {
  std::string name;
  int32_t percent = 0;
  std::vector<FollowupRule> followup;
  std::vector<LetterRule> letters;
};

struct Policy {
  std::string name = "default";
  std::string currency = "CNY";  //!< currency of the policy's amounts
  std::string default_country = "CN";
  std::vector<int32_t> aging_buckets{30, 60, 90, 180, 365};  //!< upper bounds, days overdue
  std::vector<Band> overdue_grades;                          //!< mild, moderate, severe, critical
  std::vector<Band> stages;  //!< soft_collection, pre_litigation, litigation…
  HardOverduePolicy hard_overdue;
  AbcPolicy abc;
  RiskPolicy risk;
  std::vector<CustomerTypeStrategy> customer_types;
  std::vector<FollowupRule> followup;
  std::vector<LetterRule> letters;
  std::vector<LateInterestRule> late_interest;  //!< empty: letters charge no interest
  PreDuePolicy pre_due;
  std::map<std::string, std::vector<std::string>> channels_by_class;  //!< "A" -> phone, email…
  int32_t legal_review_min_days = 91;
  int32_t promise_grace_days = 3;
  int32_t dispute_response_hours = 48;
  std::vector<ComplianceProfile> compliance;
  std::vector<AuthorityLevel> authority;  //!< ascending authority
  WorkloadPolicy workload;
  PriorityPolicy priority;
  std::vector<PolicyVariant> variants;
  //! Value of one unit of a currency in the policy currency, in millionths ("JPY" -> 48000 for
  //! 0.048 CNY): used to rank cases across currencies, never to convert ledger amounts.
  std::map<std::string, int64_t> exchange_rate_micros;
};

//! The name variants not drawn by the hash follow: the policy's own rules.
inline constexpr std::string_view kChampion = "champion";

//! Which variant (name) a customer belongs to: a stable hash (FNV-1a 64 of the external id, mod
//! 100) against the variants' cumulative percents; "champion" otherwise.
inline std::string policy_variant(const Policy& policy, std::string_view customer_id) {
  uint64_t hash = 14'695'981'039'346'656'037ULL;
  for (const unsigned char c : customer_id) {
    hash ^= c;
    hash *= 1'099'511'628'211ULL;
  }
  const uint64_t slot = hash % 100;
  uint64_t upper = 0;
  for (const PolicyVariant& variant : policy.variants) {
    upper += static_cast<uint64_t>(std::max(variant.percent, 0));
    if (slot < upper) return variant.name;
  }
  return std::string(kChampion);
}

//! Follow-up and letter rules of one variant.
struct VariantRules {
  std::span<const FollowupRule> followup;
  std::span<const LetterRule> letters;
};

//! The follow-up and letter rules that apply to that variant (the champion's for "champion" or
//! a name the policy does not define). Views into `policy`.
inline VariantRules variant_rules(const Policy& policy, std::string_view variant) {
  VariantRules rules{policy.followup, policy.letters};
  const auto found = std::find_if(policy.variants.begin(), policy.variants.end(),
                                  [&](const PolicyVariant& v) { return v.name == variant; });
  if (found == policy.variants.end()) return rules;
  if (!found->followup.empty()) rules.followup = found->followup;
  if (!found->letters.empty()) rules.letters = found->letters;
  return rules;
}

//! The strategy for a customer type, or nullptr when the policy has none for it.
inline const CustomerTypeStrategy* customer_type_strategy(const Policy& policy,
                                                          std::string_view type) {
  for (const auto& strategy : policy.customer_types) {
    if (strategy.type == type) return &strategy;
  }
  return nullptr;
}

//! The channel of a follow-up contact for an ABC class: the class's first channel that is a
//! contact (letters and litigation have their own schedule); "phone" when it has none.
inline std::string followup_channel(const Policy& policy, const std::string& abc_class) {
  auto channels = policy.channels_by_class.find(abc_class);
  if (channels != policy.channels_by_class.end()) {
    for (const auto& channel : channels->second) {
      if (channel != "letter" && channel != "lawyer_letter" && channel != "litigation")
        return channel;
    }
  }
  return "phone";
}

}  // namespace huikuan

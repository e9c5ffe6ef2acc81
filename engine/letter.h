#pragma once
// The figures a dunning letter states (DOMAIN §10): late interest and the limitation deadline
// of each claim. Pure functions: no database, no clock.

#include <cstdint>
#include <optional>
#include <span>

#include "core/date.h"
#include "ledger/policy.h"

namespace huikuan {

//! Late interest on `open` (minor units) after `days_overdue` days under `rules`: the sum over
//! days 1…days_overdue of that day's rate × open, rounded half up once at the end. 0 when not
//! overdue or when no rule covers a day.
int64_t late_interest(int64_t open, int32_t days_overdue, std::span<const LateInterestRule> rules);

//! `day` moved `years` calendar years; 29 February becomes 28 February in a common year.
Date add_years(Date day, int years);

//! The limitation period of claims (PRC Civil Code art. 188: 3 years).
inline constexpr int kLimitationYears = 3;

//! When a claim lapses: 3 years from the latest of its due date, the last installment of a
//! payment plan covering it, and each restart (a delivered demand, an acknowledgement such as
//! a promise or a part payment; art. 195).
Date limitation_deadline(Date due, std::optional<Date> last_installment,
                         std::span<const Date> restarts);

}  // namespace huikuan

#pragma once
// Contact compliance (DOMAIN §6): when a customer may be contacted, in the customer's own time
// zone and working days, and how often they may be called. Pure: no clock, no database; the
// only outside data is the IANA time zone database read through Howard Hinnant's date library
// (the system tzdata in /usr/share/zoneinfo). Debian builds date with USE_OS_TZDB: it reads
// the compiled TZif files and ignores their POSIX rule footer, so offsets are exact through 2037
// (Debian ships "fat" files listing transitions to 2037) and stay on standard time after that
// (HowardHinnant/date#563).

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "core/business_calendar.h"
#include "core/date.h"
#include "core/error.h"
#include "core/timestamp.h"
#include "ledger/policy.h"

namespace date {
class time_zone;
}

namespace huikuan {

//! Seconds since 1970-01-01T00:00:00Z, as in Timestamp::utc_seconds.
using Instant = int64_t;

//! The profile for a customer in `country` ("" = the policy's default country): its own, else
//! "*", else the first one; null when the policy has none.
const ComplianceProfile* compliance_profile_for(const Policy& policy, std::string_view country);

//! The calendar a profile names: "CN" = BusinessCalendar::china(), "weekends" = weekends only.
Result<const BusinessCalendar*> profile_calendar(const ComplianceProfile& profile);

//! The contact window, working days and call caps of one profile for one time zone. Cheap to
//! copy; build one per (profile, zone) and share it: every method is const and thread-safe.
class ContactRules {
 public:
  //! Rules of `profile` for a customer in `timezone` (IANA; empty = the profile's default).
  //! Fails on an unknown zone or calendar, an empty window or a cap below 1, naming it.
  static Result<ContactRules> make(const ComplianceProfile& profile, std::string_view timezone);

  //! The IANA name of the customer's zone.
  std::string_view zone_name() const;
  //! The working-day calendar of the profile.
  const BusinessCalendar* calendar() const { return calendar_; }
  //! `at` with the customer's UTC offset at that moment (its to_string() is the ISO text).
  //! Offsets are whole minutes in every zone since 1972; older local mean times are truncated.
  Timestamp local(Instant at) const;
  //! Whether `at` falls inside the contact window on a working day, local to the customer.
  bool allowed(Instant at) const;

  //! The first allowed moment at or after `earliest`.
  Timestamp first_slot(Instant earliest) const;
  //! The first allowed moment at or after local `day` at `preferred_minute` (after local
  //! midnight): the window's start when earlier, the next working day's start when past its
  //! end. A local time skipped by DST means the moment the clocks jump; a repeated one, the
  //! earlier of the two.
  Timestamp first_slot(Date day, int32_t preferred_minute) const;

  //! first_slot(earliest) that also keeps the call caps: fewer than max_calls_per_day of
  //! `earlier_calls` (any order) on the same local date, and fewer than max_calls_per_7_days in
  //! the 7×24 h before it (a call exactly 7×24 h earlier no longer counts).
  Timestamp first_call_slot(Instant earliest, std::span<const Instant> earlier_calls) const;
  //! first_slot(day, preferred_minute) that also keeps the call caps.
  Timestamp first_call_slot(Date day, int32_t preferred_minute,
                            std::span<const Instant> earlier_calls) const;

 private:
  struct LocalTime {
    Date date;
    int32_t second_of_day;
    int32_t offset_seconds;  //!< east of UTC
  };

  LocalTime to_local(Instant at) const;
  Instant to_instant(Date day, int64_t second_of_day, Instant not_before) const;
  std::optional<Instant> after_daily_cap(Instant at, std::span<const Instant> calls) const;
  std::optional<Instant> after_weekly_cap(Instant at, std::span<const Instant> calls) const;

  const date::time_zone* zone_ = nullptr;
  const BusinessCalendar* calendar_ = nullptr;
  int32_t window_start_second_ = 0;
  int32_t window_end_second_ = 0;
  std::optional<int32_t> max_calls_per_day_;
  std::optional<int32_t> max_calls_per_7_days_;
};

//! Why outbound contact is or is not allowed for a customer.
enum class ContactGate : uint8_t {
  kAllowed,
  kDoNotContact,  //!< the customer asked not to be contacted
  kLegalReview,   //!< blacklisted: no collection contact, the case goes to legal review
};

//! Blacklisting wins over do-not-contact: both stop contact, but only it escalates.
ContactGate contact_gate(bool do_not_contact, bool blacklisted);

//! Whether a customer may be contacted at all: not when do_not_contact or blacklisted.
inline bool may_contact(bool do_not_contact, bool blacklisted) {
  return contact_gate(do_not_contact, blacklisted) == ContactGate::kAllowed;
}

}  // namespace huikuan

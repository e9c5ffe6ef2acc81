#pragma once
// An instant with the UTC offset it was given in: ISO 8601 "2026-06-30T10:15:00+08:00".

#include <cstdint>
#include <string>
#include <string_view>

#include "core/date.h"
#include "core/error.h"

namespace huikuan {

struct Timestamp {
  int64_t utc_seconds = 0;     //!< since 1970-01-01T00:00:00Z
  int32_t offset_minutes = 0;  //!< east of UTC

  //! Parses "YYYY-MM-DDTHH:MM[:SS](Z|+HH:MM|-HH:MM)"; an offset is required, since a contact
  //! time without one cannot be placed in the debtor's day.
  static Result<Timestamp> parse(std::string_view text);
  //! The instant `utc_seconds` shown at `offset_minutes`.
  static Timestamp at(int64_t utc_seconds, int32_t offset_minutes = 0) {
    return {utc_seconds, offset_minutes};
  }

  //! ISO 8601 with the offset, "Z" for UTC.
  std::string to_string() const;
  //! The calendar date at the timestamp's own offset.
  Date local_date() const;
  Timestamp plus_seconds(int64_t seconds) const { return {utc_seconds + seconds, offset_minutes}; }
  bool operator<(const Timestamp& other) const { return utc_seconds < other.utc_seconds; }
};

//! Now, at this machine's UTC offset, so "today" is the user's calendar day.
Timestamp local_now();

}  // namespace huikuan

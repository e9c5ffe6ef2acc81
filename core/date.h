#pragma once
// A civil calendar date (proleptic Gregorian), stored as days since 1970-01-01.

#include <array>
#include <chrono>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"

namespace huikuan {

class Date {
 public:
  constexpr Date() = default;
  constexpr explicit Date(int32_t days_since_epoch) : days_(days_since_epoch) {}

  //! The date for year/month/day; fails if the day does not exist (2025-02-29).
  static Result<Date> from_ymd(int year, unsigned month, unsigned day);
  //! Parses exactly "YYYY-MM-DD".
  static Result<Date> parse(std::string_view text);

  constexpr int32_t days() const { return days_; }
  std::chrono::year_month_day ymd() const;
  int year() const;
  //! ISO weekday: 1 = Monday … 7 = Sunday.
  unsigned iso_weekday() const;
  //! "YYYY-MM-DD".
  std::string to_string() const;
  //! "YYYY-MM-DD" NUL-terminated, without allocating (bulk writes format millions of dates).
  std::array<char, 11> iso() const;

  constexpr Date operator+(int32_t n) const { return Date(days_ + n); }
  constexpr Date operator-(int32_t n) const { return Date(days_ - n); }
  constexpr int32_t operator-(Date other) const { return days_ - other.days_; }
  constexpr auto operator<=>(const Date&) const = default;

 private:
  int32_t days_ = 0;
};

}  // namespace huikuan

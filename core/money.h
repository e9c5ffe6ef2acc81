#pragma once
// Exact money: integer minor units of one ISO 4217 currency. Never floating point.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/currency.h"
#include "core/error.h"

namespace huikuan {

//! Parses a plain decimal ("1234.5", "-0.01", "1234") into minor units with `minor_digits`
//! decimals. Rejects grouping separators, exponents, blanks, more decimals than allowed and
//! values beyond int64. `unit` (a currency code) names the unit in error messages.
Result<int64_t> parse_minor_units(std::string_view text, int minor_digits,
                                  std::string_view unit = "the currency");

//! Formats minor units with exactly `minor_digits` decimals: (123450, 2) -> "1234.50".
std::string format_minor_units(int64_t minor, int minor_digits);
//! The same, appended to `out` without a temporary (for writing millions of amounts).
void append_minor_units(std::string& out, int64_t minor, int minor_digits);

//! a + b, or an error if the sum leaves int64.
Result<int64_t> checked_add(int64_t a, int64_t b);

class Money {
 public:
  Money(int64_t minor, Currency currency) : minor_(minor), currency_(currency) {}

  //! Parses `text` in `currency`: "12.345" fails for CNY (2 digits) and passes for KWD.
  static Result<Money> parse(std::string_view text, Currency currency);

  int64_t minor() const { return minor_; }
  Currency currency() const { return currency_; }
  //! Exactly the currency's minor digits: "1234.50", JPY "1234", KWD "1.234".
  std::string to_string() const { return format_minor_units(minor_, currency_.minor_digits); }

  //! Sum or difference; fails on different currencies or int64 overflow.
  Result<Money> plus(Money other) const;
  Result<Money> minus(Money other) const;

  bool operator==(const Money&) const = default;

 private:
  int64_t minor_;
  Currency currency_;
};

}  // namespace huikuan

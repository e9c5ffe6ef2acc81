#include "core/money.h"

#include <fmt/format.h>

#include <limits>

namespace huikuan {

Result<int64_t> parse_minor_units(std::string_view text, int minor_digits, std::string_view unit) {
  auto bad = [&](std::string_view why) {
    return fail(fmt::format("'{}' is not a valid amount: {}", text, why));
  };
  if (text.empty()) return bad("empty");
  size_t i = 0;
  const bool negative = text[0] == '-';
  if (negative) ++i;
  // Accumulate as a negative number so that INT64_MIN parses.
  int64_t value = 0;
  int integer_digits = 0;
  int fraction_digits = -1;  // -1 until the decimal point is seen
  for (; i < text.size(); ++i) {
    const char ch = text[i];
    if (ch == '.') {
      if (fraction_digits >= 0) return bad("more than one decimal point");
      if (integer_digits == 0) return bad("no digit before the decimal point");
      fraction_digits = 0;
      continue;
    }
    if (ch < '0' || ch > '9') {
      return bad(ch == ',' ? "use a plain decimal without thousands separators"
                           : "only digits and one decimal point are allowed");
    }
    if (fraction_digits >= 0) {
      if (++fraction_digits > minor_digits) {
        return fail(
            fmt::format("'{}' has more decimals than {} allows ({})", text, unit, minor_digits));
      }
    } else {
      ++integer_digits;
    }
    if (__builtin_mul_overflow(value, 10, &value) ||
        __builtin_sub_overflow(value, ch - '0', &value)) {
      return bad("too large");
    }
  }
  if (integer_digits == 0) return bad("no digits");
  if (fraction_digits == 0) return bad("no digit after the decimal point");
  for (int d = std::max(fraction_digits, 0); d < minor_digits; ++d) {
    if (__builtin_mul_overflow(value, 10, &value)) return bad("too large");
  }
  if (negative) return value;
  if (value == std::numeric_limits<int64_t>::min()) return bad("too large");
  return -value;
}

void append_minor_units(std::string& out, int64_t minor, int minor_digits) {
  // Work in unsigned magnitude so INT64_MIN formats correctly.
  const bool negative = minor < 0;
  uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(minor) : static_cast<uint64_t>(minor);
  char digits[24];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude != 0 || n <= minor_digits);  // at least one digit before the point
  if (negative) out += '-';
  for (int k = n - 1; k >= 0; --k) {
    out += digits[k];
    if (k == minor_digits && minor_digits > 0) out += '.';
  }
}

std::string format_minor_units(int64_t minor, int minor_digits) {
  std::string out;
  append_minor_units(out, minor, minor_digits);
  return out;
}

Result<int64_t> checked_add(int64_t a, int64_t b) {
  int64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) return fail("amount overflow");
  return sum;
}

Result<Money> Money::parse(std::string_view text, Currency currency) {
  return parse_minor_units(text, currency.minor_digits, currency.code_view())
      .map([&](int64_t minor) { return Money(minor, currency); });
}

Result<Money> Money::plus(Money other) const {
  if (!(currency_ == other.currency_)) {
    return fail(
        fmt::format("cannot add {} to {}", other.currency_.code_view(), currency_.code_view()));
  }
  auto sum = checked_add(minor_, other.minor_);
  if (!sum) return tl::unexpected(sum.error());
  return Money(*sum, currency_);
}

Result<Money> Money::minus(Money other) const {
  if (!(currency_ == other.currency_)) {
    return fail(fmt::format("cannot subtract {} from {}", other.currency_.code_view(),
                            currency_.code_view()));
  }
  // Subtract directly: negating INT64_MIN overflows although -1 - INT64_MIN fits.
  int64_t difference = 0;
  if (__builtin_sub_overflow(minor_, other.minor_, &difference)) return fail("amount overflow");
  return Money(difference, currency_);
}

}  // namespace huikuan

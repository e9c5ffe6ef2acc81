#include "core/money.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace huikuan {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

Currency currency(std::string_view code) {
  return Currency::find(code).value();
}

// The error message, or a marker that fails the comparison when the operation succeeded.
std::string error_message(const Result<Money>& result) {
  return result ? "succeeded with " + result->to_string() : result.error().message;
}

TEST(MoneyTest, ParsesAndFormatsInEachCurrencysMinorDigits) {
  struct Case {
    const char* code;
    const char* text;
    int64_t minor;
    const char* formatted;
  };
  const Case cases[] = {
      {"JPY", "1234", 1234, "1234"},
      {"JPY", "-5", -5, "-5"},
      {"JPY", "0", 0, "0"},
      {"CNY", "1234.5", 123450, "1234.50"},
      {"CNY", "1234", 123400, "1234.00"},
      {"CNY", "0.01", 1, "0.01"},
      {"CNY", "-0.01", -1, "-0.01"},
      {"CNY", "-0", 0, "0.00"},
      {"CNY", "007.10", 710, "7.10"},
      {"KWD", "1.234", 1234, "1.234"},
      {"KWD", "-12.3", -12300, "-12.300"},
      {"CLF", "1.2345", 12345, "1.2345"},
      {"CLF", "0.0001", 1, "0.0001"},
  };
  for (const Case& c : cases) {
    const auto money = Money::parse(c.text, currency(c.code));
    ASSERT_TRUE(money) << c.code << " " << c.text << ": " << money.error().to_string();
    EXPECT_EQ(money->minor(), c.minor) << c.code << " " << c.text;
    EXPECT_EQ(money->to_string(), c.formatted) << c.code << " " << c.text;
    EXPECT_EQ(Money::parse(money->to_string(), currency(c.code)).value(), *money) << "round trip";
  }
}

TEST(MoneyTest, RejectsWhatIsNotAPlainDecimal) {
  struct Case {
    const char* text;
    const char* mention;
  };
  const Case cases[] = {
      {"1,234.50", "thousands separators"},
      {"12.345", "more decimals than CNY allows (2)"},
      {"", "empty"},
      {"-", "no digits"},
      {".5", "no digit before the decimal point"},
      {"-.5", "no digit before the decimal point"},
      {"5.", "no digit after the decimal point"},
      {"1.2.3", "more than one decimal point"},
      {"1e5", "only digits"},
      {" 12", "only digits"},
      {"12 ", "only digits"},
      {"+5", "only digits"},
      {"--5", "only digits"},
      {"１２", "only digits"},  // full-width digits
  };
  for (const Case& c : cases) {
    const auto money = Money::parse(c.text, currency("CNY"));
    ASSERT_FALSE(money) << "'" << c.text << "' parsed as " << money->minor();
    const std::string message = money.error().to_string();
    EXPECT_NE(message.find(c.mention), std::string::npos) << message;
    EXPECT_NE(message.find(std::string("'") + c.text + "'"), std::string::npos) << message;
  }
}

TEST(MoneyTest, DecimalsAllowedDependOnTheCurrency) {
  EXPECT_FALSE(Money::parse("12.345", currency("CNY")));
  EXPECT_EQ(Money::parse("12.345", currency("KWD")).value().minor(), 12345);
  EXPECT_FALSE(Money::parse("1.5", currency("JPY")));
  EXPECT_FALSE(Money::parse("1.23456", currency("CLF")));
  EXPECT_EQ(error_message(Money::parse("1.5", currency("JPY"))),
            "'1.5' has more decimals than JPY allows (0)");
}

TEST(MoneyTest, AcceptsExactlyTheInt64Range) {
  struct Case {
    const char* code;
    const char* text;
    bool fits;
    int64_t minor;
  };
  const Case cases[] = {
      {"JPY", "9223372036854775807", true, kMax},
      {"JPY", "9223372036854775808", false, 0},
      {"JPY", "-9223372036854775808", true, kMin},
      {"JPY", "-9223372036854775809", false, 0},
      {"JPY", "99999999999999999999999", false, 0},
      {"CNY", "92233720368547758.07", true, kMax},
      {"CNY", "92233720368547758.08", false, 0},
      {"CNY", "-92233720368547758.08", true, kMin},
      {"CNY", "-92233720368547758.09", false, 0},
      {"CNY", "92233720368547759", false, 0},  // overflows only when scaled to fen
  };
  for (const Case& c : cases) {
    const auto money = Money::parse(c.text, currency(c.code));
    if (c.fits) {
      ASSERT_TRUE(money) << c.text << ": " << money.error().to_string();
      EXPECT_EQ(money->minor(), c.minor) << c.text;
    } else {
      ASSERT_FALSE(money) << c.text;
      EXPECT_NE(money.error().message.find("too large"), std::string::npos)
          << money.error().message;
    }
  }
}

TEST(MoneyTest, FormatsTheInt64Extremes) {
  EXPECT_EQ(format_minor_units(kMin, 2), "-92233720368547758.08");
  EXPECT_EQ(format_minor_units(kMax, 2), "92233720368547758.07");
  EXPECT_EQ(format_minor_units(kMin, 0), "-9223372036854775808");
  EXPECT_EQ(format_minor_units(kMin, 4), "-922337203685477.5808");
}

TEST(MoneyTest, PlusAndMinus) {
  const Money a(123450, currency("CNY"));
  const Money b(55, currency("CNY"));
  EXPECT_EQ(a.plus(b).value().to_string(), "1235.05");
  EXPECT_EQ(a.minus(b).value().to_string(), "1233.95");
  EXPECT_EQ(b.minus(a).value().to_string(), "-1233.95");
  EXPECT_EQ(a.plus(b).value().currency(), currency("CNY"));
}

TEST(MoneyTest, PlusAndMinusFailOnOverflow) {
  const Currency cny = currency("CNY");
  EXPECT_EQ(error_message(Money(kMax, cny).plus(Money(1, cny))), "amount overflow");
  EXPECT_EQ(error_message(Money(kMin, cny).plus(Money(-1, cny))), "amount overflow");
  EXPECT_EQ(error_message(Money(kMin, cny).minus(Money(1, cny))), "amount overflow");
  EXPECT_EQ(error_message(Money(0, cny).minus(Money(kMin, cny))), "amount overflow");
  EXPECT_EQ(Money(kMax, cny).plus(Money(kMin, cny)).value().minor(), -1);
  // Subtracting the most negative amount fits when the result does.
  EXPECT_EQ(Money(-1, cny).minus(Money(kMin, cny)).value().minor(), kMax);
}

TEST(MoneyTest, PlusAndMinusRefuseToMixCurrencies) {
  const Money yuan(100, currency("CNY"));
  const Money dollars(100, currency("USD"));
  EXPECT_EQ(error_message(yuan.plus(dollars)), "cannot add USD to CNY");
  EXPECT_EQ(error_message(yuan.minus(dollars)), "cannot subtract USD from CNY");
  EXPECT_EQ(error_message(yuan.minus(Money(kMin, currency("USD")))),
            "cannot subtract USD from CNY");
}

TEST(MoneyTest, EqualityNeedsSameAmountAndCurrency) {
  EXPECT_EQ(Money(100, currency("CNY")), Money(100, currency("CNY")));
  EXPECT_NE(Money(100, currency("CNY")), Money(100, currency("USD")));
  EXPECT_NE(Money(100, currency("CNY")), Money(101, currency("CNY")));
}

}  // namespace
}  // namespace huikuan

#include "core/currency.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace huikuan {
namespace {

TEST(CurrencyTest, FindsCurrentCurrenciesWithTheirMinorDigits) {
  struct Case {
    const char* code;
    unsigned minor_digits;
    unsigned numeric;
  };
  const Case cases[] = {
      {"CNY", 2, 156},
      {"JPY", 0, 392},
      {"KWD", 3, 414},
      {"CLF", 4, 990},
      {"USD", 2, 840},
      {"EUR", 2, 978},
      {"XCG", 2, 532},  // replaced ANG in 2025, reusing its
                        // numeric code
      {"SLE", 2, 925},
      {"ZWG", 2, 924},
  };
  for (const Case& c : cases) {
    const auto currency = Currency::find(c.code);
    ASSERT_TRUE(currency) << c.code << ": " << currency.error().to_string();
    EXPECT_EQ(currency->code_view(), c.code);
    EXPECT_EQ(currency->minor_digits, c.minor_digits) << c.code;
    EXPECT_EQ(currency->numeric, c.numeric) << c.code;
  }
}

TEST(CurrencyTest, RejectsWithdrawnUnitlessAndMalformedCodes) {
  for (const char* code : {"HRK", "ANG", "SLL", "ZWL", "CUC",  // withdrawn, no current row
                           "XAU", "XXX",                       // no minor unit
                           "cny", "CN", "CNYY", "", "ABC"}) {
    const auto currency = Currency::find(code);
    ASSERT_FALSE(currency) << code;
    EXPECT_NE(currency.error().message.find(std::string("'") + code + "'"), std::string::npos)
        << currency.error().message;
  }
}

TEST(CurrencyTest, KeepsCodesThatAreCurrentAgainAfterAWithdrawnRow) {
  // EUR and TRY also have withdrawn rows (older entities, earlier denominations).
  EXPECT_TRUE(Currency::find("EUR"));
  EXPECT_TRUE(Currency::find("TRY"));
}

TEST(CurrencyTest, AllListsEachCurrentCodeOnceInOrder) {
  const auto all = Currency::all();
  // 178 distinct current codes in the shipped table, 13 of them without a minor unit.
  EXPECT_EQ(all.size(), 165u);
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end(),
                             [](const Currency& a, const Currency& b) { return a.code < b.code; }));
  EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end());
  EXPECT_TRUE(std::none_of(all.begin(), all.end(),
                           [](const Currency& c) { return c.code_view() == "XAU"; }));
  EXPECT_TRUE(
      std::all_of(all.begin(), all.end(), [](const Currency& c) { return c.minor_digits <= 4; }));
}

}  // namespace
}  // namespace huikuan

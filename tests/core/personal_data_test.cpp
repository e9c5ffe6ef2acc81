// Phones and e-mail addresses in free text are masked; dates, times, amounts and ids are not.

#include "core/personal_data.h"

#include <gtest/gtest.h>

namespace huikuan {
namespace {

TEST(PersonalDataTest, GivenFreeText_WhenMasked_ThenPhonesAndEmailsAreHiddenAndTheRestKept) {
  struct Case {
    const char* text;
    const char* masked;
  };
  const Case cases[] = {
      {"13812345678", "138****5678"},
      {"call 138 1234 5678 tomorrow", "call 138 **** 5678 tomorrow"},
      {"电话13812345678。", "电话138****5678。"},
      {"010-62345678", "010-****5678"},
      {"62345678", "****5678"},
      {"+1-212-555-0100", "+1-21*-***-0100"},
      {"+86 138 1234 5678", "+86 1** **** 5678"},
      {"zhang.san@example.com", "z***@example.com"},
      {"mail zhang@hx-trade.com.cn.", "mail z***@hx-trade.com.cn."},
      {"a@b.cn, 13900001111", "a***@b.cn, 139****1111"},
      // Left alone: dates, times, amounts, ids, short numbers, things that are not addresses.
      {"答应2026-07-31付款50000元", "答应2026-07-31付款50000元"},
      {"2026-07-01 2026-07-31", "2026-07-01 2026-07-31"},
      {"at 10:30:00, 1234567.89 CNY", "at 10:30:00, 1234567.89 CNY"},
      {"12,345,678.00", "12,345,678.00"},
      {"invoice INV-20260701 and PO_12345678", "invoice INV-20260701 and PO_12345678"},
      {"ext 123456", "ext 123456"},
      {"user@localhost", "user@localhost"},
      {"@ someone", "@ someone"},
      {"", ""},
  };
  for (const auto& c : cases) EXPECT_EQ(mask_personal_data(c.text), c.masked) << c.text;
}

TEST(PersonalDataTest, GivenCustomerFields_WhenAsked_ThenOnlyContactDetailsArePersonal) {
  EXPECT_TRUE(is_personal_field("email"));
  EXPECT_TRUE(is_personal_field("phone"));
  EXPECT_FALSE(is_personal_field("name"));
  EXPECT_FALSE(is_personal_field("collector"));
}

}  // namespace
}  // namespace huikuan

// Every shipped template rendered as a customer would receive it: the PDF of each one, turned
// back into text by poppler's pdftotext, names the customer, lists the invoices and states the
// amounts; template validation refuses unknown variables and threatening wording.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "io/message_template.h"
#include "io/policy_toml.h"
#include "service/import_fixture.h"
#include "service/importer.h"
#include "service/messages.h"
#include "test_db.h"

namespace huikuan {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;

// The text pdftotext reads from `pdf`, with spaces and line breaks removed (CJK text and
// wrapped lines come back with breaks where the layout put them).
std::string pdf_text(const TempDir& dir, const std::string& pdf) {
  const auto path = dir / "letter.pdf";
  testing::write_file(path, pdf);
  const std::string command = "pdftotext -enc UTF-8 " + path.string() + " -";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("cannot run pdftotext");
  std::string text;
  char buffer[4096];
  for (size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) text.append(buffer, n);
  if (pclose(pipe) != 0) throw std::runtime_error("pdftotext failed");
  std::string squeezed;
  for (char c : text)
    if (c != ' ' && c != '\n' && c != '\f') squeezed += c;
  return squeezed;
}

class LettersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::write_file(dir_ / "ledger" / "customers.csv",
                        "customer_id,name,currency,email,phone,language\n"
                        "C1,华信商贸有限公司,CNY,ap@huaxin.example,13800000000,zh-CN\n");
    testing::write_file(dir_ / "ledger" / "invoices.csv",
                        "invoice_id,customer_id,invoice_date,due_date,currency,amount\n"
                        "INV-2026-0101,C1,2026-04-01,2026-05-01,CNY,1234.50\n"
                        "INV-2026-0188,C1,2026-05-10,2026-06-10,CNY,98765.43\n");
    store_ = std::move(*Store::open(huikuan::testing::test_db(dir_)));
    ImportOptions options;
    options.dir = (dir_ / "ledger").string();
    auto imported = import_ledger(*store_, options);
    ASSERT_TRUE(imported.has_value()) << imported.error().errors.front().to_string();
  }

  TempDir dir_{"letters"};
  std::unique_ptr<Store> store_;
  CompanyDetails company_{"上海示例贸易有限公司",
                          "上海市浦东新区世纪大道100号",
                          "021-58880000",
                          "ar@example.com",
                          "中国工商银行上海分行",
                          "1001234567890123",
                          "王丽"};
};

TEST_F(LettersTest,
       GivenEveryShippedTemplate_WhenRenderedAsPdf_ThenItNamesCustomerInvoicesAndAmounts) {
  auto customer = store_->find_customer("C1");
  ASSERT_TRUE(customer);
  auto templates = TemplateSet::load(*store_);
  ASSERT_TRUE(templates.has_value()) << templates.error().to_string();
  ASSERT_GE(templates->entries().size(), 28u);
  for (const auto& [key, entry] : templates->entries()) {
    SCOPED_TRACE(key);
    auto facts = letter_facts(*store_, default_policy(), company_, *customer, {},
                              *Date::parse("2026-06-30"));
    ASSERT_TRUE(facts.has_value());
    facts->language = entry.language;
    facts->reference = "HK-2026-000042";
    const RenderedMessage message = entry.parsed.render(*facts);
    auto pdf = letter_pdf(message, company_, entry.language);
    ASSERT_TRUE(pdf.has_value()) << pdf.error().to_string();
    const std::string text = pdf_text(dir_, *pdf);
    EXPECT_THAT(text, HasSubstr("华信商贸有限公司"));
    EXPECT_THAT(text, HasSubstr("99,999.93"));  // the open total
    if (entry.parsed.text().find("{{#invoices}}") != std::string::npos) {
      EXPECT_THAT(text, HasSubstr("INV-2026-0101"));
      EXPECT_THAT(text, HasSubstr("INV-2026-0188"));
      EXPECT_THAT(text, HasSubstr("1,234.50"));
      EXPECT_THAT(text, HasSubstr("98,765.43"));
    }
  }
}

TEST_F(LettersTest,
       GivenAnOverdueInvoice_WhenALetterIsWritten_ThenItChargesThePolicysLateInterest) {
  auto customer = store_->find_customer("C1");
  auto facts =
      letter_facts(*store_, default_policy(), company_, *customer, {}, *Date::parse("2026-06-30"));
  ASSERT_TRUE(facts.has_value());
  ASSERT_EQ(facts->invoices.size(), 2u);
  // 60 days overdue: 30 days at 0.05 % and 30 at 0.1 % of 1,234.50 = 4.5 % = 55.5525 → 55.55.
  EXPECT_EQ(facts->invoices[0].days_overdue, 60);
  EXPECT_EQ(facts->invoices[0].interest, 5555);
  // 20 days at 0.05 % of 98,765.43 = 1 % = 987.6543 → 987.65.
  EXPECT_EQ(facts->invoices[1].interest, 98765);
  // Nothing restarted the claims yet: three years from the due date.
  EXPECT_EQ(facts->invoices[0].limitation_deadline.to_string(), "2029-05-01");
}

TEST(MessageTemplateTest, GivenAnUnknownVariable_WhenParsed_ThenTheErrorNamesItAndItsLine) {
  auto parsed = MessageTemplate::parse(
      "Subject: 付款提醒\n\n尊敬的{{customer.name}}：\n{{customer.fax}}\n", "letter_x.zh-CN");
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().field, "customer.fax");
  EXPECT_EQ(parsed.error().where, "letter_x.zh-CN:4");
}

TEST(MessageTemplateTest, GivenAnUnknownNameInsideASection_WhenParsed_ThenItIsRefusedToo) {
  EXPECT_FALSE(MessageTemplate::parse("{{#invoices}}{{numbr}}{{/invoices}}", "t").has_value());
  EXPECT_FALSE(MessageTemplate::parse("{{^invoices}}{{nothing}}{{/invoices}}", "t").has_value());
  EXPECT_TRUE(MessageTemplate::parse("{{#invoices}}{{number}} {{customer.name}}{{/invoices}}", "t")
                  .has_value());
}

TEST(MessageTemplateTest, GivenThreateningWording_WhenParsed_ThenItIsRefused) {
  auto parsed = MessageTemplate::parse("请尽快付款。\n否则后果自负。\n", "letter_x.zh-CN");
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().where, "letter_x.zh-CN:2");
  EXPECT_FALSE(MessageTemplate::parse("We will tell your family.", "x").has_value());
}

TEST(MessageTemplateTest, GivenBrokenMustache_WhenParsed_ThenItIsRefused) {
  EXPECT_FALSE(MessageTemplate::parse("{{#invoices}}{{number}}", "t").has_value());
}

TEST_F(LettersTest, GivenAnEditedTemplate_WhenItReplacesTheShippedOne_ThenItIsUsedAndAudited) {
  const Actor actor{"manager", *Timestamp::parse("2026-06-30T10:00:00+08:00")};
  auto bad = replace_template(*store_, "followup_sms", "zh-CN", "{{customer.nickname}}", actor);
  ASSERT_FALSE(bad.has_value());
  auto stored =
      replace_template(*store_, "followup_sms", "zh-CN",
                       "{{customer.name}}：请于{{deadline}}前支付{{total_open}}元。", actor);
  ASSERT_TRUE(stored.has_value()) << stored.error().to_string();
  auto templates = TemplateSet::load(*store_);
  ASSERT_TRUE(templates.has_value());
  const MessageTemplate* sms = templates->find("followup_sms", "zh-CN");
  ASSERT_NE(sms, nullptr);
  auto customer = store_->find_customer("C1");
  auto facts =
      letter_facts(*store_, default_policy(), company_, *customer, {}, *Date::parse("2026-06-30"));
  EXPECT_EQ(sms->render(*facts).body, "华信商贸有限公司：请于2026年7月10日前支付99,999.93元。");
  bool audited = false;
  store_->read_changes([&](const ChangeRecord& c) {
    if (c.entity == "template" && c.key == "followup_sms.zh-CN" && c.actor == "manager")
      audited = true;
  });
  EXPECT_TRUE(audited);
}

}  // namespace
}  // namespace huikuan

namespace huikuan {
namespace {

TEST(MessageLanguageTest, GivenACustomersLanguageAndCountry_ThenChineseOrEnglishIsChosen) {
  EXPECT_EQ(message_language("zh-CN", "US"), "zh-CN");
  EXPECT_EQ(message_language("zh-Hant", ""), "zh-CN");
  EXPECT_EQ(message_language("ja", "JP"), "en");
  EXPECT_EQ(message_language("en-US", "CN"), "en");
  EXPECT_EQ(message_language("", "CN"), "zh-CN");
  EXPECT_EQ(message_language("", ""), "zh-CN");
  EXPECT_EQ(message_language("", "DE"), "en");
}

}  // namespace
}  // namespace huikuan

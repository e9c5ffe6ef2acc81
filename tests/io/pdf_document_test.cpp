#include "io/pdf_document.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace huikuan {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

// What a reader sees in the PDF, as poppler's command-line tools report it.
class RenderedPdf {
 public:
  explicit RenderedPdf(const std::string& bytes)
      : path_(std::filesystem::temp_directory_path() /
              ("huikuan_pdf_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++) +
               ".pdf")) {
    std::ofstream(path_, std::ios::binary) << bytes;
  }
  ~RenderedPdf() { std::filesystem::remove(path_); }
  RenderedPdf(const RenderedPdf&) = delete;
  RenderedPdf& operator=(const RenderedPdf&) = delete;

  //! `pdftotext -layout`: pages end with a form feed.
  std::string text() const { return run("pdftotext -layout '" + path_.string() + "' -"); }

  //! The text of each page.
  std::vector<std::string> pages() const {
    std::vector<std::string> pages;
    const std::string all = text();
    for (size_t start = 0, end; (end = all.find('\f', start)) != std::string::npos;
         start = end + 1) {
      pages.push_back(all.substr(start, end - start));
    }
    return pages;
  }

  //! The page count `pdfinfo` reports.
  int page_count() const {
    const std::string info = run("pdfinfo '" + path_.string() + "'");
    const size_t at = info.find("Pages:");
    return at == std::string::npos ? -1 : std::stoi(info.substr(at + 6));
  }

 private:
  // The command's standard output; fails the test when it does not exit with 0 (e.g. when
  // poppler-utils is not installed).
  static std::string run(const std::string& command) {
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) {
      ADD_FAILURE() << "cannot run " << command;
      return {};
    }
    std::string output;
    char buffer[4096];
    for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) output.append(buffer, n);
    const int status = ::pclose(pipe);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << command << " failed (is poppler-utils installed?)";
    return output;
  }

  static inline int counter_ = 0;
  std::filesystem::path path_;
};

size_t occurrences(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

std::string without_spaces(std::string text) {
  std::erase(text, ' ');
  return text;
}

std::string render(const PdfDocument& document) {
  auto pdf = render_pdf(document);
  EXPECT_TRUE(pdf.has_value()) << pdf.error().to_string();
  return pdf.value_or("");
}

PdfBlock paragraph(std::string text) {
  return {.text = std::move(text)};
}

Letterhead chinese_letterhead() {
  return {.name = "上海示例贸易有限公司",
          .address = "上海市浦东新区世纪大道 100 号",
          .phone = "021-5888 0000",
          .email = "ar@example.cn",
          .bank_name = "招商银行上海分行",
          .bank_account = "1219 0000 0000 001"};
}

PdfDocument chinese_reminder() {
  PdfDocument document{
      .letterhead = chinese_letterhead(), .title = "付款提醒", .language = "zh-CN"};
  document.blocks = {
      {.kind = PdfBlock::Kind::kHeading, .text = "付款提醒函"},
      paragraph("尊敬的客户：\n贵司以下发票已逾期，请于 **2024年7月31日** 前付款。"),
      {.kind = PdfBlock::Kind::kTable,
       .table = {.header = {"发票号", "到期日", "金额"},
                 .rows = {{"INV-2024-001", "2024-06-30", "1,234.50"}},
                 .right_aligned = {false, false, true}}},
  };
  return document;
}

// An English statement whose table of `rows` invoices runs over several pages.
PdfDocument long_statement(int rows) {
  PdfTable table{.header = {"Invoice", "Due date", "Days overdue", "Amount"},
                 .right_aligned = {false, false, true, true}};
  for (int i = 1; i <= rows; ++i) {
    char number[16];
    std::snprintf(number, sizeof number, "INV-%04d", i);
    table.rows.push_back({number, "2024-05-31", std::to_string(i), "1,000.00"});
  }
  return {.letterhead = {.name = "Example Trading Ltd", .email = "ar@example.com"},
          .title = "Statement",
          .language = "en",
          .blocks = {paragraph("Dear customer,\nthe invoices below are overdue."),
                     {.kind = PdfBlock::Kind::kTable, .table = table}}};
}

TEST(PdfDocument, ChineseLetterShowsItsTextAsWritten) {
  const RenderedPdf pdf(render(chinese_reminder()));
  const std::string text = pdf.text();
  for (const char* expected :
       {"上海示例贸易有限公司", "ar@example.cn", "付款提醒函", "尊敬的客户：", "贵司以下发票已逾期",
        "2024年7月31日", "发票号", "到期日", "金额", "INV-2024-001", "2024-06-30", "1,234.50"}) {
    EXPECT_THAT(text, HasSubstr(expected));
  }
  EXPECT_THAT(text, Not(HasSubstr("**")));  // bold markers become bold text
  EXPECT_EQ(pdf.page_count(), 1);
  // pdftotext's spacing around CJK text is a guess; the footer reads "第 1 页 / 共 1 页".
  EXPECT_THAT(without_spaces(text), HasSubstr("第1页/共1页"));
}

TEST(PdfDocument, LongTableRepeatsItsHeaderOnEveryPage) {
  const RenderedPdf pdf(render(long_statement(120)));
  const std::vector<std::string> pages = pdf.pages();
  const int count = pdf.page_count();
  ASSERT_GT(count, 1);
  ASSERT_EQ(static_cast<int>(pages.size()), count);
  for (int i = 0; i < count; ++i) {
    SCOPED_TRACE("page " + std::to_string(i + 1));
    EXPECT_THAT(pages[i], HasSubstr("Example Trading Ltd"));  // the letterhead
    for (const char* header : {"Invoice", "Due date", "Days overdue", "Amount"}) {
      EXPECT_THAT(pages[i], HasSubstr(header));
    }
    const std::string footer = "Page " + std::to_string(i + 1) + " of " + std::to_string(count);
    EXPECT_EQ(occurrences(pages[i], footer), 1u);
  }
  const std::string text = pdf.text();
  for (int i = 1; i <= 120; ++i) {
    char number[16];
    std::snprintf(number, sizeof number, "INV-%04d", i);
    EXPECT_EQ(occurrences(text, number), 1u) << number;
  }
}

TEST(PdfDocument, LongParagraphBreaksBetweenLinesAcrossPages) {
  std::string text;
  for (int i = 1; i <= 90; ++i) text += "Reminder line " + std::to_string(1000 + i) + "\n";
  const RenderedPdf pdf(render({.language = "en", .blocks = {paragraph(text)}}));
  EXPECT_GT(pdf.page_count(), 1);
  const std::string shown = pdf.text();
  for (int i = 1; i <= 90; ++i) {
    EXPECT_EQ(occurrences(shown, "Reminder line " + std::to_string(1000 + i)), 1u) << i;
  }
}

TEST(PdfDocument, SameDocumentGivesSameBytes) {
  const std::string first = render(long_statement(60));
  // Across a second boundary, so a creation timestamp in the PDF would show.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  const std::string second = render(long_statement(60));
  EXPECT_FALSE(first.empty());
  EXPECT_TRUE(first == second) << "re-rendering changed the PDF";
}

TEST(PdfDocument, RejectsWhatItCannotRender) {
  PdfDocument french = chinese_reminder();
  french.language = "fr";
  EXPECT_EQ(render_pdf(french).error().field, "language");

  PdfDocument ragged = chinese_reminder();
  ragged.blocks[2].table.rows.push_back({"INV-2024-002", "2024-07-31"});
  EXPECT_EQ(render_pdf(ragged).error().to_string(), "block 3: row 2 has 2 cells; the header has 3");

  PdfDocument latin1 = chinese_reminder();
  latin1.blocks[1].text = "Gr\xfc\xdf Gott";
  EXPECT_EQ(render_pdf(latin1).error().to_string(), "block 2: text is not valid UTF-8");
}

TEST(LetterText, HeadingsParagraphsAndTables) {
  const auto blocks = parse_letter_text(
      "# 付款提醒函\n"
      "尊敬的客户：\n"
      "请于 **7月31日** 前付款。\n"
      "\n"
      "| 发票号 | 到期日 | 金额 |\n"
      "|---|:--|--:|\n"
      "|INV-001|2024-06-30|1,234.50|\n"
      "| INV-002 | 2024-07-31 | 99.00 |\n"
      "此致\n"
      "\n"
      "\n"
      "敬礼\n");
  ASSERT_TRUE(blocks.has_value()) << blocks.error().to_string();
  ASSERT_EQ(blocks->size(), 5u);
  const auto& b = *blocks;
  EXPECT_EQ(b[0].kind, PdfBlock::Kind::kHeading);
  EXPECT_EQ(b[0].text, "付款提醒函");
  EXPECT_EQ(b[1].kind, PdfBlock::Kind::kParagraph);
  EXPECT_EQ(b[1].text, "尊敬的客户：\n请于 **7月31日** 前付款。");
  ASSERT_EQ(b[2].kind, PdfBlock::Kind::kTable);
  EXPECT_THAT(b[2].table.header, ElementsAre("发票号", "到期日", "金额"));
  EXPECT_THAT(b[2].table.right_aligned, ElementsAre(false, false, true));
  EXPECT_THAT(b[2].table.rows, ElementsAre(ElementsAre("INV-001", "2024-06-30", "1,234.50"),
                                           ElementsAre("INV-002", "2024-07-31", "99.00")));
  EXPECT_EQ(b[3].text, "此致");  // a table ends at the first line not starting with '|'
  EXPECT_EQ(b[4].text, "敬礼");
}

TEST(LetterText, TableWithoutAlignmentRowKeepsItsSecondRow) {
  const auto blocks = parse_letter_text("| a | b |\r\n| 1 | 2 |\r\n");
  ASSERT_TRUE(blocks.has_value());
  ASSERT_EQ(blocks->size(), 1u);
  EXPECT_THAT((*blocks)[0].table.rows, ElementsAre(ElementsAre("1", "2")));
  EXPECT_TRUE((*blocks)[0].table.right_aligned.empty());
}

TEST(LetterText, RaggedTableRowNamesItsLine) {
  const auto blocks = parse_letter_text(
      "Dear customer,\n"
      "\n"
      "| Invoice | Amount |\n"
      "|---|--:|\n"
      "| INV-001 | 10.00 |\n"
      "| INV-002 |\n");
  ASSERT_FALSE(blocks.has_value());
  EXPECT_EQ(blocks.error().where, "line 6");
  EXPECT_EQ(blocks.error().to_string(), "line 6: table row has 1 cells; its header has 2");
}

}  // namespace
}  // namespace huikuan

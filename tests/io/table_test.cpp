#include "io/table.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

namespace huikuan {
namespace {

using ::testing::HasSubstr;

std::string text_of(const std::vector<Table>& tables) {
  std::ostringstream out;
  write_text(out, tables);
  return out.str();
}

std::string csv_of(const std::vector<Table>& tables) {
  std::ostringstream out;
  write_csv(out, tables);
  return out.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The line of `text` that contains `needle`, or "" when none does.
std::string line_with(const std::string& text, const std::string& needle) {
  for (const auto& line : lines_of(text)) {
    if (line.find(needle) != std::string::npos) return line;
  }
  return {};
}

// Display column at which `needle` starts within `line`.
size_t column_of(const std::string& line, const std::string& needle) {
  return display_width(std::string_view(line).substr(0, line.find(needle)));
}

// A unique path in the temp directory, removed when the test ends.
class TempPath {
 public:
  explicit TempPath(const std::string& name)
      : path_(std::filesystem::temp_directory_path() /
              ("huikuan_table_test_" + std::to_string(getpid()) + "_" + name)) {}
  ~TempPath() { std::filesystem::remove(path_); }
  std::string str() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

TEST(DisplayWidthTest, AsciiCountsOnePerCharacter) {
  EXPECT_EQ(display_width(""), 0u);
  EXPECT_EQ(display_width("Acme Ltd"), 8u);
}

TEST(DisplayWidthTest, ChineseCharactersCountTwo) {
  EXPECT_EQ(display_width("华为技术"), 8u);
  EXPECT_EQ(display_width("华为 Ltd"), 8u);
}

TEST(DisplayWidthTest, FullWidthFormsCountTwo) {
  EXPECT_EQ(display_width("ＡＢＣ"), 6u);
  EXPECT_EQ(display_width("（株）"), 6u);
}

TEST(DisplayWidthTest, CombiningMarksAndZeroWidthCharactersCountZero) {
  EXPECT_EQ(display_width("Cafe\u0301"), 4u);  // e + combining acute accent
  EXPECT_EQ(display_width("a\u200Bb"), 2u);    // zero-width space
  EXPECT_EQ(display_width("\uFEFFabc"), 3u);   // byte order mark
}

TEST(DisplayWidthTest, InvalidUtf8CountsOnePerBadSequence) {
  EXPECT_EQ(display_width("a\xFF"
                          "b"),
            3u);
}

TEST(WriteTextTest, ExactLayoutWithTitleSeparatorsAndTotals) {
  const Table table{
      "CNY",
      {"Customer", "Outstanding", "DSO"},
      {{std::string("Acme"), AmountCell{123456750, 2}, NumberCell{45.5, 1}},
       {std::string("Bolt"), AmountCell{-500, 2}, NumberCell{}}},
      std::vector<Cell>{std::string("Total"), AmountCell{123456250, 2}, NumberCell{}},
  };
  EXPECT_EQ(text_of({table}),
            "CNY\n"
            "Customer   Outstanding   DSO\n"
            "--------  ------------  ----\n"
            "Acme      1,234,567.50  45.5\n"
            "Bolt             -5.00\n"
            "--------  ------------  ----\n"
            "Total     1,234,562.50\n");
}

TEST(WriteTextTest, ColumnAfterChineseNameLinesUpWithLatinName) {
  const Table table{"",
                    {"Customer", "Code", "Outstanding"},
                    {{std::string("华为技术"), std::string("C001"), AmountCell{100, 2}},
                     {std::string("Acme"), std::string("C002"), AmountCell{2000000, 2}}},
                    std::nullopt};
  const std::string text = text_of({table});
  const std::string chinese = line_with(text, "华为技术");
  const std::string latin = line_with(text, "Acme");
  EXPECT_EQ(column_of(chinese, "C001"), column_of(latin, "C002"));
  EXPECT_EQ(column_of(chinese, "C001"), column_of(line_with(text, "Code"), "Code"));
  // Right-aligned amounts end at the same display column.
  EXPECT_EQ(display_width(chinese), display_width(latin));
}

TEST(WriteTextTest, AmountsAreGroupedWithTheirCurrencyDecimals) {
  const Table table{"",
                    {"Amount"},
                    {{AmountCell{123456789, 0}},
                     {AmountCell{1234567, 3}},
                     {AmountCell{-123456, 2}},
                     {AmountCell{99, 2}},
                     {AmountCell{std::numeric_limits<int64_t>::min(), 2}}},
                    std::nullopt};
  const std::string text = text_of({table});
  EXPECT_THAT(text, HasSubstr("123,456,789\n"));
  EXPECT_THAT(text, HasSubstr("1,234.567\n"));
  EXPECT_THAT(text, HasSubstr("-1,234.56\n"));
  EXPECT_THAT(text, HasSubstr(" 0.99\n"));
  EXPECT_THAT(text, HasSubstr("-92,233,720,368,547,758.08\n"));
}

TEST(WriteTextTest, TablesAreSeparatedByABlankLine) {
  const Table cny{"CNY", {"Customer"}, {{std::string("Acme")}}, std::nullopt};
  const Table usd{"USD", {"Customer"}, {{std::string("Bolt")}}, std::nullopt};
  EXPECT_EQ(text_of({cny, usd}),
            "CNY\nCustomer\n--------\nAcme\n"
            "\n"
            "USD\nCustomer\n--------\nBolt\n");
}

TEST(WriteTextTest, ControlCharactersInDataDoNotBreakTheLayout) {
  const Table table{"", {"Customer"}, {{std::string("Acme\nLtd\x1b[2J")}}, std::nullopt};
  EXPECT_EQ(text_of({table}), "Customer\n------------\nAcme Ltd [2J\n");
}

TEST(WriteCsvTest, QuotesFieldsWithCommasQuotesAndLineBreaks) {
  const Table table{"",
                    {"Customer", "Note"},
                    {{std::string("Smith, John"), std::string("said \"pay later\"")},
                     {std::string("Acme"), std::string("line\nbreak")},
                     {std::string("Bolt"), std::string("cr\rhere")},
                     {std::string("华为技术"), std::string("plain")}},
                    std::nullopt};
  EXPECT_EQ(csv_of({table}),
            "Customer,Note\n"
            "\"Smith, John\",\"said \"\"pay later\"\"\"\n"
            "Acme,\"line\nbreak\"\n"
            "Bolt,\"cr\rhere\"\n"
            "华为技术,plain\n");
}

TEST(WriteCsvTest, AmountsArePlainDecimalsWithTheCurrencyDigits) {
  const Table table{"",
                    {"Amount"},
                    {{AmountCell{123450, 2}},
                     {AmountCell{1234, 0}},
                     {AmountCell{1234, 3}},
                     {AmountCell{-5, 2}},
                     {AmountCell{123456789, 2}},
                     {AmountCell{std::numeric_limits<int64_t>::max(), 2}},
                     {AmountCell{std::numeric_limits<int64_t>::min(), 2}},
                     {AmountCell{std::numeric_limits<int64_t>::min(), 0}}},
                    std::nullopt};
  EXPECT_EQ(csv_of({table}),
            "Amount\n"
            "1234.50\n"
            "1234\n"
            "1.234\n"
            "-0.05\n"
            "1234567.89\n"
            "92233720368547758.07\n"
            "-92233720368547758.08\n"
            "-9223372036854775808\n");
}

TEST(WriteCsvTest, NumbersHaveFixedDecimalsAndMissingOnesAreEmpty) {
  const Table table{"",
                    {"Customer", "Ratio", "Days"},
                    {{std::string("Acme"), NumberCell{0.12345, 2}, NumberCell{30, 0}},
                     {std::string("Bolt"), NumberCell{}, NumberCell{}}},
                    std::nullopt};
  EXPECT_EQ(csv_of({table}),
            "Customer,Ratio,Days\n"
            "Acme,0.12,30\n"
            "Bolt,,\n");
}

TEST(WriteCsvTest, SeveralTablesShareOneHeaderWithASectionColumn) {
  const Table cny{"CNY",
                  {"Customer", "Outstanding"},
                  {{std::string("华为技术"), AmountCell{100050, 2}}},
                  std::vector<Cell>{std::string("Total"), AmountCell{100050, 2}}};
  const Table jpy{"JPY",
                  {"Customer", "Outstanding"},
                  {{std::string("Sony"), AmountCell{5000, 0}}},
                  std::vector<Cell>{std::string(), AmountCell{5000, 0}}};
  EXPECT_EQ(csv_of({cny, jpy}),
            "section,Customer,Outstanding\n"
            "CNY,华为技术,1000.50\n"
            "CNY,TOTAL,1000.50\n"
            "JPY,Sony,5000\n"
            "JPY,TOTAL,5000\n");
}

TEST(WriteCsvTest, ATitledSingleTableGetsASectionColumn) {
  const Table table{"CNY", {"Customer"}, {{std::string("Acme")}}, std::nullopt};
  EXPECT_EQ(csv_of({table}), "section,Customer\nCNY,Acme\n");
}

TEST(WriteCsvTest, UntitledSingleTableHasNoSectionColumnAndMarksTotals) {
  const Table table{"",
                    {"Customer", "Outstanding"},
                    {{std::string("Acme"), AmountCell{250, 2}}},
                    std::vector<Cell>{std::string("All customers"), AmountCell{250, 2}}};
  EXPECT_EQ(csv_of({table}),
            "Customer,Outstanding\n"
            "Acme,2.50\n"
            "TOTAL,2.50\n");
}

TEST(WriteCsvTest, TablesWithDifferentColumnsEachGetAHeader) {
  const Table aging{
      "Aging", {"Customer", "Overdue"}, {{std::string("Acme"), AmountCell{1, 2}}}, std::nullopt};
  const Table kpi{
      "KPI", {"Metric", "Value"}, {{std::string("DSO"), NumberCell{42, 1}}}, std::nullopt};
  EXPECT_EQ(csv_of({aging, kpi}),
            "section,Customer,Overdue\n"
            "Aging,Acme,0.01\n"
            "section,Metric,Value\n"
            "KPI,DSO,42.0\n");
}

TEST(WriteXlsxTest, WritesAZipFile) {
  const TempPath path("report.xlsx");
  const Table table{
      "CNY",
      {"Customer", "Outstanding", "Ratio"},
      {{std::string("华为技术"), AmountCell{123456750, 2}, NumberCell{0.25, 2}},
       {std::string("Acme"), AmountCell{-1, 2}, NumberCell{}}},
      std::vector<Cell>{std::string("Total"), AmountCell{123456749, 2}, NumberCell{}}};
  const auto result = write_xlsx(path.str(), {table});
  ASSERT_TRUE(result) << result.error().to_string();
  std::ifstream in(path.str(), std::ios::binary);
  ASSERT_TRUE(in) << path.str() << " was not created";
  std::string magic(2, '\0');
  in.read(magic.data(), 2);
  EXPECT_EQ(magic, "PK");
}

TEST(WriteXlsxTest, AwkwardTitlesStillMakeValidSheets) {
  const TempPath path("titles.xlsx");
  auto titled = [](std::string title) {
    return Table{std::move(title), {"Customer"}, {{std::string("Acme")}}, std::nullopt};
  };
  const auto result = write_xlsx(
      path.str(), {titled("CNY"), titled("cny"), titled("A/B [x]: *?\\"), titled(""), titled(""),
                   titled("'quoted'"), titled("History"),
                   titled("A very long title that is well over thirty-one characters"),
                   titled("A very long title that is well over thirty-one characters"),
                   titled("华为技术华为技术华为技术华为技术华为技术华为技术华为技术华为技术")});
  EXPECT_TRUE(result) << result.error().to_string();
}

TEST(WriteXlsxTest, NoTablesStillWritesAWorkbook) {
  const TempPath path("empty.xlsx");
  const auto result = write_xlsx(path.str(), {});
  EXPECT_TRUE(result) << result.error().to_string();
  EXPECT_TRUE(std::filesystem::exists(path.str()));
}

TEST(WriteXlsxTest, UnwritablePathIsAnErrorNamingThePath) {
  const std::string path = "/nonexistent-huikuan-dir/sub/report.xlsx";
  const Table table{"", {"Customer"}, {{std::string("Acme")}}, std::nullopt};
  const auto result = write_xlsx(path, {table});
  ASSERT_FALSE(result);
  EXPECT_THAT(result.error().to_string(), HasSubstr(path));
}

}  // namespace
}  // namespace huikuan

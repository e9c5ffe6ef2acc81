// Given the built `huikuan` binary, when run as a user would, then exit codes, files and output
// follow the command-line contract.

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/currency.h"
#include "core/money.h"
#include "io/csv_reader.h"
#include "service/import_fixture.h"
#include "service/policy_versions.h"
#include "test_db.h"

namespace huikuan {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::StartsWith;

using testing::TempDir;
using testing::write_file;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

struct CliRun {
  int exit_code = -1;
  std::string out, err;
};

std::string quoted(const std::string& arg) {
  std::string out = "'";
  for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

//! Runs the huikuan binary with `args`, capturing its exit code, stdout and stderr.
CliRun huikuan(const std::vector<std::string>& args) {
  TempDir capture;
  std::string command = quoted(HUIKUAN_BINARY);
  for (const auto& arg : args) command += " " + quoted(arg);
  const fs::path out = capture / "stdout", err = capture / "stderr";
  command += " >" + quoted(out.string()) + " 2>" + quoted(err.string());
  const int status = std::system(command.c_str());
  CliRun run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.out = read_file(out);
  run.err = read_file(err);
  return run;
}

// One generated and imported demo ledger shared by the report tests.
class CliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const CliRun gen = huikuan({"gen", "--customers", "50", "--seed", "7", "--out", ledger_dir()});
    ASSERT_EQ(gen.exit_code, 0) << gen.err;
    const CliRun import = huikuan({"import", "--db", db(), ledger_dir()});
    ASSERT_EQ(import.exit_code, 0) << import.err;
    // A yen customer, so that a currency without minor units is always in the reports.
    const fs::path yen = *dir_ / "yen";
    write_file(yen / "customers.csv",
               "customer_id,name,currency\nJP001,\"Nippon, \"\"KK\"\"\",JPY\n");
    write_file(yen / "invoices.csv",
               "invoice_id,customer_id,invoice_date,due_date,currency,amount\n"
               "JPINV1,JP001,2026-03-01,2026-03-31,JPY,123456\n");
    const CliRun import_yen = huikuan({"import", "--db", db(), yen.string()});
    ASSERT_EQ(import_yen.exit_code, 0) << import_yen.err;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static std::string ledger_dir() { return (*dir_ / "ledger").string(); }
  static std::string db() {
    static const std::string db = huikuan::testing::test_db(*dir_, "huikuan.db");
    return db;
  }

  static TempDir* dir_;
};
TempDir* CliTest::dir_ = nullptr;

TEST(CliGenTest, GivenTheSameSeed_WhenGeneratedTwice_ThenTheFilesAreByteIdentical) {
  TempDir dir;
  const std::string first = (dir / "first").string(), second = (dir / "second").string();
  ASSERT_EQ(huikuan({"gen", "--customers", "50", "--seed", "7", "--out", first}).exit_code, 0);
  ASSERT_EQ(huikuan({"gen", "--customers", "50", "--seed", "7", "--out", second}).exit_code, 0);

  for (const char* file : {"customers.csv", "invoices.csv", "payments.csv", "allocations.csv"}) {
    const std::string a = read_file(dir / "first" / file);
    EXPECT_GT(a.size(), 100u) << file;
    EXPECT_TRUE(a == read_file(dir / "second" / file)) << file << " differs between runs";
  }
  EXPECT_EQ(lines_of(read_file(dir / "first" / "customers.csv")).size(), 51u);  // header + 50
}

TEST(CliImportTest, GivenAGeneratedLedger_WhenImportedTwice_ThenTheSecondRunChangesNothing) {
  TempDir dir;
  const std::string ledger = (dir / "ledger").string(), db = huikuan::testing::test_db(dir, "h.db");
  ASSERT_EQ(huikuan({"gen", "--customers", "20", "--seed", "3", "--out", ledger}).exit_code, 0);

  const CliRun first = huikuan({"import", "--db", db, ledger});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_THAT(first.out, ::testing::ContainsRegex("customers +20 added +0 updated +0 unchanged"));

  const CliRun second = huikuan({"import", "--db", db, ledger});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_THAT(second.out, ::testing::ContainsRegex("customers +0 added +0 updated +20 unchanged"));
  for (const char* entity : {"invoices", "payments", "allocations"}) {
    EXPECT_THAT(second.out, ::testing::ContainsRegex(fmt::format(
                                "{} +0 added +0 updated +[1-9][0-9]* unchanged", entity)));
  }
}

TEST(CliImportTest, GivenABadAmount_WhenImported_ThenExitTwoWithFileLineColumnAndNothingImported) {
  TempDir dir;
  write_file(dir / "in" / "customers.csv", "customer_id,name\nC1,Acme\n");
  write_file(dir / "in" / "invoices.csv",
             "invoice_id,customer_id,invoice_date,due_date,currency,amount\n"
             "I1,C1,2026-01-10,2026-02-09,CNY,12.345\n"
             "I2,C1,2026-01-10,2026-02-09,CNY,-1\n");
  const std::string db = huikuan::testing::test_db(dir, "h.db");

  const CliRun run = huikuan({"import", "--db", db, (dir / "in").string()});

  EXPECT_EQ(run.exit_code, 2);
  const auto lines = lines_of(run.err);
  EXPECT_THAT(lines, ::testing::Contains(StartsWith("invoices.csv:2: amount: ")));
  EXPECT_THAT(lines, ::testing::Contains(StartsWith("invoices.csv:3: amount: ")));
  EXPECT_THAT(run.err, HasSubstr("2 errors; nothing was imported"));

  // Nothing was imported: the aging report has no currency section.
  const CliRun report =
      huikuan({"report", "aging", "--db", db, "--as-of", "2026-06-30", "--format", "json"});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  EXPECT_TRUE(nlohmann::json::parse(report.out)["currencies"].empty());
}

TEST(CliImportTest, GivenAGb18030File_WhenImportedWithEncoding_ThenReportsShowTheUtf8Name) {
  TempDir dir;
  // "华为技术有限公司" in GB18030.
  write_file(
      dir / "in" / "customers.csv",
      "customer_id,name\nC1,\xbb\xaa\xce\xaa\xbc\xbc\xca\xf5\xd3\xd0\xcf\xde\xb9\xab\xcb\xbe\n");
  write_file(dir / "in" / "invoices.csv",
             "invoice_id,customer_id,invoice_date,due_date,currency,amount\n"
             "I1,C1,2026-01-10,2026-02-09,CNY,100.00\n");
  const std::string db = huikuan::testing::test_db(dir, "h.db"), in = (dir / "in").string();

  const CliRun as_utf8 = huikuan({"import", "--db", db, in});
  EXPECT_EQ(as_utf8.exit_code, 2);
  EXPECT_THAT(as_utf8.err, HasSubstr("customers.csv:2: "));
  EXPECT_THAT(as_utf8.err, HasSubstr("--encoding gb18030"));

  const CliRun import = huikuan({"import", "--db", db, "--encoding", "gb18030", in});
  ASSERT_EQ(import.exit_code, 0) << import.err;
  const CliRun report =
      huikuan({"report", "aging", "--db", db, "--as-of", "2026-06-30", "--format", "json"});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  const auto json = nlohmann::json::parse(report.out);
  EXPECT_EQ(json["currencies"][0]["rows"][0]["name"], "华为技术有限公司");
  EXPECT_EQ(json["currencies"][0]["rows"][0]["over_365"], "0.00");
  EXPECT_EQ(json["currencies"][0]["rows"][0]["91-180"], "100.00");  // 141 days overdue
}

TEST_F(CliTest, GivenAnImportedLedger_WhenAgingAsJson_ThenAmountsAreStringsWithCurrencyDigits) {
  const CliRun run =
      huikuan({"report", "aging", "--db", db(), "--as-of", "2026-06-30", "--format", "json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;

  const auto json = nlohmann::json::parse(run.out);  // throws (fails the test) if not JSON
  EXPECT_EQ(json["as_of"], "2026-06-30");
  EXPECT_EQ(json["buckets"],
            (nlohmann::json{"not_due", "1-30", "31-60", "61-90", "91-180", "181-365", "over_365"}));
  ASSERT_TRUE(json["currencies"].is_array());
  ASSERT_FALSE(json["currencies"].empty());
  for (const auto& section : json["currencies"]) {
    const std::string code = section["currency"];
    SCOPED_TRACE(code);
    auto currency = Currency::find(code);
    ASSERT_TRUE(currency);
    const int digits = currency->minor_digits;
    const std::regex amount(digits == 0 ? std::string("-?[0-9]+")
                                        : fmt::format("-?[0-9]+\\.[0-9]{{{}}}", digits));
    const auto& totals = section["totals"];
    for (const char* key : {"not_due", "1-30", "31-60", "61-90", "91-180", "181-365", "over_365",
                            "open", "unapplied", "net"}) {
      ASSERT_TRUE(totals[key].is_string()) << key;
      const std::string text = totals[key];
      EXPECT_TRUE(std::regex_match(text, amount)) << key << " = " << text;
    }
    // The totals add up the customer rows.
    int64_t open = 0;
    for (const auto& row : section["rows"]) {
      open += *parse_minor_units(row["open"].get<std::string>(), digits);
    }
    EXPECT_EQ(format_minor_units(open, digits), totals["open"]);
  }
  // Yen amounts are whole numbers: 123456 JPY, 91 days overdue.
  const auto jpy = std::find_if(json["currencies"].begin(), json["currencies"].end(),
                                [](const auto& section) { return section["currency"] == "JPY"; });
  ASSERT_NE(jpy, json["currencies"].end());
  const auto nippon = std::find_if((*jpy)["rows"].begin(), (*jpy)["rows"].end(),
                                   [](const auto& row) { return row["key"] == "JP001"; });
  ASSERT_NE(nippon, (*jpy)["rows"].end());
  EXPECT_EQ((*nippon)["91-180"], "123456");
  EXPECT_EQ((*nippon)["open"], "123456");
  EXPECT_EQ((*nippon)["name"], "Nippon, \"KK\"");
}

TEST_F(CliTest, GivenAnImportedLedger_WhenAgingAsCsv_ThenTheFirstRowIsTheHeader) {
  const CliRun run =
      huikuan({"report", "aging", "--db", db(), "--as-of", "2026-06-30", "--format", "csv"});
  ASSERT_EQ(run.exit_code, 0) << run.err;

  const auto lines = lines_of(run.out);
  ASSERT_GT(lines.size(), 2u);
  EXPECT_THAT(lines[0], HasSubstr("customer,name,not_due,1-30,31-60,61-90,91-180,181-365,"
                                  "over_365,open,unapplied,net"));
  EXPECT_THAT(lines[1], ::testing::Not(HasSubstr("not_due")));

  // Every record has the header's columns; a name with a comma and quotes survives quoting.
  CsvReader reader(run.out);
  std::vector<std::string_view> fields;
  ASSERT_TRUE(reader.next(fields).value());
  const size_t columns = fields.size();
  bool saw_nippon = false;
  while (true) {
    auto more = reader.next(fields);
    ASSERT_TRUE(more) << more.error().message;
    if (!*more) break;
    EXPECT_EQ(fields.size(), columns) << "line " << reader.line();
    if (fields.size() > 3 && fields[1] == "JP001") {
      saw_nippon = true;
      EXPECT_EQ(fields[0], "JPY");
      EXPECT_EQ(fields[2], "Nippon, \"KK\"");
    }
  }
  EXPECT_TRUE(saw_nippon);
}

TEST_F(CliTest, GivenAnImportedLedger_WhenAgingAsXlsx_ThenAZipWorkbookIsWritten) {
  TempDir dir;
  const fs::path out = dir / "aging.xlsx";
  const CliRun run = huikuan({"report", "aging", "--db", db(), "--as-of", "2026-06-30", "--format",
                              "xlsx", "--out", out.string()});
  ASSERT_EQ(run.exit_code, 0) << run.err;

  const std::string bytes = read_file(out);
  ASSERT_GT(bytes.size(), 4u);
  EXPECT_EQ(bytes.substr(0, 4), std::string("PK\x03\x04", 4));
}

TEST_F(CliTest, GivenXlsxWithoutOut_WhenAgingIsRequested_ThenExitTwoNamingOut) {
  const CliRun run =
      huikuan({"report", "aging", "--db", db(), "--as-of", "2026-06-30", "--format", "xlsx"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("--out"));
}

TEST_F(CliTest, GivenAnImportedLedger_WhenKpisAsJson_ThenEveryCurrencyHasTheFiveRatios) {
  const CliRun run = huikuan({"report", "kpi", "--db", db(), "--from", "2026-01-01", "--to",
                              "2026-06-30", "--format", "json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;

  const auto json = nlohmann::json::parse(run.out);
  EXPECT_EQ(json["from"], "2026-01-01");
  EXPECT_EQ(json["to"], "2026-06-30");
  ASSERT_FALSE(json["currencies"].empty());
  for (const auto& row : json["currencies"]) {
    for (const char* key : {"dso", "bpdso", "add", "cei", "overdue_rate"}) {
      ASSERT_TRUE(row.contains(key)) << key;
      EXPECT_TRUE(row[key].is_number() || row[key].is_null()) << key;
    }
  }
}

// Credit sales per currency of a KPI JSON report's rows, summed over any grouping.
std::map<std::string, int64_t> credit_sales_by_currency(const nlohmann::json& report) {
  std::map<std::string, int64_t> sums;
  for (const auto& row : report["currencies"]) {
    const std::string code = row["currency"];
    sums[code] += *parse_minor_units(row["credit_sales"].get<std::string>(),
                                     Currency::find(code)->minor_digits);
  }
  return sums;
}

TEST_F(CliTest, GivenTheShippedPolicy_WhenKpisByVariant_ThenOneRowPerVariantAndCurrency) {
  const std::vector<std::string> kpi{"report",     "kpi",  "--db",       db(),       "--from",
                                     "2026-01-01", "--to", "2026-06-30", "--format", "json"};
  std::vector<std::string> by_variant = kpi;
  by_variant.insert(by_variant.end(), {"--by", "variant"});
  const CliRun run = huikuan(by_variant);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const CliRun plain = huikuan(kpi);
  ASSERT_EQ(plain.exit_code, 0) << plain.err;

  const auto json = nlohmann::json::parse(run.out);
  const auto total = nlohmann::json::parse(plain.out);
  ASSERT_FALSE(json["currencies"].empty());
  std::set<std::pair<std::string, std::string>> keys;
  for (const auto& row : json["currencies"]) {
    ASSERT_TRUE(row.contains("variant"));
    EXPECT_THAT(row["variant"].get<std::string>(), ::testing::AnyOf("champion", "fast_letters"));
    EXPECT_TRUE(keys.emplace(row["variant"], row["currency"]).second) << row.dump();
    for (const char* key : {"dso", "bpdso", "add", "cei", "overdue_rate"}) {
      EXPECT_TRUE(row[key].is_number() || row[key].is_null()) << key;
    }
  }
  EXPECT_EQ(json["currencies"][0]["variant"], "champion");  // the policy's order
  // The variants split the ledger: together they are the whole report; without --by the rows
  // carry no variant.
  EXPECT_EQ(credit_sales_by_currency(json), credit_sales_by_currency(total));
  for (const auto& row : total["currencies"]) EXPECT_FALSE(row.contains("variant"));

  std::vector<std::string> as_csv = by_variant;
  as_csv[as_csv.size() - 3] = "csv";  // --format json -> csv
  const CliRun csv = huikuan(as_csv);
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_THAT(lines_of(csv.out).at(0),
              StartsWith("section,variant,currency,dso,bpdso,add,cei,"));  // section: period
}

TEST_F(CliTest, GivenAPolicyFile_WhenKpisByVariant_ThenItsVariantsAreUsed) {
  TempDir dir;
  std::string policy = read_file(fs::path(HUIKUAN_SOURCE_DIR) / "config" / "policy.toml");
  const std::string variant = "name = \"fast_letters\"\npercent = 10\n";
  const size_t at = policy.find(variant);
  ASSERT_NE(at, std::string::npos);
  policy.replace(at, variant.size(), "name = \"everyone\"\npercent = 100\n");
  write_file(dir / "policy.toml", policy);

  const CliRun run =
      huikuan({"report", "kpi", "--db", db(), "--from", "2026-01-01", "--to", "2026-06-30",
               "--format", "json", "--by", "variant", "--policy", (dir / "policy.toml").string()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto json = nlohmann::json::parse(run.out);
  ASSERT_FALSE(json["currencies"].empty());
  for (const auto& row : json["currencies"]) EXPECT_EQ(row["variant"], "everyone");
}

// A policy replaced through the API (PUT /api/v1/policy) is the one the CLI runs by default too,
// so `huikuan run` on the server's database plans what the server would.
TEST(CliPolicyTest, GivenAPolicyStoredInTheDatabase_WhenNoFileIsNamed_ThenTheCommandsUseIt) {
  TempDir dir;
  const std::string ledger = (dir / "ledger").string();
  const std::string db = huikuan::testing::test_db(dir, "huikuan.db");
  ASSERT_EQ(huikuan({"gen", "--customers", "100", "--seed", "7", "--out", ledger}).exit_code, 0);
  ASSERT_EQ(huikuan({"import", "--db", db, ledger}).exit_code, 0);
  const std::vector<std::string> kpi = {"report",   "kpi",        "--db", db,
                                        "--from",   "2026-01-01", "--to", "2026-06-30",
                                        "--format", "json",       "--by", "variant"};
  auto variants = [&](std::vector<std::string> args) {
    const CliRun run = huikuan(args);
    EXPECT_EQ(run.exit_code, 0) << run.err;
    std::set<std::string> seen;
    const auto report = nlohmann::json::parse(run.out);
    for (const auto& row : report["currencies"]) {
      seen.insert(row["variant"].get<std::string>());
    }
    return seen;
  };
  EXPECT_TRUE(variants(kpi).contains("fast_letters"));  // the shipped policy's challenger

  std::string policy = read_file(fs::path(HUIKUAN_SOURCE_DIR) / "config" / "policy.toml");
  const std::string variant = "name = \"fast_letters\"\npercent = 10\n";
  const size_t at = policy.find(variant);
  ASSERT_NE(at, std::string::npos);
  policy.replace(at, variant.size(), "name = \"everyone\"\npercent = 100\n");
  {
    auto store = Store::open(db);
    ASSERT_TRUE(store.has_value());
    const Actor admin{"admin", *Timestamp::parse("2026-06-30T09:00:00+08:00"), "admin"};
    ASSERT_TRUE(replace_policy(**store, policy, admin).has_value());
  }
  EXPECT_EQ(variants(kpi), std::set<std::string>{"everyone"});

  // A file named on the command line still wins.
  std::vector<std::string> shipped = kpi;
  shipped.insert(shipped.end(),
                 {"--policy", (fs::path(HUIKUAN_SOURCE_DIR) / "config" / "policy.toml").string()});
  EXPECT_TRUE(variants(shipped).contains("fast_letters"));
}

TEST_F(CliTest, GivenAnUnknownGrouping_WhenKpisAreRequested_ThenExitTwoNamingBy) {
  const CliRun run = huikuan({"report", "kpi", "--db", db(), "--from", "2026-01-01", "--to",
                              "2026-06-30", "--by", "region"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("--by"));
  EXPECT_THAT(run.err, HasSubstr("'region'"));
  EXPECT_TRUE(run.out.empty());
}

TEST_F(CliTest, GivenABrokenPolicyFile_WhenKpisByVariant_ThenExitTwoWithItsLine) {
  TempDir dir;
  write_file(dir / "policy.toml", "name = \"x\"\n");
  const CliRun run =
      huikuan({"report", "kpi", "--db", db(), "--from", "2026-01-01", "--to", "2026-06-30", "--by",
               "variant", "--policy", (dir / "policy.toml").string()});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("policy.toml:1: "));
}

TEST_F(CliTest, GivenAnImpossibleAsOfDate_WhenAgingIsRequested_ThenExitTwoNamingTheOption) {
  const CliRun run = huikuan({"report", "aging", "--db", db(), "--as-of", "2026-02-30"});

  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("--as-of"));
  EXPECT_THAT(run.err, HasSubstr("2026-02-30"));
  EXPECT_TRUE(run.out.empty());
}

}  // namespace
}  // namespace huikuan

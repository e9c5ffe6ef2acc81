#include "service/report_output.h"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/money.h"

namespace huikuan {
namespace {

using nlohmann::ordered_json;

ordered_json aging_values(const AgingReport& report, const AgingRow& row, int digits) {
  ordered_json values = ordered_json::object();
  for (size_t b = 0; b < report.bucket_labels.size(); ++b) {
    values[report.bucket_labels[b]] = format_minor_units(row.buckets[b], digits);
  }
  values["open"] = format_minor_units(row.open, digits);
  values["unapplied"] = format_minor_units(row.unapplied, digits);
  values["net"] = format_minor_units(row.net, digits);
  return values;
}

ordered_json rounded(const std::optional<double>& value) {
  if (!value) return nullptr;
  return std::round(*value * 100.0) / 100.0;
}

std::vector<Cell> aging_cells(const AgingRow& row, bool with_label, int digits) {
  std::vector<Cell> cells{row.key};
  if (with_label) cells.emplace_back(row.label);
  for (int64_t amount : row.buckets) cells.emplace_back(AmountCell{amount, digits});
  for (int64_t amount : {row.open, row.unapplied, row.net})
    cells.emplace_back(AmountCell{amount, digits});
  return cells;
}

}  // namespace

Result<ReportFormat> parse_report_format(const std::string& text) {
  if (text == "table") return ReportFormat::kTable;
  if (text == "csv") return ReportFormat::kCsv;
  if (text == "json") return ReportFormat::kJson;
  if (text == "xlsx") return ReportFormat::kXlsx;
  return fail(fmt::format("'{}' is not one of table, csv, json, xlsx", text), "--format");
}

std::string aging_json(const AgingReport& report) {
  ordered_json json;
  json["as_of"] = report.as_of.to_string();
  json["group_by"] = aging_group_name(report.group);
  json["buckets"] = report.bucket_labels;
  json["currencies"] = ordered_json::array();
  for (const auto& section : report.sections) {
    const int digits = section.currency.minor_digits;
    ordered_json rows = ordered_json::array();
    for (const auto& row : section.rows) {
      ordered_json entry{{"key", row.key}};
      if (!row.label.empty()) entry["name"] = row.label;
      entry.update(aging_values(report, row, digits));
      rows.push_back(std::move(entry));
    }
    json["currencies"].push_back({{"currency", section.currency.code_view()},
                                  {"totals", aging_values(report, section.totals, digits)},
                                  {"rows", std::move(rows)}});
  }
  return json.dump(2);
}

std::string kpi_json(const KpiReport& report) {
  ordered_json json;
  json["from"] = report.from.to_string();
  json["to"] = report.to.to_string();
  json["currencies"] = ordered_json::array();
  for (const auto& row : report.currencies) {
    const int digits = row.currency.minor_digits;
    ordered_json entry = ordered_json::object();
    if (!report.group_by.empty()) entry[report.group_by] = row.group;
    entry.update(ordered_json{{"currency", row.currency.code_view()},
                              {"dso", rounded(row.dso)},
                              {"bpdso", rounded(row.bpdso)},
                              {"add", rounded(row.add)},
                              {"cei", rounded(row.cei)},
                              {"overdue_rate", rounded(row.overdue_rate)},
                              {"credit_sales", format_minor_units(row.credit_sales, digits)},
                              {"ar", format_minor_units(row.ar, digits)},
                              {"current_ar", format_minor_units(row.current_ar, digits)},
                              {"beginning_ar", format_minor_units(row.beginning_ar, digits)}});
    json["currencies"].push_back(std::move(entry));
  }
  return json.dump(2);
}

std::vector<Table> aging_tables(const AgingReport& report) {
  const bool per_customer = report.group == AgingGroup::kCustomer;
  std::vector<Table> tables;
  for (const auto& section : report.sections) {
    Table table;
    table.title = std::string(section.currency.code_view());
    table.columns.push_back(aging_group_name(report.group));
    if (per_customer) table.columns.push_back("name");
    table.columns.insert(table.columns.end(), report.bucket_labels.begin(),
                         report.bucket_labels.end());
    for (const char* column : {"open", "unapplied", "net"}) table.columns.push_back(column);
    const int digits = section.currency.minor_digits;
    for (const auto& row : section.rows)
      table.rows.push_back(aging_cells(row, per_customer, digits));
    table.totals = aging_cells(section.totals, per_customer, digits);
    tables.push_back(std::move(table));
  }
  return tables;
}

std::vector<Table> kpi_tables(const KpiReport& report) {
  Table table;
  table.title = fmt::format("{} .. {}", report.from.to_string(), report.to.to_string());
  table.columns = {"currency",     "dso",          "bpdso", "add",        "cei",
                   "overdue_rate", "credit_sales", "ar",    "current_ar", "beginning_ar"};
  const bool grouped = !report.group_by.empty();
  if (grouped) table.columns.insert(table.columns.begin(), report.group_by);
  for (const auto& row : report.currencies) {
    const int digits = row.currency.minor_digits;
    std::vector<Cell> cells{std::string(row.currency.code_view()),
                            NumberCell{row.dso},
                            NumberCell{row.bpdso},
                            NumberCell{row.add},
                            NumberCell{row.cei},
                            NumberCell{row.overdue_rate},
                            AmountCell{row.credit_sales, digits},
                            AmountCell{row.ar, digits},
                            AmountCell{row.current_ar, digits},
                            AmountCell{row.beginning_ar, digits}};
    if (grouped) cells.insert(cells.begin(), row.group);
    table.rows.push_back(std::move(cells));
  }
  return {table};
}

namespace {

// Only the representation the format needs is built: a million-row report is large.
template <class Report>
Result<void> write_any(const Report& report, ReportFormat format, const std::string& out_path,
                       std::ostream& out, std::vector<Table> (*tables)(const Report&),
                       std::string (*json)(const Report&)) {
  if (format == ReportFormat::kXlsx) {
    if (out_path.empty()) return fail("xlsx output needs a file", "--out");
    return write_xlsx(out_path, tables(report));
  }
  std::ofstream file;
  if (!out_path.empty()) {
    file.open(out_path, std::ios::binary);
    if (!file) return fail(fmt::format("cannot write '{}'", out_path), "--out");
  }
  std::ostream& target = out_path.empty() ? out : file;
  switch (format) {
    case ReportFormat::kTable:
      write_text(target, tables(report));
      break;
    case ReportFormat::kCsv:
      write_csv(target, tables(report));
      break;
    default:
      target << json(report) << '\n';
      break;
  }
  target.flush();
  if (!target)
    return fail(fmt::format("cannot write '{}'", out_path.empty() ? "-" : out_path), "--out");
  return {};
}

}  // namespace

Result<void> write_report(const AgingReport& report, ReportFormat format,
                          const std::string& out_path, std::ostream& out) {
  return write_any(report, format, out_path, out, aging_tables, aging_json);
}

Result<void> write_report(const KpiReport& report, ReportFormat format, const std::string& out_path,
                          std::ostream& out) {
  return write_any(report, format, out_path, out, kpi_tables, kpi_json);
}

}  // namespace huikuan

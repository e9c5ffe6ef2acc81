#pragma once
// Aging and KPI reports in the formats users ask for: terminal table, CSV, JSON, xlsx.

#include <ostream>
#include <string>

#include "engine/aging.h"
#include "engine/kpi.h"
#include "io/table.h"

namespace huikuan {

enum class ReportFormat { kTable, kCsv, kJson, kXlsx };
Result<ReportFormat> parse_report_format(const std::string& text);

//! The JSON contract: {"as_of", "group_by", "buckets", "currencies": [{"currency", "totals",
//! "rows"}]} with amounts as strings carrying exactly the currency's minor digits.
std::string aging_json(const AgingReport& report);
//! {"from", "to", "currencies": [{"currency", "dso", …}]}: ratios rounded to 2 decimals or
//! null where the denominator is zero; amounts as strings. A grouped report's rows start with
//! the group, keyed by the grouping: {"variant": "champion", "currency": …}.
std::string kpi_json(const KpiReport& report);

std::vector<Table> aging_tables(const AgingReport& report);
//! One table; a grouped report has the group as its first column.
std::vector<Table> kpi_tables(const KpiReport& report);

//! Writes the report in `format` to `out_path`, or to `out` when the path is empty.
//! xlsx needs a path.
Result<void> write_report(const AgingReport& report, ReportFormat format,
                          const std::string& out_path, std::ostream& out);
Result<void> write_report(const KpiReport& report, ReportFormat format, const std::string& out_path,
                          std::ostream& out);

}  // namespace huikuan

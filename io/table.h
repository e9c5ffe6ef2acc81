#pragma once
// Report tables and the formats they are written in: an aligned terminal table (CJK-aware),
// CSV (RFC 4180) and Excel (xlsx). Reports (aging, KPIs…) map themselves onto Tables.

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <variant>
#include <vector>

#include "core/error.h"

namespace huikuan {

//! An exact amount in minor units with its currency's minor digits.
struct AmountCell {
  int64_t minor = 0;
  int minor_digits = 2;
};

//! A ratio or count shown with `decimals` decimals; empty optional shows as blank / null.
struct NumberCell {
  std::optional<double> value;
  int decimals = 2;
};

using Cell = std::variant<std::string, AmountCell, NumberCell>;

struct Table {
  std::string title;                        //!< e.g. "CNY" for one currency section
  std::vector<std::string> columns;         //!< header names
  std::vector<std::vector<Cell>> rows;      //!< each as long as `columns`
  std::optional<std::vector<Cell>> totals;  //!< shown last, emphasised
};

//! Aligned columns for a terminal: text left, numbers right; East Asian wide characters
//! count two columns. Tables are separated by a blank line and titled.
void write_text(std::ostream& out, const std::vector<Table>& tables);

//! CSV with a header row; when there are several tables a leading column holds the title.
//! Totals rows are included with the key cell "TOTAL".
void write_csv(std::ostream& out, const std::vector<Table>& tables);

//! One worksheet per table (named by title), bold header, number formats with the currency's
//! decimals, frozen header, a bold totals row.
Result<void> write_xlsx(const std::string& path, const std::vector<Table>& tables);

//! A JSON array of row objects keyed by column name (tables concatenated): amounts as strings
//! with their currency's digits, numbers as numbers or null. Totals rows are left out.
void write_json(std::ostream& out, const std::vector<Table>& tables);

//! Terminal display width of UTF-8 text (wide and full-width characters count 2).
size_t display_width(std::string_view utf8);

}  // namespace huikuan

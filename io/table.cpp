#include "io/table.h"

#include <fmt/format.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string_view>
#include <tuple>

#include "core/money.h"

namespace huikuan {
namespace {

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;  // clang before 17 lacks aggregate deduction

constexpr std::string_view kColumnGap = "  ";
// Excel's sheet-name limit, counted in UTF-16 units.
constexpr size_t kMaxSheetNameUnits = 31;
constexpr double kMaxColumnWidth = 60;

// Calls `visit(code_point, bytes)` for each code point; ill-formed bytes come as a negative
// code point so callers can decide how to show them.
template <class F>
void for_each_code_point(std::string_view utf8, F visit) {
  size_t i = 0;
  while (i < utf8.size()) {
    const size_t start = i;
    UChar32 c = 0;
    U8_NEXT(utf8.data(), i, utf8.size(), c);
    visit(c, utf8.substr(start, i - start));
  }
}

// The usual wcwidth() convention: marks and invisible format characters take no column.
bool is_zero_width(UChar32 c) {
  switch (u_charType(c)) {
    case U_NON_SPACING_MARK:
    case U_ENCLOSING_MARK:
      return true;
    case U_FORMAT_CHAR:
      return c != 0x00AD;  // terminals draw a soft hyphen as "-"
    default:
      break;
  }
  // Conjoining Hangul vowels and finals (decomposed Korean, as macOS produces) merge into the
  // preceding wide leading consonant.
  const int hangul = u_getIntPropertyValue(c, UCHAR_HANGUL_SYLLABLE_TYPE);
  return hangul == U_HST_VOWEL_JAMO || hangul == U_HST_TRAILING_JAMO;
}

size_t code_point_width(UChar32 c) {
  if (c < 0) return 1;  // ill-formed bytes show as one replacement character
  if (is_zero_width(c)) return 0;
  const int east_asian = u_getIntPropertyValue(c, UCHAR_EAST_ASIAN_WIDTH);
  return east_asian == U_EA_WIDE || east_asian == U_EA_FULLWIDTH ? 2 : 1;
}

// "1234567.50" -> "1,234,567.50"; the sign stays in front of the first group.
std::string group_thousands(std::string plain) {
  const size_t first_digit = plain.starts_with('-') ? 1 : 0;
  size_t group_end = std::min(plain.find('.'), plain.size());
  while (group_end > first_digit + 3) {
    group_end -= 3;
    plain.insert(group_end, ",");
  }
  return plain;
}

std::string format_number(const NumberCell& cell) {
  if (!cell.value) return {};
  return fmt::format("{:.{}f}", *cell.value, std::max(cell.decimals, 0));
}

size_t column_count(const Table& table) {
  size_t count = table.columns.size();
  for (const auto& row : table.rows) count = std::max(count, row.size());
  if (table.totals) count = std::max(count, table.totals->size());
  return count;
}

// Short rows read as blank cells rather than failing a whole report.
const Cell& cell_at(const std::vector<Cell>& row, size_t column) {
  static const Cell kBlank = std::string();
  return column < row.size() ? row[column] : kBlank;
}

bool is_numeric(const Cell& cell) {
  return !std::holds_alternative<std::string>(cell);
}

// A column is numeric (right-aligned, header included) when any of its values is.
std::vector<bool> numeric_columns(const Table& table, size_t count) {
  std::vector<bool> numeric(count, false);
  auto mark = [&](const std::vector<Cell>& row) {
    for (size_t c = 0; c < row.size(); ++c) numeric[c] = numeric[c] || is_numeric(row[c]);
  };
  for (const auto& row : table.rows) mark(row);
  if (table.totals) mark(*table.totals);
  return numeric;
}

// How a cell reads on screen; also sizes xlsx columns.
std::string display_text(const Cell& cell) {
  return std::visit(
      Overloaded{[](const std::string& text) { return text; },
                 [](const AmountCell& a) {
                   return group_thousands(format_minor_units(a.minor, a.minor_digits));
                 },
                 [](const NumberCell& n) { return format_number(n); }},
      cell);
}

// ---- text ----

// A newline in a customer name would break the layout and an escape sequence would drive the
// terminal, so control characters print as spaces.
std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for_each_code_point(text, [&](UChar32 c, std::string_view bytes) {
    if (c >= 0 && u_charType(c) == U_CONTROL_CHAR) {
      out += ' ';
    } else {
      out += bytes;
    }
  });
  return out;
}

struct TextCell {
  std::string text;
  bool right = false;
};

std::vector<TextCell> text_row(const std::vector<Cell>& row, size_t count) {
  std::vector<TextCell> out;
  for (size_t c = 0; c < count; ++c) {
    const Cell& cell = cell_at(row, c);
    out.push_back({printable(display_text(cell)), is_numeric(cell)});
  }
  return out;
}

void write_text_line(std::ostream& out, const std::vector<TextCell>& cells,
                     const std::vector<size_t>& widths) {
  std::string line;
  for (size_t c = 0; c < cells.size(); ++c) {
    if (c > 0) line += kColumnGap;
    const std::string padding(widths[c] - display_width(cells[c].text), ' ');
    line += cells[c].right ? padding + cells[c].text : cells[c].text + padding;
  }
  line.erase(line.find_last_not_of(' ') + 1);  // no trailing blanks after left-aligned text
  out << line << '\n';
}

void write_separator(std::ostream& out, const std::vector<size_t>& widths) {
  std::string line;
  for (size_t c = 0; c < widths.size(); ++c) {
    if (c > 0) line += kColumnGap;
    line += std::string(widths[c], '-');
  }
  out << line << '\n';
}

void write_text_table(std::ostream& out, const Table& table) {
  const size_t count = column_count(table);
  const std::vector<bool> numeric = numeric_columns(table, count);
  std::vector<TextCell> header;
  for (size_t c = 0; c < count; ++c) {
    header.push_back({c < table.columns.size() ? printable(table.columns[c]) : "", numeric[c]});
  }
  std::vector<std::vector<TextCell>> body;
  for (const auto& row : table.rows) body.push_back(text_row(row, count));
  std::optional<std::vector<TextCell>> totals;
  if (table.totals) totals = text_row(*table.totals, count);

  std::vector<size_t> widths(count, 0);
  auto widen = [&](const std::vector<TextCell>& cells) {
    for (size_t c = 0; c < count; ++c) {
      widths[c] = std::max(widths[c], display_width(cells[c].text));
    }
  };
  widen(header);
  for (const auto& cells : body) widen(cells);
  if (totals) widen(*totals);

  if (!table.title.empty()) out << printable(table.title) << '\n';
  write_text_line(out, header, widths);
  write_separator(out, widths);
  for (const auto& cells : body) write_text_line(out, cells, widths);
  if (totals) {
    write_separator(out, widths);
    write_text_line(out, *totals, widths);
  }
}

// ---- CSV ----

// Appends `text` as one CSV field, quoted only when it must be (RFC 4180).
void append_csv_field(std::string& out, std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += text;
    return;
  }
  out += '"';
  for (const char ch : text) {
    if (ch == '"') out += '"';
    out += ch;
  }
  out += '"';
}

void append_csv_cell(std::string& out, const Cell& cell) {
  std::visit(
      Overloaded{[&](const std::string& text) { append_csv_field(out, text); },
                 [&](const AmountCell& a) { append_minor_units(out, a.minor, a.minor_digits); },
                 [&](const NumberCell& n) { out += format_number(n); }},
      cell);
}

// Appends one record: the section title when tables are told apart, then the cells, with
// `key` (if given) in place of the first cell.
void append_csv_record(std::string& out, const Table& table, const std::vector<Cell>& row,
                       size_t count, bool sectioned, const char* key = nullptr) {
  if (sectioned) {
    append_csv_field(out, table.title);
    out += ',';
  }
  for (size_t c = 0; c < count; ++c) {
    if (c > 0) out += ',';
    if (c == 0 && key) {
      out += key;
    } else {
      append_csv_cell(out, cell_at(row, c));
    }
  }
  out += '\n';
}

// ---- xlsx ----

// Excel reserves these characters for references.
bool is_forbidden_in_sheet_name(char ch) {
  return std::string_view("[]:*?/\\").find(ch) != std::string_view::npos;
}

// At most `max_units` UTF-16 units of `name`, cut between code points.
std::string truncate_utf16(std::string_view name, size_t max_units) {
  std::string out;
  size_t units = 0;
  for_each_code_point(name, [&](UChar32 c, std::string_view bytes) {
    units += U16_LENGTH(c);
    if (units <= max_units) out += bytes;
  });
  return out;
}

// Excel declares a file corrupt over invalid UTF-8, so ill-formed bytes become U+FFFD.
std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for_each_code_point(text, [&](UChar32 c, std::string_view bytes) {
    out += c < 0 ? std::string_view("\uFFFD") : bytes;
  });
  return out;
}

// The title with characters Excel rejects replaced, or "Sheet<n>" when there is none.
std::string sheet_base_name(std::string_view title, size_t index) {
  if (title.empty()) return fmt::format("Sheet{}", index + 1);
  std::string name = valid_utf8(title);
  std::replace_if(name.begin(), name.end(), is_forbidden_in_sheet_name, '_');
  if (name.starts_with('\'')) name.front() = '_';  // nor may a name start with an apostrophe
  return name;
}

// Excel compares sheet names ignoring case.
std::string fold_case(const std::string& name) {
  std::string folded;
  icu::UnicodeString::fromUTF8(name).foldCase().toUTF8String(folded);
  return folded;
}

// `base`, shortened to fit and suffixed " (2)", " (3)"… until no sheet in `taken` has it.
std::string unique_sheet_name(const std::string& base, std::set<std::string>& taken) {
  auto fit = [&](size_t units, std::string_view suffix) {
    std::string name = truncate_utf16(base, units);
    if (name.ends_with('\'')) name.back() = '_';  // nor may it end with an apostrophe
    return name + std::string(suffix);
  };
  std::string name = fit(kMaxSheetNameUnits, "");
  for (int n = 2; !taken.insert(fold_case(name)).second; ++n) {
    const std::string suffix = fmt::format(" ({})", n);
    name = fit(kMaxSheetNameUnits - suffix.size(), suffix);
  }
  return name;
}

std::string decimals_pattern(std::string_view integer_part, int decimals) {
  if (decimals <= 0) return std::string(integer_part);
  return fmt::format("{}.{}", integer_part, std::string(decimals, '0'));
}

// Formats are workbook-wide; each combination is created once and shared by all sheets.
class XlsxFormats {
 public:
  explicit XlsxFormats(lxw_workbook* book) : book_(book) {}

  lxw_format* text(bool bold) { return bold ? get("", true) : nullptr; }
  lxw_format* amount(int digits, bool bold) { return get(decimals_pattern("#,##0", digits), bold); }
  lxw_format* number(int decimals, bool bold) { return get(decimals_pattern("0", decimals), bold); }

 private:
  lxw_format* get(const std::string& pattern, bool bold) {
    lxw_format*& format = cache_[{pattern, bold}];
    if (!format) {
      format = workbook_add_format(book_);
      if (!pattern.empty()) format_set_num_format(format, pattern.c_str());
      if (bold) format_set_bold(format);
    }
    return format;
  }

  lxw_workbook* book_;
  std::map<std::tuple<std::string, bool>, lxw_format*> cache_;
};

// Exact for |minor| < 2^53: both operands are exact doubles and the quotient is correctly
// rounded, so Excel shows the same decimal.
double amount_value(const AmountCell& amount) {
  double scale = 1;
  for (int d = 0; d < amount.minor_digits; ++d) scale *= 10;
  return static_cast<double>(amount.minor) / scale;
}

lxw_error write_xlsx_cell(lxw_worksheet* sheet, lxw_row_t row, lxw_col_t col, const Cell& cell,
                          XlsxFormats& formats, bool bold) {
  return std::visit(Overloaded{[&](const std::string& text) {
                                 return worksheet_write_string(
                                     sheet, row, col, valid_utf8(text).c_str(), formats.text(bold));
                               },
                               [&](const AmountCell& a) {
                                 return worksheet_write_number(
                                     sheet, row, col, amount_value(a),
                                     formats.amount(a.minor_digits, bold));
                               },
                               [&](const NumberCell& n) {
                                 // Excel has no NaN or infinity; such ratios stay blank like
                                 // missing ones.
                                 if (!n.value || !std::isfinite(*n.value)) return LXW_NO_ERROR;
                                 return worksheet_write_number(sheet, row, col, *n.value,
                                                               formats.number(n.decimals, bold));
                               }},
                    cell);
}

// Writes every cell of `table` and sizes its columns; the first failure's error, if any.
lxw_error write_xlsx_sheet(lxw_worksheet* sheet, const Table& table, XlsxFormats& formats) {
  const size_t count = column_count(table);
  std::vector<size_t> widths(count, 0);
  lxw_error error = LXW_NO_ERROR;
  auto put = [&](lxw_row_t row, size_t c, const Cell& cell, bool bold) {
    widths[c] = std::max(widths[c], display_width(display_text(cell)));
    if (!error) error = write_xlsx_cell(sheet, row, static_cast<lxw_col_t>(c), cell, formats, bold);
  };
  for (size_t c = 0; c < count; ++c) {
    put(0, c, c < table.columns.size() ? table.columns[c] : "", true);
  }
  lxw_row_t row = 1;
  for (const auto& cells : table.rows) {
    for (size_t c = 0; c < count; ++c) put(row, c, cell_at(cells, c), false);
    ++row;
  }
  if (table.totals) {
    for (size_t c = 0; c < count; ++c) put(row, c, cell_at(*table.totals, c), true);
  }
  for (size_t c = 0; c < count && !error; ++c) {
    const double width = std::min(static_cast<double>(widths[c]) + 2, kMaxColumnWidth);
    error = worksheet_set_column(sheet, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), width,
                                 nullptr);
  }
  worksheet_freeze_panes(sheet, 1, 0);
  return error;
}

struct WorkbookFree {
  void operator()(lxw_workbook* book) const { lxw_workbook_free(book); }
};

}  // namespace

size_t display_width(std::string_view utf8) {
  size_t width = 0;
  for_each_code_point(utf8, [&](UChar32 c, std::string_view) { width += code_point_width(c); });
  return width;
}

void write_text(std::ostream& out, const std::vector<Table>& tables) {
  for (size_t i = 0; i < tables.size(); ++i) {
    if (i > 0) out << '\n';
    write_text_table(out, tables[i]);
  }
}

void write_csv(std::ostream& out, const std::vector<Table>& tables) {
  const bool sectioned = tables.size() > 1 || std::any_of(tables.begin(), tables.end(),
                                                          [](auto& t) { return !t.title.empty(); });
  // Records are built in one buffer and written in large blocks: reports run to a million rows.
  constexpr size_t kFlushAt = size_t{1} << 20;
  std::string buffer;
  buffer.reserve(kFlushAt + 4096);
  const std::vector<std::string>* header = nullptr;
  for (const Table& table : tables) {
    const size_t count = column_count(table);
    // Tables normally share columns and one header serves all; otherwise each gets its own.
    if (!header || *header != table.columns) {
      if (sectioned) buffer += "section,";
      for (size_t c = 0; c < count; ++c) {
        if (c > 0) buffer += ',';
        append_csv_field(buffer, c < table.columns.size() ? table.columns[c] : "");
      }
      buffer += '\n';
      header = &table.columns;
    }
    for (const auto& row : table.rows) {
      append_csv_record(buffer, table, row, count, sectioned);
      if (buffer.size() >= kFlushAt) {
        out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        buffer.clear();
      }
    }
    if (table.totals)
      append_csv_record(buffer, table, *table.totals, std::max<size_t>(count, 1), sectioned,
                        "TOTAL");
  }
  out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
}

void write_json(std::ostream& out, const std::vector<Table>& tables) {
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (const Table& table : tables) {
    for (const auto& row : table.rows) {
      nlohmann::ordered_json object = nlohmann::ordered_json::object();
      for (size_t c = 0; c < table.columns.size(); ++c) {
        std::visit(Overloaded{[&](const std::string& text) { object[table.columns[c]] = text; },
                              [&](const AmountCell& a) {
                                object[table.columns[c]] =
                                    format_minor_units(a.minor, a.minor_digits);
                              },
                              [&](const NumberCell& n) {
                                object[table.columns[c]] =
                                    n.value ? nlohmann::ordered_json(*n.value) : nullptr;
                              }},
                   cell_at(row, c));
      }
      rows.push_back(std::move(object));
    }
  }
  out << rows.dump(2) << '\n';
}

Result<void> write_xlsx(const std::string& path, const std::vector<Table>& tables) {
  std::unique_ptr<lxw_workbook, WorkbookFree> book(workbook_new(path.c_str()));
  if (!book) return fail(fmt::format("cannot create workbook {}", path));
  XlsxFormats formats(book.get());
  std::set<std::string> taken = {"history"};  // reserved by English Excel
  for (size_t i = 0; i < tables.size(); ++i) {
    const std::string name = unique_sheet_name(sheet_base_name(tables[i].title, i), taken);
    lxw_worksheet* sheet = workbook_add_worksheet(book.get(), name.c_str());
    if (!sheet) return fail(fmt::format("cannot add sheet '{}' to {}", name, path));
    if (const lxw_error error = write_xlsx_sheet(sheet, tables[i], formats)) {
      return fail(
          fmt::format("cannot write sheet '{}' of {}: {}", name, path, lxw_strerror(error)));
    }
  }
  // workbook_close frees the workbook whether or not it manages to write the file.
  if (const lxw_error error = workbook_close(book.release())) {
    return fail(fmt::format("cannot write {}: {}", path, lxw_strerror(error)));
  }
  return {};
}

}  // namespace huikuan

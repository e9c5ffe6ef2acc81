#include "core/currency.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <string>
#include <vector>

extern const unsigned char iso4217_csv[];
extern const std::size_t iso4217_csv_size;

namespace huikuan {
namespace {

// Splits one line of codes-all.csv, honouring quoted fields ("BOLIVIA, PLURINATIONAL STATE OF").
std::vector<std::string_view> split_csv_line(std::string_view line) {
  std::vector<std::string_view> fields;
  size_t i = 0;
  while (i <= line.size()) {
    if (i < line.size() && line[i] == '"') {
      const size_t close = line.find('"', i + 1);
      fields.push_back(line.substr(i + 1, close - i - 1));
      i = line.find(',', close);
      i = (i == std::string_view::npos) ? line.size() + 1 : i + 1;
    } else {
      size_t comma = line.find(',', i);
      if (comma == std::string_view::npos) comma = line.size();
      fields.push_back(line.substr(i, comma - i));
      i = comma + 1;
    }
  }
  return fields;
}

std::vector<Currency> load_table() {
  const std::string_view text(reinterpret_cast<const char*>(iso4217_csv), iso4217_csv_size);
  std::vector<Currency> table;
  size_t pos = text.find('\n') + 1;  // skip the header
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = end + 1;
    const auto f = split_csv_line(line);
    // Entity,Currency,AlphabeticCode,NumericCode,MinorUnit,WithdrawalDate
    if (f.size() < 6 || f[2].size() != 3 || !f[5].empty()) continue;
    Currency c;
    std::copy(f[2].begin(), f[2].end(), c.code.begin());
    unsigned digits = 0;
    if (std::from_chars(f[4].data(), f[4].data() + f[4].size(), digits).ec != std::errc{}) continue;
    if (digits > 4) continue;
    c.minor_digits = static_cast<uint8_t>(digits);
    std::from_chars(f[3].data(), f[3].data() + f[3].size(), c.numeric);
    table.push_back(c);
  }
  std::sort(table.begin(), table.end(), [](auto& a, auto& b) { return a.code < b.code; });
  table.erase(std::unique(table.begin(), table.end()), table.end());
  return table;
}

}  // namespace

std::span<const Currency> Currency::all() {
  static const std::vector<Currency> table = load_table();
  return table;
}

Result<Currency> Currency::find(std::string_view code) {
  const auto table = all();
  if (code.size() == 3) {
    auto it =
        std::lower_bound(table.begin(), table.end(), code,
                         [](const Currency& c, std::string_view k) { return c.code_view() < k; });
    if (it != table.end() && it->code_view() == code) return *it;
  }
  return fail(
      fmt::format("unknown currency '{}' (not a current ISO 4217 code with minor units)", code));
}

}  // namespace huikuan

#include "core/date.h"

#include <fmt/format.h>

namespace huikuan {

namespace chr = std::chrono;

Result<Date> Date::from_ymd(int year, unsigned month, unsigned day) {
  // chrono keeps month and day in one byte: reject out-of-range values before they wrap.
  const bool in_range = year >= 1 && year <= 9999 && month <= 12 && day <= 31;
  const chr::year_month_day ymd{chr::year{year}, chr::month{month}, chr::day{day}};
  if (!in_range || !ymd.ok()) {
    return fail(fmt::format("no such date {:04}-{:02}-{:02}", year, month, day));
  }
  return Date(static_cast<int32_t>(chr::sys_days{ymd}.time_since_epoch().count()));
}

Result<Date> Date::parse(std::string_view text) {
  auto bad = [&] { return fail(fmt::format("'{}' is not a date (expected YYYY-MM-DD)", text)); };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return bad();
  int parts[3] = {0, 0, 0};
  const size_t starts[3] = {0, 5, 8};
  const size_t lengths[3] = {4, 2, 2};
  for (int p = 0; p < 3; ++p) {
    for (size_t i = starts[p]; i < starts[p] + lengths[p]; ++i) {
      if (text[i] < '0' || text[i] > '9') return bad();
      parts[p] = parts[p] * 10 + (text[i] - '0');
    }
  }
  auto date = from_ymd(parts[0], static_cast<unsigned>(parts[1]), static_cast<unsigned>(parts[2]));
  if (!date) return fail(fmt::format("'{}' is not a date: {}", text, date.error().message));
  return date;
}

chr::year_month_day Date::ymd() const {
  return chr::year_month_day{chr::sys_days{chr::days{days_}}};
}

int Date::year() const {
  return static_cast<int>(ymd().year());
}

unsigned Date::iso_weekday() const {
  return chr::weekday{chr::sys_days{chr::days{days_}}}.iso_encoding();
}

std::array<char, 11> Date::iso() const {
  const auto d = ymd();
  const int year = static_cast<int>(d.year());
  const unsigned month = static_cast<unsigned>(d.month());
  const unsigned day = static_cast<unsigned>(d.day());
  std::array<char, 11> out{};
  // Years outside 0001-9999 cannot be parsed or constructed (from_ymd), so four digits suffice.
  out[0] = static_cast<char>('0' + year / 1000 % 10);
  out[1] = static_cast<char>('0' + year / 100 % 10);
  out[2] = static_cast<char>('0' + year / 10 % 10);
  out[3] = static_cast<char>('0' + year % 10);
  out[4] = '-';
  out[5] = static_cast<char>('0' + month / 10);
  out[6] = static_cast<char>('0' + month % 10);
  out[7] = '-';
  out[8] = static_cast<char>('0' + day / 10);
  out[9] = static_cast<char>('0' + day % 10);
  return out;
}

std::string Date::to_string() const {
  return std::string(iso().data(), 10);
}

}  // namespace huikuan

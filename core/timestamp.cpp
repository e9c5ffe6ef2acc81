#include "core/timestamp.h"

#include <fmt/format.h>

#include <chrono>
#include <ctime>

namespace huikuan {
namespace {

// Reads `count` digits at `pos`; -1 if any is not a digit.
int digits(std::string_view text, size_t pos, size_t count) {
  if (pos + count > text.size()) return -1;
  int value = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

int64_t floor_div(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

}  // namespace

Result<Timestamp> Timestamp::parse(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return fail(
        fmt::format("'{}' is not a time: {} (expected e.g. 2026-06-30T10:15:00+08:00)", text, why));
  };
  if (text.size() < 17 || text[10] != 'T') return bad("no date and time");
  auto date = Date::parse(text.substr(0, 10));
  if (!date) return bad("bad date");
  const int hour = digits(text, 11, 2);
  const int minute = digits(text, 14, 2);
  if (hour < 0 || minute < 0 || text[13] != ':' || hour > 23 || minute > 59) return bad("bad time");
  size_t pos = 16;
  int second = 0;
  if (pos < text.size() && text[pos] == ':') {
    second = digits(text, pos + 1, 2);
    if (second < 0 || second > 59) return bad("bad seconds");
    pos += 3;
  }
  int offset = 0;
  if (pos < text.size() && text[pos] == 'Z') {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const int oh = digits(text, pos + 1, 2);
    const int om = digits(text, pos + 4, 2);
    if (oh < 0 || om < 0 || text[pos + 3] != ':' || oh > 18 || om > 59) return bad("bad offset");
    offset = (oh * 60 + om) * (text[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return bad("a UTC offset (Z or +08:00) is required");
  }
  if (pos != text.size()) return bad("unexpected text at the end");
  const int64_t local = int64_t{date->days()} * 86400 + hour * 3600 + minute * 60 + second;
  return Timestamp{local - int64_t{offset} * 60, offset};
}

std::string Timestamp::to_string() const {
  const int64_t local = utc_seconds + int64_t{offset_minutes} * 60;
  const Date day(static_cast<int32_t>(floor_div(local, 86400)));
  const int64_t second_of_day = local - int64_t{day.days()} * 86400;
  const std::string clock =
      fmt::format("{}T{:02}:{:02}:{:02}", day.to_string(), second_of_day / 3600,
                  second_of_day / 60 % 60, second_of_day % 60);
  if (offset_minutes == 0) return clock + "Z";
  const int magnitude = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  return fmt::format("{}{}{:02}:{:02}", clock, offset_minutes < 0 ? '-' : '+', magnitude / 60,
                     magnitude % 60);
}

Date Timestamp::local_date() const {
  return Date(static_cast<int32_t>(floor_div(utc_seconds + int64_t{offset_minutes} * 60, 86400)));
}

Timestamp local_now() {
  const std::time_t seconds =
      std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm local{};
  localtime_r(&seconds, &local);
  return Timestamp::at(seconds, static_cast<int32_t>(local.tm_gmtoff / 60));
}

}  // namespace huikuan

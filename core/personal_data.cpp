#include "core/personal_data.h"

namespace huikuan {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_ascii_alnum(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_email_local(char c) {
  return is_ascii_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

bool is_email_domain(char c) {
  return is_ascii_alnum(c) || c == '.' || c == '-';
}

// A domain "x.yz": a dot with at least two letters after the last one.
bool is_domain(std::string_view domain) {
  const size_t dot = domain.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || domain.size() - dot < 3) return false;
  for (char c : domain.substr(dot + 1)) {
    if (!is_ascii_alnum(c) || is_digit(c)) return false;
  }
  return true;
}

std::string mask_emails(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t copied = 0;
  for (size_t at = text.find('@'); at != std::string_view::npos; at = text.find('@', at + 1)) {
    size_t begin = at;
    while (begin > copied && is_email_local(text[begin - 1])) --begin;
    size_t end = at + 1;
    while (end < text.size() && is_email_domain(text[end])) ++end;
    std::string_view domain = text.substr(at + 1, end - at - 1);
    while (!domain.empty() && domain.back() == '.') domain.remove_suffix(1);  // end of sentence
    if (begin == at || !is_domain(domain)) continue;
    out.append(text.substr(copied, begin + 1 - copied));
    out.append("***");
    copied = at;
  }
  out.append(text.substr(copied));
  return out;
}

// "YYYY-MM-DD" (month and day of one or two digits) at `i`: its length, else 0.
size_t date_length(std::string_view text, size_t i) {
  size_t k = i;
  auto digits = [&](size_t min, size_t max) {
    size_t n = 0;
    while (k < text.size() && is_digit(text[k]) && n < max) ++k, ++n;
    return n >= min;
  };
  if (!digits(4, 4) || k >= text.size() || text[k++] != '-') return 0;
  if (!digits(1, 2) || k >= text.size() || text[k++] != '-') return 0;
  if (!digits(1, 2) || (k < text.size() && is_digit(text[k]))) return 0;
  return k - i;
}

// A phone number: 7 to 15 digits, optionally after '+', with single spaces or hyphens between
// digits; not part of a word, an identifier, a decimal amount, a time or a date.
std::string mask_phones(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const char before = i == 0 ? ' ' : text[i - 1];
    const bool starts =
        (is_digit(text[i]) || (text[i] == '+' && i + 1 < text.size() && is_digit(text[i + 1]))) &&
        !is_ascii_alnum(before) && before != '.' && before != ',' && before != '_' &&
        before != '-' && before != '/' && before != ':';
    if (!starts) {
      out.push_back(text[i++]);
      continue;
    }
    if (const size_t date = date_length(text, i)) {
      out.append(text.substr(i, date));
      i += date;
      continue;
    }
    size_t end = i + 1;
    size_t digits = is_digit(text[i]) ? 1 : 0;
    while (end < text.size()) {
      if (is_digit(text[end])) {
        ++digits;
        ++end;
      } else if ((text[end] == ' ' || text[end] == '-') && end + 1 < text.size() &&
                 is_digit(text[end + 1])) {
        ++end;
      } else {
        break;
      }
    }
    const char after = end < text.size() ? text[end] : ' ';
    const bool continues_number = (after == '.' || after == ',' || after == ':' || after == '/') &&
                                  end + 1 < text.size() && is_digit(text[end + 1]);
    if (digits < 7 || digits > 15 || continues_number || is_ascii_alnum(after) || after == '_') {
      out.append(text.substr(i, end - i));
      i = end;
      continue;
    }
    const size_t keep_first = digits >= 11 ? 3 : 0, keep_last = 4;
    size_t seen = 0;
    for (; i < end; ++i) {
      if (is_digit(text[i])) {
        ++seen;
        out.push_back(seen > keep_first && seen <= digits - keep_last ? '*' : text[i]);
      } else {
        out.push_back(text[i]);
      }
    }
  }
  return out;
}

}  // namespace

std::string mask_personal_data(std::string_view text) {
  return mask_phones(mask_emails(text));
}

}  // namespace huikuan

#include "io/csv_reader.h"

#include <fmt/format.h>

#include <utility>

namespace huikuan {

Result<bool> CsvReader::next(std::vector<std::string_view>& fields) {
  fields.clear();
  // Skip blank lines between records.
  while (pos_ < text_.size() && (text_[pos_] == '\n' || text_[pos_] == '\r')) {
    if (text_[pos_] == '\n') ++line_;
    ++pos_;
  }
  if (pos_ >= text_.size()) return false;
  record_line_ = line_;
  unquoted_.clear();
  // Quoted fields with doubled quotes are copied into unquoted_; views are made at the end
  // because appending may move that buffer.
  std::vector<std::pair<size_t, size_t>> copied;  // (field index, offset) pairs
  std::vector<size_t> copied_length;
  const size_t n = text_.size();
  while (true) {
    if (pos_ < n && text_[pos_] == '"') {
      const size_t quote_line = line_;
      ++pos_;
      size_t start = pos_;
      bool escaped = false;
      size_t offset = unquoted_.size();
      while (true) {
        if (pos_ >= n)
          return fail(fmt::format("unterminated quoted field starting on line {}", quote_line));
        const char ch = text_[pos_];
        if (ch == '"') {
          if (pos_ + 1 < n && text_[pos_ + 1] == '"') {
            unquoted_.append(text_.substr(start, pos_ + 1 - start));
            escaped = true;
            pos_ += 2;
            start = pos_;
            continue;
          }
          break;
        }
        if (ch == '\n') ++line_;
        ++pos_;
      }
      if (escaped) {
        unquoted_.append(text_.substr(start, pos_ - start));
        copied.emplace_back(fields.size(), offset);
        copied_length.push_back(unquoted_.size() - offset);
        fields.emplace_back();
      } else {
        fields.push_back(text_.substr(start, pos_ - start));
      }
      ++pos_;  // closing quote
      if (pos_ < n && text_[pos_] != ',' && text_[pos_] != '\n' && text_[pos_] != '\r') {
        return fail("text after the closing quote of a field");
      }
    } else {
      size_t end = pos_;
      while (end < n && text_[end] != ',' && text_[end] != '\n') ++end;
      size_t field_end = end;
      if (field_end > pos_ && text_[field_end - 1] == '\r' && (end == n || text_[end] == '\n')) {
        --field_end;
      }
      fields.push_back(text_.substr(pos_, field_end - pos_));
      pos_ = end;
    }
    if (pos_ < n && text_[pos_] == ',') {
      ++pos_;
      continue;
    }
    if (pos_ < n && text_[pos_] == '\r') ++pos_;
    if (pos_ < n && text_[pos_] == '\n') {
      ++pos_;
      ++line_;
    }
    break;
  }
  for (size_t k = 0; k < copied.size(); ++k) {
    fields[copied[k].first] =
        std::string_view(unquoted_).substr(copied[k].second, copied_length[k]);
  }
  return true;
}

}  // namespace huikuan

#pragma once
// RFC 4180 records from UTF-8 text in memory. Hand-written (see docs/design.md): the ledger
// files run to gigabytes and the reader hands out views into the buffer without copying.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace huikuan {

class CsvReader {
 public:
  //! Reads records from `text`, which must outlive the reader.
  explicit CsvReader(std::string_view text) : text_(text) {}

  //! Fills `fields` with the next record and returns true, or returns false at the end.
  //! Views stay valid until the next call. Blank lines are skipped. Fails on an unterminated
  //! quoted field or text after a closing quote, naming the line.
  Result<bool> next(std::vector<std::string_view>& fields);

  //! 1-based line on which the record last returned by next() starts.
  size_t line() const { return record_line_; }

 private:
  std::string_view text_;
  size_t pos_ = 0;
  size_t line_ = 1;
  size_t record_line_ = 0;
  std::string unquoted_;  // storage for quoted fields with doubled quotes
};

}  // namespace huikuan

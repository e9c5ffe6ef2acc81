#pragma once
// Expected failures as values: bad input, not found, not allowed (STYLE §4).

#include <string>
#include <tl/expected.hpp>
#include <utility>

namespace huikuan {

//! What went wrong and where; `where` is a location such as "invoices.csv:12" when known.
struct Error {
  std::string message;
  std::string field;
  std::string where;

  //! "where: field: message", omitting empty parts — the CLI's error line.
  std::string to_string() const {
    std::string out;
    if (!where.empty()) out += where + ": ";
    if (!field.empty()) out += field + ": ";
    return out + message;
  }
};

template <class T>
using Result = tl::expected<T, Error>;

//! Shorthand for returning an error from a function returning Result<T>.
inline tl::unexpected<Error> fail(std::string message, std::string field = {}) {
  return tl::unexpected<Error>(Error{std::move(message), std::move(field), {}});
}

}  // namespace huikuan

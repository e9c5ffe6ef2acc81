#pragma once
// ISO 4217 currencies in circulation, with their minor digits (0, 2, 3 or 4).

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "core/error.h"

namespace huikuan {

struct Currency {
  std::array<char, 3> code{};
  uint8_t minor_digits = 2;
  uint16_t numeric = 0;

  std::string_view code_view() const { return {code.data(), code.size()}; }
  bool operator==(const Currency& other) const { return code == other.code; }

  //! The current ISO 4217 currency with this alphabetic code ("CNY"); fails for unknown,
  //! withdrawn or unit-less codes (XAU) with a message naming the code.
  static Result<Currency> find(std::string_view code);
  //! Every current currency, sorted by code; built once from the shipped ISO 4217 table.
  static std::span<const Currency> all();
};

}  // namespace huikuan

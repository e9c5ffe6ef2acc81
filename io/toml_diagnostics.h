#pragma once
// Every problem found in one TOML file (a policy, a server config), each located "file:line",
// so a user sees all of them at once and in file order.

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"

namespace huikuan {

//! The line of a TOML node (1 when toml++ knows none).
inline uint32_t line_of(const toml::source_region& at) {
  return std::max<uint32_t>(at.begin.line, 1);
}

class TomlDiagnostics {
 public:
  explicit TomlDiagnostics(std::string source) : source_(std::move(source)) {}

  void add(const toml::source_region& at, std::string field, std::string reason) {
    errors_.push_back({line_of(at), Error{std::move(reason), std::move(field), location(at)}});
  }
  std::string location(const toml::source_region& at) const {
    return fmt::format("{}:{}", source_, line_of(at));
  }
  bool empty() const { return errors_.empty(); }

  //! The first error in file order, its message followed by every other error's full line
  //! (toml++ hands out keys sorted by name, not by line).
  Error combined() {
    std::stable_sort(errors_.begin(), errors_.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    Error first = errors_.front().second;
    for (size_t i = 1; i < errors_.size(); ++i) {
      first.message += "\n" + errors_[i].second.to_string();
    }
    return first;
  }

 private:
  std::string source_;
  std::vector<std::pair<uint32_t, Error>> errors_;  // with the line, to sort by it
};

}  // namespace huikuan

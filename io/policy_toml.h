#pragma once
// The collection policy as a TOML file (docs/policy.md), validated on load. Errors name
// "file:line" and the key; every problem in the file is reported, not only the first.

#include <string>
#include <string_view>

#include "core/error.h"
#include "ledger/policy.h"

namespace huikuan {

//! Parses and validates a policy; `source_name` prefixes every error's location. With several
//! problems, `where`/`field` are the first one's and the message lists the rest, one per line.
Result<Policy> parse_policy(std::string_view toml_text, const std::string& source_name);

//! Reads and parses the policy file at `path`.
Result<Policy> load_policy(const std::string& path);

//! The shipped config/policy.toml, compiled into the binary and parsed once.
const Policy& default_policy();
//! Its text.
std::string_view default_policy_text();

}  // namespace huikuan

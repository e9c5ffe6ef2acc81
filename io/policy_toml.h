#pragma once
// The collection policy as a TOML file (docs/policy.md), validated on load. Errors name
// "file:line" and the key; every problem in the file is reported, not only the first.

#include <span>
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

//! The name variants not drawn by the hash follow: the policy's own rules.
inline constexpr std::string_view kChampion = "champion";

//! Which variant (name) a customer belongs to: a stable hash (FNV-1a 64 of the external id, mod
//! 100) against the variants' cumulative percents; "champion" otherwise.
std::string policy_variant(const Policy& policy, std::string_view customer_id);

//! Follow-up and letter rules of one variant.
struct VariantRules {
  std::span<const FollowupRule> followup;
  std::span<const LetterRule> letters;
};

//! The follow-up and letter rules that apply to that variant (the champion's for "champion" or
//! a name the policy does not define). Views into `policy`.
VariantRules variant_rules(const Policy& policy, std::string_view variant);

}  // namespace huikuan

#pragma once
// Use cases of the collection policy the server runs (PUT /api/v1/policy): validate a
// replacement, store it as a new version (never overwriting one) and record who replaced what.

#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "ledger/policy.h"
#include "service/actor.h"
#include "store/store.h"

namespace huikuan {

//! A policy with the text it was read from.
struct PolicyInForce {
  Policy policy;
  std::string toml;
  std::string sha256;
  std::optional<int64_t> version;  //!< the stored version; none for the shipped default
};

//! The newest stored version, else the shipped default (config/policy.toml).
Result<PolicyInForce> policy_in_force(Store& store);

//! Parses `toml` as a policy file named `source_name`: every problem located as "name:line".
Result<PolicyInForce> validate_policy(std::string_view toml, const std::string& source_name);

//! Validates `toml` and stores it as the newest version in one transaction with its audit
//! record (the digests before → after); invalid text changes nothing.
Result<PolicyInForce> replace_policy(Store& store, std::string_view toml, const Actor& actor);

}  // namespace huikuan

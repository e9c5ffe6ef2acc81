#include "service/policy_versions.h"

#include <fmt/format.h>

#include "core/digest.h"
#include "io/policy_toml.h"

namespace huikuan {
namespace {

constexpr std::string_view kSourceName = "policy.toml";

}  // namespace

Result<PolicyInForce> validate_policy(std::string_view toml, const std::string& source_name) {
  auto policy = parse_policy(toml, source_name);
  if (!policy) return tl::unexpected(policy.error());
  return PolicyInForce{*std::move(policy), std::string(toml), sha256_hex(toml), std::nullopt};
}

Result<PolicyInForce> policy_in_force(Store& store) {
  const auto stored = store.latest_policy_version();
  if (!stored) {
    return PolicyInForce{default_policy(), std::string(default_policy_text()),
                         sha256_hex(default_policy_text()), std::nullopt};
  }
  auto policy = validate_policy(stored->toml, fmt::format("policy version {}", stored->id));
  if (!policy) return policy;
  policy->version = stored->id;
  return policy;
}

Result<PolicyInForce> replace_policy(Store& store, std::string_view toml, const Actor& actor) {
  auto replacement = validate_policy(toml, std::string(kSourceName));
  if (!replacement) return replacement;
  auto done = store.transaction([&]() -> Result<void> {
    auto before = policy_in_force(store);
    if (!before) return tl::unexpected(before.error());
    PolicyVersion version{0, replacement->toml, replacement->sha256, actor.now, actor.name};
    replacement->version = store.insert_policy_version(version);
    const ChangeRecord change =
        change_by(actor, "policy", replacement->policy.name, "sha256", before->sha256,
                  replacement->sha256, fmt::format("policy version {}", *replacement->version));
    store.insert_changes({&change, 1});
    return {};
  });
  if (!done) return tl::unexpected(done.error());
  return replacement;
}

}  // namespace huikuan

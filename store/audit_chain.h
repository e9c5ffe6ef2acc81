#pragma once
// The audit log's hash chain over ledger_changes, shared by every Store implementation (which
// writes it) and the audit service (which verifies it).
//
// hash(n) = hex SHA-256 of the netstrings ("<length>:<bytes>,") of, in this order: hash(n − 1)
// (kAuditGenesis for the first record), the record id in decimal, at, actor, role, entity, key,
// field, old_value, new_value, source, request_id. Length prefixes make the form unambiguous:
// no value can move bytes into its neighbour without changing the hash.

#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/types.h"

namespace huikuan {

//! The prev_hash of the first record.
inline constexpr std::string_view kAuditGenesis =
    "0000000000000000000000000000000000000000000000000000000000000000";

//! The hash of record `id` whose predecessor's hash is `prev_hash`.
std::string audit_hash(std::string_view prev_hash, int64_t id, const ChangeRecord& change);

}  // namespace huikuan

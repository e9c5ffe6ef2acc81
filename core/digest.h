#pragma once
// SHA-256 (libsodium) for what must be recognised again without being kept: the audit log's
// hash chain and the stored form of session and API tokens.

#include <string>
#include <string_view>

namespace huikuan {

//! SHA-256 of `data` as 64 lower-case hex digits.
std::string sha256_hex(std::string_view data);

}  // namespace huikuan

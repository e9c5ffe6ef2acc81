#include "core/digest.h"

#include <sodium.h>

#include <array>

namespace huikuan {

std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest;
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(data.data()),
                     data.size());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex(2 * digest.size(), '0');
  for (size_t k = 0; k < digest.size(); ++k) {
    hex[2 * k] = kHex[digest[k] >> 4];
    hex[2 * k + 1] = kHex[digest[k] & 0xf];
  }
  return hex;
}

}  // namespace huikuan

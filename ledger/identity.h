#pragma once
// Who may sign in (DOMAIN §1): users with a role, their sessions and API tokens. Plain data, no
// I/O. Secrets never appear here: passwords only as their Argon2id hash, session and API
// tokens only as the hex SHA-256 of the secret.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/timestamp.h"

namespace huikuan {

enum class Role : uint8_t {
  kCollector,       //!< 催收员: a personal worklist
  kSupervisor,      //!< 催收主管: a team, small extensions
  kLegal,           //!< 法务专员: lawyer letters, litigation
  kDirector,        //!< 催收总监: strategy, installment plans
  kGeneralManager,  //!< 总经理: approves above the director
  kFinance,         //!< 财务部: ledger, cash application, write-offs
  kSales,           //!< 业务部: relationship, joint collection
  kCredit,          //!< 风控部: ratings, limits
  kAuditor,         //!< 审计: read-only, with the audit log
  kAdmin,           //!< users and policy; no money decisions
};

inline constexpr std::array<Role, 10> kRoles{
    Role::kCollector, Role::kSupervisor, Role::kLegal,  Role::kDirector, Role::kGeneralManager,
    Role::kFinance,   Role::kSales,      Role::kCredit, Role::kAuditor,  Role::kAdmin};

inline constexpr std::string_view role_name(Role role) {
  switch (role) {
    case Role::kCollector:
      return "collector";
    case Role::kSupervisor:
      return "supervisor";
    case Role::kLegal:
      return "legal";
    case Role::kDirector:
      return "director";
    case Role::kGeneralManager:
      return "general_manager";
    case Role::kFinance:
      return "finance";
    case Role::kSales:
      return "sales";
    case Role::kCredit:
      return "credit";
    case Role::kAuditor:
      return "auditor";
    case Role::kAdmin:
      return "admin";
  }
  return "collector";
}

inline std::optional<Role> find_role(std::string_view name) {
  for (Role role : kRoles) {
    if (role_name(role) == name) return role;
  }
  return std::nullopt;
}

//! Roles that can hold cases in an assignment (the policy's authority levels, DOMAIN §7), and
//! so may carry a collector id.
inline constexpr bool holds_cases(Role role) {
  return role == Role::kCollector || role == Role::kSupervisor || role == Role::kDirector ||
         role == Role::kGeneralManager;
}

struct User {
  int64_t id = 0;
  std::string username;
  Role role = Role::kCollector;
  std::string collector_id;   //!< the id customers.collector names; "" when none
  std::string team;           //!< a supervisor sees the team's customers
  std::string password_hash;  //!< Argon2id, libsodium's crypto_pwhash_str encoding
  Timestamp created_at;
  bool disabled = false;
};

//! Failed sign-ins of a username: known or not, so an unknown name locks like a known one.
struct LoginThrottle {
  int32_t failed_logins = 0;  //!< since the last success or lockout
  std::optional<Timestamp> last_failed_at;
  std::optional<Timestamp> locked_until;
};

//! A signed-in browser: the cookie holds the secret token, the store only its hash.
struct Session {
  int64_t id = 0;
  std::string token_hash;  //!< hex SHA-256 of the token
  int64_t user_id = 0;
  std::string csrf_token;  //!< sent back as X-CSRF-Token on cookie-authenticated changes
  Timestamp created_at;
  Timestamp expires_at;  //!< absolute end, however active the session
  Timestamp last_seen;   //!< idle expiry counts from here
};

//! A credential for an integration, sent as "Authorization: Bearer hk_…".
struct ApiToken {
  int64_t id = 0;
  std::string name;
  int64_t user_id = 0;
  std::string token_hash;  //!< hex SHA-256 of the secret
  Timestamp created_at;
  std::optional<Timestamp> revoked_at;
};

}  // namespace huikuan

#pragma once
// Use cases of identity (issue 4): users with a role, sign-in to a session, API tokens. Every
// change is written to the audit log in its transaction; passwords and tokens never are.
//
// Passwords are hashed with Argon2id (libsodium, OPSLIMIT/MEMLIMIT_INTERACTIVE: 2 passes over
// 64 MiB, about 90 ms on this project's machine). Session and API tokens are 32 random bytes
// (base64url); the store keeps only their SHA-256.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "ledger/identity.h"
#include "service/actor.h"
#include "store/store.h"

namespace huikuan {

//! Session lifetime and the lockout of repeated failed sign-ins.
struct IdentityPolicy {
  int64_t session_idle_seconds = 12 * 3600;          //!< unused this long, a session ends
  int64_t session_absolute_seconds = 7 * 24 * 3600;  //!< and this long after sign-in in any case
  int64_t session_touch_seconds = 60;                //!< last_seen is written at most this often
  int32_t max_failed_logins = 5;      //!< this many failures in a row lock the username
  int64_t lockout_seconds = 15 * 60;  //!< for this long; failures further apart start afresh
};

inline constexpr size_t kMinPasswordLength = 12;  //!< characters (code points)

struct NewUser {
  std::string username;      //!< 3–64 of a-z 0-9 . _ -, starting with a letter or digit
  std::string role;          //!< a role_name()
  std::string collector_id;  //!< only for roles that hold cases (holds_cases)
  std::string team;
  std::string password;  //!< at least kMinPasswordLength characters
};

//! Creates a user; refuses a taken or malformed username, an unknown role, a collector id on a
//! role that holds no cases, a short password. Errors name the field ("username", "role", …).
Result<User> create_user(Store& store, const NewUser& request, const Actor& actor);

//! Who a request acts as, once its session or API token checks out.
struct Principal {
  User user;
  std::optional<Session> session;     //!< signed in with the session cookie
  std::optional<ApiToken> api_token;  //!< or with an API token
};

//! The actor of a change `principal` makes at `now` in request `request_id`.
Actor actor_of(const Principal& principal, const Timestamp& now, std::string request_id);

enum class LoginFailure : uint8_t {
  kInvalid,  //!< unknown username, wrong password or disabled user: HTTP 401
  kLocked,   //!< too many failures: HTTP 429 until retry_after
};

//! Why a sign-in failed. The message is the same for every reason, so it never tells whether
//! the user exists; only the server's status code shows a lock, and unknown names lock too.
struct LoginError {
  LoginFailure reason = LoginFailure::kInvalid;
  std::string message = "invalid username or password";
  std::optional<Timestamp> retry_after;  //!< kLocked: when the lock ends
};

//! A new session. `token` and `csrf_token` are given out once; the store has the token's hash.
struct SignIn {
  std::string token;       //!< for the session cookie
  std::string csrf_token;  //!< for X-CSRF-Token
  Session session;
  User user;
};

//! Checks the password (an unknown username costs the same Argon2id verification) and opens a
//! session. Failures count per username, known or not: from the second in a row the username
//! is held for 1, 2, 4… s (kLocked until then), and `max_failed_logins` in a row lock it for
//! `lockout_seconds`, during which even the right password answers kLocked. `request` gives
//! the time and request id; the change is recorded as the user.
tl::expected<SignIn, LoginError> login(Store& store, std::string_view username,
                                       std::string_view password, const Actor& request,
                                       const IdentityPolicy& policy = {});

//! The signed-in user of a session token, or nullopt when it is unknown, idle or past its end,
//! or the user is disabled. Writes last_seen at most every session_touch_seconds.
std::optional<Principal> authenticate_session(Store& store, std::string_view token,
                                              const Timestamp& now,
                                              const IdentityPolicy& policy = {});

//! Ends the session of `token`; nothing happens for an unknown token. Recorded as the user.
Result<void> logout(Store& store, std::string_view token, const Actor& request);

//! A new API token: the secret ("hk_" + base64url) is given out here only.
struct NewApiToken {
  ApiToken token;
  std::string secret;
};

//! Creates an API token named `name` acting as user `username`.
Result<NewApiToken> create_api_token(Store& store, std::string_view username, std::string_view name,
                                     const Actor& actor);

//! Revokes token `id`; a revoked token authenticates nothing.
Result<void> revoke_api_token(Store& store, int64_t id, const Actor& actor);

//! The user of an API token secret ("Authorization: Bearer hk_…"), or nullopt when it is
//! unknown or revoked or the user is disabled.
std::optional<Principal> authenticate_bearer(Store& store, std::string_view secret);

}  // namespace huikuan

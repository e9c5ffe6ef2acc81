#include "service/identity.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <stdexcept>
#include <vector>

#include "core/digest.h"

namespace huikuan {
namespace {

constexpr size_t kMaxPasswordBytes = 1024;  // Argon2id hashes any length; bound the work
constexpr size_t kMaxNameLength = 64;
constexpr std::string_view kApiTokenPrefix = "hk_";

void init_sodium() {
  static const int ready = sodium_init();
  if (ready < 0) throw std::runtime_error("libsodium cannot be initialised");
}

// 32 random bytes, base64url without padding (43 characters).
std::string random_token() {
  init_sodium();
  std::array<unsigned char, 32> bytes;
  randombytes_buf(bytes.data(), bytes.size());
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::array<char, sodium_base64_ENCODED_LEN(32, kVariant)> text;
  sodium_bin2base64(text.data(), text.size(), bytes.data(), bytes.size(), kVariant);
  return text.data();
}

std::string hash_password(std::string_view password) {
  init_sodium();
  std::array<char, crypto_pwhash_STRBYTES> hash;
  if (crypto_pwhash_str(hash.data(), password.data(), password.size(),
                        crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    throw std::runtime_error("out of memory hashing a password");
  }
  return hash.data();
}

bool verify_password(const std::string& hash, std::string_view password) {
  if (password.size() > kMaxPasswordBytes) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

// What an unknown username's password is checked against, so that it costs the same time.
const std::string& dummy_hash() {
  static const std::string hash = hash_password(random_token());
  return hash;
}

size_t code_points(std::string_view text) {
  size_t count = 0;
  for (char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return count;
}

bool has_control_character(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return true;
  }
  return false;
}

Result<void> check_username(std::string_view name) {
  auto allowed = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  };
  const bool ok = name.size() >= 3 && name.size() <= kMaxNameLength &&
                  std::all_of(name.begin(), name.end(), allowed) && name[0] != '.' &&
                  name[0] != '_' && name[0] != '-';
  if (ok) return {};
  return fail(fmt::format("'{}' is not a username: 3 to {} of a-z 0-9 . _ -, starting with a "
                          "letter or digit",
                          name, kMaxNameLength),
              "username");
}

Result<void> check_label(std::string_view value, const char* field) {
  if (value.size() > kMaxNameLength || has_control_character(value)) {
    return fail(fmt::format("at most {} characters, no control characters", kMaxNameLength), field);
  }
  return {};
}

std::string role_list() {
  std::vector<std::string_view> names;
  for (Role role : kRoles) names.push_back(role_name(role));
  return fmt::format("{}", fmt::join(names, ", "));
}

Actor as_user(const User& user, const Actor& request) {
  return {user.username, request.now, std::string(role_name(user.role)), request.request_id};
}

bool before(const Timestamp& now, const std::optional<Timestamp>& until) {
  return until && now < *until;
}

// The failures of `username` after one more at `now`. From the second failure in a row the
// username is held for a moment that doubles each time (1, 2, 4… s), which slows guessing
// without hindering a user who mistyped; at max_failed_logins it locks for lockout_seconds. A
// series restarts once failures are lockout_seconds apart or a full lock has run out.
LoginThrottle add_failure(LoginThrottle throttle, const Timestamp& now,
                          const IdentityPolicy& policy) {
  const bool stale =
      throttle.failed_logins >= policy.max_failed_logins ||
      (throttle.last_failed_at &&
       now.utc_seconds - throttle.last_failed_at->utc_seconds > policy.lockout_seconds);
  if (stale) throttle = {};
  ++throttle.failed_logins;
  throttle.last_failed_at = now;
  throttle.locked_until.reset();
  if (throttle.failed_logins >= policy.max_failed_logins) {
    throttle.locked_until = now.plus_seconds(policy.lockout_seconds);
  } else if (throttle.failed_logins >= 2) {
    throttle.locked_until =
        now.plus_seconds(int64_t{1} << std::min(throttle.failed_logins - 2, 10));
  }
  return throttle;
}

LoginError locked_until(const Timestamp& until) {
  LoginError error;
  error.reason = LoginFailure::kLocked;
  error.retry_after = until;
  return error;
}

// Counts a failed sign-in of `username` (`user` when it exists) in one transaction.
LoginError record_failure(Store& store, std::string_view username, const std::optional<User>& user,
                          const Actor& request, const IdentityPolicy& policy) {
  LoginError error;
  auto done = store.transaction([&]() -> Result<void> {
    const LoginThrottle before_failure = store.login_throttle(username);
    if (before(request.now, before_failure.locked_until)) {  // locked meanwhile
      error = locked_until(*before_failure.locked_until);
      return {};
    }
    const LoginThrottle after = add_failure(before_failure, request.now, policy);
    store.set_login_throttle(username, after, request.now);
    // A short hold answers this attempt as wrong and only the next ones as held; the lock
    // answers at once.
    if (after.failed_logins >= policy.max_failed_logins) error = locked_until(*after.locked_until);
    if (!user) return {};
    const Actor actor = as_user(*user, request);
    std::vector<ChangeRecord> changes{change_by(actor, "user", user->username, "failed_logins",
                                                std::to_string(before_failure.failed_logins),
                                                std::to_string(after.failed_logins), "login")};
    auto text = [](const std::optional<Timestamp>& t) { return t ? t->to_string() : ""; };
    if (text(after.locked_until) != text(before_failure.locked_until)) {
      changes.push_back(change_by(actor, "user", user->username, "locked_until",
                                  text(before_failure.locked_until), text(after.locked_until),
                                  "login"));
    }
    store.insert_changes(changes);
    return {};
  });
  if (!done) throw std::runtime_error("cannot record a failed sign-in: " + done.error().message);
  return error;
}

std::string token_hash(std::string_view token) {
  return sha256_hex(token);
}

}  // namespace

Result<User> create_user(Store& store, const NewUser& request, const Actor& actor) {
  if (auto ok = check_username(request.username); !ok) return tl::unexpected(ok.error());
  const auto role = find_role(request.role);
  if (!role) {
    return fail(fmt::format("'{}' is not one of {}", request.role, role_list()), "role");
  }
  if (!request.collector_id.empty() && !holds_cases(*role)) {
    return fail(fmt::format("the role {} holds no cases, so has no collector id", request.role),
                "collector_id");
  }
  if (auto ok = check_label(request.collector_id, "collector_id"); !ok) {
    return tl::unexpected(ok.error());
  }
  if (auto ok = check_label(request.team, "team"); !ok) return tl::unexpected(ok.error());
  if (code_points(request.password) < kMinPasswordLength) {
    return fail(fmt::format("at least {} characters", kMinPasswordLength), "password");
  }
  if (request.password.size() > kMaxPasswordBytes) {
    return fail(fmt::format("at most {} bytes", kMaxPasswordBytes), "password");
  }
  User user;
  user.username = request.username;
  user.role = *role;
  user.collector_id = request.collector_id;
  user.team = request.team;
  user.password_hash = hash_password(request.password);  // ~90 ms: before taking the lock
  user.created_at = actor.now;
  auto done = store.transaction([&]() -> Result<void> {
    if (store.find_user(user.username)) {
      return fail(fmt::format("'{}' is taken", user.username), "username");
    }
    user.id = store.insert_user(user);
    const ChangeRecord change =
        change_by(actor, "user", user.username, "user", "",
                  fmt::format("created: role {}{}{}", request.role,
                              user.collector_id.empty() ? "" : ", collector " + user.collector_id,
                              user.team.empty() ? "" : ", team " + user.team),
                  "identity");
    store.insert_changes({&change, 1});
    return {};
  });
  if (!done) return tl::unexpected(done.error());
  return user;
}

Actor actor_of(const Principal& principal, const Timestamp& now, std::string request_id) {
  return {principal.user.username, now, std::string(role_name(principal.user.role)),
          std::move(request_id)};
}

tl::expected<SignIn, LoginError> login(Store& store, std::string_view username,
                                       std::string_view password, const Actor& request,
                                       const IdentityPolicy& policy) {
  const LoginThrottle throttle = store.login_throttle(username);
  if (before(request.now, throttle.locked_until))
    return tl::unexpected(locked_until(*throttle.locked_until));
  const std::optional<User> user = store.find_user(username);
  // Outside any transaction: ~90 ms of Argon2id must not hold the write lock.
  const bool verified = verify_password(user ? user->password_hash : dummy_hash(), password);
  if (!user || !verified || user->disabled) {
    return tl::unexpected(record_failure(store, username, user, request, policy));
  }

  SignIn sign_in;
  sign_in.user = *user;
  sign_in.token = random_token();
  sign_in.csrf_token = random_token();
  Session& session = sign_in.session;
  session.token_hash = token_hash(sign_in.token);
  session.user_id = user->id;
  session.csrf_token = sign_in.csrf_token;
  session.created_at = request.now;
  session.expires_at = request.now.plus_seconds(policy.session_absolute_seconds);
  session.last_seen = request.now;
  std::optional<LoginError> refused;
  auto done = store.transaction([&]() -> Result<void> {
    const LoginThrottle current = store.login_throttle(username);
    if (before(request.now, current.locked_until)) {  // locked while the password was checked
      refused = locked_until(*current.locked_until);
      return {};
    }
    const Actor actor = as_user(*user, request);
    std::vector<ChangeRecord> changes;
    if (current.failed_logins > 0 || current.locked_until) {
      store.set_login_throttle(username, {}, request.now);
      changes.push_back(change_by(actor, "user", user->username, "failed_logins",
                                  std::to_string(current.failed_logins), "0", "login"));
    }
    store.delete_expired_sessions(request.now);
    session.id = store.insert_session(session);
    changes.push_back(change_by(
        actor, "user", user->username, "session", "",
        fmt::format("signed in: session {} until {}", session.id, session.expires_at.to_string()),
        "login"));
    store.insert_changes(changes);
    return {};
  });
  if (!done) throw std::runtime_error("cannot open a session: " + done.error().message);
  if (refused) return tl::unexpected(*refused);
  return sign_in;
}

std::optional<Principal> authenticate_session(Store& store, std::string_view token,
                                              const Timestamp& now, const IdentityPolicy& policy) {
  if (token.empty()) return std::nullopt;
  std::optional<Session> session = store.find_session(token_hash(token));
  if (!session || !(now < session->expires_at) ||
      now.utc_seconds - session->last_seen.utc_seconds >= policy.session_idle_seconds) {
    return std::nullopt;
  }
  std::optional<User> user = store.find_user_by_id(session->user_id);
  if (!user || user->disabled) return std::nullopt;
  if (now.utc_seconds - session->last_seen.utc_seconds >= policy.session_touch_seconds) {
    store.touch_session(session->id, now);
    session->last_seen = now;
  }
  return Principal{std::move(*user), std::move(session), std::nullopt};
}

Result<void> logout(Store& store, std::string_view token, const Actor& request) {
  if (token.empty()) return {};
  return store.transaction([&]() -> Result<void> {
    const std::optional<Session> session = store.find_session(token_hash(token));
    if (!session) return {};
    store.delete_session(session->id);
    const std::optional<User> user = store.find_user_by_id(session->user_id);
    if (!user) return {};
    const ChangeRecord change =
        change_by(as_user(*user, request), "user", user->username, "session",
                  fmt::format("session {}", session->id), "signed out", "logout");
    store.insert_changes({&change, 1});
    return {};
  });
}

Result<NewApiToken> create_api_token(Store& store, std::string_view username, std::string_view name,
                                     const Actor& actor) {
  if (name.empty()) return fail("an API token needs a name", "name");
  if (auto ok = check_label(name, "name"); !ok) return tl::unexpected(ok.error());
  NewApiToken created;
  created.secret = std::string(kApiTokenPrefix) + random_token();
  ApiToken& token = created.token;
  token.name = name;
  token.token_hash = token_hash(created.secret);
  token.created_at = actor.now;
  auto done = store.transaction([&]() -> Result<void> {
    const std::optional<User> user = store.find_user(username);
    if (!user) return fail(fmt::format("no user '{}'", username), "user");
    if (user->disabled) return fail(fmt::format("user '{}' is disabled", username), "user");
    token.user_id = user->id;
    token.id = store.insert_api_token(token);
    const ChangeRecord change =
        change_by(actor, "api_token", std::to_string(token.id), "token", "",
                  fmt::format("created '{}' for user {}", token.name, user->username), "identity");
    store.insert_changes({&change, 1});
    return {};
  });
  if (!done) return tl::unexpected(done.error());
  return created;
}

Result<void> revoke_api_token(Store& store, int64_t id, const Actor& actor) {
  return store.transaction([&]() -> Result<void> {
    const std::optional<ApiToken> token = store.find_api_token_by_id(id);
    if (!token) return fail(fmt::format("no API token {}", id), "id");
    if (token->revoked_at) {
      return fail(
          fmt::format("API token {} was already revoked at {}", id, token->revoked_at->to_string()),
          "id");
    }
    store.revoke_api_token(id, actor.now);
    const ChangeRecord change = change_by(actor, "api_token", std::to_string(id), "revoked_at", "",
                                          actor.now.to_string(), "identity");
    store.insert_changes({&change, 1});
    return {};
  });
}

std::optional<Principal> authenticate_bearer(Store& store, std::string_view secret) {
  if (!secret.starts_with(kApiTokenPrefix)) return std::nullopt;
  std::optional<ApiToken> token = store.find_api_token(token_hash(secret));
  if (!token || token->revoked_at) return std::nullopt;
  std::optional<User> user = store.find_user_by_id(token->user_id);
  if (!user || user->disabled) return std::nullopt;
  return Principal{std::move(*user), std::nullopt, std::move(token)};
}

}  // namespace huikuan

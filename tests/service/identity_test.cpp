// Identity: users with a role sign in with an Argon2id-checked password to a session that ends
// when idle or old; repeated failures lock a username (known or not) without telling which;
// API tokens authenticate until revoked. Every change is audited without secrets.

#include "service/identity.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>

#include "core/digest.h"
#include "service/audit.h"
#include "service/import_fixture.h"
#include "test_db.h"

namespace huikuan {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;

constexpr const char* kPassword = "correct horse battery";

class IdentityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(*Store::open(huikuan::testing::test_db(dir_)));
    auto user = create_user(*store_, {"li.wei", "collector", "K1", "east", kPassword}, admin_);
    ASSERT_TRUE(user.has_value()) << user.error().to_string();
  }

  // A request at `seconds` after t0 (2026-07-01 10:00 Shanghai).
  Actor at(int64_t seconds, std::string request_id = "") const {
    return {"", t0_.plus_seconds(seconds), "", std::move(request_id)};
  }

  std::vector<ChangeRecord> changes(const std::string& entity) {
    std::vector<ChangeRecord> found;
    store_->read_changes([&](const ChangeRecord& r) {
      if (r.entity == entity) found.push_back(r);
    });
    return found;
  }

  Timestamp t0_ = *Timestamp::parse("2026-07-01T10:00:00+08:00");
  Actor admin_{"cli:root", t0_};
  TempDir dir_{"identity"};
  std::unique_ptr<Store> store_;
};

TEST_F(IdentityTest, GivenAUser_WhenCreated_ThenThePasswordIsStoredOnlyAsAnArgon2idHash) {
  auto user = store_->find_user("li.wei");
  ASSERT_TRUE(user.has_value());
  EXPECT_EQ(user->role, Role::kCollector);
  EXPECT_EQ(user->collector_id, "K1");
  EXPECT_EQ(user->team, "east");
  EXPECT_THAT(user->password_hash, ::testing::StartsWith("$argon2id$"));
  EXPECT_THAT(user->password_hash, ::testing::Not(HasSubstr(kPassword)));

  const auto created = changes("user");
  ASSERT_EQ(created.size(), 1u);
  EXPECT_EQ(created[0].key, "li.wei");
  EXPECT_EQ(created[0].actor, "cli:root");
  EXPECT_EQ(created[0].new_value, "created: role collector, collector K1, team east");
}

TEST_F(IdentityTest, GivenBadUsers_WhenCreated_ThenRefusedNamingTheField) {
  struct Case {
    NewUser request;
    const char* field;
    const char* message;
  };
  const Case cases[] = {
      {{"Li", "collector", "", "", kPassword}, "username", "'Li' is not a username"},
      {{"li wei", "collector", "", "", kPassword}, "username", "not a username"},
      {{"-li", "collector", "", "", kPassword}, "username", "starting with a letter or digit"},
      {{"li.wei", "collector", "", "", kPassword}, "username", "'li.wei' is taken"},
      {{"zhao", "boss", "", "", kPassword}, "role", "'boss' is not one of collector, supervisor"},
      {{"zhao", "auditor", "K9", "", kPassword}, "collector_id", "holds no cases"},
      {{"zhao", "collector", "", "east\nwest", kPassword}, "team", "no control characters"},
      {{"zhao", "collector", "", "", "elevenchars"}, "password", "at least 12 characters"},
  };
  for (const auto& c : cases) {
    auto user = create_user(*store_, c.request, admin_);
    ASSERT_FALSE(user.has_value()) << c.request.username;
    EXPECT_EQ(user.error().field, c.field) << c.request.username;
    EXPECT_THAT(user.error().message, HasSubstr(c.message));
  }
  size_t users = 0;
  store_->read_users([&](const User&) { ++users; });
  EXPECT_EQ(users, 1u);
}

TEST_F(IdentityTest, GivenTwelveChineseCharacters_WhenUsedAsPassword_ThenLongEnough) {
  // Length counts characters, not UTF-8 bytes (these are 36 bytes).
  auto user =
      create_user(*store_, {"zhao", "supervisor", "S1", "", "回款回款回款回款回款回款"}, admin_);
  ASSERT_TRUE(user.has_value()) << user.error().to_string();
  EXPECT_TRUE(login(*store_, "zhao", "回款回款回款回款回款回款", at(0)).has_value());
  auto short_one =
      create_user(*store_, {"qian", "finance", "", "", "回款回款回款回款回款"}, admin_);
  ASSERT_FALSE(short_one.has_value());
  EXPECT_EQ(short_one.error().field, "password");
}

TEST_F(IdentityTest, GivenTheRightPassword_WhenSignedIn_ThenTheSessionTokenAuthenticates) {
  auto sign_in = login(*store_, "li.wei", kPassword, at(0, "req-1"));
  ASSERT_TRUE(sign_in.has_value()) << sign_in.error().message;
  EXPECT_EQ(sign_in->token.size(), 43u);  // 32 random bytes, base64url
  EXPECT_EQ(sign_in->csrf_token.size(), 43u);
  EXPECT_NE(sign_in->token, sign_in->csrf_token);
  EXPECT_EQ(sign_in->session.token_hash, sha256_hex(sign_in->token));
  EXPECT_EQ(sign_in->session.expires_at.utc_seconds, t0_.utc_seconds + 7 * 86400);

  auto principal = authenticate_session(*store_, sign_in->token, t0_.plus_seconds(60));
  ASSERT_TRUE(principal.has_value());
  EXPECT_EQ(principal->user.username, "li.wei");
  ASSERT_TRUE(principal->session.has_value());
  EXPECT_EQ(principal->session->csrf_token, sign_in->csrf_token);
  EXPECT_FALSE(authenticate_session(*store_, sign_in->csrf_token, t0_).has_value());
  EXPECT_FALSE(authenticate_session(*store_, "", t0_).has_value());

  // Recorded as the user, in their role and request; without the token.
  const auto records = changes("user");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].actor, "li.wei");
  EXPECT_EQ(records[1].role, "collector");
  EXPECT_EQ(records[1].request_id, "req-1");
  EXPECT_EQ(records[1].field, "session");
  EXPECT_THAT(records[1].new_value, HasSubstr("signed in: session 1 until 2026-07-08"));
  store_->read_changes([&](const ChangeRecord& r) {
    for (const std::string* value : {&r.old_value, &r.new_value}) {
      EXPECT_THAT(*value, ::testing::Not(HasSubstr(sign_in->token)));
      EXPECT_THAT(*value, ::testing::Not(HasSubstr(kPassword)));
    }
  });
}

TEST_F(IdentityTest, GivenAWrongPasswordOrUnknownUser_WhenSigningIn_ThenTheSameAnswer) {
  auto wrong = login(*store_, "li.wei", "correct horse battery!", at(0));
  ASSERT_FALSE(wrong.has_value());
  EXPECT_EQ(wrong.error().reason, LoginFailure::kInvalid);
  EXPECT_EQ(wrong.error().message, "invalid username or password");

  auto unknown = login(*store_, "nobody", kPassword, at(0));
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().reason, LoginFailure::kInvalid);
  EXPECT_EQ(unknown.error().message, wrong.error().message);
}

TEST_F(IdentityTest, GivenAnUnknownUser_WhenSigningIn_ThenItCostsAPasswordCheckToo) {
  // The fastest of three sign-ins: a scheduler pause (ctest runs suites side by side) only
  // ever adds time, so the minimum is what the sign-in itself costs.
  auto seconds = [&](const char* username) {
    login(*store_, username, "wrong password!", at(0));  // warm: the dummy hash is made once
    double fastest = 1e9;
    for (int i = 1; i <= 3; ++i) {
      const auto start = std::chrono::steady_clock::now();
      login(*store_, username, "wrong password!", at(i * 100));
      fastest = std::min(
          fastest, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    return fastest;
  };
  const double known = seconds("li.wei"), unknown = seconds("nobody");
  // Both run one Argon2id verification (~90 ms); without it the unknown name took < 1 ms.
  EXPECT_GT(unknown, known * 0.25) << "known " << known << " s, unknown " << unknown << " s";
}

// Failures far enough apart that the short holds after the second, third and fourth (1, 2, 4 s)
// have run out.
constexpr int kFailAt[] = {1, 2, 4, 8, 12};

TEST_F(IdentityTest, GivenRepeatedFailures_WhenSigningInWithinTheHold_ThenHeldForDoublingSeconds) {
  ASSERT_EQ(login(*store_, "li.wei", "wrong password!", at(1)).error().reason,
            LoginFailure::kInvalid);
  ASSERT_EQ(login(*store_, "li.wei", "wrong password!", at(2)).error().reason,
            LoginFailure::kInvalid);
  auto held = login(*store_, "li.wei", kPassword, at(2));
  ASSERT_FALSE(held.has_value());
  EXPECT_EQ(held.error().reason, LoginFailure::kLocked);
  EXPECT_EQ(held.error().retry_after->utc_seconds, t0_.utc_seconds + 3);
  EXPECT_EQ(store_->login_throttle("li.wei").failed_logins, 2) << "a held attempt is not counted";
  ASSERT_EQ(login(*store_, "li.wei", "wrong password!", at(3)).error().reason,
            LoginFailure::kInvalid);
  EXPECT_EQ(login(*store_, "li.wei", kPassword, at(4)).error().reason, LoginFailure::kLocked);
  EXPECT_TRUE(login(*store_, "li.wei", kPassword, at(5)).has_value());
}

TEST_F(IdentityTest, GivenFiveFailures_WhenSigningIn_ThenLockedFifteenMinutesEvenWithThePassword) {
  for (int k = 0; k < 4; ++k) {
    auto failed = login(*store_, "li.wei", "wrong password!", at(kFailAt[k]));
    ASSERT_FALSE(failed.has_value());
    EXPECT_EQ(failed.error().reason, LoginFailure::kInvalid) << k;
  }
  auto fifth = login(*store_, "li.wei", "wrong password!", at(12));
  ASSERT_FALSE(fifth.has_value());
  EXPECT_EQ(fifth.error().reason, LoginFailure::kLocked);
  EXPECT_EQ(fifth.error().message, "invalid username or password");
  ASSERT_TRUE(fifth.error().retry_after.has_value());
  EXPECT_EQ(fifth.error().retry_after->utc_seconds, t0_.utc_seconds + 12 + 15 * 60);

  auto right_but_locked = login(*store_, "li.wei", kPassword, at(12 + 15 * 60 - 1));
  ASSERT_FALSE(right_but_locked.has_value());
  EXPECT_EQ(right_but_locked.error().reason, LoginFailure::kLocked);

  auto unlocked = login(*store_, "li.wei", kPassword, at(12 + 15 * 60));
  ASSERT_TRUE(unlocked.has_value()) << unlocked.error().message;
  EXPECT_EQ(store_->login_throttle("li.wei").failed_logins, 0);

  std::vector<std::string> fields;
  for (const auto& r : changes("user")) {
    if (r.field == "locked_until" && r.new_value.empty()) continue;
    fields.push_back(fmt::format("{} ->{}", r.field, r.new_value.substr(0, 19)));
  }
  EXPECT_THAT(fields,
              ::testing::ElementsAre("user ->created: role colle", "failed_logins ->1",
                                     "failed_logins ->2", "locked_until ->2026-07-01T10:00:03",
                                     "failed_logins ->3", "locked_until ->2026-07-01T10:00:06",
                                     "failed_logins ->4", "locked_until ->2026-07-01T10:00:12",
                                     "failed_logins ->5", "locked_until ->2026-07-01T10:15:12",
                                     "failed_logins ->0", "session ->signed in: session "));
}

TEST_F(IdentityTest, GivenAnUnknownName_WhenItFailsFiveTimes_ThenItLocksLikeARealOne) {
  for (int k = 0; k < 4; ++k) {
    EXPECT_EQ(login(*store_, "ghost", "wrong password!", at(kFailAt[k])).error().reason,
              LoginFailure::kInvalid);
  }
  EXPECT_EQ(login(*store_, "ghost", "wrong password!", at(12)).error().reason,
            LoginFailure::kLocked);
  EXPECT_EQ(login(*store_, "ghost", "wrong password!", at(13)).error().reason,
            LoginFailure::kLocked);
  EXPECT_TRUE(changes("user").size() == 1u) << "an unknown name is not audited as a user";
}

TEST_F(IdentityTest, GivenFailuresFarApartOrASuccessBetween_WhenCounted_ThenTheyStartAfresh) {
  for (int k = 0; k < 4; ++k) {
    ASSERT_FALSE(login(*store_, "li.wei", "wrong password!", at(kFailAt[k])));
  }
  // 16 minutes later: a new series.
  auto later = login(*store_, "li.wei", "wrong password!", at(8 + 16 * 60));
  EXPECT_EQ(later.error().reason, LoginFailure::kInvalid);
  EXPECT_EQ(store_->login_throttle("li.wei").failed_logins, 1);

  for (int k = 0; k < 3; ++k) {
    ASSERT_FALSE(login(*store_, "li.wei", "wrong password!", at(2000 + kFailAt[k])));
  }
  ASSERT_TRUE(login(*store_, "li.wei", kPassword, at(2010)).has_value());
  for (int k = 0; k < 4; ++k) {
    EXPECT_EQ(login(*store_, "li.wei", "wrong password!", at(2010 + kFailAt[k])).error().reason,
              LoginFailure::kInvalid);
  }
}

TEST_F(IdentityTest, GivenASession_WhenIdleTwelveHours_ThenItHasEnded) {
  auto sign_in = login(*store_, "li.wei", kPassword, at(0));
  ASSERT_TRUE(sign_in.has_value());
  const int64_t idle = 12 * 3600;
  EXPECT_TRUE(authenticate_session(*store_, sign_in->token, t0_.plus_seconds(idle - 1)));
  // That use counted as activity: another 12 hours from there.
  EXPECT_TRUE(authenticate_session(*store_, sign_in->token, t0_.plus_seconds(2 * idle - 2)));
  EXPECT_FALSE(authenticate_session(*store_, sign_in->token, t0_.plus_seconds(3 * idle)));
}

TEST_F(IdentityTest, GivenAnActiveSession_WhenSevenDaysOld_ThenItHasEndedAnyway) {
  auto sign_in = login(*store_, "li.wei", kPassword, at(0));
  ASSERT_TRUE(sign_in.has_value());
  for (int64_t hours = 10; hours < 7 * 24; hours += 10) {
    ASSERT_TRUE(authenticate_session(*store_, sign_in->token, t0_.plus_seconds(hours * 3600)))
        << hours;
  }
  EXPECT_FALSE(authenticate_session(*store_, sign_in->token, t0_.plus_seconds(7 * 86400)));
}

TEST_F(IdentityTest, GivenShorterConfiguredLifetimes_WhenUsed_ThenTheyApply) {
  IdentityPolicy policy;
  policy.session_idle_seconds = 600;
  policy.session_absolute_seconds = 3600;
  auto sign_in = login(*store_, "li.wei", kPassword, at(0), policy);
  ASSERT_TRUE(sign_in.has_value());
  EXPECT_EQ(sign_in->session.expires_at.utc_seconds, t0_.utc_seconds + 3600);
  EXPECT_TRUE(authenticate_session(*store_, sign_in->token, t0_.plus_seconds(599), policy));
  EXPECT_FALSE(authenticate_session(*store_, sign_in->token, t0_.plus_seconds(1199), policy));
}

TEST_F(IdentityTest, GivenASession_WhenSignedOut_ThenTheTokenNoLongerAuthenticates) {
  auto sign_in = login(*store_, "li.wei", kPassword, at(0));
  ASSERT_TRUE(sign_in.has_value());
  ASSERT_TRUE(logout(*store_, sign_in->token, at(10, "req-9")).has_value());
  EXPECT_FALSE(authenticate_session(*store_, sign_in->token, t0_.plus_seconds(11)));
  EXPECT_TRUE(logout(*store_, sign_in->token, at(12)).has_value()) << "twice is harmless";
  const auto records = changes("user");
  EXPECT_EQ(records.back().field, "session");
  EXPECT_EQ(records.back().old_value, "session 1");
  EXPECT_EQ(records.back().new_value, "signed out");
  EXPECT_EQ(records.back().request_id, "req-9");
  EXPECT_EQ(records.size(), 3u);
}

TEST_F(IdentityTest, GivenAnApiToken_WhenRevoked_ThenItNoLongerAuthenticates) {
  auto created = create_api_token(*store_, "li.wei", "erp-sync", admin_);
  ASSERT_TRUE(created.has_value()) << created.error().to_string();
  EXPECT_THAT(created->secret, ::testing::StartsWith("hk_"));
  EXPECT_EQ(created->secret.size(), 3u + 43u);
  EXPECT_EQ(created->token.token_hash, sha256_hex(created->secret));

  auto principal = authenticate_bearer(*store_, created->secret);
  ASSERT_TRUE(principal.has_value());
  EXPECT_EQ(principal->user.username, "li.wei");
  ASSERT_TRUE(principal->api_token.has_value());
  EXPECT_EQ(principal->api_token->name, "erp-sync");
  EXPECT_FALSE(authenticate_bearer(*store_, created->secret.substr(3)));
  EXPECT_FALSE(authenticate_bearer(*store_, created->secret + "x"));

  ASSERT_TRUE(revoke_api_token(*store_, created->token.id, admin_).has_value());
  EXPECT_FALSE(authenticate_bearer(*store_, created->secret));
  auto again = revoke_api_token(*store_, created->token.id, admin_);
  ASSERT_FALSE(again.has_value());
  EXPECT_THAT(again.error().message, HasSubstr("already revoked"));
  EXPECT_THAT(revoke_api_token(*store_, 99, admin_).error().message, HasSubstr("no API token 99"));

  const auto records = changes("api_token");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].new_value, "created 'erp-sync' for user li.wei");
  EXPECT_EQ(records[1].field, "revoked_at");
  for (const auto& r : records) EXPECT_THAT(r.new_value, ::testing::Not(HasSubstr("hk_")));
}

TEST_F(IdentityTest, GivenBadTokenRequests_WhenCreated_ThenRefused) {
  EXPECT_EQ(create_api_token(*store_, "nobody", "erp", admin_).error().field, "user");
  EXPECT_EQ(create_api_token(*store_, "li.wei", "", admin_).error().field, "name");
  EXPECT_TRUE(changes("api_token").empty());
}

TEST_F(IdentityTest, GivenAPrincipal_WhenActing_ThenItsActorCarriesNameRoleAndRequest) {
  auto sign_in = login(*store_, "li.wei", kPassword, at(0));
  ASSERT_TRUE(sign_in.has_value());
  auto principal = authenticate_session(*store_, sign_in->token, t0_);
  ASSERT_TRUE(principal.has_value());
  const Actor actor = actor_of(*principal, t0_, "req-7");
  EXPECT_EQ(actor.name, "li.wei");
  EXPECT_EQ(actor.role, "collector");
  EXPECT_EQ(actor.request_id, "req-7");
}

TEST_F(IdentityTest, GivenIdentityChanges_WhenTheAuditLogIsVerified_ThenItHolds) {
  ASSERT_TRUE(login(*store_, "li.wei", kPassword, at(0)).has_value());
  ASSERT_FALSE(login(*store_, "li.wei", "nope nope nope", at(1)).has_value());
  ASSERT_TRUE(create_api_token(*store_, "li.wei", "erp", admin_).has_value());
  auto verified = verify_audit(*store_);
  ASSERT_TRUE(verified.has_value()) << verified.error().to_string();
  EXPECT_EQ(verified->records, 4);
}

}  // namespace
}  // namespace huikuan

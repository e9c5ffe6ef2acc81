// Given users of every role, when they sign in, call the API with a session cookie or an API
// token, and sign out, then the server lets through exactly what the credentials allow: CSRF on
// cookie changes, session expiry, failed sign-ins slowing down and locking.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "http/api_fixture.h"
#include "http/session_routes.h"

namespace huikuan {
namespace {

using testing::ApiClient;
using testing::ApiServer;
using testing::body_of;
using testing::Client;
using ::testing::HasSubstr;
using testing::HttpResponse;
namespace verb = boost::beast::http;

class SessionTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new ApiServer(); }
  static void TearDownTestSuite() { delete server_; }
  void SetUp() override { server_->set_now(testing::api_test_now()); }

  static HttpResponse sign_in(std::string_view username, std::string_view password) {
    const nlohmann::json body{{"username", username}, {"password", password}};
    return Client(server_->port())
        .request(verb::verb::post, "/api/v1/session", {{"Content-Type", "application/json"}},
                 body.dump());
  }
  static HttpResponse get_with(std::string_view target,
                               std::vector<std::pair<std::string, std::string>> headers) {
    return Client(server_->port()).request(verb::verb::get, target, headers);
  }

  static ApiServer* server_;
};
ApiServer* SessionTest::server_ = nullptr;

constexpr std::string_view kAging = "/api/v1/reports/aging?as_of=2026-06-30&by=currency";

TEST_F(SessionTest, GivenTheRightPassword_WhenSigningIn_ThenAnHttpOnlyStrictCookieAndACsrfToken) {
  const HttpResponse response = sign_in("supervisor", testing::kPassword);
  ASSERT_EQ(response.result_int(), 200) << response.body();
  const std::string cookie(response[verb::field::set_cookie]);
  EXPECT_THAT(cookie, HasSubstr("huikuan_session="));
  EXPECT_THAT(cookie, HasSubstr("; HttpOnly"));
  EXPECT_THAT(cookie, HasSubstr("; SameSite=Strict"));
  EXPECT_THAT(cookie, HasSubstr("; Path=/"));
  EXPECT_THAT(cookie, Not(HasSubstr("Secure")));  // plain HTTP on loopback
  EXPECT_EQ(response[verb::field::cache_control], "no-store");
  const auto body = body_of(response);
  EXPECT_EQ(body["user"]["username"], "supervisor");
  EXPECT_EQ(body["user"]["role"], "supervisor");
  EXPECT_EQ(body["user"]["team"], "east");
  // What the role may do, for the web app's navigation: the authorization table's rows.
  const auto permissions = body["user"]["permissions"].get<std::vector<std::string>>();
  EXPECT_THAT(permissions, ::testing::Contains("approvals.decide"));
  EXPECT_THAT(permissions, ::testing::Contains("worklist.read"));
  EXPECT_THAT(permissions, ::testing::Not(::testing::Contains("users.write")));
  EXPECT_EQ(body["csrf_token"].get<std::string>().size(), 43u);
  EXPECT_EQ(body["expires_at"], "2026-07-07T10:00:00+08:00");
}

TEST_F(SessionTest, GivenAProxyTerminatingTls_WhenSigningIn_ThenTheCookieIsSecure) {
  const nlohmann::json body{{"username", "auditor"}, {"password", testing::kPassword}};
  const HttpResponse response = Client(server_->port())
                                    .request(verb::verb::post, "/api/v1/session",
                                             {{"X-Forwarded-Proto", "https"}}, body.dump());
  ASSERT_EQ(response.result_int(), 200);
  EXPECT_THAT(std::string(response[verb::field::set_cookie]), HasSubstr("; Secure"));
}

TEST_F(SessionTest, GivenASession_WhenAskingWhoIAm_ThenTheUserAndTheSameCsrfToken) {
  ApiClient client(server_->port(), "collector");
  const HttpResponse response = client.get("/api/v1/session");
  ASSERT_EQ(response.result_int(), 200) << response.body();
  EXPECT_EQ(body_of(response)["user"]["collector_id"], server_->own_collector());
  EXPECT_EQ(body_of(response)["csrf_token"], client.csrf());
}

TEST_F(SessionTest, GivenNoCredentials_WhenCallingTheApi_Then401InTheErrorShape) {
  const HttpResponse response = testing::fetch(server_->port(), kAging);
  EXPECT_EQ(response.result_int(), 401);
  EXPECT_EQ(body_of(response)["error"]["code"], "unauthenticated");
  EXPECT_EQ(response[verb::field::www_authenticate], R"(Bearer realm="huikuan")");
  EXPECT_EQ(get_with(kAging, {{"Cookie", "huikuan_session=forged"}}).result_int(), 401);
  EXPECT_EQ(get_with(kAging, {{"Authorization", "Basic YTpi"}}).result_int(), 401);
}

TEST_F(SessionTest, GivenACookieChangeWithoutTheCsrfToken_WhenSent_Then403AndNothingHappens) {
  ApiClient client(server_->port(), "director");
  Client raw(server_->port());
  HttpResponse refused =
      raw.request(verb::verb::delete_, "/api/v1/session", {{"Cookie", client.cookie()}});
  EXPECT_EQ(refused.result_int(), 403);
  EXPECT_EQ(body_of(refused)["error"]["code"], "csrf");
  refused = raw.request(verb::verb::delete_, "/api/v1/session",
                        {{"Cookie", client.cookie()}, {"X-CSRF-Token", "x" + client.csrf()}});
  EXPECT_EQ(refused.result_int(), 403);
  EXPECT_EQ(client.get("/api/v1/session").result_int(), 200);  // still signed in
}

TEST_F(SessionTest, GivenASignedOutSession_WhenItsCookieIsUsedAgain_Then401) {
  ApiClient client(server_->port(), "legal");
  const HttpResponse out = client.del("/api/v1/session");
  ASSERT_EQ(out.result_int(), 200) << out.body();
  EXPECT_THAT(std::string(out[verb::field::set_cookie]), HasSubstr("Max-Age=0"));
  EXPECT_EQ(client.get("/api/v1/session").result_int(), 401);
}

TEST_F(SessionTest, GivenAnIdleSession_WhenUsedAfterTheIdleLimit_Then401) {
  ApiClient client(server_->port(), "credit");
  server_->set_now(testing::api_test_now().plus_seconds(11 * 3600));
  EXPECT_EQ(client.get(kAging).result_int(), 200);  // used within 12 h: stays alive
  server_->set_now(testing::api_test_now().plus_seconds(22 * 3600));
  EXPECT_EQ(client.get(kAging).result_int(), 200);  // 11 h after the last use
  server_->set_now(testing::api_test_now().plus_seconds(34 * 3600 + 60));
  EXPECT_EQ(client.get(kAging).result_int(), 401);  // 12 h 1 min idle
}

TEST_F(SessionTest, GivenAnActiveSession_WhenSevenDaysHavePassed_Then401) {
  ApiClient client(server_->port(), "finance");
  for (int hours = 10; hours <= 7 * 24; hours += 10) {
    server_->set_now(testing::api_test_now().plus_seconds(hours * 3600));
    ASSERT_EQ(client.get(kAging).result_int(), 200) << hours;
  }
  server_->set_now(testing::api_test_now().plus_seconds(7 * 24 * 3600 + 1));
  EXPECT_EQ(client.get(kAging).result_int(), 401);
}

TEST_F(SessionTest, GivenAWrongPasswordOrUnknownUser_WhenSigningIn_ThenTheSame401) {
  const HttpResponse wrong = sign_in("sales", "not the password at all");
  const HttpResponse unknown = sign_in("nobody-here", "not the password at all");
  EXPECT_EQ(wrong.result_int(), 401);
  EXPECT_EQ(unknown.result_int(), 401);
  EXPECT_EQ(body_of(wrong), body_of(unknown));
  EXPECT_TRUE(wrong[verb::field::set_cookie].empty());
}

TEST_F(SessionTest, GivenRepeatedFailures_WhenSigningIn_ThenItSlowsDownThenLocksWith429) {
  server_->add_user("guessed", Role::kCredit);
  Timestamp now = testing::api_test_now();
  auto attempt = [&](std::string_view password) {
    server_->set_now(now);
    return sign_in("guessed", password);
  };
  EXPECT_EQ(attempt("wrong-1").result_int(), 401);
  EXPECT_EQ(attempt("wrong-2").result_int(), 401);
  // Held for 1 s after the second failure: even the right password waits.
  HttpResponse held = attempt(testing::kPassword);
  EXPECT_EQ(held.result_int(), 429);
  EXPECT_EQ(held[verb::field::retry_after], "1");
  now = now.plus_seconds(1);
  EXPECT_EQ(attempt("wrong-3").result_int(), 401);
  now = now.plus_seconds(2);
  EXPECT_EQ(attempt("wrong-4").result_int(), 401);
  now = now.plus_seconds(4);
  EXPECT_EQ(attempt("wrong-5").result_int(), 429);  // the fifth failure locks for 15 min
  now = now.plus_seconds(60);
  HttpResponse locked = attempt(testing::kPassword);
  EXPECT_EQ(locked.result_int(), 429);
  EXPECT_EQ(body_of(locked)["error"]["code"], "locked");
  EXPECT_EQ(locked[verb::field::retry_after], "840");
  now = now.plus_seconds(840);
  EXPECT_EQ(attempt(testing::kPassword).result_int(), 200);
}

TEST_F(SessionTest, GivenAnUnknownUsername_WhenFailuresRepeat_ThenItLocksLikeAKnownOne) {
  Timestamp now = testing::api_test_now();
  for (int i = 0; i < 4; ++i) {
    server_->set_now(now);
    EXPECT_EQ(sign_in("ghost", "whatever-it-is").result_int(), 401) << i;
    now = now.plus_seconds(10);
  }
  server_->set_now(now);
  EXPECT_EQ(sign_in("ghost", "whatever-it-is").result_int(), 429);
  now = now.plus_seconds(60);
  server_->set_now(now);
  EXPECT_EQ(sign_in("ghost", "whatever-it-is").result_int(), 429);
}

TEST_F(SessionTest, GivenAnApiToken_WhenSentAsBearer_ThenItActsAsItsUserUntilRevoked) {
  auto token = create_api_token(server_->store(), "auditor", "bi-export",
                                Actor{"test", testing::api_test_now()});
  ASSERT_TRUE(token) << token.error().to_string();
  const std::string bearer = "Bearer " + token->secret;
  const HttpResponse who = get_with("/api/v1/session", {{"Authorization", bearer}});
  ASSERT_EQ(who.result_int(), 200) << who.body();
  EXPECT_EQ(body_of(who)["user"]["username"], "auditor");
  EXPECT_TRUE(body_of(who)["csrf_token"].is_null());
  EXPECT_EQ(get_with(kAging, {{"Authorization", bearer}}).result_int(), 200);

  ASSERT_TRUE(
      revoke_api_token(server_->store(), token->token.id, Actor{"test", testing::api_test_now()}));
  EXPECT_EQ(get_with(kAging, {{"Authorization", bearer}}).result_int(), 401);
}

TEST_F(SessionTest, GivenARoleWithoutThePermission_WhenCallingTheRoute_Then403NamesIt) {
  ApiClient collector(server_->port(), "collector");
  const HttpResponse response = collector.get(kAging);
  EXPECT_EQ(response.result_int(), 403);
  EXPECT_EQ(body_of(response)["error"]["code"], "forbidden");
  EXPECT_THAT(body_of(response)["error"]["message"].get<std::string>(), HasSubstr("reports.read"));
}

TEST(CookieTest, GivenACookieHeader_WhenReadingOneCookie_ThenItsValueOrNone) {
  EXPECT_EQ(http::cookie_value("a=1; huikuan_session=abc; b=2", "huikuan_session"), "abc");
  EXPECT_EQ(http::cookie_value("huikuan_session=abc", "huikuan_session"), "abc");
  EXPECT_EQ(http::cookie_value("xhuikuan_session=abc", "huikuan_session"), std::nullopt);
  EXPECT_EQ(http::cookie_value("", "huikuan_session"), std::nullopt);
}

}  // namespace
}  // namespace huikuan

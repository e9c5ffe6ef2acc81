// Given a local HTTP server (http_sink.py) standing in for the SMS gateway and the group
// robots, when a message is posted, then it arrives as the JSON the service expects, or the
// failure says whether a retry can help.

#include "notify/webhook.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "notify/sink_process.h"

namespace huikuan::notify {
namespace {

using huikuan::testing::kHttpSinkScript;
using huikuan::testing::python3_output;
using huikuan::testing::SinkProcess;
using huikuan::testing::unused_loopback_port;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using namespace std::chrono_literals;

constexpr int64_t kNowMs = 1'748'827'800'123;  // 2025-06-02 09:30:00.123 +08:00

std::string base_url(const SinkProcess& sink) {
  return fmt::format("http://127.0.0.1:{}", sink.port());
}

// The one POST the sink received.
json only_post(const SinkProcess& sink) {
  const auto posts = sink.messages();
  EXPECT_EQ(posts.size(), 1u);
  return posts.empty() ? json() : json::parse(posts[0]);
}

// DingTalk's signature as its documentation computes it, in Python.
std::string python_dingtalk_sign(const std::string& secret, int64_t timestamp_ms) {
  static constexpr const char* kSigner = R"(
import base64, hashlib, hmac, sys, urllib.parse
timestamp, secret = sys.argv[1], sys.argv[2]
digest = hmac.new(secret.encode(), f'{timestamp}\n{secret}'.encode(), hashlib.sha256).digest()
print(urllib.parse.quote_plus(base64.b64encode(digest)), end='')
)";
  return python3_output({"-c", kSigner, std::to_string(timestamp_ms), secret});
}

TEST(WebhookTest, GivenAnSmsGateway_WhenAnSmsIsSent_ThenItPostsToTextAndIdWithTheToken) {
  SinkProcess sink(kHttpSinkScript);
  const SmsConfig config{.url = base_url(sink) + "/sms", .token = "gw-t0ken"};

  const SendOutcome outcome =
      send_sms(config, "+8613800138000", "您的发票 INV-2025-001 已逾期，请尽快付款。", "sms-42.1");

  ASSERT_TRUE(outcome.delivered) << outcome.response;
  EXPECT_THAT(outcome.response, StartsWith("HTTP/1.1 200"));
  const json post = only_post(sink);
  EXPECT_EQ(post["path"], "/sms");
  EXPECT_EQ(post["headers"]["authorization"], "Bearer gw-t0ken");
  EXPECT_THAT(post["headers"]["content-type"].get<std::string>(), StartsWith("application/json"));
  EXPECT_EQ(json::parse(post["body"].get<std::string>()),
            (json{{"to", "+8613800138000"},
                  {"text", "您的发票 INV-2025-001 已逾期，请尽快付款。"},
                  {"message_id", "sms-42.1"}}));
}

TEST(WebhookTest, GivenAWeComRobot_WhenTextIsSent_ThenItPostsATextMessageMentioningTheMobiles) {
  SinkProcess sink(kHttpSinkScript);
  const ImConfig config{.kind = ImKind::kWeCom,
                        .url = base_url(sink) + "/cgi-bin/webhook/send?key=k1"};

  const SendOutcome outcome =
      send_im(config, "客户 华北重工 已逾期 30 天", {"13800138000", "13900139000"}, kNowMs);

  ASSERT_TRUE(outcome.delivered) << outcome.response;
  const json post = only_post(sink);
  EXPECT_EQ(post["path"], "/cgi-bin/webhook/send?key=k1");
  EXPECT_FALSE(post["headers"].contains("authorization"));
  EXPECT_EQ(json::parse(post["body"].get<std::string>()),
            (json{{"msgtype", "text"},
                  {"text",
                   {{"content", "客户 华北重工 已逾期 30 天"},
                    {"mentioned_mobile_list", {"13800138000", "13900139000"}}}}}));
}

TEST(WebhookTest,
     GivenASignedDingTalkRobot_WhenTextIsSent_ThenTheUrlCarriesTheDocumentedSignature) {
  SinkProcess sink(kHttpSinkScript);
  const std::string secret = "SEC1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b";
  const ImConfig config{.kind = ImKind::kDingTalk,
                        .url = base_url(sink) + "/robot/send?access_token=t1",
                        .secret = secret};

  const SendOutcome outcome = send_im(config, "今日催收任务已生成", {"13800138000"}, kNowMs);

  ASSERT_TRUE(outcome.delivered) << outcome.response;
  const json post = only_post(sink);
  EXPECT_EQ(post["path"], fmt::format("/robot/send?access_token=t1&timestamp={}&sign={}", kNowMs,
                                      python_dingtalk_sign(secret, kNowMs)));
  EXPECT_EQ(json::parse(post["body"].get<std::string>()),
            (json{{"msgtype", "text"},
                  {"text", {{"content", "今日催收任务已生成"}}},
                  {"at", {{"atMobiles", {"13800138000"}}, {"isAtAll", false}}}}));
}

TEST(WebhookTest, GivenAnUnsignedDingTalkRobot_WhenTextIsSent_ThenTheUrlIsUnchanged) {
  SinkProcess sink(kHttpSinkScript);
  const ImConfig config{.kind = ImKind::kDingTalk,
                        .url = base_url(sink) + "/robot/send?access_token=t1"};

  ASSERT_TRUE(send_im(config, "text", {}, kNowMs).delivered);

  EXPECT_EQ(only_post(sink)["path"], "/robot/send?access_token=t1");
}

TEST(WebhookTest, GivenSecretsAndTimes_WhenSigned_ThenTheSignatureMatchesPythonsHmac) {
  for (const auto& [secret, timestamp] : std::vector<std::pair<std::string, int64_t>>{
           {"SECabc", 0}, {"this is secret", 1'577'836'800'000}, {"密钥+/=", kNowMs}}) {
    EXPECT_EQ(
        dingtalk_signed_url("https://oapi.dingtalk.com/robot/send?access_token=x", secret,
                            timestamp),
        fmt::format("https://oapi.dingtalk.com/robot/send?access_token=x&timestamp={}&sign={}",
                    timestamp, python_dingtalk_sign(secret, timestamp)))
        << secret;
  }
  EXPECT_THAT(dingtalk_signed_url("http://robot/send", "s", 1),
              StartsWith("http://robot/send?timestamp=1&sign="));
}

TEST(WebhookTest, GivenARobotThatAnswersAConfigurationErrcode_WhenSent_ThenItFailsPermanently) {
  SinkProcess sink(kHttpSinkScript, {"--errcode", "310000"});
  const ImConfig config{.kind = ImKind::kDingTalk, .url = base_url(sink) + "/robot/send"};

  const SendOutcome outcome = send_im(config, "text", {}, kNowMs);

  EXPECT_FALSE(outcome.delivered);
  EXPECT_TRUE(outcome.permanent);
  EXPECT_THAT(outcome.response, HasSubstr("310000"));
}

TEST(WebhookTest, GivenARobotThatAnswersAnotherErrcode_WhenSent_ThenARetryIsWorthIt) {
  SinkProcess sink(kHttpSinkScript, {"--errcode", "45009"});
  const ImConfig config{.kind = ImKind::kWeCom, .url = base_url(sink) + "/send"};

  const SendOutcome outcome = send_im(config, "text", {}, kNowMs);

  EXPECT_FALSE(outcome.delivered);
  EXPECT_FALSE(outcome.permanent);
  EXPECT_THAT(outcome.response, HasSubstr("45009"));
}

TEST(WebhookTest, GivenAnSmsGatewayAnsweringErrcode_WhenSent_ThenOnlyTheHttpStatusCounts) {
  SinkProcess sink(kHttpSinkScript, {"--errcode", "45009"});

  EXPECT_TRUE(send_sms({.url = base_url(sink)}, "+8613800138000", "text", "id").delivered);
}

TEST(WebhookTest, GivenA503_WhenPosted_ThenItIsTransientAndTheRetryIsDelivered) {
  SinkProcess sink(kHttpSinkScript, {"--fail-first", "1"});
  const SmsConfig config{.url = base_url(sink) + "/sms"};

  const SendOutcome first = send_sms(config, "+8613800138000", "text", "id-1");
  const SendOutcome retry = send_sms(config, "+8613800138000", "text", "id-1");

  EXPECT_FALSE(first.delivered);
  EXPECT_FALSE(first.permanent);
  EXPECT_THAT(first.response, StartsWith("HTTP/1.1 503"));
  EXPECT_TRUE(retry.delivered) << retry.response;
}

TEST(WebhookTest, GivenEachHttpStatus_WhenPosted_ThenItIsDeliveredTransientOrPermanent) {
  struct Case {
    int status;
    bool delivered, permanent;
  };
  for (const Case c : {Case{200, true, false}, Case{204, true, false}, Case{400, false, true},
                       Case{401, false, true}, Case{404, false, true}, Case{408, false, false},
                       Case{429, false, false}, Case{500, false, false}, Case{502, false, false}}) {
    SinkProcess sink(kHttpSinkScript, {"--status", std::to_string(c.status)});

    const SendOutcome outcome = post_json(base_url(sink), "{}", "", 5s);

    EXPECT_EQ(outcome.delivered, c.delivered) << c.status << ": " << outcome.response;
    EXPECT_EQ(outcome.permanent, c.permanent) << c.status << ": " << outcome.response;
  }
}

TEST(WebhookTest, GivenNoServerListening_WhenPosted_ThenTheFailureIsTransient) {
  const SendOutcome outcome =
      post_json(fmt::format("http://127.0.0.1:{}/sms", unused_loopback_port()), "{}", "", 5s);

  EXPECT_FALSE(outcome.delivered);
  EXPECT_FALSE(outcome.permanent);
  EXPECT_THAT(outcome.response, HasSubstr("onnect"));
}

TEST(WebhookTest, GivenAnUnsupportedScheme_WhenPosted_ThenItFailsPermanently) {
  const SendOutcome outcome = post_json("ftp://127.0.0.1/sms", "{}", "", 5s);

  EXPECT_FALSE(outcome.delivered);
  EXPECT_TRUE(outcome.permanent);
}

TEST(WebhookTest, GivenInvalidUtf8_WhenABodyIsMade_ThenItIsStillValidJson) {
  const json body = json::parse(sms_body("+86138", "bad \xFF byte", "id"));

  EXPECT_EQ(body["text"], "bad \xEF\xBF\xBD byte");
}

}  // namespace
}  // namespace huikuan::notify

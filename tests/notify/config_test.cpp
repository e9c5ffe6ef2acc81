// Given the server configuration file's message tables, when they are read, then each
// channel is configured from them and every mistake is reported as file:line with the key.

#include "notify/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

namespace huikuan::notify {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

// An environment holding only `variables`.
std::function<const char*(const char*)> environment(
    const std::map<std::string, std::string>& variables) {
  return [variables](const char* name) -> const char* {
    const auto found = variables.find(name);
    return found == variables.end() ? nullptr : found->second.c_str();
  };
}

constexpr const char* kEveryTable = R"([server]
listen = "127.0.0.1:8080"

[smtp]
url = "smtps://mail.example.com:465"
username = "ar@example.com"
password_env = "HUIKUAN_SMTP_PASSWORD"
from = "应收账款部 <ar@example.com>"
starttls = "required"
timeout_seconds = 20
ca_file = "/etc/huikuan/ca.pem"

[sms]
url = "https://sms.example.com/send"
token = "gw-token"

[im]
kind = "dingtalk"
url = "https://oapi.dingtalk.com/robot/send?access_token=abc"
secret_env = "HUIKUAN_DINGTALK_SECRET"

[company]
name = "华东精密机械有限公司"
address = "上海市浦东新区张江路 1 号"
phone = "021-5555 0000"
email = "ar@example.com"
bank_name = "招商银行上海分行"
bank_account = "6214 8300 0000 0000"
contact_person = "王芳"

[outbox]
max_attempts = 4
backoff_seconds = 30
send_interval_seconds = 10
)";

TEST(NotifyConfigTest, GivenEveryTable_WhenParsed_ThenEveryChannelTakesItsKeys) {
  const auto config = parse_notify_config(
      kEveryTable, "server.toml",
      environment({{"HUIKUAN_SMTP_PASSWORD", "smtp-pw"}, {"HUIKUAN_DINGTALK_SECRET", "SECx"}}));

  ASSERT_TRUE(config) << config.error().to_string();
  ASSERT_TRUE(config->smtp);
  EXPECT_EQ(config->smtp->url, "smtps://mail.example.com:465");
  EXPECT_EQ(config->smtp->username, "ar@example.com");
  EXPECT_EQ(config->smtp->password, "smtp-pw");
  EXPECT_EQ(config->smtp->from, "应收账款部 <ar@example.com>");
  EXPECT_EQ(config->smtp->starttls, StartTls::kRequired);
  EXPECT_EQ(config->smtp->timeout, 20s);
  EXPECT_EQ(config->smtp->ca_file, "/etc/huikuan/ca.pem");
  ASSERT_TRUE(config->sms);
  EXPECT_EQ(config->sms->url, "https://sms.example.com/send");
  EXPECT_EQ(config->sms->token, "gw-token");
  ASSERT_TRUE(config->im);
  EXPECT_EQ(config->im->kind, ImKind::kDingTalk);
  EXPECT_EQ(config->im->url, "https://oapi.dingtalk.com/robot/send?access_token=abc");
  EXPECT_EQ(config->im->secret, "SECx");
  ASSERT_TRUE(config->company);
  EXPECT_EQ(config->company->name, "华东精密机械有限公司");
  EXPECT_EQ(config->company->address, "上海市浦东新区张江路 1 号");
  EXPECT_EQ(config->company->phone, "021-5555 0000");
  EXPECT_EQ(config->company->email, "ar@example.com");
  EXPECT_EQ(config->company->bank_name, "招商银行上海分行");
  EXPECT_EQ(config->company->bank_account, "6214 8300 0000 0000");
  EXPECT_EQ(config->company->contact_person, "王芳");
  EXPECT_EQ(config->outbox.max_attempts, 4);
  EXPECT_EQ(config->outbox.backoff, 30s);
  EXPECT_EQ(config->outbox.send_interval, 10s);
}

TEST(NotifyConfigTest, GivenNoMessageTables_WhenParsed_ThenNoChannelIsConfigured) {
  const auto config = parse_notify_config("[server]\nlisten = \"127.0.0.1:1\"\n[policy]\nx = 1\n",
                                          "server.toml", environment({}));

  ASSERT_TRUE(config) << config.error().to_string();
  EXPECT_FALSE(config->smtp);
  EXPECT_FALSE(config->sms);
  EXPECT_FALSE(config->im);
  EXPECT_FALSE(config->company);
  EXPECT_EQ(config->outbox.max_attempts, 6);
  EXPECT_EQ(config->outbox.backoff, 60s);
  EXPECT_EQ(config->outbox.send_interval, 30s);
}

TEST(NotifyConfigTest, GivenOnlyTheRequiredKeys_WhenParsed_ThenTheRestKeepTheirDefaults) {
  const auto config = parse_notify_config(R"([smtp]
url = "smtp://127.0.0.1:2525"
from = "ar@example.com"
[im]
kind = "wecom"
url = "http://127.0.0.1:9000/robot"
)",
                                          "server.toml", environment({}));

  ASSERT_TRUE(config) << config.error().to_string();
  EXPECT_EQ(config->smtp->starttls, StartTls::kAuto);
  EXPECT_EQ(config->smtp->timeout, 30s);
  EXPECT_EQ(config->smtp->username, "");
  EXPECT_EQ(config->smtp->ca_file, "");
  EXPECT_EQ(config->im->kind, ImKind::kWeCom);
  EXPECT_EQ(config->im->secret, "");
  EXPECT_FALSE(config->sms);
}

TEST(NotifyConfigTest, GivenEnvironmentKeys_WhenTheVariablesAreSet_ThenTheirValuesAreTaken) {
  const auto config = parse_notify_config(R"([sms]
url = "http://127.0.0.1:9000/sms"
token_env = "SMS_TOKEN"
)",
                                          "server.toml", environment({{"SMS_TOKEN", "from-env"}}));

  ASSERT_TRUE(config) << config.error().to_string();
  EXPECT_EQ(config->sms->token, "from-env");
}

struct BadConfig {
  std::string name, toml, where, field, reason;
};

class NotifyConfigErrorTest : public ::testing::TestWithParam<BadConfig> {};

TEST_P(NotifyConfigErrorTest, GivenAMistake_WhenParsed_ThenTheErrorNamesLineAndKey) {
  const auto config = parse_notify_config(GetParam().toml, "server.toml", environment({}));

  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().where, GetParam().where);
  EXPECT_EQ(config.error().field, GetParam().field);
  EXPECT_THAT(config.error().message, HasSubstr(GetParam().reason));
}

constexpr const char* kSmtp =
    "[smtp]\nurl = \"smtp://127.0.0.1:2525\"\nfrom = \"ar@example.com\"\n";

INSTANTIATE_TEST_SUITE_P(
    Mistakes, NotifyConfigErrorTest,
    ::testing::Values(
        BadConfig{"UnknownKey", std::string(kSmtp) + "tls = true\n", "server.toml:4", "smtp.tls",
                  "unknown key; expected one of ca_file, from, password"},
        BadConfig{"WrongSchemeForSmtp",
                  "[smtp]\nfrom = \"ar@example.com\"\nurl = \"http://mail\"\n", "server.toml:3",
                  "smtp.url", "is not an smtp:// or smtps:// URL"},
        BadConfig{"WrongSchemeForWebhook", "[sms]\n\nurl = \"ftp://gw/sms\"\n", "server.toml:3",
                  "sms.url", "http:// or https://"},
        BadConfig{"UrlWithoutHost", "[im]\nkind = \"wecom\"\nurl = \"https://\"\n", "server.toml:3",
                  "im.url", "URL with a host"},
        BadConfig{"FromWithoutAddress", "[smtp]\nurl = \"smtp://h\"\nfrom = \"应收账款部\"\n",
                  "server.toml:3", "smtp.from", "is not an e-mail address"},
        BadConfig{"UnknownStartTls", std::string(kSmtp) + "starttls = \"yes\"\n", "server.toml:4",
                  "smtp.starttls", "must be \"auto\", \"required\" or \"off\""},
        BadConfig{"UnknownImKind", "[im]\nurl = \"https://robot\"\nkind = \"slack\"\n",
                  "server.toml:3", "im.kind", "must be \"wecom\" or \"dingtalk\""},
        BadConfig{"ZeroTimeout", std::string(kSmtp) + "timeout_seconds = 0\n", "server.toml:4",
                  "smtp.timeout_seconds", "must be between 1 and"},
        BadConfig{"NegativeBackoff", "[outbox]\nbackoff_seconds = -60\n", "server.toml:2",
                  "outbox.backoff_seconds", "must be between 1 and"},
        BadConfig{"ZeroAttempts", "[outbox]\n\n\nmax_attempts = 0\n", "server.toml:4",
                  "outbox.max_attempts", "must be between 1 and"},
        BadConfig{"TextForANumber", "[outbox]\nsend_interval_seconds = \"30\"\n", "server.toml:2",
                  "outbox.send_interval_seconds", "must be an integer"},
        BadConfig{"NumberForAText", "[company]\nname = 1\n", "server.toml:2", "company.name",
                  "must be a string"},
        BadConfig{"CompanyEmailWithoutAddress", "[company]\nemail = \"ar\"\n", "server.toml:2",
                  "company.email", "is not an e-mail address"},
        BadConfig{
            "UnsetEnvironmentVariable",
            std::string(kSmtp) + "username = \"ar\"\npassword_env = \"HUIKUAN_SMTP_PASSWORD\"\n",
            "server.toml:5", "smtp.password_env",
            "the environment variable HUIKUAN_SMTP_PASSWORD is not set"},
        BadConfig{"BothValueAndEnvironment",
                  "[im]\nkind = \"dingtalk\"\nurl = \"https://robot\"\nsecret = \"s\"\n"
                  "secret_env = \"HOME\"\n",
                  "server.toml:5", "im.secret_env", "give secret or secret_env, not both"},
        BadConfig{"MissingUrl", "\n[sms]\ntoken = \"t\"\n", "server.toml:2", "sms.url",
                  "missing; it is required"},
        BadConfig{"MissingFrom", "[smtp]\nurl = \"smtp://h\"\n", "server.toml:1", "smtp.from",
                  "missing; it is required"},
        BadConfig{"NotATable", "smtp = \"smtp://h\"\n", "server.toml:1", "smtp", "must be a table"},
        BadConfig{"TomlSyntax", "[smtp]\nurl = smtp://h\n", "server.toml:2", "", ""}),
    [](const auto& info) { return info.param.name; });

TEST(NotifyConfigTest, GivenSeveralMistakes_WhenParsed_ThenAllAreReportedInFileOrder) {
  const auto config = parse_notify_config(R"([outbox]
send_interval_seconds = 0
max_attempts = 0
[im]
kind = "slack"
url = "https://robot"
)",
                                          "server.toml", environment({}));

  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().to_string(),
            "server.toml:2: outbox.send_interval_seconds: must be between 1 and 86400, not 0\n"
            "server.toml:3: outbox.max_attempts: must be between 1 and 100, not 0\n"
            "server.toml:5: im.kind: must be \"wecom\" or \"dingtalk\", not \"slack\"");
}

}  // namespace
}  // namespace huikuan::notify

// Given a local SMTP server (smtp_sink.py), when a message is sent, then it arrives once and
// intact, or the failure says whether a retry can help.

#include "notify/email.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "notify/sink_process.h"

namespace huikuan::notify {
namespace {

using huikuan::testing::kSmtpSinkScript;
using huikuan::testing::python3_output;
using huikuan::testing::SinkProcess;
using huikuan::testing::unused_loopback_port;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// A small PDF with bytes that must survive the trip: NUL, 0xFF, CR, LF, a line of one dot.
std::string pdf_bytes() {
  return std::string("%PDF-1.4\n%\xE2\xE3\xCF\xD3\r\n.\r\n\0\xFF\x01 trailer\n%%EOF\n", 36);
}

Email overdue_reminder() {
  return Email{
      .from = "应收账款部 <ar@example.com>",
      .to_address = "li.ming@example.com",
      .to_name = "李明",
      .subject = "逾期账款提醒：发票 INV-2025-001",
      .text =
          "李明您好：\n\n发票 INV-2025-001 已逾期 15 天，未付金额 ¥12,345.67。\n请尽快安排付款。\n",
      .attachments = {{"对账单.pdf", "application/pdf", pdf_bytes()}},
      .message_id = "<outbox-42.1@huikuan.example>",
      .date = "Mon, 02 Jun 2025 09:30:00 +0800",
  };
}

SmtpConfig config_for(const SinkProcess& sink) {
  return SmtpConfig{.url = "smtp://127.0.0.1:" + std::to_string(sink.port()),
                    .from = "应收账款部 <ar@example.com>"};
}

// What Python's e-mail package reads from `raw`: the decoded headers, body and attachments.
json decoded(const std::string& raw) {
  static constexpr const char* kDecoder = R"(
import email, email.policy, json, sys
message = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=email.policy.default)
print(json.dumps({
    'from_name': message['From'].addresses[0].display_name,
    'from_address': message['From'].addresses[0].addr_spec,
    'to_name': message['To'].addresses[0].display_name,
    'to_address': message['To'].addresses[0].addr_spec,
    'subject': str(message['Subject']),
    'message_id': str(message['Message-ID']),
    'date': str(message['Date']),
    'mime_version': str(message['MIME-Version']),
    'text': message.get_body(('plain',)).get_content(),
    'text_charset': message.get_body(('plain',)).get_content_charset(),
    'attachments': [{'filename': part.get_filename(), 'content_type': part.get_content_type(),
                     'hex': part.get_content().hex()} for part in message.iter_attachments()],
}))
)";
  char path[] = "/tmp/huikuan-eml-XXXXXX";
  const int fd = ::mkstemp(path);
  EXPECT_EQ(::write(fd, raw.data(), raw.size()), static_cast<ssize_t>(raw.size()));
  ::close(fd);
  const std::string output = python3_output({"-c", kDecoder, path});
  ::unlink(path);
  return json::parse(output);
}

std::string hex(std::string_view bytes) {
  std::string out;
  for (unsigned char c : bytes) out += fmt::format("{:02x}", c);
  return out;
}

std::string crlf_to_lf(std::string text) {
  for (size_t at; (at = text.find("\r\n")) != std::string::npos;) text.erase(at, 1);
  return text;
}

TEST(EmailTest, GivenAChineseReminderWithAPdf_WhenSent_ThenItArrivesOnceAndDecodesToWhatWasSent) {
  SinkProcess sink(kSmtpSinkScript);
  const Email email = overdue_reminder();

  const SendOutcome outcome = send_email(config_for(sink), email);

  ASSERT_TRUE(outcome.delivered) << outcome.response;
  EXPECT_FALSE(outcome.permanent);
  EXPECT_EQ(outcome.response, "250 OK");
  const auto messages = sink.messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0], build_message(email)) << "the server received other bytes than built";
  const json envelope = json::parse(sink.files(".envelope.json").at(0));
  EXPECT_EQ(envelope["mail_from"], "ar@example.com");
  EXPECT_EQ(envelope["rcpt_tos"], json::array({"li.ming@example.com"}));

  const json message = decoded(messages[0]);
  EXPECT_EQ(message["from_name"], "应收账款部");
  EXPECT_EQ(message["from_address"], "ar@example.com");
  EXPECT_EQ(message["to_name"], "李明");
  EXPECT_EQ(message["to_address"], "li.ming@example.com");
  EXPECT_EQ(message["subject"], email.subject);
  EXPECT_EQ(message["message_id"], email.message_id);
  EXPECT_EQ(message["date"], email.date);
  EXPECT_EQ(message["mime_version"], "1.0");
  EXPECT_EQ(message["text_charset"], "utf-8");
  EXPECT_EQ(crlf_to_lf(message["text"]), email.text);
  ASSERT_EQ(message["attachments"].size(), 1u);
  EXPECT_EQ(message["attachments"][0]["filename"], "对账单.pdf");
  EXPECT_EQ(message["attachments"][0]["content_type"], "application/pdf");
  EXPECT_EQ(message["attachments"][0]["hex"], hex(pdf_bytes()));
}

TEST(EmailTest, GivenAnEmail_WhenBuilt_ThenHeadersAreEncodedWordsAndTheBytesNeverChange) {
  const Email email = overdue_reminder();

  const std::string message = build_message(email);

  EXPECT_THAT(message, HasSubstr("From: =?UTF-8?b?5bqU5pS26LSm5qy+6YOo?= <ar@example.com>\r\n"));
  EXPECT_THAT(message, HasSubstr("To: =?UTF-8?b?5p2O5piO?= <li.ming@example.com>\r\n"));
  EXPECT_THAT(message, HasSubstr("Subject: =?UTF-8?"));
  EXPECT_THAT(message, HasSubstr("Message-Id: <outbox-42.1@huikuan.example>\r\n"));
  EXPECT_THAT(message, HasSubstr("Date: Mon, 02 Jun 2025 09:30:00 +0800\r\n"));
  EXPECT_THAT(message, HasSubstr("MIME-Version: 1.0\r\n"));
  EXPECT_THAT(message, HasSubstr("Content-Type: multipart/mixed;"));
  EXPECT_THAT(message, HasSubstr("Content-Type: text/plain; charset=utf-8\r\n"));
  EXPECT_EQ(message.find("\n"), message.find("\r\n") + 1) << "lines end in CRLF";
  EXPECT_EQ(build_message(email), message) << "a resend must carry the same bytes";
}

TEST(EmailTest, GivenAPlainAsciiTextWithoutAttachments_WhenBuilt_ThenItIsOneTextPart) {
  Email email = overdue_reminder();
  email.subject = "Invoice INV-2025-001 is overdue";
  email.text = "Dear customer,\nplease pay.\n";
  email.attachments.clear();

  const std::string message = build_message(email);

  EXPECT_THAT(message, HasSubstr("Subject: Invoice INV-2025-001 is overdue\r\n"));
  EXPECT_THAT(message, HasSubstr("Content-Type: text/plain; charset=utf-8\r\n"));
  EXPECT_THAT(message, Not(HasSubstr("multipart")));
  EXPECT_THAT(message, HasSubstr("\r\n\r\nDear customer,\r\nplease pay.\r\n"));
}

TEST(EmailTest, GivenLinesStartingWithADot_WhenSent_ThenTheTextArrivesUnchanged) {
  SinkProcess sink(kSmtpSinkScript);
  Email email = overdue_reminder();
  email.text = "first\n.\n..two dots\n.last\n";
  email.attachments.clear();

  const SendOutcome outcome = send_email(config_for(sink), email);

  ASSERT_TRUE(outcome.delivered) << outcome.response;
  ASSERT_EQ(sink.messages().size(), 1u);
  EXPECT_EQ(sink.messages()[0], build_message(email));
  EXPECT_EQ(crlf_to_lf(decoded(sink.messages()[0])["text"]), email.text);
}

TEST(EmailTest, GivenAServerRequiringAuth_WhenTheRightPasswordIsGiven_ThenItIsDelivered) {
  SinkProcess sink(kSmtpSinkScript, {"--auth", "ar:s3cret"});
  SmtpConfig config = config_for(sink);
  config.username = "ar";
  config.password = "s3cret";

  const SendOutcome outcome = send_email(config, overdue_reminder());

  ASSERT_TRUE(outcome.delivered) << outcome.response;
  ASSERT_EQ(sink.messages().size(), 1u);
  EXPECT_EQ(json::parse(sink.files(".envelope.json").at(0))["authenticated"], true);
}

TEST(EmailTest, GivenAServerRequiringAuth_WhenTheWrongPasswordIsGiven_ThenItFailsPermanently) {
  SinkProcess sink(kSmtpSinkScript, {"--auth", "ar:s3cret"});
  SmtpConfig config = config_for(sink);
  config.username = "ar";
  config.password = "wrong";

  const SendOutcome outcome = send_email(config, overdue_reminder());

  EXPECT_FALSE(outcome.delivered);
  EXPECT_TRUE(outcome.permanent);
  EXPECT_THAT(outcome.response, StartsWith("535"));
  EXPECT_TRUE(sink.messages().empty());
}

TEST(EmailTest, GivenAServerRequiringAuth_WhenNoCredentialsAreConfigured_ThenItFailsPermanently) {
  SinkProcess sink(kSmtpSinkScript, {"--auth", "ar:s3cret"});

  const SendOutcome outcome = send_email(config_for(sink), overdue_reminder());

  EXPECT_FALSE(outcome.delivered);
  EXPECT_TRUE(outcome.permanent) << outcome.response;
  EXPECT_THAT(outcome.response, StartsWith("530"));
  EXPECT_TRUE(sink.messages().empty());
}

// One self-signed certificate for localhost and 127.0.0.1 for the TLS tests.
class StartTlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    directory_ = (std::filesystem::temp_directory_path() / "huikuan-tls-XXXXXX").string();
    ASSERT_NE(::mkdtemp(directory_.data()), nullptr);
    const std::string command = fmt::format(
        "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 1 "
        "-addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout {0}/key.pem -out {0}/cert.pem "
        "2>/dev/null",
        directory_);
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(directory_); }
  static std::string cert() { return directory_ + "/cert.pem"; }
  static std::string key() { return directory_ + "/key.pem"; }

 private:
  static inline std::string directory_;
};

TEST_F(StartTlsTest, GivenStartTlsRequiredAndTheServersCertificate_WhenSent_ThenItGoesEncrypted) {
  SinkProcess sink(kSmtpSinkScript, {"--tls-cert", cert(), "--tls-key", key()});
  SmtpConfig config = config_for(sink);
  config.starttls = StartTls::kRequired;
  config.ca_file = cert();

  const SendOutcome outcome = send_email(config, overdue_reminder());

  ASSERT_TRUE(outcome.delivered) << outcome.response;
  ASSERT_EQ(sink.messages().size(), 1u);
  EXPECT_EQ(json::parse(sink.files(".envelope.json").at(0))["tls"], true);
}

TEST_F(StartTlsTest, GivenAuthOverStartTls_WhenSent_ThenItIsAuthenticatedAndEncrypted) {
  SinkProcess sink(kSmtpSinkScript,
                   {"--tls-cert", cert(), "--tls-key", key(), "--auth", "ar:s3cret"});
  SmtpConfig config = config_for(sink);
  config.ca_file = cert();
  config.username = "ar";
  config.password = "s3cret";

  const SendOutcome outcome = send_email(config, overdue_reminder());

  ASSERT_TRUE(outcome.delivered) << outcome.response;
  const json envelope = json::parse(sink.files(".envelope.json").at(0));
  EXPECT_EQ(envelope["tls"], true) << "auto uses STARTTLS when offered";
  EXPECT_EQ(envelope["authenticated"], true);
}

TEST_F(StartTlsTest, GivenStartTlsOff_WhenSent_ThenItGoesInTheClear) {
  SinkProcess sink(kSmtpSinkScript, {"--tls-cert", cert(), "--tls-key", key()});
  SmtpConfig config = config_for(sink);
  config.starttls = StartTls::kOff;

  const SendOutcome outcome = send_email(config, overdue_reminder());

  ASSERT_TRUE(outcome.delivered) << outcome.response;
  EXPECT_EQ(json::parse(sink.files(".envelope.json").at(0))["tls"], false);
}

TEST_F(StartTlsTest, GivenAnUntrustedCertificate_WhenSent_ThenNothingIsDelivered) {
  SinkProcess sink(kSmtpSinkScript, {"--tls-cert", cert(), "--tls-key", key()});
  SmtpConfig config = config_for(sink);
  config.starttls = StartTls::kRequired;

  const SendOutcome outcome = send_email(config, overdue_reminder());

  EXPECT_FALSE(outcome.delivered);
  EXPECT_THAT(outcome.response, HasSubstr("certificate"));
  EXPECT_TRUE(sink.messages().empty());
}

TEST(EmailTest, GivenStartTlsRequiredAndAServerWithoutIt_WhenSent_ThenNothingIsSentInTheClear) {
  SinkProcess sink(kSmtpSinkScript);
  SmtpConfig config = config_for(sink);
  config.starttls = StartTls::kRequired;

  const SendOutcome outcome = send_email(config, overdue_reminder());

  EXPECT_FALSE(outcome.delivered);
  EXPECT_FALSE(outcome.response.empty());
  EXPECT_TRUE(sink.messages().empty());
}

TEST(EmailTest, GivenA451Reply_WhenSent_ThenItIsNotDeliveredButARetryIsWorthIt) {
  SinkProcess sink(kSmtpSinkScript, {"--fail-first", "1"});
  const Email email = overdue_reminder();

  const SendOutcome first = send_email(config_for(sink), email);
  const SendOutcome retry = send_email(config_for(sink), email);

  EXPECT_FALSE(first.delivered);
  EXPECT_FALSE(first.permanent);
  EXPECT_EQ(first.response, "451 4.3.0 try again later");
  EXPECT_TRUE(retry.delivered) << retry.response;
  EXPECT_EQ(sink.messages().size(), 1u);
}

TEST(EmailTest, GivenA550Reply_WhenSent_ThenItFailsPermanently) {
  SinkProcess sink(kSmtpSinkScript, {"--reject"});

  const SendOutcome outcome = send_email(config_for(sink), overdue_reminder());

  EXPECT_FALSE(outcome.delivered);
  EXPECT_TRUE(outcome.permanent);
  EXPECT_EQ(outcome.response, "550 5.1.1 no such user");
  EXPECT_TRUE(sink.messages().empty());
}

TEST(EmailTest, GivenNoServerListening_WhenSent_ThenTheFailureIsTransient) {
  const SmtpConfig config{.url = fmt::format("smtp://127.0.0.1:{}", unused_loopback_port()),
                          .from = "ar@example.com"};

  const SendOutcome outcome = send_email(config, overdue_reminder());

  EXPECT_FALSE(outcome.delivered);
  EXPECT_FALSE(outcome.permanent);
  EXPECT_THAT(outcome.response, HasSubstr("onnect"));
}

TEST(EmailTest, GivenAServerThatNeverAnswersTheData_WhenSent_ThenItGivesUpAfterTheTimeout) {
  SinkProcess sink(kSmtpSinkScript, {"--hang-on", "1"});
  SmtpConfig config = config_for(sink);
  config.timeout = std::chrono::seconds(1);
  const auto start = std::chrono::steady_clock::now();

  const SendOutcome outcome = send_email(config, overdue_reminder());

  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_FALSE(outcome.delivered);
  EXPECT_FALSE(outcome.permanent);
  EXPECT_THAT(outcome.response, HasSubstr("imeout"));
}

TEST(EmailTest, GivenABadRecipient_WhenSent_ThenItFailsPermanentlyWithoutConnecting) {
  const SmtpConfig config{.url = fmt::format("smtp://127.0.0.1:{}", unused_loopback_port()),
                          .from = "ar@example.com"};
  Email email = overdue_reminder();
  email.to_address = "li.ming at example.com";

  const SendOutcome outcome = send_email(config, email);

  EXPECT_FALSE(outcome.delivered);
  EXPECT_TRUE(outcome.permanent) << "a refused connection would have been transient";
  EXPECT_THAT(outcome.response, HasSubstr("bad recipient"));
}

TEST(MailboxTest, GivenSenderTexts_WhenParsed_ThenNameAndAddressAreSplit) {
  struct Case {
    std::string text, name, address;
  };
  const std::vector<Case> cases = {
      {"ar@example.com", "", "ar@example.com"},
      {"应收账款部 <ar@example.com>", "应收账款部", "ar@example.com"},
      {"\"Accounts, Receivable\" <ar@example.com>", "Accounts, Receivable", "ar@example.com"},
      {"  <ar@example.com>  ", "", "ar@example.com"},
  };
  for (const auto& c : cases) {
    const auto mailbox = parse_mailbox(c.text);
    ASSERT_TRUE(mailbox) << c.text << ": " << mailbox.error().message;
    EXPECT_EQ(mailbox->name, c.name) << c.text;
    EXPECT_EQ(mailbox->address, c.address) << c.text;
  }
}

TEST(MailboxTest, GivenTextsWithoutAnAddress_WhenParsed_ThenEachIsAnError) {
  for (const std::string text :
       {"", "应收账款部", "Name <>", "ar@", "@example.com", "a@b@example.com", "ar@example..com",
        "a r@example.com", "Name <ar@example.com", "ar@example.com>",
        "Bad\r\nBcc: x <ar@example.com>"}) {
    EXPECT_FALSE(parse_mailbox(text)) << text;
  }
}

}  // namespace
}  // namespace huikuan::notify

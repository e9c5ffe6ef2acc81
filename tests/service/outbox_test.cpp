// Given a small ledger planned by the daily run and real local servers (smtp_sink.py for email,
// http_sink.py for the SMS gateway and the WeCom robot), when the outbox is sent, then every
// message arrives once as planned, failures retry with doubling backoff, and the send-time
// compliance checks (do-not-contact, payments and disputes since planning, the contact window)
// hold messages back as a customer would expect.

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "core/digest.h"
#include "io/policy_toml.h"
#include "notify/sink_process.h"
#include "service/collections.h"
#include "service/daily_run.h"
#include "service/import_fixture.h"
#include "service/importer.h"
#include "service/messages.h"
#include "test_db.h"

namespace huikuan {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::kHttpSinkScript;
using testing::kSmtpSinkScript;
using ::testing::Not;
using testing::python3_output;
using testing::SinkProcess;
using ::testing::SizeIs;
using ::testing::StartsWith;
using testing::TempDir;
using testing::write_file;

// The run date: a Wednesday, with working days around it in China.
constexpr const char* kDay = "2026-06-10";
// Planned messages go out at 09:00 local; this is an hour later.
constexpr const char* kMorning = "2026-06-10T10:00:00+08:00";

// Customer ids whose hash picks the champion's letter schedule (see policy_variant).
std::string champion(std::string key) {
  while (policy_variant(default_policy(), key) != kChampion) key += "x";
  return key;
}

const std::string kC1 = champion("C1");  // 华北重工: one invoice 5 days overdue → letter 1
const std::string kC2 = champion("C2");  // Acme: two invoices 4 and 7 days overdue → letter 1
const std::string kC3 = champion("C3");  // 远洋物流: 129 days overdue → legal review, letter 4

const std::string kCustomerHeader =
    "customer_id,name,currency,email,phone,timezone,language,country\n";
const std::string kInvoiceHeader = "invoice_id,customer_id,invoice_date,due_date,currency,amount\n";

std::string c1_row() {
  return kC1 + ",华北重工有限公司,CNY,c1@example.com,+8613800000001,Asia/Shanghai,zh-CN,CN\n";
}
std::string c2_row() {
  return kC2 + ",Acme Trading Ltd,CNY,c2@example.com,+8613800000002,Asia/Shanghai,en,CN\n";
}
std::string c3_row() {
  return kC3 + ",远洋物流有限公司,CNY,c3@example.com,+8613800000003,Asia/Shanghai,zh-CN,CN\n";
}
std::string c1_invoices() {
  return "INV-1001," + kC1 + ",2026-05-06,2026-06-05,CNY,12345.67\n";
}
std::string c2_invoices() {
  return "INV-2001," + kC2 + ",2026-05-04,2026-06-03,CNY,5000.00\nINV-2002," + kC2 +
         ",2026-05-07,2026-06-06,CNY,800.00\n";
}
std::string c3_invoices() {
  return "INV-3001," + kC3 + ",2026-01-02,2026-02-01,CNY,30000.00\n";
}

// What Python's e-mail package reads from `raw`: the decoded headers, body and attachments.
json decoded(const std::string& raw) {
  static constexpr const char* kDecoder = R"(
import email, email.policy, json, sys
message = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=email.policy.default)
print(json.dumps({
    'to_address': message['To'].addresses[0].addr_spec,
    'subject': str(message['Subject']),
    'message_id': str(message['Message-ID']),
    'text': message.get_body(('plain',)).get_content(),
    'attachments': [{'filename': part.get_filename(), 'content_type': part.get_content_type(),
                     'hex': part.get_content().hex()} for part in message.iter_attachments()],
}))
)";
  TempDir dir("eml");
  write_file(dir / "message.eml", raw);
  return json::parse(python3_output({"-c", kDecoder, (dir / "message.eml").string()}));
}

std::string unhex(const std::string& hex) {
  std::string bytes;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  return bytes;
}

// The text pdftotext reads from `pdf`, without spaces and line breaks (CJK text and wrapped
// table cells come back broken where the layout put them).
std::string pdf_text(const std::string& pdf) {
  TempDir dir("pdf");
  write_file(dir / "letter.pdf", pdf);
  const std::string command = "pdftotext -enc UTF-8 " + (dir / "letter.pdf").string() + " -";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("cannot run pdftotext");
  std::string text;
  char buffer[4096];
  for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) text.append(buffer, n);
  if (::pclose(pipe) != 0) throw std::runtime_error("pdftotext failed");
  std::string squeezed;
  for (char c : text)
    if (c != ' ' && c != '\n' && c != '\f') squeezed += c;
  return squeezed;
}

std::string squeezed(std::string text) {
  std::erase_if(text, [](char c) { return c == ' ' || c == '\n' || c == '\r'; });
  return text;
}

int64_t at(const char* iso) {
  return Timestamp::parse(iso)->utc_seconds;
}

class OutboxTest : public ::testing::Test {
 protected:
  // Imports the customers and invoices (CSV rows without headers) and runs the day.
  void plan(const std::string& customers, const std::string& invoices,
            const Policy& policy = default_policy()) {
    write_file(dir_ / "ledger" / "customers.csv", kCustomerHeader + customers);
    write_file(dir_ / "ledger" / "invoices.csv", kInvoiceHeader + invoices);
    store_ = std::move(*Store::open(huikuan::testing::test_db(dir_)));
    ImportOptions options;
    options.dir = (dir_ / "ledger").string();
    auto imported = import_ledger(*store_, options);
    ASSERT_TRUE(imported.has_value()) << imported.error().errors.front().to_string();
    auto run = run_daily(*store_, "", policy, *Date::parse(kDay),
                         {"run", *Timestamp::parse(std::string(kDay) + "T06:00:00+08:00")});
    ASSERT_TRUE(run.has_value()) << run.error().to_string();
  }

  // The server config a user would write: the company, and a table per sink given.
  static notify::NotifyConfig config(const SinkProcess* smtp, const SinkProcess* http = nullptr,
                                     const std::string& more_toml = "") {
    std::string toml = R"([company]
name = "上海示例贸易有限公司"
address = "上海市浦东新区世纪大道 100 号"
phone = "021-5888 0000"
email = "ar@example.com"
bank_name = "中国工商银行上海浦东分行"
bank_account = "1001 2345 6789 0123 456"
contact_person = "王丽"
)";
    if (smtp) {
      toml += fmt::format(
          "[smtp]\nurl = \"smtp://127.0.0.1:{}\"\nfrom = \"应收账款部 <ar@example.com>\"\n"
          "timeout_seconds = 5\n",
          smtp->port());
    }
    if (http) {
      toml += fmt::format(
          "[sms]\nurl = \"http://127.0.0.1:{0}/sms\"\ntoken = \"gw-t0ken\"\n"
          "[im]\nkind = \"wecom\"\nurl = \"http://127.0.0.1:{0}/cgi-bin/webhook/send?key=k1\"\n",
          http->port());
    }
    auto parsed = notify::parse_notify_config(toml + more_toml, "test.toml");
    if (!parsed) throw std::runtime_error(parsed.error().to_string());
    return *parsed;
  }

  SendSummary send(const notify::NotifyConfig& config, const char* now, int64_t limit = 500,
                   const Policy& policy = default_policy()) {
    return send(config, *Timestamp::parse(now), limit, policy);
  }
  SendSummary send(const notify::NotifyConfig& config, Timestamp now, int64_t limit = 500,
                   const Policy& policy = default_policy()) {
    auto summary = send_due_messages(*store_, policy, config, {"outbox", now}, limit);
    EXPECT_TRUE(summary.has_value()) << summary.error().to_string();
    return summary.value_or(SendSummary{});
  }

  std::vector<OutboxMessage> outbox(const std::string& channel = "") {
    std::vector<OutboxMessage> rows;
    store_->read_outbox({std::nullopt, std::nullopt, std::nullopt, 1000},
                        [&](const OutboxMessage& m) {
                          if (channel.empty() || m.channel == channel) rows.push_back(m);
                        });
    std::reverse(rows.begin(), rows.end());  // oldest first
    return rows;
  }
  OutboxMessage only(const std::string& channel, const std::string& customer) {
    std::vector<OutboxMessage> rows;
    for (const auto& m : outbox(channel))
      if (m.customer_id == customer) rows.push_back(m);
    EXPECT_THAT(rows, SizeIs(1)) << channel << " messages of " << customer;
    return rows.empty() ? OutboxMessage{} : rows.front();
  }
  std::vector<OutboxAttempt> attempts(int64_t outbox_id) {
    std::vector<OutboxAttempt> rows;
    store_->read_outbox_attempts(outbox_id, [&](const OutboxAttempt& a) { rows.push_back(a); });
    return rows;
  }
  std::vector<Evidence> evidence(const std::string& customer) {
    std::vector<Evidence> rows;
    store_->read_customer_evidence(store_->find_customer(customer)->id, true,
                                   [&](const Evidence& e) { rows.push_back(e); });
    return rows;
  }
  // Imports a payment of `amount` on `date` allocated to `invoice`.
  void pay(const std::string& customer, const std::string& invoice, const char* date,
           const char* amount) {
    write_file(dir_ / "ledger" / "payments.csv",
               fmt::format("payment_id,customer_id,payment_date,currency,amount\nP1,{},{},CNY,{}\n",
                           customer, date, amount));
    write_file(
        dir_ / "ledger" / "allocations.csv",
        fmt::format("invoice_id,payment_id,amount,date\n{},P1,{},{}\n", invoice, amount, date));
    ImportOptions options;
    options.dir = (dir_ / "ledger").string();
    auto imported = import_ledger(*store_, options);
    ASSERT_TRUE(imported.has_value()) << imported.error().errors.front().to_string();
  }

  TempDir dir_{"outbox"};
  std::unique_ptr<Store> store_;
};

TEST_F(OutboxTest, GivenPlannedEmailsAndLetters_WhenSent_ThenEachArrivesOnceAsPlannedWithEvidence) {
  plan(c1_row() + c2_row() + c3_row(), c1_invoices() + c2_invoices() + c3_invoices());
  SinkProcess sink(kSmtpSinkScript);
  const auto config = this->config(&sink);
  const auto emails = outbox("email");
  ASSERT_GE(emails.size(), 3u) << "a letter to each customer at least";

  const SendSummary summary = send(config, kMorning);

  EXPECT_EQ(summary.sent, emails.size());
  EXPECT_EQ(summary.failed + summary.retried + summary.cancelled + summary.postponed, 0u);
  const auto received = sink.messages();
  ASSERT_EQ(received.size(), emails.size());
  std::map<std::string, json> by_message_id;
  for (const auto& raw : received) {
    json message = decoded(raw);
    const std::string id = message["message_id"];
    EXPECT_TRUE(by_message_id.emplace(id, std::move(message)).second) << id << " arrived twice";
  }
  const std::map<std::string, std::string> address = {
      {kC1, "c1@example.com"}, {kC2, "c2@example.com"}, {kC3, "c3@example.com"}};
  const std::map<std::string, std::pair<std::string, std::vector<std::string>>> letter = {
      {kC1, {"华北重工有限公司", {"INV-1001", "12,345.67"}}},
      {kC2, {"Acme Trading Ltd", {"INV-2001", "5,000.00", "INV-2002", "800.00", "5,800.00"}}},
      {kC3, {"远洋物流有限公司", {"INV-3001", "30,000.00"}}}};
  std::set<std::string> lettered;
  for (const OutboxMessage& m : outbox("email")) {  // as sent: rendered, with the company
    SCOPED_TRACE(m.customer_id + " " + m.template_name);
    auto found = by_message_id.find(m.message_id);
    ASSERT_NE(found, by_message_id.end()) << m.message_id << " never arrived";
    const json& message = found->second;
    EXPECT_EQ(message["to_address"], address.at(m.customer_id));
    EXPECT_EQ(message["subject"], m.subject);
    EXPECT_THAT(message["subject"].get<std::string>(), Not(HasSubstr("{{")));
    EXPECT_THAT(message["text"].get<std::string>(), Not(HasSubstr("{{")));
    EXPECT_EQ(m.status, OutboxStatus::kSent);
    EXPECT_EQ(m.attempts, 1);
    EXPECT_EQ(store_->find_action(*m.action_id)->status, ActionStatus::kDone);
    if (m.letter.empty()) {
      EXPECT_THAT(message["attachments"], IsEmpty());
      continue;
    }
    // The cover email signs with the company; the letter names the customer, its invoices,
    // the amounts, and where to pay.
    EXPECT_THAT(squeezed(message["text"]), HasSubstr("王丽"));
    ASSERT_EQ(message["attachments"].size(), 1u);
    EXPECT_EQ(message["attachments"][0]["content_type"], "application/pdf");
    EXPECT_EQ(message["attachments"][0]["filename"], m.template_name + ".pdf");
    const std::string text = pdf_text(unhex(message["attachments"][0]["hex"]));
    const auto& [name, facts] = letter.at(m.customer_id);
    EXPECT_THAT(text, HasSubstr(squeezed(name)));
    for (const auto& fact : facts) EXPECT_THAT(text, HasSubstr(fact));
    EXPECT_THAT(text, HasSubstr("王丽")) << "the contact person, from [company]";
    EXPECT_THAT(text, HasSubstr("1001234567890123456")) << "the bank account to pay to";
    EXPECT_THAT(text, HasSubstr("中国工商银行上海浦东分行"));
    lettered.insert(m.customer_id);
  }
  EXPECT_EQ(lettered, (std::set<std::string>{kC1, kC2, kC3}));

  // Evidence: exactly what went out, with its digest; the letter with its own.
  size_t evidence_rows = 0;
  for (const auto& customer : {kC1, kC2, kC3}) {
    for (const Evidence& e : evidence(customer)) {
      SCOPED_TRACE(e.message_id);
      ++evidence_rows;
      EXPECT_EQ(e.content_sha256, sha256_hex(e.content));
      EXPECT_THAT(e.content, HasSubstr("Message-Id: " + e.message_id + "\r\n"));
      EXPECT_TRUE(std::find(received.begin(), received.end(), e.content) != received.end())
          << "the evidence is the message the server received";
      EXPECT_TRUE(e.is_demand);
      EXPECT_EQ(e.response, "250 OK");
      if (!e.pdf.empty()) {
        EXPECT_EQ(e.pdf_sha256, sha256_hex(e.pdf));
      }
    }
  }
  EXPECT_EQ(evidence_rows, emails.size());

  // A second pass, later the same day, has nothing left to send.
  const SendSummary again = send(config, "2026-06-10T11:00:00+08:00");
  EXPECT_EQ(again.sent, 0u);
  EXPECT_EQ(sink.messages().size(), emails.size());
}

TEST_F(OutboxTest, GivenAServerThatFailsOnce_WhenSentAgain_ThenItIsDeliveredAfter60s) {
  plan(c1_row(), c1_invoices());
  SinkProcess sink(kSmtpSinkScript, {"--fail-first", "1"});
  const auto config = this->config(&sink);
  const OutboxMessage letter = only("email", kC1);
  const int64_t t0 = at(kMorning);

  const SendSummary first = send(config, kMorning);

  EXPECT_EQ(first.retried, 1u);
  EXPECT_EQ(first.sent, 0u);
  auto m = store_->find_outbox(letter.id);
  EXPECT_EQ(m->status, OutboxStatus::kPending);
  EXPECT_EQ(m->attempts, 1);
  EXPECT_EQ(m->not_before, t0 + 60);
  EXPECT_THAT(m->last_error, HasSubstr("451"));
  auto tries = attempts(letter.id);
  ASSERT_EQ(tries.size(), 1u);
  EXPECT_EQ(tries[0].outcome, "retry");
  EXPECT_EQ(tries[0].response, "451 4.3.0 try again later");
  EXPECT_EQ(store_->find_action(*letter.action_id)->status, ActionStatus::kPlanned);
  EXPECT_THAT(evidence(kC1), IsEmpty());

  // Half way through the backoff: nothing is tried.
  const SendSummary early = send(config, Timestamp::at(t0 + 30));
  EXPECT_EQ(early.sent + early.retried + early.failed, 0u);
  EXPECT_THAT(attempts(letter.id), SizeIs(1));
  EXPECT_THAT(sink.messages(), IsEmpty());

  const SendSummary later = send(config, Timestamp::at(t0 + 61));

  EXPECT_EQ(later.sent, 1u);
  m = store_->find_outbox(letter.id);
  EXPECT_EQ(m->status, OutboxStatus::kSent);
  EXPECT_EQ(m->attempts, 2);
  tries = attempts(letter.id);
  ASSERT_EQ(tries.size(), 2u);
  EXPECT_EQ(tries[1].outcome, "delivered");
  EXPECT_EQ(tries[1].response, "250 OK");
  const auto received = sink.messages();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(decoded(received[0])["message_id"], letter.message_id) << "the planned Message-ID";
  EXPECT_EQ(store_->find_action(*letter.action_id)->status, ActionStatus::kDone);
  EXPECT_THAT(evidence(kC1), SizeIs(1));
}

TEST_F(OutboxTest, GivenAServerThatFailsTwice_WhenSentAgain_ThenTheSecondRetryWaitsTwiceAsLong) {
  plan(c1_row(), c1_invoices());
  SinkProcess sink(kSmtpSinkScript, {"--fail-first", "2"});
  const auto config = this->config(&sink);
  const OutboxMessage letter = only("email", kC1);
  const int64_t t0 = at(kMorning);
  ASSERT_EQ(send(config, kMorning).retried, 1u);
  ASSERT_EQ(store_->find_outbox(letter.id)->not_before, t0 + 60);

  const SendSummary second = send(config, Timestamp::at(t0 + 61));

  EXPECT_EQ(second.retried, 1u);
  const auto m = store_->find_outbox(letter.id);
  EXPECT_EQ(m->status, OutboxStatus::kPending);
  EXPECT_EQ(m->attempts, 2);
  EXPECT_EQ(m->not_before, t0 + 61 + 120);
  EXPECT_EQ(send(config, Timestamp::at(t0 + 61 + 119)).retried, 0u);
  EXPECT_THAT(attempts(letter.id), SizeIs(2));
  EXPECT_EQ(send(config, Timestamp::at(t0 + 61 + 120)).sent, 1u);
  EXPECT_THAT(attempts(letter.id), SizeIs(3));
  EXPECT_THAT(sink.messages(), SizeIs(1));
}

TEST_F(OutboxTest, GivenAServerThatKeepsFailing_WhenMaxAttemptsAreUsed_ThenTheMessageFails) {
  plan(c1_row(), c1_invoices());
  SinkProcess sink(kSmtpSinkScript, {"--fail-first", "10"});
  const auto config = this->config(&sink, nullptr, "[outbox]\nmax_attempts = 2\n");
  const OutboxMessage letter = only("email", kC1);
  const int64_t t0 = at(kMorning);

  EXPECT_EQ(send(config, kMorning).retried, 1u);
  const SendSummary last = send(config, Timestamp::at(t0 + 60));

  EXPECT_EQ(last.failed, 1u);
  const auto m = store_->find_outbox(letter.id);
  EXPECT_EQ(m->status, OutboxStatus::kFailed);
  EXPECT_EQ(m->attempts, 2);
  EXPECT_THAT(m->last_error, HasSubstr("451"));
  const auto tries = attempts(letter.id);
  ASSERT_EQ(tries.size(), 2u);
  EXPECT_EQ(tries[1].outcome, "failed");
  EXPECT_EQ(send(config, Timestamp::at(t0 + 3600)).failed, 0u) << "failed is final";
  EXPECT_THAT(attempts(letter.id), SizeIs(2));
}

TEST_F(OutboxTest, GivenAServerThatRejectsTheRecipient_WhenSent_ThenTheMessageFailsAtOnce) {
  plan(c1_row(), c1_invoices());
  SinkProcess sink(kSmtpSinkScript, {"--reject"});
  const OutboxMessage letter = only("email", kC1);

  const SendSummary summary = send(config(&sink), kMorning);

  EXPECT_EQ(summary.failed, 1u);
  EXPECT_EQ(summary.retried, 0u);
  const auto m = store_->find_outbox(letter.id);
  EXPECT_EQ(m->status, OutboxStatus::kFailed);
  EXPECT_EQ(m->attempts, 1);
  EXPECT_THAT(m->last_error, HasSubstr("550"));
  const auto tries = attempts(letter.id);
  ASSERT_EQ(tries.size(), 1u);
  EXPECT_EQ(tries[0].outcome, "failed");
  EXPECT_THAT(sink.messages(), IsEmpty());
  EXPECT_THAT(evidence(kC1), IsEmpty());
  // Failed is final: a later pass does not try again.
  EXPECT_EQ(send(config(&sink), "2026-06-10T12:00:00+08:00").failed, 0u);
  EXPECT_THAT(attempts(letter.id), SizeIs(1));
}

TEST_F(OutboxTest, GivenDoNotContactSetAfterPlanning_WhenSent_ThenItsMessageIsCancelled) {
  plan(c1_row() + c2_row(), c1_invoices() + c2_invoices());
  SinkProcess sink(kSmtpSinkScript);
  const OutboxMessage to_c1 = only("email", kC1);
  Customer c1 = *store_->find_customer(kC1);
  c1.do_not_contact = true;
  store_->update_customer(c1);

  const SendSummary summary = send(config(&sink), kMorning);

  EXPECT_EQ(summary.cancelled, 1u);
  const auto m = store_->find_outbox(to_c1.id);
  EXPECT_EQ(m->status, OutboxStatus::kCancelled);
  EXPECT_EQ(m->last_error, "do_not_contact");
  EXPECT_THAT(attempts(to_c1.id), IsEmpty());
  const auto action = store_->find_action(*to_c1.action_id);
  EXPECT_EQ(action->status, ActionStatus::kSkipped);
  EXPECT_THAT(action->outcome, HasSubstr("do_not_contact"));
  EXPECT_THAT(evidence(kC1), IsEmpty());
  // Nothing reached the customer; the others' messages went out.
  const auto received = sink.messages();
  EXPECT_EQ(received.size(), outbox("email").size() - 1);
  for (const auto& raw : received) EXPECT_NE(decoded(raw)["to_address"], "c1@example.com");
}

TEST_F(OutboxTest, GivenAPaymentOrADisputeSincePlanning_WhenSent_ThenThoseMessagesAreCancelled) {
  plan(c1_row() + c2_row() + c3_row(), c1_invoices() + c2_invoices() + c3_invoices());
  SinkProcess sink(kSmtpSinkScript);
  pay(kC1, "INV-1001", kDay, "1000.00");
  auto disputed = open_dispute(*store_, {"INV-2001", "5000.00", "quality_problem", "破损"}, 48,
                               {"collector", *Timestamp::parse("2026-06-10T08:30:00+08:00")});
  ASSERT_TRUE(disputed.has_value()) << disputed.error().to_string();

  const SendSummary summary = send(config(&sink), kMorning);

  for (const auto& customer : {kC1, kC2}) {
    for (const OutboxMessage& planned : outbox("email")) {
      if (planned.customer_id != customer) continue;
      SCOPED_TRACE(customer + " " + planned.template_name);
      EXPECT_EQ(planned.status, OutboxStatus::kCancelled);
      EXPECT_EQ(planned.last_error, "paid or disputed since planning");
      EXPECT_EQ(store_->find_action(*planned.action_id)->status, ActionStatus::kSkipped);
    }
    EXPECT_THAT(evidence(customer), IsEmpty());
  }
  EXPECT_GE(summary.cancelled, 2u);
  const auto received = sink.messages();
  ASSERT_FALSE(received.empty()) << "the third customer's messages still go out";
  for (const auto& raw : received) EXPECT_EQ(decoded(raw)["to_address"], "c3@example.com");
}

TEST_F(OutboxTest, GivenQuietHours_WhenSentAt23_ThenCustomersWaitUntil08AndAlertsGo) {
  plan(c1_row() + c3_row(), c1_invoices() + c3_invoices());
  SinkProcess smtp(kSmtpSinkScript);
  SinkProcess http(kHttpSinkScript);
  const auto config = this->config(&smtp, &http);
  const OutboxMessage alert = only("im", kC3);

  const SendSummary late = send(config, "2026-06-10T23:00:00+08:00");

  EXPECT_THAT(smtp.messages(), IsEmpty()) << "no email to a customer at 23:00";
  EXPECT_EQ(late.sent, 1u) << "only the internal alert";
  EXPECT_EQ(store_->find_outbox(alert.id)->status, OutboxStatus::kSent);
  EXPECT_THAT(http.messages(), SizeIs(1));
  const int64_t next_morning = at("2026-06-11T08:00:00+08:00");
  for (const OutboxMessage& m : outbox("email")) {
    SCOPED_TRACE(m.customer_id + " " + m.template_name);
    EXPECT_EQ(m.status, OutboxStatus::kPending);
    EXPECT_EQ(m.not_before, next_morning);
    EXPECT_EQ(m.attempts, 0);
    EXPECT_EQ(m.last_error, "outside the contact window");
  }
  EXPECT_EQ(late.postponed, outbox("email").size());

  // Still quiet a minute before eight; at eight they go.
  EXPECT_EQ(send(config, "2026-06-11T07:59:00+08:00").sent, 0u);
  EXPECT_EQ(send(config, "2026-06-11T08:00:00+08:00").sent, outbox("email").size());
  EXPECT_EQ(smtp.messages().size(), outbox("email").size());
}

TEST_F(OutboxTest, GivenSmsAndWeComChannels_WhenSent_ThenTheGatewayAndTheRobotReceiveTheirJson) {
  // Follow-ups by SMS for every class (classes A and B call and email by default).
  Policy policy = default_policy();
  policy.channels_by_class["A"] = {"sms"};
  policy.channels_by_class["B"] = {"sms"};
  plan(c1_row() + c3_row(), c1_invoices() + c3_invoices(), policy);
  SinkProcess http(kHttpSinkScript);
  const auto config = this->config(nullptr, &http);
  EXPECT_EQ(only("sms", kC1).recipient, "+8613800000001");

  const SendSummary summary = send(config, kMorning, 500, policy);

  EXPECT_EQ(summary.sent, 2u);
  EXPECT_EQ(summary.unconfigured, outbox("email").size()) << "no [smtp]: emails wait";
  const OutboxMessage sms = only("sms", kC1);
  const OutboxMessage alert = only("im", kC3);
  EXPECT_EQ(sms.status, OutboxStatus::kSent);
  EXPECT_EQ(alert.status, OutboxStatus::kSent);
  std::map<std::string, json> posts;
  for (const auto& raw : http.messages()) {
    json post = json::parse(raw);
    posts[post["path"]] = post;
  }
  ASSERT_TRUE(posts.contains("/sms"));
  const json& gateway = posts["/sms"];
  EXPECT_EQ(gateway["headers"]["authorization"], "Bearer gw-t0ken");
  EXPECT_EQ(json::parse(gateway["body"].get<std::string>()),
            (json{{"to", "+8613800000001"}, {"text", sms.body}, {"message_id", sms.message_id}}));
  EXPECT_THAT(sms.body, StartsWith("【上海示例贸易有限公司】华北重工有限公司"));
  EXPECT_THAT(sms.body, HasSubstr("CNY 12,345.67"));
  EXPECT_THAT(sms.body, HasSubstr("021-5888 0000"));

  ASSERT_TRUE(posts.contains("/cgi-bin/webhook/send?key=k1"));
  const json robot = json::parse(posts["/cgi-bin/webhook/send?key=k1"]["body"].get<std::string>());
  EXPECT_EQ(robot["msgtype"], "text");
  EXPECT_EQ(robot["text"]["content"], alert.body);
  EXPECT_THAT(alert.body, HasSubstr("远洋物流有限公司"));

  // Both kept as evidence; only the SMS is a demand to the customer.
  const auto sms_evidence = evidence(kC1);
  ASSERT_EQ(sms_evidence.size(), 1u);
  EXPECT_EQ(sms_evidence[0].channel, "sms");
  EXPECT_TRUE(sms_evidence[0].is_demand);
  EXPECT_EQ(json::parse(sms_evidence[0].content), json::parse(gateway["body"].get<std::string>()));
  EXPECT_EQ(sms_evidence[0].content_sha256, sha256_hex(sms_evidence[0].content));
  const auto alert_evidence = evidence(kC3);
  ASSERT_EQ(alert_evidence.size(), 1u);
  EXPECT_FALSE(alert_evidence[0].is_demand);
}

TEST_F(OutboxTest, GivenADeliveredDemand_ThenTheClaimsLimitationRestartsOnTheDayItWasSent) {
  plan(c1_row(), c1_invoices());
  const Customer c1 = *store_->find_customer(kC1);
  const auto before = claim_deadlines(*store_, c1, *Date::parse(kDay));
  ASSERT_EQ(before.size(), 1u);
  EXPECT_EQ(before[0].deadline, *Date::parse("2029-06-05"));
  EXPECT_EQ(before[0].restarted_by, "due date");
  SinkProcess sink(kSmtpSinkScript);

  ASSERT_EQ(send(config(&sink), kMorning).sent, 1u);

  const auto after = claim_deadlines(*store_, c1, *Date::parse(kDay));
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].invoice_id, "INV-1001");
  EXPECT_EQ(after[0].deadline, *Date::parse("2029-06-10"));
  EXPECT_EQ(after[0].restarted_by, "demand 2026-06-10");
  const json bundle = json::parse(*evidence_json(*store_, kC1, *Date::parse(kDay)));
  EXPECT_EQ(bundle["claims"][0]["limitation_deadline"], "2029-06-10");
  ASSERT_EQ(bundle["messages"].size(), 1u);
  EXPECT_EQ(bundle["messages"][0]["recipient"], "c1@example.com");
  EXPECT_EQ(bundle["messages"][0]["attempts"][0]["outcome"], "delivered");
}

// A channel without its table keeps its messages waiting; they must not keep the configured
// channels' messages from going out when more of them are due than one pass takes.
TEST_F(OutboxTest, GivenMoreUnconfiguredMessagesThanOnePassTakes_WhenSent_ThenEmailsStillGo) {
  plan(c3_row(), c3_invoices());  // the alert is planned before the letter
  SinkProcess sink(kSmtpSinkScript);
  ASSERT_THAT(outbox("im"), SizeIs(1));
  const size_t emails = outbox("email").size();
  ASSERT_GE(emails, 1u);

  for (size_t pass = 0; pass < emails; ++pass) send(config(&sink), kMorning, 1);

  EXPECT_EQ(sink.messages().size(), emails);
  EXPECT_EQ(only("im", kC3).status, OutboxStatus::kPending);
}

}  // namespace
}  // namespace huikuan

// Given the built `huikuan` binary and a mail server that stops answering, when `huikuan outbox
// send` is killed in the middle of a message and run again, then every email of the outbox
// arrives, none twice but the one that was in flight, and all of them end up sent.

#include <fcntl.h>
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "app/cli_run.h"
#include "notify/sink_process.h"
#include "service/import_fixture.h"
#include "store/store.h"
#include "test_db.h"

extern char** environ;

namespace huikuan {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::kSmtpSinkScript;
using testing::run_huikuan;
using testing::SinkProcess;
using testing::TempDir;
using testing::write_file;

// The value of the Message-Id header of a raw message ("" when it has none).
std::string message_id_of(const std::string& raw) {
  std::istringstream in(raw);
  for (std::string line; std::getline(in, line) && line != "\r";) {
    if (line.size() > 11 && strncasecmp(line.c_str(), "Message-Id:", 11) == 0) {
      std::string value = line.substr(11);
      value.erase(0, value.find_first_not_of(' '));
      if (!value.empty() && value.back() == '\r') value.pop_back();
      return value;
    }
  }
  return "";
}

// `huikuan args…` started as a child process, its output into files in `dir`.
pid_t spawn_huikuan(const std::vector<std::string>& args, const TempDir& dir) {
  std::vector<std::string> argv_text = {HUIKUAN_BINARY};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& arg : argv_text) argv.push_back(arg.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  const std::string out = (dir / "killed.out").string(), err = (dir / "killed.err").string();
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = -1;
  const int spawned = posix_spawn(&pid, HUIKUAN_BINARY, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return spawned == 0 ? pid : -1;
}

// Kills and reaps the child when a test ends early.
struct Child {
  pid_t pid = -1;
  ~Child() {
    if (pid > 0) kill_and_reap();
  }
  //! Whether the child has ended by itself (then reaped).
  bool ended() {
    if (::waitpid(pid, nullptr, WNOHANG) != pid) return false;
    pid = -1;
    return true;
  }
  int kill_and_reap() {
    ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    pid = -1;
    return status;
  }
};

TEST(OutboxCliTest, GivenASenderKilledWhileTheServerHangs_WhenSentAgain_ThenEveryEmailArrivesOnce) {
  TempDir dir("outbox-cli");
  const std::string ledger = (dir / "ledger").string(),
                    db = huikuan::testing::test_db(dir, "huikuan.db");
  const auto gen = run_huikuan(
      {"gen", "--customers", "12", "--seed", "7", "--out", ledger, "--as-of", "2026-06-30"});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  const auto import = run_huikuan({"import", "--db", db, ledger});
  ASSERT_EQ(import.exit_code, 0) << import.err;
  const auto run = run_huikuan({"run", "--db", db, "--as-of", "2026-06-30"});
  ASSERT_EQ(run.exit_code, 0) << run.err;

  auto store = std::move(*Store::open(db));
  std::set<std::string> planned;  // the Message-IDs of the outbox's emails
  store->read_outbox({OutboxStatus::kPending, std::nullopt, std::nullopt, 1000},
                     [&](const OutboxMessage& m) {
                       if (m.channel == "email") planned.insert(m.message_id);
                     });
  ASSERT_GE(planned.size(), 4u) << "two sent, one in flight, and one after it at least";

  // The third DATA command is never answered; the timeout outlasts the test's wait.
  SinkProcess sink(kSmtpSinkScript, {"--hang-on", "3"});
  const auto config = dir / "server.toml";
  write_file(config, fmt::format("[smtp]\nurl = \"smtp://127.0.0.1:{}\"\n"
                                 "from = \"应收账款部 <ar@example.com>\"\ntimeout_seconds = 20\n",
                                 sink.port()));
  // An afternoon in China, a morning in Europe: every planned email is due.
  const std::vector<std::string> send = {
      "outbox",   "send",          "--db",  db,
      "--config", config.string(), "--now", "2026-06-30T16:00:00+08:00"};

  Child child{spawn_huikuan(send, dir)};
  ASSERT_GT(child.pid, 0);
  // Wait until two messages are recorded as sent and the server holds the third without
  // answering (the sink marks it), then kill the sender. What it held is read back afterwards:
  // the row a dead sender leaves 'sending'.
  for (const auto deadline = std::chrono::steady_clock::now() + 30s;;) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline)
        << "never saw a third message claimed; received " << sink.messages().size();
    ASSERT_FALSE(child.ended()) << "the sender ended: "
                                << testing::read_whole_file(dir / "killed.out")
                                << testing::read_whole_file(dir / "killed.err");
    size_t sent = 0, sending = 0;
    store->read_outbox({std::nullopt, std::nullopt, std::nullopt, 1000},
                       [&](const OutboxMessage& m) {
                         sent += m.status == OutboxStatus::kSent;
                         sending += m.status == OutboxStatus::kSending;
                       });
    if (sent == 2 && sending == 1 && std::filesystem::exists(sink.dir() / "hanging")) break;
    std::this_thread::sleep_for(10ms);
  }
  const int status = child.kill_and_reap();
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "it was still sending";
  std::optional<OutboxMessage> in_flight;
  store->read_outbox({OutboxStatus::kSending, std::nullopt, std::nullopt, 10},
                     [&](const OutboxMessage& m) { in_flight = m; });
  ASSERT_TRUE(in_flight) << "the killed sender left no claim";
  ASSERT_TRUE(planned.contains(in_flight->message_id));

  // Run again to completion: the claim of the dead sender is taken over at once.
  const auto again = run_huikuan(send);

  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_THAT(again.out, ::testing::StartsWith(fmt::format("{} sent,", planned.size() - 2)));
  std::map<std::string, int> arrivals;
  for (const auto& raw : sink.messages()) ++arrivals[message_id_of(raw)];
  for (const auto& id : planned) {
    EXPECT_GE(arrivals[id], 1) << id << " never arrived";
    EXPECT_LE(arrivals[id], id == in_flight->message_id ? 2 : 1) << id;
  }
  EXPECT_EQ(arrivals.size(), planned.size()) << "only the outbox's emails arrived";

  const auto list = run_huikuan({"outbox", "list", "--db", db, "--format", "json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  size_t emails = 0;
  for (const json& row : json::parse(list.out)) {
    if (!row.contains("channel") || row["channel"] != "email") continue;
    ++emails;
    EXPECT_EQ(row["status"], "sent") << row.dump();
    EXPECT_EQ(row["attempts"], row["id"] == std::to_string(in_flight->id) ? "2" : "1")
        << row.dump();
  }
  EXPECT_EQ(emails, planned.size());
}

// Two senders at once (two instances' outbox senders) share the due messages: each message is
// claimed by one of them and arrives exactly once.
TEST(OutboxCliTest, GivenTwoSendersAtOnce_WhenAThousandEmailsAreDue_ThenEachArrivesOnce) {
  TempDir dir("outbox-two");
  const std::string ledger = (dir / "ledger").string(),
                    db = huikuan::testing::test_db(dir, "huikuan.db");
  ASSERT_EQ(run_huikuan({"gen", "--customers", "600", "--seed", "11", "--out", ledger, "--as-of",
                         "2026-06-30"})
                .exit_code,
            0);
  const auto import = run_huikuan({"import", "--db", db, ledger});
  ASSERT_EQ(import.exit_code, 0) << import.err;

  auto store = std::move(*Store::open(db));
  // Customers in China with an address, at most three messages each (the profile's daily cap).
  std::vector<Customer> reachable;
  store->read_customers([&](const Customer& c) {
    if (!c.email.empty() && c.timezone == "Asia/Shanghai" && !c.do_not_contact && !c.blacklisted)
      reachable.push_back(c);
  });
  ASSERT_GE(reachable.size() * 3, 1000u);
  constexpr int kMessages = 1000;
  ASSERT_TRUE(store->transaction([&]() -> Result<void> {
    for (int i = 0; i < kMessages; ++i) {
      const Customer& c = reachable[i % reachable.size()];
      OutboxMessage m;
      m.customer_key = c.id;
      m.channel = "email";
      m.template_name = "reminder";
      m.language = "zh-CN";
      m.recipient = c.email;
      m.subject = fmt::format("付款提醒 {}", i);
      m.body = fmt::format("尊敬的客户：请核对第 {} 号提醒。", i);
      m.message_id = fmt::format("<two-senders-{}@huikuan>", i);
      store->insert_outbox(m);
    }
    return {};
  }));

  SinkProcess sink(kSmtpSinkScript);
  const auto config = dir / "server.toml";
  write_file(config, fmt::format("[smtp]\nurl = \"smtp://127.0.0.1:{}\"\n"
                                 "from = \"应收账款部 <ar@example.com>\"\n",
                                 sink.port()));
  const std::vector<std::string> send = {
      "outbox",   "send",          "--db",  db,
      "--config", config.string(), "--now", "2026-06-30T16:00:00+08:00",
      "--limit",  "2000"};
  testing::CliRun runs[2];
  {
    std::jthread first([&] { runs[0] = run_huikuan(send); });
    std::jthread second([&] { runs[1] = run_huikuan(send); });
  }
  int sent = 0;
  for (const testing::CliRun& run : runs) {
    ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
    sent += std::atoi(run.out.c_str());  // "N sent, …"
  }
  EXPECT_EQ(sent, kMessages) << runs[0].out << runs[1].out;

  std::map<std::string, int> arrivals;
  for (const auto& raw : sink.messages()) ++arrivals[message_id_of(raw)];
  EXPECT_EQ(arrivals.size(), size_t{kMessages});
  for (const auto& [id, count] : arrivals) EXPECT_EQ(count, 1) << id << " arrived twice";
  size_t delivered = 0;
  store->read_outbox({OutboxStatus::kSent, std::nullopt, std::nullopt, 5000},
                     [&](const OutboxMessage&) { ++delivered; });
  EXPECT_EQ(delivered, size_t{kMessages});
}

// A SQLite installation copied into PostgreSQL: every row, the audit chain verified on both.
TEST(MigrateCliTest, GivenASqliteInstallation_WhenMigrated_ThenCountsMatchAndARerunChangesNothing) {
  if (!huikuan::testing::on_postgres()) GTEST_SKIP() << "copies into PostgreSQL (the .pg run)";
  TempDir dir("migrate");
  const std::string ledger = (dir / "ledger").string(), source = (dir / "h.db").string(),
                    target = huikuan::testing::test_db(dir);
  ASSERT_EQ(run_huikuan({"gen", "--customers", "30", "--seed", "5", "--out", ledger, "--as-of",
                         "2026-06-30"})
                .exit_code,
            0);
  ASSERT_EQ(run_huikuan({"import", "--db", source, ledger}).exit_code, 0);
  ASSERT_EQ(run_huikuan({"run", "--db", source, "--as-of", "2026-06-30"}).exit_code, 0);

  const auto migrated = run_huikuan({"migrate", "--from", "sqlite:" + source, "--to", target});
  ASSERT_EQ(migrated.exit_code, 0) << migrated.out << migrated.err;
  EXPECT_THAT(migrated.out, ::testing::HasSubstr("verified in both"));
  // "TABLE  SQLITE_ROWS  POSTGRESQL_ROWS" per table: the same, and some rows where it matters.
  std::map<std::string, std::pair<int64_t, int64_t>> counts;
  std::istringstream lines(migrated.out);
  for (std::string table, source_rows, target_rows; lines >> table >> source_rows >> target_rows;) {
    if (std::isdigit(static_cast<unsigned char>(source_rows[0])))
      counts[table] = {std::stoll(source_rows), std::stoll(target_rows)};
  }
  for (const auto& [table, rows] : counts) EXPECT_EQ(rows.first, rows.second) << table;
  for (const char* table : {"customers", "invoices", "actions", "outbox", "ledger_changes"})
    EXPECT_GT(counts[table].first, 0) << table;
  const auto aging = [&](const std::string& db) {
    return run_huikuan({"report", "aging", "--db", db, "--as-of", "2026-06-30", "--format", "csv"})
        .out;
  };
  EXPECT_EQ(aging(target), aging(source));

  const auto again = run_huikuan({"migrate", "--from", "sqlite:" + source, "--to", target});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_THAT(again.err, ::testing::HasSubstr("migrate into an empty database"));
}
}  // namespace
}  // namespace huikuan

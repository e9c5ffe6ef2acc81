// Given an imported ledger served over HTTP, when reports are asked for, then they are the
// CLI's reports byte for byte in meaning; and `huikuan serve` itself starts, becomes ready and
// stops cleanly on SIGTERM.

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "app/cli_run.h"
#include "http/api_fixture.h"
#include "io/ledger_generator.h"
#include "service/import_fixture.h"
#include "service/importer.h"
#include "service/snapshot_loader.h"
#include "store/store.h"

namespace huikuan {
namespace {

using testing::CliRun;
using ::testing::HasSubstr;
using testing::HttpResponse;
using testing::run_huikuan;
using testing::TempDir;
using testing::TestServer;
using namespace std::chrono_literals;
using testing::read_whole_file;

// One server over a generated and imported ledger for the whole suite; reports are read as the
// auditor.
class ApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new testing::ApiServer(); }
  static void TearDownTestSuite() { delete server_; }
  static std::string db() { return server_->db(); }

  HttpResponse fetch(std::string_view target) { return auditor_.get(target); }

  static testing::ApiServer* server_;
  testing::ApiClient auditor_{server_->port(), "auditor"};
};
testing::ApiServer* ApiTest::server_ = nullptr;

void expect_bad_parameter(const HttpResponse& response, const std::string& field) {
  EXPECT_EQ(response.result_int(), 400) << response.body();
  const auto json = nlohmann::json::parse(response.body());
  EXPECT_EQ(json["error"]["code"], "bad_request");
  EXPECT_EQ(json["error"]["field"], field);
  EXPECT_FALSE(json["error"]["message"].get<std::string>().empty());
}

TEST_F(ApiTest, GivenEachGrouping_WhenAgingIsAsked_ThenTheJsonIsTheClis) {
  for (const char* by : {"customer", "collector", "region", "industry", "currency"}) {
    const HttpResponse response =
        fetch(fmt::format("/api/v1/reports/aging?as_of=2026-05-31&by={}", by));
    ASSERT_EQ(response.result_int(), 200) << response.body();
    EXPECT_EQ(response[boost::beast::http::field::content_type], "application/json");
    const CliRun cli = run_huikuan(
        {"report", "aging", "--db", db(), "--as-of", "2026-05-31", "--by", by, "--format", "json"});
    ASSERT_EQ(cli.exit_code, 0) << cli.err;
    EXPECT_EQ(nlohmann::json::parse(response.body()), nlohmann::json::parse(cli.out)) << by;
    EXPECT_EQ(response.body() + "\n", cli.out) << by;  // the same writer, the same text
  }
}

TEST_F(ApiTest, GivenCustomBuckets_WhenAgingIsAsked_ThenTheyAreTheClis) {
  const HttpResponse response = fetch("/api/v1/reports/aging?as_of=2026-06-30&buckets=15%2C45");
  ASSERT_EQ(response.result_int(), 200) << response.body();
  const CliRun cli = run_huikuan({"report", "aging", "--db", db(), "--as-of", "2026-06-30",
                                  "--buckets", "15,45", "--format", "json"});
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  EXPECT_EQ(nlohmann::json::parse(response.body()), nlohmann::json::parse(cli.out));
  EXPECT_EQ(nlohmann::json::parse(response.body())["buckets"],
            nlohmann::json({"not_due", "1-15", "16-45", "over_45"}));
}

TEST_F(ApiTest, GivenADownloadFormat_WhenAReportIsAsked_ThenTheFileIsTheClis) {
  const HttpResponse csv = fetch("/api/v1/reports/aging?as_of=2026-05-31&by=region&format=csv");
  ASSERT_EQ(csv.result_int(), 200) << csv.body();
  EXPECT_EQ(csv[boost::beast::http::field::content_type], "text/csv; charset=utf-8");
  EXPECT_EQ(csv[boost::beast::http::field::content_disposition],
            "attachment; filename=\"aging-2026-05-31.csv\"");
  const CliRun cli = run_huikuan({"report", "aging", "--db", db(), "--as-of", "2026-05-31", "--by",
                                  "region", "--format", "csv"});
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  EXPECT_EQ(csv.body(), cli.out);

  const HttpResponse xlsx = fetch("/api/v1/reports/kpi?from=2026-05-01&to=2026-05-31&format=xlsx");
  ASSERT_EQ(xlsx.result_int(), 200) << xlsx.body();
  EXPECT_EQ(xlsx[boost::beast::http::field::content_disposition],
            "attachment; filename=\"kpi-2026-05-01-2026-05-31.xlsx\"");
  EXPECT_EQ(xlsx.body().substr(0, 2), "PK");  // a zip container, as every xlsx is
  expect_bad_parameter(fetch("/api/v1/reports/kpi?from=2026-05-01&to=2026-05-31&format=pdf"),
                       "format");
}

TEST_F(ApiTest, GivenBadParameters_WhenAgingIsAsked_Then400NamesTheParameter) {
  expect_bad_parameter(fetch("/api/v1/reports/aging"), "as_of");
  expect_bad_parameter(fetch("/api/v1/reports/aging?as_of=2026-02-30"), "as_of");
  expect_bad_parameter(fetch("/api/v1/reports/aging?as_of=30%2F06%2F2026"), "as_of");
  expect_bad_parameter(fetch("/api/v1/reports/aging?as_of=2026-06-30&by=planet"), "by");
  expect_bad_parameter(fetch("/api/v1/reports/aging?as_of=2026-06-30&buckets=60,30"), "buckets");
  expect_bad_parameter(fetch("/api/v1/reports/aging?as_of=2026-06-30&asof=x"), "asof");
}

TEST(ApiReadinessTest, GivenNoLedgerLoaded_WhenAgingIsAsked_Then503) {
  TestServer server;
  const HttpResponse response =
      testing::fetch(server.port(), "/api/v1/reports/aging?as_of=2026-06-30");
  EXPECT_EQ(response.result_int(), 503);
  EXPECT_EQ(nlohmann::json::parse(response.body())["error"]["code"], "not_ready");
}

// `huikuan serve` as an operator runs it.
class ServeProcess {
 public:
  ServeProcess(const std::vector<std::string>& args, const std::filesystem::path& stderr_file) {
    // Everything the child needs is prepared before fork(): the test process has threads, so
    // the child may only make async-signal-safe calls (no allocation) until exec.
    std::vector<char*> argv{const_cast<char*>(HUIKUAN_BINARY)};
    for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    const std::string err_path = stderr_file.string();
    int out[2];
    if (pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], STDOUT_FILENO);
      const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(err, STDERR_FILENO);
      close(out[0]);
      execv(HUIKUAN_BINARY, argv.data());
      _exit(127);
    }
    close(out[1]);
    stdout_ = out[0];
  }
  ~ServeProcess() {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    close(stdout_);
  }

  //! The first line the server prints, within `within`.
  std::string first_line(std::chrono::milliseconds within) {
    std::string line;
    pollfd ready{stdout_, POLLIN, 0};
    const auto deadline = std::chrono::steady_clock::now() + within;
    while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      if (poll(&ready, 1, 100) <= 0) continue;
      char buffer[256];
      const ssize_t n = read(stdout_, buffer, sizeof buffer);
      if (n <= 0) break;
      line.append(buffer, static_cast<size_t>(n));
    }
    return line.substr(0, line.find('\n'));
  }

  //! Sends `signal` and returns the exit code, or -1 if it did not exit normally in time.
  int stop_with(int signal, std::chrono::milliseconds within) {
    kill(pid_, signal);
    const auto deadline = std::chrono::steady_clock::now() + within;
    int status = 0;
    while (std::chrono::steady_clock::now() < deadline) {
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        exited_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(20ms);
    }
    return -1;
  }

 private:
  pid_t pid_ = -1;
  int stdout_ = -1;
  bool exited_ = false;
};

TEST_F(ApiTest, GivenServeOnPortZero_WhenStarted_ThenItBecomesReadyAndStopsOnSigterm) {
  TempDir dir("serve");
  testing::write_file(dir / "server.toml",
                      fmt::format("[server]\nio_threads = 2\naccess_log = \"{}\"\n",
                                  (dir / "access.log").string()));
  ServeProcess serve({"serve", "--db", db(), "--listen", "127.0.0.1:0", "--config",
                      (dir / "server.toml").string()},
                     dir / "stderr");
  const std::string line = serve.first_line(10s);
  std::smatch port;
  ASSERT_TRUE(std::regex_match(line, port, std::regex(R"(listening on 127\.0\.0\.1:(\d+))")))
      << line << read_whole_file(dir / "stderr");
  const auto bound = static_cast<uint16_t>(std::stoi(port[1]));

  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (testing::fetch(bound, "/readyz").result_int() != 200) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << read_whole_file(dir / "stderr");
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(testing::fetch(bound, "/healthz").result_int(), 200);
  const std::string aging = "/api/v1/reports/aging?as_of=2026-06-30&by=currency";
  EXPECT_EQ(testing::fetch(bound, aging).result_int(), 401);  // sign-in is on
  EXPECT_EQ(testing::ApiClient(bound, "auditor").get(aging).result_int(), 200);

  EXPECT_EQ(serve.stop_with(SIGTERM, 10s), 0) << read_whole_file(dir / "stderr");
  EXPECT_THAT(read_whole_file(dir / "stderr"), HasSubstr("shutting down"));
  EXPECT_THAT(read_whole_file(dir / "access.log"), HasSubstr(R"("path":"/api/v1/reports/aging")"));
}

TEST_F(ApiTest, GivenAConfigWithAnUnknownKey_WhenServeStarts_ThenExit2WithFileAndLine) {
  TempDir dir("serve");
  const std::string config = (dir / "bad.toml").string();
  testing::write_file(config, "[server]\nio_threads = 1\nbogus = 3\n");
  const CliRun run = run_huikuan({"serve", "--db", db(), "--config", config});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr(config + ":3: server.bogus: unknown key"));
}

TEST(ServeCommandTest, GivenNoDatabase_WhenServeStarts_ThenExit2NamingDb) {
  TempDir dir("serve");
  const CliRun run = run_huikuan({"serve", "--db", (dir / "missing.db").string()});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("--db"));
}

}  // namespace
}  // namespace huikuan

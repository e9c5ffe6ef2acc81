// Given the real server on a loopback port, when clients behave well, badly or not at all,
// then every answer has the contract's shape and no client can hold up another.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <future>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "http/server_fixture.h"
#include "service/import_fixture.h"

namespace huikuan {
namespace {

using testing::Client;
using testing::fetch;
using ::testing::HasSubstr;
using testing::HttpResponse;
using ::testing::StartsWith;
using testing::TempDir;
using testing::test_config;
using testing::TestServer;
namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Verb = http::Verb;
using namespace std::chrono_literals;

nlohmann::json body_json(const HttpResponse& response) {
  return nlohmann::json::parse(response.body());
}

//! Asserts the API error shape {"error": {"code", "message", "field"}}.
void expect_error(const HttpResponse& response, unsigned status, const std::string& code,
                  const nlohmann::json& field = nullptr) {
  EXPECT_EQ(response.result_int(), status) << response.body();
  EXPECT_EQ(response[beast::http::field::content_type], "application/json");
  const auto json = body_json(response);
  ASSERT_TRUE(json.contains("error")) << response.body();
  EXPECT_EQ(json["error"]["code"], code);
  EXPECT_TRUE(json["error"]["message"].is_string());
  EXPECT_FALSE(json["error"]["message"].get<std::string>().empty());
  EXPECT_EQ(json["error"]["field"], field);
  EXPECT_EQ(json.size(), 1u);
  EXPECT_EQ(json["error"].size(), 3u);
}

//! Polls `condition` every 10 ms for up to `within`.
bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds within = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + within;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

http::Route public_route(std::string pattern, http::Handler handler,
                         http::Work work = http::Work::kInline) {
  return {Verb::get, std::move(pattern), std::move(handler), http::Permission::kPublic, work};
}

TEST(ServerTest, GivenARunningServer_WhenHealthzIsAsked_ThenItAnswers200WithARequestId) {
  TestServer server;
  const HttpResponse response = fetch(server.port(), "/healthz");
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(body_json(response), nlohmann::json({{"status", "ok"}}));
  EXPECT_EQ(response["X-Request-Id"].size(), 16u);
}

TEST(ServerTest, GivenNoLedgerYet_WhenReadyzIsAsked_Then503UntilTheSnapshotIsPublished) {
  TestServer server;
  expect_error(fetch(server.port(), "/readyz"), 503, "not_ready");
  server.snapshot().publish(std::make_shared<const Snapshot>());
  const HttpResponse ready = fetch(server.port(), "/readyz");
  EXPECT_EQ(ready.result_int(), 200);
  EXPECT_EQ(body_json(ready)["status"], "ready");
}

TEST(ServerTest, GivenAnsweredRequests_WhenMetricsAreScraped_ThenCountersAndLatenciesShowThem) {
  TestServer server;
  server.metrics().counter("huikuan_test_events_total", "Events seen by the test").Increment(3);
  server.metrics().outbox_depth().Set(7);
  Client client(server.port());
  client.get("/healthz");
  client.get("/healthz");
  client.get("/no/such/path");

  const HttpResponse metrics = client.get("/metrics");
  EXPECT_EQ(metrics.result_int(), 200);
  EXPECT_THAT(metrics[beast::http::field::content_type], StartsWith("text/plain; version=0.0.4"));
  const std::string text = metrics.body();
  EXPECT_THAT(
      text,
      HasSubstr(R"(huikuan_http_requests_total{method="GET",route="/healthz",status="200"} 2)"));
  EXPECT_THAT(
      text,
      HasSubstr(R"(huikuan_http_requests_total{method="GET",route="unmatched",status="404"} 1)"));
  EXPECT_THAT(text,
              HasSubstr(R"(huikuan_http_request_duration_seconds_count{route="/healthz"} 2)"));
  EXPECT_THAT(
      text,
      HasSubstr(R"(huikuan_http_request_duration_seconds_bucket{route="/healthz",le="+Inf"} 2)"));
  EXPECT_THAT(text, HasSubstr("huikuan_test_events_total 3"));
  EXPECT_THAT(text, HasSubstr("huikuan_outbox_depth 7"));
  EXPECT_THAT(text, HasSubstr("# TYPE huikuan_daily_run_duration_seconds gauge"));
  EXPECT_THAT(text, HasSubstr("huikuan_http_open_connections 1"));
}

TEST(ServerTest, GivenAnUnknownPath_WhenRequested_Then404InTheErrorShape) {
  TestServer server;
  expect_error(fetch(server.port(), "/api/v1/nothing-here"), 404, "not_found");
}

TEST(ServerTest, GivenAKnownPath_WhenTheWrongMethodIsUsed_Then405WithAllow) {
  TestServer server;
  const HttpResponse response = Client(server.port()).request(Verb::delete_, "/healthz");
  expect_error(response, 405, "method_not_allowed");
  EXPECT_EQ(response[beast::http::field::allow], "GET");
}

TEST(ServerTest, GivenAMalformedRequest_WhenSent_Then400AndTheConnectionCloses) {
  TestServer server;
  Client client(server.port());
  client.send_raw("GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: banana\r\n\r\n");
  const HttpResponse response = client.read_response();
  expect_error(response, 400, "bad_request");
  EXPECT_FALSE(response.keep_alive());
  EXPECT_TRUE(client.closed_by_server(3s));
}

TEST(ServerTest, GivenABodyOverTheDefault16MiB_WhenItsHeadArrives_Then413AtOnce) {
  TestServer server;
  Client client(server.port());
  client.send_raw(fmt::format("POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n",
                              16 * 1024 * 1024 + 1) +
                  std::string(1024, 'x'));
  const HttpResponse response = client.read_response();
  expect_error(response, 413, "payload_too_large");
  EXPECT_FALSE(response.keep_alive());
}

TEST(ServerTest, GivenASmallBodyLimit_WhenALargerBodyIsSent_Then413) {
  auto config = test_config();
  config.max_body_bytes = 1024;
  TestServer server(config);
  Client client(server.port());
  expect_error(client.request(Verb::post, "/healthz", std::string(4096, 'x')), 413,
               "payload_too_large");
  EXPECT_TRUE(client.closed_by_server(3s));
  EXPECT_EQ(fetch(server.port(), "/healthz").result_int(), 200);
}

TEST(ServerTest, GivenExpect100Continue_WhenTheHeadArrives_ThenTheServerAsksForTheBody) {
  const auto echo = [](const http::Request& request) {
    return http::Response::json(nlohmann::json{{"body", request.body}}.dump());
  };
  TestServer server(test_config(), [&](http::Router& router) {
    router.add({Verb::post, "/echo", echo, http::Permission::kPublic});
  });
  Client client(server.port());
  // Like curl with a file over 1 KiB: the head alone, then the body only once told to go on.
  client.send_raw(
      "POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
  EXPECT_EQ(client.read_response().result_int(), 100);
  client.send_raw("hello");
  const HttpResponse answered = client.read_response();
  EXPECT_EQ(answered.result_int(), 200);
  EXPECT_EQ(body_json(answered)["body"], "hello");

  // A body the server would refuse is refused before the client sends it.
  client.send_raw(fmt::format(
      "POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: {}\r\n\r\n",
      16 * 1024 * 1024 + 1));
  expect_error(client.read_response(), 413, "payload_too_large");
}

TEST(ServerTest, GivenARequestHeadOver16KiB_WhenSent_Then431) {
  TestServer server;
  Client client(server.port());
  client.send_raw("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Padding: " + std::string(20'000, 'p') +
                  "\r\n\r\n");
  expect_error(client.read_response(), 431, "header_too_large");
}

TEST(ServerTest, GivenAHandlerThatThrows_WhenCalled_Then500AndTheServerKeepsAnswering) {
  const auto boom = [](const http::Request&) -> http::Response {
    throw std::runtime_error("boom: a bug in a handler");
  };
  TestServer server(test_config(), [&](http::Router& router) {
    router.add(public_route("/boom/inline", boom));
    router.add(public_route("/boom/blocking", boom, http::Work::kBlocking));
  });
  Client client(server.port());
  for (const char* target : {"/boom/inline", "/boom/blocking"}) {
    const HttpResponse response = client.get(target);
    expect_error(response, 500, "internal");
    EXPECT_THAT(body_json(response)["error"]["message"].get<std::string>(),
                HasSubstr(std::string(response["X-Request-Id"])));
    EXPECT_THAT(response.body(), ::testing::Not(HasSubstr("boom")));  // no internals leak
  }
  EXPECT_EQ(client.get("/healthz").result_int(), 200);  // same connection, still alive
  EXPECT_EQ(fetch(server.port(), "/healthz").result_int(), 200);
}

TEST(ServerTest, GivenKeepAlive_WhenSeveralRequestsShareAConnection_ThenEachIsAnswered) {
  TestServer server;
  Client client(server.port());
  for (int i = 0; i < 5; ++i) {
    const HttpResponse response = client.get("/healthz");
    EXPECT_EQ(response.result_int(), 200);
    EXPECT_TRUE(response.keep_alive());
  }
  // Two requests sent back to back (pipelined) are answered in order.
  client.send_raw(
      "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(client.read_response().result_int(), 200);
  EXPECT_EQ(client.read_response().result_int(), 404);
}

TEST(ServerTest, GivenAClientRequestId_WhenSent_ThenItIsEchoedAndAnUnsafeOneReplaced) {
  TestServer server;
  Client client(server.port());
  testing::HttpRequest request{Verb::get, "/healthz", 11};
  request.set("X-Request-Id", "proxy-42.a_b");
  EXPECT_EQ(client.send(request)["X-Request-Id"], "proxy-42.a_b");
  request.set("X-Request-Id", "evil\"}{");
  const std::string replaced(client.send(request)["X-Request-Id"]);
  EXPECT_EQ(replaced.size(), 16u);
}

TEST(ServerTest, Given500IdleAnd50HalfSentConnections_WhenANewClientAsks_ThenItIsAnsweredAtOnce) {
  TestServer server;
  net::io_context io;
  const tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), server.port());
  std::vector<tcp::socket> held;
  held.reserve(550);
  for (int i = 0; i < 500; ++i) held.emplace_back(io).connect(endpoint);
  const std::string_view half =
      "GET /api/v1/reports/aging?as_of=2026-06-30 HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 50; ++i) {
    tcp::socket& socket = held.emplace_back(io);
    socket.connect(endpoint);
    net::write(socket, net::buffer(half.data(), half.size()));
  }
  ASSERT_TRUE(eventually([&] { return server.metrics().open_connections().Value() >= 550; }))
      << "the server holds " << server.metrics().open_connections().Value() << " connections";

  const auto started = std::chrono::steady_clock::now();
  const HttpResponse response = fetch(server.port(), "/healthz");
  const auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_LT(elapsed, 2s);
}

TEST(ServerTest, GivenAClientThatStallsMidRequest_WhenTheRequestTimeoutPasses_ThenItIsDropped) {
  auto config = test_config();
  config.request_timeout = 300ms;
  TestServer server(config);
  Client client(server.port());
  client.send_raw("GET /healthz HTTP/1.1\r\nHost: x\r\n");
  EXPECT_TRUE(client.closed_by_server(3s));
}

TEST(ServerTest, GivenAnIdleKeptAliveConnection_WhenTheIdleTimeoutPasses_ThenItIsClosed) {
  auto config = test_config();
  config.idle_timeout = 300ms;
  TestServer server(config);
  Client client(server.port());
  EXPECT_EQ(client.get("/healthz").result_int(), 200);
  EXPECT_TRUE(client.closed_by_server(3s));
}

TEST(ServerTest, GivenTheConnectionLimit_WhenOneMoreClientConnects_ThenItGets503) {
  auto config = test_config();
  config.max_connections = 2;
  TestServer server(config);
  Client first(server.port()), second(server.port());
  EXPECT_EQ(first.get("/healthz").result_int(), 200);
  EXPECT_EQ(second.get("/healthz").result_int(), 200);
  Client third(server.port());
  expect_error(third.read_response(), 503, "unavailable");
}

TEST(ServerTest, GivenARequestInFlight_WhenTheServerStops_ThenItFinishesAndRunReturns) {
  std::promise<void> entered;
  TestServer server(test_config(), [&](http::Router& router) {
    router.add(public_route(
        "/slow",
        [&](const http::Request&) {
          entered.set_value();
          std::this_thread::sleep_for(500ms);
          return http::Response::json(R"({"done":true})");
        },
        http::Work::kBlocking));
  });
  Client idle(server.port());
  ASSERT_EQ(idle.get("/healthz").result_int(), 200);
  Client busy(server.port());
  busy.send_raw("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_EQ(entered.get_future().wait_for(5s), std::future_status::ready);

  server.stop();
  const HttpResponse response = busy.read_response();
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(body_json(response)["done"], true);
  EXPECT_FALSE(response.keep_alive());
  EXPECT_TRUE(idle.closed_by_server(3s));
  auto joined = std::async(std::launch::async, [&] { server.join(); });
  EXPECT_EQ(joined.wait_for(5s), std::future_status::ready);
  EXPECT_THROW(Client{server.port()}, beast::system_error);  // no longer accepting
}

TEST(ServerTest, GivenAnAccessLogFile_WhenRequestsAreAnswered_ThenOneJsonLineEachWithoutQuery) {
  TempDir dir("http");
  auto config = test_config();
  config.access_log = (dir / "access.log").string();
  TestServer server(config);
  Client client(server.port());
  testing::HttpRequest request{Verb::get, "/healthz?email=someone%40example.com", 11};
  request.set("X-Request-Id", "log-test-1");
  EXPECT_EQ(client.send(request).result_int(), 200);
  EXPECT_EQ(client.get("/missing").result_int(), 404);
  server.stop();
  server.join();
  server.close_access_log();

  const std::string log = read_file(dir / "access.log");
  EXPECT_THAT(log, ::testing::Not(HasSubstr("example.com")));
  std::vector<nlohmann::json> lines;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(lines.size(), 2u) << log;
  const auto& first = lines[0];
  EXPECT_EQ(first["request_id"], "log-test-1");
  EXPECT_EQ(first["method"], "GET");
  EXPECT_EQ(first["path"], "/healthz");
  EXPECT_EQ(first["status"], 200);
  EXPECT_EQ(first["bytes"], 15);
  EXPECT_GE(first["duration_ms"].get<double>(), 0.0);
  EXPECT_THAT(first["remote"].get<std::string>(), StartsWith("127.0.0.1:"));
  EXPECT_THAT(first["time"].get<std::string>(),
              ::testing::MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\.[0-9]{3}Z"));
  EXPECT_EQ(lines[1]["status"], 404);
}

}  // namespace
}  // namespace huikuan

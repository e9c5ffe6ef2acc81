// Given a server configuration file, when it is read, then every limit is taken from it and
// every mistake is reported as file:line with the key.

#include "http/server_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace huikuan::http {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

TEST(ServerConfigTest, GivenTheShippedFile_WhenLoaded_ThenItHoldsTheDefaults) {
  const auto config = load_server_config(HUIKUAN_SOURCE_DIR "/config/server.toml");
  ASSERT_TRUE(config) << config.error().to_string();
  const ServerConfig defaults;
  EXPECT_EQ(config->listen, defaults.listen);
  EXPECT_EQ(config->max_body_bytes, 16u * 1024 * 1024);
  EXPECT_EQ(config->max_header_bytes, 16u * 1024);
  EXPECT_EQ(config->request_timeout, 30s);
  EXPECT_EQ(config->idle_timeout, 60s);
  EXPECT_EQ(config->drain_timeout, defaults.drain_timeout);
  EXPECT_EQ(config->max_connections, defaults.max_connections);
  EXPECT_EQ(config->io_threads, 0u);
  EXPECT_EQ(config->access_log, "-");
}

TEST(ServerConfigTest, GivenEveryKey_WhenParsed_ThenEachOverridesItsDefault) {
  const auto config = parse_server_config(R"([server]
listen = "[::1]:9000"
io_threads = 3
worker_threads = 5
max_body_bytes = 2048
max_header_bytes = 4096
max_connections = 7
request_timeout_seconds = 2
idle_timeout_seconds = 4
drain_timeout_seconds = 0
access_log = "/var/log/huikuan/access.log"
)",
                                          "server.toml");
  ASSERT_TRUE(config) << config.error().to_string();
  EXPECT_EQ(config->listen, "[::1]:9000");
  EXPECT_EQ(config->io_threads, 3u);
  EXPECT_EQ(config->worker_threads, 5u);
  EXPECT_EQ(config->max_body_bytes, 2048u);
  EXPECT_EQ(config->max_header_bytes, 4096u);
  EXPECT_EQ(config->max_connections, 7u);
  EXPECT_EQ(config->request_timeout, 2s);
  EXPECT_EQ(config->idle_timeout, 4s);
  EXPECT_EQ(config->drain_timeout, 0s);
  EXPECT_EQ(config->access_log, "/var/log/huikuan/access.log");
}

TEST(ServerConfigTest, GivenAnEmptyFile_WhenParsed_ThenTheDefaultsApply) {
  const auto config = parse_server_config("", "empty.toml");
  ASSERT_TRUE(config);
  EXPECT_EQ(config->max_body_bytes, ServerConfig{}.max_body_bytes);
}

TEST(ServerConfigTest, GivenAnUnknownKey_WhenParsed_ThenTheErrorNamesFileLineAndKey) {
  const auto config = parse_server_config("[server]\nio_threads = 2\nmax_body = 10\n", "s.toml");
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().where, "s.toml:3");
  EXPECT_EQ(config.error().field, "server.max_body");
  EXPECT_THAT(config.error().message, HasSubstr("unknown key"));
  EXPECT_THAT(config.error().message, HasSubstr("max_body_bytes"));
}

TEST(ServerConfigTest, GivenAnUnknownTable_WhenParsed_ThenItIsAnError) {
  const auto config = parse_server_config("[sever]\nlisten = \"x:1\"\n", "s.toml");
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().where, "s.toml:1");
  EXPECT_EQ(config.error().field, "sever");
}

TEST(ServerConfigTest, GivenSeveralBadValues_WhenParsed_ThenEachIsReportedWithItsLine) {
  const auto config = parse_server_config(
      "[server]\nmax_header_bytes = 10\nidle_timeout_seconds = \"60\"\nlisten = \"nowhere\"\n",
      "s.toml");
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().to_string().substr(0, 32), "s.toml:2: server.max_header_byte");
  EXPECT_THAT(config.error().message, HasSubstr("between 1024 and"));
  EXPECT_THAT(config.error().message,
              HasSubstr("s.toml:3: server.idle_timeout_seconds: must be an integer"));
  EXPECT_THAT(config.error().message, HasSubstr("s.toml:4: server.listen: 'nowhere' is not"));
}

TEST(ServerConfigTest, GivenBrokenToml_WhenParsed_ThenTheSyntaxErrorHasItsLine) {
  const auto config = parse_server_config("[server]\nlisten = \n", "s.toml");
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().where, "s.toml:2");
}

TEST(ServerConfigTest, GivenAMissingFile_WhenLoaded_ThenTheErrorNamesIt) {
  const auto config = load_server_config("/nonexistent/server.toml");
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().where, "/nonexistent/server.toml");
}

TEST(ListenAddressTest, GivenHostPortForms_WhenParsed_ThenHostAndPortAreSplit) {
  struct Case {
    const char* text;
    const char* host;
    uint16_t port;
  };
  for (const Case& c :
       {Case{"127.0.0.1:8080", "127.0.0.1", 8080}, Case{"localhost:0", "localhost", 0},
        Case{"[::1]:443", "::1", 443}, Case{"0.0.0.0:65535", "0.0.0.0", 65535}}) {
    const auto address = parse_listen_address(c.text);
    ASSERT_TRUE(address) << c.text;
    EXPECT_EQ(address->host, c.host);
    EXPECT_EQ(address->port, c.port);
  }
  for (const char* bad :
       {"", "8080", ":8080", "host:", "host:65536", "host:80x", "::1:80", "[::1:80", "[]:80"}) {
    const auto address = parse_listen_address(bad);
    ASSERT_FALSE(address) << bad;
    EXPECT_EQ(address.error().field, "--listen");
  }
}

}  // namespace
}  // namespace huikuan::http

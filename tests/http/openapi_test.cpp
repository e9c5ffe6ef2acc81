// Given the OpenAPI document and the server's route table, when compared, then every route is
// documented with the permission it enforces and every documented operation exists; the
// server serves the document to anyone.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "http/api_fixture.h"

namespace huikuan {
namespace {

using testing::ApiServer;

std::string lower(std::string_view verb) {
  std::string out(verb);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

class OpenApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new ApiServer();
    routes_ = new http::Router();
    http::add_api_routes(*routes_, server_->api());
  }
  static void TearDownTestSuite() {
    delete routes_;
    delete server_;
  }
  static const nlohmann::json& document() {
    static const nlohmann::json doc = nlohmann::json::parse(http::openapi_document());
    return doc;
  }
  static ApiServer* server_;
  static http::Router* routes_;
};
ApiServer* OpenApiTest::server_ = nullptr;
http::Router* OpenApiTest::routes_ = nullptr;

TEST_F(OpenApiTest, GivenEveryRoute_WhenLookedUpInTheDocument_ThenDocumentedWithItsPermission) {
  ASSERT_TRUE(document()["openapi"].get<std::string>().starts_with("3."));
  for (const http::Route& route : routes_->routes()) {
    const std::string method = lower(to_string(route.method));
    const std::string where = method + " " + route.pattern;
    ASSERT_TRUE(document()["paths"].contains(route.pattern)) << where << " is not documented";
    const auto& path = document()["paths"][route.pattern];
    ASSERT_TRUE(path.contains(method)) << where << " is not documented";
    EXPECT_EQ(path[method]["x-permission"], http::permission_name(route.permission)) << where;
  }
}

TEST_F(OpenApiTest, GivenEveryDocumentedOperation_WhenMatchedOnTheServer_ThenItExists) {
  std::set<std::string> served;
  for (const http::Route& route : routes_->routes()) {
    served.insert(lower(to_string(route.method)) + " " + route.pattern);
  }
  for (const auto& [path, operations] : document()["paths"].items()) {
    for (const auto& [method, operation] : operations.items()) {
      EXPECT_TRUE(served.contains(method + " " + path))
          << method << " " << path << " is documented but not served";
    }
  }
}

TEST_F(OpenApiTest, GivenEveryOperation_WhenItsResponsesAreRead_ThenErrorsAndReferencesResolve) {
  const auto& components = document()["components"];
  for (const auto& [path, operations] : document()["paths"].items()) {
    for (const auto& [method, operation] : operations.items()) {
      const std::string where = method + " " + path;
      const auto& responses = operation["responses"];
      const bool is_public = operation["x-permission"] == "public";
      if (!is_public) {
        EXPECT_TRUE(responses.contains("401")) << where;
        EXPECT_TRUE(responses.contains("403")) << where;
      }
      if (path.find('{') != std::string::npos) {
        EXPECT_TRUE(responses.contains("404")) << where;
      }
      for (const auto& [status, response] : responses.items()) {
        if (!response.contains("$ref")) continue;
        const std::string ref = response["$ref"];
        const std::string name = ref.substr(ref.rfind('/') + 1);
        EXPECT_TRUE(components["responses"].contains(name)) << where << " " << ref;
      }
    }
  }
}

TEST_F(OpenApiTest, GivenNoCredentials_WhenTheDocumentIsFetched_ThenTheServerServesIt) {
  const auto response = testing::fetch(server_->port(), "/api/v1/openapi.json");
  ASSERT_EQ(response.result_int(), 200);
  EXPECT_EQ(nlohmann::json::parse(response.body()), document());
}

}  // namespace
}  // namespace huikuan

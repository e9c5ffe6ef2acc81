// Given every role, when each calls every route of the API, then the server answers as the
// authorization table says: 403 without the permission, and with it never 401/403; customers
// outside a collector's or supervisor's scope answer 404.
//
// The expected table is written out here on purpose: changing who may do what in
// http/authorization.cpp must change this test too.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

#include "http/api_fixture.h"

namespace huikuan {
namespace {

using http::Permission;
using testing::ApiServer;
using testing::body_of;
using testing::Client;
using testing::HttpResponse;
namespace beast = boost::beast;

// Permission → the roles that hold it.
const std::map<std::string, std::string> kExpected{
    {"public",
     "collector supervisor legal director general_manager finance sales credit auditor admin"},
    {"signed_in",
     "collector supervisor legal director general_manager finance sales credit auditor admin"},
    {"ledger.read",
     "collector supervisor legal director general_manager finance sales credit auditor"},
    {"reports.read", "supervisor legal director general_manager finance credit auditor"},
    {"worklist.read", "collector supervisor legal director general_manager auditor"},
    {"cases.work", "collector supervisor legal director general_manager sales"},
    {"disputes.resolve", "supervisor legal director general_manager finance"},
    {"plans.submit", "collector supervisor director general_manager"},
    {"approvals.read", "collector supervisor legal director general_manager finance auditor"},
    {"approvals.decide", "supervisor director general_manager"},
    {"imports.write", "finance"},
    {"policy.read", "supervisor director general_manager auditor admin"},
    {"policy.write", "director general_manager admin"},
    {"users.read", "director general_manager auditor admin"},
    {"users.write", "admin"},
    {"audit.read", "auditor admin"},
    {"runs.trigger", "director general_manager admin"},
};

bool expected_allows(Role role, Permission permission) {
  std::istringstream roles(kExpected.at(std::string(http::permission_name(permission))));
  for (std::string name; roles >> name;) {
    if (name == role_name(role)) return true;
  }
  return false;
}

TEST(AuthorizationTableTest, GivenTheWrittenOutTable_WhenComparedWithTheServers_ThenTheyAgree) {
  for (Permission permission : http::kPermissions) {
    for (Role role : kRoles) {
      EXPECT_EQ(http::role_allows(role, permission), expected_allows(role, permission))
          << role_name(role) << " × " << http::permission_name(permission);
    }
  }
  EXPECT_FALSE(http::role_allows(Role::kAuditor, Permission::kCaseWork)) << "auditors read only";
  EXPECT_FALSE(http::role_allows(Role::kAdmin, Permission::kApprovalDecide)) << "no money";
}

class AuthorizationMatrixTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new ApiServer();
    tokens_ = new std::map<Role, std::string>();
    for (Role role : kRoles) {
      auto token = create_api_token(server_->store(), role_name(role), "matrix",
                                    Actor{"test", testing::api_test_now()});
      if (!token) throw std::runtime_error(token.error().to_string());
      (*tokens_)[role] = "Bearer " + token->secret;
    }
    routes_ = new http::Router();
    http::add_api_routes(*routes_, server_->api());
  }
  static void TearDownTestSuite() {
    delete routes_;
    delete tokens_;
    delete server_;
  }

  static HttpResponse call(Role role, beast::http::verb method, const std::string& target,
                           std::string body) {
    return Client(server_->port())
        .request(method, target,
                 {{"Authorization", tokens_->at(role)}, {"Content-Type", "application/json"}},
                 std::move(body));
  }

  static ApiServer* server_;
  static std::map<Role, std::string>* tokens_;
  static http::Router* routes_;  // the same table the server runs, to enumerate its routes
};
ApiServer* AuthorizationMatrixTest::server_ = nullptr;
std::map<Role, std::string>* AuthorizationMatrixTest::tokens_ = nullptr;
http::Router* AuthorizationMatrixTest::routes_ = nullptr;

// Every path parameter names a record that does not exist, and every body is incomplete, so
// an allowed call is refused for its input (400/404/409/422), never for its caller, and
// changes nothing.
std::string concrete(const std::string& pattern) {
  std::string path;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '{') {
      i = pattern.find('}', i);
      path += "999999";
    } else {
      path += pattern[i];
    }
  }
  return path;
}

std::string incomplete_body(const http::Route& route) {
  if (route.pattern == "/api/v1/policy" || route.pattern == "/api/v1/policy/validate") {
    return "not = [ valid toml";
  }
  return R"({"as_of": "not a date"})";
}

TEST_F(AuthorizationMatrixTest, GivenEveryRoleAndRoute_WhenCalled_ThenAsTheTableSays) {
  size_t checked = 0;
  for (const http::Route& route : routes_->routes()) {
    if (route.permission == Permission::kPublic) continue;
    for (Role role : kRoles) {
      const std::string target = concrete(route.pattern);
      const HttpResponse response =
          call(role, route.method, target,
               route.method == beast::http::verb::get ? "" : incomplete_body(route));
      const std::string where = fmt::format("{} {} as {}", std::string(to_string(route.method)),
                                            route.pattern, role_name(role));
      if (expected_allows(role, route.permission)) {
        EXPECT_NE(response.result_int(), 401) << where << ": " << response.body();
        if (response.result_int() == 403) {
          EXPECT_NE(body_of(response)["error"]["code"], "forbidden") << where;
        }
      } else {
        EXPECT_EQ(response.result_int(), 403) << where << ": " << response.body();
        if (response.result_int() == 403) {
          EXPECT_EQ(body_of(response)["error"]["code"], "forbidden") << where;
        }
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, 20 * kRoles.size()) << "every route × every role";
}

TEST_F(AuthorizationMatrixTest, GivenACustomerOutsideTheScope_WhenRead_Then404ElseFound) {
  const std::string own = "/api/v1/customers/" + server_->own_customer();
  const std::string other = "/api/v1/customers/" + server_->other_customer();
  struct Case {
    Role role;
    int own, other;
  };
  for (const Case& c : {Case{Role::kCollector, 200, 404}, Case{Role::kSupervisor, 200, 404},
                        Case{Role::kDirector, 200, 200}, Case{Role::kAuditor, 200, 200},
                        Case{Role::kAdmin, 403, 403}}) {
    EXPECT_EQ(call(c.role, beast::http::verb::get, own, "").result_int(), c.own)
        << role_name(c.role);
    EXPECT_EQ(call(c.role, beast::http::verb::get, other, "").result_int(), c.other)
        << role_name(c.role);
  }
}

}  // namespace
}  // namespace huikuan

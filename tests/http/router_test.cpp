// Given a route table, when paths and methods are matched, then the right handler runs with
// its path parameters, and failures become 404, 405 or 500 in the API error shape.

#include "http/router.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace huikuan::http {
namespace {

Handler answer(std::string body) {
  return [body](const Request&) { return Response::json(body); };
}

Router sample_router() {
  Router router;
  router.add({Verb::get, "/api/v1/customers", answer("list")});
  router.add({Verb::get, "/api/v1/customers/{id}", answer("one")});
  router.add({Verb::put, "/api/v1/customers/{id}", answer("put")});
  router.add({Verb::get, "/api/v1/customers/{id}/invoices/{invoice}", answer("invoice")});
  return router;
}

TEST(RouterTest, GivenParamSegments_WhenAPathMatches_ThenTheyAreDecodedIntoPathParams) {
  const Router router = sample_router();
  const auto match = router.match(Verb::get, "/api/v1/customers/C%2F001/invoices/INV-9");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.route->pattern, "/api/v1/customers/{id}/invoices/{invoice}");
  EXPECT_EQ(match.params, (Params{{"id", "C/001"}, {"invoice", "INV-9"}}));
}

TEST(RouterTest, GivenLiteralAndParamRoutes_WhenMatched_ThenTheSegmentCountMustAgree) {
  const Router router = sample_router();
  EXPECT_EQ(router.match(Verb::get, "/api/v1/customers").route->pattern, "/api/v1/customers");
  EXPECT_EQ(router.match(Verb::get, "/api/v1/customers/").route, nullptr);  // empty {id}
  EXPECT_EQ(router.match(Verb::get, "/api/v1/customers/a/b").route, nullptr);
  EXPECT_EQ(router.match(Verb::get, "/api/v2/customers").route, nullptr);
}

TEST(RouterTest, GivenAPathWithOtherMethods_WhenTheMethodDiffers_Then405ListsTheAllowedOnes) {
  const Router router = sample_router();
  const auto match = router.match(Verb::delete_, "/api/v1/customers/C1");
  EXPECT_EQ(match.route, nullptr);
  EXPECT_EQ(match.allowed, (std::vector<Verb>{Verb::get, Verb::put}));
  const Response response = Router::no_route(match);
  EXPECT_EQ(response.status, Status::method_not_allowed);
  EXPECT_EQ(response.headers, (Params{{"Allow", "GET, PUT"}}));
  EXPECT_EQ(nlohmann::json::parse(response.body)["error"]["code"], "method_not_allowed");
}

TEST(RouterTest, GivenNoMatchingPath_WhenAnswered_Then404) {
  const Router router = sample_router();
  const Response response = Router::no_route(router.match(Verb::get, "/nothing"));
  EXPECT_EQ(response.status, Status::not_found);
  EXPECT_EQ(nlohmann::json::parse(response.body),
            nlohmann::json::parse(
                R"({"error":{"code":"not_found","message":"no such resource","field":null}})"));
}

TEST(RouterTest, GivenABadOrDuplicatePattern_WhenAdded_ThenItThrowsAtStartUp) {
  Router router = sample_router();
  EXPECT_THROW(router.add({Verb::get, "/api/v1/customers", answer("again")}),
               std::invalid_argument);
  EXPECT_THROW(router.add({Verb::get, "no-slash", answer("x")}), std::invalid_argument);
  EXPECT_THROW(router.add({Verb::get, "/a/{b", answer("x")}), std::invalid_argument);
}

TEST(RouterTest, GivenAThrowingHandler_WhenInvoked_ThenA500NamesTheRequestIdOnly) {
  Router router;
  router.add({Verb::get, "/boom",
              [](const Request&) -> Response { throw std::logic_error("secret detail"); }});
  Request request;
  request.request_id = "abc123";
  const Response response = router.invoke(*router.match(Verb::get, "/boom").route, request);
  EXPECT_EQ(response.status, Status::internal_server_error);
  const auto json = nlohmann::json::parse(response.body);
  EXPECT_EQ(json["error"]["code"], "internal");
  EXPECT_THAT(json["error"]["message"].get<std::string>(), ::testing::HasSubstr("abc123"));
  EXPECT_THAT(response.body, ::testing::Not(::testing::HasSubstr("secret")));
}

TEST(RouterTest, GivenAnAuthorizer_WhenARouteIsNotPublic_ThenItDecidesBeforeTheHandler) {
  Router router;
  router.add({Verb::get, "/open", answer("open"), Permission::kPublic});
  router.add({Verb::get, "/closed", answer("closed"), Permission::kSignedIn});
  router.set_authorizer([](const Request&, const Route&) -> std::optional<Response> {
    return Response::error(Status::unauthorized, "unauthorized", "sign in first");
  });
  const Request request;
  EXPECT_EQ(router.invoke(*router.match(Verb::get, "/open").route, request).body, "open");
  EXPECT_EQ(router.invoke(*router.match(Verb::get, "/closed").route, request).status,
            Status::unauthorized);
}

TEST(RouterTest, GivenARequest_WhenQueryParamsAreLookedUp_ThenTheFirstOfANameIsReturned) {
  Request request;
  request.query = {{"as_of", "2026-06-30"}, {"by", "region"}, {"by", "customer"}};
  EXPECT_EQ(request.query_param("by"), "region");
  EXPECT_EQ(request.query_param("buckets"), std::nullopt);
}

}  // namespace
}  // namespace huikuan::http

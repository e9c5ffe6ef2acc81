// Templates edited and previewed over the API, the outbox listed, evidence fetched.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "http/api_fixture.h"

namespace huikuan {
namespace {

using testing::ApiClient;
using testing::ApiServer;
using testing::body_of;
using ::testing::HasSubstr;
using testing::HttpResponse;

class MessageRoutesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new ApiServer(); }
  static void TearDownTestSuite() { delete server_; }
  void SetUp() override { server_->set_now(testing::api_test_now()); }
  static ApiServer* server_;
};
ApiServer* MessageRoutesTest::server_ = nullptr;

TEST_F(MessageRoutesTest,
       GivenTheShippedTemplates_WhenListed_ThenEachLetterIsThereInBothLanguages) {
  ApiClient director(server_->port(), "director");
  const HttpResponse list = director.get("/api/v1/templates");
  ASSERT_EQ(list.result_int(), 200) << list.body();
  std::set<std::string> names;
  const auto body = body_of(list);
  for (const auto& t : body["templates"])
    names.insert(t["name"].get<std::string>() + "." + t["language"].get<std::string>());
  for (const char* name : {"letter_1_friendly", "letter_4_final", "followup_sms", "statement"}) {
    EXPECT_TRUE(names.contains(std::string(name) + ".zh-CN")) << name;
    EXPECT_TRUE(names.contains(std::string(name) + ".en")) << name;
  }
}

TEST_F(MessageRoutesTest, GivenABadTemplate_WhenPut_Then422NamesTheVariableAndNothingChanges) {
  ApiClient director(server_->port(), "director");
  const HttpResponse bad = director.put("/api/v1/templates/followup_sms/zh-CN",
                                        "{{customer.name}} {{customer.salary}}", "text/plain");
  ASSERT_EQ(bad.result_int(), 422) << bad.body();
  EXPECT_EQ(body_of(bad)["error"]["field"], "customer.salary");
  const HttpResponse shipped = director.get("/api/v1/templates/followup_sms/zh-CN");
  EXPECT_EQ(body_of(shipped)["source"], "shipped");
}

TEST_F(MessageRoutesTest, GivenAnEditedTemplate_WhenPreviewed_ThenTheCustomersTextAndPdfComeBack) {
  ApiClient director(server_->port(), "director");
  const HttpResponse put = director.put(
      "/api/v1/templates/followup_email/en",
      "Subject: Account {{customer.id}}\n\nDear {{customer.name}}, {{currency}} {{total_open}} is "
      "open.\n",
      "text/plain");
  ASSERT_EQ(put.result_int(), 200) << put.body();
  EXPECT_EQ(body_of(put)["source"], "edited");
  EXPECT_EQ(body_of(put)["edited_by"], "director");
  const std::string customer = server_->own_customer();
  const HttpResponse preview =
      director.post("/api/v1/templates/followup_email/en/preview", {{"customer", customer}});
  ASSERT_EQ(preview.result_int(), 200) << preview.body();
  EXPECT_EQ(body_of(preview)["subject"], "Account " + customer);
  EXPECT_THAT(body_of(preview)["body"].get<std::string>(), HasSubstr(" is open."));
  const HttpResponse pdf = director.post(
      "/api/v1/templates/letter_2_formal/zh-CN/preview?format=pdf", {{"customer", customer}});
  ASSERT_EQ(pdf.result_int(), 200) << pdf.body();
  EXPECT_EQ(pdf[boost::beast::http::field::content_type], "application/pdf");
  EXPECT_EQ(pdf.body().substr(0, 5), "%PDF-");
}

TEST_F(MessageRoutesTest, GivenACollector_WhenEditingATemplate_ThenForbidden) {
  ApiClient collector(server_->port(), "collector");
  EXPECT_EQ(collector.put("/api/v1/templates/followup_sms/en", "Hello", "text/plain").result_int(),
            403);
}

TEST_F(MessageRoutesTest, GivenACustomer_WhenItsEvidenceIsAsked_ThenClaimsHaveLimitationDeadlines) {
  ApiClient collector(server_->port(), "collector");
  const HttpResponse evidence =
      collector.get("/api/v1/customers/" + server_->own_customer() + "/evidence");
  ASSERT_EQ(evidence.result_int(), 200) << evidence.body();
  const auto bundle = body_of(evidence);
  EXPECT_EQ(bundle["customer"]["id"], server_->own_customer());
  ASSERT_FALSE(bundle["claims"].empty());
  for (const auto& claim : bundle["claims"]) {
    // Three years after the due date, or after what restarted the period (a part payment in
    // the generated ledger), whose date ends the explanation.
    const std::string why = claim["restarted_by"];
    const std::string start =
        why == "due date" ? claim["due_date"].get<std::string>() : why.substr(why.size() - 10);
    const std::string deadline = claim["limitation_deadline"];
    EXPECT_EQ(std::stoi(deadline.substr(0, 4)) - std::stoi(start.substr(0, 4)), 3) << claim.dump();
    EXPECT_EQ(deadline.substr(4), start.substr(4)) << claim.dump();
  }
  ApiClient west(server_->port(), "collector_west");
  EXPECT_EQ(west.get("/api/v1/customers/" + server_->own_customer() + "/evidence").result_int(),
            404);
}

}  // namespace
}  // namespace huikuan

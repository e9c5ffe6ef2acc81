// Given the API over a ledger, when admins, auditors, finance and directors keep users, tokens,
// the policy, imports and runs, then each change is made (or refused whole) and lands in the
// hash-chained audit log with the user, role and request id.

#include "http/admin_routes.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <thread>

#include "http/api_fixture.h"
#include "io/policy_toml.h"
#include "service/job_lock.h"

namespace huikuan {
namespace {

using testing::ApiClient;
using testing::ApiServer;
using testing::body_of;
using testing::Client;
using ::testing::HasSubstr;
using testing::HttpResponse;
namespace beast = boost::beast;

class AdminRoutesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new ApiServer(); }
  static void TearDownTestSuite() { delete server_; }
  void SetUp() override { server_->set_now(testing::api_test_now()); }

  //! The audit records of the request `response` answered.
  static nlohmann::json audit_of(const HttpResponse& response) {
    ApiClient auditor(server_->port(), "auditor");
    const HttpResponse audit = auditor.get(
        fmt::format("/api/v1/audit?request_id={}", std::string(response["X-Request-Id"])));
    EXPECT_EQ(audit.result_int(), 200) << audit.body();
    return body_of(audit)["items"];
  }

  static ApiServer* server_;
};
ApiServer* AdminRoutesTest::server_ = nullptr;

// ---- users and tokens -------------------------------------------------------------------

TEST_F(AdminRoutesTest, GivenAnAdmin_WhenAddingAUser_ThenItCanSignInAndTheAuditSaysWhoAddedIt) {
  ApiClient admin(server_->port(), "admin");
  const HttpResponse created = admin.post("/api/v1/users", {{"username", "wang.fang"},
                                                            {"role", "collector"},
                                                            {"collector_id", "王芳"},
                                                            {"team", "east"},
                                                            {"password", "a long enough pass"}});
  ASSERT_EQ(created.result_int(), 201) << created.body();
  EXPECT_EQ(body_of(created)["role"], "collector");
  EXPECT_EQ(body_of(created).count("password_hash"), 0u);
  EXPECT_NO_THROW(ApiClient(server_->port(), "wang.fang", "a long enough pass"));

  const auto audit = audit_of(created);
  ASSERT_EQ(audit.size(), 1u) << audit.dump();
  EXPECT_EQ(audit[0]["actor"], "admin");
  EXPECT_EQ(audit[0]["role"], "admin");
  EXPECT_EQ(audit[0]["entity"], "user");
  EXPECT_EQ(audit[0]["key"], "wang.fang");

  const HttpResponse listed = admin.get("/api/v1/users");
  ASSERT_EQ(listed.result_int(), 200);
  EXPECT_THAT(listed.body(), HasSubstr(R"("username":"wang.fang")"));
  EXPECT_THAT(listed.body(), Not(HasSubstr("argon2")));
}

TEST_F(AdminRoutesTest, GivenBadUsers_WhenAdded_Then422NamesTheFieldAndNothingIsAdded) {
  ApiClient admin(server_->port(), "admin");
  struct Case {
    nlohmann::json body;
    std::string field;
  };
  const std::vector<Case> cases{
      {{{"username", "x1"}, {"role", "collector"}, {"password", "a long enough pass"}}, "username"},
      {{{"username", "zhao.lei"}, {"role", "boss"}, {"password", "a long enough pass"}}, "role"},
      {{{"username", "zhao.lei"}, {"role", "auditor"}, {"password", "short"}}, "password"},
      {{{"username", "collector"}, {"role", "auditor"}, {"password", "a long enough pass"}},
       "username"},
  };
  for (const Case& c : cases) {
    const HttpResponse response = admin.post("/api/v1/users", c.body);
    EXPECT_EQ(response.result_int(), 422) << c.body.dump();
    EXPECT_EQ(body_of(response)["error"]["field"], c.field) << response.body();
  }
  EXPECT_FALSE(server_->store().find_user("zhao.lei"));
  EXPECT_EQ(admin.send(beast::http::verb::post, "/api/v1/users", "{oops").result_int(), 400);
}

TEST_F(AdminRoutesTest, GivenAnApiTokenMadeOverTheApi_WhenRevoked_ThenItNoLongerWorks) {
  ApiClient admin(server_->port(), "admin");
  const HttpResponse created =
      admin.post("/api/v1/tokens", {{"username", "credit"}, {"name", "risk-export"}});
  ASSERT_EQ(created.result_int(), 201) << created.body();
  const std::string bearer = "Bearer " + body_of(created)["secret"].get<std::string>();
  auto get = [&] {
    return Client(server_->port())
        .request(beast::http::verb::get, "/api/v1/session", {{"Authorization", bearer}})
        .result_int();
  };
  EXPECT_EQ(get(), 200);
  const int64_t id = body_of(created)["id"];
  EXPECT_EQ(admin.del(fmt::format("/api/v1/tokens/{}", id)).result_int(), 200);
  EXPECT_EQ(get(), 401);
  EXPECT_EQ(admin.del("/api/v1/tokens/999999").result_int(), 404);
  EXPECT_EQ(admin.del("/api/v1/tokens/abc").result_int(), 404);
}

// ---- audit -------------------------------------------------------------------------------

TEST_F(AdminRoutesTest, GivenManyRecords_WhenPagingTheAuditLog_ThenNewestFirstWithoutGaps) {
  ApiClient auditor(server_->port(), "auditor");
  const auto first = body_of(auditor.get("/api/v1/audit?limit=3"));
  ASSERT_EQ(first["items"].size(), 3u);
  const int64_t newest = first["items"][0]["id"];
  EXPECT_EQ(first["items"][2]["id"], newest - 2);
  const auto next = body_of(
      auditor.get(fmt::format("/api/v1/audit?limit=3&before={}", first["next_before"].get<int>())));
  EXPECT_EQ(next["items"][0]["id"], newest - 3);
  EXPECT_EQ(auditor.get("/api/v1/audit?limit=0").result_int(), 400);
  EXPECT_EQ(auditor.get("/api/v1/audit?user=x").result_int(), 400);
}

TEST_F(AdminRoutesTest, GivenTheAuditLog_WhenARecordIsAltered_ThenVerifyNamesIt) {
  ApiServer server;  // its own database, to tamper with
  ApiClient auditor(server.port(), "auditor");
  HttpResponse verified = auditor.get("/api/v1/audit/verify");
  ASSERT_EQ(verified.result_int(), 200);
  EXPECT_EQ(body_of(verified)["valid"], true);
  EXPECT_GT(body_of(verified)["records"].get<int>(), 5);
  testing::tamper_audit(server.db(),
                        "UPDATE ledger_changes SET new_value = 'created: role admin' WHERE id = 3");
  verified = auditor.get("/api/v1/audit/verify");
  ASSERT_EQ(verified.result_int(), 200);
  EXPECT_EQ(body_of(verified)["valid"], false);
  EXPECT_EQ(body_of(verified)["record"], "record 3");
}

// ---- policy ------------------------------------------------------------------------------

std::string shipped_policy() {
  return std::string(default_policy_text());
}

TEST_F(AdminRoutesTest, GivenAnInvalidPolicy_WhenValidatedOrPut_Then422WithLineAndNothingChanges) {
  ApiClient director(server_->port(), "director");
  std::string broken = shipped_policy();
  broken.replace(broken.find("promise_grace_days = 3"), 22, "promise_grace_days = -3");
  const HttpResponse checked =
      director.send(beast::http::verb::post, "/api/v1/policy/validate", broken, "application/toml");
  EXPECT_EQ(checked.result_int(), 422) << checked.body();
  EXPECT_THAT(body_of(checked)["error"]["message"].get<std::string>(), HasSubstr("policy.toml:"));
  const std::string before = director.get("/api/v1/policy").body();
  EXPECT_EQ(director.put("/api/v1/policy", broken, "application/toml").result_int(), 422);
  EXPECT_EQ(director.get("/api/v1/policy").body(), before);
}

TEST_F(AdminRoutesTest, GivenAValidPolicy_WhenPut_ThenItIsInForceAsANewVersionAndAudited) {
  ApiClient admin(server_->port(), "admin");
  const HttpResponse shipped = admin.get("/api/v1/policy");
  ASSERT_EQ(shipped.result_int(), 200);
  std::string changed = shipped_policy();
  changed.replace(changed.find("promise_grace_days = 3"), 22, "promise_grace_days = 5");
  const HttpResponse checked =
      admin.send(beast::http::verb::post, "/api/v1/policy/validate", changed, "application/toml");
  ASSERT_EQ(checked.result_int(), 200) << checked.body();
  const HttpResponse put = admin.put("/api/v1/policy", changed, "application/toml");
  ASSERT_EQ(put.result_int(), 200) << put.body();
  EXPECT_TRUE(body_of(put)["version"].is_number());
  EXPECT_EQ(body_of(admin.get("/api/v1/policy"))["toml"], changed);
  EXPECT_EQ(server_->api().policy.get()->promise_grace_days, 5);
  const auto audit = audit_of(put);
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0]["entity"], "policy");
  EXPECT_EQ(audit[0]["old_value"], body_of(shipped)["sha256"]);
  EXPECT_EQ(audit[0]["new_value"], body_of(put)["sha256"]);
  // Back to the shipped rules for the other tests.
  ASSERT_EQ(admin.put("/api/v1/policy", shipped_policy(), "application/toml").result_int(), 200);
}

// ---- imports -----------------------------------------------------------------------------

std::string form_data(const std::vector<std::pair<std::string, std::string>>& files,
                      std::string_view boundary) {
  std::string body;
  for (const auto& [name, content] : files) {
    body += fmt::format(
        "--{}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{}\"\r\n"
        "Content-Type: text/csv\r\n\r\n{}\r\n",
        boundary, name, content);
  }
  return body + fmt::format("--{}--\r\n", boundary);
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST_F(AdminRoutesTest, GivenABadRow_WhenUploaded_Then422WithFileAndLineAndNothingChanges) {
  ApiClient finance(server_->port(), "finance");
  std::string invoices = read_text(server_->dir() / "ledger" / "invoices.csv");
  const size_t second_line = invoices.find('\n') + 1;
  const size_t third_line = invoices.find('\n', second_line) + 1;
  // The first row (line 2) gets an impossible invoice date.
  std::string line = invoices.substr(second_line, third_line - second_line);
  line.replace(line.find(",20") + 1, 10, "2026-02-30");
  invoices.replace(second_line, third_line - second_line, line);
  const int64_t version = server_->store().ledger_version();
  const HttpResponse response = finance.send(beast::http::verb::post, "/api/v1/imports",
                                             form_data({{"invoices.csv", invoices}}, "XyZ123"),
                                             "multipart/form-data; boundary=XyZ123");
  ASSERT_EQ(response.result_int(), 422) << response.body();
  const auto errors = body_of(response)["errors"];
  ASSERT_GE(errors.size(), 1u);
  EXPECT_EQ(errors[0]["where"], "invoices.csv:2");
  EXPECT_EQ(server_->store().ledger_version(), version);
}

TEST_F(AdminRoutesTest, GivenAChangedCustomer_WhenUploaded_ThenImportedAuditedAndServed) {
  ApiClient finance(server_->port(), "finance");
  std::string customers = read_text(server_->dir() / "ledger" / "customers.csv");
  const size_t row = customers.find('\n') + 1;  // the first customer
  const std::string id = customers.substr(row, customers.find(',', row) - row);
  const size_t name_start = customers.find(',', row) + 1;
  const size_t name_end = customers.find(',', name_start);
  customers.replace(name_start, name_end - name_start, "更名后的公司");
  const HttpResponse response = finance.send(beast::http::verb::post, "/api/v1/imports",
                                             form_data({{"customers.csv", customers}}, "b0undary"),
                                             "multipart/form-data; boundary=b0undary");
  ASSERT_EQ(response.result_int(), 200) << response.body();
  EXPECT_EQ(body_of(response)["customers"]["updated"], 1);
  EXPECT_EQ(server_->store().find_customer(id)->name, "更名后的公司");
  const auto snapshot = server_->snapshot();
  EXPECT_NE(
      std::find(snapshot->customer_name.begin(), snapshot->customer_name.end(), "更名后的公司"),
      snapshot->customer_name.end());
  bool audited = false;
  for (const auto& record : audit_of(response)) {
    audited |= record["entity"] == "customer" && record["actor"] == "finance" &&
               record["role"] == "finance" && record["new_value"] == "更名后的公司";
  }
  EXPECT_TRUE(audited);
}

TEST_F(AdminRoutesTest, GivenANewDeliveryNote_WhenUploaded_ThenTheChainShowsItNotInvoiced) {
  ApiClient finance(server_->port(), "finance");
  const std::string customer = server_->own_customer();
  const std::string deliveries =
      "delivery_id,customer_id,contract_id,delivery_date,received_date,received_by\n"
      "DN-UPLOAD-1," +
      customer + ",HT-NEW-1,2026-06-28,2026-06-29,张敏\n";
  const HttpResponse response = finance.send(beast::http::verb::post, "/api/v1/imports",
                                             form_data({{"deliveries.csv", deliveries}}, "dnB"),
                                             "multipart/form-data; boundary=dnB");
  ASSERT_EQ(response.result_int(), 200) << response.body();
  EXPECT_EQ(body_of(response)["deliveries"]["added"], 1);

  ApiClient auditor(server_->port(), "auditor");
  const auto note = body_of(auditor.get("/api/v1/deliveries/DN-UPLOAD-1"));
  EXPECT_EQ(note["customer"]["id"], customer);
  EXPECT_TRUE(note["invoice_id"].is_null());
  EXPECT_TRUE(note["invoice"].is_null());
  EXPECT_EQ(note["received_by"], "张敏");
  bool shown = false;
  const auto view = body_of(auditor.get("/api/v1/customers/" + customer));
  for (const auto& contract : view["documents"]) {
    if (contract["contract_id"] != "HT-NEW-1") continue;
    EXPECT_TRUE(contract["invoices"].empty());
    ASSERT_EQ(contract["deliveries_not_invoiced"].size(), 1u);
    shown = contract["deliveries_not_invoiced"][0]["id"] == "DN-UPLOAD-1";
  }
  EXPECT_TRUE(shown);
}

TEST_F(AdminRoutesTest, GivenNotAnUpload_WhenPostedToImports_Then400) {
  ApiClient finance(server_->port(), "finance");
  EXPECT_EQ(finance.post("/api/v1/imports", {{"file", "x"}}).result_int(), 400);
  const HttpResponse unknown =
      finance.send(beast::http::verb::post, "/api/v1/imports",
                   form_data({{"ledger.xlsx", "x"}}, "b"), "multipart/form-data; boundary=b");
  EXPECT_EQ(unknown.result_int(), 400);
  EXPECT_THAT(body_of(unknown)["error"]["message"].get<std::string>(), HasSubstr("ledger.xlsx"));
}

// ---- jobs --------------------------------------------------------------------------------

TEST_F(AdminRoutesTest, GivenADirector_WhenRunningTheDayNow_ThenTheActionsArePlanned) {
  ApiClient director(server_->port(), "director");
  const HttpResponse run = director.post("/api/v1/runs", {{"as_of", "2026-06-30"}});
  ASSERT_EQ(run.result_int(), 200) << run.body();
  const auto summary = body_of(run);
  EXPECT_EQ(summary["as_of"], "2026-06-30");
  EXPECT_GT(summary["cases"].get<int>(), 0);
  size_t planned = 0;
  for (const auto& [kind, count] : summary["actions"].items()) planned += count.get<size_t>();
  size_t stored = 0;
  server_->store().read_actions(std::nullopt, false, [&](const Action&) { ++stored; });
  EXPECT_EQ(stored, planned);
  EXPECT_EQ(director.post("/api/v1/runs", {{"as_of", "2026-13-01"}}).result_int(), 422);
  EXPECT_EQ(director.post("/api/v1/snapshot/refresh", nlohmann::json::object()).result_int(), 200);
}

// ---- several instances on one database -----------------------------------------------------

// Two servers on one database, as two `huikuan serve` behind a load balancer.
class InstancesTest : public ::testing::Test {
 protected:
  ApiServer first_;
  ApiServer second_{ApiServer::Join{first_}};

  // Waits up to a second for `check` to hold; whether it did.
  static bool within_a_second(const std::function<bool()>& check) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    while (!check()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
  }
};

TEST_F(InstancesTest, GivenASessionFromOneInstance_WhenUsedOnTheOther_ThenSignedIn) {
  ApiClient collector(first_.port(), "collector");
  Client other(second_.port());
  testing::HttpRequest request{beast::http::verb::get, "/api/v1/session", 11};
  request.set(beast::http::field::cookie, collector.cookie());
  const HttpResponse session = other.send(request);
  ASSERT_EQ(session.result_int(), 200) << session.body();
  EXPECT_THAT(session.body(), HasSubstr("\"username\":\"collector\""));
}

TEST_F(InstancesTest,
       GivenAPromiseRecordedOnOne_ThenTheOthersReadsAndWorklistShowItWithinASecondWithoutAReload) {
  ApiClient on_second(second_.port(), "collector");
  // A customer of the collector's with collectible money on the list.
  std::string customer;
  const nlohmann::json list = body_of(on_second.get("/api/v1/worklist?limit=500"));
  for (const auto& item : list["items"]) {
    if (item["collectible_amount"] != "0.00" && item["currency"] == "CNY" &&
        item["factors"]["promised_excluded"] == "0.00") {
      customer = item["customer_id"];
      break;
    }
  }
  ASSERT_FALSE(customer.empty());
  auto worklist_item = [&] {
    const nlohmann::json items = body_of(on_second.get("/api/v1/worklist?limit=500"))["items"];
    for (const auto& item : items) {
      if (item["customer_id"] == customer) return item;
    }
    return nlohmann::json();
  };
  ASSERT_FALSE(worklist_item().is_null());
  const std::string excluded_before = worklist_item()["factors"]["promised_excluded"];
  const auto snapshot_before = second_.snapshot();

  ApiClient on_first(first_.port(), "collector");
  const HttpResponse promised = on_first.post(
      "/api/v1/promises", {{"customer_id", customer}, {"amount", "10.00"}, {"date", "2026-07-10"}});
  ASSERT_EQ(promised.result_int(), 201) << promised.body();

  const auto promises =
      body_of(on_second.get(fmt::format("/api/v1/customers/{}/promises", customer)));
  ASSERT_FALSE(promises["items"].empty());
  EXPECT_EQ(promises["items"].back()["amount"], "10.00");
  EXPECT_TRUE(within_a_second([&] {
    return worklist_item()["factors"]["promised_excluded"] != excluded_before;
  })) << "the second instance's worklist still shows "
      << worklist_item().dump();
  // The documents did not change: the ledger (10M invoices at scale) is not read again.
  EXPECT_EQ(second_.snapshot(), snapshot_before) << "a promise reloaded the snapshot";
}

TEST_F(InstancesTest, GivenAnImportOnOne_ThenTheOthersSnapshotHasItWithinASecond) {
  ApiClient finance(first_.port(), "finance");
  std::string customers = read_text(first_.dir() / "ledger" / "customers.csv");
  const size_t row = customers.find('\n') + 1;
  const size_t name_start = customers.find(',', row) + 1;
  const size_t name_end = customers.find(',', name_start);
  customers.replace(name_start, name_end - name_start, "另一实例改名");
  const HttpResponse imported = finance.send(beast::http::verb::post, "/api/v1/imports",
                                             form_data({{"customers.csv", customers}}, "b0und"),
                                             "multipart/form-data; boundary=b0und");
  ASSERT_EQ(imported.result_int(), 200) << imported.body();
  EXPECT_TRUE(within_a_second([&] {
    const auto& names = second_.snapshot()->customer_name;
    return std::find(names.begin(), names.end(), "另一实例改名") != names.end();
  }));
}

TEST_F(InstancesTest, GivenTheDailyRunTriggeredOnBoth_ThenItRunsOnce) {
  // While any process holds the run's database lock, neither instance runs it.
  auto holder = std::move(*Store::open(first_.db()));
  {
    auto lock = JobLock::try_take(*holder, "daily_run");
    ASSERT_TRUE(lock);
    ApiClient director_first(first_.port(), "director"),
        director_second(second_.port(), "director");
    EXPECT_EQ(director_first.post("/api/v1/runs", {{"as_of", "2026-06-30"}}).result_int(), 409);
    EXPECT_EQ(director_second.post("/api/v1/runs", {{"as_of", "2026-06-30"}}).result_int(), 409);
  }
  // Both schedules come due at once: one instance runs the day, the other finds it run.
  const Date day = *Date::parse("2026-06-30");
  std::optional<Result<RunSummary>> results[2];
  {
    std::jthread a([&] {
      results[0] = http::try_daily_run(first_.api(), day, Actor{"scheduler", first_.now()}, true);
    });
    std::jthread b([&] {
      results[1] = http::try_daily_run(second_.api(), day, Actor{"scheduler", second_.now()}, true);
    });
  }
  for (auto& result :
       results) {  // the one that found the lock busy tries again, as at its next tick
    while (!result) {
      result = http::try_daily_run(first_.api(), day, Actor{"scheduler", first_.now()}, true);
    }
  }
  int ran = 0, found_run = 0;
  for (const auto& result : results) {
    if (*result) {
      ++ran;
    } else {
      EXPECT_EQ(result->error().field, http::kAlreadyRun) << result->error().to_string();
      ++found_run;
    }
  }
  EXPECT_EQ(ran, 1);
  EXPECT_EQ(found_run, 1);
}
}  // namespace
}  // namespace huikuan

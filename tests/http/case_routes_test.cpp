// Given a ledger with users of every role and a daily run, when collectors, supervisors and
// managers work their day over the API — worklist, actions, contacts, promises, disputes,
// payment plans and approvals — then each sees only the customers in their scope, changes are
// refused with the right status and field, and every change is in the audit log with the
// user's name, role and the response's request id.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>
#include <tuple>

#include "core/money.h"
#include "http/api_fixture.h"
#include "http/worklist_cache.h"
#include "service/collection_output.h"
#include "service/collections.h"
#include "service/daily_run.h"
#include "service/snapshot_loader.h"

namespace huikuan {
namespace {

using testing::ApiClient;
using testing::ApiServer;
using testing::body_of;
using ::testing::HasSubstr;
using testing::HttpResponse;
using ::testing::StartsWith;
using json = nlohmann::json;

constexpr std::string_view kToday = "2026-06-30";
// An invoice the tests import for the collector's customer: above the director's 1,000,000.00.
constexpr std::string_view kLargeInvoice = "INVBIG0001";

class CaseRoutesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new ApiServer();
    Store& store = server_->store();
    auto run = run_daily(store, snapshot_cache_path(server_->db()), *server_->api().policy.get(),
                         *Date::parse(kToday), Actor{"run", testing::api_test_now()});
    if (!run) throw std::runtime_error(run.error().to_string());
    import_large_invoice();
  }
  static void TearDownTestSuite() { delete server_; }
  void SetUp() override { server_->set_now(testing::api_test_now()); }

  static void import_large_invoice() {
    const auto dir = server_->dir() / "large";
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "invoices.csv")
        << "invoice_id,customer_id,invoice_date,due_date,currency,amount\n"
        << kLargeInvoice << "," << server_->own_customer()
        << ",2026-06-01,2026-07-31,CNY,1200000.00\n";
    ImportOptions import;
    import.dir = dir.string();
    auto imported = import_ledger(server_->store(), import);
    if (!imported) throw std::runtime_error("cannot import the large invoice");
  }

  static ApiClient as(std::string_view username) { return ApiClient(server_->port(), username); }

  //! The invoices of `customer` with something open today, and what is open, smallest first.
  static std::vector<std::pair<std::string, int64_t>> open_invoices(const std::string& customer) {
    Store& store = server_->store();
    const auto found = store.find_customer(customer);
    std::vector<std::pair<std::string, int64_t>> invoices;
    store.read_invoices(ReadMode::kFull, [&](const Invoice& invoice) {
      if (invoice.customer_id != found->id || invoice.doc_type != DocType::kInvoice) return;
      if (invoice.external_id == kLargeInvoice) return;
      const int64_t open = store.invoice_open(invoice.id, *Date::parse(kToday));
      if (open > 0) invoices.emplace_back(invoice.external_id, open);
    });
    std::sort(invoices.begin(), invoices.end(),
              [](const auto& a, const auto& b) { return a.second < b.second; });
    return invoices;
  }

  //! A customer of `collector` with an invoice open today.
  static std::string customer_of(const std::string& collector) {
    const auto snapshot = server_->snapshot();
    for (size_t c = 0; c < snapshot->customer_count(); ++c) {
      const std::string& key = snapshot->customer_key[c];
      if (snapshot->collectors.values[snapshot->customer_collector[c]] == collector &&
          !open_invoices(key).empty()) {
        return key;
      }
    }
    throw std::runtime_error("no customer of " + collector + " owes anything");
  }

  //! An invoice of `customer` that no test has used yet (each test plans or disputes its own).
  static std::pair<std::string, int64_t> fresh_invoice(const std::string& customer) {
    static std::set<std::string> used;
    for (const auto& invoice : open_invoices(customer)) {
      if (used.insert(invoice.first).second) return invoice;
    }
    throw std::runtime_error("no unused open invoice left for " + customer);
  }

  //! The audit records the request that answered `response` wrote.
  static std::vector<ChangeRecord> audited(const HttpResponse& response) {
    const std::string request_id(response["X-Request-Id"]);
    std::vector<ChangeRecord> records;
    server_->store().read_changes([&](const ChangeRecord& change) {
      if (change.request_id == request_id) records.push_back(change);
    });
    return records;
  }

  static void expect_audited(const HttpResponse& response, std::string_view user,
                             std::string_view entity) {
    const auto records = audited(response);
    ASSERT_FALSE(records.empty()) << "no audit record for " << response["X-Request-Id"];
    EXPECT_EQ(records.front().actor, user);
    EXPECT_EQ(records.front().role, user == "collector_west" ? "collector" : user);
    EXPECT_EQ(records.front().entity, entity);
  }

  //! A body's "error" member.
  static json error_of(const HttpResponse& response) { return body_of(response)["error"]; }

  static std::string money(int64_t minor) { return format_minor_units(minor, 2); }

  //! A two-installment plan body for `invoice` owing `open`.
  static json plan_body(const std::string& customer, const std::string& invoice, int64_t open) {
    const int64_t first = open / 2;
    return {{"customer_id", customer},
            {"invoice_ids", {invoice}},
            {"installments",
             {{{"date", "2026-07-15"}, {"amount", money(first)}},
              {{"date", "2026-08-15"}, {"amount", money(open - first)}}}},
            {"note", "agreed on the phone"}};
  }

  //! The planned actions of `kToday` that `client` sees.
  static std::vector<json> planned_actions(ApiClient& client) {
    const HttpResponse response =
        client.get(fmt::format("/api/v1/actions?as_of={}&status=planned&limit=500", kToday));
    EXPECT_EQ(response.result_int(), 200) << response.body();
    auto items = body_of(response)["items"];
    return {items.begin(), items.end()};
  }

  static ApiServer* server_;
};
ApiServer* CaseRoutesTest::server_ = nullptr;

// ---- worklist -------------------------------------------------------------------------------

TEST_F(CaseRoutesTest, GivenADirector_WhenReadingTheWorklist_ThenTheCliListInItsOrder) {
  ApiClient director = as("director");
  const HttpResponse response = director.get("/api/v1/worklist?limit=500");
  ASSERT_EQ(response.result_int(), 200) << response.body();
  const auto body = body_of(response);
  EXPECT_EQ(body["as_of"], kToday);  // the api clock's day

  const auto snapshot = server_->snapshot();
  auto expected = build_worklist(*snapshot, load_collection_state(server_->store(), *snapshot),
                                 *server_->api().policy.get(), *Date::parse(kToday));
  ASSERT_TRUE(expected);
  ASSERT_FALSE(expected->empty());
  json items = json::array();
  for (const auto& item : *expected) items.push_back(json::parse(worklist_item_json(item).dump()));
  EXPECT_EQ(body["items"], items);
  EXPECT_EQ(body["total"], expected->size());
  EXPECT_EQ(body["offset"], 0);
  EXPECT_EQ(body["limit"], 500);

  const auto page = body_of(director.get("/api/v1/worklist?as_of=2026-06-30&limit=2&offset=1"));
  ASSERT_EQ(page["items"].size(), 2u);
  EXPECT_EQ(page["items"][0], items[1]);
  EXPECT_EQ(page["items"][1], items[2]);
  EXPECT_EQ(page["total"], expected->size());
}

TEST_F(CaseRoutesTest, GivenCollectorsAndASupervisor_WhenReadingTheWorklist_ThenOnlyTheirScope) {
  ApiClient director = as("director");
  const auto all = body_of(director.get("/api/v1/worklist?limit=500"))["items"];
  auto of = [&](const std::string& collector) {
    json items = json::array();
    for (const auto& item : all) {
      if (item["collector"] == collector) items.push_back(item);
    }
    return items;
  };
  ApiClient collector = as("collector");
  const auto own = body_of(collector.get("/api/v1/worklist?limit=500"));
  EXPECT_EQ(own["items"], of(server_->own_collector()));
  EXPECT_EQ(own["total"], of(server_->own_collector()).size());
  const auto west = body_of(as("collector_west").get("/api/v1/worklist?limit=500"));
  EXPECT_EQ(west["items"], of(server_->other_collector()));
  // The supervisor's team "east" is the collector's.
  EXPECT_EQ(body_of(as("supervisor").get("/api/v1/worklist?limit=500"))["items"],
            of(server_->own_collector()));
  // Narrowed to one collector: inside the scope, or anyone's for a director.
  std::string west_param;  // percent-encoded
  for (unsigned char ch : server_->other_collector()) {
    west_param +=
        std::isalnum(ch) ? std::string(1, static_cast<char>(ch)) : fmt::format("%{:02X}", ch);
  }
  EXPECT_EQ(body_of(director.get("/api/v1/worklist?limit=500&collector=" + west_param))["items"],
            of(server_->other_collector()));
  EXPECT_EQ(collector.get("/api/v1/worklist?collector=" + west_param).result_int(), 404);
  EXPECT_EQ(as("supervisor").get("/api/v1/worklist?collector=" + west_param).result_int(), 404);
}

TEST_F(CaseRoutesTest, GivenBadParameters_WhenReadingTheWorklist_Then400NamingThem) {
  ApiClient collector = as("collector");
  for (const auto& [target, field] : std::vector<std::pair<std::string, std::string>>{
           {"/api/v1/worklist?as_of=30.06.2026", "as_of"},
           {"/api/v1/worklist?limit=0", "limit"},
           {"/api/v1/worklist?limit=501", "limit"},
           {"/api/v1/worklist?offset=-1", "offset"},
           {"/api/v1/worklist?colector=x", "colector"}}) {
    const HttpResponse response = collector.get(target);
    EXPECT_EQ(response.result_int(), 400) << target;
    EXPECT_EQ(error_of(response)["field"], field) << target;
  }
  EXPECT_EQ(testing::fetch(server_->port(), "/api/v1/worklist").result_int(), 401);
  EXPECT_EQ(as("admin").get("/api/v1/worklist").result_int(), 403);
  EXPECT_EQ(as("sales").get("/api/v1/worklist").result_int(), 403);
}

TEST_F(CaseRoutesTest, GivenACachedWorklist_WhenAPromiseIsRecorded_ThenTheNextPageShowsIt) {
  ApiClient collector = as("collector");
  auto item_of = [&](const std::string& customer) {
    const json list = body_of(collector.get("/api/v1/worklist?limit=500"));
    for (const auto& item : list["items"]) {
      if (item["customer_id"] == customer) return item;
    }
    return json();
  };
  // A customer of the collector's with collectible money on the list.
  std::string customer;
  const json list = body_of(collector.get("/api/v1/worklist?limit=500"));
  for (const auto& item : list["items"]) {
    if (item["collectible_amount"] != "0.00" && item["currency"] == "CNY" &&
        item["factors"]["promised_excluded"] == "0.00") {
      customer = item["customer_id"];
      break;
    }
  }
  ASSERT_FALSE(customer.empty());
  const json before = item_of(customer);
  const HttpResponse promised = collector.post(
      "/api/v1/promises", {{"customer_id", customer}, {"amount", "10.00"}, {"date", "2026-07-10"}});
  ASSERT_EQ(promised.result_int(), 201) << promised.body();
  const json after = item_of(customer);
  EXPECT_EQ(after["factors"]["promised_excluded"], "10.00");
  EXPECT_NE(after["collectible_amount"], before["collectible_amount"]);
}

TEST_F(CaseRoutesTest, GivenAPromiseDueInThePeriod_WhenItsGracePasses_ThenTheReportCountsIt) {
  ApiClient collector = as("collector");
  ApiClient director = as("director");
  const char* report = "/api/v1/reports/promises?from=2026-07-06&to=2026-07-06";
  const HttpResponse promised = collector.post(
      "/api/v1/promises",
      {{"customer_id", server_->own_customer()}, {"amount", "1.00"}, {"date", "2026-07-06"}});
  ASSERT_EQ(promised.result_int(), 201) << promised.body();
  const std::string currency = body_of(promised)["promise"]["currency"];
  auto row = [&](ApiClient& reader) {
    const HttpResponse answer = reader.get(report);
    EXPECT_EQ(answer.result_int(), 200) << answer.body();
    const json body = body_of(answer);
    for (const json& r : body["currencies"]) {
      if (r["currency"] == currency) return r;
    }
    return json();
  };
  const json before = row(director);  // due, not yet past its grace
  EXPECT_EQ(before["open"], 1);
  EXPECT_EQ(before["broken"], 0);
  EXPECT_TRUE(before["kept_rate"].is_null());
  EXPECT_EQ(before["amount_due"], "1.00");

  server_->set_now(*Timestamp::parse("2026-07-20T10:00:00+08:00"));  // no payment since
  ApiClient later = as("director");  // the first session has ended by then
  const json after = row(later);
  EXPECT_EQ(after["open"], 0);
  EXPECT_EQ(after["broken"], 1);
  EXPECT_EQ(after["kept"], 0);
  EXPECT_EQ(after["kept_rate"], 0.0);
  EXPECT_EQ(later.get("/api/v1/reports/promises?from=2026-07-06").result_int(), 400);
}

TEST_F(CaseRoutesTest, GivenTheWorklistCache_WhenAskedAgainOrAfterAChange_ThenBuiltOnlyWhenNeeded) {
  http::WorklistCache cache(2);
  const auto snapshot = server_->snapshot();
  const auto policy = server_->api().policy.get();
  const Date today = *Date::parse(kToday);
  std::atomic<int> loads = 0;
  auto state = [&] {
    ++loads;
    return CollectionState{};
  };
  auto get = [&](Date as_of, uint64_t version) {
    auto built = cache.get(snapshot, policy, as_of, version, state);
    EXPECT_TRUE(built);
    return *built;
  };
  const auto first = get(today, 1);
  EXPECT_EQ(get(today, 1), first);  // the same list, not built again
  EXPECT_EQ(cache.builds(), 1u);
  EXPECT_NE(get(today, 2), first);  // the collection state changed
  get(today - 1, 2);                // another date is kept beside it
  get(today, 2);
  EXPECT_EQ(cache.builds(), 3u);
  EXPECT_EQ(loads, 3);

  // Many requests for a key not yet built: one build, one list.
  std::vector<std::thread> requests;
  std::vector<std::shared_ptr<const http::BuiltWorklist>> lists(4);
  for (size_t k = 0; k < lists.size(); ++k) {
    requests.emplace_back([&, k] { lists[k] = get(today, 3); });
  }
  for (auto& request : requests) request.join();
  EXPECT_EQ(cache.builds(), 4u);
  for (const auto& list : lists) EXPECT_EQ(list, lists[0]);
  ASSERT_GT(lists[0]->size(), 0u);
  EXPECT_TRUE(json::parse(lists[0]->item(0)).contains("customer_id"));
}

// ---- actions --------------------------------------------------------------------------------

TEST_F(CaseRoutesTest, GivenTheDailyRun_WhenListingActions_ThenEachSeesTheirCustomersOnly) {
  ApiClient collector = as("collector");
  const HttpResponse response = collector.get("/api/v1/actions?limit=500");  // as_of: today
  ASSERT_EQ(response.result_int(), 200) << response.body();
  const auto body = body_of(response);
  ASSERT_GT(body["total"].get<int64_t>(), 0);
  for (const auto& action : body["items"]) {
    EXPECT_EQ(action["planned_for"], kToday);
    const auto customer = server_->store().find_customer(action["customer_id"].get<std::string>());
    EXPECT_EQ(customer->collector, server_->own_collector());
  }
  const auto all = body_of(as("auditor").get("/api/v1/actions?as_of=2026-06-30&limit=1"));
  EXPECT_GT(all["total"].get<int64_t>(), body["total"].get<int64_t>());
  EXPECT_EQ(all["items"].size(), 1u);

  EXPECT_EQ(collector.get("/api/v1/actions?customer=" + server_->other_customer()).result_int(),
            404);
  EXPECT_EQ(collector.get("/api/v1/actions?customer=NOSUCH").result_int(), 404);
  EXPECT_EQ(error_of(collector.get("/api/v1/actions?status=open"))["field"], "status");
  EXPECT_EQ(error_of(collector.get("/api/v1/actions?as_of=yesterday"))["field"], "as_of");
  EXPECT_EQ(as("credit").get("/api/v1/actions").result_int(), 403);
}

TEST_F(CaseRoutesTest, GivenTheDailyRun_WhenTheCustomer360IsAsked_ThenItsActionsNameTheirInvoices) {
  ApiClient collector = as("collector");
  const auto listed = body_of(collector.get("/api/v1/actions?limit=1"));
  ASSERT_FALSE(listed["items"].empty());
  const std::string customer = listed["items"][0]["customer_id"];
  const auto actions = body_of(collector.get("/api/v1/actions?limit=500&customer=" + customer));
  const auto view = body_of(collector.get("/api/v1/customers/" + customer));
  std::map<int64_t, json> invoices_of;  // action id -> invoice ids, from the 360° view
  for (const auto& action : view["actions"]) invoices_of[action["id"]] = action["invoice_ids"];
  size_t naming = 0;
  for (const auto& action : actions["items"]) {
    ASSERT_TRUE(invoices_of.contains(action["id"])) << action.dump();
    EXPECT_EQ(invoices_of[action["id"]], action["invoice_ids"]) << action.dump();
    naming += action["invoice_ids"].empty() ? 0 : 1;
  }
  EXPECT_GT(naming, 0u);
}

TEST_F(CaseRoutesTest, GivenAPlannedAction_WhenCompletedThenCompletedAgain_ThenDoneThen409) {
  ApiClient collector = as("collector");
  const auto actions = planned_actions(collector);
  ASSERT_GE(actions.size(), 1u);
  const std::string target =
      fmt::format("/api/v1/actions/{}/complete", actions[0]["id"].get<int64_t>());

  EXPECT_EQ(as("auditor").post(target, {{"outcome", "reached"}}).result_int(), 403);
  EXPECT_EQ(as("collector_west").post(target, {{"outcome", "reached"}}).result_int(), 404);
  EXPECT_EQ(error_of(collector.post(target, json::object()))["field"], "outcome");

  const HttpResponse done =
      collector.post(target, {{"outcome", "reached"}, {"note", "will pay on 138 1234 5678"}});
  ASSERT_EQ(done.result_int(), 200) << done.body();
  EXPECT_EQ(body_of(done)["action"]["status"], "done");
  EXPECT_EQ(body_of(done)["action"]["outcome"], "reached");
  expect_audited(done, "collector", "action");
  EXPECT_THAT(audited(done).front().new_value, HasSubstr("done: reached"));
  EXPECT_THAT(audited(done).front().new_value, Not(HasSubstr("1234 5678")));  // masked

  const HttpResponse again = collector.post(target, {{"outcome", "reached"}});
  EXPECT_EQ(again.result_int(), 409);
  EXPECT_EQ(error_of(again)["code"], "conflict");
  EXPECT_EQ(collector.post("/api/v1/actions/999999/complete", {{"outcome", "x"}}).result_int(),
            404);
  EXPECT_EQ(collector.post("/api/v1/actions/abc/complete", {{"outcome", "x"}}).result_int(), 404);
}

TEST_F(CaseRoutesTest, GivenAPlannedAction_WhenSkipped_ThenSkippedWithTheReason) {
  ApiClient supervisor = as("supervisor");  // the team's customers are the supervisor's too
  const auto actions = planned_actions(supervisor);
  ASSERT_GE(actions.size(), 1u);
  const HttpResponse skipped =
      supervisor.post(fmt::format("/api/v1/actions/{}/skip", actions[0]["id"].get<int64_t>()),
                      {{"reason", "customer_on_holiday"}});
  ASSERT_EQ(skipped.result_int(), 200) << skipped.body();
  EXPECT_EQ(body_of(skipped)["action"]["status"], "skipped");
  EXPECT_EQ(body_of(skipped)["action"]["outcome"], "customer_on_holiday");
  expect_audited(skipped, "supervisor", "action");
}

TEST_F(CaseRoutesTest, GivenAPlannedAction_WhenRescheduled_ThenALaterWorkingDayAndAudited) {
  ApiClient collector = as("collector");
  std::optional<json> action;
  for (const auto& a : planned_actions(collector)) {
    if (a["scheduled_at"].get<std::string>().starts_with(kToday)) action = a;
  }
  ASSERT_TRUE(action);
  const std::string target =
      fmt::format("/api/v1/actions/{}/reschedule", (*action)["id"].get<int64_t>());
  const std::string old_time = (*action)["scheduled_at"];

  for (const auto& [date, why] : std::vector<std::pair<std::string, std::string>>{
           {"2026-06-29", "in the past"},
           {"2026-06-30", "not after"},
           {"2026-07-04", "not a working day"}}) {  // a Saturday
    const HttpResponse refused = collector.post(target, {{"date", date}, {"reason", "asked"}});
    EXPECT_EQ(refused.result_int(), 422) << date;
    EXPECT_EQ(error_of(refused)["field"], "date") << date;
    EXPECT_THAT(error_of(refused)["message"].get<std::string>(), HasSubstr(why));
  }
  EXPECT_EQ(error_of(collector.post(target, {{"date", "2026-07-02"}}))["field"], "reason");
  EXPECT_EQ(collector.send(boost::beast::http::verb::post, target, R"({"date": )").result_int(),
            400);

  const HttpResponse moved =
      collector.post(target, {{"date", "2026-07-02"}, {"reason", "customer asked for Thursday"}});
  ASSERT_EQ(moved.result_int(), 200) << moved.body();
  const std::string new_time = body_of(moved)["action"]["scheduled_at"];
  EXPECT_THAT(new_time, StartsWith("2026-07-02T"));
  EXPECT_EQ(new_time.substr(10), old_time.substr(10));  // same time of day and offset
  EXPECT_EQ(body_of(moved)["action"]["status"], "planned");
  expect_audited(moved, "collector", "action");
  EXPECT_EQ(audited(moved).front().old_value, old_time);
  EXPECT_THAT(audited(moved).front().new_value, StartsWith(new_time));

  ASSERT_EQ(collector
                .post(fmt::format("/api/v1/actions/{}/skip", (*action)["id"].get<int64_t>()),
                      {{"reason", "paid"}})
                .result_int(),
            200);
  EXPECT_EQ(collector.post(target, {{"date", "2026-07-03"}, {"reason", "x"}}).result_int(), 409);
}

// ---- contacts -------------------------------------------------------------------------------

TEST_F(CaseRoutesTest, GivenACollector_WhenRecordingAContact_Then201ListedFirstAndAudited) {
  ApiClient collector = as("collector");
  const std::string customer = server_->own_customer();
  const HttpResponse response =
      collector.post("/api/v1/contacts", {{"customer_id", customer},
                                          {"channel", "phone"},
                                          {"at", "2026-06-30T09:15:00+08:00"},
                                          {"outcome", "promise_to_pay"},
                                          {"note", "pays next week"}});
  ASSERT_EQ(response.result_int(), 201) << response.body();
  const auto contact = body_of(response)["contact"];
  EXPECT_EQ(contact["customer_id"], customer);
  EXPECT_EQ(contact["channel"], "phone");
  EXPECT_EQ(contact["at"], "2026-06-30T09:15:00+08:00");
  EXPECT_EQ(contact["recorded_by"], "collector");
  expect_audited(response, "collector", "contact");

  const HttpResponse listed = collector.get("/api/v1/customers/" + customer + "/contacts");
  ASSERT_EQ(listed.result_int(), 200) << listed.body();
  EXPECT_EQ(body_of(listed)["items"][0], contact);
  EXPECT_GE(body_of(listed)["total"].get<int64_t>(), 1);
}

TEST_F(CaseRoutesTest, GivenBadOrOutOfScopeContacts_WhenRecorded_ThenRefusedAndNothingWritten) {
  ApiClient collector = as("collector");
  const json good{{"customer_id", server_->own_customer()},
                  {"channel", "phone"},
                  {"at", "2026-06-30T09:00:00+08:00"},
                  {"outcome", "reached"}};
  auto with = [&](const char* key, json value) {
    json body = good;
    body[key] = std::move(value);
    return body;
  };
  for (const auto& [body, status, field] : std::vector<std::tuple<json, int, std::string>>{
           {with("channel", "pigeon"), 422, "channel"},
           {with("outcome", "maybe"), 422, "outcome"},
           {with("at", "2026-07-01T09:00:00+08:00"), 422, "at"},  // the future
           {with("at", "yesterday"), 422, "at"},
           {with("outcome", nullptr), 422, "outcome"},
           {with("channel", 3), 400, "channel"}}) {
    const HttpResponse response = collector.post("/api/v1/contacts", body);
    EXPECT_EQ(response.result_int(), status) << body.dump();
    EXPECT_EQ(error_of(response)["field"], field) << body.dump();
    EXPECT_TRUE(audited(response).empty());
  }
  const HttpResponse other =
      collector.post("/api/v1/contacts", with("customer_id", server_->other_customer()));
  EXPECT_EQ(other.result_int(), 404);
  EXPECT_TRUE(audited(other).empty());
  EXPECT_EQ(collector.post("/api/v1/contacts", with("customer_id", "NOSUCH")).result_int(), 404);
  EXPECT_EQ(collector.send(boost::beast::http::verb::post, "/api/v1/contacts", "{").result_int(),
            400);
  EXPECT_EQ(
      collector.get("/api/v1/customers/" + server_->other_customer() + "/contacts").result_int(),
      404);
  EXPECT_EQ(as("credit").post("/api/v1/contacts", good).result_int(), 403);
  EXPECT_EQ(as("sales").post("/api/v1/contacts", good).result_int(), 201);  // joint collection
}

// ---- promises -------------------------------------------------------------------------------

TEST_F(CaseRoutesTest, GivenACollector_WhenPromising_Then201ListedAndRefusedBeyondWhatIsOpen) {
  ApiClient collector = as("collector");
  const auto [invoice, open] = fresh_invoice(server_->own_customer());
  const HttpResponse response =
      collector.post("/api/v1/promises", {{"customer_id", server_->own_customer()},
                                          {"amount", money(open)},
                                          {"date", "2026-07-20"},
                                          {"invoice_ids", {invoice}}});
  ASSERT_EQ(response.result_int(), 201) << response.body();
  const auto promise = body_of(response)["promise"];
  EXPECT_EQ(promise["amount"], money(open));
  EXPECT_EQ(promise["currency"], "CNY");
  EXPECT_EQ(promise["date"], "2026-07-20");
  EXPECT_EQ(promise["invoice_ids"], json::array({invoice}));
  EXPECT_EQ(promise["status"], "open");
  expect_audited(response, "collector", "promise");

  const auto listed =
      body_of(collector.get("/api/v1/customers/" + server_->own_customer() + "/promises"));
  EXPECT_THAT(listed["items"].dump(), HasSubstr(promise.dump()));

  auto refused = [&](json body, std::string_view field) {
    const HttpResponse r = collector.post("/api/v1/promises", body);
    EXPECT_EQ(r.result_int(), 422) << body.dump();
    EXPECT_EQ(error_of(r)["field"], field) << body.dump();
  };
  refused({{"customer_id", server_->own_customer()},
           {"amount", money(open + 1)},
           {"date", "2026-07-20"},
           {"invoice_ids", {invoice}}},
          "amount");
  refused({{"customer_id", server_->own_customer()}, {"amount", "1.00"}, {"date", "2026-06-29"}},
          "date");
  refused({{"customer_id", server_->own_customer()},
           {"amount", "1.00"},
           {"date", "2026-07-20"},
           {"invoice_ids", {"NOSUCH"}}},
          "invoice_ids");
  EXPECT_EQ(collector
                .post("/api/v1/promises", {{"customer_id", server_->own_customer()},
                                           {"amount", "1.00"},
                                           {"date", "2026-07-20"},
                                           {"invoice_ids", "INV1"}})
                .result_int(),
            400);
  EXPECT_EQ(collector
                .post("/api/v1/promises", {{"customer_id", server_->other_customer()},
                                           {"amount", "1.00"},
                                           {"date", "2026-07-20"}})
                .result_int(),
            404);
  EXPECT_EQ(
      collector.get("/api/v1/customers/" + server_->other_customer() + "/promises").result_int(),
      404);
}

// ---- disputes -------------------------------------------------------------------------------

TEST_F(CaseRoutesTest, GivenADispute_WhenOpenedListedAndResolved_ThenScopedStatusesAndAudit) {
  ApiClient collector = as("collector");
  const auto [invoice, open] = fresh_invoice(server_->own_customer());
  const HttpResponse opened = collector.post(
      "/api/v1/disputes",
      {{"invoice_id", invoice}, {"amount", money(open)}, {"reason", "quality_problem"}});
  ASSERT_EQ(opened.result_int(), 201) << opened.body();
  const auto dispute = body_of(opened)["dispute"];
  EXPECT_EQ(dispute["status"], "open");
  EXPECT_EQ(dispute["sla"], "open");
  EXPECT_EQ(dispute["respond_by"], "2026-07-02T10:00:00+08:00");  // 48 hours
  EXPECT_EQ(dispute["customer_id"], server_->own_customer());
  EXPECT_EQ(dispute["resolution"], nullptr);
  expect_audited(opened, "collector", "dispute");

  EXPECT_THAT(collector.get("/api/v1/disputes?status=open").body(), HasSubstr(invoice));
  EXPECT_THAT(as("collector_west").get("/api/v1/disputes").body(), Not(HasSubstr(invoice)));
  EXPECT_THAT(as("finance").get("/api/v1/disputes").body(), HasSubstr(invoice));
  EXPECT_EQ(collector.get("/api/v1/disputes?status=closed").result_int(), 400);
  EXPECT_EQ(collector.get("/api/v1/disputes?customer=" + server_->other_customer()).result_int(),
            404);

  const auto more =
      collector.post("/api/v1/disputes",
                     {{"invoice_id", invoice}, {"amount", "0.01"}, {"reason", "price_dispute"}});
  EXPECT_EQ(more.result_int(), 422);  // all of it is disputed already
  EXPECT_EQ(error_of(more)["field"], "amount");

  const std::string resolve =
      fmt::format("/api/v1/disputes/{}/resolve", dispute["id"].get<int64_t>());
  EXPECT_EQ(collector.post(resolve, {{"resolution", "upheld"}}).result_int(), 403);
  ApiClient supervisor = as("supervisor");
  EXPECT_EQ(error_of(supervisor.post(resolve, {{"resolution", "maybe"}}))["field"], "resolution");
  const HttpResponse resolved =
      supervisor.post(resolve, {{"resolution", "credited"}, {"note", "credit note issued"}});
  ASSERT_EQ(resolved.result_int(), 200) << resolved.body();
  EXPECT_EQ(body_of(resolved)["dispute"]["status"], "resolved");
  EXPECT_EQ(body_of(resolved)["dispute"]["resolution"], "credited");
  EXPECT_EQ(body_of(resolved)["dispute"]["sla"], "answered_in_time");
  expect_audited(resolved, "supervisor", "dispute");
  EXPECT_EQ(supervisor.post(resolve, {{"resolution", "credited"}}).result_int(), 409);
  EXPECT_THAT(collector.get("/api/v1/disputes?status=resolved").body(), HasSubstr(invoice));
}

TEST_F(CaseRoutesTest, GivenAnInvoiceOutsideTheScope_WhenDisputed_Then404AndNothingWritten) {
  const auto [invoice, open] = fresh_invoice(customer_of(server_->other_collector()));
  ApiClient collector = as("collector");
  const HttpResponse response =
      collector.post("/api/v1/disputes",
                     {{"invoice_id", invoice}, {"amount", "1.00"}, {"reason", "invoice_error"}});
  EXPECT_EQ(response.result_int(), 404);
  EXPECT_TRUE(audited(response).empty());
  EXPECT_EQ(collector
                .post("/api/v1/disputes",
                      {{"invoice_id", "NOSUCH"}, {"amount", "1.00"}, {"reason", "invoice_error"}})
                .result_int(),
            404);
  // Its own collector may: then the other side cannot resolve it.
  const HttpResponse opened =
      as("collector_west")
          .post("/api/v1/disputes",
                {{"invoice_id", invoice}, {"amount", "1.00"}, {"reason", "invoice_error"}});
  ASSERT_EQ(opened.result_int(), 201) << opened.body();
  expect_audited(opened, "collector_west", "dispute");
  EXPECT_EQ(as("supervisor")
                .post(fmt::format("/api/v1/disputes/{}/resolve",
                                  body_of(opened)["dispute"]["id"].get<int64_t>()),
                      {{"resolution", "rejected"}})
                .result_int(),
            404);
}

// ---- payment plans and approvals --------------------------------------------------------------

TEST_F(CaseRoutesTest, GivenACollectorsPlan_WhenSubmitted_ThenRoutedToADirectorWhoApprovesIt) {
  // installment_plan is the director's and above (config/policy.toml [[authority]]): even a
  // small plan of a collector's needs a director.
  ApiClient collector = as("collector");
  const auto [invoice, open] = fresh_invoice(server_->own_customer());
  const HttpResponse submitted =
      collector.post("/api/v1/plans", plan_body(server_->own_customer(), invoice, open));
  ASSERT_EQ(submitted.result_int(), 202) << submitted.body();
  const auto approval = body_of(submitted)["approval"];
  EXPECT_EQ(approval["kind"], "installment_plan");
  EXPECT_EQ(approval["required_level"], "director");
  EXPECT_EQ(approval["status"], "pending");
  EXPECT_EQ(approval["amount"], money(open));
  EXPECT_EQ(approval["requested_by"], "collector");
  EXPECT_EQ(approval["payload"]["invoice_ids"], json::array({invoice}));
  expect_audited(submitted, "collector", "approval");
  const int64_t id = approval["id"];

  // Visible to the requester, the team's supervisor and directors; not to another team.
  EXPECT_EQ(collector.get(fmt::format("/api/v1/approvals/{}", id)).result_int(), 200);
  EXPECT_EQ(as("collector_west").get(fmt::format("/api/v1/approvals/{}", id)).result_int(), 404);
  EXPECT_THAT(as("supervisor").get("/api/v1/approvals?status=pending").body(),
              HasSubstr(fmt::format(R"("id":{},)", id)));
  EXPECT_THAT(as("collector_west").get("/api/v1/approvals?status=pending").body(),
              Not(HasSubstr(fmt::format(R"("id":{},)", id))));

  const std::string approve = fmt::format("/api/v1/approvals/{}/approve", id);
  EXPECT_EQ(collector.post(approve, json::object()).result_int(), 403);  // no approvals.decide
  const HttpResponse supervisor = as("supervisor").post(approve, {{"note", "fine by me"}});
  EXPECT_EQ(supervisor.result_int(), 403);
  EXPECT_EQ(error_of(supervisor)["code"], "authority");
  EXPECT_THAT(error_of(supervisor)["message"].get<std::string>(), HasSubstr("needs director"));

  const HttpResponse approved = as("director").post(approve, {{"note", "terms are reasonable"}});
  ASSERT_EQ(approved.result_int(), 200) << approved.body();
  EXPECT_EQ(body_of(approved)["approval"]["status"], "approved");
  EXPECT_EQ(body_of(approved)["approval"]["decided_by"], "director");
  const int64_t plan = body_of(approved)["approval"]["result_id"];
  expect_audited(approved, "director", "payment_plan");  // the plan, then the approval
  EXPECT_EQ(audited(approved).back().entity, "approval");

  const auto plans =
      body_of(collector.get("/api/v1/customers/" + server_->own_customer() + "/plans"));
  EXPECT_THAT(plans["items"].dump(), HasSubstr(fmt::format(R"("id":{},)", plan)));
  EXPECT_EQ(as("director").post(approve, json::object()).result_int(), 409);
  EXPECT_EQ(as("director")
                .post(fmt::format("/api/v1/approvals/{}/reject", id), json::object())
                .result_int(),
            409);
}

TEST_F(CaseRoutesTest,
       GivenAPlanAboveTheDirectorsLimit_WhenSubmitted_ThenTheGeneralManagerDecides) {
  ApiClient director = as("director");
  const int64_t open = 120'000'000;  // 1,200,000.00 CNY: beyond the director's 1,000,000.00
  const HttpResponse submitted = director.post(
      "/api/v1/plans", plan_body(server_->own_customer(), std::string(kLargeInvoice), open));
  ASSERT_EQ(submitted.result_int(), 202) << submitted.body();
  const auto approval = body_of(submitted)["approval"];
  EXPECT_EQ(approval["required_level"], "general_manager");
  EXPECT_EQ(approval["amount"], "1200000.00");
  const std::string approve =
      fmt::format("/api/v1/approvals/{}/approve", approval["id"].get<int64_t>());

  // The requester cannot approve their own request, nor can a lower level.
  const HttpResponse own = director.post(approve, json::object());
  EXPECT_EQ(own.result_int(), 403);
  EXPECT_EQ(error_of(own)["code"], "authority");
  EXPECT_THAT(error_of(own)["message"].get<std::string>(), HasSubstr("someone else"));
  EXPECT_EQ(error_of(as("supervisor").post(approve, json::object()))["code"], "authority");

  const HttpResponse approved = as("general_manager").post(approve, {{"note", "ok"}});
  ASSERT_EQ(approved.result_int(), 200) << approved.body();
  EXPECT_EQ(body_of(approved)["approval"]["decided_role"], "general_manager");
  const int64_t plan = body_of(approved)["approval"]["result_id"];

  const std::string cancel = fmt::format("/api/v1/plans/{}/cancel", plan);
  EXPECT_EQ(as("collector_west").post(cancel, json::object()).result_int(), 404);
  const HttpResponse cancelled = as("collector").post(cancel, json::object());
  ASSERT_EQ(cancelled.result_int(), 200) << cancelled.body();
  EXPECT_EQ(body_of(cancelled)["plan"]["status"], "cancelled");
  expect_audited(cancelled, "collector", "payment_plan");
  EXPECT_EQ(as("collector").post(cancel, json::object()).result_int(), 409);
}

TEST_F(CaseRoutesTest, GivenAPlanWithinTheDirectorsLimit_WhenTheDirectorSubmits_ThenRecorded) {
  const auto [invoice, open] = fresh_invoice(server_->own_customer());
  const HttpResponse response =
      as("director").post("/api/v1/plans", plan_body(server_->own_customer(), invoice, open));
  ASSERT_EQ(response.result_int(), 201) << response.body();
  const auto plan = body_of(response)["plan"];
  EXPECT_EQ(plan["status"], "open");
  EXPECT_EQ(plan["amount"], money(open));
  EXPECT_EQ(plan["installments"][0]["date"], "2026-07-15");
  EXPECT_EQ(plan["recorded_by"], "director");
  expect_audited(response, "director", "payment_plan");
}

TEST_F(CaseRoutesTest, GivenBadPlans_WhenSubmitted_ThenRefusedWithTheirField) {
  ApiClient collector = as("collector");
  const auto [invoice, open] = fresh_invoice(server_->own_customer());
  json body = plan_body(server_->own_customer(), invoice, open);
  body["installments"][1]["amount"] = money(open - open / 2 + 1);  // one cent too much
  HttpResponse response = collector.post("/api/v1/plans", body);
  EXPECT_EQ(response.result_int(), 422);
  EXPECT_EQ(error_of(response)["field"], "installments");
  EXPECT_TRUE(audited(response).empty());

  body = plan_body(server_->own_customer(), invoice, open);
  body["installments"] = "2026-07-15=1.00";
  EXPECT_EQ(collector.post("/api/v1/plans", body).result_int(), 400);
  body = plan_body(server_->own_customer(), "NOSUCH", open);
  EXPECT_EQ(error_of(collector.post("/api/v1/plans", body))["field"], "invoice_ids");
  body = plan_body(server_->other_customer(), invoice, open);
  EXPECT_EQ(collector.post("/api/v1/plans", body).result_int(), 404);
  EXPECT_EQ(as("legal").post("/api/v1/plans", body).result_int(), 403);
  EXPECT_EQ(collector.get("/api/v1/customers/" + server_->other_customer() + "/plans").result_int(),
            404);
}

TEST_F(CaseRoutesTest, GivenPendingRequests_WhenRejectedOrWithdrawn_ThenOnlyTheRightUserMay) {
  ApiClient collector = as("collector");
  auto submit = [&] {
    const auto [invoice, open] = fresh_invoice(server_->own_customer());
    const HttpResponse r =
        collector.post("/api/v1/plans", plan_body(server_->own_customer(), invoice, open));
    EXPECT_EQ(r.result_int(), 202) << r.body();
    return body_of(r)["approval"]["id"].get<int64_t>();
  };
  const int64_t rejected = submit();
  const HttpResponse rejection = as("general_manager")
                                     .post(fmt::format("/api/v1/approvals/{}/reject", rejected),
                                           {{"note", "ask for a deposit first"}});
  ASSERT_EQ(rejection.result_int(), 200) << rejection.body();
  EXPECT_EQ(body_of(rejection)["approval"]["status"], "rejected");
  EXPECT_EQ(body_of(rejection)["approval"]["result_id"], nullptr);
  expect_audited(rejection, "general_manager", "approval");

  const int64_t withdrawn = submit();
  const std::string cancel = fmt::format("/api/v1/approvals/{}/cancel", withdrawn);
  const HttpResponse someone_else = as("director").post(cancel, json::object());
  EXPECT_EQ(someone_else.result_int(), 403);
  EXPECT_EQ(error_of(someone_else)["code"], "authority");
  const HttpResponse cancelled = collector.send(boost::beast::http::verb::post, cancel);
  ASSERT_EQ(cancelled.result_int(), 200) << cancelled.body();  // no body needed
  EXPECT_EQ(body_of(cancelled)["approval"]["status"], "cancelled");
  expect_audited(cancelled, "collector", "approval");
  EXPECT_EQ(collector.post(cancel, json::object()).result_int(), 409);

  const auto listed = body_of(collector.get("/api/v1/approvals?status=cancelled"));
  EXPECT_THAT(listed["items"].dump(), HasSubstr(fmt::format(R"("id":{},)", withdrawn)));
  EXPECT_EQ(error_of(collector.get("/api/v1/approvals?status=open"))["field"], "status");
  EXPECT_EQ(collector.get("/api/v1/approvals/999999").result_int(), 404);
  EXPECT_EQ(as("sales").get("/api/v1/approvals").result_int(), 403);
}

}  // namespace
}  // namespace huikuan

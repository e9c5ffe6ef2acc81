// Given a generated ledger served over HTTP, when users read customers, invoices, payments and
// the KPI report, then they see the ledger as the snapshot and the store hold it, only within
// their data scope, and the KPIs are the CLI's.

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "app/cli_run.h"
#include "core/money.h"
#include "http/api_fixture.h"
#include "service/collections.h"

namespace huikuan {
namespace {

using nlohmann::json;
using testing::ApiClient;
using ::testing::HasSubstr;
using testing::HttpResponse;
using ::testing::Not;

class LedgerRoutesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new testing::ApiServer(); }
  static void TearDownTestSuite() { delete server_; }

  static json get_json(ApiClient& client, const std::string& target, int status = 200) {
    const HttpResponse response = client.get(target);
    EXPECT_EQ(response.result_int(), status) << target << ": " << response.body();
    return json::parse(response.body());
  }
  static const Snapshot& snapshot() { return *server_->snapshot(); }
  //! The snapshot customers whose collector is `collector`.
  static std::set<std::string> customers_of(const std::string& collector) {
    std::set<std::string> keys;
    for (size_t c = 0; c < snapshot().customer_count(); ++c) {
      if (snapshot().collectors.values[snapshot().customer_collector[c]] == collector) {
        keys.insert(snapshot().customer_key[c]);
      }
    }
    return keys;
  }
  //! Every item of a list endpoint, one page of 500.
  static json all_items(ApiClient& client, const std::string& target) {
    const json body = get_json(
        client, target + (target.find('?') == std::string::npos ? "?" : "&") + "limit=500");
    EXPECT_EQ(body["items"].size(), body["total"].get<size_t>()) << target;
    return body["items"];
  }

  static testing::ApiServer* server_;
  ApiClient auditor_{server_->port(), "auditor"};
  ApiClient collector_{server_->port(), "collector"};
};
testing::ApiServer* LedgerRoutesTest::server_ = nullptr;

void expect_error(const HttpResponse& response, int status, const std::string& code,
                  const json& field = nullptr) {
  EXPECT_EQ(response.result_int(), status) << response.body();
  const json body = json::parse(response.body());
  EXPECT_EQ(body["error"]["code"], code) << response.body();
  if (!field.is_null()) {
    EXPECT_EQ(body["error"]["field"], field) << response.body();
  }
}

// `text` percent-encoded for a query string.
std::string encoded(const std::string& text) {
  std::string out;
  for (unsigned char ch : text) {
    if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.') {
      out += static_cast<char>(ch);
    } else {
      out += fmt::format("%{:02X}", ch);
    }
  }
  return out;
}

// Minor units of a JSON amount in `currency`.
int64_t minor(const json& amount, const std::string& currency) {
  return Money::parse(amount.get<std::string>(), *Currency::find(currency))->minor();
}

// ---- GET /api/v1/customers -------------------------------------------------------------------

TEST_F(LedgerRoutesTest,
       GivenTheAuditor_WhenCustomersAreListed_ThenEveryCustomerComesLargestOpenFirst) {
  const json body = get_json(auditor_, "/api/v1/customers");
  EXPECT_EQ(body["as_of"], "2026-06-30");
  EXPECT_EQ(body["total"], snapshot().customer_count());
  EXPECT_EQ(body["offset"], 0);
  EXPECT_EQ(body["limit"], 50);
  const json& items = body["items"];
  ASSERT_EQ(items.size(), snapshot().customer_count());
  const json& first = items[0];
  for (const char* field : {"id", "name", "collector", "region", "industry", "grade", "type",
                            "balances", "oldest_overdue_days"}) {
    EXPECT_TRUE(first.contains(field)) << field;
  }
  // Within one currency, the open balances never rise down the list.
  const std::string currency = first["balances"][0]["currency"];
  int64_t previous = INT64_MAX;
  for (const json& item : items) {
    if (item["balances"].size() != 1 || item["balances"][0]["currency"] != currency) continue;
    const int64_t open = minor(item["balances"][0]["open"], currency);
    EXPECT_LE(open, previous) << item["id"];
    previous = open;
  }
}

TEST_F(LedgerRoutesTest, GivenPages_WhenWalked_ThenTheyAreSlicesOfTheWholeList) {
  const json whole = get_json(auditor_, "/api/v1/customers?sort=name")["items"];
  const json page = get_json(auditor_, "/api/v1/customers?sort=name&limit=7&offset=7");
  EXPECT_EQ(page["total"], whole.size());
  ASSERT_EQ(page["items"].size(), 7u);
  for (size_t k = 0; k < 7; ++k) EXPECT_EQ(page["items"][k], whole[7 + k]);
  EXPECT_TRUE(get_json(auditor_, "/api/v1/customers?offset=1000")["items"].empty());
}

TEST_F(LedgerRoutesTest, GivenSortById_WhenListed_ThenCustomersComeInIdOrder) {
  const json items = get_json(auditor_, "/api/v1/customers?sort=id&limit=500")["items"];
  ASSERT_EQ(items.size(), snapshot().customer_count());
  for (size_t k = 0; k < items.size(); ++k) EXPECT_EQ(items[k]["id"], snapshot().customer_key[k]);
}

TEST_F(LedgerRoutesTest, GivenSortByOverdue_WhenListed_ThenCustomersWithOverdueComeFirst) {
  const json items = get_json(auditor_, "/api/v1/customers?sort=overdue_desc&limit=500")["items"];
  bool seen_none = false;
  for (const json& item : items) {
    const bool overdue = item["oldest_overdue_days"].get<int>() > 0;
    EXPECT_FALSE(overdue && seen_none) << item["id"] << " comes after a customer with none";
    seen_none |= !overdue;
  }
}

TEST_F(LedgerRoutesTest, GivenPartOfAnIdInAnotherCase_WhenSearched_ThenTheCustomerIsFound) {
  const std::string id = snapshot().customer_key[3];
  std::string lower = id;
  for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  const json items = all_items(auditor_, "/api/v1/customers?q=" + lower.substr(1));
  std::set<std::string> ids;
  for (const json& item : items) ids.insert(item["id"]);
  EXPECT_TRUE(ids.contains(id)) << lower;
}

TEST_F(LedgerRoutesTest, GivenPartOfAChineseName_WhenSearched_ThenOnlyCustomersNamedSoAreFound) {
  std::string name;
  for (const std::string& candidate : snapshot().customer_name) {
    if (static_cast<unsigned char>(candidate[0]) >= 0x80) name = candidate;
  }
  ASSERT_FALSE(name.empty()) << "the generated ledger has Chinese names";
  const std::string part = name.substr(3, 6);  // the second and third characters
  size_t expected = 0;
  for (const std::string& candidate : snapshot().customer_name) {
    expected += candidate.find(part) != std::string::npos;
  }
  const json items = all_items(auditor_, "/api/v1/customers?q=" + encoded(part));
  EXPECT_EQ(items.size(), expected);
  for (const json& item : items) EXPECT_THAT(item["name"].get<std::string>(), HasSubstr(part));
}

TEST_F(LedgerRoutesTest, GivenAttributeFilters_WhenListed_ThenOnlyMatchingCustomersCome) {
  const std::string region = snapshot().regions.values[snapshot().customer_region[0]];
  size_t in_region = 0;
  for (uint32_t code : snapshot().customer_region)
    in_region += snapshot().regions.values[code] == region;
  const json items = all_items(auditor_, "/api/v1/customers?region=" + encoded(region));
  EXPECT_EQ(items.size(), in_region);
  for (const json& item : items) EXPECT_EQ(item["region"], region);
  const std::string industry = snapshot().industries.values[snapshot().customer_industry[0]];
  size_t in_industry = 0;
  for (uint32_t code : snapshot().customer_industry)
    in_industry += snapshot().industries.values[code] == industry;
  const json by_industry = all_items(auditor_, "/api/v1/customers?industry=" + encoded(industry));
  EXPECT_EQ(by_industry.size(), in_industry);
  for (const json& item : by_industry) EXPECT_EQ(item["industry"], industry);

  for (const json& item : all_items(auditor_, "/api/v1/customers?overdue=true")) {
    EXPECT_GT(item["oldest_overdue_days"].get<int>(), 0) << item["id"];
  }
  EXPECT_EQ(get_json(auditor_, "/api/v1/customers?grade=nonexistent")["total"], 0);
}

TEST_F(LedgerRoutesTest, GivenACollector_WhenCustomersAreListed_ThenOnlyTheirOwnCome) {
  const auto own = customers_of(server_->own_collector());
  const json items = all_items(collector_, "/api/v1/customers");
  EXPECT_EQ(items.size(), own.size());
  for (const json& item : items) EXPECT_EQ(item["collector"], server_->own_collector());
  // Asking for another collector's customers finds none.
  EXPECT_EQ(get_json(collector_,
                     "/api/v1/customers?collector=" + encoded(server_->other_collector()))["total"],
            0);
  ApiClient supervisor(server_->port(), "supervisor");  // team east: the collector's customers
  EXPECT_EQ(all_items(supervisor, "/api/v1/customers").size(), own.size());
}

TEST_F(LedgerRoutesTest, GivenBadParameters_WhenCustomersAreListed_Then400NamesTheParameter) {
  expect_error(auditor_.get("/api/v1/customers?sort=size"), 400, "bad_request", "sort");
  expect_error(auditor_.get("/api/v1/customers?overdue=yes"), 400, "bad_request", "overdue");
  expect_error(auditor_.get("/api/v1/customers?limit=0"), 400, "bad_request", "limit");
  expect_error(auditor_.get("/api/v1/customers?limit=501"), 400, "bad_request", "limit");
  expect_error(auditor_.get("/api/v1/customers?offset=-1"), 400, "bad_request", "offset");
  expect_error(auditor_.get("/api/v1/customers?q=%01"), 400, "bad_request", "q");
  expect_error(auditor_.get("/api/v1/customers?colector=x"), 400, "bad_request", "colector");
}

TEST_F(LedgerRoutesTest, GivenNoSignIn_WhenTheLedgerIsRead_Then401) {
  for (const char* target : {"/api/v1/customers", "/api/v1/invoices?customer=x",
                             "/api/v1/payments?customer=x", "/api/v1/reports/kpi"}) {
    expect_error(testing::fetch(server_->port(), target), 401, "unauthenticated");
  }
}

TEST_F(LedgerRoutesTest, GivenTheAdmin_WhenTheLedgerIsRead_Then403) {
  ApiClient admin(server_->port(), "admin");
  const std::string customer = server_->own_customer();
  for (const std::string& target : std::vector<std::string>{
           "/api/v1/customers", "/api/v1/customers/" + customer,
           "/api/v1/invoices?customer=" + customer, "/api/v1/payments?customer=" + customer,
           "/api/v1/reports/kpi?from=2026-06-01&to=2026-06-30"}) {
    EXPECT_EQ(admin.get(target).result_int(), 403) << target;
  }
}

// ---- GET /api/v1/customers/{id} --------------------------------------------------------------

TEST_F(LedgerRoutesTest, GivenACustomer_When360IsAsked_ThenItsAgingIsTheAgingReportsRow) {
  const std::string id = server_->own_customer();
  const json view = get_json(auditor_, "/api/v1/customers/" + id);
  EXPECT_EQ(view["customer"]["id"], id);
  EXPECT_EQ(view["customer"]["collector"], server_->own_collector());
  const json report = get_json(auditor_, "/api/v1/reports/aging?as_of=2026-06-30&by=customer");
  std::map<std::string, json> expected;  // currency -> the report's row of this customer
  for (const json& section : report["currencies"]) {
    for (const json& row : section["rows"]) {
      if (row["key"] == id) expected[section["currency"]] = row;
    }
  }
  ASSERT_EQ(view["aging"]["currencies"].size(), expected.size());
  EXPECT_EQ(view["aging"]["buckets"], report["buckets"]);
  for (const json& entry : view["aging"]["currencies"]) {
    const json& row = expected.at(entry["currency"]);
    for (const auto& [field, value] : entry.items()) {
      if (field != "currency") {
        EXPECT_EQ(value, row[field]) << field;
      }
    }
    // The open invoices listed add up to the open balance.
    int64_t listed = 0;
    for (const json& invoice : view["open_invoices"]) {
      if (invoice["currency"] == entry["currency"]) {
        listed += minor(invoice["open_amount"], entry["currency"]);
      }
    }
    EXPECT_EQ(listed, minor(entry["open"], entry["currency"]));
  }
}

TEST_F(LedgerRoutesTest, GivenACustomer_When360IsAsked_ThenEveryDocumentIsInItsChain) {
  const std::string id = server_->own_customer();
  const json view = get_json(auditor_, "/api/v1/customers/" + id);
  const auto customer = server_->store().find_customer(id);
  std::set<std::string> stored, shown;
  server_->store().read_customer_documents(customer->id,
                                           [&](const Invoice& d) { stored.insert(d.external_id); });
  // Delivery notes as stored: "DN… <- INV…", under the invoice billing them.
  std::set<std::string> stored_deliveries, shown_deliveries;
  server_->store().read_customer_deliveries(customer->id, [&](const Delivery& d) {
    const auto invoice = std::find_if(stored.begin(), stored.end(), [&](const std::string& key) {
      return server_->store().find_invoice(key)->id == d.invoice_id;
    });
    stored_deliveries.insert(d.external_id + " <- " + (invoice == stored.end() ? "" : *invoice));
  });
  ASSERT_FALSE(stored_deliveries.empty()) << "the generated ledger has delivery notes";
  for (const json& contract : view["documents"]) {
    for (const json& invoice : contract["invoices"]) {
      shown.insert(invoice["id"]);
      for (const json& delivery : invoice["deliveries"]) {
        shown_deliveries.insert(delivery["id"].get<std::string>() + " <- " +
                                invoice["id"].get<std::string>());
        EXPECT_EQ(delivery["contract_id"], contract["contract_id"]);
      }
      for (const json& settled : invoice["settled_by"]) {
        EXPECT_THAT(settled["type"].get<std::string>(), ::testing::AnyOf("payment", "credit_note"));
      }
    }
    for (const json& note : contract["credit_notes"]) shown.insert(note["id"]);
    for (const json& delivery : contract["deliveries_not_invoiced"]) {
      shown_deliveries.insert(delivery["id"].get<std::string>() + " <- ");
    }
  }
  EXPECT_EQ(shown, stored);
  EXPECT_EQ(shown_deliveries, stored_deliveries);
  EXPECT_LE(view["payments"].size(), 20u);
  for (const json& payment : view["payments"]) {
    const std::string currency = payment["currency"];
    EXPECT_EQ(minor(payment["amount"], currency),
              minor(payment["allocated"], currency) + minor(payment["unapplied"], currency));
  }
}

TEST_F(LedgerRoutesTest, GivenCollectionWork_When360IsAsked_ThenItAndItsAuditTrailAreShown) {
  const std::string id = server_->own_customer();
  const Actor actor{"collector", server_->now(), "collector", "req-ledger-360"};
  ContactRequest contact{id, "phone", "2026-06-30T09:30:00+08:00", "promise_to_pay",
                         "called 13812345678, will pay"};
  ASSERT_TRUE(record_contact(server_->store(), contact, actor));
  const json view = get_json(collector_, "/api/v1/customers/" + id);
  ASSERT_FALSE(view["contacts"].empty());
  EXPECT_EQ(view["contacts"][0]["outcome"], "promise_to_pay");
  EXPECT_EQ(view["contacts"][0]["recorded_by"], "collector");
  bool found = false;
  for (const json& record : view["activity"]) {
    if (record["request_id"] != "req-ledger-360") continue;
    found = true;
    EXPECT_EQ(record["actor"], "collector");
    EXPECT_EQ(record["role"], "collector");
    EXPECT_EQ(record["entity"], "contact");
    EXPECT_THAT(record["new_value"].get<std::string>(), Not(HasSubstr("13812345678")));
    EXPECT_THAT(record["new_value"].get<std::string>(), HasSubstr("138****5678"));
  }
  EXPECT_TRUE(found) << view["activity"].dump();
  for (const char* part : {"promises", "disputes", "payment_plans", "actions"}) {
    EXPECT_TRUE(view[part].is_array()) << part;
  }
}

TEST_F(LedgerRoutesTest, GivenAnOpenDispute_When360IsAsked_ThenItShowsWithItsDeadline) {
  const std::string id = server_->own_customer();
  const json before = get_json(auditor_, "/api/v1/customers/" + id);
  ASSERT_FALSE(before["open_invoices"].empty());
  const json invoice = before["open_invoices"][0];
  const Actor actor{"collector", server_->now(), "collector", "req-dispute"};
  auto opened = open_dispute(
      server_->store(), {invoice["id"], invoice["open_amount"], "invoice_error", "wrong quantity"},
      48, actor);
  ASSERT_TRUE(opened) << opened.error().message;
  const json view = get_json(auditor_, "/api/v1/customers/" + id);
  bool shown = false;
  for (const json& dispute : view["disputes"]) {
    if (dispute["id"] != *opened) continue;
    shown = true;
    EXPECT_EQ(dispute["status"], "open");
    EXPECT_EQ(dispute["sla"], "open");
    EXPECT_EQ(dispute["invoice_id"], invoice["id"]);
  }
  EXPECT_TRUE(shown);
  for (const json& open : view["open_invoices"]) {
    if (open["id"] == invoice["id"]) {
      EXPECT_NE(minor(open["disputed"], open["currency"]), 0);
    }
  }
}

TEST_F(LedgerRoutesTest, GivenACustomerOutsideTheScope_When360IsAsked_Then404) {
  expect_error(collector_.get("/api/v1/customers/" + server_->other_customer()), 404, "not_found");
  expect_error(auditor_.get("/api/v1/customers/NO-SUCH-CUSTOMER"), 404, "not_found");
  EXPECT_EQ(collector_.get("/api/v1/customers/" + server_->own_customer()).result_int(), 200);
  expect_error(auditor_.get("/api/v1/customers/" + server_->own_customer() + "?full=1"), 400,
               "bad_request", "full");
}

// ---- invoices and payments -------------------------------------------------------------------

TEST_F(LedgerRoutesTest, GivenAStatus_WhenInvoicesAreListed_ThenOpenAndPaidMakeUpAll) {
  const std::string base = "/api/v1/invoices?customer=" + server_->own_customer();
  const json all = all_items(auditor_, base);
  const json open = all_items(auditor_, base + "&status=open");
  const json paid = all_items(auditor_, base + "&status=paid");
  EXPECT_EQ(open.size() + paid.size(), all.size());
  ASSERT_FALSE(all.empty());
  for (const json& invoice : open) {
    EXPECT_GT(minor(invoice["open_amount"], invoice["currency"]), 0);
  }
  for (const json& invoice : paid) EXPECT_EQ(minor(invoice["open_amount"], invoice["currency"]), 0);
  const json page = get_json(auditor_, base + "&limit=2&offset=1");
  EXPECT_EQ(page["total"], all.size());
  EXPECT_EQ(page["items"][0], all[1]);
}

TEST_F(LedgerRoutesTest, GivenAnInvoice_WhenAsked_ThenItsAllocationsExplainWhatIsPaid) {
  const json invoices = all_items(auditor_, "/api/v1/invoices?customer=" + server_->own_customer());
  for (const json& listed : invoices) {
    const json invoice =
        get_json(collector_, "/api/v1/invoices/" + listed["id"].get<std::string>());
    EXPECT_EQ(invoice["customer"]["id"], server_->own_customer());
    const std::string currency = invoice["currency"];
    int64_t allocated = 0;
    for (const json& a : invoice["allocations"]) allocated += minor(a["amount"], currency);
    EXPECT_EQ(minor(invoice["amount"], currency) - allocated,
              minor(invoice["open_amount"], currency))
        << invoice.dump();
    EXPECT_TRUE(invoice["disputes"].is_array());
  }
}

TEST_F(LedgerRoutesTest, GivenInvoicesOutsideTheScope_WhenAsked_Then404) {
  const std::string other = server_->other_customer();
  expect_error(collector_.get("/api/v1/invoices?customer=" + other), 404, "not_found");
  const json theirs = all_items(auditor_, "/api/v1/invoices?customer=" + other);
  ASSERT_FALSE(theirs.empty());
  expect_error(collector_.get("/api/v1/invoices/" + theirs[0]["id"].get<std::string>()), 404,
               "not_found");
  expect_error(auditor_.get("/api/v1/invoices/NO-SUCH-INVOICE"), 404, "not_found");
  expect_error(auditor_.get("/api/v1/invoices"), 400, "bad_request", "customer");
  expect_error(auditor_.get("/api/v1/invoices?customer=" + other + "&status=late"), 400,
               "bad_request", "status");
}

TEST_F(LedgerRoutesTest, GivenADeliveryNote_WhenAsked_ThenItLeadsToItsInvoiceAndWhatPaidIt) {
  const std::string id = server_->own_customer();
  const json view = get_json(collector_, "/api/v1/customers/" + id);
  json invoice;
  for (const json& contract : view["documents"]) {
    for (const json& candidate : contract["invoices"]) {
      if (!candidate["deliveries"].empty() && !candidate["settled_by"].empty()) invoice = candidate;
    }
  }
  ASSERT_FALSE(invoice.is_null()) << "no settled invoice with a delivery note";
  const std::string delivery_id = invoice["deliveries"][0]["id"];

  const json delivery = get_json(collector_, "/api/v1/deliveries/" + delivery_id);
  EXPECT_EQ(delivery["id"], delivery_id);
  EXPECT_EQ(delivery["customer"]["id"], id);
  EXPECT_EQ(delivery["invoice_id"], invoice["id"]);
  EXPECT_EQ(delivery["delivery_date"], invoice["deliveries"][0]["delivery_date"]);
  EXPECT_EQ(delivery["invoice"]["id"], invoice["id"]);
  EXPECT_EQ(delivery["invoice"]["settled_by"], invoice["settled_by"]);
  // And back up from the invoice.
  const json billed = get_json(collector_, "/api/v1/invoices/" + invoice["id"].get<std::string>());
  EXPECT_EQ(billed["deliveries"], invoice["deliveries"]);

  const std::string other = server_->other_customer();
  const json theirs = get_json(auditor_, "/api/v1/customers/" + other);
  const json& their_invoices = theirs["documents"][0]["invoices"];
  ASSERT_FALSE(their_invoices.empty());
  ASSERT_FALSE(their_invoices[0]["deliveries"].empty());
  const std::string their_delivery = their_invoices[0]["deliveries"][0]["id"];
  EXPECT_EQ(get_json(auditor_, "/api/v1/deliveries/" + their_delivery)["customer"]["id"], other);
  expect_error(collector_.get("/api/v1/deliveries/" + their_delivery), 404, "not_found");
  expect_error(auditor_.get("/api/v1/deliveries/NO-SUCH-NOTE"), 404, "not_found");
}

TEST_F(LedgerRoutesTest, GivenPayments_WhenListedAndAsked_ThenAllocatedAndUnappliedAddUp) {
  const std::string id = server_->own_customer();
  const json payments = all_items(collector_, "/api/v1/payments?customer=" + id);
  ASSERT_FALSE(payments.empty());
  for (size_t k = 1; k < payments.size(); ++k) {
    EXPECT_GE(payments[k - 1]["payment_date"], payments[k]["payment_date"]);  // newest first
  }
  const json payment =
      get_json(collector_, "/api/v1/payments/" + payments[0]["id"].get<std::string>());
  EXPECT_EQ(payment["customer"]["id"], id);
  const std::string currency = payment["currency"];
  int64_t allocated = 0;
  for (const json& a : payment["allocations"]) allocated += minor(a["amount"], currency);
  EXPECT_EQ(allocated, minor(payment["allocated"], currency));
  EXPECT_EQ(minor(payment["amount"], currency), allocated + minor(payment["unapplied"], currency));
}

TEST_F(LedgerRoutesTest, GivenPaymentsOutsideTheScope_WhenAsked_Then404) {
  const std::string other = server_->other_customer();
  expect_error(collector_.get("/api/v1/payments?customer=" + other), 404, "not_found");
  const json theirs = all_items(auditor_, "/api/v1/payments?customer=" + other);
  ASSERT_FALSE(theirs.empty());
  expect_error(collector_.get("/api/v1/payments/" + theirs[0]["id"].get<std::string>()), 404,
               "not_found");
  expect_error(auditor_.get("/api/v1/payments/NO-SUCH-PAYMENT"), 404, "not_found");
  expect_error(auditor_.get("/api/v1/payments?limit=5"), 400, "bad_request", "customer");
}

// ---- GET /api/v1/reports/kpi -----------------------------------------------------------------

TEST_F(LedgerRoutesTest, GivenAPeriod_WhenKpisAreAsked_ThenTheJsonIsTheClis) {
  for (const bool by_variant : {false, true}) {
    const HttpResponse response =
        auditor_.get(std::string("/api/v1/reports/kpi?from=2026-04-01&to=2026-06-30") +
                     (by_variant ? "&by=variant" : ""));
    ASSERT_EQ(response.result_int(), 200) << response.body();
    std::vector<std::string> args{"report",     "kpi",  "--db",       server_->db(), "--from",
                                  "2026-04-01", "--to", "2026-06-30", "--format",    "json"};
    if (by_variant) args.insert(args.end(), {"--by", "variant"});
    const testing::CliRun cli = testing::run_huikuan(args);
    ASSERT_EQ(cli.exit_code, 0) << cli.err;
    EXPECT_EQ(response.body() + "\n", cli.out) << (by_variant ? "by variant" : "per currency");
  }
}

TEST_F(LedgerRoutesTest, GivenBadParameters_WhenKpisAreAsked_Then400NamesTheParameter) {
  expect_error(auditor_.get("/api/v1/reports/kpi?to=2026-06-30"), 400, "bad_request", "from");
  expect_error(auditor_.get("/api/v1/reports/kpi?from=2026-06-01"), 400, "bad_request", "to");
  expect_error(auditor_.get("/api/v1/reports/kpi?from=2026-06-31&to=2026-07-01"), 400,
               "bad_request", "from");
  expect_error(auditor_.get("/api/v1/reports/kpi?from=2026-06-30&to=2026-06-01"), 400,
               "bad_request", "to");
  expect_error(auditor_.get("/api/v1/reports/kpi?from=2026-06-01&to=2026-06-30&by=region"), 400,
               "bad_request", "by");
  expect_error(auditor_.get("/api/v1/reports/kpi?from=2026-06-01&to=2026-06-30&period=q"), 400,
               "bad_request", "period");
  // A collector holds no report permission.
  EXPECT_EQ(collector_.get("/api/v1/reports/kpi?from=2026-06-01&to=2026-06-30").result_int(), 403);
}

TEST(LedgerRoutesReadinessTest, GivenNoSnapshotYet_WhenTheLedgerIsRead_Then503) {
  testing::ApiServer server;
  const auto loaded = server.snapshot();
  server.api().snapshot.publish(nullptr);
  ApiClient auditor(server.port(), "auditor");
  for (const std::string& target :
       std::vector<std::string>{"/api/v1/customers", "/api/v1/customers/" + server.own_customer(),
                                "/api/v1/reports/kpi?from=2026-06-01&to=2026-06-30"}) {
    expect_error(auditor.get(target), 503, "not_ready");
  }
  server.api().snapshot.publish(loaded);
  EXPECT_EQ(auditor.get("/api/v1/customers").result_int(), 200);
}

}  // namespace
}  // namespace huikuan

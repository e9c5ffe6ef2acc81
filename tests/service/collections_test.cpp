// A collector's entries: contacts, promises and disputes are checked against the ledger, refused
// with a clear message (and nothing written) when wrong, and recorded with who and when.

#include "service/collections.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "service/import_fixture.h"
#include "service/importer.h"
#include "test_db.h"

namespace huikuan {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;
using testing::write_file;

class CollectionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    write_file(dir_ / "ledger" / "customers.csv",
               "customer_id,name,currency\nC1,华信贸易,CNY\nC2,Acme,USD\n");
    write_file(dir_ / "ledger" / "invoices.csv",
               "invoice_id,customer_id,invoice_date,due_date,currency,amount\n"
               "I1,C1,2026-05-01,2026-05-31,CNY,1000.00\n"
               "I2,C1,2026-06-01,2026-06-30,CNY,500.00\n"
               "I3,C2,2026-06-01,2026-06-30,USD,80.00\n");
    write_file(
        dir_ / "ledger" / "payments.csv",
        "payment_id,customer_id,payment_date,currency,amount\nP1,C1,2026-06-10,CNY,400.00\n");
    write_file(dir_ / "ledger" / "allocations.csv",
               "invoice_id,payment_id,amount,date\nI1,P1,400.00,2026-06-10\n");
    store_ = std::move(*Store::open(huikuan::testing::test_db(dir_)));
    ImportOptions options;
    options.dir = (dir_ / "ledger").string();
    ASSERT_TRUE(import_ledger(*store_, options).has_value());
  }

  // 2026-07-01 10:00 in Shanghai.
  Actor actor_{"collector:li", *Timestamp::parse("2026-07-01T10:00:00+08:00")};
  TempDir dir_{"collections"};
  std::unique_ptr<Store> store_;
};

TEST_F(CollectionsTest, GivenAValidContact_WhenRecorded_ThenStoredWithWhoAndWhen) {
  auto id = record_contact(
      *store_, {"C1", "phone", "2026-07-01T09:30:00+08:00", "reached", "答应月底付款"}, actor_);
  ASSERT_TRUE(id.has_value()) << id.error().to_string();
  std::vector<Contact> contacts;
  store_->read_contacts([&](const Contact& c) { contacts.push_back(c); });
  ASSERT_EQ(contacts.size(), 1u);
  EXPECT_EQ(contacts[0].customer_id, "C1");
  EXPECT_EQ(contacts[0].at, "2026-07-01T09:30:00+08:00");
  EXPECT_EQ(contacts[0].recorded_by, "collector:li");
  EXPECT_EQ(contacts[0].note, "答应月底付款");
}

TEST_F(CollectionsTest, GivenBadContacts_WhenRecorded_ThenRefusedNamingTheOption) {
  struct Case {
    ContactRequest request;
    const char* field;
    const char* message;
  };
  const Case cases[] = {
      {{"C9", "phone", "2026-07-01T09:30:00+08:00", "reached", ""},
       "--customer",
       "unknown customer 'C9'"},
      {{"C1", "fax", "2026-07-01T09:30:00+08:00", "reached", ""}, "--channel", "'fax'"},
      {{"C1", "phone", "2026-07-01T09:30:00", "reached", ""}, "--at", "offset"},
      {{"C1", "phone", "2026-07-02T09:30:00+08:00", "reached", ""}, "--at", "in the future"},
      {{"C1", "phone", "2026-07-01T09:30:00+08:00", "happy", ""}, "--outcome", "'happy'"},
  };
  for (const auto& c : cases) {
    auto id = record_contact(*store_, c.request, actor_);
    ASSERT_FALSE(id.has_value()) << c.field;
    EXPECT_EQ(id.error().field, c.field);
    EXPECT_THAT(id.error().message, HasSubstr(c.message));
  }
  size_t contacts = 0;
  store_->read_contacts([&](const Contact&) { ++contacts; });
  EXPECT_EQ(contacts, 0u);
}

TEST_F(CollectionsTest, GivenAnOpenBalance_WhenAPromiseFitsIt_ThenRecordedAndLogged) {
  // C1 owes 600.00 + 500.00 = 1100.00 on 2026-07-01.
  auto id = record_promise(*store_, {"C1", "1100.00", std::nullopt, "2026-07-15", {}}, actor_);
  ASSERT_TRUE(id.has_value()) << id.error().to_string();
  std::vector<Promise> promises;
  store_->read_promises([&](const Promise& p) { promises.push_back(p); });
  ASSERT_EQ(promises.size(), 1u);
  EXPECT_EQ(promises[0].amount, 110000);
  EXPECT_EQ(promises[0].promised_date.to_string(), "2026-07-15");
  EXPECT_EQ(promises[0].status, PromiseStatus::kOpen);
  bool logged = false;
  store_->read_changes([&](const ChangeRecord& r) {
    logged |= r.entity == "promise" && r.actor == "collector:li" &&
              r.new_value.find("1100.00 CNY by 2026-07-15") != std::string::npos;
  });
  EXPECT_TRUE(logged);
}

TEST_F(CollectionsTest, GivenBadPromises_WhenRecorded_ThenRefusedAndNothingWritten) {
  struct Case {
    PromiseRequest request;
    const char* field;
    const char* message;
  };
  const Case cases[] = {
      {{"C1", "1100.01", std::nullopt, "2026-07-15", {}},
       "--amount",
       "more than the 1100.00 CNY open"},
      {{"C1", "600.01", std::nullopt, "2026-07-15", {"I1"}},
       "--amount",
       "more than the 600.00 CNY"},
      {{"C1", "10.00", std::nullopt, "2026-06-30", {}}, "--date", "in the past"},
      {{"C1", "10.00", std::nullopt, "2026-07-15", {"I3"}},
       "--invoice",
       "not an invoice of customer 'C1'"},
      {{"C1", "10.001", std::nullopt, "2026-07-15", {}}, "--amount", "more decimals"},
      {{"C1", "0", std::nullopt, "2026-07-15", {}}, "--amount", "not positive"},
      {{"C2", "10.00", std::string("EUR"), "2026-07-15", {}}, "--amount", "0.00 EUR open"},
      {{"C7", "10.00", std::nullopt, "2026-07-15", {}}, "--customer", "unknown customer"},
  };
  const auto before = testing::dump(*store_);
  for (const auto& c : cases) {
    auto id = record_promise(*store_, c.request, actor_);
    ASSERT_FALSE(id.has_value()) << c.message;
    EXPECT_EQ(id.error().field, c.field) << c.message;
    EXPECT_THAT(id.error().message, HasSubstr(c.message));
  }
  size_t promises = 0;
  store_->read_promises([&](const Promise&) { ++promises; });
  EXPECT_EQ(promises, 0u);
  EXPECT_EQ(testing::dump(*store_), before);
}

TEST_F(CollectionsTest, GivenADispute_WhenMoreIsDisputedThanRemains_ThenRefused) {
  auto first = open_dispute(*store_, {"I1", "500.00", "quality_problem", "破损"}, 48, actor_);
  ASSERT_TRUE(first.has_value()) << first.error().to_string();
  // 600.00 open, 500.00 disputed: 100.00 remains.
  auto second = open_dispute(*store_, {"I1", "100.01", "price_dispute", ""}, 48, actor_);
  ASSERT_FALSE(second.has_value());
  EXPECT_THAT(second.error().message,
              HasSubstr("100.00 of invoice 'I1' open and not yet disputed"));
  EXPECT_TRUE(open_dispute(*store_, {"I1", "100.00", "price_dispute", ""}, 48, actor_).has_value());

  auto reason = open_dispute(*store_, {"I2", "1.00", "dont_like_it", ""}, 48, actor_);
  ASSERT_FALSE(reason.has_value());
  EXPECT_EQ(reason.error().field, "--reason");
}

TEST_F(CollectionsTest, GivenADispute_WhenAnsweredBeforeOrAfter48Hours_ThenItsSlaSaysSo) {
  auto id = open_dispute(*store_, {"I2", "50.00", "invoice_error", ""}, 48, actor_);
  ASSERT_TRUE(id.has_value());
  auto dispute = *store_->find_dispute(*id);
  EXPECT_EQ(dispute.respond_by, "2026-07-03T10:00:00+08:00");
  EXPECT_EQ(dispute_sla(dispute, *Timestamp::parse("2026-07-03T09:59:00+08:00")), "open");
  EXPECT_EQ(dispute_sla(dispute, *Timestamp::parse("2026-07-03T10:01:00+08:00")), "overdue");

  Actor late{"supervisor:wang", *Timestamp::parse("2026-07-03T11:00:00+08:00")};
  ASSERT_TRUE(resolve_dispute(*store_, *id, "credited", "开红字发票", late).has_value());
  dispute = *store_->find_dispute(*id);
  EXPECT_EQ(dispute.status, DisputeStatus::kResolved);
  EXPECT_EQ(dispute_sla(dispute, late.now), "answered_late");

  auto again = resolve_dispute(*store_, *id, "rejected", "", late);
  ASSERT_FALSE(again.has_value());
  EXPECT_THAT(again.error().message, HasSubstr("already resolved"));
}

TEST_F(CollectionsTest, GivenInstallmentsSummingToTheOpenAmount_WhenAgreed_ThenStoredAndLogged) {
  auto id = record_plan(
      *store_, {"C1", {"I1", "I2"}, {{"2026-07-15", "600.00"}, {"2026-08-15", "500.00"}}, "两期"},
      actor_);
  ASSERT_TRUE(id.has_value()) << id.error().to_string();
  std::vector<PaymentPlan> plans;
  store_->read_plans([&](const PaymentPlan& p) { plans.push_back(p); });
  ASSERT_EQ(plans.size(), 1u);
  EXPECT_EQ(plans[0].invoice_ids, (std::vector<std::string>{"I1", "I2"}));
  ASSERT_EQ(plans[0].installments.size(), 2u);
  EXPECT_EQ(plans[0].installments[1].due.to_string(), "2026-08-15");
  EXPECT_EQ(plans[0].installments[1].amount, 50000);
  EXPECT_EQ(plans[0].status, PlanStatus::kOpen);
  EXPECT_EQ(plans[0].recorded_by, "collector:li");
  std::vector<ChangeRecord> changes;
  store_->read_changes([&](const ChangeRecord& c) {
    if (c.entity == "payment_plan") changes.push_back(c);
  });
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_THAT(changes[0].new_value, HasSubstr("2 installments, 1100.00 CNY"));

  ASSERT_TRUE(cancel_plan(*store_, *id, actor_).has_value());
  auto again = cancel_plan(*store_, *id, actor_);
  ASSERT_FALSE(again.has_value());
  EXPECT_THAT(again.error().message, HasSubstr("is cancelled"));
}

TEST_F(CollectionsTest, GivenBadPlans_WhenAgreed_ThenRefusedAndNothingWritten) {
  ASSERT_TRUE(record_plan(*store_, {"C1", {"I2"}, {{"2026-07-15", "500.00"}}, ""}, actor_));
  struct Case {
    PlanRequest request;
    const char* field;
    const char* message;
  };
  const Case cases[] = {
      {{"C9", {"I1"}, {{"2026-07-15", "600.00"}}, ""}, "--customer", "unknown customer"},
      {{"C1", {"I3"}, {{"2026-07-15", "80.00"}}, ""}, "--invoice", "not an invoice of customer"},
      {{"C1", {"I1", "I1"}, {{"2026-07-15", "600.00"}}, ""}, "--invoice", "named twice"},
      {{"C1", {"I2"}, {{"2026-07-15", "500.00"}}, ""},
       "--invoice",
       "already under an open payment plan"},
      {{"C1", {}, {{"2026-07-15", "600.00"}}, ""}, "--invoice", "name the invoices"},
      {{"C1", {"I1"}, {}, ""}, "--installment", "needs installments"},
      {{"C1", {"I1"}, {{"2026-06-30", "600.00"}}, ""}, "--installment", "in the past"},
      {{"C1", {"I1"}, {{"2026-08-01", "300.00"}, {"2026-07-15", "300.00"}}, ""},
       "--installment",
       "date order"},
      {{"C1", {"I1"}, {{"2026-07-15", "300.00"}, {"2026-08-15", "299.99"}}, ""},
       "--installment",
       "sum to 599.99 CNY, the invoices' open amount is 600.00 CNY"},
      {{"C1", {"I1"}, {{"2026-07-15", "-600.00"}}, ""}, "--installment", "not positive"},
      {{"C1", {"I1"}, {{"2026-07-15", "600.001"}}, ""}, "--installment", "2026-07-15=600.001"},
      {{"C1", {"I1"}, {{"2026-13-15", "600.00"}}, ""}, "--installment", "2026-13-15"},
  };
  for (const auto& c : cases) {
    auto id = record_plan(*store_, c.request, actor_);
    ASSERT_FALSE(id.has_value()) << c.message;
    EXPECT_EQ(id.error().field, c.field) << c.message;
    EXPECT_THAT(id.error().message, HasSubstr(c.message));
  }
  size_t plans = 0;
  store_->read_plans([&](const PaymentPlan&) { ++plans; });
  EXPECT_EQ(plans, 1u);
}

}  // namespace
}  // namespace huikuan

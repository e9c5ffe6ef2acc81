// Authority limits and approvals (DOMAIN §7): a decision beyond the requester's level goes to
// the lowest level allowed to take it; only that level or above decides it, never the requester;
// an approved payment plan is recorded in the decision's transaction or not at all; every step
// is in the audit log.

#include "service/approvals.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "io/policy_toml.h"
#include "service/audit.h"
#include "service/import_fixture.h"
#include "service/importer.h"
#include "test_db.h"

namespace huikuan {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;
using testing::write_file;

// The shipped config/policy.toml: collector < 100000, supervisor < 500000 (extension), director
// < 1000000 (extension, installment_plan), general_manager unlimited (everything); USD 7.10,
// JPY 0.048, KWD 23.10.
const Policy& shipped() {
  return default_policy();
}

TEST(AuthorityLevelOf, GivenTheShippedPolicy_ThenCaseHoldingRolesHaveTheirLevelAndOthersNone) {
  const std::pair<Role, std::optional<size_t>> cases[] = {
      {Role::kCollector, 0},        {Role::kSupervisor, 1},        {Role::kDirector, 2},
      {Role::kGeneralManager, 3},   {Role::kLegal, std::nullopt},  {Role::kFinance, std::nullopt},
      {Role::kSales, std::nullopt}, {Role::kCredit, std::nullopt}, {Role::kAuditor, std::nullopt},
      {Role::kAdmin, std::nullopt},
  };
  for (const auto& [role, level] : cases) {
    EXPECT_EQ(authority_level_of(shipped(), role), level) << role_name(role);
  }
}

struct RoutingCase {
  Role requester;
  const char* kind;
  const char* currency;
  int64_t amount;  // minor units of `currency`
  bool within;
  const char* required_level;
};

TEST(CheckAuthority, GivenTheShippedLimits_WhenJustBelowOrAtEachLimit_ThenRoutedToTheLowestLevel) {
  const RoutingCase cases[] = {
      // Installment plans: only the director (under 1M) and the general manager approve them.
      {Role::kCollector, "installment_plan", "CNY", 100, false, "director"},
      {Role::kCollector, "installment_plan", "CNY", 9'999'999, false, "director"},
      {Role::kSupervisor, "installment_plan", "CNY", 49'999'999, false, "director"},
      {Role::kSupervisor, "installment_plan", "CNY", 50'000'000, false, "director"},
      {Role::kDirector, "installment_plan", "CNY", 99'999'999, true, "director"},
      {Role::kDirector, "installment_plan", "CNY", 100'000'000, false, "general_manager"},
      {Role::kCollector, "installment_plan", "CNY", 100'000'000, false, "general_manager"},
      {Role::kGeneralManager, "installment_plan", "CNY", 100'000'000, true, "general_manager"},
      // Extensions: the supervisor under 500k, the director under 1M.
      {Role::kCollector, "extension", "CNY", 9'999'999, false, "supervisor"},
      {Role::kCollector, "extension", "CNY", 10'000'000, false, "supervisor"},
      {Role::kSupervisor, "extension", "CNY", 49'999'999, true, "supervisor"},
      {Role::kSupervisor, "extension", "CNY", 50'000'000, false, "director"},
      {Role::kDirector, "extension", "CNY", 50'000'000, true, "director"},
      {Role::kDirector, "extension", "CNY", 99'999'999, true, "director"},
      {Role::kDirector, "extension", "CNY", 100'000'000, false, "general_manager"},
      {Role::kGeneralManager, "extension", "CNY", 100'000'000'000, true, "general_manager"},
      // Roles without a level always ask; write-offs are the general manager's alone.
      {Role::kFinance, "extension", "CNY", 100, false, "supervisor"},
      {Role::kAdmin, "installment_plan", "CNY", 100, false, "director"},
      {Role::kDirector, "write_off", "CNY", 100, false, "general_manager"},
      // Foreign currencies are compared with the limits at the policy's rates (rounded half up).
      {Role::kSupervisor, "extension", "USD", 7'042'253, true, "supervisor"},   // 499999.96 CNY
      {Role::kSupervisor, "extension", "USD", 7'042'254, false, "director"},    // 500000.03 CNY
      {Role::kSupervisor, "extension", "JPY", 10'416'666, true, "supervisor"},  // 499999.97 CNY
      {Role::kSupervisor, "extension", "JPY", 10'416'667, false, "director"},   // 500000.02 CNY
      {Role::kSupervisor, "extension", "KWD", 21'645'021, true, "supervisor"},  // 499999.99 CNY
      {Role::kSupervisor, "extension", "KWD", 21'645'022, false, "director"},   // 500000.01 CNY
  };
  for (const auto& c : cases) {
    const std::string what =
        fmt::format("{} {} {} {}", role_name(c.requester), c.kind, c.amount, c.currency);
    auto check = check_authority(shipped(), c.requester, c.kind, c.currency, c.amount);
    ASSERT_TRUE(check.has_value()) << what << ": " << check.error().to_string();
    EXPECT_EQ(check->within, c.within) << what;
    EXPECT_EQ(check->required_level, c.required_level) << what;
  }
}

TEST(CheckAuthority, GivenLevelsListingAKindUnderDifferentLimits_ThenTheLowestCoveringOneDecides) {
  Policy policy;
  policy.authority = {{"collector", 10'000'00, {}},
                      {"supervisor", 50'000'00, {"settlement"}},
                      {"director", 100'000'00, {}},
                      {"general_manager", 200'000'00, {"settlement"}}};
  const std::pair<int64_t, const char*> cases[] = {
      {49'999'99, "supervisor"}, {50'000'00, "general_manager"}, {199'999'99, "general_manager"}};
  for (const auto& [amount, level] : cases) {
    auto check = check_authority(policy, Role::kCollector, "settlement", "CNY", amount);
    ASSERT_TRUE(check.has_value()) << amount;
    EXPECT_FALSE(check->within);
    EXPECT_EQ(check->required_level, level) << amount;
  }
  // The director's level does not list settlements, whatever its limit.
  auto director = check_authority(policy, Role::kDirector, "settlement", "CNY", 100);
  ASSERT_TRUE(director.has_value());
  EXPECT_FALSE(director->within);
  EXPECT_EQ(director->required_level, "supervisor");

  auto beyond = check_authority(policy, Role::kCollector, "settlement", "CNY", 200'000'00);
  ASSERT_FALSE(beyond.has_value());
  EXPECT_EQ(beyond.error().field, "amount");
  EXPECT_THAT(beyond.error().message,
              HasSubstr("settlement of 200000.00 CNY is beyond every authority level"));
}

TEST(CheckAuthority, GivenBadInput_ThenRefusedNamingTheField) {
  struct Case {
    const char* kind;
    const char* currency;
    int64_t amount;
    const char* field;
    const char* message;
  };
  const Case cases[] = {
      {"discount", "CNY", 100, "kind", "'discount' is not one of extension, installment_plan"},
      {"extension", "GBP", 100, "currency", "no exchange rate for GBP"},
      {"extension", "XYZ", 100, "currency", "XYZ"},
      {"extension", "CNY", 0, "amount", "0.00 CNY is not positive"},
      {"extension", "USD", INT64_MAX / 2, "amount", "exceed the CNY range"},
  };
  for (const auto& c : cases) {
    auto check = check_authority(shipped(), Role::kSupervisor, c.kind, c.currency, c.amount);
    ASSERT_FALSE(check.has_value()) << c.message;
    EXPECT_EQ(check.error().field, c.field) << c.message;
    EXPECT_THAT(check.error().message, HasSubstr(c.message));
  }
}

TEST(PlanRequestJson, GivenAPlan_WhenWrittenAndReadBack_ThenTheSame) {
  const PlanRequest plan{
      "C1", {"I1", "I2"}, {{"2026-07-15", "600.00"}, {"2026-08-15", "500.00"}}, "两期 \"quoted\""};
  auto back = parse_plan_request(plan_request_json(plan));
  ASSERT_TRUE(back.has_value()) << back.error().to_string();
  EXPECT_EQ(back->customer_id, plan.customer_id);
  EXPECT_EQ(back->invoice_ids, plan.invoice_ids);
  EXPECT_EQ(back->installments, plan.installments);
  EXPECT_EQ(back->note, plan.note);
  for (const char* bad :
       {"", "[]", "{\"customer_id\": 1}",
        R"({"customer_id": "C1", "invoice_ids": ["I1"], "installments": [["2026-07-15"]]})",
        R"({"customer_id": "C1", "invoice_ids": ["I1"], "installments": [], "extra": 1})"}) {
    auto parsed = parse_plan_request(bad);
    ASSERT_FALSE(parsed.has_value()) << bad;
    EXPECT_EQ(parsed.error().field, "payload");
  }
}

// Approvals against a ledger: C1 owes in CNY, C2 in USD.
class ApprovalsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    write_file(dir_ / "ledger" / "customers.csv",
               "customer_id,name,currency\nC1,华信贸易,CNY\nC2,Acme,USD\n");
    write_invoices("");
    write_file(dir_ / "ledger" / "payments.csv",
               "payment_id,customer_id,payment_date,currency,amount\n");
    write_file(dir_ / "ledger" / "allocations.csv", "invoice_id,payment_id,amount,date\n");
    store_ = std::move(*Store::open(huikuan::testing::test_db(dir_)));
    import();
  }

  void write_invoices(const std::string& more) {
    write_file(dir_ / "ledger" / "invoices.csv",
               "invoice_id,customer_id,invoice_date,due_date,currency,amount\n"
               "I1,C1,2026-05-01,2026-05-31,CNY,600000.00\n"
               "I2,C1,2026-05-01,2026-05-31,CNY,999999.99\n"
               "I3,C1,2026-05-01,2026-05-31,CNY,1000000.00\n"
               "I4,C2,2026-05-01,2026-05-31,USD,80000.00\n" +
                   more);
  }

  void import() {
    ImportOptions options;
    options.dir = (dir_ / "ledger").string();
    auto imported = import_ledger(*store_, options);
    ASSERT_TRUE(imported.has_value()) << imported.error().errors.front().to_string();
  }

  // A plan paying `invoice` in two installments of `first` and `second`.
  static PlanRequest plan(const char* customer, const char* invoice, const char* first,
                          const char* second) {
    return {customer, {invoice}, {{"2026-07-15", first}, {"2026-08-15", second}}, "两期"};
  }

  size_t plans() {
    size_t count = 0;
    store_->read_plans([&](const PaymentPlan&) { ++count; });
    return count;
  }

  std::vector<Approval> approvals(std::optional<ApprovalStatus> status = std::nullopt) {
    std::vector<Approval> rows;
    store_->read_approvals(status, [&](const Approval& a) { rows.push_back(a); });
    return rows;
  }

  std::vector<std::string> audit_of_approvals() {
    std::vector<std::string> rows;
    store_->read_changes([&](const ChangeRecord& r) {
      if (r.entity == "approval") {
        rows.push_back(fmt::format("{} {} {} [{}] {} -> {}", r.key, r.actor, r.role, r.field,
                                   r.old_value, r.new_value));
      }
    });
    return rows;
  }

  size_t changes() {
    size_t count = 0;
    store_->read_changes([&](const ChangeRecord&) { ++count; });
    return count;
  }

  static Actor as(const char* name, Role role) {
    return {name, *Timestamp::parse("2026-07-01T10:00:00+08:00"), std::string(role_name(role))};
  }

  TempDir dir_{"approvals"};
  std::unique_ptr<Store> store_;
  const Actor li_ = as("li", Role::kSupervisor);
  const Actor wang_ = as("wang", Role::kDirector);
  const Actor zhao_ = as("zhao", Role::kGeneralManager);
};

TEST_F(ApprovalsTest, GivenAPlanWithinTheDirectorsLimit_WhenADirectorSubmitsIt_ThenRecordedAtOnce) {
  auto submitted = submit_plan(*store_, shipped(), plan("C1", "I2", "499999.99", "500000.00"),
                               wang_, Role::kDirector);
  ASSERT_TRUE(submitted.has_value()) << submitted.error().to_string();
  ASSERT_TRUE(submitted->plan_id.has_value());
  EXPECT_FALSE(submitted->approval.has_value());
  EXPECT_EQ(plans(), 1u);
  EXPECT_TRUE(approvals().empty());
}

TEST_F(ApprovalsTest, GivenAPlanAtTheDirectorsLimit_WhenADirectorSubmitsIt_ThenTheGmMustApprove) {
  auto submitted = submit_plan(*store_, shipped(), plan("C1", "I3", "500000.00", "500000.00"),
                               wang_, Role::kDirector);
  ASSERT_TRUE(submitted.has_value()) << submitted.error().to_string();
  EXPECT_FALSE(submitted->plan_id.has_value());
  ASSERT_TRUE(submitted->approval.has_value());
  const Approval& approval = *submitted->approval;
  EXPECT_EQ(approval.kind, "installment_plan");
  EXPECT_EQ(approval.customer_id, "C1");
  EXPECT_EQ(approval.currency, "CNY");
  EXPECT_EQ(approval.amount, 100'000'000);
  EXPECT_EQ(approval.required_level, "general_manager");
  EXPECT_EQ(approval.requested_by, "wang");
  EXPECT_EQ(approval.requested_role, "director");
  EXPECT_EQ(approval.status, ApprovalStatus::kPending);
  EXPECT_EQ(plans(), 0u);
  ASSERT_EQ(approvals(ApprovalStatus::kPending).size(), 1u);
  EXPECT_TRUE(approvals(ApprovalStatus::kApproved).empty());
  auto payload = parse_plan_request(approvals()[0].payload);
  ASSERT_TRUE(payload.has_value());
  EXPECT_EQ(payload->installments.size(), 2u);
}

TEST_F(ApprovalsTest, GivenABadPlan_WhenSubmitted_ThenRefusedBeforeAnyoneIsAsked) {
  auto submitted = submit_plan(*store_, shipped(), plan("C1", "I1", "300000.00", "299999.99"), li_,
                               Role::kSupervisor);
  ASSERT_FALSE(submitted.has_value());
  EXPECT_EQ(submitted.error().field, "--installment");
  EXPECT_THAT(submitted.error().message, HasSubstr("sum to 599999.99 CNY"));
  EXPECT_TRUE(approvals().empty());
  EXPECT_EQ(plans(), 0u);
}

TEST_F(ApprovalsTest, GivenAPendingPlan_WhenTheDirectorApproves_ThenThePlanIsRecordedAndAudited) {
  auto submitted = submit_plan(*store_, shipped(), plan("C1", "I1", "300000.00", "300000.00"), li_,
                               Role::kSupervisor);
  ASSERT_TRUE(submitted.has_value()) << submitted.error().to_string();
  ASSERT_TRUE(submitted->approval.has_value());
  EXPECT_EQ(submitted->approval->required_level, "director");

  auto decided = decide_approval(*store_, shipped(), submitted->approval->id, true, "同意分期",
                                 wang_, Role::kDirector);
  ASSERT_TRUE(decided.has_value()) << decided.error().to_string();
  EXPECT_EQ(decided->status, ApprovalStatus::kApproved);
  EXPECT_EQ(decided->decided_by, "wang");
  EXPECT_EQ(decided->decided_role, "director");
  ASSERT_TRUE(decided->decided_at.has_value());
  EXPECT_EQ(decided->decided_at->utc_seconds, wang_.now.utc_seconds);
  EXPECT_EQ(decided->decision_note, "同意分期");
  ASSERT_TRUE(decided->result_id.has_value());
  auto recorded = store_->find_plan(*decided->result_id);
  ASSERT_TRUE(recorded.has_value());
  EXPECT_EQ(recorded->invoice_ids, std::vector<std::string>{"I1"});
  EXPECT_EQ(recorded->total(), 60'000'000);
  EXPECT_EQ(recorded->recorded_by, "li");

  EXPECT_THAT(audit_of_approvals(),
              ::testing::ElementsAre(
                  "1 li supervisor [status]  -> pending: installment_plan of 600000.00 CNY for "
                  "C1, needs director — 两期",
                  fmt::format("1 wang director [status] pending -> approved: payment plan {} — "
                              "同意分期",
                              *decided->result_id)));
  auto verified = verify_audit(*store_);
  EXPECT_TRUE(verified.has_value()) << verified.error().to_string();
}

TEST_F(ApprovalsTest, GivenAPendingPlan_WhenALowerLevelOrTheRequesterDecides_ThenRefused) {
  auto submitted = submit_plan(*store_, shipped(), plan("C1", "I3", "500000.00", "500000.00"),
                               wang_, Role::kDirector);
  ASSERT_TRUE(submitted.has_value()) << submitted.error().to_string();
  const int64_t id = submitted->approval->id;
  const size_t before = changes();
  struct Case {
    Actor actor;
    Role role;
    bool approve;
    const char* message;
  };
  const Case cases[] = {
      {as("chen", Role::kDirector), Role::kDirector, true,
       "installment_plan of 1000000.00 CNY needs general_manager approval; director may approve "
       "amounts under 1000000.00 CNY"},
      {as("chen", Role::kDirector), Role::kDirector, false, "needs general_manager approval"},
      {li_, Role::kSupervisor, true, "supervisor may not approve installment_plan"},
      {as("qian", Role::kFinance), Role::kFinance, true, "finance has no authority level"},
      // The requester, even signed in with a role that could decide it.
      {wang_, Role::kGeneralManager, true, "wang requested approval 1: someone else must decide"},
  };
  for (const auto& c : cases) {
    auto decided = decide_approval(*store_, shipped(), id, c.approve, "", c.actor, c.role);
    ASSERT_FALSE(decided.has_value()) << c.message;
    EXPECT_EQ(decided.error().field, "decided_by");
    EXPECT_THAT(decided.error().message, HasSubstr(c.message));
  }
  EXPECT_EQ(approvals(ApprovalStatus::kPending).size(), 1u);
  EXPECT_EQ(changes(), before);
  EXPECT_EQ(plans(), 0u);

  auto approved = decide_approval(*store_, shipped(), id, true, "", zhao_, Role::kGeneralManager);
  ASSERT_TRUE(approved.has_value()) << approved.error().to_string();
  EXPECT_EQ(plans(), 1u);
}

TEST_F(ApprovalsTest, GivenAPendingPlan_WhenItsInvoiceWasPaidMeanwhile_ThenApprovingWritesNothing) {
  auto submitted = submit_plan(*store_, shipped(), plan("C1", "I1", "300000.00", "300000.00"), li_,
                               Role::kSupervisor);
  ASSERT_TRUE(submitted.has_value()) << submitted.error().to_string();
  write_file(dir_ / "ledger" / "payments.csv",
             "payment_id,customer_id,payment_date,currency,amount\n"
             "P1,C1,2026-06-20,CNY,100000.00\n");
  write_file(dir_ / "ledger" / "allocations.csv",
             "invoice_id,payment_id,amount,date\nI1,P1,100000.00,2026-06-20\n");
  import();
  const size_t before = changes();

  auto decided = decide_approval(*store_, shipped(), submitted->approval->id, true, "", wang_,
                                 Role::kDirector);
  ASSERT_FALSE(decided.has_value());
  EXPECT_EQ(decided.error().field, "--installment");
  EXPECT_THAT(decided.error().message,
              HasSubstr("the plan cannot be recorded any more: the installments sum to "
                        "600000.00 CNY, the invoices' open amount is 500000.00 CNY"));
  EXPECT_EQ(plans(), 0u);
  EXPECT_EQ(changes(), before);
  ASSERT_EQ(approvals().size(), 1u);
  EXPECT_EQ(approvals()[0].status, ApprovalStatus::kPending);

  // Rejecting it still works: nothing is carried out.
  auto rejected = decide_approval(*store_, shipped(), submitted->approval->id, false,
                                  "客户已部分付款", wang_, Role::kDirector);
  ASSERT_TRUE(rejected.has_value()) << rejected.error().to_string();
  EXPECT_EQ(rejected->status, ApprovalStatus::kRejected);
  EXPECT_FALSE(rejected->result_id.has_value());
  EXPECT_EQ(plans(), 0u);
}

TEST_F(ApprovalsTest, GivenAnExtension_WhenRequestedAndRejected_ThenRecordedButNothingCarriedOut) {
  auto requested = request_approval(
      *store_, shipped(),
      {"extension", "C1", "", "600000.00", "延期一个月", R"({"invoice_ids": ["I1"], "days": 30})"},
      li_);
  ASSERT_TRUE(requested.has_value()) << requested.error().to_string();
  EXPECT_EQ(requested->required_level, "director");
  EXPECT_EQ(requested->currency, "CNY");
  EXPECT_EQ(requested->requested_role, "supervisor");

  auto by_supervisor = decide_approval(*store_, shipped(), requested->id, true, "",
                                       as("sun", Role::kSupervisor), Role::kSupervisor);
  ASSERT_FALSE(by_supervisor.has_value());
  EXPECT_THAT(by_supervisor.error().message,
              HasSubstr("extension of 600000.00 CNY needs director approval; supervisor may "
                        "approve amounts under 500000.00 CNY"));

  // Above the required level may decide too.
  auto rejected =
      decide_approval(*store_, shipped(), requested->id, false, "", zhao_, Role::kGeneralManager);
  ASSERT_TRUE(rejected.has_value()) << rejected.error().to_string();
  EXPECT_EQ(rejected->status, ApprovalStatus::kRejected);
  EXPECT_EQ(rejected->decided_role, "general_manager");
  auto again = decide_approval(*store_, shipped(), requested->id, true, "", wang_, Role::kDirector);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().field, "status");
  EXPECT_THAT(again.error().message, HasSubstr("already rejected by zhao"));
  EXPECT_EQ(plans(), 0u);
}

TEST_F(ApprovalsTest, GivenAPendingRequest_WhenCancelled_ThenOnlyByItsRequesterAndOnlyOnce) {
  auto requested =
      request_approval(*store_, shipped(), {"write_off", "C2", "USD", "80000.00", "", ""}, wang_);
  ASSERT_TRUE(requested.has_value()) << requested.error().to_string();
  EXPECT_EQ(requested->required_level, "general_manager");

  auto by_other = cancel_approval(*store_, requested->id, "", li_);
  ASSERT_FALSE(by_other.has_value());
  EXPECT_EQ(by_other.error().field, "requested_by");
  EXPECT_THAT(by_other.error().message, HasSubstr("only wang"));

  ASSERT_TRUE(cancel_approval(*store_, requested->id, "客户已付", wang_).has_value());
  auto cancelled = store_->find_approval(requested->id);
  ASSERT_TRUE(cancelled.has_value());
  EXPECT_EQ(cancelled->status, ApprovalStatus::kCancelled);
  EXPECT_EQ(cancelled->decided_by, "wang");
  EXPECT_EQ(cancelled->decision_note, "客户已付");

  auto again = cancel_approval(*store_, requested->id, "", wang_);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().field, "status");
  auto decided =
      decide_approval(*store_, shipped(), requested->id, true, "", zhao_, Role::kGeneralManager);
  ASSERT_FALSE(decided.has_value());
  EXPECT_THAT(decided.error().message, HasSubstr("already cancelled"));

  EXPECT_THAT(audit_of_approvals(),
              ::testing::ElementsAre(
                  "1 wang director [status]  -> pending: write_off of 80000.00 USD for C2, "
                  "needs general_manager",
                  "1 wang director [status] pending -> cancelled — 客户已付"));
  EXPECT_TRUE(verify_audit(*store_).has_value());

  auto missing = cancel_approval(*store_, 99, "", wang_);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().field, "id");
}

TEST_F(ApprovalsTest, GivenAForeignCurrencyRequest_ThenItsLimitIsCheckedInThePolicyCurrency) {
  // 70422.54 USD is 500000.03 CNY at 7.10: beyond the supervisor's 500000.00.
  auto requested =
      request_approval(*store_, shipped(), {"extension", "C2", "", "70422.54", "", ""}, li_);
  ASSERT_TRUE(requested.has_value()) << requested.error().to_string();
  EXPECT_EQ(requested->currency, "USD");
  EXPECT_EQ(requested->amount, 7'042'254);
  EXPECT_EQ(requested->required_level, "director");
  auto by_supervisor = decide_approval(*store_, shipped(), requested->id, true, "",
                                       as("sun", Role::kSupervisor), Role::kSupervisor);
  ASSERT_FALSE(by_supervisor.has_value());
  EXPECT_THAT(by_supervisor.error().message,
              HasSubstr("extension of 70422.54 USD (500000.03 CNY) needs director approval"));

  auto small =
      request_approval(*store_, shipped(), {"extension", "C2", "", "70422.53", "", ""}, li_);
  ASSERT_TRUE(small.has_value());
  EXPECT_EQ(small->required_level, "supervisor");
}

TEST_F(ApprovalsTest, GivenBadRequests_ThenRefusedNamingTheFieldAndNothingWritten) {
  const std::string good_plan = plan_request_json(plan("C1", "I1", "300000.00", "300000.00"));
  struct Case {
    NewApproval request;
    const char* field;
    const char* message;
  };
  const Case cases[] = {
      {{"discount", "C1", "", "10.00", "", ""}, "kind", "'discount' is not one of"},
      {{"extension", "C9", "", "10.00", "", ""}, "customer_id", "unknown customer 'C9'"},
      {{"extension", "C1", "GBP", "10.00", "", ""}, "currency", "no exchange rate for GBP"},
      {{"extension", "C1", "", "0", "", ""}, "amount", "not positive"},
      {{"extension", "C1", "", "10.001", "", ""}, "amount", "decimals"},
      {{"extension", "C1", "", "1,000.00", "", ""}, "amount", "thousands separators"},
      {{"extension", "C1", "", "10.00", "", "{not json"}, "payload", "not JSON"},
      {{"installment_plan", "C1", "", "600000.00", "", ""}, "payload", "carries the plan"},
      {{"installment_plan", "C1", "", "500000.00", "", good_plan},
       "amount",
       "the plan's installments total 600000.00 CNY, the request is for 500000.00 CNY"},
      {{"installment_plan", "C2", "", "600000.00", "", good_plan},
       "payload",
       "the plan is for customer 'C1'"},
      {{"installment_plan", "C1", "", "600000.00", "",
        plan_request_json(plan("C1", "I1", "300000.00", "299999.99"))},
       "--installment",
       "sum to 599999.99 CNY"},
  };
  for (const auto& c : cases) {
    auto requested = request_approval(*store_, shipped(), c.request, li_);
    ASSERT_FALSE(requested.has_value()) << c.message;
    EXPECT_EQ(requested.error().field, c.field) << c.message;
    EXPECT_THAT(requested.error().message, HasSubstr(c.message));
  }
  EXPECT_TRUE(approvals().empty());
  EXPECT_TRUE(audit_of_approvals().empty());
}

TEST_F(ApprovalsTest, GivenAPlanRequestedDirectly_WhenApproved_ThenCarriedOutLikeASubmittedOne) {
  auto requested = request_approval(*store_, shipped(),
                                    {"installment_plan", "C1", "CNY", "600000.00", "",
                                     plan_request_json(plan("C1", "I1", "300000.00", "300000.00"))},
                                    li_);
  ASSERT_TRUE(requested.has_value()) << requested.error().to_string();
  EXPECT_EQ(requested->required_level, "director");
  auto approved =
      decide_approval(*store_, shipped(), requested->id, true, "", wang_, Role::kDirector);
  ASSERT_TRUE(approved.has_value()) << approved.error().to_string();
  ASSERT_TRUE(approved->result_id.has_value());
  EXPECT_EQ(plans(), 1u);
  EXPECT_TRUE(verify_audit(*store_).has_value());
}

}  // namespace
}  // namespace huikuan

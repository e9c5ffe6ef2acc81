// Given CSV files in the import contract, when imported, then the ledger holds exactly these rows
// — or, on any error, nothing changed and every error names its file, line and column.

#include "service/importer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "service/import_fixture.h"
#include "test_db.h"

namespace huikuan {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using testing::dump;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::StoreDump;
using testing::TempDir;
using testing::write_file;

using Files = std::vector<std::pair<std::string, std::string>>;

constexpr const char* kCustomersHeader = "customer_id,name,currency,payment_terms_days\n";
constexpr const char* kInvoicesHeader =
    "invoice_id,customer_id,invoice_date,due_date,currency,amount,doc_type\n";
constexpr const char* kPaymentsHeader = "payment_id,customer_id,payment_date,currency,amount\n";
constexpr const char* kAllocationsHeader = "invoice_id,payment_id,credit_note_id,amount,date\n";
constexpr const char* kDeliveriesHeader =
    "delivery_id,customer_id,contract_id,invoice_id,delivery_date,received_date\n";

std::string csv(const char* header, std::initializer_list<const char*> rows) {
  std::string text = header;
  for (const char* row : rows) text += std::string(row) + "\n";
  return text;
}

// A small valid ledger: four customers in CNY, USD and JPY; invoices, credit notes, payments,
// and one allocation of 60.00 of invoice I1 (100.00) from payment P1.
Files base_ledger() {
  return {
      {"customers.csv", csv(kCustomersHeader, {"C1,Acme,CNY,30", "C2,Globex,USD,45",
                                               "C3,Tokyo Trading,JPY,30", "C4,Initech,CNY,60"})},
      {"invoices.csv",
       csv(kInvoicesHeader, {"I1,C1,2026-01-10,2026-02-09,CNY,100.00,invoice",
                             "I2,C2,2026-01-15,2026-02-14,USD,250.50,",
                             "I3,C3,2026-01-05,2026-02-04,JPY,5000,invoice",
                             "I5,C1,2026-03-01,2026-03-31,CNY,80.00,invoice",
                             "CN1,C1,2026-01-20,2026-01-20,CNY,10.00,credit_note",
                             "CN2,C4,2026-01-20,2026-01-20,CNY,20.00,credit_note"})},
      {"payments.csv",
       csv(kPaymentsHeader, {"P1,C1,2026-02-01,CNY,200.00", "P2,C2,2026-02-01,USD,100.00",
                             "P3,C3,2026-02-01,JPY,3000", "P4,C4,2026-02-01,CNY,50.00",
                             "P6,C2,2026-02-01,CNY,30.00"})},
      {"allocations.csv", csv(kAllocationsHeader, {"I1,P1,,60.00,2026-02-01"})},
  };
}

std::string describe(const ImportFailure& failure) {
  std::string text = fmt::format("{} error(s):", failure.total_errors);
  for (const auto& error : failure.errors) text += "\n  " + error.to_string();
  return text;
}

std::optional<Invoice> find_invoice(Store& store, const std::string& key) {
  std::optional<Invoice> found;
  store.read_invoices(ReadMode::kFull, [&](const Invoice& d) {
    if (d.external_id == key) found = d;
  });
  return found;
}

std::optional<Customer> find_customer(Store& store, const std::string& key) {
  std::optional<Customer> found;
  store.read_customers([&](const Customer& c) {
    if (c.external_id == key) found = c;
  });
  return found;
}

std::vector<ChangeRecord> changes_of(Store& store, const std::string& entity) {
  std::vector<ChangeRecord> changes;
  store.read_changes([&](const ChangeRecord& r) {
    if (r.entity == entity) changes.push_back(r);
  });
  return changes;
}

std::vector<std::string> wheres_and_fields(const ImportFailure& failure) {
  std::vector<std::string> out;
  for (const auto& e : failure.errors) out.push_back(e.where + " " + e.field);
  return out;
}

class ImporterTest : public ::testing::Test {
 protected:
  //! Writes `files` into a new directory and returns it.
  std::string batch(const Files& files) {
    const auto dir = root_ / fmt::format("batch-{}", ++batches_);
    std::filesystem::create_directories(dir);
    for (const auto& [name, content] : files) write_file(dir / name, content);
    return dir.string();
  }

  tl::expected<ImportSummary, ImportFailure> run(const Files& files, ImportOptions options = {}) {
    options.dir = batch(files);
    return import_ledger(*store_, options);
  }

  ImportSummary import_ok(const Files& files, ImportOptions options = {}) {
    auto result = run(files, std::move(options));
    if (!result) {
      ADD_FAILURE() << "import failed: " << describe(result.error());
      return {};
    }
    return *result;
  }

  ImportFailure import_failing(const Files& files, ImportOptions options = {}) {
    auto result = run(files, std::move(options));
    if (result) {
      ADD_FAILURE() << "import succeeded but should have failed";
      return {};
    }
    return result.error();
  }

  Store& store() { return *store_; }

  TempDir root_{"import"};
  std::unique_ptr<Store> store_ = [this] {
    auto store = Store::open(huikuan::testing::test_db(root_));
    if (!store) throw std::runtime_error(store.error().to_string());
    return std::move(*store);
  }();
  int batches_ = 0;
};

TEST_F(ImporterTest, GivenAValidLedger_WhenImported_ThenEveryRowIsStoredInMinorUnits) {
  const ImportSummary summary = import_ok(base_ledger());

  EXPECT_EQ(summary.customers.added, 4);
  EXPECT_EQ(summary.invoices.added, 6);  // four invoices and two credit notes
  EXPECT_EQ(summary.payments.added, 5);
  EXPECT_EQ(summary.allocations.added, 1);
  EXPECT_THAT(summary.warnings, IsEmpty());

  const StoreDump stored = dump(store());
  EXPECT_EQ(stored.customers.size(), 4u);
  EXPECT_EQ(stored.documents.size(), 6u);
  EXPECT_EQ(stored.payments.size(), 5u);
  EXPECT_EQ(stored.allocations.size(), 1u);
  EXPECT_EQ(stored.ledger_version, 1);

  auto usd = find_invoice(store(), "I2");
  ASSERT_TRUE(usd);
  EXPECT_EQ(usd->amount, 25050);                // 250.50 USD in cents
  EXPECT_EQ(usd->doc_type, DocType::kInvoice);  // empty doc_type means invoice
  EXPECT_EQ(usd->invoice_date.to_string(), "2026-01-15");
  EXPECT_EQ(usd->due_date.to_string(), "2026-02-14");
  EXPECT_EQ(usd->currency.code_view(), "USD");
  EXPECT_EQ(usd->customer_id, find_customer(store(), "C2")->id);

  auto yen = find_invoice(store(), "I3");
  ASSERT_TRUE(yen);
  EXPECT_EQ(yen->amount, 5000);  // JPY has no minor unit

  auto note = find_invoice(store(), "CN1");
  ASSERT_TRUE(note);
  EXPECT_EQ(note->doc_type, DocType::kCreditNote);

  auto customer = find_customer(store(), "C4");
  ASSERT_TRUE(customer);
  EXPECT_EQ(customer->name, "Initech");
  EXPECT_EQ(customer->payment_terms_days, 60);

  std::vector<Allocation> allocations;
  store().read_allocations([&](const Allocation& a) { allocations.push_back(a); });
  ASSERT_EQ(allocations.size(), 1u);
  EXPECT_EQ(allocations[0].invoice_id, find_invoice(store(), "I1")->id);
  EXPECT_EQ(allocations[0].amount, 6000);
  EXPECT_EQ(allocations[0].date.to_string(), "2026-02-01");
}

// ---------------------------------------------------------------------------------------------
// Every rejection: the error names the file, line and column, and nothing of the batch lands —
// not even its valid rows (a renamed and a new customer, and a valid row before the bad one).

struct Rejection {
  const char* name;
  const char* file;
  std::string content;
  const char* where;
  const char* field;
  const char* message;
};

// A valid new invoice, payment and allocation for line 2 of a bad file.
constexpr const char* kNewInvoice = "I9,C1,2026-03-01,2026-03-31,CNY,10.00,invoice";
constexpr const char* kNewPayment = "P9,C1,2026-03-01,CNY,10.00";
constexpr const char* kNewAllocation = "I3,P3,,1000,2026-02-02";
constexpr const char* kNewDelivery = "D9,C1,HT-1,I1,2026-01-08,2026-01-09";

const Rejection kRejections[] = {
    {"MissingRequiredColumn", "invoices.csv",
     "invoice_id,customer_id,invoice_date,due_date,currency,doc_type\n"
     "I9,C1,2026-03-01,2026-03-31,CNY,invoice\n",
     "invoices.csv:1", "amount", "required column missing"},
    {"MissingAllocationColumn", "allocations.csv", "invoice_id,payment_id,amount\nI3,P3,1000\n",
     "allocations.csv:1", "date", "required column missing"},
    {"MissingCustomerName", "customers.csv",
     csv(kCustomersHeader, {"C9,Newcomer,CNY,30", "C10,,,"}), "customers.csv:3", "name",
     "required value missing"},
    {"MissingDueDate", "invoices.csv",
     csv(kInvoicesHeader, {kNewInvoice, "I10,C1,2026-03-01,,CNY,10.00,invoice"}), "invoices.csv:3",
     "due_date", "required value missing"},
    {"MissingPaymentAmount", "payments.csv",
     csv(kPaymentsHeader, {kNewPayment, "P10,C1,2026-03-01,CNY,"}), "payments.csv:3", "amount",
     "required value missing"},
    {"UnknownCustomerOnInvoice", "invoices.csv",
     csv(kInvoicesHeader, {kNewInvoice, "I10,C404,2026-03-01,2026-03-31,CNY,10.00,invoice"}),
     "invoices.csv:3", "customer_id", "unknown customer 'C404'"},
    {"UnknownCustomerOnPayment", "payments.csv",
     csv(kPaymentsHeader, {kNewPayment, "P10,C404,2026-03-01,CNY,10.00"}), "payments.csv:3",
     "customer_id", "unknown customer 'C404'"},
    {"DuplicateCustomerId", "customers.csv",
     csv(kCustomersHeader, {"C9,Newcomer,CNY,30", "C9,Newcomer again,CNY,30"}), "customers.csv:3",
     "customer_id", "duplicate id 'C9' (first on line 2)"},
    {"DuplicateInvoiceId", "invoices.csv",
     csv(kInvoicesHeader, {kNewInvoice, "I9,C1,2026-03-02,2026-04-01,CNY,20.00,invoice"}),
     "invoices.csv:3", "invoice_id", "duplicate id 'I9' (first on line 2)"},
    {"DuplicatePaymentId", "payments.csv",
     csv(kPaymentsHeader, {kNewPayment, "P9,C1,2026-03-02,CNY,20.00"}), "payments.csv:3",
     "payment_id", "duplicate id 'P9' (first on line 2)"},
    {"BadDateFormat", "invoices.csv",
     csv(kInvoicesHeader, {kNewInvoice, "I10,C1,01/03/2026,2026-03-31,CNY,10.00,invoice"}),
     "invoices.csv:3", "invoice_date", "'01/03/2026' is not a date"},
    {"DateThatDoesNotExist", "payments.csv",
     csv(kPaymentsHeader, {kNewPayment, "P10,C1,2026-02-30,CNY,10.00"}), "payments.csv:3",
     "payment_date", "'2026-02-30' is not a date"},
    {"BadAllocationDate", "allocations.csv",
     csv(kAllocationsHeader, {kNewAllocation, "I1,P1,,5.00,2026-13-01"}), "allocations.csv:3",
     "date", "'2026-13-01' is not a date"},
    {"DueDateBeforeInvoiceDate", "invoices.csv",
     csv(kInvoicesHeader, {kNewInvoice, "I10,C1,2026-03-01,2026-02-28,CNY,10.00,invoice"}),
     "invoices.csv:3", "due_date", "2026-02-28 is before the invoice date 2026-03-01"},
    {"ZeroInvoiceAmount", "invoices.csv",
     csv(kInvoicesHeader, {kNewInvoice, "I10,C1,2026-03-01,2026-03-31,CNY,0.00,invoice"}),
     "invoices.csv:3", "amount", "'0.00' is not positive"},
    {"NegativePaymentAmount", "payments.csv",
     csv(kPaymentsHeader, {kNewPayment, "P10,C1,2026-03-01,CNY,-5.00"}), "payments.csv:3", "amount",
     "'-5.00' is not positive"},
    {"ZeroAllocationAmount", "allocations.csv",
     csv(kAllocationsHeader, {kNewAllocation, "I1,P1,,0,2026-02-02"}), "allocations.csv:3",
     "amount", "'0' is not positive"},
    {"MoreDecimalsThanCnyAllows", "invoices.csv",
     csv(kInvoicesHeader, {kNewInvoice, "I10,C1,2026-03-01,2026-03-31,CNY,10.005,invoice"}),
     "invoices.csv:3", "amount", "has more decimals than"},
    {"JpyAllocationWithDecimals", "allocations.csv",
     csv(kAllocationsHeader, {kNewAllocation, "I3,P3,,10.5,2026-02-03"}), "allocations.csv:3",
     "amount", "has more decimals than"},
    {"UnknownCurrency", "invoices.csv",
     csv(kInvoicesHeader, {kNewInvoice, "I10,C1,2026-03-01,2026-03-31,XYZ,10.00,invoice"}),
     "invoices.csv:3", "currency", "unknown currency 'XYZ'"},
    {"UnknownPaymentCurrency", "payments.csv",
     csv(kPaymentsHeader, {kNewPayment, "P10,C1,2026-03-01,RMB,10.00"}), "payments.csv:3",
     "currency", "unknown currency 'RMB'"},
    {"UnknownDocType", "invoices.csv",
     csv(kInvoicesHeader, {kNewInvoice, "I10,C1,2026-03-01,2026-03-31,CNY,10.00,receipt"}),
     "invoices.csv:3", "doc_type", "'receipt' is neither invoice nor credit_note"},
    {"AllocationBetweenCurrencies", "allocations.csv",
     csv(kAllocationsHeader, {kNewAllocation, "I2,P6,,10.00,2026-02-01"}), "allocations.csv:3",
     "payment_id", "is in CNY, invoice 'I2' in USD"},
    {"AllocationBetweenCustomers", "allocations.csv",
     csv(kAllocationsHeader, {kNewAllocation, "I1,P4,,10.00,2026-02-01"}), "allocations.csv:3",
     "payment_id", "belongs to customer 'C4'"},
    {"CreditNoteOfAnotherCustomer", "allocations.csv",
     csv(kAllocationsHeader, {kNewAllocation, "I1,,CN2,5.00,2026-02-01"}), "allocations.csv:3",
     "credit_note_id", "belongs to customer 'C4'"},
    {"AllocationBeforeInvoiceDate", "allocations.csv",
     csv(kAllocationsHeader, {kNewAllocation, "I5,P1,,10.00,2026-02-15"}), "allocations.csv:3",
     "date", "2026-02-15 is before invoice 'I5' dated 2026-03-01"},
    {"AllocationBeforePaymentDate", "allocations.csv",
     csv(kAllocationsHeader, {kNewAllocation, "I1,P1,,10.00,2026-01-15"}), "allocations.csv:3",
     "date", "2026-01-15 is before payment"},
    {"AllocationBeforeCreditNoteDate", "allocations.csv",
     csv(kAllocationsHeader, {kNewAllocation, "I1,,CN1,5.00,2026-01-12"}), "allocations.csv:3",
     "date", "2026-01-12 is before credit note"},
    {"AllocationsExceedInvoiceCountingStoredOnes", "allocations.csv",
     csv(kAllocationsHeader, {kNewAllocation, "I1,P1,,50.00,2026-02-10"}), "allocations.csv:3",
     "amount", "allocations to invoice 'I1' total 110.00, more than its amount 100.00"},
    {"AllocationsExceedPayment", "allocations.csv",
     csv(kAllocationsHeader, {kNewAllocation, "I2,P2,,120.00,2026-02-02"}), "allocations.csv:3",
     "payment_id", "allocations to payment 'P2' total 120.00, more than its amount 100.00"},
    {"AllocationsExceedCreditNote", "allocations.csv",
     csv(kAllocationsHeader, {kNewAllocation, "I1,,CN1,15.00,2026-02-01"}), "allocations.csv:3",
     "credit_note_id", "allocations to credit note 'CN1' total 15.00, more than its amount 10.00"},
    {"AllocationWithBothSources", "allocations.csv",
     csv(kAllocationsHeader, {kNewAllocation, "I1,P1,CN1,5.00,2026-02-01"}), "allocations.csv:3",
     "payment_id", "exactly one of payment_id and credit_note_id"},
    {"AllocationWithoutSource", "allocations.csv",
     csv(kAllocationsHeader, {kNewAllocation, "I1,,,5.00,2026-02-01"}), "allocations.csv:3",
     "payment_id", "exactly one of payment_id and credit_note_id"},
    {"AllocationToUnknownInvoice", "allocations.csv",
     csv(kAllocationsHeader, {kNewAllocation, "I404,P1,,5.00,2026-02-01"}), "allocations.csv:3",
     "invoice_id", "unknown invoice 'I404'"},
    {"AllocationToACreditNote", "allocations.csv",
     csv(kAllocationsHeader, {kNewAllocation, "CN1,P1,,5.00,2026-02-01"}), "allocations.csv:3",
     "invoice_id", "unknown invoice 'CN1'"},
    {"AllocationFromUnknownPayment", "allocations.csv",
     csv(kAllocationsHeader, {kNewAllocation, "I1,P404,,5.00,2026-02-01"}), "allocations.csv:3",
     "payment_id", "unknown payment 'P404'"},
    {"DuplicateAllocation", "allocations.csv",
     csv(kAllocationsHeader, {kNewAllocation, "I3,P3,,500,2026-02-02"}), "allocations.csv:3",
     "invoice_id", "duplicate allocation"},
    {"MissingDeliveryDate", "deliveries.csv", csv(kDeliveriesHeader, {kNewDelivery, "D10,C1,,,,"}),
     "deliveries.csv:3", "delivery_date", "required value missing"},
    {"DeliveryToUnknownCustomer", "deliveries.csv",
     csv(kDeliveriesHeader, {kNewDelivery, "D10,C404,,,2026-01-08,"}), "deliveries.csv:3",
     "customer_id", "unknown customer 'C404'"},
    {"DeliveryBilledByUnknownInvoice", "deliveries.csv",
     csv(kDeliveriesHeader, {kNewDelivery, "D10,C1,,I404,2026-01-08,"}), "deliveries.csv:3",
     "invoice_id", "unknown invoice 'I404'"},
    {"DeliveryBilledByAnotherCustomersInvoice", "deliveries.csv",
     csv(kDeliveriesHeader, {kNewDelivery, "D10,C1,,I2,2026-01-08,"}), "deliveries.csv:3",
     "invoice_id", "invoice 'I2' belongs to customer 'C2', the delivery to customer 'C1'"},
    {"DeliveryBilledByACreditNote", "deliveries.csv",
     csv(kDeliveriesHeader, {kNewDelivery, "D10,C1,,CN1,2026-01-08,"}), "deliveries.csv:3",
     "invoice_id", "'CN1' is a credit note"},
    {"DeliveryReceivedBeforeShipped", "deliveries.csv",
     csv(kDeliveriesHeader, {kNewDelivery, "D10,C1,,I1,2026-01-08,2026-01-07"}), "deliveries.csv:3",
     "received_date", "2026-01-07 is before the delivery date 2026-01-08"},
    {"DuplicateDeliveryId", "deliveries.csv",
     csv(kDeliveriesHeader, {kNewDelivery, "D9,C1,,,2026-01-10,"}), "deliveries.csv:3",
     "delivery_id", "duplicate id 'D9' (first on line 2)"},
};

void PrintTo(const Rejection& rejection, std::ostream* os) {
  *os << rejection.name;
}

class ImportRejectionTest : public ImporterTest, public ::testing::WithParamInterface<Rejection> {};

TEST_P(ImportRejectionTest,
       GivenAStoredLedger_WhenABatchHasOneBadRow_ThenItIsNamedAndNothingLands) {
  const Rejection& rejection = GetParam();
  import_ok(base_ledger());
  const StoreDump before = dump(store());

  Files files{{"customers.csv",
               csv(kCustomersHeader, {"C1,Acme Renamed,CNY,30", "C8,Valid Newcomer,CNY,30"})},
              {"invoices.csv", csv(kInvoicesHeader, {kNewInvoice})},
              {"payments.csv", csv(kPaymentsHeader, {kNewPayment})}};
  std::erase_if(files, [&](const auto& file) { return file.first == rejection.file; });
  files.emplace_back(rejection.file, rejection.content);
  const ImportFailure failure = import_failing(files);

  ASSERT_EQ(failure.total_errors, 1u) << describe(failure);
  ASSERT_EQ(failure.errors.size(), 1u);
  const Error& error = failure.errors[0];
  EXPECT_EQ(error.where, rejection.where);
  EXPECT_EQ(error.field, rejection.field);
  EXPECT_THAT(error.message, HasSubstr(rejection.message));
  EXPECT_EQ(error.to_string(),
            fmt::format("{}: {}: {}", rejection.where, rejection.field, error.message));
  EXPECT_EQ(dump(store()), before);
}

INSTANTIATE_TEST_SUITE_P(EveryRule, ImportRejectionTest, ::testing::ValuesIn(kRejections),
                         [](const auto& info) { return std::string(info.param.name); });

TEST_F(ImporterTest, GivenSixtyOfAHundredAllocated_WhenAnotherFiftyIsImported_ThenRejected) {
  // The stored 60.00 counts: the second file alone (50.00) would fit in the invoice.
  import_ok(base_ledger());
  const StoreDump before = dump(store());

  const ImportFailure failure =
      import_failing({{"allocations.csv", csv(kAllocationsHeader, {"I1,P1,,50.00,2026-03-01"})}});

  ASSERT_EQ(failure.errors.size(), 1u) << describe(failure);
  EXPECT_EQ(failure.errors[0].to_string(),
            "allocations.csv:2: amount: allocations to invoice 'I1' total 110.00, more than its "
            "amount 100.00");
  EXPECT_EQ(dump(store()), before);

  // The remaining 40.00 still fits.
  const ImportSummary summary =
      import_ok({{"allocations.csv", csv(kAllocationsHeader, {"I1,P1,,40.00,2026-03-01"})}});
  EXPECT_EQ(summary.allocations.added, 1);
}

TEST_F(ImporterTest, GivenStoredAllocations_WhenTheInvoiceShrinksBelowThem_ThenRejected) {
  import_ok(base_ledger());
  const StoreDump before = dump(store());

  const ImportFailure failure = import_failing(
      {{"invoices.csv", csv(kInvoicesHeader, {"I1,C1,2026-01-10,2026-02-09,CNY,50.00,invoice"})}});

  ASSERT_EQ(failure.errors.size(), 1u) << describe(failure);
  EXPECT_EQ(failure.errors[0].where, "invoices.csv:2");
  EXPECT_EQ(failure.errors[0].field, "amount");
  EXPECT_THAT(failure.errors[0].message, HasSubstr("total 60.00, more than its amount 50.00"));
  EXPECT_EQ(dump(store()), before);
}

TEST_F(ImporterTest, GivenErrorsInSeveralFiles_WhenImported_ThenAllAreReportedInOneRun) {
  const ImportFailure failure = import_failing({
      {"customers.csv", csv(kCustomersHeader, {"C1,Acme,CNY,30", "C2,,USD,30"})},
      {"invoices.csv", csv(kInvoicesHeader, {"I1,C1,2026-01-10,2026-02-09,CNY,ten,invoice",
                                             "I2,C1,2026-01-10,2026-02-09,CNY,10.00,invoice"})},
      {"payments.csv",
       csv(kPaymentsHeader, {"P1,C1,2026-02-01,CNY,5.00", "P2,C1,2026-02-01,CNY,5.00",
                             "P3,C404,2026-02-01,CNY,5.00"})},
      {"allocations.csv", csv(kAllocationsHeader, {"I404,P1,,1.00,2026-02-01"})},
  });

  EXPECT_EQ(failure.total_errors, 4u);
  EXPECT_EQ(
      wheres_and_fields(failure),
      (std::vector<std::string>{"customers.csv:3 name", "invoices.csv:2 amount",
                                "payments.csv:4 customer_id", "allocations.csv:2 invoice_id"}))
      << describe(failure);
  EXPECT_EQ(dump(store()), StoreDump{});
}

TEST_F(ImporterTest, GivenTheSameFilesTwice_WhenImportedAgain_ThenNothingChanges) {
  import_ok(base_ledger());
  const StoreDump before = dump(store());

  const ImportSummary again = import_ok(base_ledger());

  for (const ImportCounts& counts :
       {again.customers, again.invoices, again.payments, again.allocations}) {
    EXPECT_EQ(counts.added, 0);
    EXPECT_EQ(counts.updated, 0);
  }
  EXPECT_EQ(again.customers.unchanged, 4);
  EXPECT_EQ(again.invoices.unchanged, 6);
  EXPECT_EQ(again.payments.unchanged, 5);
  EXPECT_EQ(again.allocations.unchanged, 1);
  EXPECT_EQ(dump(store()), before);  // same rows, same ledger_version, no new change records
}

TEST_F(ImporterTest, GivenAChangedAmountAndName_WhenReimported_ThenUpdatedAndRecordedWithOldValue) {
  import_ok(base_ledger());
  const int64_t version = store().ledger_version();
  Files changed = base_ledger();
  changed[0].second = csv(kCustomersHeader, {"C1,Acme Holdings,CNY,30", "C2,Globex,USD,45",
                                             "C3,Tokyo Trading,JPY,30", "C4,Initech,CNY,60"});
  changed[1].second = csv(kInvoicesHeader, {"I1,C1,2026-01-10,2026-02-09,CNY,120.00,invoice"});

  ImportOptions options;
  options.actor = "alice";
  const ImportSummary summary = import_ok(changed, options);

  EXPECT_EQ(summary.customers.updated, 1);
  EXPECT_EQ(summary.customers.unchanged, 3);
  EXPECT_EQ(summary.invoices.updated, 1);
  EXPECT_EQ(find_invoice(store(), "I1")->amount, 12000);
  EXPECT_EQ(find_customer(store(), "C1")->name, "Acme Holdings");
  EXPECT_EQ(store().ledger_version(), version + 1);
  // Rows missing from a later file are not deleted.
  EXPECT_TRUE(find_invoice(store(), "I2"));

  const auto invoice_changes = changes_of(store(), "invoice");
  ASSERT_EQ(invoice_changes.size(), 1u);
  EXPECT_EQ(invoice_changes[0].key, "I1");
  EXPECT_EQ(invoice_changes[0].field, "amount");
  EXPECT_EQ(invoice_changes[0].old_value, "100.00");
  EXPECT_EQ(invoice_changes[0].new_value, "120.00");
  EXPECT_EQ(invoice_changes[0].actor, "alice");
  EXPECT_THAT(invoice_changes[0].at, ::testing::MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T.*"));

  const auto customer_changes = changes_of(store(), "customer");
  ASSERT_EQ(customer_changes.size(), 1u);
  EXPECT_EQ(customer_changes[0].key, "C1");
  EXPECT_EQ(customer_changes[0].field, "name");
  EXPECT_EQ(customer_changes[0].old_value, "Acme");
  EXPECT_EQ(customer_changes[0].new_value, "Acme Holdings");
  EXPECT_EQ(customer_changes[0].actor, "alice");
}

TEST_F(ImporterTest, GivenAUtf8Bom_WhenImported_ThenTheFirstColumnIsRecognised) {
  import_ok({{"customers.csv",
              "\xEF\xBB\xBF"
              "customer_id,name\nC1,Acme\n"}});

  auto customer = find_customer(store(), "C1");
  ASSERT_TRUE(customer);
  EXPECT_EQ(customer->name, "Acme");
}

// "华为技术有限公司" encoded in GB18030.
constexpr const char* kHuaweiGb18030 =
    "\xbb\xaa\xce\xaa\xbc\xbc\xca\xf5\xd3\xd0\xcf\xde\xb9\xab\xcb\xbe";

TEST_F(ImporterTest, GivenAGb18030File_WhenImportedAsGb18030_ThenTheNameIsStoredAsUtf8) {
  ImportOptions options;
  options.encoding = "gb18030";
  import_ok({{"customers.csv", fmt::format("customer_id,name\nC1,{}\n", kHuaweiGb18030)}}, options);

  auto customer = find_customer(store(), "C1");
  ASSERT_TRUE(customer);
  EXPECT_EQ(customer->name, "华为技术有限公司");
}

TEST_F(ImporterTest, GivenAGb18030File_WhenImportedAsUtf8_ThenTheLineIsNamedAndGb18030Suggested) {
  const ImportFailure failure = import_failing(
      {{"customers.csv", fmt::format("customer_id,name\nC1,Acme\nC2,{}\n", kHuaweiGb18030)}});

  ASSERT_EQ(failure.errors.size(), 1u) << describe(failure);
  EXPECT_EQ(failure.errors[0].where, "customers.csv:3");
  EXPECT_THAT(failure.errors[0].message, HasSubstr("gb18030"));
  EXPECT_EQ(dump(store()), StoreDump{});
}

TEST_F(ImporterTest, GivenWindowsLineEndings_WhenImported_ThenLastColumnsParse) {
  import_ok({{"customers.csv", "customer_id,name,currency\r\nC1,Acme,CNY\r\n"},
             {"invoices.csv",
              "invoice_id,customer_id,invoice_date,due_date,currency,amount\r\n"
              "I1,C1,2026-01-10,2026-02-09,CNY,100.00\r\n"}});

  EXPECT_EQ(find_invoice(store(), "I1")->amount, 10000);
  EXPECT_EQ(find_customer(store(), "C1")->currency->code_view(), "CNY");
}

TEST_F(ImporterTest, GivenAnUnknownColumn_WhenImported_ThenItIsIgnoredWithAWarning) {
  const ImportSummary summary =
      import_ok({{"customers.csv", "customer_id,fax,name\nC1,+86 10 1234,Acme\n"}});

  EXPECT_THAT(summary.warnings, Contains(HasSubstr("customers.csv:1: fax: unknown column")));
  EXPECT_EQ(find_customer(store(), "C1")->name, "Acme");
}

TEST_F(ImporterTest, GivenQuotedFieldsWithCommasAndQuotes_WhenImported_ThenStoredUnquoted) {
  import_ok({{"customers.csv",
              "customer_id,name,region\n"
              "C1,\"Acme, Inc.\",East\n"
              "C2,\"The \"\"Best\"\" Co\",\"North, West\"\n"},
             {"invoices.csv",
              "invoice_id,customer_id,invoice_date,due_date,currency,amount,reference\n"
              "I1,C2,2026-01-10,2026-02-09,CNY,\"1000.00\",\"PO 7, \"\"urgent\"\"\"\n"}});

  EXPECT_EQ(find_customer(store(), "C1")->name, "Acme, Inc.");
  EXPECT_EQ(find_customer(store(), "C2")->name, "The \"Best\" Co");
  EXPECT_EQ(find_customer(store(), "C2")->region, "North, West");
  auto invoice = find_invoice(store(), "I1");
  ASSERT_TRUE(invoice);
  EXPECT_EQ(invoice->amount, 100000);
  EXPECT_EQ(invoice->reference, "PO 7, \"urgent\"");
}

TEST_F(ImporterTest, GivenCurrencyDigits_WhenAmountsAreImported_ThenJpyHasNoneAndKwdHasThree) {
  const Files customers{{"customers.csv", "customer_id,name\nC1,Acme\n"}};
  import_ok(customers);

  const ImportFailure jpy = import_failing(
      {{"invoices.csv", csv(kInvoicesHeader, {"I1,C1,2026-01-10,2026-02-09,JPY,100.5,invoice"})}});
  ASSERT_EQ(jpy.errors.size(), 1u) << describe(jpy);
  EXPECT_EQ(jpy.errors[0].where, "invoices.csv:2");
  EXPECT_EQ(jpy.errors[0].field, "amount");
  EXPECT_THAT(jpy.errors[0].message, AllOf(HasSubstr("100.5"), HasSubstr("more decimals")));

  import_ok(
      {{"invoices.csv", csv(kInvoicesHeader, {"I2,C1,2026-01-10,2026-02-09,KWD,12.345,invoice"})}});
  EXPECT_EQ(find_invoice(store(), "I2")->amount, 12345);
}

TEST_F(ImporterTest, GivenMoreErrorsThanMaxErrors_WhenImported_ThenListCappedButAllCounted) {
  ImportOptions options;
  options.max_errors = 2;
  const ImportFailure failure =
      import_failing({{"customers.csv", "customer_id,name\nC1,\nC2,\nC3,\nC4,\nC5,\n"}}, options);

  EXPECT_EQ(failure.total_errors, 5u);
  EXPECT_EQ(wheres_and_fields(failure),
            (std::vector<std::string>{"customers.csv:2 name", "customers.csv:3 name"}));
}

TEST_F(ImporterTest, GivenPartialAndRepeatedAllocations_WhenImported_ThenEachIsStored) {
  import_ok(base_ledger());

  const ImportSummary summary =
      import_ok({{"allocations.csv", csv(kAllocationsHeader, {"I1,P1,,60.00,2026-02-01",  // stored
                                                              "I1,,CN1,10.00,2026-02-01",
                                                              "I1,P1,,30.00,2026-03-01"})}});

  EXPECT_EQ(summary.allocations.added, 2);
  EXPECT_EQ(summary.allocations.unchanged, 1);
  EXPECT_EQ(dump(store()).allocations.size(), 3u);
}

TEST_F(ImporterTest, GivenAChangedAllocationAmount_WhenReimported_ThenUpdatedAndRecorded) {
  import_ok(base_ledger());

  const ImportSummary summary =
      import_ok({{"allocations.csv", csv(kAllocationsHeader, {"I1,P1,,75.00,2026-02-01"})}});

  EXPECT_EQ(summary.allocations.updated, 1);
  EXPECT_EQ(summary.allocations.added, 0);
  std::vector<Allocation> allocations;
  store().read_allocations([&](const Allocation& a) { allocations.push_back(a); });
  ASSERT_EQ(allocations.size(), 1u);
  EXPECT_EQ(allocations[0].amount, 7500);
  const auto changes = changes_of(store(), "allocation");
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].field, "amount");
  EXPECT_EQ(changes[0].old_value, "60.00");
  EXPECT_EQ(changes[0].new_value, "75.00");
}

TEST_F(ImporterTest, GivenStoredAllocations_WhenThePaymentShrinksBelowThem_ThenRejected) {
  import_ok(base_ledger());
  const StoreDump before = dump(store());

  const ImportFailure failure =
      import_failing({{"payments.csv", csv(kPaymentsHeader, {"P1,C1,2026-02-01,CNY,50.00"})}});

  ASSERT_EQ(failure.errors.size(), 1u) << describe(failure);
  EXPECT_EQ(failure.errors[0].where, "payments.csv:2");
  EXPECT_EQ(failure.errors[0].field, "amount");
  EXPECT_THAT(failure.errors[0].message, HasSubstr("total 60.00, more than its amount 50.00"));
  EXPECT_EQ(dump(store()), before);
}

TEST_F(ImporterTest, GivenAStoredAllocation_WhenItsPaymentIsRedatedAfterIt_ThenRejected) {
  import_ok(base_ledger());
  const StoreDump before = dump(store());

  const ImportFailure failure =
      import_failing({{"payments.csv", csv(kPaymentsHeader, {"P1,C1,2026-02-05,CNY,200.00"})}});

  ASSERT_EQ(failure.errors.size(), 1u) << describe(failure);
  EXPECT_EQ(failure.errors[0].field, "date");
  EXPECT_THAT(failure.errors[0].message, HasSubstr("2026-02-01 is before payment"));
  EXPECT_EQ(dump(store()), before);
}

TEST_F(ImporterTest, GivenQuotedLineBreaksAndBlankLines_WhenARowIsBad_ThenItsFileLineIsNamed) {
  const ImportFailure failure = import_failing(
      {{"customers.csv", "customer_id,name,region\nC1,\"Acme\nLtd\",East\n\nC2,,West\n"}});

  ASSERT_EQ(failure.errors.size(), 1u) << describe(failure);
  EXPECT_EQ(failure.errors[0].where, "customers.csv:5");
  EXPECT_EQ(failure.errors[0].field, "name");
}

TEST_F(ImporterTest, GivenQuotedLineBreaks_WhenImported_ThenTheyAreKeptInTheValue) {
  import_ok({{"customers.csv", "customer_id,name\nC1,\"Acme\nLtd\"\nC2,Globex\n"}});

  EXPECT_EQ(find_customer(store(), "C1")->name, "Acme\nLtd");
  EXPECT_EQ(find_customer(store(), "C2")->name, "Globex");
}

TEST_F(ImporterTest, GivenGb18030WithBomAndFourByteCharacters_WhenImported_ThenDecoded) {
  ImportOptions options;
  options.encoding = "gb18030";
  // GB18030 BOM, then "深圳" (two bytes each), "😀" (four bytes) and "€".
  import_ok({{"customers.csv",
              "\x84\x31\x95\x33"
              "customer_id,name\n"
              "C1,\xc9\xee\xdb\xda\x94\x39\xfc\x36\xa2\xe3\n"}},
            options);

  auto customer = find_customer(store(), "C1");
  ASSERT_TRUE(customer);
  EXPECT_EQ(customer->name, "深圳😀€");
}

TEST_F(ImporterTest, GivenInvalidGb18030Bytes_WhenImportedAsGb18030_ThenTheLineIsNamed) {
  ImportOptions options;
  options.encoding = "gb18030";
  const ImportFailure failure =
      import_failing({{"customers.csv", "customer_id,name\nC1,Acme\nC2,\x81\x20\n"}}, options);

  ASSERT_EQ(failure.errors.size(), 1u) << describe(failure);
  EXPECT_EQ(failure.errors[0].where, "customers.csv:3");
  EXPECT_THAT(failure.errors[0].message, HasSubstr("GB18030"));
}

TEST_F(ImporterTest, GivenAnEmptyFileOrARepeatedColumn_WhenImported_ThenTheHeaderIsBlamed) {
  const ImportFailure failure =
      import_failing({{"customers.csv", ""}, {"payments.csv", "payment_id,payment_id\nP1,P1\n"}});

  EXPECT_EQ(wheres_and_fields(failure),
            (std::vector<std::string>{"customers.csv:1 ", "payments.csv:1 payment_id",
                                      "payments.csv:1 customer_id", "payments.csv:1 payment_date",
                                      "payments.csv:1 currency", "payments.csv:1 amount"}))
      << describe(failure);
}

TEST_F(ImporterTest, GivenADirectoryWithoutLedgerFiles_WhenImported_ThenFailsSayingWhatIsMissing) {
  const ImportFailure failure = import_failing({{"notes.txt", "hello\n"}});

  ASSERT_EQ(failure.errors.size(), 1u) << describe(failure);
  EXPECT_THAT(failure.errors[0].message, HasSubstr("customers.csv"));
  EXPECT_EQ(dump(store()), StoreDump{});
}

}  // namespace
}  // namespace huikuan

namespace huikuan {
namespace {

TEST_F(ImporterTest,
       GivenAStoredCustomer_WhenAFileWithoutOptionalColumnsIsImported_ThenTheirValuesStay) {
  import_ok({{"customers.csv", "customer_id,name,collector,region\nC1,Acme,王伟,华东\n"}});
  const StoreDump before = dump(store());

  import_ok({{"customers.csv", "customer_id,name\nC1,Acme\n"}});

  auto customer = find_customer(store(), "C1");
  ASSERT_TRUE(customer);
  EXPECT_EQ(customer->collector, "王伟");
  EXPECT_EQ(customer->region, "华东");
  EXPECT_EQ(dump(store()).changes, before.changes);  // nothing changed, nothing recorded
}

TEST_F(ImporterTest, GivenAStoredCustomer_WhenAPresentColumnIsEmpty_ThenTheValueIsCleared) {
  import_ok({{"customers.csv", "customer_id,name,collector\nC1,Acme,王伟\n"}});
  import_ok({{"customers.csv", "customer_id,name,collector\nC1,Acme,\n"}});
  auto customer = find_customer(store(), "C1");
  ASSERT_TRUE(customer);
  EXPECT_EQ(customer->collector, "");
}

}  // namespace
}  // namespace huikuan

namespace huikuan {
namespace {

TEST_F(ImporterTest, GivenContactFlags_WhenImported_ThenStoredAsBooleans) {
  import_ok({{"customers.csv",
              "customer_id,name,do_not_contact,blacklisted,country\n"
              "C1,Acme,yes,false,US\nC2,恶意客户,0,是,CN\nC3,Plain,,,\n"}});
  EXPECT_TRUE(find_customer(store(), "C1")->do_not_contact);
  EXPECT_FALSE(find_customer(store(), "C1")->blacklisted);
  EXPECT_TRUE(find_customer(store(), "C2")->blacklisted);
  EXPECT_FALSE(find_customer(store(), "C3")->do_not_contact);
}

TEST_F(ImporterTest, GivenABadFlagOrCountry_WhenImported_ThenTheCellIsNamed) {
  const ImportFailure failure = import_failing(
      {{"customers.csv",
        "customer_id,name,blacklisted,country\nC1,Acme,maybe,US\nC2,Beta,no,China\n"}});
  ASSERT_EQ(failure.errors.size(), 2u);
  EXPECT_EQ(failure.errors[0].to_string(),
            "customers.csv:2: blacklisted: 'maybe' is not true or false");
  EXPECT_EQ(failure.errors[1].where, "customers.csv:3");
  EXPECT_EQ(failure.errors[1].field, "country");
}

// ---------------------------------------------------------------------------------------------
// Delivery notes: the link contract → delivery → invoice.

Files with_contracts(Files files) {
  for (auto& [name, content] : files) {
    if (name != "invoices.csv") continue;
    content = csv("invoice_id,customer_id,invoice_date,due_date,currency,amount,contract_id\n",
                  {"I1,C1,2026-01-10,2026-02-09,CNY,100.00,HT-1",
                   "I5,C1,2026-03-01,2026-03-31,CNY,80.00,HT-2"});
  }
  return files;
}

std::vector<Delivery> deliveries_in(Store& store) {
  std::vector<Delivery> deliveries;
  store.read_deliveries([&](const Delivery& d) { deliveries.push_back(d); });
  return deliveries;
}

TEST_F(ImporterTest, GivenDeliveryNotes_WhenImported_ThenEachIsLinkedToItsInvoiceOrNone) {
  import_ok(with_contracts(base_ledger()));
  const ImportSummary summary = import_ok(
      {{"deliveries.csv",
        "delivery_id,customer_id,contract_id,invoice_id,delivery_date,received_date,received_by,"
        "reference\n"
        "DN1,C1,HT-1,I1,2026-01-08,2026-01-09,王伟,truck 7\n"
        "DN2,C1,,I1,2026-01-09,,,\n"
        "DN3,C1,HT-2,,2026-06-20,,,\n"}});
  EXPECT_EQ(summary.deliveries.added, 3);

  const std::vector<Delivery> stored = deliveries_in(store());
  ASSERT_EQ(stored.size(), 3u);
  const int64_t i1 = find_invoice(store(), "I1")->id;
  EXPECT_EQ(stored[0].external_id, "DN1");
  EXPECT_EQ(stored[0].invoice_id, i1);
  EXPECT_EQ(stored[0].customer_id, find_customer(store(), "C1")->id);
  EXPECT_EQ(stored[0].contract_id, "HT-1");
  EXPECT_EQ(stored[0].received_date->to_string(), "2026-01-09");
  EXPECT_EQ(stored[0].received_by, "王伟");
  EXPECT_EQ(stored[0].reference, "truck 7");
  EXPECT_EQ(stored[1].invoice_id, i1);  // two deliveries billed by one invoice
  EXPECT_FALSE(stored[1].received_date);
  EXPECT_EQ(stored[2].invoice_id, 0);  // delivered, not invoiced yet
}

TEST_F(ImporterTest, GivenAStoredDelivery_WhenItIsInvoicedAndSignedFor_ThenUpdatedAndRecorded) {
  import_ok(with_contracts(base_ledger()));
  import_ok({{"deliveries.csv", csv(kDeliveriesHeader, {"DN3,C1,HT-2,,2026-02-27,"})}});
  // The same file again changes nothing.
  const StoreDump before = dump(store());
  const ImportSummary again =
      import_ok({{"deliveries.csv", csv(kDeliveriesHeader, {"DN3,C1,HT-2,,2026-02-27,"})}});
  EXPECT_EQ(again.deliveries.unchanged, 1);
  EXPECT_EQ(dump(store()), before);

  ImportOptions as_finance;
  as_finance.actor = "finance.li";
  const ImportSummary invoiced = import_ok(
      {{"deliveries.csv", csv(kDeliveriesHeader, {"DN3,C1,HT-2,I5,2026-02-27,2026-03-02"})}},
      as_finance);
  EXPECT_EQ(invoiced.deliveries.updated, 1);
  EXPECT_EQ(deliveries_in(store())[0].invoice_id, find_invoice(store(), "I5")->id);
  std::vector<std::string> changed;
  for (const ChangeRecord& r : changes_of(store(), "delivery")) {
    EXPECT_EQ(r.key, "DN3");
    EXPECT_EQ(r.actor, "finance.li");
    changed.push_back(fmt::format("{}: '{}' -> '{}'", r.field, r.old_value, r.new_value));
  }
  EXPECT_THAT(changed, ::testing::ElementsAre("invoice_id: '' -> 'I5'",
                                              "received_date: '' -> '2026-03-02'"));
}

TEST_F(ImporterTest, GivenADeliveryUnderAnotherContractThanItsInvoice_WhenImported_ThenRejected) {
  import_ok(with_contracts(base_ledger()));
  const StoreDump before = dump(store());
  const ImportFailure failure =
      import_failing({{"deliveries.csv", csv(kDeliveriesHeader, {"DN1,C1,HT-2,I1,2026-01-08,"})}});
  ASSERT_EQ(failure.errors.size(), 1u) << describe(failure);
  EXPECT_EQ(failure.errors[0].to_string(),
            "deliveries.csv:2: contract_id: 'HT-2' differs from contract 'HT-1' of invoice 'I1'");
  EXPECT_EQ(dump(store()), before);
}

TEST_F(ImporterTest, GivenAStoredDelivery_WhenItsInvoiceMovesToAnotherCustomer_ThenRejected) {
  import_ok(with_contracts(base_ledger()));
  import_ok({{"deliveries.csv", csv(kDeliveriesHeader, {"DN1,C1,HT-1,I1,2026-01-08,"})}});
  const StoreDump before = dump(store());
  const ImportFailure failure = import_failing(
      {{"invoices.csv", csv(kInvoicesHeader, {"I1,C4,2026-01-10,2026-02-09,CNY,100.00,invoice"})},
       {"allocations.csv", csv(kAllocationsHeader, {})}});
  EXPECT_THAT(wheres_and_fields(failure), Contains("deliveries (stored) 'DN1' invoice_id"))
      << describe(failure);
  EXPECT_EQ(dump(store()), before);
}

}  // namespace
}  // namespace huikuan

#include "io/ledger_generator.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "core/currency.h"
#include "core/money.h"

namespace huikuan {
namespace {

namespace fs = std::filesystem;

// A fresh directory under the system temp directory, removed with everything in it.
class TempDir {
 public:
  explicit TempDir(const std::string& name)
      : path_(fs::temp_directory_path() /
              ("huikuan_ledger_generator_" + name + "_" + std::to_string(::getpid()))) {
    fs::remove_all(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// A CSV file as the importer sees it: RFC 4180 quoting, header row first.
struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

CsvTable read_csv(const fs::path& path) {
  const std::string text = read_bytes(path);
  std::vector<std::vector<std::string>> records(1);
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (quoted) {
      if (ch == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (ch == '"') {
        quoted = false;
      } else {
        field += ch;
      }
    } else if (ch == '"') {
      quoted = true;
    } else if (ch == ',') {
      records.back().push_back(std::move(field));
      field.clear();
    } else if (ch == '\n') {
      records.back().push_back(std::move(field));
      field.clear();
      records.emplace_back();
    } else {
      field += ch;
    }
  }
  records.pop_back();  // after the final line break
  CsvTable table;
  table.header = records.front();
  table.rows.assign(records.begin() + 1, records.end());
  return table;
}

int64_t amount_in(const std::string& text, const std::string& currency_code) {
  const Currency currency = Currency::find(currency_code).value();
  return parse_minor_units(text, currency.minor_digits).value();
}

Date date_of(const std::string& text) {
  return Date::parse(text).value();
}

struct CustomerRow {
  std::string name;
  std::string currency;
  std::string language;
  std::string timezone;
};

struct DocumentRow {
  std::string customer;
  std::string currency;
  std::string doc_type;
  Date date;
  Date due;
  int64_t amount = 0;
};

struct AllocationRow {
  std::string invoice;
  std::string payment;
  std::string credit_note;
  int64_t amount = 0;
  Date date;
};

constexpr int64_t kCustomers = 300;

// One generated ledger of 300 customers, read back the way the importer would read it.
class GeneratedLedgerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("suite");
    GeneratorOptions options;
    options.customers = kCustomers;
    options.seed = 7;
    counts_ = generate_ledger(options, dir_->path().string()).value();
    customers_csv_ = read_csv(dir_->path() / "customers.csv");
    invoices_csv_ = read_csv(dir_->path() / "invoices.csv");
    payments_csv_ = read_csv(dir_->path() / "payments.csv");
    allocations_csv_ = read_csv(dir_->path() / "allocations.csv");
    deliveries_csv_ = read_csv(dir_->path() / "deliveries.csv");
    for (const auto& r : customers_csv_.rows) customers_[r[0]] = {r[1], r[2], r[14], r[13]};
    for (const auto& r : invoices_csv_.rows) {
      documents_[r[0]] = {r[1], r[4], r[6], date_of(r[2]), date_of(r[3]), amount_in(r[5], r[4])};
    }
    for (const auto& r : payments_csv_.rows) {
      payments_[r[0]] = {r[1],          r[3],          "payment",
                         date_of(r[2]), date_of(r[2]), amount_in(r[4], r[3])};
    }
    for (const auto& r : allocations_csv_.rows) {
      const std::string& currency = documents_.at(r[0]).currency;
      allocations_.push_back({r[0], r[1], r[2], amount_in(r[3], currency), date_of(r[4])});
    }
  }

  static void TearDownTestSuite() { delete dir_; }

  //! The payment or credit note an allocation draws on.
  static const DocumentRow& source_of(const AllocationRow& a) {
    return a.payment.empty() ? documents_.at(a.credit_note) : payments_.at(a.payment);
  }

  static std::map<std::string, int64_t> applied_to_invoices() {
    std::map<std::string, int64_t> applied;
    for (const AllocationRow& a : allocations_) applied[a.invoice] += a.amount;
    return applied;
  }

  static inline TempDir* dir_ = nullptr;
  static inline GeneratorCounts counts_;
  static inline CsvTable customers_csv_, invoices_csv_, payments_csv_, allocations_csv_,
      deliveries_csv_;
  static inline std::map<std::string, CustomerRow> customers_;
  static inline std::map<std::string, DocumentRow> documents_;  // invoices and credit notes
  static inline std::map<std::string, DocumentRow> payments_;
  static inline std::vector<AllocationRow> allocations_;
};

TEST_F(GeneratedLedgerTest, FilesFollowTheImportContractHeaders) {
  EXPECT_EQ(customers_csv_.header,
            (std::vector<std::string>{"customer_id", "name", "currency", "payment_terms_days",
                                      "credit_limit", "credit_grade", "industry", "region",
                                      "customer_type", "importance", "collector", "email", "phone",
                                      "timezone", "language", "country"}));
  EXPECT_EQ(
      invoices_csv_.header,
      (std::vector<std::string>{"invoice_id", "customer_id", "invoice_date", "due_date", "currency",
                                "amount", "doc_type", "contract_id", "reference"}));
  EXPECT_EQ(payments_csv_.header,
            (std::vector<std::string>{"payment_id", "customer_id", "payment_date", "currency",
                                      "amount", "reference"}));
  EXPECT_EQ(
      allocations_csv_.header,
      (std::vector<std::string>{"invoice_id", "payment_id", "credit_note_id", "amount", "date"}));
  EXPECT_EQ(deliveries_csv_.header,
            (std::vector<std::string>{"delivery_id", "customer_id", "contract_id", "invoice_id",
                                      "delivery_date", "received_date"}));
}

TEST_F(GeneratedLedgerTest, EveryRowHasAllColumnsEvenWhenNamesHoldCommas) {
  EXPECT_TRUE(std::any_of(customers_.begin(), customers_.end(), [](const auto& customer) {
    return customer.second.name.find(',') != std::string::npos;  // "Sakura Steel Co., Ltd."
  }));
  for (const CsvTable* table :
       {&customers_csv_, &invoices_csv_, &payments_csv_, &allocations_csv_, &deliveries_csv_}) {
    for (const auto& row : table->rows) ASSERT_EQ(row.size(), table->header.size());
  }
}

TEST_F(GeneratedLedgerTest, CountsMatchTheRowsWritten) {
  EXPECT_EQ(counts_.customers, kCustomers);
  EXPECT_EQ(static_cast<int64_t>(customers_csv_.rows.size()), counts_.customers);
  EXPECT_EQ(static_cast<int64_t>(invoices_csv_.rows.size()),
            counts_.invoices + counts_.credit_notes);
  EXPECT_EQ(std::count_if(invoices_csv_.rows.begin(), invoices_csv_.rows.end(),
                          [](const auto& r) { return r[6] == "credit_note"; }),
            counts_.credit_notes);
  EXPECT_EQ(static_cast<int64_t>(payments_csv_.rows.size()), counts_.payments);
  EXPECT_EQ(static_cast<int64_t>(allocations_csv_.rows.size()), counts_.allocations);
  EXPECT_EQ(static_cast<int64_t>(deliveries_csv_.rows.size()), counts_.deliveries);
}

TEST_F(GeneratedLedgerTest, EveryInvoiceBillsTheDeliveryNoteItsReferenceNames) {
  std::map<std::string, const std::vector<std::string>*> notes;
  for (const auto& r : deliveries_csv_.rows) notes[r[0]] = &r;
  int64_t invoices = 0;
  for (const auto& invoice : invoices_csv_.rows) {
    if (invoice[6] != "invoice") continue;
    ++invoices;
    const auto note = notes.find(invoice[8]);
    ASSERT_NE(note, notes.end()) << invoice[0] << " names " << invoice[8];
    const auto& d = *note->second;
    EXPECT_EQ(d[1], invoice[1]) << "same customer";
    EXPECT_EQ(d[2], invoice[7]) << "same contract";
    EXPECT_EQ(d[3], invoice[0]) << "billed by the invoice naming it";
    EXPECT_LE(date_of(d[4]), date_of(invoice[2])) << "delivered before it is invoiced";
    if (!d[5].empty()) {
      EXPECT_GT(date_of(d[5]), date_of(d[4])) << "received after shipping";
      EXPECT_LE(date_of(d[5]), kGeneratorDefaultAsOf);
    }
  }
  EXPECT_EQ(invoices, counts_.invoices);
  EXPECT_EQ(static_cast<int64_t>(notes.size()), counts_.invoices);
}

TEST_F(GeneratedLedgerTest, IdsAreUniquePerFile) {
  EXPECT_EQ(customers_.size(), customers_csv_.rows.size());
  EXPECT_EQ(documents_.size(), invoices_csv_.rows.size());
  EXPECT_EQ(payments_.size(), payments_csv_.rows.size());
  EXPECT_EQ(customers_.begin()->first, "C0000001");
  EXPECT_TRUE(documents_.contains("INV00000001"));
  EXPECT_TRUE(documents_.contains("CN00000001"));
  EXPECT_TRUE(payments_.contains("PAY00000001"));
}

TEST_F(GeneratedLedgerTest, AmountsArePositiveWithExactlyTheCurrencysDigits) {
  auto check = [](const std::string& text, const std::string& code) {
    const Currency currency = Currency::find(code).value();
    const int64_t minor = parse_minor_units(text, currency.minor_digits).value();
    EXPECT_GT(minor, 0) << text;
    EXPECT_EQ(format_minor_units(minor, currency.minor_digits), text) << code;
  };
  for (const auto& r : customers_csv_.rows) check(r[4], r[2]);
  for (const auto& r : invoices_csv_.rows) check(r[5], r[4]);
  for (const auto& r : payments_csv_.rows) check(r[4], r[3]);
  for (const auto& r : allocations_csv_.rows) check(r[3], documents_.at(r[0]).currency);
}

TEST_F(GeneratedLedgerTest, DocumentsBelongToKnownCustomersInTheirCurrency) {
  for (const auto& [id, doc] : documents_) {
    ASSERT_TRUE(customers_.contains(doc.customer)) << id;
    EXPECT_EQ(doc.currency, customers_.at(doc.customer).currency) << id;
    EXPECT_TRUE(doc.doc_type == "invoice" || doc.doc_type == "credit_note") << id;
    EXPECT_GE(doc.due, doc.date) << id;
  }
  for (const auto& [id, payment] : payments_) {
    ASSERT_TRUE(customers_.contains(payment.customer)) << id;
    EXPECT_EQ(payment.currency, customers_.at(payment.customer).currency) << id;
  }
}

TEST_F(GeneratedLedgerTest, NothingHappensAfterAsOf) {
  const Date as_of = GeneratorOptions{}.as_of;
  for (const auto& [id, doc] : documents_) EXPECT_LE(doc.date, as_of) << id;
  for (const auto& [id, payment] : payments_) EXPECT_LE(payment.date, as_of) << id;
  for (const AllocationRow& a : allocations_) EXPECT_LE(a.date, as_of) << a.invoice;
}

TEST_F(GeneratedLedgerTest, AllocationsLinkDocumentsOfOneCustomerAndCurrency) {
  std::set<std::tuple<std::string, std::string, Date>> keys;
  for (const AllocationRow& a : allocations_) {
    ASSERT_NE(a.payment.empty(), a.credit_note.empty()) << a.invoice;
    const DocumentRow& invoice = documents_.at(a.invoice);
    EXPECT_EQ(invoice.doc_type, "invoice");
    if (!a.credit_note.empty()) {
      EXPECT_EQ(documents_.at(a.credit_note).doc_type, "credit_note");
    }
    const DocumentRow& source = source_of(a);
    EXPECT_EQ(source.customer, invoice.customer) << a.invoice;
    EXPECT_EQ(source.currency, invoice.currency) << a.invoice;
    EXPECT_GE(a.date, invoice.date) << a.invoice;
    EXPECT_GE(a.date, source.date) << a.invoice;
    EXPECT_GT(a.amount, 0);
    EXPECT_TRUE(keys.insert({a.invoice, a.payment + a.credit_note, a.date}).second) << a.invoice;
  }
}

TEST_F(GeneratedLedgerTest, AllocationsNeverExceedTheDocumentsTheyLink) {
  for (const auto& [invoice, applied] : applied_to_invoices()) {
    EXPECT_LE(applied, documents_.at(invoice).amount) << invoice;
  }
  std::map<std::string, int64_t> drawn;
  for (const AllocationRow& a : allocations_) drawn[a.payment + a.credit_note] += a.amount;
  for (const auto& [source, amount] : drawn) {
    const DocumentRow& document =
        payments_.contains(source) ? payments_.at(source) : documents_.at(source);
    EXPECT_LE(amount, document.amount) << source;
  }
}

TEST_F(GeneratedLedgerTest, OpenItemsFillEveryAgingBucketAsOfToday) {
  const Date as_of = GeneratorOptions{}.as_of;
  const int upper_bounds[] = {0, 30, 60, 90, 180, 365, 1'000'000};  // not due … over 365
  std::vector<int> open_items(std::size(upper_bounds));
  const auto applied = applied_to_invoices();
  for (const auto& [id, doc] : documents_) {
    const auto paid = applied.find(id);
    if (doc.doc_type != "invoice" || (paid != applied.end() && paid->second == doc.amount)) {
      continue;
    }
    const int days_overdue = as_of - doc.due;
    const size_t bucket =
        std::lower_bound(std::begin(upper_bounds), std::end(upper_bounds), days_overdue) -
        std::begin(upper_bounds);
    ++open_items[bucket];
  }
  for (size_t bucket = 0; bucket < open_items.size(); ++bucket) {
    EXPECT_GE(open_items[bucket], 10) << "bucket up to " << upper_bounds[bucket] << " days";
  }
}

TEST_F(GeneratedLedgerTest, LedgerHoldsWhatCashApplicationMeets) {
  std::map<std::string, std::set<std::string>> payments_per_invoice, invoices_per_payment;
  std::map<std::string, int64_t> applied_from_payment;
  int credit_note_allocations = 0;
  for (const AllocationRow& a : allocations_) {
    if (a.payment.empty()) {
      ++credit_note_allocations;
      continue;
    }
    payments_per_invoice[a.invoice].insert(a.payment);
    invoices_per_payment[a.payment].insert(a.invoice);
    applied_from_payment[a.payment] += a.amount;
  }
  auto more_than_one = [](const auto& entry) { return entry.second.size() > 1; };
  EXPECT_TRUE(std::any_of(payments_per_invoice.begin(), payments_per_invoice.end(), more_than_one))
      << "an invoice paid in parts";
  EXPECT_TRUE(std::any_of(invoices_per_payment.begin(), invoices_per_payment.end(), more_than_one))
      << "a payment covering several invoices";
  EXPECT_GT(credit_note_allocations, 0);
  const auto on_account = std::count_if(payments_.begin(), payments_.end(), [&](const auto& p) {
    const auto applied = applied_from_payment.find(p.first);
    return applied == applied_from_payment.end() || applied->second < p.second.amount;
  });
  EXPECT_GT(on_account, 0) << "unapplied cash";
}

TEST_F(GeneratedLedgerTest, CreditNotesAreAFewPercentOfDocuments) {
  const double share = static_cast<double>(counts_.credit_notes) /
                       static_cast<double>(counts_.invoices + counts_.credit_notes);
  EXPECT_GT(share, 0.01);
  EXPECT_LT(share, 0.06);
}

TEST_F(GeneratedLedgerTest, InvoicesPerCustomerFollowTheOption) {
  EXPECT_GT(counts_.invoices, kCustomers * 10 * 8 / 10);
  EXPECT_LT(counts_.invoices, kCustomers * 10 * 12 / 10);
}

TEST_F(GeneratedLedgerTest, CustomersSpanCurrenciesMostlyCny) {
  std::map<std::string, int> per_currency;
  for (const auto& [id, customer] : customers_) ++per_currency[customer.currency];
  EXPECT_GE(per_currency.size(), 4u);
  EXPECT_GT(per_currency["CNY"], kCustomers * 7 / 10);
  EXPECT_LT(per_currency["CNY"], kCustomers * 9 / 10);
}

TEST_F(GeneratedLedgerTest, CnyCustomersHaveChineseNamesAndOthersLatinNames) {
  int chinese = 0;
  int latin = 0;
  for (const auto& [id, customer] : customers_) {
    const bool ascii = std::all_of(customer.name.begin(), customer.name.end(),
                                   [](char ch) { return static_cast<unsigned char>(ch) < 0x80; });
    if (customer.currency == "CNY") {
      EXPECT_TRUE(customer.name.ends_with("有限公司")) << customer.name;
      EXPECT_EQ(customer.language, "zh-CN");
      EXPECT_EQ(customer.timezone, "Asia/Shanghai");
      ++chinese;
    } else {
      EXPECT_TRUE(ascii) << customer.name;
      EXPECT_EQ(customer.language, "en");
      EXPECT_NE(customer.timezone, "Asia/Shanghai");
      ++latin;
    }
  }
  EXPECT_GT(chinese, 0);
  EXPECT_GT(latin, 0);
}

GeneratorOptions small_ledger(uint64_t seed) {
  GeneratorOptions options;
  options.customers = 40;
  options.seed = seed;
  return options;
}

std::vector<std::string> ledger_files(const fs::path& dir) {
  std::vector<std::string> files;
  for (const char* name : {"customers.csv", "invoices.csv", "payments.csv", "allocations.csv"}) {
    files.push_back(read_bytes(dir / name));
  }
  return files;
}

TEST(LedgerGenerator, SameSeedWritesIdenticalFiles) {
  TempDir first("same_a"), second("same_b");
  ASSERT_TRUE(generate_ledger(small_ledger(42), first.path().string()));
  ASSERT_TRUE(generate_ledger(small_ledger(42), second.path().string()));
  EXPECT_EQ(ledger_files(first.path()), ledger_files(second.path()));
}

TEST(LedgerGenerator, DifferentSeedWritesDifferentFiles) {
  TempDir first("seed_a"), second("seed_b");
  ASSERT_TRUE(generate_ledger(small_ledger(42), first.path().string()));
  ASSERT_TRUE(generate_ledger(small_ledger(43), second.path().string()));
  const auto a = ledger_files(first.path());
  const auto b = ledger_files(second.path());
  for (size_t file = 0; file < a.size(); ++file) EXPECT_NE(a[file], b[file]);
}

TEST(LedgerGenerator, WithoutDeliveriesTheOtherFilesAreTheSame) {
  TempDir with("deliveries_on"), without("deliveries_off");
  GeneratorOptions options = small_ledger(42);
  ASSERT_TRUE(generate_ledger(options, with.path().string()));
  options.deliveries = false;
  ASSERT_TRUE(generate_ledger(options, without.path().string()));
  EXPECT_TRUE(fs::exists(with.path() / "deliveries.csv"));
  EXPECT_FALSE(fs::exists(without.path() / "deliveries.csv"));
  EXPECT_EQ(ledger_files(with.path()), ledger_files(without.path()));
}

TEST(LedgerGenerator, NoCustomersWritesHeadersOnly) {
  TempDir dir("empty");
  GeneratorOptions options;
  options.customers = 0;
  const auto counts = generate_ledger(options, dir.path().string());
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->invoices, 0);
  EXPECT_EQ(read_bytes(dir.path() / "allocations.csv"),
            "invoice_id,payment_id,credit_note_id,amount,date\n");
}

TEST(LedgerGenerator, FailsNamingTheDirectoryItCannotCreate) {
  TempDir dir("blocked");
  fs::create_directories(dir.path());
  const fs::path file = dir.path() / "a_file";
  std::ofstream(file) << "not a directory";
  const std::string target = (file / "ledger").string();
  const auto counts = generate_ledger(small_ledger(1), target);
  ASSERT_FALSE(counts);
  EXPECT_NE(counts.error().message.find(target), std::string::npos) << counts.error().message;
}

TEST(LedgerGenerator, FailsNamingTheFileItCannotWrite) {
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "needs /dev/full";
  TempDir dir("full");
  fs::create_directories(dir.path());
  const fs::path payments = dir.path() / "payments.csv";
  fs::create_symlink("/dev/full", payments);
  const auto counts = generate_ledger(small_ledger(1), dir.path().string());
  ASSERT_FALSE(counts);
  EXPECT_NE(counts.error().message.find(payments.string()), std::string::npos)
      << counts.error().message;
}

TEST(LedgerGenerator, RejectsANegativeCustomerCount) {
  TempDir dir("negative");
  GeneratorOptions options;
  options.customers = -1;
  const auto counts = generate_ledger(options, dir.path().string());
  ASSERT_FALSE(counts);
  EXPECT_EQ(counts.error().field, "customers");
}

}  // namespace
}  // namespace huikuan

// Property: for random valid ledgers imported through the CSV importer, the aging engine's
// per-customer rows as of any date equal a plain SQL computation over the same SQLite file.
//
// Semantics as of D: documents dated after D do not exist, allocations dated after D have not
// happened; open = amount - allocations dated <= D, bucketed by days overdue = D - due date;
// unapplied = payments and credit notes dated <= D minus their allocations dated <= D;
// net = open - unapplied; all-zero rows are omitted.

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>

#include <array>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "engine/aging.h"
#include "service/import_fixture.h"
#include "service/importer.h"
#include "service/snapshot_loader.h"

namespace huikuan {
namespace {

using testing::TempDir;
using testing::write_file;

constexpr size_t kBuckets = 7;  // not_due, 1-30, 31-60, 61-90, 91-180, 181-365, over_365

struct Expected {
  std::array<int64_t, kBuckets> buckets{};
  int64_t unapplied = 0;
  int64_t open() const {
    int64_t sum = 0;
    for (int64_t b : buckets) sum += b;
    return sum;
  }
  bool all_zero() const { return unapplied == 0 && buckets == std::array<int64_t, kBuckets>{}; }
};

// (customer external id, currency code) -> expected row.
using ExpectedRows = std::map<std::pair<std::string, std::string>, Expected>;

Date day(const char* iso) {
  return *Date::parse(iso);
}

std::string amount_text(int64_t minor, int digits) {
  if (digits == 0) return std::to_string(minor);
  return fmt::format("{}.{:02}", minor / 100, minor % 100);
}

// A random ledger that respects every import rule, written as the four CSV files.
class RandomLedger {
 public:
  RandomLedger(uint64_t seed, int min_customers, int max_customers)
      : random_(seed), min_customers_(min_customers), max_customers_(max_customers) {}

  void write(const std::filesystem::path& dir) {
    const char* currencies[] = {"CNY", "JPY", "USD"};
    const Date start = day("2025-01-01");
    std::string customers = "customer_id,name,region\n";
    std::string invoices =
        "invoice_id,customer_id,invoice_date,due_date,currency,amount,doc_type\n";
    std::string payments = "payment_id,customer_id,payment_date,currency,amount\n";
    std::string allocations = "invoice_id,payment_id,credit_note_id,amount,date\n";

    struct Source {
      std::string id;
      bool is_note;
      std::string customer, currency;
      Date date;
      int64_t remaining;
    };
    struct Doc {
      std::string id, customer, currency;
      Date date;
      int64_t remaining;
    };
    std::vector<Source> sources;
    std::vector<Doc> docs;

    const int customer_count = uniform(min_customers_, max_customers_);
    for (int c = 1; c <= customer_count; ++c) {
      const std::string customer = fmt::format("C{:04}", c);
      customers += fmt::format("{},Customer {},R{}\n", customer, c, c % 3);
      const int invoice_count = uniform(0, 9);
      const int payment_count = uniform(0, 4);
      const int note_count = uniform(0, 2);
      for (int k = 0; k < invoice_count + note_count + payment_count; ++k) {
        const std::string currency = currencies[uniform(0, 2)];
        const int digits = currency == "JPY" ? 0 : 2;
        const Date date = start + uniform(0, 540);
        const int64_t amount = uniform(1, 3) == 1 ? uniform(1, 500) : uniform(1, 2'000'000);
        if (k < invoice_count) {
          const std::string id = fmt::format("INV-{}-{}", c, k);
          const Date due = date + (uniform(1, 5) == 1 ? 0 : uniform(0, 120));
          invoices += fmt::format("{},{},{},{},{},{},invoice\n", id, customer, date.to_string(),
                                  due.to_string(), currency, amount_text(amount, digits));
          docs.push_back({id, customer, currency, date, amount});
        } else if (k < invoice_count + note_count) {
          const std::string id = fmt::format("CN-{}-{}", c, k);
          invoices += fmt::format("{},{},{},{},{},{},credit_note\n", id, customer, date.to_string(),
                                  date.to_string(), currency, amount_text(amount, digits));
          sources.push_back({id, true, customer, currency, date, amount});
        } else {
          const std::string id = fmt::format("PAY-{}-{}", c, k);
          payments += fmt::format("{},{},{},{},{}\n", id, customer, date.to_string(), currency,
                                  amount_text(amount, digits));
          sources.push_back({id, false, customer, currency, date, amount});
        }
      }
    }

    // Partial and multiple allocations per invoice, some fully settling it, some dated late.
    std::map<std::pair<std::string, std::string>, std::vector<size_t>> sources_of;
    for (size_t k = 0; k < sources.size(); ++k) {
      sources_of[{sources[k].customer, sources[k].currency}].push_back(k);
    }
    std::set<std::tuple<std::string, std::string, int32_t>> keys;
    for (Doc& doc : docs) {
      const int tries = uniform(0, 3);
      for (int t = 0; t < tries && doc.remaining > 0; ++t) {
        std::vector<Source*> fitting;
        for (size_t k : sources_of[{doc.customer, doc.currency}]) {
          if (sources[k].remaining > 0) fitting.push_back(&sources[k]);
        }
        if (fitting.empty()) break;
        Source& source = *fitting[static_cast<size_t>(uniform(0, int(fitting.size()) - 1))];
        const int64_t most = std::min(doc.remaining, source.remaining);
        const int64_t amount = uniform(1, 3) == 1 ? most : uniform64(1, most);
        const Date date = std::max(doc.date, source.date) + uniform(0, 200);
        if (!keys.emplace(doc.id, source.id, date.days()).second) continue;
        doc.remaining -= amount;
        source.remaining -= amount;
        allocations +=
            fmt::format("{},{},{},{},{}\n", doc.id, source.is_note ? "" : source.id,
                        source.is_note ? source.id : "",
                        amount_text(amount, doc.currency == "JPY" ? 0 : 2), date.to_string());
      }
    }
    write_file(dir / "customers.csv", customers);
    write_file(dir / "invoices.csv", invoices);
    write_file(dir / "payments.csv", payments);
    write_file(dir / "allocations.csv", allocations);
  }

  //! Random as-of dates: anywhere from before the first document to after the last
  //! allocation, and some exactly on or next to bucket boundaries of a due date.
  std::vector<Date> as_of_dates(SQLite::Database& db) {
    std::vector<Date> dates;
    for (int k = 0; k < 3; ++k) dates.push_back(day("2024-12-01") + uniform(0, 1000));
    SQLite::Statement dues(db, "SELECT due_date FROM invoices ORDER BY id");
    std::vector<Date> due_dates;
    while (dues.executeStep()) due_dates.push_back(day(dues.getColumn(0).getText()));
    const int offsets[] = {0, 1, 30, 31, 60, 61, 90, 91, 180, 181, 365, 366};
    for (int k = 0; k < 3 && !due_dates.empty(); ++k) {
      const Date due = due_dates[static_cast<size_t>(uniform(0, int(due_dates.size()) - 1))];
      dates.push_back(due + offsets[uniform(0, 11)]);
    }
    return dates;
  }

 private:
  int64_t uniform64(int64_t low, int64_t high) {
    return std::uniform_int_distribution<int64_t>(low, high)(random_);
  }
  int uniform(int low, int high) { return std::uniform_int_distribution<int>(low, high)(random_); }

  std::mt19937_64 random_;
  int min_customers_, max_customers_;
};

// The aging as of `d`, computed with plain SQL over the stored rows. Bucket membership compares
// the due date with boundary dates computed here: days overdue n = d - due, so
// lo <= n <= hi  <=>  d - hi <= due <= d - lo.
ExpectedRows sql_aging(SQLite::Database& db, Date d) {
  ExpectedRows rows;
  const std::string as_of = d.to_string();
  struct Range {
    int lo, hi;  // days overdue, inclusive
  };
  const Range ranges[kBuckets] = {{-1'000'000, 0}, {1, 30},    {31, 60},        {61, 90},
                                  {91, 180},       {181, 365}, {366, 1'000'000}};
  std::string buckets;
  for (size_t b = 0; b < kBuckets; ++b) {
    buckets += fmt::format(
        ", SUM(CASE WHEN i.due_date BETWEEN :first_due_{0} AND :last_due_{0}"
        " THEN i.amount - COALESCE(a.allocated, 0) ELSE 0 END)",
        b);
  }
  SQLite::Statement open(db, "SELECT c.external_id, i.currency" + buckets +
                                 " FROM invoices i"
                                 " JOIN customers c ON c.id = i.customer_id"
                                 " LEFT JOIN (SELECT invoice_id, SUM(amount) AS allocated"
                                 "            FROM allocations WHERE allocation_date <= :d"
                                 "            GROUP BY invoice_id) a ON a.invoice_id = i.id"
                                 " WHERE i.doc_type = 'invoice' AND i.invoice_date <= :d"
                                 " GROUP BY c.external_id, i.currency");
  open.bind(":d", as_of);
  for (size_t b = 0; b < kBuckets; ++b) {
    // Clamp the open-ended buckets to dates the schema can hold.
    const Date first_due = ranges[b].hi >= 1'000'000 ? day("0001-01-01") : d - ranges[b].hi;
    const Date last_due = ranges[b].lo <= -1'000'000 ? day("9999-12-31") : d - ranges[b].lo;
    open.bind(fmt::format(":first_due_{}", b), first_due.to_string());
    open.bind(fmt::format(":last_due_{}", b), last_due.to_string());
  }
  while (open.executeStep()) {
    Expected& row = rows[{open.getColumn(0).getString(), open.getColumn(1).getString()}];
    for (size_t b = 0; b < kBuckets; ++b) {
      row.buckets[b] = open.getColumn(static_cast<int>(b + 2)).getInt64();
    }
  }
  SQLite::Statement unapplied(
      db,
      "SELECT c.external_id, x.currency, SUM(x.amount) FROM ("
      "   SELECT customer_id, currency, amount FROM payments WHERE payment_date <= :d"
      "   UNION ALL"
      "   SELECT customer_id, currency, amount FROM invoices"
      "    WHERE doc_type = 'credit_note' AND invoice_date <= :d"
      "   UNION ALL"
      "   SELECT p.customer_id, p.currency, -a.amount"
      "    FROM allocations a JOIN payments p ON p.id = a.payment_id"
      "    WHERE a.allocation_date <= :d"
      "   UNION ALL"
      "   SELECT n.customer_id, n.currency, -a.amount"
      "    FROM allocations a JOIN invoices n ON n.id = a.credit_note_id"
      "    WHERE a.allocation_date <= :d"
      " ) x JOIN customers c ON c.id = x.customer_id"
      " GROUP BY c.external_id, x.currency");
  unapplied.bind(":d", as_of);
  while (unapplied.executeStep()) {
    rows[{unapplied.getColumn(0).getString(), unapplied.getColumn(1).getString()}].unapplied +=
        unapplied.getColumn(2).getInt64();
  }
  std::erase_if(rows, [](const auto& row) { return row.second.all_zero(); });
  return rows;
}

std::string describe(const std::vector<int64_t>& buckets, int64_t open, int64_t unapplied,
                     int64_t net) {
  return fmt::format("buckets [{}] open {} unapplied {} net {}", fmt::join(buckets, ", "), open,
                     unapplied, net);
}

struct Coverage {
  int rows = 0, nonzero_unapplied = 0, overdue = 0;
};

// Every engine row equals the SQL row for its customer and currency, no SQL row is missing, and
// each section's totals add up its rows.
void expect_matches_sql(const AgingReport& report, const ExpectedRows& expected,
                        Coverage& coverage) {
  ASSERT_EQ(report.bucket_labels.size(), kBuckets);
  ExpectedRows seen;
  for (const AgingSection& section : report.sections) {
    const std::string currency(section.currency.code_view());
    std::vector<int64_t> total(kBuckets, 0);
    int64_t total_unapplied = 0;
    for (const AgingRow& row : section.rows) {
      SCOPED_TRACE(fmt::format("customer {} {}", row.key, currency));
      auto want = expected.find({row.key, currency});
      ASSERT_NE(want, expected.end())
          << "engine row not in SQL: " << describe(row.buckets, row.open, row.unapplied, row.net);
      const Expected& e = want->second;
      const std::vector<int64_t> want_buckets(e.buckets.begin(), e.buckets.end());
      EXPECT_EQ(describe(row.buckets, row.open, row.unapplied, row.net),
                describe(want_buckets, e.open(), e.unapplied, e.open() - e.unapplied));
      EXPECT_EQ(row.label, "Customer " + std::to_string(std::stoi(row.key.substr(1))));
      EXPECT_TRUE(seen.emplace(want->first, e).second) << "row appears twice";
      for (size_t b = 0; b < kBuckets; ++b) total[b] += row.buckets[b];
      total_unapplied += row.unapplied;
      ++coverage.rows;
      if (row.unapplied != 0) ++coverage.nonzero_unapplied;
      if (row.open != row.buckets[0]) ++coverage.overdue;
    }
    EXPECT_EQ(section.totals.buckets, total) << currency << " totals";
    EXPECT_EQ(section.totals.unapplied, total_unapplied) << currency << " totals";
  }
  for (const auto& [key, e] : expected) {
    EXPECT_TRUE(seen.contains(key))
        << "SQL row missing from the engine: customer " << key.first << " " << key.second;
  }
}

// A random ledger imported through the CSV importer into a fresh SQLite file.
struct ImportedLedger {
  TempDir dir{"aging-property"};
  RandomLedger ledger;
  std::string db_path = (dir / "ledger.db").string();  // the SQL oracle is SQLite
  std::shared_ptr<const Snapshot> snapshot;

  ImportedLedger(uint64_t seed, int min_customers, int max_customers)
      : ledger(seed, min_customers, max_customers) {}

  void import() {
    ledger.write(dir / "csv");
    auto store = Store::open(db_path);
    ASSERT_TRUE(store) << store.error().to_string();
    ImportOptions options;
    options.dir = (dir / "csv").string();
    auto imported = import_ledger(**store, options);
    ASSERT_TRUE(imported) << (imported.error().errors.empty()
                                  ? std::string("?")
                                  : imported.error().errors[0].to_string());
    auto loaded = load_snapshot(**store);
    ASSERT_TRUE(loaded) << loaded.error().to_string();
    snapshot = *loaded;
  }
};

TEST(AgingSqlPropertyTest, GivenRandomImportedLedgers_WhenAgedByCustomer_ThenEveryRowMatchesSql) {
  Coverage coverage;
  for (uint64_t seed = 1; seed <= 30; ++seed) {
    SCOPED_TRACE(fmt::format("seed {}", seed));
    ImportedLedger imported(seed, 2, 8);
    ASSERT_NO_FATAL_FAILURE(imported.import());
    SQLite::Database db(imported.db_path, SQLite::OPEN_READONLY);

    for (const Date as_of : imported.ledger.as_of_dates(db)) {
      SCOPED_TRACE(fmt::format("as of {}", as_of.to_string()));
      auto report = age(*imported.snapshot, as_of, AgingBuckets{}, AgingGroup::kCustomer);
      ASSERT_TRUE(report) << report.error().to_string();
      expect_matches_sql(*report, sql_aging(db, as_of), coverage);
    }
  }
  // The generated ledgers must exercise what the property is about.
  EXPECT_GT(coverage.rows, 1000);
  EXPECT_GT(coverage.nonzero_unapplied, 300);
  EXPECT_GT(coverage.overdue, 300);
}

TEST(AgingSqlPropertyTest, GivenALedgerLargeEnoughToSplit_WhenAgedOnFourThreads_ThenRowsMatchSql) {
  // Aging splits customers across threads only with more than 1024 customers per thread.
  ImportedLedger imported(2026, 4500, 4500);
  ASSERT_NO_FATAL_FAILURE(imported.import());
  SQLite::Database db(imported.db_path, SQLite::OPEN_READONLY);

  Coverage coverage;
  for (const Date as_of : imported.ledger.as_of_dates(db)) {
    SCOPED_TRACE(fmt::format("as of {}", as_of.to_string()));
    auto report = age(*imported.snapshot, as_of, AgingBuckets{}, AgingGroup::kCustomer, 4);
    ASSERT_TRUE(report) << report.error().to_string();
    expect_matches_sql(*report, sql_aging(db, as_of), coverage);
  }
  EXPECT_GT(coverage.rows, 4000);
}

}  // namespace
}  // namespace huikuan

#include "service/importer.h"

#include <absl/container/flat_hash_map.h>
#include <absl/strings/string_view.h>
#include <fmt/chrono.h>
#include <fmt/format.h>

#include <charconv>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>
#include <unordered_map>

#include "core/personal_data.h"
#include "io/csv_reader.h"
#include "io/text_encoding.h"

namespace huikuan {
namespace {

namespace fs = std::filesystem;

enum class RowState : uint8_t { kStored, kAdded, kUpdated };

// Rows handed to the background inserter at a time: large enough to amortise the hand-over.
constexpr size_t kInsertBatch = 65536;

// Rows of one entity: those already stored and those this import adds or changes, by key.
// Allocations have no id in the source system: they are known by what they link and when.
struct AllocationKey {
  int64_t invoice_id, payment_id, credit_note_id;
  int32_t date;
  bool operator==(const AllocationKey&) const = default;
  template <class H>
  friend H AbslHashValue(H h, const AllocationKey& k) {
    return H::combine(std::move(h), k.invoice_id, k.payment_id, k.credit_note_id, k.date);
  }
};

AllocationKey allocation_key(const Allocation& a) {
  return {a.invoice_id, a.payment_id, a.credit_note_id, a.date.days()};
}

// Rows of one entity: those already stored and those this import adds or changes, by key.
template <class Row, class Key = std::string>
struct Table {
  std::vector<Row> rows;
  std::vector<RowState> state;
  std::vector<uint32_t> line;  // line in this import's file; 0 for rows the file does not name
  absl::flat_hash_map<Key, uint32_t> by_key;
  std::vector<uint32_t> by_id;  // store id -> position + 1, 0 where no row has the id
  int64_t next_id = 1;
  size_t submitted = 0;  // rows before this position are stored or handed to the inserter

  void reserve(size_t more) {
    rows.reserve(rows.size() + more);
    state.reserve(rows.size() + more);
    line.reserve(rows.size() + more);
    by_key.reserve(rows.size() + more);
  }
  //! Appends a row and indexes it; returns its position.
  uint32_t append(Row row, Key key, RowState row_state, uint32_t row_line) {
    const auto position = static_cast<uint32_t>(rows.size());
    next_id = std::max(next_id, row.id + 1);
    const auto id = static_cast<size_t>(row.id);
    if (by_id.size() <= id) by_id.resize(std::max(id + 1, by_id.size() * 2), 0);
    by_id[id] = position + 1;
    by_key.emplace(std::move(key), position);
    rows.push_back(std::move(row));
    state.push_back(row_state);
    line.push_back(row_line);
    return position;
  }
  //! By key; external ids are looked up as views, without building a string.
  template <class K>
  const Row* find(const K& key) const requires(!std::is_integral_v<K>) {
    auto it = by_key.end();
    if constexpr (std::is_same_v<K, std::string_view>) {
      it =
          by_key.find(absl::string_view(key.data(), key.size()));  // Debian's absl has its own view
    } else {
      it = by_key.find(key);
    }
    return it == by_key.end() ? nullptr : &rows[it->second];
  }
  //! Position of the row with store id `id`; the id must exist.
  size_t position_of(int64_t id) const { return by_id[static_cast<size_t>(id)] - 1; }
  const Row* find(int64_t id) const {
    const auto k = static_cast<size_t>(id);
    return k < by_id.size() && by_id[k] ? &rows[by_id[k] - 1] : nullptr;
  }
};

using Fields = std::vector<std::pair<const char*, std::string>>;

std::string optional_text(const auto& value) {
  if (!value) return "";
  if constexpr (std::is_same_v<std::decay_t<decltype(*value)>, Currency>) {
    return std::string(value->code_view());
  } else {
    return std::to_string(*value);
  }
}

std::string doc_type_text(DocType type) {
  return type == DocType::kCreditNote ? "credit_note" : "invoice";
}

// The user-visible value of every field, for change records. Amounts are in minor units
// formatted with the currency's digits, as in the files.
Fields fields_of(const Customer& c) {
  const int digits = c.currency ? c.currency->minor_digits : 2;
  return {{"name", c.name},
          {"currency", optional_text(c.currency)},
          {"payment_terms_days", optional_text(c.payment_terms_days)},
          {"credit_limit", c.credit_limit ? format_minor_units(*c.credit_limit, digits) : ""},
          {"credit_grade", c.credit_grade},
          {"industry", c.industry},
          {"region", c.region},
          {"customer_type", c.customer_type},
          {"importance", c.importance},
          {"collector", c.collector},
          {"email", c.email},
          {"phone", c.phone},
          {"timezone", c.timezone},
          {"language", c.language},
          {"country", c.country},
          {"do_not_contact", c.do_not_contact ? "true" : "false"},
          {"blacklisted", c.blacklisted ? "true" : "false"}};
}

// A field's value as the change log keeps it: contact details are personal data, masked.
std::string logged_value(std::string_view field, const std::string& value) {
  return is_personal_field(field) ? mask_personal_data(value) : value;
}

template <class Row, class Key>
std::string external_id(const Table<Row, Key>& table, int64_t id) {
  const Row* row = table.find(id);
  return row ? row->external_id : std::to_string(id);
}

Fields fields_of(const Invoice& d, const Table<Customer>& customers) {
  return {{"customer_id", external_id(customers, d.customer_id)},
          {"doc_type", doc_type_text(d.doc_type)},
          {"invoice_date", d.invoice_date.to_string()},
          {"due_date", d.due_date.to_string()},
          {"currency", std::string(d.currency.code_view())},
          {"amount", format_minor_units(d.amount, d.currency.minor_digits)},
          {"contract_id", d.contract_id},
          {"reference", d.reference}};
}

Fields fields_of(const Payment& p, const Table<Customer>& customers) {
  return {{"customer_id", external_id(customers, p.customer_id)},
          {"payment_date", p.payment_date.to_string()},
          {"currency", std::string(p.currency.code_view())},
          {"amount", format_minor_units(p.amount, p.currency.minor_digits)},
          {"reference", p.reference}};
}

Fields fields_of(const Delivery& d, const Table<Customer>& customers,
                 const Table<Invoice>& documents) {
  return {{"customer_id", external_id(customers, d.customer_id)},
          {"contract_id", d.contract_id},
          {"invoice_id", d.invoice_id ? external_id(documents, d.invoice_id) : ""},
          {"delivery_date", d.delivery_date.to_string()},
          {"received_date", d.received_date ? d.received_date->to_string() : ""},
          {"received_by", d.received_by},
          {"reference", d.reference}};
}

std::string utc_now() {
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}",
                     std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
}

// One CSV file's header: where each known column is, which are required.
// A handful of columns: a linear search beats hashing a temporary string per field.
struct Header {
  std::vector<std::pair<std::string, size_t>> columns;

  std::optional<size_t> find(std::string_view name) const {
    for (const auto& [column, index] : columns) {
      if (column == name) return index;
    }
    return std::nullopt;
  }
  bool add(std::string name, size_t index) {
    if (find(name)) return false;
    columns.emplace_back(std::move(name), index);
    return true;
  }
};

void insert(Store& store, std::span<const Customer> rows) {
  store.insert_customers(rows);
}
void insert(Store& store, std::span<const Invoice> rows) {
  store.insert_invoices(rows);
}
void insert(Store& store, std::span<const Payment> rows) {
  store.insert_payments(rows);
}
void insert(Store& store, std::span<const Allocation> rows) {
  store.insert_allocations(rows);
}
void insert(Store& store, std::span<const Delivery> rows) {
  store.insert_deliveries(rows);
}

// Inserts new rows on a second thread while the files are still being parsed, so parsing and
// SQLite's B-tree work overlap. The rows go into the import's own transaction: a failed import
// still rolls all of them back. While jobs run, only this thread uses the store.
class BackgroundInserter {
 public:
  explicit BackgroundInserter(Store& store) : store_(store), thread_([this] { work(); }) {}
  ~BackgroundInserter() {
    {
      std::lock_guard lock(mutex_);
      jobs_.clear();
      stopping_ = true;
    }
    changed_.notify_all();
    thread_.join();
  }
  BackgroundInserter(const BackgroundInserter&) = delete;
  BackgroundInserter& operator=(const BackgroundInserter&) = delete;

  void submit(std::function<void(Store&)> job) {
    {
      std::lock_guard lock(mutex_);
      jobs_.push_back(std::move(job));
    }
    changed_.notify_all();
  }
  //! Waits until every submitted job has run; rethrows the first exception a job threw.
  void drain() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return (jobs_.empty() && !busy_) || failure_; });
    if (failure_) std::rethrow_exception(failure_);
  }

 private:
  void work() {
    std::unique_lock lock(mutex_);
    while (true) {
      changed_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
      if (stopping_) return;
      auto job = std::move(jobs_.front());
      jobs_.pop_front();
      busy_ = true;
      lock.unlock();
      try {
        job(store_);
      } catch (...) {
        lock.lock();
        failure_ = std::current_exception();
        jobs_.clear();
        busy_ = false;
        changed_.notify_all();
        continue;
      }
      lock.lock();
      busy_ = false;
      changed_.notify_all();
    }
  }

  Store& store_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::function<void(Store&)>> jobs_;
  bool busy_ = false;
  bool stopping_ = false;
  std::exception_ptr failure_;
  std::thread thread_;  // last: starts after the members it uses
};

class Importer {
 public:
  Importer(Store& store, const ImportOptions& options) : store_(store), options_(options) {}

  tl::expected<ImportSummary, ImportFailure> run();

 private:
  // Reads one field of the current row, recording an error if it is bad.
  class Row {
   public:
    Row(Importer& importer, const std::string& file, size_t line, const Header& header,
        const std::vector<std::string_view>& fields)
        : importer_(importer), file_(file), line_(line), header_(header), fields_(fields) {}

    //! Whether the file has this column at all: absent columns leave stored values alone.
    bool has(const char* column) const { return header_.find(column).has_value(); }
    std::string_view text(const char* column) const {
      auto at = header_.find(column);
      return at && *at < fields_.size() ? fields_[*at] : std::string_view{};
    }
    std::optional<std::string_view> required(const char* column) {
      const std::string_view value = text(column);
      if (value.empty()) return error(column, "required value missing"), std::nullopt;
      return value;
    }
    std::optional<Date> date(const char* column, bool is_required = true) {
      const std::string_view text_value = text(column);
      if (!is_required && text_value.empty()) return std::nullopt;
      auto value = required(column);
      if (!value) return std::nullopt;
      auto date = Date::parse(*value);
      if (!date) return error(column, date.error().message), std::nullopt;
      return *date;
    }
    std::optional<Currency> currency(const char* column, bool is_required) {
      const std::string_view value = is_required ? required(column).value_or("") : text(column);
      if (value.empty()) return std::nullopt;
      auto currency = Currency::find(value);
      if (!currency) return error(column, currency.error().message), std::nullopt;
      return *currency;
    }
    //! A positive amount in `currency`.
    std::optional<int64_t> amount(const char* column, Currency currency, bool is_required = true) {
      const std::string_view value = is_required ? required(column).value_or("") : text(column);
      if (value.empty()) return std::nullopt;
      auto money = Money::parse(value, currency);
      if (!money) return error(column, money.error().message), std::nullopt;
      if (money->minor() <= 0)
        return error(column, fmt::format("'{}' is not positive", value)), std::nullopt;
      return money->minor();
    }
    std::optional<int32_t> whole_number(const char* column) {
      const std::string_view value = text(column);
      int32_t number = 0;
      if (value.empty()) return std::nullopt;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
      if (ec != std::errc{} || end != value.data() + value.size() || number < 0) {
        return error(column, fmt::format("'{}' is not a whole number of days", value)),
               std::nullopt;
      }
      return number;
    }
    //! true/false, 1/0, yes/no, 是/否; empty is false.
    bool boolean(const char* column) {
      const std::string_view value = text(column);
      for (std::string_view yes :
           {"true", "TRUE", "True", "1", "yes", "YES", "Yes", "y", "Y", "是"}) {
        if (value == yes) return true;
      }
      for (std::string_view no :
           {"", "false", "FALSE", "False", "0", "no", "NO", "No", "n", "N", "否"}) {
        if (value == no) return false;
      }
      error(column, fmt::format("'{}' is not true or false", value));
      return false;
    }
    void error(const char* column, std::string message) {
      importer_.error(fmt::format("{}:{}", file_, line_), column, std::move(message));
      ok_ = false;
    }
    bool ok() const { return ok_; }
    size_t line() const { return line_; }

   private:
    Importer& importer_;
    const std::string& file_;
    size_t line_;
    const Header& header_;
    const std::vector<std::string_view>& fields_;
    bool ok_ = true;
  };

  void error(std::string where, std::string field, std::string message) {
    ++failure_.total_errors;
    if (failure_.errors.size() < options_.max_errors) {
      failure_.errors.push_back(Error{std::move(message), std::move(field), std::move(where)});
    }
  }

  void load_stored();
  //! Reads `file` in the import directory, if present: `reserve` hears its line count, then
  //! `row` is called for each data row.
  void read_file(const std::string& file, std::initializer_list<const char*> required,
                 std::initializer_list<const char*> optional,
                 const std::function<void(size_t)>& reserve, const std::function<void(Row&)>& row);
  void read_customers();
  void read_documents();
  void read_deliveries();
  void read_payments();
  void read_allocations();
  void check_allocations();
  void check_deliveries();

  //! Adds `record` or updates the stored row with its key, recording changed fields.
  //! Returns the earlier line if the file already had a row with this key.
  template <class Record, class Key>
  std::optional<uint32_t> merge(Table<Record, Key>& table, Record record, Key key, size_t line,
                                const std::function<Fields(const Record&)>& fields,
                                const char* entity, ImportCounts& counts);
  //! Hands the rows added to `table` since the last call to the inserter.
  template <class Record, class Key>
  void submit_added(Table<Record, Key>& table);
  void write();
  std::shared_ptr<const Snapshot> build_snapshot() const;

  //! The key users know a row by, for the change log.
  std::string describe(const Customer& c) const { return c.external_id; }
  std::string describe(const Invoice& d) const { return d.external_id; }
  std::string describe(const Payment& p) const { return p.external_id; }
  std::string describe(const Delivery& d) const { return d.external_id; }
  std::string describe(const Allocation& a) const {
    return fmt::format("{} <- {} on {}", external_id(documents_, a.invoice_id),
                       a.payment_id ? external_id(payments_, a.payment_id)
                                    : external_id(documents_, a.credit_note_id),
                       a.date.to_string());
  }

  Store& store_;
  const ImportOptions& options_;
  ImportSummary summary_;
  ImportFailure failure_;
  bool any_file_ = false;

  Table<Customer> customers_;
  Table<Invoice> documents_;  // invoices and credit notes
  Table<Delivery> deliveries_;
  Table<Payment> payments_;
  Table<Allocation, AllocationKey> allocations_;
  std::optional<BackgroundInserter> inserter_;  // while the transaction runs
  std::vector<ChangeRecord> changes_;
  std::string now_ = utc_now();
  const std::string& source() const {
    return options_.source.empty() ? options_.dir : options_.source;
  }
};

void Importer::load_stored() {
  store_.read_customers(
      [&](const Customer& c) { customers_.append(c, c.external_id, RowState::kStored, 0); });
  store_.read_invoices(ReadMode::kFull, [&](const Invoice& d) {
    documents_.append(d, d.external_id, RowState::kStored, 0);
  });
  store_.read_payments(ReadMode::kFull, [&](const Payment& p) {
    payments_.append(p, p.external_id, RowState::kStored, 0);
  });
  store_.read_allocations([&](const Allocation& a) {
    allocations_.append(a, allocation_key(a), RowState::kStored, 0);
  });
  store_.read_deliveries(
      [&](const Delivery& d) { deliveries_.append(d, d.external_id, RowState::kStored, 0); });
  customers_.submitted = customers_.rows.size();
  documents_.submitted = documents_.rows.size();
  payments_.submitted = payments_.rows.size();
  allocations_.submitted = allocations_.rows.size();
  deliveries_.submitted = deliveries_.rows.size();
}

void Importer::read_file(const std::string& file, std::initializer_list<const char*> required,
                         std::initializer_list<const char*> optional,
                         const std::function<void(size_t)>& reserve,
                         const std::function<void(Row&)>& row) {
  const fs::path path = fs::path(options_.dir) / file;
  if (!fs::exists(path)) return;
  any_file_ = true;
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) return error(file, "", "cannot read the file");
  auto text = to_utf8(std::move(bytes), options_.encoding);
  if (!text) {
    // The message starts with "line N: "; turn it into "file:N".
    std::string message = text.error().message;
    std::string where = file;
    if (message.starts_with("line ")) {
      const size_t colon = message.find(": ");
      where += ":" + message.substr(5, colon - 5);
      message.erase(0, colon + 2);
    }
    return error(where, "", message);
  }
  reserve(static_cast<size_t>(std::count(text->begin(), text->end(), '\n')));
  CsvReader reader(*text);
  std::vector<std::string_view> fields;
  auto has_header = reader.next(fields);
  if (!has_header || !*has_header) {
    return error(file + ":1", "",
                 has_header ? "empty file: a header row is required" : has_header.error().message);
  }
  Header header;
  for (size_t k = 0; k < fields.size(); ++k) {
    std::string name(fields[k]);
    const bool known = std::find_if(required.begin(), required.end(),
                                    [&](const char* c) { return name == c; }) != required.end() ||
                       std::find_if(optional.begin(), optional.end(),
                                    [&](const char* c) { return name == c; }) != optional.end();
    if (!known) {
      summary_.warnings.push_back(fmt::format("{}:1: {}: unknown column ignored", file, name));
      failure_.warnings.push_back(summary_.warnings.back());
      continue;
    }
    if (!header.add(name, k)) {
      error(file + ":1", name, "column appears twice");
    }
  }
  bool columns_ok = true;
  for (const char* column : required) {
    if (!header.find(column)) {
      error(file + ":1", column, "required column missing");
      columns_ok = false;
    }
  }
  if (!columns_ok) return;
  while (true) {
    auto more = reader.next(fields);
    if (!more) return error(fmt::format("{}:{}", file, reader.line()), "", more.error().message);
    if (!*more) break;
    Row r(*this, file, reader.line(), header, fields);
    row(r);
  }
}

template <class Record, class Key>
std::optional<uint32_t> Importer::merge(Table<Record, Key>& table, Record record, Key key,
                                        size_t line,
                                        const std::function<Fields(const Record&)>& fields,
                                        const char* entity, ImportCounts& counts) {
  auto it = table.by_key.find(key);
  if (it == table.by_key.end()) {
    // The inserter reads submitted rows in place: let it finish before the vector may move.
    if (table.rows.size() == table.rows.capacity() && table.submitted < table.rows.size()) {
      submit_added(table);
    }
    if (table.rows.size() == table.rows.capacity()) inserter_->drain();
    record.id = table.next_id;
    table.append(std::move(record), std::move(key), RowState::kAdded, static_cast<uint32_t>(line));
    ++counts.added;
    if (table.rows.size() - table.submitted >= kInsertBatch) submit_added(table);
    return std::nullopt;
  }
  const size_t k = it->second;
  if (table.line[k] != 0) return table.line[k];
  table.line[k] = static_cast<uint32_t>(line);
  const Fields before = fields(table.rows[k]);
  const Fields after = fields(record);
  bool changed = false;
  for (size_t f = 0; f < before.size(); ++f) {
    if (before[f].second == after[f].second) continue;
    changed = true;
    changes_.push_back({now_, options_.actor, entity, describe(table.rows[k]), before[f].first,
                        logged_value(before[f].first, before[f].second),
                        logged_value(after[f].first, after[f].second), source(), options_.role,
                        options_.request_id});
  }
  if (!changed) {
    ++counts.unchanged;
    return std::nullopt;
  }
  record.id = table.rows[k].id;
  table.rows[k] = std::move(record);
  table.state[k] = RowState::kUpdated;
  ++counts.updated;
  return std::nullopt;
}

template <class Record, class Key>
void Importer::submit_added(Table<Record, Key>& table) {
  const size_t from = table.submitted;
  table.submitted = table.rows.size();
  if (from == table.submitted || failure_.total_errors > 0) return;  // rolled back anyway
  const std::span<const Record> rows(table.rows.data() + from, table.submitted - from);
  inserter_->submit([rows](Store& store) { insert(store, rows); });
}

void Importer::read_customers() {
  const std::string file = "customers.csv";
  read_file(
      file, {"customer_id", "name"},
      {"currency", "payment_terms_days", "credit_limit", "credit_grade", "industry", "region",
       "customer_type", "importance", "collector", "email", "phone", "timezone", "language",
       "country", "do_not_contact", "blacklisted"},
      [&](size_t rows) { customers_.reserve(rows); },
      [&](Row& r) {
        auto id = r.required("customer_id");
        auto name = r.required("name");
        // A column the file leaves out keeps what is stored; a present but empty one clears it.
        const Customer* stored = id ? customers_.find(*id) : nullptr;
        Customer c = stored ? *stored : Customer{};
        if (r.has("currency")) c.currency = r.currency("currency", false);
        if (r.has("payment_terms_days"))
          c.payment_terms_days = r.whole_number("payment_terms_days");
        if (r.has("credit_limit")) {
          c.credit_limit.reset();
          if (!r.text("credit_limit").empty()) {
            if (!c.currency && r.text("currency").empty()) {
              r.error("credit_limit", "a credit limit needs the customer's currency");
            } else if (c.currency) {
              c.credit_limit = r.amount("credit_limit", *c.currency);
            }
          }
        }
        if (!id || !name) return;
        if (!r.ok()) return;
        c.external_id = *id;
        c.name = *name;
        for (auto [field, column] : {std::pair{&Customer::credit_grade, "credit_grade"},
                                     {&Customer::industry, "industry"},
                                     {&Customer::region, "region"},
                                     {&Customer::customer_type, "customer_type"},
                                     {&Customer::importance, "importance"},
                                     {&Customer::collector, "collector"},
                                     {&Customer::email, "email"},
                                     {&Customer::phone, "phone"},
                                     {&Customer::timezone, "timezone"},
                                     {&Customer::language, "language"},
                                     {&Customer::country, "country"}}) {
          if (r.has(column)) c.*field = r.text(column);
        }
        if (r.has("do_not_contact")) c.do_not_contact = r.boolean("do_not_contact");
        if (r.has("blacklisted")) c.blacklisted = r.boolean("blacklisted");
        if (!c.country.empty() &&
            !(c.country.size() == 2 && std::isupper(static_cast<unsigned char>(c.country[0])) &&
              std::isupper(static_cast<unsigned char>(c.country[1])))) {
          r.error("country",
                  fmt::format("'{}' is not an ISO 3166 alpha-2 code such as CN or US", c.country));
        }
        if (!r.ok()) return;
        if (auto first = merge<Customer, std::string>(
                customers_, std::move(c), std::string(*id), r.line(),
                [](const Customer& x) { return fields_of(x); }, "customer", summary_.customers)) {
          r.error("customer_id", fmt::format("duplicate id '{}' (first on line {})", *id, *first));
        }
      });
}

void Importer::read_documents() {
  read_file(
      "invoices.csv",
      {"invoice_id", "customer_id", "invoice_date", "due_date", "currency", "amount"},
      {"doc_type", "contract_id", "reference"}, [&](size_t rows) { documents_.reserve(rows); },
      [&](Row& r) {
        Invoice d;
        auto id = r.required("invoice_id");
        auto customer_key = r.required("customer_id");
        auto invoice_date = r.date("invoice_date");
        auto due_date = r.date("due_date");
        auto currency = r.currency("currency", true);
        std::optional<int64_t> amount;
        if (currency) amount = r.amount("amount", *currency);
        const std::string_view doc_type = r.text("doc_type");
        if (doc_type == "credit_note") {
          d.doc_type = DocType::kCreditNote;
        } else if (!doc_type.empty() && doc_type != "invoice") {
          r.error("doc_type", fmt::format("'{}' is neither invoice nor credit_note", doc_type));
        }
        const Customer* customer = nullptr;
        if (customer_key) {
          customer = customers_.find(*customer_key);
          if (!customer)
            r.error("customer_id", fmt::format("unknown customer '{}'", *customer_key));
        }
        if (invoice_date && due_date && *due_date < *invoice_date) {
          r.error("due_date", fmt::format("{} is before the invoice date {}", due_date->to_string(),
                                          invoice_date->to_string()));
        }
        if (!id) return;
        if (!r.ok()) return;
        d.external_id = *id;
        d.customer_id = customer->id;
        d.invoice_date = *invoice_date;
        d.due_date = *due_date;
        d.currency = *currency;
        d.amount = *amount;
        const Invoice* stored = documents_.find(*id);
        d.contract_id =
            r.has("contract_id") || !stored ? r.text("contract_id") : stored->contract_id;
        d.reference = r.has("reference") || !stored ? r.text("reference") : stored->reference;
        if (!r.has("doc_type") && stored) d.doc_type = stored->doc_type;
        if (auto first = merge<Invoice, std::string>(
                documents_, std::move(d), std::string(*id), r.line(),
                [&](const Invoice& x) { return fields_of(x, customers_); }, "invoice",
                summary_.invoices)) {
          r.error("invoice_id", fmt::format("duplicate id '{}' (first on line {})", *id, *first));
        }
      });
}

void Importer::read_deliveries() {
  read_file(
      "deliveries.csv", {"delivery_id", "customer_id", "delivery_date"},
      {"contract_id", "invoice_id", "received_date", "received_by", "reference"},
      [&](size_t rows) { deliveries_.reserve(rows); },
      [&](Row& r) {
        auto id = r.required("delivery_id");
        auto customer_key = r.required("customer_id");
        auto delivery_date = r.date("delivery_date");
        auto received_date = r.date("received_date", false);
        const Customer* customer = nullptr;
        if (customer_key) {
          customer = customers_.find(*customer_key);
          if (!customer)
            r.error("customer_id", fmt::format("unknown customer '{}'", *customer_key));
        }
        const Invoice* invoice = nullptr;
        if (const std::string_view invoice_key = r.text("invoice_id"); !invoice_key.empty()) {
          invoice = documents_.find(invoice_key);
          if (!invoice) r.error("invoice_id", fmt::format("unknown invoice '{}'", invoice_key));
        }
        if (delivery_date && received_date && *received_date < *delivery_date) {
          r.error("received_date",
                  fmt::format("{} is before the delivery date {}", received_date->to_string(),
                              delivery_date->to_string()));
        }
        if (!id || !r.ok()) return;
        // A column the file leaves out keeps what is stored; a present but empty one clears it.
        const Delivery* stored = deliveries_.find(*id);
        Delivery d = stored ? *stored : Delivery{};
        d.external_id = *id;
        d.customer_id = customer->id;
        d.delivery_date = *delivery_date;
        if (r.has("invoice_id")) d.invoice_id = invoice ? invoice->id : 0;
        if (r.has("received_date")) d.received_date = received_date;
        for (auto [field, column] : {std::pair{&Delivery::contract_id, "contract_id"},
                                     {&Delivery::received_by, "received_by"},
                                     {&Delivery::reference, "reference"}}) {
          if (r.has(column)) d.*field = r.text(column);
        }
        if (auto first = merge<Delivery, std::string>(
                deliveries_, std::move(d), std::string(*id), r.line(),
                [&](const Delivery& x) { return fields_of(x, customers_, documents_); }, "delivery",
                summary_.deliveries)) {
          r.error("delivery_id", fmt::format("duplicate id '{}' (first on line {})", *id, *first));
        }
      });
}

// Checks every delivery note billed by an invoice against the documents as they will be after
// this import: the invoice is an invoice of the same customer, under the same contract.
void Importer::check_deliveries() {
  const bool documents_changed = summary_.invoices.updated > 0;
  for (size_t k = 0; k < deliveries_.rows.size(); ++k) {
    const Delivery& d = deliveries_.rows[k];
    const uint32_t line = deliveries_.line[k];
    if (!d.invoice_id || (!line && !documents_changed)) continue;
    const Invoice& invoice = documents_.rows[documents_.position_of(d.invoice_id)];
    const std::string where = line ? fmt::format("deliveries.csv:{}", line)
                                   : fmt::format("deliveries (stored) '{}'", d.external_id);
    if (invoice.doc_type != DocType::kInvoice) {
      error(where, "invoice_id", fmt::format("'{}' is a credit note", invoice.external_id));
    }
    if (invoice.customer_id != d.customer_id) {
      error(where, "invoice_id",
            fmt::format("invoice '{}' belongs to customer '{}', the delivery to customer '{}'",
                        invoice.external_id, external_id(customers_, invoice.customer_id),
                        external_id(customers_, d.customer_id)));
    }
    if (!d.contract_id.empty() && !invoice.contract_id.empty() &&
        d.contract_id != invoice.contract_id) {
      error(where, "contract_id",
            fmt::format("'{}' differs from contract '{}' of invoice '{}'", d.contract_id,
                        invoice.contract_id, invoice.external_id));
    }
  }
}

void Importer::read_payments() {
  read_file(
      "payments.csv", {"payment_id", "customer_id", "payment_date", "currency", "amount"},
      {"reference"}, [&](size_t rows) { payments_.reserve(rows); },
      [&](Row& r) {
        Payment p;
        auto id = r.required("payment_id");
        auto customer_key = r.required("customer_id");
        auto payment_date = r.date("payment_date");
        auto currency = r.currency("currency", true);
        std::optional<int64_t> amount;
        if (currency) amount = r.amount("amount", *currency);
        const Customer* customer = nullptr;
        if (customer_key) {
          customer = customers_.find(*customer_key);
          if (!customer)
            r.error("customer_id", fmt::format("unknown customer '{}'", *customer_key));
        }
        if (!id) return;
        if (!r.ok()) return;
        p.external_id = *id;
        p.customer_id = customer->id;
        p.payment_date = *payment_date;
        p.currency = *currency;
        p.amount = *amount;
        const Payment* stored = payments_.find(*id);
        p.reference = r.has("reference") || !stored ? r.text("reference") : stored->reference;
        if (auto first = merge<Payment, std::string>(
                payments_, std::move(p), std::string(*id), r.line(),
                [&](const Payment& x) { return fields_of(x, customers_); }, "payment",
                summary_.payments)) {
          r.error("payment_id", fmt::format("duplicate id '{}' (first on line {})", *id, *first));
        }
      });
}

void Importer::read_allocations() {
  read_file(
      "allocations.csv", {"invoice_id", "amount", "date"}, {"payment_id", "credit_note_id"},
      [&](size_t rows) { allocations_.reserve(rows); },
      [&](Row& r) {
        Allocation a;
        auto invoice_key = r.required("invoice_id");
        auto date = r.date("date");
        const std::string_view payment_key = r.text("payment_id");
        const std::string_view note_key = r.text("credit_note_id");
        const Invoice* invoice = nullptr;
        if (invoice_key) {
          invoice = documents_.find(*invoice_key);
          if (!invoice || invoice->doc_type != DocType::kInvoice) {
            r.error("invoice_id", fmt::format("unknown invoice '{}'", *invoice_key));
            invoice = nullptr;
          }
        }
        const std::string_view source_kind = payment_key.empty() ? "credit note" : "payment";
        if (payment_key.empty() == note_key.empty()) {
          r.error("payment_id", "exactly one of payment_id and credit_note_id is required");
        } else if (!payment_key.empty()) {
          const Payment* payment = payments_.find(payment_key);
          if (!payment)
            r.error("payment_id", fmt::format("unknown payment '{}'", payment_key));
          else
            a.payment_id = payment->id;
        } else {
          const Invoice* note = documents_.find(note_key);
          if (!note || note->doc_type != DocType::kCreditNote) {
            r.error("credit_note_id", fmt::format("unknown credit note '{}'", note_key));
          } else {
            a.credit_note_id = note->id;
          }
        }
        std::optional<int64_t> amount;
        if (invoice) amount = r.amount("amount", invoice->currency);
        if (!r.ok()) return;
        a.invoice_id = invoice->id;
        a.amount = *amount;
        a.date = *date;
        const int digits = invoice->currency.minor_digits;
        const AllocationKey key = allocation_key(a);
        if (auto first = merge<Allocation, AllocationKey>(
                allocations_, std::move(a), key, r.line(),
                [digits](const Allocation& x) {
                  return Fields{{"amount", format_minor_units(x.amount, digits)}};
                },
                "allocation", summary_.allocations)) {
          r.error("invoice_id",
                  fmt::format(
                      "duplicate allocation of {} '{}' to invoice '{}' on {} (first on line {})",
                      source_kind, payment_key.empty() ? note_key : payment_key, *invoice_key,
                      date->to_string(), *first));
        }
      });
}

// Checks every allocation against the documents as they will be after this import: same
// customer and currency, dated no earlier than either document, and no document allocated
// beyond its amount (stored allocations included).
void Importer::check_allocations() {
  const bool documents_changed = summary_.invoices.updated + summary_.payments.updated > 0;
  // Totals and the last allocations.csv line naming each document, by row position.
  std::vector<int64_t> document_total(documents_.rows.size(), 0);
  std::vector<int64_t> payment_total(payments_.rows.size(), 0);
  std::vector<uint32_t> document_line(documents_.rows.size(), 0);
  std::vector<uint32_t> payment_line(payments_.rows.size(), 0);
  auto add = [](std::vector<int64_t>& total, std::vector<uint32_t>& lines, size_t k, int64_t amount,
                uint32_t line) {
    if (__builtin_add_overflow(total[k], amount, &total[k])) total[k] = INT64_MAX;
    if (line) lines[k] = line;
  };
  for (size_t k = 0; k < allocations_.rows.size(); ++k) {
    const Allocation& a = allocations_.rows[k];
    const uint32_t line = allocations_.line[k];
    const size_t invoice_at = documents_.position_of(a.invoice_id);
    add(document_total, document_line, invoice_at, a.amount, line);
    if (a.payment_id) {
      add(payment_total, payment_line, payments_.position_of(a.payment_id), a.amount, line);
    } else {
      add(document_total, document_line, documents_.position_of(a.credit_note_id), a.amount, line);
    }
    if (!line && !documents_changed) continue;  // stored and untouched: checked when imported
    const Invoice& invoice = documents_.rows[invoice_at];
    const Payment* payment = a.payment_id ? payments_.find(a.payment_id) : nullptr;
    const Invoice* note = a.payment_id ? nullptr : documents_.find(a.credit_note_id);
    const std::string where =
        line ? fmt::format("allocations.csv:{}", line) : std::string("allocations (stored)");
    const std::string source = payment ? "payment '" + payment->external_id + "'"
                                       : "credit note '" + note->external_id + "'";
    const char* source_column = payment ? "payment_id" : "credit_note_id";
    const int64_t source_customer = payment ? payment->customer_id : note->customer_id;
    const Currency source_currency = payment ? payment->currency : note->currency;
    const Date source_date = payment ? payment->payment_date : note->invoice_date;
    if (invoice.doc_type != DocType::kInvoice) {
      error(where, "invoice_id", fmt::format("'{}' is now a credit note", invoice.external_id));
    }
    if (note && note->doc_type != DocType::kCreditNote) {
      error(where, "credit_note_id", fmt::format("'{}' is now an invoice", note->external_id));
    }
    if (source_customer != invoice.customer_id) {
      error(where, source_column,
            fmt::format("{} belongs to customer '{}', invoice '{}' to customer '{}'", source,
                        external_id(customers_, source_customer), invoice.external_id,
                        external_id(customers_, invoice.customer_id)));
    }
    if (!(source_currency == invoice.currency)) {
      error(where, source_column,
            fmt::format("{} is in {}, invoice '{}' in {}", source, source_currency.code_view(),
                        invoice.external_id, invoice.currency.code_view()));
    }
    if (a.date < invoice.invoice_date) {
      error(where, "date",
            fmt::format("{} is before invoice '{}' dated {}", a.date.to_string(),
                        invoice.external_id, invoice.invoice_date.to_string()));
    } else if (a.date < source_date) {
      error(where, "date",
            fmt::format("{} is before {} dated {}", a.date.to_string(), source,
                        source_date.to_string()));
    }
  }
  // Over-allocation is reported on the last allocation line naming the document, or on the
  // document's own line when only its amount changed.
  auto check = [&](const auto& table, const std::vector<int64_t>& total,
                   const std::vector<uint32_t>& lines, const char* file, auto&& describe_document) {
    for (size_t k = 0; k < total.size(); ++k) {
      const auto& document = table.rows[k];
      if (total[k] <= document.amount) continue;
      const auto [what, column] = describe_document(document);
      const std::string where = lines[k] ? fmt::format("allocations.csv:{}", lines[k])
                                         : fmt::format("{}:{}", file, table.line[k]);
      const int digits = document.currency.minor_digits;
      error(where, lines[k] ? column : "amount",
            fmt::format("allocations to {} '{}' total {}, more than its amount {}", what,
                        document.external_id, format_minor_units(total[k], digits),
                        format_minor_units(document.amount, digits)));
    }
  };
  check(documents_, document_total, document_line, "invoices.csv", [](const Invoice& d) {
    return d.doc_type == DocType::kInvoice ? std::pair{"invoice", "amount"}
                                           : std::pair{"credit note", "credit_note_id"};
  });
  check(payments_, payment_total, payment_line, "payments.csv", [](const Payment&) {
    return std::pair{"payment", "payment_id"};
  });
}

template <class Record, class Key>
void write_updates(const Table<Record, Key>& table, void (Store::*update)(const Record&),
                   Store& store) {
  for (size_t k = 0; k < table.rows.size(); ++k) {
    if (table.state[k] == RowState::kUpdated) (store.*update)(table.rows[k]);
  }
}

void Importer::write() {
  // New rows went to the inserter as they were read; updates follow them, so a document may
  // move to a customer this import added.
  inserter_->drain();
  write_updates(customers_, &Store::update_customer, store_);
  write_updates(documents_, &Store::update_invoice, store_);
  write_updates(payments_, &Store::update_payment, store_);
  write_updates(allocations_, &Store::update_allocation, store_);
  write_updates(deliveries_, &Store::update_delivery, store_);
  auto counts = [](const char* name, const ImportCounts& c) {
    return fmt::format("{} +{} ~{}", name, c.added, c.updated);
  };
  changes_.push_back(
      {now_, options_.actor, "import", source(), "rows", "",
       fmt::format("{}, {}, {}, {}, {}", counts("customers", summary_.customers),
                   counts("invoices", summary_.invoices), counts("deliveries", summary_.deliveries),
                   counts("payments", summary_.payments),
                   counts("allocations", summary_.allocations)),
       source(), options_.role, options_.request_id});
  store_.insert_changes(changes_);
  store_.bump_ledger_version();
}

std::shared_ptr<const Snapshot> Importer::build_snapshot() const {
  SnapshotBuilder builder;
  for (const auto& c : customers_.rows) builder.add(c);
  for (const auto& d : documents_.rows) builder.add(d);
  for (const auto& p : payments_.rows) builder.add(p);
  for (const auto& a : allocations_.rows) builder.add(a);
  auto snapshot = builder.build();
  if (!snapshot)
    throw std::logic_error("validated ledger without a snapshot: " + snapshot.error().message);
  return *snapshot;
}

tl::expected<ImportSummary, ImportFailure> Importer::run() {
  if (!fs::is_directory(options_.dir)) {
    error(options_.dir, "", "not a directory");
    return tl::unexpected(failure_);
  }
  // Reading and validating happen inside the write transaction, so no other writer can change
  // the stored rows between the checks and the writes.
  auto result = store_.transaction([&]() -> Result<void> {
    load_stored();
    inserter_.emplace(store_);
    // The inserter must be stopped before the transaction ends, whichever way it ends.
    struct StopInserter {
      std::optional<BackgroundInserter>& inserter;
      ~StopInserter() { inserter.reset(); }
    } stop_inserter{inserter_};
    read_customers();
    submit_added(customers_);  // every customer before any document that refers to it
    read_documents();
    submit_added(documents_);
    read_deliveries();
    submit_added(deliveries_);
    read_payments();
    submit_added(payments_);
    read_allocations();
    submit_added(allocations_);
    if (!any_file_) {
      error(options_.dir, "", fmt::format("none of {} found", fmt::join(kLedgerFiles, ", ")));
    }
    if (failure_.total_errors == 0) {
      check_allocations();
      check_deliveries();
    }
    if (failure_.total_errors > 0) return fail("import failed");
    if (summary_.written()) {
      write();
      if (options_.build_snapshot) {
        summary_.snapshot = build_snapshot();
        summary_.ledger_stamp = store_.ledger_stamp();
      }
    }
    return {};
  });
  if (!result) return tl::unexpected(failure_);
  return summary_;
}

}  // namespace

bool ImportSummary::written() const {
  return customers.added + customers.updated + invoices.added + invoices.updated +
             deliveries.added + deliveries.updated + payments.added + payments.updated +
             allocations.added + allocations.updated >
         0;
}

tl::expected<ImportSummary, ImportFailure> import_ledger(Store& store,
                                                         const ImportOptions& options) {
  Importer importer(store, options);
  auto summary = importer.run();
  if (summary && summary->written()) store.update_statistics();
  return summary;
}

}  // namespace huikuan

#include "service/assignment.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>

#include "core/money.h"
#include "io/csv_reader.h"
#include "io/text_encoding.h"
#include "service/snapshot_loader.h"

namespace huikuan {
namespace {

constexpr std::string_view kRequiredColumns[] = {"collector_id", "name", "level"};
constexpr std::string_view kColumns[] = {"collector_id", "name",       "level",
                                         "max_cases",    "max_amount", "specialties"};

// Every problem of the file, so the user fixes them in one go; reported in line order.
class Problems {
 public:
  void add(std::string where, std::string column, std::string reason) {
    errors_.push_back(Error{std::move(reason), std::move(column), std::move(where)});
  }
  bool empty() const { return errors_.empty(); }
  //! The first problem, its message followed by every other problem's full line.
  Error combined() const {
    Error first = errors_.front();
    for (size_t k = 1; k < errors_.size(); ++k) first.message += "\n" + errors_[k].to_string();
    return first;
  }

 private:
  std::vector<Error> errors_;
};

std::string_view trim(std::string_view text) {
  const size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  return text.substr(begin, text.find_last_not_of(" \t") - begin + 1);
}

// Column name -> position in the record.
using Header = std::map<std::string, size_t, std::less<>>;

Header read_header(const std::vector<std::string_view>& fields, const std::string& where,
                   Problems& problems) {
  Header header;
  for (size_t k = 0; k < fields.size(); ++k) {
    const std::string name(trim(fields[k]));
    if (std::find(std::begin(kColumns), std::end(kColumns), name) == std::end(kColumns)) {
      problems.add(where, name,
                   fmt::format("unknown column (known: {})", fmt::join(kColumns, ", ")));
    } else if (!header.emplace(name, k).second) {
      problems.add(where, name, "column appears twice");
    }
  }
  for (std::string_view column : kRequiredColumns) {
    if (!header.contains(column))
      problems.add(where, std::string(column), "required column missing");
  }
  return header;
}

std::string_view cell(const Header& header, const std::vector<std::string_view>& fields,
                      std::string_view column) {
  auto at = header.find(column);
  return at == header.end() || at->second >= fields.size() ? std::string_view{}
                                                           : trim(fields[at->second]);
}

Result<std::string> parse_level(std::string_view text, const Policy& policy) {
  std::vector<std::string> levels;
  for (const AuthorityLevel& level : policy.authority) levels.push_back(level.level);
  if (std::find(levels.begin(), levels.end(), text) == levels.end()) {
    return fail(fmt::format("'{}' is not one of {}", text, fmt::join(levels, ", ")));
  }
  return std::string(text);
}

Result<int32_t> parse_max_cases(std::string_view text, int32_t fallback) {
  if (text.empty()) return fallback;
  int32_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    return fail(fmt::format("'{}' is not a whole number", text));
  }
  if (value <= 0) return fail(fmt::format("'{}' is not positive", text));
  return value;
}

Result<int64_t> parse_max_amount(std::string_view text, const Currency& currency,
                                 int64_t fallback) {
  if (text.empty()) return fallback;
  auto amount = parse_minor_units(text, currency.minor_digits, currency.code_view());
  if (!amount) return amount;
  if (*amount <= 0) return fail(fmt::format("'{}' is not positive", text));
  return amount;
}

std::set<std::string> parse_specialties(std::string_view text) {
  std::set<std::string> specialties;
  while (!text.empty()) {
    const size_t end = text.find_first_of(";|,");
    const std::string_view one = trim(text.substr(0, end));
    if (!one.empty()) specialties.emplace(one);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
  }
  return specialties;
}

// Stores a parsed cell in `out`, or records why it could not be parsed.
template <class T>
bool store_cell(Result<T> value, T& out, const std::string& where, std::string_view column,
                Problems& problems) {
  if (!value) {
    problems.add(where, std::string(column), value.error().message);
    return false;
  }
  out = *std::move(value);
  return true;
}

std::optional<Collector> parse_row(const Header& header, const std::vector<std::string_view>& row,
                                   const std::string& where, const Policy& policy,
                                   const Currency& currency, Problems& problems) {
  Collector collector;
  collector.id = cell(header, row, "collector_id");
  collector.name = cell(header, row, "name");
  bool ok = true;
  for (const auto& [column, value] :
       {std::pair{"collector_id", &collector.id}, std::pair{"name", &collector.name}}) {
    if (value->empty()) {
      problems.add(where, column, "required");
      ok = false;
    }
  }
  ok &= store_cell(parse_level(cell(header, row, "level"), policy), collector.level, where, "level",
                   problems);
  ok &= store_cell(parse_max_cases(cell(header, row, "max_cases"), policy.workload.max_cases),
                   collector.max_cases, where, "max_cases", problems);
  ok &= store_cell(
      parse_max_amount(cell(header, row, "max_amount"), currency, policy.workload.max_amount),
      collector.max_amount, where, "max_amount", problems);
  collector.specialties = parse_specialties(cell(header, row, "specialties"));
  if (!ok) return std::nullopt;
  return collector;
}

// Writes every move of hands: the customer's collector and its change record, in the caller's
// transaction.
Result<void> record_moves(Store& store, const std::vector<Placement>& placements,
                          const Actor& actor) {
  std::vector<ChangeRecord> changes;
  for (const Placement& placement : placements) {
    if (!placement.moved()) continue;
    auto customer = store.find_customer(placement.customer_id);
    if (!customer)
      return fail(fmt::format("customer '{}' is no longer in the ledger", placement.customer_id));
    changes.push_back(change_by(actor, "customer", placement.customer_id, "collector",
                                customer->collector, placement.collector_id, "assign"));
    customer->collector = placement.collector_id;
    store.update_customer(*customer);
  }
  store.insert_changes(changes);
  store.bump_ledger_version();
  return {};
}

}  // namespace

Result<std::vector<Collector>> parse_collectors(std::string_view text, const std::string& source,
                                                const Policy& policy) {
  auto currency = Currency::find(policy.currency);
  if (!currency) return tl::unexpected(currency.error());
  CsvReader reader(text);
  std::vector<std::string_view> fields;
  auto has_header = reader.next(fields);
  if (!has_header || !*has_header) {
    return tl::unexpected(
        Error{has_header ? "empty file: a header row is required" : has_header.error().message, "",
              source + ":1"});
  }
  Problems problems;
  const Header header = read_header(fields, fmt::format("{}:{}", source, reader.line()), problems);
  if (!problems.empty()) return tl::unexpected(problems.combined());

  std::vector<Collector> collectors;
  std::map<std::string, size_t> line_of;  // collector id -> the line that defines it
  while (true) {
    auto more = reader.next(fields);
    const std::string where = fmt::format("{}:{}", source, reader.line());
    if (!more) {
      problems.add(where, "", more.error().message);
      break;
    }
    if (!*more) break;
    auto collector = parse_row(header, fields, where, policy, *currency, problems);
    if (!collector) continue;
    auto [first, added] = line_of.emplace(collector->id, reader.line());
    if (!added) {
      problems.add(where, "collector_id",
                   fmt::format("'{}' is already on line {}", collector->id, first->second));
      continue;
    }
    collectors.push_back(*std::move(collector));
  }
  if (problems.empty() && collectors.empty()) problems.add(source, "", "no collectors listed");
  if (!problems.empty()) return tl::unexpected(problems.combined());
  return collectors;
}

Result<std::vector<Collector>> load_collectors(const std::string& path, const std::string& encoding,
                                               const Policy& policy) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return tl::unexpected(Error{"cannot open the collectors file", "", path});
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto text = to_utf8(std::move(bytes), encoding);
  if (!text) {
    // The decoder names the line as "line N: …"; make it "path:N".
    Error error = text.error();
    if (error.message.starts_with("line ")) {
      const size_t colon = error.message.find(": ");
      error.where = fmt::format("{}:{}", path, error.message.substr(5, colon - 5));
      error.message.erase(0, colon + 2);
    } else if (error.field.empty()) {
      error.where = path;
    }
    return tl::unexpected(error);
  }
  return parse_collectors(*text, path, policy);
}

Result<AssignOutcome> assign_collectors(Store& store, const AssignRequest& request,
                                        const Policy& policy, const Actor& actor) {
  auto snapshot = load_snapshot(store, request.snapshot_cache);
  if (!snapshot) return tl::unexpected(snapshot.error());
  const CollectionState state = load_collection_state(store, **snapshot);
  auto items = build_worklist(**snapshot, state, policy, request.as_of, std::nullopt, false);
  if (!items) return tl::unexpected(items.error());
  auto book = cases_from_worklist(*items, **snapshot, policy);
  if (!book) return tl::unexpected(book.error());

  AssignOutcome outcome{assign_cases(std::move(book->cases), request.collectors, policy.authority),
                        std::move(book->face_value_currencies), 0};
  const auto& placements = outcome.assignment.placements;
  outcome.moved = static_cast<size_t>(std::count_if(placements.begin(), placements.end(),
                                                    [](const Placement& p) { return p.moved(); }));
  if (request.dry_run || outcome.moved == 0) return outcome;
  auto written = store.transaction([&] { return record_moves(store, placements, actor); });
  if (!written) return tl::unexpected(written.error());
  return outcome;
}

}  // namespace huikuan

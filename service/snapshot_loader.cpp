#include "service/snapshot_loader.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>
#include <type_traits>

#include "core/digest.h"

namespace huikuan {
namespace {

// Cache file layout: magic, stamp, then every column as (count, raw elements) in a fixed
// order, strings as (length, bytes), then an end marker. Native endianness: the file is a
// local cache, rebuilt whenever it does not match.
constexpr char kMagic[] = "HUIKUAN-SNAPSHOT-4\n";
constexpr uint64_t kEndMarker = 0x48554B5F454E4421;  // "HUK_END!"

class CacheWriter {
 public:
  explicit CacheWriter(const std::string& path) : out_(path, std::ios::binary | std::ios::trunc) {}
  template <class T>
  void value(const T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    out_.write(reinterpret_cast<const char*>(&v), sizeof v);
  }
  template <class T>
  void column(const std::vector<T>& v) {
    value<uint64_t>(v.size());
    out_.write(reinterpret_cast<const char*>(v.data()),
               static_cast<std::streamsize>(v.size() * sizeof(T)));
  }
  void text(const std::string& s) {
    value<uint32_t>(static_cast<uint32_t>(s.size()));
    out_.write(s.data(), static_cast<std::streamsize>(s.size()));
  }
  void texts(const std::vector<std::string>& v) {
    value<uint64_t>(v.size());
    for (const auto& s : v) text(s);
  }
  bool ok() {
    out_.flush();
    return out_.good();
  }
  std::ofstream& stream() { return out_; }

 private:
  std::ofstream out_;
};

class CacheReader {
 public:
  explicit CacheReader(const std::string& path) : in_(path, std::ios::binary) {}
  template <class T>
  T value() {
    T v{};
    in_.read(reinterpret_cast<char*>(&v), sizeof v);
    return v;
  }
  template <class T>
  void column(std::vector<T>& v) {
    const auto n = value<uint64_t>();
    if (!in_ || n > (uint64_t{1} << 40) / sizeof(T)) return in_.setstate(std::ios::failbit);
    v.resize(n);
    in_.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(n * sizeof(T)));
  }
  void text(std::string& s) {
    const auto n = value<uint32_t>();
    if (!in_) return;
    s.resize(n);
    in_.read(s.data(), n);
  }
  void texts(std::vector<std::string>& v) {
    const auto n = value<uint64_t>();
    if (!in_ || n > (uint64_t{1} << 32)) return in_.setstate(std::ios::failbit);
    v.resize(n);
    for (auto& s : v) text(s);
  }
  bool ok() const { return in_.good(); }
  std::ifstream& stream() { return in_; }

 private:
  std::ifstream in_;
};

// Visits every column of a snapshot in the cache's order, for writing and reading alike.
template <class Io, class S>
void columns(Io& io, S& s) {
  io.texts(s.customer_key);
  io.column(s.customer_id);
  io.texts(s.customer_name);
  io.column(s.customer_collector);
  io.column(s.customer_region);
  io.column(s.customer_industry);
  io.column(s.customer_grade);
  io.column(s.customer_importance);
  io.column(s.customer_type);
  io.column(s.customer_flags);
  io.column(s.customer_country);
  io.column(s.customer_timezone);
  io.column(s.invoice_end);
  io.column(s.credit_end);
  io.texts(s.collectors.values);
  io.texts(s.regions.values);
  io.texts(s.industries.values);
  io.texts(s.grades.values);
  io.texts(s.importances.values);
  io.texts(s.types.values);
  io.texts(s.countries.values);
  io.texts(s.timezones.values);
  io.column(s.invoice_id);
  io.column(s.invoice_date);
  io.column(s.invoice_due);
  io.column(s.invoice_amount);
  io.column(s.invoice_currency);
  io.column(s.allocation_end);
  io.column(s.allocation_date);
  io.column(s.allocation_cumulative);
  io.column(s.credit_date);
  io.column(s.credit_amount);
  io.column(s.credit_currency);
  io.column(s.credit_is_note);
}

// The snapshot's columns must agree with each other before the engine may index them.
bool consistent(const Snapshot& s) {
  const size_t customers = s.customer_key.size();
  const size_t invoices = s.invoice_date.size();
  const size_t credits = s.credit_date.size();
  const size_t allocations = s.allocation_date.size();
  return s.customer_id.size() == customers && s.customer_name.size() == customers &&
         s.customer_collector.size() == customers && s.customer_region.size() == customers &&
         s.customer_industry.size() == customers && s.customer_grade.size() == customers &&
         s.customer_importance.size() == customers && s.customer_type.size() == customers &&
         s.customer_flags.size() == customers && s.customer_country.size() == customers &&
         s.customer_timezone.size() == customers && s.invoice_id.size() == s.invoice_date.size() &&
         s.invoice_end.size() == customers && s.credit_end.size() == customers &&
         (customers == 0 ? invoices == 0 && credits == 0
                         : s.invoice_end.back() == invoices && s.credit_end.back() == credits) &&
         s.invoice_due.size() == invoices && s.invoice_amount.size() == invoices &&
         s.invoice_currency.size() == invoices && s.allocation_end.size() == invoices &&
         (invoices == 0 ? allocations == 0 : s.allocation_end.back() == allocations) &&
         s.allocation_cumulative.size() == allocations && s.credit_amount.size() == credits &&
         s.credit_currency.size() == credits && s.credit_is_note.size() == credits;
}

std::shared_ptr<const Snapshot> read_cache(const std::string& path, const std::string& stamp) {
  CacheReader in(path);
  std::string magic(sizeof kMagic - 1, '\0');
  in.stream().read(magic.data(), static_cast<std::streamsize>(magic.size()));
  std::string file_stamp;
  in.text(file_stamp);
  if (!in.ok() || magic != kMagic || file_stamp != stamp) return nullptr;
  auto snapshot = std::make_shared<Snapshot>();
  std::vector<std::string> currency_codes;
  in.texts(currency_codes);
  for (const auto& code : currency_codes) {
    auto currency = Currency::find(code);
    if (!currency) return nullptr;
    snapshot->currencies.push_back(*currency);
  }
  columns(in, *snapshot);
  if (!in.ok() || in.value<uint64_t>() != kEndMarker || !consistent(*snapshot)) return nullptr;
  return snapshot;
}

// Where the caches of databases that are not local files go: $HUIKUAN_CACHE_DIR (empty: none),
// else $XDG_CACHE_HOME/huikuan, else ~/.cache/huikuan.
std::filesystem::path cache_directory() {
  if (const char* dir = std::getenv("HUIKUAN_CACHE_DIR")) return dir;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
    return std::filesystem::path(xdg) / "huikuan";
  }
  if (const char* home = std::getenv("HOME"); home && *home) {
    return std::filesystem::path(home) / ".cache" / "huikuan";
  }
  return {};
}

}  // namespace

// Writes beside the target and renames, so readers never see half a file; the temporary name
// is the writer's own, as several processes (instances on one machine) may write one cache.
void save_snapshot_cache(const std::string& path, const std::string& stamp, const Snapshot& s) {
  if (path.empty()) return;  // no cache file
  const std::string temporary = fmt::format(
      "{}.{}-{}.tmp", path, getpid(), std::hash<std::thread::id>{}(std::this_thread::get_id()));
  {
    CacheWriter out(temporary);
    out.stream().write(kMagic, sizeof kMagic - 1);
    out.text(stamp);
    std::vector<std::string> currency_codes;
    for (const auto& c : s.currencies) currency_codes.emplace_back(c.code_view());
    out.texts(currency_codes);
    columns(out, s);
    out.value(kEndMarker);
    if (!out.ok()) {
      std::error_code ignored;
      std::filesystem::remove(temporary, ignored);
      return;
    }
  }
  std::error_code ignored;
  std::filesystem::rename(temporary, path, ignored);
}

std::string snapshot_cache_path(const std::string& db_location) {
  const std::string file = sqlite_file(db_location);
  if (!file.empty()) return file + ".snapshot";
  if (db_location.find("://") == std::string::npos) return "";  // ":memory:"
  // A PostgreSQL database has no file to put the cache beside: each machine keeps its own,
  // named by a digest of the location (which may hold a password).
  const std::filesystem::path dir = cache_directory();
  std::error_code error;
  if (dir.empty() || (std::filesystem::create_directories(dir, error), error)) return "";
  return (dir / (sha256_hex(db_location).substr(0, 24) + ".snapshot")).string();
}

Result<std::shared_ptr<const Snapshot>> load_snapshot(Store& store, const std::string& cache_path) {
  SnapshotBuilder builder;
  std::string stamp;
  std::shared_ptr<const Snapshot> cached;
  // One read transaction, so the stamp and the four tables describe the same moment.
  auto read = store.read_transaction([&]() -> Result<void> {
    stamp = store.ledger_stamp();
    if (!cache_path.empty()) cached = read_cache(cache_path, stamp);
    if (cached) return {};
    store.read_customers([&](const Customer& c) { builder.add(c); });
    store.read_invoices(ReadMode::kKeysAndAmounts, [&](const Invoice& d) { builder.add(d); });
    store.read_payments(ReadMode::kKeysAndAmounts, [&](const Payment& p) { builder.add(p); });
    store.read_allocations([&](const Allocation& a) { builder.add(a); });
    return {};
  });
  if (!read) return tl::unexpected(read.error());
  if (cached) return cached;
  auto snapshot = builder.build();
  if (snapshot && !cache_path.empty()) save_snapshot_cache(cache_path, stamp, **snapshot);
  return snapshot;
}

}  // namespace huikuan

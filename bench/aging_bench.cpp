// Warm aging benchmark: loads the snapshot once, ages it by customer N times, and prints one
// JSON line with the load times, the median aging time and the resident memory of the snapshot.
//
//   huikuan_bench --db FILE --as-of DATE [--repeat N] [--threads T] [--no-cache]
//
// The snapshot is loaded the way `huikuan report` loads it: through the cache file beside the
// database when it is current (import writes it), from SQLite otherwise (and the cache is then
// rewritten). Resident memory is measured around that load. A second load straight from SQLite,
// ignoring the cache, is timed too. --no-cache measures the SQLite load only.

#include <fmt/format.h>
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "engine/aging.h"
#include "engine/snapshot.h"
#include "service/snapshot_loader.h"
#include "store/store.h"

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

//! Resident set size in bytes, from VmRSS in /proc/self/status (0 if unavailable).
long long resident_bytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atoll(line.c_str() + 6) * 1024;
  }
  return 0;
}

//! The file's modification time, or min() when it does not exist.
std::filesystem::file_time_type modified(const std::string& path) {
  std::error_code error;
  const auto time = std::filesystem::last_write_time(path, error);
  return error ? std::filesystem::file_time_type::min() : time;
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

double per(double bytes, size_t count) {
  return count ? bytes / double(count) : 0.0;
}

int usage(const std::string& message) {
  std::fprintf(stderr,
               "huikuan_bench: %s\nusage: huikuan_bench --db FILE --as-of YYYY-MM-DD "
               "[--repeat N] [--threads T] [--no-cache]\n",
               message.c_str());
  return 2;
}

int failed(const huikuan::Error& error) {
  std::fprintf(stderr, "huikuan_bench: %s\n", error.to_string().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace huikuan;
  std::string db, as_of_text;
  int repeat = 5;
  unsigned threads = 0;
  bool use_cache = true;
  for (int k = 1; k < argc; ++k) {
    const std::string arg = argv[k];
    if (arg == "--no-cache") {
      use_cache = false;
      continue;
    }
    if (k + 1 >= argc) return usage("missing value after " + arg);
    const std::string value = argv[++k];
    if (arg == "--db") {
      db = value;
    } else if (arg == "--as-of") {
      as_of_text = value;
    } else if (arg == "--repeat") {
      repeat = std::atoi(value.c_str());
    } else if (arg == "--threads") {
      threads = static_cast<unsigned>(std::atoi(value.c_str()));
    } else {
      return usage("unknown option " + arg);
    }
  }
  if (db.empty() || as_of_text.empty()) return usage("--db and --as-of are required");
  if (repeat < 1) return usage("--repeat must be at least 1");
  const auto as_of = Date::parse(as_of_text);
  if (!as_of) return usage(as_of.error().to_string());

  auto store = Store::open(db);
  if (!store) return failed(store.error());
  const std::string cache = use_cache ? snapshot_cache_path(db) : std::string();
  const auto cache_time = cache.empty() ? std::filesystem::file_time_type::min() : modified(cache);

  // Snapshot load, as the CLI does it; resident memory measured around it.
  const long long rss_before = resident_bytes();
  const auto load_start = Clock::now();
  auto loaded = load_snapshot(**store, cache);
  const double load_ms = ms_since(load_start);
  if (!loaded) return failed(loaded.error());
  const long long rss_after = resident_bytes();
  // What stays once the loader's freed temporaries are given back to the system.
  malloc_trim(0);
  const long long rss_trimmed = resident_bytes();
  const bool cache_used = !cache.empty() && cache_time != std::filesystem::file_time_type::min() &&
                          modified(cache) == cache_time;
  const Snapshot& s = **loaded;

  // The same load straight from SQLite (every row read, snapshot built), timed only.
  double sqlite_load_ms = load_ms;
  if (!cache.empty()) {
    const auto start = Clock::now();
    auto again = load_snapshot(**store);
    sqlite_load_ms = ms_since(start);
    if (!again) return failed(again.error());
  }
  store->reset();

  // Open items as of the date: invoices issued by then whose open amount is not zero.
  const int32_t day = as_of->days();
  size_t open_items = 0;
  for (size_t i = 0; i < s.invoice_count(); ++i) {
    if (s.invoice_date[i] <= day && s.invoice_amount[i] - s.allocated_by(i, day) != 0) ++open_items;
  }

  // Warm aging by customer, every row produced each time.
  std::vector<double> runs;
  size_t rows = 0;
  for (int r = 0; r < repeat; ++r) {
    const auto start = Clock::now();
    auto report = age(s, *as_of, AgingBuckets{}, AgingGroup::kCustomer, threads);
    runs.push_back(ms_since(start));
    if (!report) return failed(report.error());
    rows = 0;
    for (const auto& section : report->sections) rows += section.rows.size();
  }

  const long long rss_delta = rss_after - rss_before;
  const long long rss_trimmed_delta = rss_trimmed - rss_before;
  const size_t invoices = s.invoice_count();
  std::string runs_json;
  for (double ms : runs) runs_json += fmt::format("{}{:.3f}", runs_json.empty() ? "" : ",", ms);
  fmt::print(
      "{{\"as_of\":\"{}\",\"snapshot_load_ms\":{:.3f},\"snapshot_cache_used\":{},"
      "\"snapshot_sqlite_load_ms\":{:.3f},\"aging_median_ms\":{:.3f},\"aging_min_ms\":{:.3f},"
      "\"aging_runs_ms\":[{}],\"threads\":{},\"rows\":{},\"customers\":{},\"invoices\":{},"
      "\"credits\":{},\"allocations\":{},\"open_items\":{},\"rss_before_bytes\":{},"
      "\"rss_after_bytes\":{},\"rss_delta_bytes\":{},\"rss_trimmed_delta_bytes\":{},"
      "\"snapshot_memory_bytes\":{},\"rss_bytes_per_open_item\":{:.2f},"
      "\"rss_bytes_per_invoice\":{:.2f},\"snapshot_bytes_per_open_item\":{:.2f},"
      "\"snapshot_bytes_per_invoice\":{:.2f}}}\n",
      as_of->to_string(), load_ms, cache_used, sqlite_load_ms, median(runs),
      *std::min_element(runs.begin(), runs.end()), runs_json, threads, rows, s.customer_count(),
      invoices, s.credit_date.size(), s.allocation_date.size(), open_items, rss_before, rss_after,
      rss_delta, rss_trimmed_delta, s.memory_bytes(), per(double(rss_delta), open_items),
      per(double(rss_delta), invoices), per(double(s.memory_bytes()), open_items),
      per(double(s.memory_bytes()), invoices));
  return 0;
}

#pragma once
// Synthetic receivables ledgers for demos and benchmarks (`huikuan gen`): customers in payment
// segments (prompt, slow, chronic, defaulted), invoices, delivery notes, credit notes, payments
// and allocations, written in the import contract's CSV format. Deterministic for a given seed.

#include <chrono>
#include <cstdint>
#include <string>

#include "core/date.h"
#include "core/error.h"

namespace huikuan {

//! The ledger's default "today": 2026-06-30.
inline constexpr Date kGeneratorDefaultAsOf{
    static_cast<int32_t>(std::chrono::sys_days{std::chrono::year{2026} / std::chrono::June / 30}
                             .time_since_epoch()
                             .count())};

struct GeneratorOptions {
  int64_t customers = 1000;
  uint64_t seed = 1;
  Date as_of = kGeneratorDefaultAsOf;  //!< no document, payment or allocation is dated later
  int history_days = 730;              //!< invoices start this many days before as_of
  double invoices_per_customer = 10;   //!< average; customers vary around it
  bool deliveries = true;              //!< also write deliveries.csv, one note per invoice
};

struct GeneratorCounts {
  int64_t customers = 0;
  int64_t invoices = 0;
  int64_t credit_notes = 0;
  int64_t deliveries = 0;
  int64_t payments = 0;
  int64_t allocations = 0;
};

//! Writes customers.csv, invoices.csv, payments.csv, allocations.csv and, with
//! `options.deliveries`, deliveries.csv into `dir` (created if needed), customer by customer with
//! bounded memory; same options give byte-identical files. Fails on invalid options or when a file
//! cannot be created or written, naming the path.
Result<GeneratorCounts> generate_ledger(const GeneratorOptions& options, const std::string& dir);

}  // namespace huikuan

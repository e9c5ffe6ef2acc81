#pragma once
// Use case: import the source system's receivables (customers, invoices and credit notes,
// delivery notes, payments, allocations) from CSV files in one atomic, idempotent transaction.

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "engine/snapshot.h"
#include "store/store.h"

namespace huikuan {

//! The files an import reads, in the order it reads them; each is optional.
constexpr std::array<std::string_view, 5> kLedgerFiles{
    "customers.csv", "invoices.csv", "deliveries.csv", "payments.csv", "allocations.csv"};

struct ImportOptions {
  std::string dir;                 //!< holds any of kLedgerFiles
  std::string encoding = "utf-8";  //!< or "gb18030"
  std::string actor = "import";    //!< recorded with every change
  std::string role;                //!< the actor's role, when a signed-in user imports
  std::string request_id;          //!< the HTTP request importing, if any
  std::string source;              //!< recorded as the changes' source; default: dir
  size_t max_errors = 100;         //!< errors reported before giving up on listing more
  bool build_snapshot = false;     //!< also return the ledger's snapshot after a change
};

struct ImportCounts {
  int64_t added = 0, updated = 0, unchanged = 0;
};

struct ImportSummary {
  ImportCounts customers, invoices, deliveries, payments, allocations;
  std::vector<std::string> warnings;  //!< e.g. unknown columns, "file:line: column: reason"
  //! With ImportOptions::build_snapshot and a change: the whole ledger after the import, built
  //! from the rows in memory, and the store's ledger_stamp() it corresponds to.
  std::shared_ptr<const Snapshot> snapshot;
  std::string ledger_stamp;

  //! Whether the import added or changed any row.
  bool written() const;
};

struct ImportFailure {
  std::vector<Error> errors;  //!< each with where = "file:line" and the column as field
  size_t total_errors = 0;    //!< may exceed errors.size() when capped at max_errors
  std::vector<std::string> warnings;
};

//! Validates every file completely, then writes all of it in one transaction, or nothing.
//! Rows already stored and unchanged are left alone; a changed row is updated by its external
//! id and each changed field is recorded in the change log with its previous value.
tl::expected<ImportSummary, ImportFailure> import_ledger(Store& store,
                                                         const ImportOptions& options);

}  // namespace huikuan

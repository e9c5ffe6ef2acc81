#pragma once
// Persistent storage of the ledger behind one interface; SQLite now, PostgreSQL later.
// No SQL dialect leaks out of store/: callers see rows and transactions only.

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "core/error.h"
#include "ledger/types.h"

namespace huikuan {

//! How much of a document row a read fills: kKeysAndAmounts skips the free-text columns
//! (external id, contract, reference) that aging and KPIs never look at.
enum class ReadMode { kFull, kKeysAndAmounts };

//! The file behind a SQLite location ("sqlite:PATH" or a plain path), or "" for a server URL.
std::string sqlite_file(std::string_view location);

//! A ledger database. Not thread-safe: one Store per thread. Readers in other processes see
//! only committed transactions.
class Store {
 public:
  virtual ~Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  //! Opens (creating if needed) the store at `location` — a file path or "sqlite:PATH" — and
  //! brings its schema to the current migration.
  static Result<std::unique_ptr<Store>> open(std::string_view location);

  //! Runs `work` in one transaction: commits if it succeeds, rolls back if it fails or throws,
  //! so a failed use case changes nothing.
  virtual Result<void> transaction(const std::function<Result<void>()>& work) = 0;
  //! Runs `work` on one consistent view of the data without taking the write lock.
  virtual Result<void> read_transaction(const std::function<Result<void>()>& work) = 0;

  //! Schema version after migrations.
  virtual int schema_version() = 0;
  //! Increases every time a transaction changes the ledger; lets snapshot caches detect staleness.
  virtual int64_t ledger_version() = 0;
  virtual void bump_ledger_version() = 0;
  //! "<database instance>:<ledger version>": equal stamps mean an identical ledger.
  virtual std::string ledger_stamp() = 0;

  virtual void read_customers(const std::function<void(const Customer&)>& row) = 0;
  virtual void read_invoices(ReadMode mode, const std::function<void(const Invoice&)>& row) = 0;
  virtual void read_payments(ReadMode mode, const std::function<void(const Payment&)>& row) = 0;
  virtual void read_allocations(const std::function<void(const Allocation&)>& row) = 0;

  //! Inserts rows whose `id` the caller assigned (greater than every stored id).
  virtual void insert_customers(std::span<const Customer> rows) = 0;
  virtual void insert_invoices(std::span<const Invoice> rows) = 0;
  virtual void insert_payments(std::span<const Payment> rows) = 0;
  virtual void insert_allocations(std::span<const Allocation> rows) = 0;

  //! Rewrites every column of the row with the same `id`.
  virtual void update_customer(const Customer& row) = 0;
  virtual void update_invoice(const Invoice& row) = 0;
  virtual void update_payment(const Payment& row) = 0;
  virtual void update_allocation(const Allocation& row) = 0;

  virtual void insert_changes(std::span<const ChangeRecord> rows) = 0;
  virtual void read_changes(const std::function<void(const ChangeRecord&)>& row) = 0;

 protected:
  Store() = default;
};

}  // namespace huikuan

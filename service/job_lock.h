#pragma once
// Singleton jobs across server instances: the daily run and imports take a database-wide lock
// (Store::try_lock_job), so that of several instances on one database exactly one runs them.

#include <optional>
#include <string>

#include "store/store.h"

namespace huikuan {

//! "host:pid" of this process: who holds a job lock or an outbox claim.
std::string this_process();

//! A held job lock; released when destroyed. `store` must outlive it.
class JobLock {
 public:
  //! The lock of job `name`, or nullopt while another process (or thread) holds it.
  static std::optional<JobLock> try_take(Store& store, std::string name);
  JobLock(JobLock&& other) noexcept : store_(other.store_), name_(std::move(other.name_)) {
    other.store_ = nullptr;
  }
  JobLock& operator=(JobLock&&) = delete;
  ~JobLock();

 private:
  JobLock(Store& store, std::string name) : store_(&store), name_(std::move(name)) {}
  Store* store_;
  std::string name_;
};

}  // namespace huikuan

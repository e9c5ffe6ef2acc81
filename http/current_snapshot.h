#pragma once
// The ledger snapshot the server answers from. Readers take a reference-counted copy without
// locking; a refresh publishes the next version and readers still holding the old one finish
// with it (DESIGN: "readers never lock").

#include <atomic>
#include <memory>

#include "engine/snapshot.h"

namespace huikuan::http {

class CurrentSnapshot {
 public:
  //! The current snapshot, or null before the first one is published.
  std::shared_ptr<const Snapshot> get() const { return current_.load(std::memory_order_acquire); }
  //! Replaces the current snapshot; thread-safe.
  void publish(std::shared_ptr<const Snapshot> snapshot) {
    current_.store(std::move(snapshot), std::memory_order_release);
  }

 private:
  std::atomic<std::shared_ptr<const Snapshot>> current_;
};

}  // namespace huikuan::http

#include "http/ledger_follower.h"

#include <spdlog/spdlog.h>

#include "http/admin_routes.h"

namespace huikuan::http {

LedgerFollower::LedgerFollower(ApiContext& api, std::chrono::milliseconds every)
    : api_(api), every_(every) {
  // The stamp as of now: a change made from here on is followed even before the first tick.
  if (auto opened = Store::open(api_.stores.location())) {
    try {
      seen_ = (*opened)->ledger_stamp();
      seen_collections_ = (*opened)->collection_version();
      store_ = *std::move(opened);
    } catch (const std::exception&) {
    }
  }
  thread_ = std::thread([this] { loop(); });
}

LedgerFollower::~LedgerFollower() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void LedgerFollower::loop() {
  std::unique_ptr<Store>& store = store_;
  std::string& seen = seen_;
  int64_t& seen_collections = seen_collections_;
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, every_, [this] { return stopping_; })) {
    if (!api_.snapshot.get()) continue;  // the first load is still running
    lock.unlock();
    try {
      if (!store) {
        auto opened = Store::open(api_.stores.location());
        if (!opened) throw std::runtime_error(opened.error().to_string());
        store = *std::move(opened);
      }
      const std::string stamp = store->ledger_stamp();
      const int64_t collections = store->collection_version();
      if (collections != seen_collections) {
        // Promises, disputes and plans are read from the database: cached worklists only
        // need rebuilding.
        if (seen_collections >= 0) api_.collection_version->fetch_add(1, std::memory_order_acq_rel);
        seen_collections = collections;
      }
      if (seen.empty()) {
        seen = stamp;
      } else if (stamp != seen) {
        // The ledger's documents come with the reloaded snapshot.
        api_.collection_version->fetch_add(1, std::memory_order_acq_rel);
        if (auto refreshed = try_refresh_snapshot(api_)) {  // busy: try at the next tick
          if (!*refreshed) {
            spdlog::error("snapshot refresh failed: {}", refreshed->error().to_string());
          }
          seen = stamp;
        }
      }
    } catch (const std::exception& e) {
      spdlog::error("following the ledger: {}", e.what());
      store.reset();  // reconnect at the next tick
    }
    lock.lock();
  }
}

}  // namespace huikuan::http

#pragma once
// Several server instances on one database: each follows the database's ledger version (bumped
// by every committed change to the ledger or the collection state, whichever instance or CLI
// made it) and, when it moves, rebuilds its cached worklists and reloads its snapshot, so a
// write on one instance shows in reads on the others within a second.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "http/api.h"

namespace huikuan::http {

class LedgerFollower {
 public:
  //! Starts polling every `every` on a connection of its own; `api` must outlive the follower.
  LedgerFollower(ApiContext& api, std::chrono::milliseconds every);
  //! Stops the thread after the reload in progress.
  ~LedgerFollower();
  LedgerFollower(const LedgerFollower&) = delete;
  LedgerFollower& operator=(const LedgerFollower&) = delete;

 private:
  void loop();

  ApiContext& api_;
  std::chrono::milliseconds every_;
  std::unique_ptr<Store> store_;  //!< the follower's own connection
  std::string seen_;              //!< the ledger stamp this instance's caches and snapshot reflect
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace huikuan::http

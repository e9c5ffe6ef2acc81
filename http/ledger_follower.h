#pragma once
// Several server instances on one database: each follows the database's two versions, bumped by
// every committed change whichever instance or CLI made it. When the collection version moves
// (a promise, dispute or payment plan), it rebuilds its cached worklists; when the ledger
// version moves (an import, an assignment), it reloads its snapshot too. So a write on one
// instance shows in reads on the others within a second, and only a change to the documents
// costs a reload.

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
  std::unique_ptr<Store> store_;   //!< the follower's own connection
  std::string seen_;               //!< the ledger stamp this instance's caches and snapshot reflect
  int64_t seen_collections_ = -1;  //!< the collection version its worklists reflect (-1: none)
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace huikuan::http

#pragma once
// The worklist, built once per (ledger snapshot, policy, as-of date, collection-state version)
// and sliced per collector for each request: building it at 1M customers takes seconds, a page
// of it must take microseconds. The JSON of every item is written once, when it is built, by
// the CLI's own writer (service/collection_output.h).
//
// Invalidation: a new snapshot or policy is a new pointer, so a new key. Promises, disputes and
// payment plans are not in the snapshot: ApiContext::collection_version counts their changes,
// bumped after commit by whatever changes them in the server. A build reads the version before
// it loads the state, so a change committed during a build leaves it at the older version and
// the next request builds again; a stale list is never served for a newer version. Entries of
// another snapshot, policy or version than the request's are dropped; of the current ones the
// least recently used beyond `capacity` dates are.

#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/date.h"
#include "core/error.h"
#include "engine/snapshot.h"
#include "engine/worklist.h"
#include "ledger/policy.h"

namespace huikuan::http {

//! One built worklist: the items' JSON in rank order and, per collector, their positions.
class BuiltWorklist {
 public:
  explicit BuiltWorklist(const std::vector<WorklistItem>& items);

  size_t size() const { return ends_.size(); }
  //! The JSON object of item `k` (rank order, 0 = first).
  std::string_view item(size_t k) const {
    const size_t begin = k == 0 ? 0 : ends_[k - 1];
    return std::string_view(text_).substr(begin, ends_[k] - begin);
  }
  //! Positions of `collector`'s items, in rank order (empty for an unknown collector).
  const std::vector<uint32_t>& of_collector(const std::string& collector) const;

 private:
  std::string text_;
  std::vector<size_t> ends_;
  std::unordered_map<std::string, std::vector<uint32_t>> by_collector_;
};

class WorklistCache {
 public:
  explicit WorklistCache(size_t capacity = 4) : capacity_(capacity) {}

  //! The worklist of the whole ledger as of `as_of`, built with the state `load_state` returns
  //! when no list for this key is cached; callers asking for the same key meanwhile wait for
  //! that one build. Fails as build_worklist fails (a policy currency it does not know).
  Result<std::shared_ptr<const BuiltWorklist>> get(
      const std::shared_ptr<const Snapshot>& snapshot, const std::shared_ptr<const Policy>& policy,
      Date as_of, uint64_t version, const std::function<CollectionState()>& load_state);

  //! How many worklists were built (for tests: a cached page builds nothing).
  uint64_t builds() const;

 private:
  using Value = Result<std::shared_ptr<const BuiltWorklist>>;
  struct Entry {
    // The pointers are held so that a freed snapshot's address cannot name a new one.
    std::shared_ptr<const Snapshot> snapshot;
    std::shared_ptr<const Policy> policy;
    Date as_of;
    uint64_t version = 0;
    std::shared_future<Value> value;
    uint64_t used = 0;
  };

  size_t capacity_;
  mutable std::mutex mutex_;
  std::vector<Entry> entries_;
  uint64_t tick_ = 0;
  uint64_t builds_ = 0;
};

}  // namespace huikuan::http

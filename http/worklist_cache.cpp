#include "http/worklist_cache.h"

#include <algorithm>

#include "service/collection_output.h"

namespace huikuan::http {

BuiltWorklist::BuiltWorklist(const std::vector<WorklistItem>& items) {
  ends_.reserve(items.size());
  for (size_t k = 0; k < items.size(); ++k) {
    text_ += worklist_item_json(items[k]).dump();
    ends_.push_back(text_.size());
    by_collector_[items[k].collector].push_back(static_cast<uint32_t>(k));
  }
  text_.shrink_to_fit();
}

const std::vector<uint32_t>& BuiltWorklist::of_collector(const std::string& collector) const {
  static const std::vector<uint32_t> kNone;
  const auto found = by_collector_.find(collector);
  return found == by_collector_.end() ? kNone : found->second;
}

Result<std::shared_ptr<const BuiltWorklist>> WorklistCache::get(
    const std::shared_ptr<const Snapshot>& snapshot, const std::shared_ptr<const Policy>& policy,
    Date as_of, uint64_t version, const std::function<CollectionState()>& load_state) {
  std::promise<Value> building;
  std::shared_future<Value> value;
  {
    std::lock_guard lock(mutex_);
    std::erase_if(entries_, [&](const Entry& e) {
      return e.snapshot != snapshot || e.policy != policy || e.version != version;
    });
    const auto found = std::find_if(entries_.begin(), entries_.end(),
                                    [&](const Entry& e) { return e.as_of == as_of; });
    if (found != entries_.end()) {
      found->used = ++tick_;
      value = found->value;
    } else {
      if (entries_.size() >= capacity_) {
        entries_.erase(
            std::min_element(entries_.begin(), entries_.end(),
                             [](const Entry& a, const Entry& b) { return a.used < b.used; }));
      }
      entries_.push_back(
          {snapshot, policy, as_of, version, building.get_future().share(), ++tick_});
      ++builds_;
    }
  }
  if (value.valid()) return value.get();

  Value built = [&]() -> Value {
    try {
      const CollectionState state = load_state();
      auto items = build_worklist(*snapshot, state, *policy, as_of);
      if (!items) return tl::unexpected(items.error());
      return std::make_shared<const BuiltWorklist>(*items);
    } catch (...) {
      // Waiters must not hang on a build that threw; they and the caller see the exception.
      building.set_exception(std::current_exception());
      std::lock_guard lock(mutex_);
      std::erase_if(entries_, [&](const Entry& e) {
        return e.snapshot == snapshot && e.policy == policy && e.version == version &&
               e.as_of == as_of;
      });
      throw;
    }
  }();
  if (!built) {
    // A failure is not kept: the next request tries again.
    std::lock_guard lock(mutex_);
    std::erase_if(entries_, [&](const Entry& e) {
      return e.snapshot == snapshot && e.policy == policy && e.version == version &&
             e.as_of == as_of;
    });
  }
  building.set_value(built);
  return built;
}

uint64_t WorklistCache::builds() const {
  std::lock_guard lock(mutex_);
  return builds_;
}

}  // namespace huikuan::http

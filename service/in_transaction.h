#pragma once
// Internal to service/: a use case's work in one write transaction, handing out its value.

#include <functional>

#include "core/error.h"
#include "store/store.h"

namespace huikuan {

//! Runs `work` in one Store::transaction and returns its value; a failure rolls back.
template <class T>
Result<T> in_transaction(Store& store, const std::function<Result<T>()>& work) {
  Result<T> value = fail("not run");
  auto done = store.transaction([&]() -> Result<void> {
    value = work();
    if (!value) return tl::unexpected(value.error());
    return {};
  });
  if (!done) return tl::unexpected(done.error());
  return value;
}

}  // namespace huikuan

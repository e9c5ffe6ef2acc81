#pragma once
// Builds the in-memory ledger snapshot from a store.

#include <memory>

#include "engine/snapshot.h"
#include "store/store.h"

namespace huikuan {

//! Reads the whole ledger (amount columns only) and builds its snapshot.
Result<std::shared_ptr<const Snapshot>> load_snapshot(Store& store);

}  // namespace huikuan

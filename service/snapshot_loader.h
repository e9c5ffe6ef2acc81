#pragma once
// Builds the in-memory ledger snapshot from a store, through an optional cache file.

#include <memory>
#include <string>

#include "engine/snapshot.h"
#include "store/store.h"

namespace huikuan {

//! Reads the whole ledger (amount columns only) and builds its snapshot. With a `cache_path`,
//! a snapshot file stamped with the store's ledger_stamp() is used while it is current, and
//! (re)written when it is not, so reports after the first start without reading every row.
Result<std::shared_ptr<const Snapshot>> load_snapshot(Store& store,
                                                      const std::string& cache_path = {});

//! Writes `snapshot` as the cache file for the ledger state `stamp` (Store::ledger_stamp()).
//! A cache that cannot be written only costs speed later, so failures are ignored.
void save_snapshot_cache(const std::string& cache_path, const std::string& stamp,
                         const Snapshot& snapshot);

//! The cache file that belongs to a database location: beside a SQLite file
//! ("data/huikuan.db.snapshot"); for a PostgreSQL URL, a file named by its digest in
//! $HUIKUAN_CACHE_DIR (set but empty: no cache), else $XDG_CACHE_HOME/huikuan, else
//! ~/.cache/huikuan; "" when there is none.
std::string snapshot_cache_path(const std::string& db_location);

}  // namespace huikuan

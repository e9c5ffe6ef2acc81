#pragma once
// The embedded default store: one SQLite file in WAL mode with foreign keys enforced.

#include <memory>
#include <string>

#include "store/store.h"

namespace huikuan {

//! Opens or creates the SQLite database at `path` and migrates it.
Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path);

}  // namespace huikuan

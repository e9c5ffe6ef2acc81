#include "store/store.h"

#include <fmt/format.h>

#include "store/sqlite/sqlite_store.h"

namespace huikuan {

Result<std::unique_ptr<Store>> Store::open(std::string_view location) {
  if (location.starts_with("postgresql://") || location.starts_with("postgres://")) {
    return fail(fmt::format("'{}': PostgreSQL is not supported yet; use a SQLite file", location),
                "--db");
  }
  if (location.starts_with("sqlite:")) location.remove_prefix(7);
  if (location.empty()) return fail("no database given", "--db");
  return open_sqlite_store(std::string(location));
}

}  // namespace huikuan

#include "store/store.h"

#include <fmt/format.h>

#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"

namespace huikuan {

std::string sqlite_file(std::string_view location) {
  if (location.starts_with("sqlite:")) location.remove_prefix(7);
  if (location.find("://") != std::string_view::npos || location == ":memory:") return "";
  return std::string(location);
}

Result<std::unique_ptr<Store>> Store::open(std::string_view location) {
  if (location.starts_with("postgresql://") || location.starts_with("postgres://")) {
    return open_postgres_store(std::string(location));
  }
  const std::string file = sqlite_file(location);
  if (file.empty()) return fail("no database given", "--db");
  return open_sqlite_store(file);
}

}  // namespace huikuan

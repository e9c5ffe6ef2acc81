#pragma once
// `huikuan migrate --from sqlite:FILE --to postgresql://…`: copies a whole installation, every
// table and row with its ids, from a SQLite file into an empty PostgreSQL database.

#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"

namespace huikuan {

//! Rows of one table in the source and, after the copy, in the target.
struct TableCount {
  std::string table;
  int64_t source = 0;
  int64_t target = 0;
};

//! Copies every table of the SQLite store `sqlite_path` (migrated to the current schema first)
//! into the PostgreSQL store `postgres_url` in one transaction, keeping ids, then compares the
//! row counts. The target must hold no data: a failure, or a second run, changes nothing.
Result<std::vector<TableCount>> copy_installation(const std::string& sqlite_path,
                                                  const std::string& postgres_url);

}  // namespace huikuan

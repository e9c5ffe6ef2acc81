#pragma once
// `huikuan backup` for the SQLite store: a consistent copy of the database file while the
// server keeps running, through SQLite's online backup API.

#include <cstdint>
#include <string>

#include "core/error.h"

namespace huikuan {

//! Copies the SQLite database at `from_path` to the new file `to_path`, returning the number of
//! pages copied (the copy's size in pages). The copy is one consistent snapshot of the source:
//! if another connection writes meanwhile, SQLite restarts the copy from that later state.
//!
//! - Copies 1024 pages at a time and sleeps between steps, so the server's writers are not
//!   held up for long (in WAL mode, the server's default, they are not held up at all).
//! - Refuses when `to_path` exists (nothing is overwritten), and when `to_path`.tmp exists (a
//!   backup to the same file is running, or an interrupted one left it: remove it).
//! - Writes `to_path`.tmp, checks it with PRAGMA quick_check, syncs it and only then renames
//!   it to `to_path`: an interrupted backup leaves no `to_path`, a successful one a verified
//!   file. Fails (with the .tmp removed) on any error.
//! - `from_path` must exist: no database is created there, and its data is left as it is.
Result<int64_t> backup_sqlite(const std::string& from_path, const std::string& to_path);

}  // namespace huikuan

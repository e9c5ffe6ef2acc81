#pragma once
// Whole files in and out, with errors that name the file.

#include <string>
#include <string_view>

#include "core/error.h"

namespace huikuan {

//! The bytes of the file at `path`; "cannot open" with the path as `where` otherwise.
Result<std::string> read_file(const std::string& path);

//! Replaces the file at `path` with `bytes` (written beside it, then renamed, so a reader never
//! sees half a file).
Result<void> write_file(const std::string& path, std::string_view bytes);

}  // namespace huikuan

#pragma once
// Source files from ERPs arrive as UTF-8 (with or without BOM) or, from Chinese systems, GB18030.

#include <string>
#include <string_view>

#include "core/error.h"

namespace huikuan {

//! Converts `bytes` in `encoding` ("utf-8" or "gb18030", case-insensitive) to UTF-8 without a
//! BOM. Invalid bytes fail with the line and byte offset, so the user can find them.
Result<std::string> to_utf8(std::string bytes, std::string_view encoding);

}  // namespace huikuan

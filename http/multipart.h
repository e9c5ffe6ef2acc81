#pragma once
// multipart/form-data bodies (RFC 7578), as browsers and `curl -F` upload files: parsed with
// GMime, the MIME library the e-mail channel uses too.

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace huikuan::http {

struct FormPart {
  std::string name;      //!< the form field's name
  std::string filename;  //!< "" for a plain field
  std::string content;   //!< decoded bytes
};

//! The parts of a multipart/form-data body with `content_type` (which carries the boundary).
//! An error when the type is not multipart/form-data or the body is malformed.
Result<std::vector<FormPart>> parse_form_data(std::string_view content_type, std::string_view body);

}  // namespace huikuan::http

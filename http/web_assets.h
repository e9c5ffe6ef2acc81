#pragma once
// The web application (web/, built by `make` into web/dist) served at `/`. Its files are read
// into memory at start-up: a built app is a few megabytes, and serving from memory needs no
// file access per request and cannot be tricked into reading outside the directory.
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "core/error.h"
#include "http/message.h"
#include "http/router.h"

namespace huikuan::http {

class WebAssets {
 public:
  //! Reads every file under `root` (and its precompressed `.gz` sibling, if the build made
  //! one). An error when `root` is not a directory or has no index.html.
  static Result<WebAssets> load(const std::filesystem::path& root);

  //! The answer to GET `path` (percent-decoded): the file, or index.html for a path that
  //! names no file and has no extension (the app's own routes, such as /customers/C0001);
  //! 404 for a missing file. Gzipped when the client accepts it and the build compressed the
  //! file. Hashed files under /assets/ may be cached for a year; index.html is revalidated.
  Response answer(std::string_view path, std::string_view accept_encoding) const;

  size_t file_count() const { return files_.size(); }

 private:
  struct File {
    std::string content_type;
    std::string body;
    std::string gzipped;  //!< empty when the build made no .gz
  };
  std::map<std::string, File, std::less<>> files_;  //!< by URL path, "/index.html"
};

//! Serves `assets` (which must outlive the router) for GET requests outside /api/ that no
//! route matches: public, run on the I/O thread (a copy from memory).
void add_web_app(Router& router, const WebAssets& assets);

//! Where `web_root` points: "" = the app built beside the binary (`<dir of exe>/../web/dist`,
//! as `make` leaves it), otherwise the configured directory.
std::filesystem::path web_root_path(const std::string& web_root);

}  // namespace huikuan::http

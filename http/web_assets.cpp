#include "http/web_assets.h"

#include <fmt/format.h>

#include <fstream>
#include <iterator>
#include <map>
#include <system_error>

namespace huikuan::http {
namespace {

// Content types by extension; a path with another extension (or none) is one of the app's
// own routes, such as /customers/ACME.CN.
const std::map<std::string_view, std::string_view, std::less<>> kTypes{
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".map", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".woff", "font/woff"},
    {".txt", "text/plain; charset=utf-8"},
};

std::string_view content_type_of(const std::filesystem::path& file) {
  auto it = kTypes.find(file.extension().string());
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

Result<std::string> read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad() || !in.is_open()) {
    return fail(fmt::format("cannot read {}", file.string()), "web_root");
  }
  return body;
}

// The browser may run only the app's own scripts; styles may be inline (the charts and grids
// set them), and no other site may frame the app.
constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

}  // namespace

Result<WebAssets> WebAssets::load(const std::filesystem::path& root) {
  std::error_code error;
  if (!std::filesystem::is_directory(root, error)) {
    return fail(
        fmt::format("{} is not a directory (build the web app with `make build`)", root.string()),
        "web_root");
  }
  WebAssets assets;
  for (auto it = std::filesystem::recursive_directory_iterator(root, error);
       !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
    if (!it->is_regular_file() || it->path().extension() == ".gz") continue;
    auto body = read_file(it->path());
    if (!body) return tl::unexpected(body.error());
    File file{std::string(content_type_of(it->path())), *std::move(body), {}};
    const std::filesystem::path gz = it->path().string() + ".gz";
    if (std::filesystem::is_regular_file(gz, error)) {
      auto gzipped = read_file(gz);
      if (!gzipped) return tl::unexpected(gzipped.error());
      file.gzipped = *std::move(gzipped);
    }
    const std::string url = "/" + std::filesystem::relative(it->path(), root).generic_string();
    assets.files_.emplace(url, std::move(file));
  }
  if (error) return fail(fmt::format("cannot list {}: {}", root.string(), error.message()));
  if (!assets.files_.contains("/index.html")) {
    return fail(
        fmt::format("{} has no index.html (build the web app with `make build`)", root.string()),
        "web_root");
  }
  return assets;
}

Response WebAssets::answer(std::string_view path, std::string_view accept_encoding) const {
  auto it = files_.find(path == "/" ? std::string_view("/index.html") : path);
  if (it == files_.end()) {
    const bool names_a_file = path.starts_with("/assets/") ||
                              kTypes.contains(std::filesystem::path(path).extension().string());
    if (names_a_file) return Response::error(Status::not_found, "not_found", "no such file");
    it = files_.find("/index.html");  // a route of the app itself
  }
  const File& file = it->second;
  const bool gzip = !file.gzipped.empty() && accept_encoding.find("gzip") != std::string_view::npos;
  Response response = Response::text(gzip ? file.gzipped : file.body, file.content_type);
  if (gzip) response.headers.emplace_back("Content-Encoding", "gzip");
  if (!file.gzipped.empty()) response.headers.emplace_back("Vary", "Accept-Encoding");
  const bool hashed = it->first.starts_with("/assets/");
  response.headers.emplace_back("Cache-Control",
                                hashed ? "public, max-age=31536000, immutable" : "no-cache");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  if (file.content_type.starts_with("text/html")) {
    response.headers.emplace_back("Content-Security-Policy", kContentSecurityPolicy);
    response.headers.emplace_back("Referrer-Policy", "same-origin");
  }
  return response;
}

void add_web_app(Router& router, const WebAssets& assets) {
  router.set_fallback({Verb::get, "/{web app}",
                       [&assets](const Request& request) {
                         const auto accepted = request.headers.find("Accept-Encoding");
                         return assets.answer(request.path,
                                              accepted == request.headers.end()
                                                  ? std::string_view()
                                                  : std::string_view(accepted->value()));
                       },
                       Permission::kPublic, Work::kInline});
}

std::filesystem::path web_root_path(const std::string& web_root) {
  if (!web_root.empty()) return web_root;
  std::error_code error;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) return "web/dist";
  return (exe.parent_path().parent_path() / "web" / "dist").lexically_normal();
}

}  // namespace huikuan::http

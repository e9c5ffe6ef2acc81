#include "http/web_assets.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace huikuan::http {
namespace {

namespace fs = std::filesystem;

std::string header(const Response& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return {};
}

class WebAssetsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("huikuan-web-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(root_ / "assets");
    write("index.html", "<!doctype html><title>回款</title>");
    write("assets/index-abc123.js", "console.log('app')");
    write("assets/index-abc123.js.gz", "GZIPPED");
    write("favicon.svg", "<svg/>");
    write("robots.txt", "");  // an empty file is a file too
  }
  void TearDown() override { fs::remove_all(root_); }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(root_ / name, std::ios::binary) << text;
  }
  fs::path root_;
};

TEST_F(WebAssetsTest, GivenTheAppsOwnRoute_WhenAsked_ThenIndexHtmlAnswersAndIsRevalidated) {
  const auto assets = WebAssets::load(root_);
  ASSERT_TRUE(assets) << assets.error().message;
  for (const char* path : {"/", "/worklist", "/customers/C0001", "/customers/ACME.CN"}) {
    const Response response = assets->answer(path, "");
    EXPECT_EQ(response.status, Status::ok) << path;
    EXPECT_EQ(response.body, "<!doctype html><title>回款</title>") << path;
    EXPECT_EQ(header(response, "Cache-Control"), "no-cache") << path;
    EXPECT_NE(header(response, "Content-Security-Policy").find("default-src 'self'"),
              std::string::npos);
  }
}

TEST_F(WebAssetsTest, GivenAHashedAsset_WhenTheClientTakesGzip_ThenTheCompressedFileIsCachedLong) {
  const auto assets = WebAssets::load(root_);
  ASSERT_TRUE(assets);
  const Response gzipped = assets->answer("/assets/index-abc123.js", "gzip, deflate, br");
  EXPECT_EQ(gzipped.body, "GZIPPED");
  EXPECT_EQ(header(gzipped, "Content-Encoding"), "gzip");
  EXPECT_EQ(gzipped.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(header(gzipped, "Cache-Control"), "public, max-age=31536000, immutable");
  const Response plain = assets->answer("/assets/index-abc123.js", "");
  EXPECT_EQ(plain.body, "console.log('app')");
  EXPECT_EQ(header(plain, "Content-Encoding"), "");
  EXPECT_EQ(assets->answer("/favicon.svg", "gzip").content_type, "image/svg+xml");
}

TEST_F(WebAssetsTest, GivenAMissingFile_WhenAsked_Then404NotTheApp) {
  const auto assets = WebAssets::load(root_);
  ASSERT_TRUE(assets);
  EXPECT_EQ(assets->answer("/assets/gone-123.js", "").status, Status::not_found);
  EXPECT_EQ(assets->answer("/humans.txt", "").status, Status::not_found);
  EXPECT_EQ(assets->answer("/robots.txt", "").status, Status::ok);
  EXPECT_EQ(assets->answer("/../../etc/passwd.txt", "").status, Status::not_found);
}

TEST_F(WebAssetsTest, GivenNoBuiltApp_WhenLoaded_ThenTheErrorSaysHowToBuildIt) {
  fs::remove(root_ / "index.html");
  const auto without_index = WebAssets::load(root_);
  ASSERT_FALSE(without_index);
  EXPECT_NE(without_index.error().message.find("make build"), std::string::npos);
  EXPECT_FALSE(WebAssets::load(root_ / "missing"));
}

TEST_F(WebAssetsTest, GivenTheRouter_WhenNoApiRouteMatches_ThenOnlyGetsOutsideApiReachTheApp) {
  const auto assets = WebAssets::load(root_);
  ASSERT_TRUE(assets);
  Router router;
  router.add({Verb::get, "/api/v1/things", [](const Request&) { return Response::json("[]"); },
              Permission::kPublic});
  add_web_app(router, *assets);
  EXPECT_EQ(router.match(Verb::get, "/customers/C1").route->pattern, "/{web app}");
  EXPECT_EQ(router.match(Verb::get, "/").route->pattern, "/{web app}");
  EXPECT_EQ(router.match(Verb::get, "/api/v1/things").route->pattern, "/api/v1/things");
  EXPECT_EQ(router.match(Verb::get, "/api/v1/nothing").route, nullptr);  // the API's own 404
  EXPECT_EQ(router.match(Verb::post, "/customers/C1").route, nullptr);
  EXPECT_EQ(router.match(Verb::post, "/api/v1/things").allowed.size(), 1u);  // still 405
}

}  // namespace
}  // namespace huikuan::http

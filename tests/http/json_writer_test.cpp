#include "http/json_writer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace huikuan::http {
namespace {

TEST(JsonWriterTest, GivenTextThatNeedsEscaping_WhenWritten_ThenItReadsBackUnchanged) {
  const std::string note = "客户说 \"下周\" 付\\款\n\t\x01 done";
  JsonWriter w;
  w.object([&] {
    w.field("note", note);
    w.field("amount", "1,234.50");
    w.field("days", int32_t{-3});
    w.field("count", size_t{7});
    w.field("flag", true);
    w.field("missing", std::optional<std::string>());
    w.field("ids", std::vector<std::string>{"INV-1", "INV-2"});
    w.key("dispute");
    w.tree(nlohmann::ordered_json{{"sla", "ok"}});
  });
  EXPECT_EQ(w.text().find('\n'), std::string::npos);  // compact, like dump()
  const auto read = nlohmann::json::parse(w.text());
  EXPECT_EQ(read["note"], note);
  EXPECT_EQ(read["days"], -3);
  EXPECT_EQ(read["count"], 7);
  EXPECT_EQ(read["flag"], true);
  EXPECT_TRUE(read["missing"].is_null());
  EXPECT_EQ(read["ids"], nlohmann::json::array({"INV-1", "INV-2"}));
  EXPECT_EQ(read["dispute"]["sla"], "ok");
}

TEST(JsonWriterTest, GivenANestedAnswer_WhenWritten_ThenItEqualsTheTreeDump) {
  nlohmann::ordered_json tree = {{"as_of", "2026-06-30"},
                                 {"items", {{{"id", "C1"}, {"open", "10.00"}}, {{"id", "C2"}}}},
                                 {"total", 2}};
  JsonWriter w;
  w.object([&] {
    w.field("as_of", "2026-06-30");
    w.array_field("items", [&] {
      w.object([&] {
        w.field("id", "C1");
        w.field("open", "10.00");
      });
      w.object([&] { w.field("id", "C2"); });
    });
    w.field("total", 2);
  });
  EXPECT_EQ(w.text(), tree.dump());
}

TEST(JsonWriterTest, GivenTextThatIsNotUtf8_WhenWritten_ThenItThrowsRatherThanWriteBadJson) {
  JsonWriter w;
  EXPECT_THROW(w.object([&] { w.field("name", std::string("\xff\xfe GB18030?")); }),
               std::invalid_argument);
}

}  // namespace
}  // namespace huikuan::http

// A JSON answer written straight into its text (RapidJSON's Writer), for the views that answer
// the most requests. Building an nlohmann tree first and then dumping it allocated and freed a
// node per value and copied every string twice: about a quarter of the customer 360 view's
// CPU (docs/design.md, "JSON").
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <concepts>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace huikuan::http {

class JsonWriter {
 public:
  //! A string (its UTF-8 is checked: the text would not be JSON otherwise), a number, a flag,
  //! null, an optional of one of these (null when empty) or a vector of them (an array).
  void value(std::string_view text) {
    check(writer_.String(text.data(), static_cast<rapidjson::SizeType>(text.size())));
  }
  void value(const char* text) { value(std::string_view(text)); }
  template <std::integral T>
  void value(T number) {
    if constexpr (std::same_as<T, bool>) {
      check(writer_.Bool(number));
    } else if constexpr (std::signed_integral<T>) {
      check(writer_.Int64(number));
    } else {
      check(writer_.Uint64(number));
    }
  }
  void value(std::nullptr_t) { check(writer_.Null()); }
  template <class T>
  void value(const std::optional<T>& maybe) {
    maybe ? value(*maybe) : value(nullptr);
  }
  template <class T>
  void value(const std::vector<T>& items) {
    array([&] {
      for (const T& item : items) value(item);
    });
  }
  //! A value built as an nlohmann tree elsewhere (the small, shared parts of a view).
  void tree(const nlohmann::ordered_json& json) {
    const std::string text = json.dump();
    check(writer_.RawValue(text.data(), text.size(), rapidjson::kObjectType));
  }

  //! An object or array whose members or elements `body` writes.
  template <class Body>
  void object(Body&& body) {
    check(writer_.StartObject());
    body();
    check(writer_.EndObject());
  }
  template <class Body>
  void array(Body&& body) {
    check(writer_.StartArray());
    body();
    check(writer_.EndArray());
  }

  //! The member `name` with a value (as value() takes), or with the object or array `body`
  //! writes.
  void key(std::string_view name) {
    check(writer_.Key(name.data(), static_cast<rapidjson::SizeType>(name.size())));
  }
  template <class T>
  void field(std::string_view name, const T& v) {
    key(name);
    value(v);
  }
  template <class Body>
  void object_field(std::string_view name, Body&& body) {
    key(name);
    object(body);
  }
  template <class Body>
  void array_field(std::string_view name, Body&& body) {
    key(name);
    array(body);
  }

  //! The text written so far.
  std::string text() const { return std::string(buffer_.GetString(), buffer_.GetSize()); }

 private:
  static void check(bool ok) {
    if (!ok) throw std::invalid_argument("JSON answer: text that is not valid UTF-8");
  }

  rapidjson::StringBuffer buffer_;
  rapidjson::Writer<rapidjson::StringBuffer, rapidjson::UTF8<>, rapidjson::UTF8<>,
                    rapidjson::CrtAllocator, rapidjson::kWriteValidateEncodingFlag>
      writer_{buffer_};
};

}  // namespace huikuan::http

#include "io/text_encoding.h"

#include <fmt/format.h>
#include <unicode/ucnv.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <memory>

namespace huikuan {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return out;
}

size_t line_at(std::string_view text, size_t offset) {
  return 1 + static_cast<size_t>(std::count(text.begin(), text.begin() + offset, '\n'));
}

Result<std::string> validate_utf8(std::string bytes) {
  if (bytes.starts_with("\xEF\xBB\xBF")) bytes.erase(0, 3);
  const auto* data = reinterpret_cast<const uint8_t*>(bytes.data());
  const int32_t length = static_cast<int32_t>(bytes.size());
  int32_t i = 0;
  while (i < length) {
    if (data[i] < 0x80) {  // ASCII fast path
      ++i;
      continue;
    }
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(data, i, length, c);
    if (c < 0) {
      return fail(
          fmt::format("line {}: invalid UTF-8 at byte {} (is the file GB18030? use "
                      "--encoding gb18030)",
                      line_at(bytes, static_cast<size_t>(start)), start));
    }
  }
  return bytes;
}

Result<std::string> gb18030_to_utf8(const std::string& bytes) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UConverter, decltype(&ucnv_close)> converter(ucnv_open("GB18030", &status),
                                                               ucnv_close);
  if (U_FAILURE(status)) {
    return fail(fmt::format("GB18030 converter unavailable: {}", u_errorName(status)));
  }
  ucnv_setToUCallBack(converter.get(), UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &status);
  // Every GB18030 byte sequence decodes to at most one UTF-16 unit per byte.
  std::u16string utf16(bytes.size() + 1, u'\0');
  UChar* target = utf16.data();
  const char* source = bytes.data();
  ucnv_toUnicode(converter.get(), &target, utf16.data() + utf16.size(), &source,
                 bytes.data() + bytes.size(), nullptr, true, &status);
  if (U_FAILURE(status)) {
    // The converter stops just past the offending bytes.
    const size_t offset = static_cast<size_t>(source - bytes.data());
    return fail(
        fmt::format("line {}: invalid GB18030 near byte {}", line_at(bytes, offset), offset));
  }
  const auto units = static_cast<int32_t>(target - utf16.data());
  std::string utf8(static_cast<size_t>(units) * 3, '\0');
  int32_t written = 0;
  u_strToUTF8(utf8.data(), static_cast<int32_t>(utf8.size()), &written, utf16.data(), units,
              &status);
  if (U_FAILURE(status))
    return fail(fmt::format("cannot convert to UTF-8: {}", u_errorName(status)));
  utf8.resize(static_cast<size_t>(written));
  if (utf8.starts_with("\xEF\xBB\xBF")) utf8.erase(0, 3);
  return utf8;
}

}  // namespace

Result<std::string> to_utf8(std::string bytes, std::string_view encoding) {
  const std::string name = lower(encoding);
  if (name == "utf-8" || name == "utf8") return validate_utf8(std::move(bytes));
  if (name == "gb18030" || name == "gbk" || name == "gb2312") return gb18030_to_utf8(bytes);
  return fail(fmt::format("unsupported encoding '{}' (use utf-8 or gb18030)", encoding),
              "--encoding");
}

}  // namespace huikuan

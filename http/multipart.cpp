#include "http/multipart.h"

#include <gmime/gmime.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>

namespace huikuan::http {
namespace {

struct Unref {
  void operator()(void* object) const {
    if (object) g_object_unref(object);
  }
};
template <class T>
using Ref = std::unique_ptr<T, Unref>;

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) ==
                  std::tolower(static_cast<unsigned char>(b));
         });
}

}  // namespace

Result<std::vector<FormPart>> parse_form_data(std::string_view content_type,
                                              std::string_view body) {
  if (!starts_with_ignoring_case(content_type, "multipart/form-data")) {
    return fail("expected multipart/form-data with one part per file", "Content-Type");
  }
  static std::once_flag initialised;
  std::call_once(initialised, [] { g_mime_init(); });

  // GMime parses a MIME entity: the Content-Type header, a blank line, the body.
  std::string entity = "Content-Type: ";
  entity.append(content_type).append("\r\n\r\n").append(body);
  Ref<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(entity.data(), entity.size()));
  Ref<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  Ref<GMimeObject> object(g_mime_parser_construct_part(parser.get(), nullptr));
  if (!object || !GMIME_IS_MULTIPART(object.get())) {
    return fail("the body is not a multipart/form-data entity with a boundary", "body");
  }
  auto* multipart = GMIME_MULTIPART(object.get());
  std::vector<FormPart> parts;
  for (int i = 0; i < g_mime_multipart_get_count(multipart); ++i) {
    GMimeObject* child = g_mime_multipart_get_part(multipart, i);
    if (!GMIME_IS_PART(child)) return fail("nested multipart parts are not accepted", "body");
    auto* part = GMIME_PART(child);
    FormPart form;
    if (const char* name = g_mime_object_get_content_disposition_parameter(child, "name")) {
      form.name = name;
    }
    if (const char* filename = g_mime_part_get_filename(part)) form.filename = filename;
    if (GMimeDataWrapper* content = g_mime_part_get_content(part)) {
      Ref<GMimeStream> out(g_mime_stream_mem_new());
      g_mime_data_wrapper_write_to_stream(content, out.get());
      GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out.get()));
      form.content.assign(reinterpret_cast<const char*>(bytes->data), bytes->len);
    }
    parts.push_back(std::move(form));
  }
  return parts;
}

}  // namespace huikuan::http

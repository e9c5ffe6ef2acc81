#include "notify/curl_transfer.h"

#include <mutex>
#include <stdexcept>

namespace huikuan::notify::detail {

CurlHandle new_transfer(long timeout_seconds) {
  static std::once_flag initialised;
  std::call_once(initialised, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      throw std::runtime_error("libcurl cannot be initialised");
    }
  });
  CurlHandle handle(curl_easy_init());
  if (!handle) throw std::runtime_error("libcurl cannot create a transfer");
  curl_easy_setopt(handle.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle.get(), CURLOPT_CONNECTTIMEOUT, timeout_seconds);
  curl_easy_setopt(handle.get(), CURLOPT_TIMEOUT, timeout_seconds);
  return handle;
}

void append(CurlList& list, const std::string& item) {
  curl_slist* grown = curl_slist_append(list.get(), item.c_str());
  if (grown == nullptr) throw std::bad_alloc();
  (void)list.release();
  list.reset(grown);
}

std::string trimmed_response(std::string_view text) {
  constexpr size_t kMaxBytes = 2048;
  constexpr std::string_view kSpace = " \t\r\n";
  const size_t begin = text.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  text = text.substr(begin, text.find_last_not_of(kSpace) - begin + 1);
  if (text.size() <= kMaxBytes) return std::string(text);
  size_t cut = kMaxBytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut));
}

std::string describe(CURLcode code, const char* error_buffer) {
  if (error_buffer != nullptr && error_buffer[0] != '\0') return error_buffer;
  return curl_easy_strerror(code);
}

bool is_permanent(CURLcode code) {
  return code == CURLE_URL_MALFORMAT || code == CURLE_UNSUPPORTED_PROTOCOL ||
         code == CURLE_LOGIN_DENIED;
}

}  // namespace huikuan::notify::detail

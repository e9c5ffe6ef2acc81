#pragma once
// Internal: what the SMTP and the webhook transports share about libcurl.

#include <curl/curl.h>

#include <memory>
#include <string>
#include <string_view>

namespace huikuan::notify::detail {

struct CurlCleanup {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
using CurlHandle = std::unique_ptr<CURL, CurlCleanup>;

struct SlistCleanup {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using CurlList = std::unique_ptr<curl_slist, SlistCleanup>;

//! A new easy handle (libcurl initialised once per process first) set to never raise signals
//! and to give up after `timeout_seconds` for connecting and for the whole transfer.
CurlHandle new_transfer(long timeout_seconds);

//! Appends `item` to `list` (libcurl's lists grow by reallocation of their head).
void append(CurlList& list, const std::string& item);

//! `text` without surrounding white space, cut to at most 2 KB on a UTF-8 boundary.
std::string trimmed_response(std::string_view text);

//! The error of a failed transfer: the handle's error buffer, or libcurl's text for `code`.
std::string describe(CURLcode code, const char* error_buffer);

//! Failures that the same request cannot get past on a later try (a malformed URL, a scheme
//! libcurl lacks, credentials refused); every other transport failure is transient.
bool is_permanent(CURLcode code);

}  // namespace huikuan::notify::detail

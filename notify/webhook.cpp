#include "notify/webhook.h"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "notify/curl_transfer.h"

namespace huikuan::notify {
namespace {

using nlohmann::json;

// Invalid UTF-8 from a caller becomes U+FFFD rather than an exception.
std::string dumped(const json& body) {
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

// The status line and body of an HTTP answer, as libcurl hands them out.
struct HttpAnswer {
  std::string status_line;
  std::string body;
};

size_t take_header(char* data, size_t size, size_t count, void* user) {
  std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    static_cast<HttpAnswer*>(user)->status_line = std::string(line);
  }
  return size * count;
}

size_t take_body(char* data, size_t size, size_t count, void* user) {
  constexpr size_t kKeptBytes = 64 * 1024;  // enough for any robot's JSON answer
  auto& body = static_cast<HttpAnswer*>(user)->body;
  body.append(data, std::min(size * count, kKeptBytes - std::min(kKeptBytes, body.size())));
  return size * count;
}

bool transient_status(long status) {
  return status == 408 || status == 429 || status >= 500;
}

// The robots' configuration errors (a wrong or revoked webhook key, a signature or keyword
// or IP check failed): no retry of the same request can succeed.
bool permanent_robot_error(int64_t errcode) {
  return errcode == 93000 || errcode == 310000;
}

std::string url_encoded(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

struct Posted {
  SendOutcome outcome;
  std::string body;  // the answer's body, as far as kept
};

Posted post(const std::string& url, const std::string& json_body, const std::string& bearer_token,
            std::chrono::seconds timeout) {
  HttpAnswer answer;
  char error[CURL_ERROR_SIZE] = "";
  detail::CurlList headers;
  detail::append(headers, "Content-Type: application/json; charset=utf-8");
  if (!bearer_token.empty()) detail::append(headers, "Authorization: Bearer " + bearer_token);

  detail::CurlHandle curl = detail::new_transfer(static_cast<long>(timeout.count()));
  CURL* handle = curl.get();
  curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(handle, CURLOPT_POSTFIELDS, json_body.data());
  curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(json_body.size()));
  curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, take_header);
  curl_easy_setopt(handle, CURLOPT_HEADERDATA, &answer);
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, take_body);
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, &answer);

  const CURLcode code = curl_easy_perform(handle);
  if (code != CURLE_OK) {
    return {SendOutcome{false, detail::is_permanent(code), detail::describe(code, error)}, {}};
  }
  long status = 0;
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
  const bool delivered = status >= 200 && status < 300;
  return {SendOutcome{delivered, !delivered && !transient_status(status),
                      detail::trimmed_response(answer.status_line + "\n" + answer.body)},
          std::move(answer.body)};
}

}  // namespace

SendOutcome post_json(const std::string& url, const std::string& json_body,
                      const std::string& bearer_token, std::chrono::seconds timeout) {
  return post(url, json_body, bearer_token, timeout).outcome;
}

std::string sms_body(const std::string& to_phone, const std::string& text,
                     const std::string& message_id) {
  return dumped({{"to", to_phone}, {"text", text}, {"message_id", message_id}});
}

std::string wecom_text_body(const std::string& text,
                            const std::vector<std::string>& mention_mobiles) {
  return dumped({{"msgtype", "text"},
                 {"text", {{"content", text}, {"mentioned_mobile_list", mention_mobiles}}}});
}

std::string dingtalk_text_body(const std::string& text,
                               const std::vector<std::string>& at_mobiles) {
  return dumped({{"msgtype", "text"},
                 {"text", {{"content", text}}},
                 {"at", {{"atMobiles", at_mobiles}, {"isAtAll", false}}}});
}

std::string dingtalk_signed_url(const std::string& url, const std::string& secret,
                                int64_t timestamp_ms) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium cannot be initialised");
  const std::string timestamp = std::to_string(timestamp_ms);
  const std::string to_sign = timestamp + "\n" + secret;
  crypto_auth_hmacsha256_state state;
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac{};
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()),
                              secret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(to_sign.data()),
                                to_sign.size());
  crypto_auth_hmacsha256_final(&state, mac.data());
  std::array<char, sodium_base64_ENCODED_LEN(crypto_auth_hmacsha256_BYTES,
                                             sodium_base64_VARIANT_ORIGINAL)>
      base64{};
  sodium_bin2base64(base64.data(), base64.size(), mac.data(), mac.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  const char separator = url.find('?') == std::string::npos ? '?' : '&';
  return fmt::format("{}{}timestamp={}&sign={}", url, separator, timestamp,
                     url_encoded(base64.data()));
}

SendOutcome send_im(const ImConfig& config, const std::string& text,
                    const std::vector<std::string>& mention_mobiles, int64_t now_ms) {
  const bool dingtalk = config.kind == ImKind::kDingTalk;
  const std::string url = dingtalk && !config.secret.empty()
                              ? dingtalk_signed_url(config.url, config.secret, now_ms)
                              : config.url;
  const std::string body =
      dingtalk ? dingtalk_text_body(text, mention_mobiles) : wecom_text_body(text, mention_mobiles);
  auto [outcome, answer_body] = post(url, body, {}, config.timeout);
  if (!outcome.delivered) return outcome;
  // The robots answer 200 also when they refuse: {"errcode":N,"errmsg":…}.
  const json answer = json::parse(answer_body, nullptr, false);
  if (answer.is_object() && answer.contains("errcode") && answer["errcode"].is_number_integer()) {
    const auto errcode = answer["errcode"].get<int64_t>();
    if (errcode != 0) {
      outcome.delivered = false;
      outcome.permanent = permanent_robot_error(errcode);
    }
  }
  return outcome;
}

SendOutcome send_sms(const SmsConfig& config, const std::string& to_phone, const std::string& text,
                     const std::string& message_id) {
  return post_json(config.url, sms_body(to_phone, text, message_id), config.token, config.timeout);
}

}  // namespace huikuan::notify

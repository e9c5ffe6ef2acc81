#pragma once
// SMS through a JSON gateway and group-robot messages (WeCom, DingTalk) over HTTP webhooks.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "notify/config.h"
#include "notify/send_outcome.h"

namespace huikuan::notify {

//! POSTs `json_body` to `url`: 2xx delivered; 408, 429, 5xx and network failures transient;
//! any other status permanent. `bearer_token` "" sends no Authorization header.
SendOutcome post_json(const std::string& url, const std::string& json_body,
                      const std::string& bearer_token, std::chrono::seconds timeout);

//! {"to","text","message_id"} for the SMS gateway.
std::string sms_body(const std::string& to_phone, const std::string& text,
                     const std::string& message_id);

//! {"msgtype":"text","text":{"content":…,"mentioned_mobile_list":[…]}}
std::string wecom_text_body(const std::string& text,
                            const std::vector<std::string>& mention_mobiles);

//! {"msgtype":"text","text":{"content":…},"at":{"atMobiles":[…],"isAtAll":false}}
std::string dingtalk_text_body(const std::string& text, const std::vector<std::string>& at_mobiles);

//! DingTalk signing: url + "&timestamp=<ms>&sign=<urlencoded base64 HMAC-SHA256(secret,
//! ts + "\n" + secret)>" ("?" instead of "&" when `url` has no query).
std::string dingtalk_signed_url(const std::string& url, const std::string& secret,
                                int64_t timestamp_ms);

//! Posts `text` to the group robot, mentioning `mention_mobiles`; `now_ms` (Unix time in
//! milliseconds) signs DingTalk requests. A 200 answer whose "errcode" is not 0 is a failure.
SendOutcome send_im(const ImConfig& config, const std::string& text,
                    const std::vector<std::string>& mention_mobiles, int64_t now_ms);

//! Posts one SMS to the gateway; `message_id` lets the gateway drop a repeated request.
SendOutcome send_sms(const SmsConfig& config, const std::string& to_phone, const std::string& text,
                     const std::string& message_id);

}  // namespace huikuan::notify

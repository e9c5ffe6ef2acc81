#pragma once
// Outgoing messages and the evidence of delivered ones (DOMAIN §5, §10, §13). Plain data.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace huikuan {

enum class OutboxStatus : uint8_t { kPending, kSending, kSent, kFailed, kCancelled };

inline const char* outbox_status_name(OutboxStatus status) {
  switch (status) {
    case OutboxStatus::kPending:
      return "pending";
    case OutboxStatus::kSending:
      return "sending";
    case OutboxStatus::kSent:
      return "sent";
    case OutboxStatus::kFailed:
      return "failed";
    case OutboxStatus::kCancelled:
      return "cancelled";
  }
  return "pending";
}

inline std::optional<OutboxStatus> parse_outbox_status(std::string_view text) {
  for (auto s : {OutboxStatus::kPending, OutboxStatus::kSending, OutboxStatus::kSent,
                 OutboxStatus::kFailed, OutboxStatus::kCancelled}) {
    if (text == outbox_status_name(s)) return s;
  }
  return std::nullopt;
}

//! One message to send: rendered when its action was planned. Instants are epoch seconds.
struct OutboxMessage {
  int64_t id = 0;
  std::optional<int64_t> action_id;
  int64_t customer_key = 0;
  std::string customer_id;  //!< external id (filled on reads)
  std::string channel;      //!< email, sms, im
  std::string template_name;
  std::string language;
  std::string recipient;  //!< address, phone, or the IM group ("im")
  std::string subject;
  std::string body;
  std::string letter;  //!< a letter's text: rendered as the attached PDF; "" = none
  std::string message_id;
  OutboxStatus status = OutboxStatus::kPending;
  int32_t attempts = 0;
  int64_t not_before = 0;
  int64_t planned_at = 0;
  std::string claimed_by;
  int64_t lease_until = 0;
  std::string sent_at;  //!< ISO 8601 UTC
  std::string last_error;
};

//! One delivery attempt.
struct OutboxAttempt {
  int64_t outbox_id = 0;
  int32_t attempt = 0;
  std::string started_at, finished_at;
  std::string outcome;  //!< delivered, retry, failed; "" while in flight
  std::string response;
};

//! A delivered message, kept as evidence.
struct Evidence {
  int64_t id = 0;
  int64_t outbox_id = 0;
  int64_t customer_key = 0;
  std::string channel, template_name, recipient, message_id;
  std::string content;  //!< exactly what was sent (the whole email, the webhook body)
  std::string content_sha256;
  std::string pdf;  //!< the letter, when one was attached
  std::string pdf_sha256;
  std::string planned_at, sent_at;  //!< ISO 8601 UTC
  std::string response;
  bool is_demand = false;  //!< a demand to the customer: restarts the limitation period
  std::vector<int64_t> invoice_keys;
};

//! A stored (edited) message template.
struct TemplateVersion {
  int64_t id = 0;
  std::string name, language, text, sha256, created_at, created_by;
};

}  // namespace huikuan

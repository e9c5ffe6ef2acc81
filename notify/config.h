#pragma once
// The message transports' settings: the [smtp], [sms], [im], [company] and [outbox] tables of
// the server configuration file (config/server.toml).

#include <chrono>
#include <cstdlib>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace huikuan::notify {

enum class StartTls {
  kAuto,      //!< upgrade when the server offers STARTTLS, else send in the clear
  kRequired,  //!< fail unless the connection is upgraded
  kOff,       //!< never upgrade
};

struct SmtpConfig {
  std::string url{};       //!< smtp://host:port (STARTTLS per `starttls`) or smtps://host:port
  std::string username{};  //!< "" = no AUTH
  std::string password{};
  std::string from{};  //!< "Name <addr>" or "addr"
  StartTls starttls = StartTls::kAuto;
  std::chrono::seconds timeout{30};
  std::string ca_file{};  //!< trusted certificates (PEM) instead of the system's; "" = system's
};

//! A generic JSON SMS gateway: POST {"to","text","message_id"}.
struct SmsConfig {
  std::string url{};
  std::string token{};  //!< sent as "Authorization: Bearer"; "" = none
  std::chrono::seconds timeout{30};
};

enum class ImKind { kWeCom, kDingTalk };

//! A group robot's webhook.
struct ImConfig {
  ImKind kind = ImKind::kWeCom;
  std::string url{};
  std::string secret{};  //!< DingTalk signing secret; "" = unsigned
  std::chrono::seconds timeout{30};
};

//! The creditor as letters and messages name it.
struct Company {
  std::string name{};
  std::string address{};
  std::string phone{};
  std::string email{};  //!< "" or an address
  std::string bank_name{};
  std::string bank_account{};
  std::string contact_person{};
};

struct OutboxConfig {
  int max_attempts = 6;                    //!< after this many failed attempts a message fails
  std::chrono::seconds backoff{60};        //!< before the first retry; doubles after each
  std::chrono::seconds send_interval{30};  //!< how often `serve` looks for due messages
};

//! A missing table leaves its channel unconfigured (nullopt); [outbox] has defaults.
struct NotifyConfig {
  std::optional<SmtpConfig> smtp;
  std::optional<SmsConfig> sms;
  std::optional<ImConfig> im;
  std::optional<Company> company;
  OutboxConfig outbox;
};

//! Reads the message tables of `toml_text` and ignores every other table. Unknown keys, wrong
//! types, bad values, missing required keys and unset `*_env` variables (read through
//! `getenv`) are errors located as "source:line" with the key, all of them in file order.
Result<NotifyConfig> parse_notify_config(
    std::string_view toml_text, const std::string& source,
    const std::function<const char*(const char*)>& getenv = ::getenv);

}  // namespace huikuan::notify

#pragma once
// E-mail: the MIME message (GMime) and its delivery to the configured SMTP server (libcurl).

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "notify/config.h"
#include "notify/send_outcome.h"

namespace huikuan::notify {

struct Attachment {
  std::string filename{};      //!< UTF-8
  std::string content_type{};  //!< "type/subtype", e.g. "application/pdf"
  std::string bytes{};
};

struct Email {
  std::string from{};  //!< "Name <addr>" or "addr" (from config)
  std::string to_address{};
  std::string to_name{};  //!< "" = address only
  std::string subject{};  //!< UTF-8
  std::string text{};     //!< UTF-8 plain-text body
  std::vector<Attachment> attachments{};
  //! "<…@…>": given by the caller (the outbox) so a resend after a crash carries the same id.
  std::string message_id{};
  std::string date{};  //!< RFC 5322 date text, given by the caller (deterministic content)
};

struct Mailbox {
  std::string name{};  //!< display name, "" when none
  std::string address{};
};

//! "Name <addr>", "\"Name\" <addr>" or "addr"; an error when there is no plausible address.
Result<Mailbox> parse_mailbox(std::string_view text);

//! The RFC 5322 message (CRLF line ends): UTF-8 subject and display names as RFC 2047 encoded
//! words, a text/plain; charset=utf-8 body (quoted-printable or base64), multipart/mixed with
//! base64 attachments when there are any, Message-ID, Date, MIME-Version. The same `email`
//! always gives the same bytes.
std::string build_message(const Email& email);

//! Hands `email` to the server of `config` (envelope from the address in `email.from`, one
//! recipient). Blocks up to `config.timeout`, twice that when the server stops answering (libcurl
//! then waits as long again for the reply to QUIT); safe to call from several threads at once.
SendOutcome send_email(const SmtpConfig& config, const Email& email);

}  // namespace huikuan::notify

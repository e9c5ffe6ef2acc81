#include "notify/email.h"

#include <fmt/format.h>
#include <gmime/gmime.h>

#include <algorithm>
#include <memory>
#include <mutex>

#include "core/digest.h"
#include "notify/curl_transfer.h"

namespace huikuan::notify {
namespace {

struct GObjectUnref {
  void operator()(void* object) const { g_object_unref(object); }
};
template <class T>
using GPtr = std::unique_ptr<T, GObjectUnref>;

void ensure_gmime() {
  static std::once_flag initialised;
  std::call_once(initialised, [] { g_mime_init(); });
}

std::string_view trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t";
  const size_t begin = text.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  return text.substr(begin, text.find_last_not_of(kSpace) - begin + 1);
}

bool has_control(std::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

bool plausible_address(std::string_view address) {
  constexpr std::string_view kForbidden = " <>()[],;:\"\\";
  const size_t at = address.find('@');
  if (at == 0 || at == std::string_view::npos || at != address.rfind('@')) return false;
  const std::string_view domain = address.substr(at + 1);
  if (domain.empty() || domain.front() == '.' || domain.back() == '.' ||
      domain.find("..") != std::string_view::npos) {
    return false;
  }
  return !has_control(address) && address.find_first_of(kForbidden) == std::string_view::npos;
}

// Header text on one line: a CR or LF from the caller must not start a header of its own.
std::string one_line(std::string_view text) {
  std::string line(text);
  std::replace_if(
      line.begin(), line.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
  return line;
}

// RFC 2045's canonical text: every line ends in CRLF, also inside a base64 body.
std::string with_crlf(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out += '\r';
    out += text[i];
  }
  return out;
}

void add_mailbox(GMimeMessage* message, GMimeAddressType type, const Mailbox& mailbox) {
  GPtr<InternetAddress> address(internet_address_mailbox_new(
      mailbox.name.empty() ? nullptr : mailbox.name.c_str(), mailbox.address.c_str()));
  internet_address_set_charset(address.get(), "utf-8");
  internet_address_list_add(g_mime_message_get_addresses(message, type), address.get());
}

GPtr<GMimeObject> text_part(const std::string& text) {
  GMimeTextPart* part = g_mime_text_part_new_with_subtype("plain");
  g_mime_text_part_set_text(part, with_crlf(text).c_str());
  g_mime_text_part_set_charset(part, "utf-8");
  g_mime_object_encode(GMIME_OBJECT(part), GMIME_ENCODING_CONSTRAINT_7BIT);
  return GPtr<GMimeObject>(GMIME_OBJECT(part));
}

GPtr<GMimeObject> attachment_part(const Attachment& attachment) {
  const size_t slash = attachment.content_type.find('/');
  const bool typed = slash != std::string::npos && slash > 0;
  const std::string type = typed ? attachment.content_type.substr(0, slash) : "application";
  const std::string subtype = typed ? attachment.content_type.substr(slash + 1) : "octet-stream";
  GMimePart* part = g_mime_part_new_with_type(type.c_str(), subtype.c_str());
  g_mime_object_set_disposition(GMIME_OBJECT(part), "attachment");
  g_mime_part_set_filename(part, one_line(attachment.filename).c_str());
  GPtr<GMimeStream> stream(
      g_mime_stream_mem_new_with_buffer(attachment.bytes.data(), attachment.bytes.size()));
  GPtr<GMimeDataWrapper> content(
      g_mime_data_wrapper_new_with_stream(stream.get(), GMIME_CONTENT_ENCODING_DEFAULT));
  g_mime_part_set_content(part, content.get());
  g_mime_part_set_content_encoding(part, GMIME_CONTENT_ENCODING_BASE64);
  return GPtr<GMimeObject>(GMIME_OBJECT(part));
}

// The SMTP conversation as libcurl reports it: the message read out, the server's replies.
struct SmtpExchange {
  explicit SmtpExchange(std::string_view message) : message(message) {}

  std::string_view message;
  size_t sent = 0;
  std::string pending_line;  // a reply line not yet ended by LF
  std::string current;       // the lines of a multi-line reply so far
  std::string last_reply;    // the last complete reply before QUIT
  long last_code = 0;
  bool quitting = false;

  void take_reply_text(std::string_view text) {
    pending_line.append(text);
    for (size_t end; (end = pending_line.find('\n')) != std::string::npos;) {
      std::string line = pending_line.substr(0, end);
      pending_line.erase(0, end + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      const bool continued = line.size() >= 4 && line[3] == '-';
      current += line;
      if (continued) {
        current += '\n';
        continue;
      }
      last_reply = std::move(current);
      current.clear();
    }
  }
};

size_t read_message(char* buffer, size_t size, size_t count, void* user) {
  auto& exchange = *static_cast<SmtpExchange*>(user);
  const size_t n = std::min(size * count, exchange.message.size() - exchange.sent);
  std::copy_n(exchange.message.data() + exchange.sent, n, buffer);
  exchange.sent += n;
  return n;
}

int on_protocol_line(CURL*, curl_infotype type, char* data, size_t size, void* user) {
  auto& exchange = *static_cast<SmtpExchange*>(user);
  const std::string_view text(data, size);
  if (type == CURLINFO_HEADER_OUT && text.starts_with("QUIT")) exchange.quitting = true;
  if (type == CURLINFO_HEADER_IN && !exchange.quitting) exchange.take_reply_text(text);
  return 0;
}

curl_usessl tls_use(const SmtpConfig& config) {
  if (config.url.starts_with("smtps:")) return CURLUSESSL_ALL;
  switch (config.starttls) {
    case StartTls::kRequired:
      return CURLUSESSL_ALL;
    case StartTls::kOff:
      return CURLUSESSL_NONE;
    case StartTls::kAuto:
      break;
  }
  return CURLUSESSL_TRY;
}

SendOutcome refused_before_sending(std::string reason) {
  return SendOutcome{.delivered = false, .permanent = true, .response = std::move(reason)};
}

}  // namespace

Result<Mailbox> parse_mailbox(std::string_view text) {
  text = trim(text);
  Mailbox mailbox;
  std::string_view address = text;
  if (!text.empty() && text.back() == '>') {
    const size_t open = text.rfind('<');
    if (open == std::string_view::npos) return fail(fmt::format("'{}' has an unpaired '>'", text));
    address = text.substr(open + 1, text.size() - open - 2);
    std::string_view name = trim(text.substr(0, open));
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
      name = name.substr(1, name.size() - 2);
    }
    if (has_control(name)) return fail("the display name has a control character");
    mailbox.name = std::string(name);
  }
  if (!plausible_address(address)) {
    return fail(fmt::format(
        "'{}' is not an e-mail address (user@example.com or Name <user@example.com>)", text));
  }
  mailbox.address = std::string(address);
  return mailbox;
}

std::string build_message(const Email& email) {
  ensure_gmime();
  GPtr<GMimeMessage> message(g_mime_message_new(TRUE));
  const auto from = parse_mailbox(email.from);
  add_mailbox(message.get(), GMIME_ADDRESS_TYPE_FROM, from ? *from : Mailbox{{}, email.from});
  add_mailbox(message.get(), GMIME_ADDRESS_TYPE_TO,
              Mailbox{one_line(email.to_name), one_line(email.to_address)});
  g_mime_message_set_subject(message.get(), one_line(email.subject).c_str(), "utf-8");
  g_mime_object_set_header(GMIME_OBJECT(message.get()), "Date", one_line(email.date).c_str(),
                           nullptr);
  std::string_view id = email.message_id;
  if (id.starts_with('<') && id.ends_with('>')) id = id.substr(1, id.size() - 2);
  g_mime_message_set_message_id(message.get(), one_line(id).c_str());

  GPtr<GMimeObject> body = text_part(email.text);
  if (!email.attachments.empty()) {
    GPtr<GMimeMultipart> mixed(g_mime_multipart_new_with_subtype("mixed"));
    // From the Message-ID rather than random, so a resend is byte for byte the same; "=_"
    // cannot occur in base64 or quoted-printable text.
    const std::string boundary = "=_huikuan_" + sha256_hex(email.message_id).substr(0, 32);
    g_mime_multipart_set_boundary(mixed.get(), boundary.c_str());
    g_mime_multipart_add(mixed.get(), body.get());
    for (const Attachment& attachment : email.attachments) {
      g_mime_multipart_add(mixed.get(), attachment_part(attachment).get());
    }
    body.reset(GMIME_OBJECT(mixed.release()));
  }
  g_mime_message_set_mime_part(message.get(), body.get());

  GMimeFormatOptions* options = g_mime_format_options_new();
  g_mime_format_options_set_newline_format(options, GMIME_NEWLINE_FORMAT_DOS);
  GPtr<GMimeStream> out(g_mime_stream_mem_new());
  g_mime_object_write_to_stream(GMIME_OBJECT(message.get()), options, out.get());
  g_mime_format_options_free(options);
  const GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out.get()));
  return std::string(reinterpret_cast<const char*>(bytes->data), bytes->len);
}

SendOutcome send_email(const SmtpConfig& config, const Email& email) {
  const auto from = parse_mailbox(email.from);
  if (!from) return refused_before_sending("bad sender: " + from.error().message);
  const auto to = parse_mailbox(email.to_address);
  if (!to || !to->name.empty()) {
    return refused_before_sending(fmt::format("bad recipient: '{}'", email.to_address));
  }
  const std::string message = build_message(email);
  // Declared before the handle: its cleanup may still report the QUIT exchange.
  SmtpExchange exchange(message);
  char error[CURL_ERROR_SIZE] = "";
  detail::CurlList recipients;
  detail::append(recipients, "<" + to->address + ">");

  detail::CurlHandle curl = detail::new_transfer(static_cast<long>(config.timeout.count()));
  CURL* handle = curl.get();
  curl_easy_setopt(handle, CURLOPT_URL, config.url.c_str());
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(handle, CURLOPT_MAIL_FROM, ("<" + from->address + ">").c_str());
  curl_easy_setopt(handle, CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(handle, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(handle, CURLOPT_READFUNCTION, read_message);
  curl_easy_setopt(handle, CURLOPT_READDATA, &exchange);
  curl_easy_setopt(handle, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
  // libcurl waits for the reply to the message's final dot up to this, not CURLOPT_TIMEOUT.
  curl_easy_setopt(handle, CURLOPT_SERVER_RESPONSE_TIMEOUT,
                   static_cast<long>(config.timeout.count()));
  curl_easy_setopt(handle, CURLOPT_USE_SSL, static_cast<long>(tls_use(config)));
  if (!config.ca_file.empty()) curl_easy_setopt(handle, CURLOPT_CAINFO, config.ca_file.c_str());
  if (!config.username.empty()) {
    curl_easy_setopt(handle, CURLOPT_USERNAME, config.username.c_str());
    curl_easy_setopt(handle, CURLOPT_PASSWORD, config.password.c_str());
  }
  // The debug callback is the only place libcurl hands out the SMTP replies; VERBOSE turns it
  // on and prints nothing itself while a callback is set.
  curl_easy_setopt(handle, CURLOPT_DEBUGFUNCTION, on_protocol_line);
  curl_easy_setopt(handle, CURLOPT_DEBUGDATA, &exchange);
  curl_easy_setopt(handle, CURLOPT_VERBOSE, 1L);

  const CURLcode code = curl_easy_perform(handle);
  long reply_code = 0;
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &reply_code);
  if (code == CURLE_OK)
    return SendOutcome{true, false, detail::trimmed_response(exchange.last_reply)};
  if (reply_code >= 400) {
    return SendOutcome{false, reply_code >= 500, detail::trimmed_response(exchange.last_reply)};
  }
  std::string response = detail::describe(code, error);
  if (!exchange.last_reply.empty()) response += " (last reply: " + exchange.last_reply + ")";
  return SendOutcome{false, detail::is_permanent(code), detail::trimmed_response(response)};
}

}  // namespace huikuan::notify

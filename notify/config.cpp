#include "notify/config.h"

#include <curl/curl.h>
#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <utility>
#include <vector>

#include "io/toml_diagnostics.h"
#include "notify/email.h"

namespace huikuan::notify {
namespace {

using std::chrono::seconds;
using Getenv = std::function<const char*(const char*)>;

// How each key of a table is read into the config; a returned text is the key's error.
using KeyReader = std::function<std::optional<std::string>(const toml::node&)>;

struct TableSpec {
  std::map<std::string, KeyReader, std::less<>> keys;
  std::vector<std::string> required = {};
  std::vector<std::pair<std::string, std::string>> exclusive = {};  // a value or its *_env key
};

KeyReader text(std::function<std::optional<std::string>(const std::string&)> store) {
  return [=](const toml::node& node) -> std::optional<std::string> {
    const auto* value = node.as_string();
    if (value == nullptr) return "must be a string";
    return store(value->get());
  };
}

KeyReader plain_text(std::string& target) {
  return text([&target](const std::string& value) -> std::optional<std::string> {
    target = value;
    return std::nullopt;
  });
}

KeyReader integer(int64_t min, int64_t max, std::function<void(int64_t)> store) {
  return [=](const toml::node& node) -> std::optional<std::string> {
    const auto* value = node.as_integer();
    if (value == nullptr) return "must be an integer";
    if (value->get() < min || value->get() > max) {
      return fmt::format("must be between {} and {}, not {}", min, max, value->get());
    }
    store(value->get());
    return std::nullopt;
  };
}

KeyReader timeout(seconds& target) {
  constexpr int64_t kHour = 3600;
  return integer(1, kHour, [&target](int64_t v) { target = seconds(v); });
}

struct CurlUrlCleanup {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};

// A URL with one of `schemes` and a host.
KeyReader url(std::vector<std::string> schemes, std::string& target) {
  return text([schemes, &target](const std::string& value) -> std::optional<std::string> {
    std::unique_ptr<CURLU, CurlUrlCleanup> parsed(curl_url());
    char* scheme = nullptr;
    char* host = nullptr;
    const bool parsed_ok = parsed &&
                           curl_url_set(parsed.get(), CURLUPART_URL, value.c_str(),
                                        CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
                           curl_url_get(parsed.get(), CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
                           curl_url_get(parsed.get(), CURLUPART_HOST, &host, 0) == CURLUE_OK;
    const bool scheme_ok =
        parsed_ok && std::find(schemes.begin(), schemes.end(), scheme) != schemes.end();
    curl_free(scheme);
    curl_free(host);
    if (!scheme_ok) {
      std::string expected;
      for (const auto& s : schemes) expected += (expected.empty() ? "" : " or ") + s + "://";
      return fmt::format("'{}' is not an {} URL with a host", value, expected);
    }
    target = value;
    return std::nullopt;
  });
}

// The name of an environment variable holding the value.
KeyReader from_environment(const Getenv& getenv, std::string& target) {
  return text([&getenv, &target](const std::string& name) -> std::optional<std::string> {
    if (name.empty()) return "must name an environment variable";
    const char* value = getenv(name.c_str());
    if (value == nullptr) return fmt::format("the environment variable {} is not set", name);
    target = value;
    return std::nullopt;
  });
}

TableSpec smtp_spec(SmtpConfig& smtp, const Getenv& getenv) {
  return {
      .keys =
          {
              {"url", url({"smtp", "smtps"}, smtp.url)},
              {"username", plain_text(smtp.username)},
              {"password", plain_text(smtp.password)},
              {"password_env", from_environment(getenv, smtp.password)},
              {"from", text([&smtp](const std::string& value) -> std::optional<std::string> {
                 auto mailbox = parse_mailbox(value);
                 if (!mailbox) return mailbox.error().message;
                 smtp.from = value;
                 return std::nullopt;
               })},
              {"starttls", text([&smtp](const std::string& value) -> std::optional<std::string> {
                 static const std::map<std::string, StartTls, std::less<>> kModes = {
                     {"auto", StartTls::kAuto},
                     {"required", StartTls::kRequired},
                     {"off", StartTls::kOff}};
                 const auto mode = kModes.find(value);
                 if (mode == kModes.end()) {
                   return fmt::format("must be \"auto\", \"required\" or \"off\", not \"{}\"",
                                      value);
                 }
                 smtp.starttls = mode->second;
                 return std::nullopt;
               })},
              {"timeout_seconds", timeout(smtp.timeout)},
              {"ca_file", plain_text(smtp.ca_file)},
          },
      .required = {"url", "from"},
      .exclusive = {{"password", "password_env"}},
  };
}

TableSpec sms_spec(SmsConfig& sms, const Getenv& getenv) {
  return {
      .keys = {{"url", url({"http", "https"}, sms.url)},
               {"token", plain_text(sms.token)},
               {"token_env", from_environment(getenv, sms.token)},
               {"timeout_seconds", timeout(sms.timeout)}},
      .required = {"url"},
      .exclusive = {{"token", "token_env"}},
  };
}

TableSpec im_spec(ImConfig& im, const Getenv& getenv) {
  return {
      .keys = {{"kind", text([&im](const std::string& value) -> std::optional<std::string> {
                  if (value == "wecom") {
                    im.kind = ImKind::kWeCom;
                  } else if (value == "dingtalk") {
                    im.kind = ImKind::kDingTalk;
                  } else {
                    return fmt::format("must be \"wecom\" or \"dingtalk\", not \"{}\"", value);
                  }
                  return std::nullopt;
                })},
               {"url", url({"http", "https"}, im.url)},
               {"secret", plain_text(im.secret)},
               {"secret_env", from_environment(getenv, im.secret)},
               {"timeout_seconds", timeout(im.timeout)}},
      .required = {"kind", "url"},
      .exclusive = {{"secret", "secret_env"}},
  };
}

TableSpec company_spec(Company& company) {
  return {.keys = {
              {"name", plain_text(company.name)},
              {"address", plain_text(company.address)},
              {"phone", plain_text(company.phone)},
              {"email", text([&company](const std::string& value) -> std::optional<std::string> {
                 if (!value.empty()) {
                   auto mailbox = parse_mailbox(value);
                   if (!mailbox) return mailbox.error().message;
                 }
                 company.email = value;
                 return std::nullopt;
               })},
              {"bank_name", plain_text(company.bank_name)},
              {"bank_account", plain_text(company.bank_account)},
              {"contact_person", plain_text(company.contact_person)},
          }};
}

TableSpec outbox_spec(OutboxConfig& outbox) {
  constexpr int64_t kMaxAttempts = 100, kDay = 86'400;
  return {.keys = {
              {"max_attempts",
               integer(1, kMaxAttempts,
                       [&outbox](int64_t v) { outbox.max_attempts = static_cast<int>(v); })},
              {"backoff_seconds",
               integer(1, kDay, [&outbox](int64_t v) { outbox.backoff = seconds(v); })},
              {"send_interval_seconds",
               integer(1, kDay, [&outbox](int64_t v) { outbox.send_interval = seconds(v); })},
          }};
}

std::string key_list(const TableSpec& spec) {
  std::string list;
  for (const auto& [key, reader] : spec.keys) list += (list.empty() ? "" : ", ") + key;
  return list;
}

// Reads `table` (named `name`) by `spec`, every problem into `problems`.
void read_table(const toml::table& table, std::string_view name, const TableSpec& spec,
                TomlDiagnostics& problems) {
  std::set<std::string, std::less<>> present;
  for (auto&& [key, value] : table) {
    const std::string field = fmt::format("{}.{}", name, key.str());
    const auto reader = spec.keys.find(key.str());
    if (reader == spec.keys.end()) {
      problems.add(key.source(), field,
                   fmt::format("unknown key; expected one of {}", key_list(spec)));
      continue;
    }
    present.emplace(key.str());
    if (auto error = reader->second(value)) problems.add(value.source(), field, *error);
  }
  for (const auto& [value_key, env_key] : spec.exclusive) {
    if (present.contains(value_key) && present.contains(env_key)) {
      problems.add(table.get(env_key)->source(), fmt::format("{}.{}", name, env_key),
                   fmt::format("give {} or {}, not both", value_key, env_key));
    }
  }
  for (const auto& key : spec.required) {
    if (!present.contains(key)) {
      problems.add(table.source(), fmt::format("{}.{}", name, key), "missing; it is required");
    }
  }
}

}  // namespace

Result<NotifyConfig> parse_notify_config(std::string_view toml_text, const std::string& source,
                                         const Getenv& getenv) {
  toml::table document;
  try {
    document = toml::parse(toml_text, std::string_view(source));
  } catch (const toml::parse_error& e) {
    return tl::unexpected(
        Error{std::string(e.description()), {}, fmt::format("{}:{}", source, line_of(e.source()))});
  }
  NotifyConfig config;
  TomlDiagnostics problems(source);
  // Each table's reader, creating the channel's settings the moment the table is seen.
  const std::map<std::string, std::function<TableSpec()>, std::less<>> tables = {
      {"smtp", [&] { return smtp_spec(config.smtp.emplace(), getenv); }},
      {"sms", [&] { return sms_spec(config.sms.emplace(), getenv); }},
      {"im", [&] { return im_spec(config.im.emplace(), getenv); }},
      {"company", [&] { return company_spec(config.company.emplace()); }},
      {"outbox", [&] { return outbox_spec(config.outbox); }},
  };
  for (auto&& [name, node] : document) {
    const auto spec = tables.find(name.str());
    if (spec == tables.end()) continue;  // [server] and the other parts' tables
    const toml::table* table = node.as_table();
    if (table == nullptr) {
      problems.add(node.source(), std::string(name.str()), "must be a table");
      continue;
    }
    read_table(*table, name.str(), spec->second(), problems);
  }
  if (!problems.empty()) return tl::unexpected(problems.combined());
  return config;
}

}  // namespace huikuan::notify

#include "http/message.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <random>

namespace huikuan::http {

std::optional<std::string_view> Request::query_param(std::string_view name) const {
  for (const auto& [key, value] : query) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::string_view Request::path_param(std::string_view name) const {
  for (const auto& [key, value] : path_params) {
    if (key == name) return value;
  }
  return {};
}

Response Response::json(std::string body, Status status) {
  return Response{status, "application/json", std::move(body), {}};
}

Response Response::text(std::string body, std::string content_type, Status status) {
  return Response{status, std::move(content_type), std::move(body), {}};
}

Response Response::error(Status status, std::string_view code, std::string_view message,
                         std::string_view field) {
  nlohmann::ordered_json error{{"code", code}, {"message", message}, {"field", nullptr}};
  if (!field.empty()) error["field"] = field;
  return json(nlohmann::ordered_json{{"error", std::move(error)}}.dump(), status);
}

std::string new_request_id() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  return fmt::format("{:016x}", random());
}

std::string request_id_from(std::string_view candidate) {
  const bool usable = !candidate.empty() && candidate.size() <= 64 &&
                      std::all_of(candidate.begin(), candidate.end(), [](char c) {
                        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                               (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
                      });
  return usable ? std::string(candidate) : new_request_id();
}

}  // namespace huikuan::http

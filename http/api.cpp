#include "http/api.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <limits>

namespace huikuan::http {

Result<StorePool::Lease> StorePool::lease() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto store = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(store));
    }
  }
  auto store = Store::open(location_);
  if (!store) return tl::unexpected(store.error());
  return Lease(*this, std::move(*store));
}

void StorePool::give_back(std::unique_ptr<Store> store) {
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(store));
}

const Principal& principal_of(const Request& request) {
  if (!request.principal) throw std::logic_error("route handler reached without a principal");
  return *request.principal;
}

Actor actor_of(const ApiContext& api, const Request& request) {
  return huikuan::actor_of(principal_of(request), api.clock(), request.request_id);
}

Scope scope_of(Store& store, const Principal& principal) {
  Scope scope;
  const User& user = principal.user;
  switch (user.role) {
    case Role::kCollector:
      if (!user.collector_id.empty()) scope.collectors.insert(user.collector_id);
      break;
    case Role::kSupervisor:
      if (!user.collector_id.empty()) scope.collectors.insert(user.collector_id);
      if (!user.team.empty()) {
        store.read_users([&](const User& member) {
          if (member.team == user.team && !member.collector_id.empty() && !member.disabled) {
            scope.collectors.insert(member.collector_id);
          }
        });
      }
      break;
    default:
      scope.all = true;
  }
  return scope;
}

tl::expected<nlohmann::json, Response> json_body(const Request& request) {
  auto body = nlohmann::json::parse(request.body, nullptr, false);
  if (body.is_discarded()) {
    return tl::unexpected(
        Response::error(Status::bad_request, "bad_request", "the body is not valid JSON"));
  }
  if (!body.is_object()) {
    return tl::unexpected(
        Response::error(Status::bad_request, "bad_request", "the body must be a JSON object"));
  }
  return body;
}

tl::expected<std::string, Response> optional_string_field(const nlohmann::json& body,
                                                          std::string_view name) {
  const auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::string();
  if (!it->is_string()) {
    return tl::unexpected(
        Response::error(Status::bad_request, "bad_request", "must be a string", name));
  }
  return it->get<std::string>();
}

tl::expected<std::string, Response> string_field(const nlohmann::json& body,
                                                 std::string_view name) {
  auto value = optional_string_field(body, name);
  if (value && value->empty()) {
    return tl::unexpected(
        Response::error(Status::unprocessable_entity, "invalid", "required", name));
  }
  return value;
}

std::optional<Response> read_string_fields(const nlohmann::json& body, StringFields required,
                                           StringFields optional) {
  for (const auto& [name, out] : required) {
    auto value = string_field(body, name);
    if (!value) return value.error();
    *out = *std::move(value);
  }
  for (const auto& [name, out] : optional) {
    auto value = optional_string_field(body, name);
    if (!value) return value.error();
    *out = *std::move(value);
  }
  return std::nullopt;
}

nlohmann::ordered_json json_object(nlohmann::ordered_json::initializer_list_t members) {
  nlohmann::ordered_json json = nlohmann::ordered_json::object();
  auto& object = json.get_ref<nlohmann::ordered_json::object_t&>();
  object.reserve(members.size());
  for (const auto& member : members) {
    nlohmann::ordered_json pair = member.moved_or_copied();  // ["key", value]
    auto& key_value = pair.get_ref<nlohmann::ordered_json::array_t&>();
    object.emplace_back(std::move(key_value[0].get_ref<std::string&>()), std::move(key_value[1]));
  }
  return json;
}

Response list_json(nlohmann::ordered_json items, int64_t total, const Page& page) {
  return Response::json(json_object({{"items", std::move(items)},
                                     {"total", total},
                                     {"offset", page.offset},
                                     {"limit", page.limit}})
                            .dump());
}

Response bad_parameter(std::string_view field, std::string_view message) {
  return Response::error(Status::bad_request, "bad_request", message, field);
}

std::optional<Response> unknown_parameter(const Request& request,
                                          std::initializer_list<std::string_view> known) {
  for (const auto& [name, value] : request.query) {
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      std::string expected;
      for (std::string_view k : known) expected += (expected.empty() ? "" : ", ") + std::string(k);
      return bad_parameter(name, fmt::format("unknown parameter; expected {}", expected));
    }
  }
  return std::nullopt;
}

std::optional<int64_t> parse_id(std::string_view text) {
  int64_t id = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc() || end != text.data() + text.size() || id < 1) return std::nullopt;
  return id;
}

tl::expected<Page, Response> page_of(const Request& request) {
  Page page;
  auto number = [&](std::string_view name, int64_t low, int64_t high,
                    int64_t& out) -> std::optional<Response> {
    const auto text = request.query_param(name);
    if (!text) return std::nullopt;
    int64_t value = 0;
    const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (error != std::errc() || end != text->data() + text->size() || value < low || value > high) {
      return bad_parameter(name, fmt::format("must be a whole number from {} to {}", low, high));
    }
    out = value;
    return std::nullopt;
  };
  if (auto bad = number("limit", 1, 500, page.limit)) return tl::unexpected(*bad);
  if (auto bad = number("offset", 0, std::numeric_limits<int32_t>::max(), page.offset)) {
    return tl::unexpected(*bad);
  }
  return page;
}

Response invalid(const Error& error) {
  return Response::error(Status::unprocessable_entity, "invalid", error.message, error.field);
}

Response not_found(std::string_view what) {
  return Response::error(Status::not_found, "not_found", fmt::format("no such {}", what));
}

Response not_ready() {
  return Response::error(Status::service_unavailable, "not_ready", "the ledger is still loading");
}

Response unavailable(const Error& error) {
  return Response::error(Status::service_unavailable, "unavailable",
                         fmt::format("the database is unavailable: {}", error.message));
}

}  // namespace huikuan::http

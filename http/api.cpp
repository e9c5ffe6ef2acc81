#include "http/api.h"

#include <fmt/format.h>

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

#include "http/admin_routes.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <array>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>

#include "http/multipart.h"
#include "service/audit.h"
#include "service/identity.h"
#include "service/importer.h"
#include "service/job_lock.h"
#include "service/policy_versions.h"
#include "service/snapshot_loader.h"

namespace huikuan::http {
namespace {

using nlohmann::ordered_json;

Response conflict(std::string_view message) {
  return Response::error(Status::conflict, "busy", message);
}

ordered_json user_json(const User& user) {
  return {{"id", user.id},
          {"username", user.username},
          {"role", role_name(user.role)},
          {"collector_id", user.collector_id},
          {"team", user.team},
          {"created_at", user.created_at.to_string()},
          {"disabled", user.disabled}};
}

// GET /api/v1/users → {"items": [user…], "total"} (no password hashes).
Response list_users(ApiContext& api, const Request& request) {
  if (auto unknown = unknown_parameter(request, {})) return *unknown;
  auto store = api.stores.lease();
  if (!store) return unavailable(store.error());
  ordered_json items = ordered_json::array();
  (*store)->read_users([&](const User& user) { items.push_back(user_json(user)); });
  const size_t total = items.size();
  return Response::json(ordered_json{{"items", std::move(items)}, {"total", total}}.dump());
}

// POST /api/v1/users {username, role, collector_id?, team?, password} → 201 user.
Response add_user(ApiContext& api, const Request& request) {
  auto body = json_body(request);
  if (!body) return body.error();
  NewUser user;
  if (auto bad = read_string_fields(*body, {},
                                    {{"username", &user.username},
                                     {"role", &user.role},
                                     {"collector_id", &user.collector_id},
                                     {"team", &user.team},
                                     {"password", &user.password}})) {
    return *bad;
  }
  auto store = api.stores.lease();
  if (!store) return unavailable(store.error());
  auto created = create_user(**store, user, actor_of(api, request));
  if (!created) return invalid(created.error());
  return Response::json(user_json(*created).dump(), Status::created);
}

// POST /api/v1/tokens {username, name} → 201 {id, name, username, secret, created_at}; the
// secret is shown this once.
Response add_token(ApiContext& api, const Request& request) {
  auto body = json_body(request);
  if (!body) return body.error();
  auto username = string_field(*body, "username");
  if (!username) return username.error();
  auto name = string_field(*body, "name");
  if (!name) return name.error();
  auto store = api.stores.lease();
  if (!store) return unavailable(store.error());
  auto token = create_api_token(**store, *username, *name, actor_of(api, request));
  if (!token) return invalid(token.error());
  Response response =
      Response::json(ordered_json{{"id", token->token.id},
                                  {"name", token->token.name},
                                  {"username", *username},
                                  {"secret", token->secret},
                                  {"created_at", token->token.created_at.to_string()}}
                         .dump(),
                     Status::created);
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

// DELETE /api/v1/tokens/{id} → {"status": "revoked"}.
Response revoke_token(ApiContext& api, const Request& request) {
  const auto id = parse_id(request.path_param("id"));
  if (!id) return not_found("API token");
  auto store = api.stores.lease();
  if (!store) return unavailable(store.error());
  if (!(*store)->find_api_token_by_id(*id)) return not_found("API token");
  auto revoked = revoke_api_token(**store, *id, actor_of(api, request));
  if (!revoked) return invalid(revoked.error());
  return Response::json(R"({"status":"revoked"})");
}

// GET /api/v1/audit?entity=&key=&actor=&request_id=&before=&limit= → {"items": [record…],
// "next_before": id of the oldest record listed, or null at the start of the log}.
Response list_audit(ApiContext& api, const Request& request) {
  if (auto unknown =
          unknown_parameter(request, {"entity", "key", "actor", "request_id", "before", "limit"})) {
    return *unknown;
  }
  auto page = page_of(request);
  if (!page) return page.error();
  AuditFilter filter;
  filter.entity = request.query_param("entity").value_or("");
  filter.key = request.query_param("key").value_or("");
  filter.actor = request.query_param("actor").value_or("");
  filter.request_id = request.query_param("request_id").value_or("");
  filter.limit = page->limit;
  if (auto before = request.query_param("before")) {
    filter.before_id = parse_id(*before);
    if (!filter.before_id) return bad_parameter("before", "must be a record id");
  }
  auto store = api.stores.lease();
  if (!store) return unavailable(store.error());
  ordered_json items = ordered_json::array();
  int64_t oldest = 0;
  (*store)->read_audit_page(filter, [&](const AuditEntry& entry) {
    const ChangeRecord& c = entry.change;
    items.push_back({{"id", entry.id},
                     {"at", c.at},
                     {"actor", c.actor},
                     {"role", c.role},
                     {"request_id", c.request_id},
                     {"entity", c.entity},
                     {"key", c.key},
                     {"field", c.field},
                     {"old_value", c.old_value},
                     {"new_value", c.new_value},
                     {"source", c.source},
                     {"hash", entry.hash}});
    oldest = entry.id;
  });
  const bool more = static_cast<int64_t>(items.size()) == filter.limit && oldest > 1;
  return Response::json(ordered_json{{"items", std::move(items)},
                                     {"next_before", more ? ordered_json(oldest) : nullptr}}
                            .dump());
}

// GET /api/v1/audit/verify → {"valid": true, "records", "head_hash"} or {"valid": false,
// "record": "record N", "message"}.
Response verify(ApiContext& api, const Request&) {
  auto store = api.stores.lease();
  if (!store) return unavailable(store.error());
  const auto summary = verify_audit(**store);
  if (!summary) {
    return Response::json(ordered_json{
        {"valid", false}, {"record", summary.error().where}, {"message", summary.error().message}}
                              .dump());
  }
  return Response::json(ordered_json{
      {"valid", true}, {"records", summary->records}, {"head_hash", summary->head_hash}}
                            .dump());
}

ordered_json policy_json(const PolicyInForce& policy) {
  return {{"name", policy.policy.name},
          {"version", policy.version ? ordered_json(*policy.version) : nullptr},
          {"sha256", policy.sha256},
          {"toml", policy.toml}};
}

// A policy error names "policy.toml:LINE" and the key in its message.
Response policy_error(const Error& error) {
  return Response::error(
      Status::unprocessable_entity, "invalid",
      error.where.empty() ? error.message : fmt::format("{}: {}", error.where, error.message),
      error.field);
}

// GET /api/v1/policy → {"name", "version" (null: the shipped default), "sha256", "toml"}.
Response get_policy(ApiContext& api, const Request&) {
  auto store = api.stores.lease();
  if (!store) return unavailable(store.error());
  auto policy = policy_in_force(**store);
  if (!policy) return invalid(policy.error());
  return Response::json(policy_json(*policy).dump());
}

// POST /api/v1/policy/validate, body: the TOML file → {"valid": true, "name", "sha256"} or 422
// naming the line and key. Changes nothing.
Response validate(const Request& request) {
  auto policy = validate_policy(request.body, "policy.toml");
  if (!policy) return policy_error(policy.error());
  return Response::json(
      ordered_json{{"valid", true}, {"name", policy->policy.name}, {"sha256", policy->sha256}}
          .dump());
}

// PUT /api/v1/policy, body: the TOML file → the new version (as GET); the server runs it from
// the next request on. 422 naming the line and key, and nothing changes, when it is invalid.
Response replace(ApiContext& api, const Request& request) {
  auto store = api.stores.lease();
  if (!store) return unavailable(store.error());
  auto policy = replace_policy(**store, request.body, actor_of(api, request));
  if (!policy) return policy_error(policy.error());
  api.policy.publish(policy->policy);
  return Response::json(policy_json(*policy).dump());
}

// A directory of its own for one upload, removed afterwards.
class UploadDir {
 public:
  UploadDir() {
    std::random_device random;
    path_ = std::filesystem::temp_directory_path() /
            fmt::format("huikuan-upload-{:08x}{:08x}", random(), random());
    std::filesystem::create_directories(path_);
  }
  ~UploadDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

ordered_json counts_json(const ImportCounts& counts) {
  return {{"added", counts.added}, {"updated", counts.updated}, {"unchanged", counts.unchanged}};
}

// POST /api/v1/imports, multipart/form-data: one part per file (kLedgerFiles: customers.csv,
// invoices.csv, deliveries.csv, payments.csv, allocations.csv, by file name or field name),
// optional field "encoding" (utf-8, gb18030). All files are checked, then written in one
// transaction, or nothing is: 200 {"customers": {"added", "updated", "unchanged"}, "invoices",
// "deliveries", "payments", "allocations", "warnings"}; 422 {"error", "errors": [{"where":
// "invoices.csv:12", "field", "message"}], "total_errors"}.
Response import_files(ApiContext& api, const Request& request) {
  const auto type = request.headers.find(boost::beast::http::field::content_type);
  auto parts = parse_form_data(
      type == request.headers.end() ? std::string_view() : std::string_view(type->value()),
      request.body);
  if (!parts) {
    return Response::error(Status::bad_request, "bad_request", parts.error().message,
                           parts.error().field);
  }
  UploadDir dir;
  ImportOptions options;
  options.dir = dir.path().string();
  std::vector<std::string> names;
  for (const FormPart& part : *parts) {
    if (part.name == "encoding" && part.filename.empty()) {
      options.encoding = part.content;
      continue;
    }
    const std::string& name = part.filename.empty() ? part.name : part.filename;
    if (std::find(kLedgerFiles.begin(), kLedgerFiles.end(), name) == kLedgerFiles.end()) {
      return Response::error(Status::bad_request, "bad_request",
                             fmt::format("'{}' is not a ledger file; expected one of {}", name,
                                         fmt::join(kLedgerFiles, ", ")),
                             "file");
    }
    std::ofstream(dir.path() / name, std::ios::binary)
        .write(part.content.data(), static_cast<std::streamsize>(part.content.size()));
    names.push_back(name);
  }
  if (names.empty()) {
    return Response::error(Status::bad_request, "bad_request", "no ledger file in the upload",
                           "file");
  }
  const Actor actor = actor_of(api, request);
  options.actor = actor.name;
  options.role = actor.role;
  options.request_id = actor.request_id;
  options.source = fmt::format("upload {}", fmt::join(names, ", "));
  options.build_snapshot = true;

  std::unique_lock jobs(*api.jobs, std::try_to_lock);
  if (!jobs) return conflict("the daily run or another import is running; try again shortly");
  auto store = api.stores.lease();
  if (!store) return unavailable(store.error());
  auto lock = JobLock::try_take(**store, "daily_run");  // imports and runs exclude each other
  if (!lock) return conflict("the daily run or another import is running; try again shortly");
  auto imported = import_ledger(**store, options);
  if (!imported) {
    const ImportFailure& failure = imported.error();
    ordered_json errors = ordered_json::array();
    for (const Error& error : failure.errors) {
      errors.push_back(
          {{"where", error.where}, {"field", error.field}, {"message", error.message}});
    }
    const Error first =
        failure.errors.empty() ? Error{"the import failed", "", ""} : failure.errors.front();
    ordered_json body{
        {"error",
         {{"code", "invalid"},
          {"message", first.to_string()},
          {"field", first.field.empty() ? ordered_json(nullptr) : ordered_json(first.field)}}},
        {"errors", std::move(errors)},
        {"total_errors", failure.total_errors}};
    return Response::json(body.dump(), Status::unprocessable_entity);
  }
  if (imported->snapshot) {
    save_snapshot_cache(snapshot_cache_path(api.stores.location()), imported->ledger_stamp,
                        *imported->snapshot);
    api.snapshot.publish(imported->snapshot);
  }
  return Response::json(ordered_json{
      {"customers", counts_json(imported->customers)},
      {"invoices", counts_json(imported->invoices)},
      {"deliveries", counts_json(imported->deliveries)},
      {"payments", counts_json(imported->payments)},
      {"allocations", counts_json(imported->allocations)},
      {"warnings",
       imported->warnings}}.dump());
}

ordered_json run_json(Date as_of, const RunSummary& summary, double seconds) {
  return {{"as_of", as_of.to_string()},   {"cases", summary.cases},
          {"actions", summary.actions},   {"broken_promises", summary.broken_promises},
          {"messages", summary.messages}, {"seconds", std::round(seconds * 1000) / 1000}};
}

// POST /api/v1/runs {"as_of"?: YYYY-MM-DD, default today} → {"as_of", "cases", "actions":
// {kind: count}, "broken_promises", "seconds"}; 409 while another job runs.
Response run_now(ApiContext& api, const Request& request) {
  auto body = request.body.empty() ? nlohmann::json::object() : json_body(request);
  if (!body) return body.error();
  auto as_of_text = optional_string_field(*body, "as_of");
  if (!as_of_text) return as_of_text.error();
  const Actor actor = actor_of(api, request);
  Date as_of = actor.now.local_date();
  if (!as_of_text->empty()) {
    auto parsed = Date::parse(*as_of_text);
    if (!parsed) return invalid(Error{parsed.error().message, "as_of", ""});
    as_of = *parsed;
  }
  const auto started = std::chrono::steady_clock::now();
  auto summary = try_daily_run(api, as_of, actor);
  if (!summary) return conflict("a daily run or import is running; try again shortly");
  if (!*summary) return invalid(summary->error());
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  return Response::json(run_json(as_of, **summary, took.count()).dump());
}

// POST /api/v1/snapshot/refresh → {"customers"}: reloads the ledger after a change made
// outside the server (an import with the CLI).
Response refresh_now(ApiContext& api, const Request&) {
  auto customers = try_refresh_snapshot(api);
  if (!customers) return conflict("a daily run or import is running; try again shortly");
  if (!*customers) return invalid(customers->error());
  return Response::json(ordered_json{{"customers", **customers}}.dump());
}

}  // namespace

std::optional<Result<RunSummary>> try_daily_run(ApiContext& api, Date as_of, const Actor& actor,
                                                bool once_a_day) {
  std::unique_lock jobs(*api.jobs, std::try_to_lock);
  if (!jobs) return std::nullopt;
  auto store = api.stores.lease();
  if (!store) return Result<RunSummary>(tl::unexpected(store.error()));
  // Every instance on this database: one runs, the others are busy.
  auto lock = JobLock::try_take(**store, "daily_run");
  if (!lock) return std::nullopt;
  if (once_a_day &&
      !(*store)->record_job_run("daily_run", as_of.to_string(), this_process(), actor.now)) {
    return Result<RunSummary>(tl::unexpected(Error{
        fmt::format("the daily run of {} has run already", as_of.to_string()), kAlreadyRun, ""}));
  }
  const auto policy = api.policy.get();
  auto summary =
      run_daily(**store, snapshot_cache_path(api.stores.location()), *policy, as_of, actor);
  // The run marks promises broken and plans completed: cached worklists are stale.
  if (summary) api.collection_version->fetch_add(1);
  return summary;
}

std::optional<Result<size_t>> try_refresh_snapshot(ApiContext& api) {
  std::unique_lock jobs(*api.jobs, std::try_to_lock);
  if (!jobs) return std::nullopt;
  auto store = api.stores.lease();
  if (!store) return Result<size_t>(tl::unexpected(store.error()));
  auto loaded = load_snapshot(**store, snapshot_cache_path(api.stores.location()));
  if (!loaded) return Result<size_t>(tl::unexpected(loaded.error()));
  if (*loaded != api.snapshot.get()) api.snapshot.publish(*loaded);
  return Result<size_t>((*loaded)->customer_count());
}

void add_admin_routes(Router& router, ApiContext& api) {
  auto with_api = [&api](Response (*handler)(ApiContext&, const Request&)) {
    return [&api, handler](const Request& request) { return handler(api, request); };
  };
  router.add({Verb::get, "/api/v1/users", with_api(list_users), Permission::kUserRead});
  router.add({Verb::post, "/api/v1/users", with_api(add_user), Permission::kUserWrite});
  router.add({Verb::post, "/api/v1/tokens", with_api(add_token), Permission::kUserWrite});
  router.add(
      {Verb::delete_, "/api/v1/tokens/{id}", with_api(revoke_token), Permission::kUserWrite});
  router.add({Verb::get, "/api/v1/audit", with_api(list_audit), Permission::kAuditRead});
  router.add({Verb::get, "/api/v1/audit/verify", with_api(verify), Permission::kAuditRead});
  router.add({Verb::get, "/api/v1/policy", with_api(get_policy), Permission::kPolicyRead});
  router.add({Verb::post, "/api/v1/policy/validate", validate, Permission::kPolicyWrite});
  router.add({Verb::put, "/api/v1/policy", with_api(replace), Permission::kPolicyWrite});
  router.add({Verb::post, "/api/v1/imports", with_api(import_files), Permission::kImport});
  router.add({Verb::post, "/api/v1/runs", with_api(run_now), Permission::kRunTrigger});
  router.add(
      {Verb::post, "/api/v1/snapshot/refresh", with_api(refresh_now), Permission::kRunTrigger});
}

}  // namespace huikuan::http

#pragma once
// What the REST API's handlers share: database connections, the ledger snapshot, the policy,
// the clock; and the small helpers every handler uses to read a request and answer in the API's
// shapes (JSON bodies, errors as {"error": {"code", "message", "field"}}).

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/timestamp.h"
#include "http/authorization.h"
#include "http/current_snapshot.h"
#include "http/message.h"
#include "io/message_template.h"
#include "ledger/policy.h"
#include "service/actor.h"
#include "service/identity.h"
#include "store/store.h"

namespace huikuan::http {

//! Database connections for the worker threads: a Store is not thread-safe, so each request
//! borrows one for its duration. Connections are opened on demand and kept for reuse.
class StorePool {
 public:
  explicit StorePool(std::string location) : location_(std::move(location)) {}

  class Lease {
   public:
    Lease(StorePool& pool, std::unique_ptr<Store> store) : pool_(&pool), store_(std::move(store)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (store_) pool_->give_back(std::move(store_));
    }
    Store& operator*() const { return *store_; }
    Store* operator->() const { return store_.get(); }

   private:
    StorePool* pool_;
    std::unique_ptr<Store> store_;
  };

  //! A connection for this request; an error if the database cannot be opened.
  Result<Lease> lease();
  //! The database location the pool opens.
  const std::string& location() const { return location_; }

 private:
  void give_back(std::unique_ptr<Store> store);

  std::string location_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Store>> idle_;
};

//! The collection policy in force; replaced as a whole (PUT /api/v1/policy), read without locks.
class CurrentPolicy {
 public:
  explicit CurrentPolicy(Policy policy)
      : current_(std::make_shared<const Policy>(std::move(policy))) {}
  std::shared_ptr<const Policy> get() const { return current_.load(std::memory_order_acquire); }
  void publish(Policy policy) {
    current_.store(std::make_shared<const Policy>(std::move(policy)), std::memory_order_release);
  }

 private:
  std::atomic<std::shared_ptr<const Policy>> current_;
};

//! Everything the API's routes use; outlives the server.
struct ApiContext {
  StorePool& stores;
  CurrentSnapshot& snapshot;
  CurrentPolicy& policy;
  IdentityPolicy identity = {};
  //! Now, at the server's UTC offset; tests set a fixed clock.
  std::function<Timestamp()> clock = [] { return local_now(); };
  //! Mark the session cookie Secure (set when the server sits behind TLS).
  bool secure_cookies = false;
  //! The letterhead of previews and evidence bundles ([company] of the server config).
  CompanyDetails company = {};
  //! Held while the daily run or a snapshot refresh runs, so that two never overlap.
  std::unique_ptr<std::mutex> jobs = std::make_unique<std::mutex>();
  //! The version of the collection state (promises, disputes, payment plans) this process
  //! knows: whatever changes them through the server bumps it after committing (case_routes,
  //! the daily run), so worklists cached for an older version are rebuilt (case_routes.h).
  std::unique_ptr<std::atomic<uint64_t>> collection_version =
      std::make_unique<std::atomic<uint64_t>>(0);
};

// ---- helpers for handlers -------------------------------------------------------------------

//! The signed-in principal of a request that passed the authorizer.
const Principal& principal_of(const Request& request);

//! The actor of changes made by `request`: the user, their role, now, the request id.
Actor actor_of(const ApiContext& api, const Request& request);

//! The customers `principal` may see (authorization.h). Reads the team's collectors from the
//! store for a supervisor.
Scope scope_of(Store& store, const Principal& principal);

//! The body as a JSON object, or a 400 naming what is wrong.
tl::expected<nlohmann::json, Response> json_body(const Request& request);

//! A required string member of `body`, or a 400/422 naming the field.
tl::expected<std::string, Response> string_field(const nlohmann::json& body, std::string_view name);
//! An optional string member ("" when absent or null).
tl::expected<std::string, Response> optional_string_field(const nlohmann::json& body,
                                                          std::string_view name);

//! A request body's string members into their destinations: each of `required` must be a
//! non-empty string, each of `optional` a string or absent. The first problem's 400/422, else
//! nullopt.
using StringFields = std::initializer_list<std::pair<std::string_view, std::string*>>;
std::optional<Response> read_string_fields(const nlohmann::json& body, StringFields required,
                                           StringFields optional = {});

//! A 400 for query parameter `field`.
Response bad_parameter(std::string_view field, std::string_view message);

//! A 400 naming the first query parameter not in `known`: a misspelt parameter is an error
//! rather than silently ignored.
std::optional<Response> unknown_parameter(const Request& request,
                                          std::initializer_list<std::string_view> known);

//! A positive record id written in decimal, or nullopt (for {id} path segments: a malformed id
//! names no record, so callers answer 404).
std::optional<int64_t> parse_id(std::string_view text);

//! limit (default 50, 1–500) and offset (default 0) of a list request.
struct Page {
  int64_t limit = 50;
  int64_t offset = 0;
};
tl::expected<Page, Response> page_of(const Request& request);

//! The object {{"key", value}, …}, built with room for every member first. nlohmann's own
//! constructor adds members one at a time, and growing an ordered_json object copies every
//! member already in it (their keys are const, so its vector cannot move them): nested arrays
//! were deep-copied up to log2(n) times. Use it for the objects built per request.
nlohmann::ordered_json json_object(nlohmann::ordered_json::initializer_list_t members);

//! A list's answer: {"items", "total", "offset", "limit"}.
Response list_json(nlohmann::ordered_json items, int64_t total, const Page& page);

//! 422 "invalid" with the use case's message and field.
Response invalid(const Error& error);
//! 404 "not_found".
Response not_found(std::string_view what);
//! 503 while the first snapshot is loading.
Response not_ready();
//! 500 for a database that cannot be opened.
Response unavailable(const Error& error);

}  // namespace huikuan::http

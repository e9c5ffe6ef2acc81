#pragma once
// The whole API on a temporary database, as `huikuan serve` assembles it: a generated and
// imported ledger, one user per role (username = role name, all with kPassword), a clock the
// test sets, and clients that sign in with a session cookie or an API token.

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "http/api.h"
#include "http/api_routes.h"
#include "http/ledger_follower.h"
#include "http/server_fixture.h"
#include "io/ledger_generator.h"
#include "io/policy_toml.h"
#include "service/identity.h"
#include "service/import_fixture.h"
#include "service/importer.h"
#include "service/snapshot_loader.h"
#include "test_db.h"

namespace huikuan::testing {

inline constexpr std::string_view kPassword = "correct horse battery staple";

//! The session clock's start: the generated ledger's as-of day, in Beijing.
inline Timestamp api_test_now() {
  return *Timestamp::parse("2026-06-30T10:00:00+08:00");
}

class ApiServer {
 public:
  struct Options {
    int64_t customers = 40;
    uint64_t seed = 7;
  };

  //! A second instance on `first`'s database, as another `huikuan serve` behind the same load
  //! balancer: its own connections, snapshot (loaded from the database), caches and clock, and
  //! a LedgerFollower, as serve runs one.
  struct Join {
    const ApiServer& first;
  };

  ApiServer() : ApiServer(Options{}) {}
  explicit ApiServer(Join join)
      : dir_("api"), db_(join.first.db()), stores_(db_), policy_(default_policy()) {
    auto store = Store::open(db());
    if (!store) throw std::runtime_error(store.error().to_string());
    store_ = std::move(*store);
    auto loaded = load_snapshot(*store_, "");
    if (!loaded) throw std::runtime_error(loaded.error().to_string());
    snapshot_.publish(*loaded);
    own_collector_ = join.first.own_collector_;
    other_collector_ = join.first.other_collector_;
    own_customer_ = join.first.own_customer_;
    other_customer_ = join.first.other_customer_;
    start();
    follower_ = std::make_unique<http::LedgerFollower>(*api_, std::chrono::milliseconds(100));
  }
  explicit ApiServer(Options options) : dir_("api"), stores_(db()), policy_(default_policy()) {
    GeneratorOptions generate;
    generate.customers = options.customers;
    generate.seed = options.seed;
    const std::string ledger = (dir_ / "ledger").string();
    if (!generate_ledger(generate, ledger)) throw std::runtime_error("cannot generate a ledger");
    auto store = Store::open(db());
    if (!store) throw std::runtime_error(store.error().to_string());
    store_ = std::move(*store);
    ImportOptions import;
    import.dir = ledger;
    import.build_snapshot = true;
    auto imported = import_ledger(*store_, import);
    if (!imported) throw std::runtime_error("cannot import the generated ledger");
    snapshot_.publish(imported->snapshot);
    pick_collectors(*imported->snapshot);
    add_users();
    start();
  }

  ~ApiServer() {
    follower_.reset();  // before the server and the context it reads
  }

  void start() {
    api_ = std::make_unique<http::ApiContext>(http::ApiContext{stores_, snapshot_, policy_});
    api_->clock = [this] { return now(); };
    server_ = std::make_unique<TestServer>(
        test_config(), [this](http::Router& router) { http::add_api_routes(router, *api_); },
        &snapshot_);
  }

  uint16_t port() const { return server_->port(); }
  std::string db() const { return db_; }
  const TempDir& dir() const { return dir_; }
  //! A connection of the test's own, for setting up and checking what the API wrote.
  Store& store() { return *store_; }
  http::ApiContext& api() { return *api_; }
  std::shared_ptr<const Snapshot> snapshot() const { return snapshot_.get(); }
  void set_now(const Timestamp& now) {
    std::lock_guard lock(clock_mutex_);
    now_ = now;
  }
  Timestamp now() const {
    std::lock_guard lock(clock_mutex_);
    return now_;
  }

  //! The collector id of user "collector" (team "east", with the supervisor) and of another
  //! collector outside that team ("collector_west").
  const std::string& own_collector() const { return own_collector_; }
  const std::string& other_collector() const { return other_collector_; }
  //! A customer of each.
  const std::string& own_customer() const { return own_customer_; }
  const std::string& other_customer() const { return other_customer_; }

  //! Creates a user directly in the store (as "test").
  void add_user(const std::string& username, Role role, const std::string& collector_id = {},
                const std::string& team = {}) {
    NewUser user{username, std::string(role_name(role)), collector_id, team,
                 std::string(kPassword)};
    auto created = create_user(*store_, user, Actor{"test", now()});
    if (!created) throw std::runtime_error(created.error().to_string());
  }

 private:
  void pick_collectors(const Snapshot& snapshot) {
    for (size_t c = 0; c < snapshot.customer_count(); ++c) {
      const std::string& collector = snapshot.collectors.values[snapshot.customer_collector[c]];
      if (collector.empty()) continue;
      if (own_collector_.empty()) {
        own_collector_ = collector;
        own_customer_ = snapshot.customer_key[c];
      } else if (collector != own_collector_ && other_collector_.empty()) {
        other_collector_ = collector;
        other_customer_ = snapshot.customer_key[c];
      }
    }
    if (other_collector_.empty()) throw std::runtime_error("the ledger needs two collectors");
  }

  void add_users() {
    for (Role role : kRoles) {
      const bool collector = role == Role::kCollector;
      add_user(std::string(role_name(role)), role, collector ? own_collector_ : "",
               role == Role::kCollector || role == Role::kSupervisor ? "east" : "");
    }
    add_user("collector_west", Role::kCollector, other_collector_, "west");
  }

  TempDir dir_;
  std::string db_ = huikuan::testing::test_db(dir_, "huikuan.db");
  http::StorePool stores_;
  http::CurrentSnapshot snapshot_;
  http::CurrentPolicy policy_;
  mutable std::mutex clock_mutex_;
  Timestamp now_ = api_test_now();
  std::unique_ptr<Store> store_;
  std::unique_ptr<http::ApiContext> api_;
  std::unique_ptr<TestServer> server_;
  std::unique_ptr<http::LedgerFollower> follower_;
  std::string own_collector_, other_collector_, own_customer_, other_customer_;
};

//! A client signed in as one user: sends the session cookie, and X-CSRF-Token on changes.
class ApiClient {
 public:
  //! Signs in as `username`; throws when the server refuses.
  ApiClient(uint16_t port, std::string_view username, std::string_view password = kPassword)
      : client_(port) {
    const nlohmann::json body{{"username", username}, {"password", password}};
    const HttpResponse response =
        client_.request(beast::http::verb::post, "/api/v1/session",
                        {{"Content-Type", "application/json"}}, body.dump());
    if (response.result_int() != 200) {
      throw std::runtime_error(fmt::format("sign-in as {} failed: {} {}", username,
                                           response.result_int(), response.body()));
    }
    const std::string set_cookie(response[beast::http::field::set_cookie]);
    cookie_ = set_cookie.substr(0, set_cookie.find(';'));
    csrf_ = nlohmann::json::parse(response.body())["csrf_token"].get<std::string>();
  }

  HttpResponse get(std::string_view target) { return send(beast::http::verb::get, target); }
  HttpResponse post(std::string_view target, const nlohmann::json& body) {
    return send(beast::http::verb::post, target, body.dump());
  }
  HttpResponse put(std::string_view target, std::string body,
                   std::string content_type = "application/json") {
    return send(beast::http::verb::put, target, std::move(body), std::move(content_type));
  }
  HttpResponse del(std::string_view target) { return send(beast::http::verb::delete_, target); }
  //! Any method, with the body as given.
  HttpResponse send(beast::http::verb method, std::string_view target, std::string body = {},
                    std::string content_type = "application/json") {
    std::vector<std::pair<std::string, std::string>> headers{{"Cookie", cookie_}};
    if (method != beast::http::verb::get) {
      headers.emplace_back("X-CSRF-Token", csrf_);
      headers.emplace_back("Content-Type", std::move(content_type));
    }
    return client_.request(method, target, headers, std::move(body));
  }

  const std::string& cookie() const { return cookie_; }
  const std::string& csrf() const { return csrf_; }

 private:
  Client client_;
  std::string cookie_;
  std::string csrf_;
};

//! The parsed body of a response.
inline nlohmann::json body_of(const HttpResponse& response) {
  return nlohmann::json::parse(response.body());
}

}  // namespace huikuan::testing

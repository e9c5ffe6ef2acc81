// PostgresStore: identity, collection work (contacts, promises, payment plans, disputes),
// actions and approval requests. Every method behaves as its SqliteStore namesake: same rows,
// same order, same NULL handling, same return values (new ids apart: SQLite reuses the ids of
// deleted rows above the highest one left, an identity column never does).

#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "store/postgres/postgres_store.h"
#include "store/stored_values.h"

namespace huikuan {
namespace {

using namespace stored;  // NOLINT: the store's own value formats

using Row = pqxx::row;

// A date as an SQL literal, for the statements stream() runs (it takes no parameters): "YYYY-MM-DD"
// is digits and dashes only.
std::string date_literal(Date day) {
  return std::string("'") + day.iso().data() + "'";
}

Role role_of(const pqxx::field& f) {
  auto role = find_role(pg::text(f));
  if (!role) throw std::runtime_error("stored user has unknown role " + pg::str(f));
  return *role;
}

// A PostgreSQL array literal of ids[begin, end), for a `$n::bigint[]` parameter.
std::string id_array(const std::vector<int64_t>& ids, size_t begin, size_t end) {
  std::string array = "{";
  char digits[24];
  for (size_t k = begin; k < end; ++k) {
    if (k > begin) array += ',';
    array.append(digits, std::to_chars(digits, digits + sizeof digits, ids[k]).ptr);
  }
  array += '}';
  return array;
}

// An integer parameter that may be NULL, passed as text: libpqxx sends a null const char* as
// NULL, in a dynamic parameter list too.
class Nullable {
 public:
  explicit Nullable(const std::optional<int64_t>& value)
      : text_(value ? std::to_string(*value) : std::string()), null_(!value) {}
  const char* get() const { return null_ ? nullptr : text_.c_str(); }

 private:
  std::string text_;
  bool null_;
};

// SQLite takes a negative LIMIT as none, PostgreSQL refuses it: NULL is none there.
Nullable limit_or_all(int64_t limit) {
  return Nullable(limit < 0 ? std::nullopt : std::optional(limit));
}

// Currency codes repeat on every row; parse each distinct code once.
class CurrencyCache {
 public:
  Currency get(const pqxx::field& f) {
    if (last_ && pg::text(f) == last_->code_view()) return *last_;
    last_ = pg::currency(f);
    return *last_;
  }

 private:
  std::optional<Currency> last_;
};

void each(const pqxx::result& result, const std::function<void(const Row&)>& row) {
  for (const auto& r : result) row(r);
}

// ---- identity ----

constexpr const char* kUserColumns =
    "SELECT id, username, role, collector_id, team, password_hash, created_at, disabled "
    "FROM users ";

User user_row(const Row& r) {
  User u;
  u.id = pg::i64(r[0]);
  u.username = pg::str(r[1]);
  u.role = role_of(r[2]);
  u.collector_id = pg::str(r[3]);
  u.team = pg::str(r[4]);
  u.password_hash = pg::str(r[5]);
  u.created_at = pg::timestamp(r[6]);
  u.disabled = pg::i64(r[7]) != 0;
  return u;
}

std::optional<ApiToken> api_token_row(const pqxx::result& result) {
  if (result.empty()) return std::nullopt;
  const Row r = result[0];
  ApiToken t;
  t.id = pg::i64(r[0]);
  t.name = pg::str(r[1]);
  t.user_id = pg::i64(r[2]);
  t.token_hash = pg::str(r[3]);
  t.created_at = pg::timestamp(r[4]);
  t.revoked_at = pg::optional_timestamp(r[5]);
  return t;
}

// ---- collection work ----

constexpr const char* kContactColumns =
    "SELECT k.id, c.external_id, k.channel, k.at, k.outcome, k.note, k.recorded_by "
    "FROM contacts k JOIN customers c ON c.id = k.customer_id ";

Contact contact_row(const Row& r) {
  Contact c;
  c.id = pg::i64(r[0]);
  c.customer_id = pg::str(r[1]);
  c.channel = pg::str(r[2]);
  c.at = pg::str(r[3]);
  c.outcome = pg::str(r[4]);
  c.note = pg::str(r[5]);
  c.recorded_by = pg::str(r[6]);
  return c;
}

// The invoices in the order SQLite's group_concat meets them: by the link table's primary key.
constexpr const char* kPromiseColumns =
    "SELECT p.id, c.external_id, p.currency, p.amount, p.promised_date, p.status, p.created_at, "
    "p.recorded_by, (SELECT string_agg(i.external_id, chr(31) ORDER BY pi.invoice_id) "
    "FROM promise_invoices pi JOIN invoices i ON i.id = pi.invoice_id "
    "WHERE pi.promise_id = p.id) FROM promises p JOIN customers c ON c.id = p.customer_id ";

Promise promise_row(const Row& r) {
  Promise p;
  p.id = pg::i64(r[0]);
  p.customer_id = pg::str(r[1]);
  p.currency = pg::currency(r[2]);
  p.amount = pg::i64(r[3]);
  p.promised_date = pg::date(r[4]);
  p.status = promise_status(pg::text(r[5]));
  p.created_at = pg::str(r[6]);
  p.recorded_by = pg::str(r[7]);
  p.invoice_ids = split_units(pg::text(r[8]));
  return p;
}

// Links row `id` to invoices by external id with `sql` (parameters: id, external id), one
// statement each as SQLite does: a name given twice fails on the primary key there too.
void link_invoices(PostgresStore& store, const std::string& sql, int64_t id,
                   const std::vector<std::string>& invoice_ids) {
  for (const auto& invoice : invoice_ids) store.exec(sql, id, invoice);
}

constexpr const char* kPlansFrom = "FROM payment_plans p JOIN customers c ON c.id = p.customer_id ";

// Every plan `where` (parameter $1, if any) selects, with its installments and invoices. With
// no `where` the whole table, through cursors.
void read_plans_where(PostgresStore& store, const std::string& where,
                      const std::optional<std::string>& value,
                      const std::function<void(const PaymentPlan&)>& row) {
  const std::string plans = std::string(kPlansFrom) + where;
  auto run = [&](const std::string& sql, const std::function<void(const Row&)>& each_row) {
    if (value) {
      each(store.exec(sql, *value), each_row);
    } else {
      store.stream(sql, each_row);
    }
  };
  std::map<int64_t, std::vector<Installment>> installments;
  run("SELECT k.plan_id, k.due_date, k.amount FROM plan_installments k "
      "WHERE k.plan_id IN (SELECT p.id " +
          plans + ") ORDER BY k.plan_id, k.seq",
      [&](const Row& r) {
        installments[pg::i64(r[0])].push_back({pg::date(r[1]), pg::i64(r[2])});
      });
  run("SELECT p.id, c.external_id, p.currency, p.status, p.note, p.created_at, p.recorded_by, "
      "(SELECT string_agg(i.external_id, chr(31)) FROM plan_invoices pi "
      "JOIN invoices i ON i.id = pi.invoice_id WHERE pi.plan_id = p.id) " +
          plans + " ORDER BY p.id",
      [&](const Row& r) {
        PaymentPlan p;
        p.id = pg::i64(r[0]);
        p.customer_id = pg::str(r[1]);
        p.currency = pg::currency(r[2]);
        p.status = plan_status(pg::text(r[3]));
        p.note = pg::str(r[4]);
        p.created_at = pg::str(r[5]);
        p.recorded_by = pg::str(r[6]);
        p.invoice_ids = split_units(pg::text(r[7]));
        std::sort(p.invoice_ids.begin(), p.invoice_ids.end());
        p.installments = std::move(installments[p.id]);
        row(p);
      });
}

constexpr const char* kDisputeColumns =
    "SELECT d.id, i.external_id, c.external_id, d.amount, d.reason, d.note, d.status, "
    "d.opened_at, d.respond_by, d.resolved_at, d.resolution, d.recorded_by FROM disputes d "
    "JOIN invoices i ON i.id = d.invoice_id JOIN customers c ON c.id = i.customer_id ";

Dispute dispute_row(const Row& r) {
  Dispute d;
  d.id = pg::i64(r[0]);
  d.invoice_id = pg::str(r[1]);
  d.customer_id = pg::str(r[2]);
  d.amount = pg::i64(r[3]);
  d.reason = pg::str(r[4]);
  d.note = pg::str(r[5]);
  d.status = pg::text(r[6]) == "resolved" ? DisputeStatus::kResolved : DisputeStatus::kOpen;
  d.opened_at = pg::str(r[7]);
  d.respond_by = pg::str(r[8]);
  d.resolved_at = pg::str(r[9]);
  d.resolution = pg::str(r[10]);
  d.recorded_by = pg::str(r[11]);
  return d;
}

// ---- actions ----

constexpr const char* kActionColumns =
    "SELECT a.id, c.external_id, a.kind, a.level, a.channel, a.planned_for, a.scheduled_at, "
    "a.currency, a.amount, a.template, a.assigned_to, a.status, a.rule, a.outcome, "
    "a.invoice_keys, a.customer_id";
// The invoices' external ids in invoice_keys order, an invoice no longer there left out (as
// SQLite's lookup per key does), each after a chr(31): "" and NULL are no invoices, and an
// empty external id stays one.
constexpr const char* kActionInvoiceIds =
    ", (SELECT string_agg(chr(31) || i.external_id, '' ORDER BY k.n) "
    "FROM unnest(string_to_array(a.invoice_keys, ' ')::bigint[]) WITH ORDINALITY AS k(id, n) "
    "JOIN invoices i ON i.id = k.id)";
constexpr const char* kActionsFrom = " FROM actions a JOIN customers c ON c.id = a.customer_id ";

std::string action_select(bool with_invoice_ids) {
  return std::string(kActionColumns) + (with_invoice_ids ? kActionInvoiceIds : "") + kActionsFrom;
}

Action action_row(const Row& r, bool with_invoice_ids, CurrencyCache& currencies) {
  Action a;
  a.id = pg::i64(r[0]);
  a.customer_id = pg::str(r[1]);
  a.kind = action_kind(pg::text(r[2]));
  a.level = static_cast<int32_t>(pg::i64(r[3]));
  a.channel = pg::str(r[4]);
  a.planned_for = pg::date(r[5]);
  a.scheduled_at = pg::str(r[6]);
  a.currency = currencies.get(r[7]);
  a.amount = pg::i64(r[8]);
  a.template_name = pg::str(r[9]);
  a.assigned_to = pg::str(r[10]);
  a.status = action_status(pg::text(r[11]));
  a.rule = pg::str(r[12]);
  a.outcome = pg::str(r[13]);
  a.customer_key = pg::i64(r[15]);
  parse_keys(r[14].c_str(), a.invoice_keys);
  if (with_invoice_ids && !r[16].is_null()) {
    const std::string_view ids = pg::text(r[16]);
    for (size_t start = 1; start <= ids.size();) {
      size_t end = ids.find('\x1f', start);
      if (end == std::string_view::npos) end = ids.size();
      a.invoice_ids.emplace_back(ids.substr(start, end - start));
      start = end + 1;
    }
  }
  return a;
}

// The store id of each action's customer.
std::vector<int64_t> action_customers(PostgresStore& store, std::span<const Action> actions) {
  std::vector<int64_t> ids(actions.size());
  std::unordered_map<std::string, int64_t> found;  // external id -> store id
  for (size_t k = 0; k < actions.size(); ++k) {
    const Action& a = actions[k];
    if (a.customer_key != 0) {
      ids[k] = a.customer_key;
    } else if (k > 0 && a.customer_id == actions[k - 1].customer_id) {
      ids[k] = ids[k - 1];
    } else if (auto known = found.find(a.customer_id); known != found.end()) {
      ids[k] = known->second;
    } else {
      const pqxx::result r =
          store.exec("SELECT id FROM customers WHERE external_id = $1", a.customer_id);
      if (r.empty()) throw std::runtime_error("action for unknown customer " + a.customer_id);
      ids[k] = found[a.customer_id] = pg::i64(r[0][0]);
    }
  }
  return ids;
}

// Whether the stored row `r` (columns as replace_planned_actions reads them) is `a`, customer
// and date apart.
bool stored_action_equals(const Row& r, const Action& a, std::string& keys) {
  format_keys(a.invoice_keys, keys);
  return pg::text(r[2]) == action_status_name(a.status) &&
         pg::text(r[3]) == action_kind_name(a.kind) && pg::i64(r[4]) == a.level &&
         pg::text(r[5]) == a.channel && pg::text(r[6]) == a.scheduled_at &&
         pg::text(r[7]) == a.currency.code_view() && pg::i64(r[8]) == a.amount &&
         pg::text(r[9]) == a.template_name && pg::text(r[10]) == a.assigned_to &&
         pg::text(r[11]) == a.rule && pg::text(r[12]) == keys;
}

// ---- approvals ----

constexpr const char* kApprovalColumns =
    "SELECT a.id, a.kind, c.external_id, a.currency, a.amount, a.required_level, "
    "a.requested_by, a.requested_role, a.requested_at, a.note, a.payload, a.status, "
    "a.decided_by, a.decided_role, a.decided_at, a.decision_note, a.result_id FROM approvals a "
    "JOIN customers c ON c.id = a.customer_id ";

Approval approval_row(const Row& r) {
  Approval a;
  a.id = pg::i64(r[0]);
  a.kind = pg::str(r[1]);
  a.customer_id = pg::str(r[2]);
  a.currency = pg::str(r[3]);
  a.amount = pg::i64(r[4]);
  a.required_level = pg::str(r[5]);
  a.requested_by = pg::str(r[6]);
  a.requested_role = pg::str(r[7]);
  a.requested_at = pg::timestamp(r[8]);
  a.note = pg::str(r[9]);
  a.payload = pg::str(r[10]);
  const auto status = parse_approval_status(pg::text(r[11]));
  if (!status) throw std::runtime_error("stored approval has unknown status " + pg::str(r[11]));
  a.status = *status;
  a.decided_by = pg::str(r[12]);
  a.decided_role = pg::str(r[13]);
  a.decided_at = pg::optional_timestamp(r[14]);
  a.decision_note = pg::str(r[15]);
  a.result_id = pg::optional_i64(r[16]);
  return a;
}

// The new id an INSERT … RETURNING id gave, 0 when it inserted nothing (its SELECT found no
// customer or invoice, which the caller has checked exists).
int64_t returned_id(const pqxx::result& result) {
  return result.empty() ? 0 : pg::i64(result[0][0]);
}

}  // namespace

// ---- identity ----

int64_t PostgresStore::insert_user(const User& u) {
  return returned_id(
      exec("INSERT INTO users (username, role, collector_id, team, password_hash, created_at, "
           "disabled) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
           u.username, std::string(role_name(u.role)), u.collector_id, u.team, u.password_hash,
           utc_text(u.created_at), int64_t{u.disabled ? 1 : 0}));
}

std::optional<User> PostgresStore::find_user(std::string_view username) {
  std::optional<User> found;
  for (const auto& r : exec(std::string(kUserColumns) + "WHERE username = $1 ORDER BY username",
                            std::string(username)))
    found = user_row(r);
  return found;
}

std::optional<User> PostgresStore::find_user_by_id(int64_t id) {
  std::optional<User> found;
  for (const auto& r : exec(std::string(kUserColumns) + "WHERE id = $1 ORDER BY username", id))
    found = user_row(r);
  return found;
}

void PostgresStore::read_users(const std::function<void(const User&)>& row) {
  stream(std::string(kUserColumns) + "ORDER BY username", [&](const Row& r) { row(user_row(r)); });
}

LoginThrottle PostgresStore::login_throttle(std::string_view username) {
  // A user's own row first, should a name have both (SQLite's UNION ALL reads them so).
  const pqxx::result result = exec(
      "SELECT failed_logins, last_failed_at, locked_until FROM ("
      "SELECT 0 AS source, failed_logins, last_failed_at, locked_until FROM users "
      "WHERE username = $1 UNION ALL "
      "SELECT 1, failed_logins, last_failed_at, locked_until FROM login_failures "
      "WHERE username = $1) t ORDER BY source LIMIT 1",
      std::string(username));
  LoginThrottle throttle;
  if (!result.empty()) {
    throttle.failed_logins = static_cast<int32_t>(pg::i64(result[0][0]));
    throttle.last_failed_at = pg::optional_timestamp(result[0][1]);
    throttle.locked_until = pg::optional_timestamp(result[0][2]);
  }
  return throttle;
}

void PostgresStore::set_login_throttle(std::string_view username, const LoginThrottle& throttle,
                                       const Timestamp& now) {
  const std::string name(username);
  const std::string last = optional_utc_text(throttle.last_failed_at);
  const std::string until = optional_utc_text(throttle.locked_until);
  const auto user = exec(
      "UPDATE users SET failed_logins = $1, last_failed_at = $2, locked_until = $3 "
      "WHERE username = $4",
      int64_t{throttle.failed_logins}, last, until, name);
  if (user.affected_rows() == 0) {
    const bool clean = throttle.failed_logins == 0 && !throttle.locked_until;
    if (clean) {
      exec("DELETE FROM login_failures WHERE username = $1", name);
    } else {
      // SQLite's INSERT OR REPLACE: every column is written either way.
      exec(
          "INSERT INTO login_failures (failed_logins, last_failed_at, locked_until, username) "
          "VALUES ($1, $2, $3, $4) ON CONFLICT (username) DO UPDATE SET "
          "failed_logins = EXCLUDED.failed_logins, last_failed_at = EXCLUDED.last_failed_at, "
          "locked_until = EXCLUDED.locked_until",
          int64_t{throttle.failed_logins}, last, until, name);
    }
  }
  exec("DELETE FROM login_failures WHERE last_failed_at < $1 AND locked_until < $2",
       utc_text(now.plus_seconds(-86400)), utc_text(now));
}

int64_t PostgresStore::insert_session(const Session& s) {
  return returned_id(
      exec("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, "
           "last_seen) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
           s.token_hash, s.user_id, s.csrf_token, utc_text(s.created_at), utc_text(s.expires_at),
           utc_text(s.last_seen)));
}

std::optional<Session> PostgresStore::find_session(std::string_view token_hash) {
  const pqxx::result result = exec(
      "SELECT id, token_hash, user_id, csrf_token, created_at, expires_at, last_seen "
      "FROM sessions WHERE token_hash = $1",
      std::string(token_hash));
  if (result.empty()) return std::nullopt;
  const Row r = result[0];
  Session s;
  s.id = pg::i64(r[0]);
  s.token_hash = pg::str(r[1]);
  s.user_id = pg::i64(r[2]);
  s.csrf_token = pg::str(r[3]);
  s.created_at = pg::timestamp(r[4]);
  s.expires_at = pg::timestamp(r[5]);
  s.last_seen = pg::timestamp(r[6]);
  return s;
}

void PostgresStore::touch_session(int64_t id, const Timestamp& last_seen) {
  exec("UPDATE sessions SET last_seen = $1 WHERE id = $2", utc_text(last_seen), id);
}

void PostgresStore::delete_session(int64_t id) {
  exec("DELETE FROM sessions WHERE id = $1", id);
}

void PostgresStore::delete_expired_sessions(const Timestamp& now) {
  exec("DELETE FROM sessions WHERE expires_at <= $1", utc_text(now));
}

int64_t PostgresStore::insert_api_token(const ApiToken& t) {
  return returned_id(exec(
      "INSERT INTO api_tokens (name, user_id, token_hash, created_at, revoked_at) "
      "VALUES ($1, $2, $3, $4, $5) RETURNING id",
      t.name, t.user_id, t.token_hash, utc_text(t.created_at), optional_utc_text(t.revoked_at)));
}

std::optional<ApiToken> PostgresStore::find_api_token(std::string_view token_hash) {
  return api_token_row(
      exec("SELECT id, name, user_id, token_hash, created_at, revoked_at FROM api_tokens "
           "WHERE token_hash = $1",
           std::string(token_hash)));
}

std::optional<ApiToken> PostgresStore::find_api_token_by_id(int64_t id) {
  return api_token_row(
      exec("SELECT id, name, user_id, token_hash, created_at, revoked_at FROM api_tokens "
           "WHERE id = $1",
           id));
}

void PostgresStore::revoke_api_token(int64_t id, const Timestamp& at) {
  exec("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at = ''", utc_text(at), id);
}

// ---- one customer's records ----

void PostgresStore::read_customer_disputes(int64_t customer_id,
                                           const std::function<void(const Dispute&)>& row) {
  for (const auto& r :
       exec(std::string(kDisputeColumns) + "WHERE i.customer_id = $1 ORDER BY d.id", customer_id))
    row(dispute_row(r));
}

void PostgresStore::read_customer_actions(int64_t customer_id, int64_t limit,
                                          const std::function<void(const Action&)>& row) {
  CurrencyCache currencies;
  for (const auto& r :
       exec(action_select(false) + "WHERE a.customer_id = $1 "
                                   "ORDER BY a.planned_for DESC, a.id DESC LIMIT $2",
            customer_id, limit_or_all(limit).get()))
    row(action_row(r, false, currencies));
}

// ---- contacts, promises, payment plans, disputes ----

int64_t PostgresStore::insert_contact(const Contact& c) {
  return returned_id(
      exec("INSERT INTO contacts (customer_id, channel, at, outcome, note, recorded_by) "
           "SELECT id, $1::text, $2::text, $3::text, $4::text, $5::text FROM customers "
           "WHERE external_id = $6 RETURNING id",
           c.channel, c.at, c.outcome, c.note, c.recorded_by, c.customer_id));
}

void PostgresStore::read_contacts(const std::function<void(const Contact&)>& row) {
  stream(std::string(kContactColumns) + "ORDER BY k.id",
         [&](const Row& r) { row(contact_row(r)); });
}

void PostgresStore::read_customer_contacts(std::string_view customer_id,
                                           const std::function<void(const Contact&)>& row) {
  for (const auto& r :
       exec(std::string(kContactColumns) + "WHERE c.external_id = $1 ORDER BY k.at DESC, k.id DESC",
            std::string(customer_id)))
    row(contact_row(r));
}

int64_t PostgresStore::insert_promise(const Promise& p) {
  const int64_t id = returned_id(
      exec("INSERT INTO promises (customer_id, currency, amount, promised_date, status, "
           "created_at, recorded_by) SELECT id, $1::text, $2::bigint, $3::text, $4::text, "
           "$5::text, $6::text FROM customers WHERE external_id = $7 RETURNING id",
           std::string(p.currency.code_view()), p.amount, std::string(p.promised_date.iso().data()),
           promise_status_name(p.status), p.created_at, p.recorded_by, p.customer_id));
  if (id == 0) return id;  // no such customer: nothing to link
  link_invoices(*this,
                "INSERT INTO promise_invoices (promise_id, invoice_id) "
                "SELECT $1::bigint, id FROM invoices WHERE external_id = $2",
                id, p.invoice_ids);
  return id;
}

void PostgresStore::read_promises(const std::function<void(const Promise&)>& row) {
  stream(std::string(kPromiseColumns) + "ORDER BY p.id",
         [&](const Row& r) { row(promise_row(r)); });
}

void PostgresStore::read_customer_promises(std::string_view customer_id,
                                           const std::function<void(const Promise&)>& row) {
  for (const auto& r : exec(std::string(kPromiseColumns) + "WHERE c.external_id = $1 ORDER BY p.id",
                            std::string(customer_id)))
    row(promise_row(r));
}

void PostgresStore::set_promise_status(int64_t id, PromiseStatus status) {
  exec("UPDATE promises SET status = $1 WHERE id = $2", promise_status_name(status), id);
}

int64_t PostgresStore::insert_plan(const PaymentPlan& p) {
  const int64_t id = returned_id(
      exec("INSERT INTO payment_plans (customer_id, currency, status, note, created_at, "
           "recorded_by) SELECT id, $1::text, $2::text, $3::text, $4::text, $5::text "
           "FROM customers WHERE external_id = $6 RETURNING id",
           std::string(p.currency.code_view()), plan_status_name(p.status), p.note, p.created_at,
           p.recorded_by, p.customer_id));
  if (id == 0) return id;  // no such customer: nothing to add to it
  for (size_t k = 0; k < p.installments.size(); ++k) {
    exec("INSERT INTO plan_installments (plan_id, seq, due_date, amount) VALUES ($1, $2, $3, $4)",
         id, static_cast<int64_t>(k + 1), std::string(p.installments[k].due.iso().data()),
         p.installments[k].amount);
  }
  link_invoices(*this,
                "INSERT INTO plan_invoices (plan_id, invoice_id) "
                "SELECT $1::bigint, id FROM invoices WHERE external_id = $2",
                id, p.invoice_ids);
  return id;
}

void PostgresStore::read_plans(const std::function<void(const PaymentPlan&)>& row) {
  read_plans_where(*this, "", std::nullopt, row);
}

void PostgresStore::read_customer_plans(std::string_view customer_id,
                                        const std::function<void(const PaymentPlan&)>& row) {
  read_plans_where(*this, "WHERE c.external_id = $1", std::string(customer_id), row);
}

std::optional<PaymentPlan> PostgresStore::find_plan(int64_t id) {
  std::optional<PaymentPlan> found;
  read_plans_where(*this, "WHERE p.id = $1::bigint", std::to_string(id),
                   [&](const PaymentPlan& p) { found = p; });
  return found;
}

void PostgresStore::set_plan_status(int64_t id, PlanStatus status) {
  exec("UPDATE payment_plans SET status = $1 WHERE id = $2", plan_status_name(status), id);
}

int64_t PostgresStore::insert_dispute(const Dispute& d) {
  return returned_id(
      exec("INSERT INTO disputes (invoice_id, amount, reason, note, status, opened_at, "
           "respond_by, recorded_by) SELECT id, $1::bigint, $2::text, $3::text, 'open', "
           "$4::text, $5::text, $6::text FROM invoices WHERE external_id = $7 RETURNING id",
           d.amount, d.reason, d.note, d.opened_at, d.respond_by, d.recorded_by, d.invoice_id));
}

std::optional<Dispute> PostgresStore::find_dispute(int64_t id) {
  std::optional<Dispute> found;
  for (const auto& r : exec(std::string(kDisputeColumns) + "WHERE d.id = $1 ORDER BY d.id", id))
    found = dispute_row(r);
  return found;
}

void PostgresStore::read_disputes(const std::function<void(const Dispute&)>& row) {
  stream(std::string(kDisputeColumns) + "ORDER BY d.id",
         [&](const Row& r) { row(dispute_row(r)); });
}

void PostgresStore::resolve_dispute(int64_t id, const std::string& resolved_at,
                                    const std::string& resolution, const std::string& note) {
  exec(
      "UPDATE disputes SET status = 'resolved', resolved_at = $1, resolution = $2, "
      "note = CASE WHEN $3::text = '' THEN note ELSE $3::text END "
      "WHERE id = $4 AND status = 'open'",
      resolved_at, resolution, note, id);
}

// ---- actions ----

void PostgresStore::replace_planned_actions(Date day, std::span<const Action> actions) {
  const std::vector<int64_t> customers = action_customers(*this, actions);
  // Each customer's new actions are [first, first + count); `matched` of them are stored
  // already, in order. `rewrite`: its planned rows go and its new actions are inserted.
  struct CustomerDay {
    uint32_t first = 0;
    uint32_t count = 0;
    uint32_t matched = 0;
    bool rewrite = false;
  };
  absl::flat_hash_map<int64_t, CustomerDay> days;
  days.reserve(actions.size());
  for (uint32_t k = 0; k < actions.size(); ++k) {
    auto [day_of, added] = days.try_emplace(customers[k], CustomerDay{k, 0, 0, false});
    if (!added && day_of->second.first + day_of->second.count != k) day_of->second.rewrite = true;
    ++day_of->second.count;
  }
  // The day's rows, read once: by status, then id, so a customer's planned rows come in the
  // order they were inserted.
  std::vector<std::pair<int64_t, int64_t>> planned;  // (customer, action id)
  std::string keys;
  stream(
      "SELECT id, customer_id, status, kind, level, channel, scheduled_at, currency, amount, "
      "template, assigned_to, rule, invoice_keys FROM actions WHERE planned_for = " +
          date_literal(day) + " ORDER BY status, id",
      [&](const Row& r) {
        const int64_t customer = pg::i64(r[1]);
        const bool is_planned = pg::text(r[2]) == "planned";
        if (is_planned) planned.emplace_back(customer, pg::i64(r[0]));
        CustomerDay& day_of = days[customer];
        if (day_of.rewrite) return;
        // A worked action of the day is rewritten around as before, so ids keep their order.
        if (!is_planned || day_of.matched == day_of.count ||
            !stored_action_equals(r, actions[day_of.first + day_of.matched], keys)) {
          day_of.rewrite = true;
        } else {
          ++day_of.matched;
        }
      });
  auto rewritten = [&](int64_t customer) {
    const CustomerDay& day_of = days.at(customer);
    return day_of.rewrite || day_of.matched != day_of.count;
  };
  // The rows read, by id: one statement per many thousand rather than one per row.
  constexpr size_t kChunk = 50000;
  std::vector<int64_t> doomed;
  for (const auto& [customer, id] : planned) {
    if (rewritten(customer)) doomed.push_back(id);
  }
  for (size_t start = 0; start < doomed.size(); start += kChunk) {
    exec("DELETE FROM actions WHERE id = ANY($1::bigint[])",
         id_array(doomed, start, std::min(doomed.size(), start + kChunk)));
  }
  // In action order: COPY assigns the new ids in the order of its rows, as the inserts of
  // SQLite do.
  pg::CopyRows rows;
  auto flush = [&] {
    copy_in(
        "actions (customer_id, kind, level, channel, planned_for, scheduled_at, currency, "
        "amount, template, assigned_to, status, rule, invoice_keys)",
        rows);
    rows.clear();
  };
  for (uint32_t k = 0; k < actions.size(); ++k) {
    if (!rewritten(customers[k])) continue;
    const Action& a = actions[k];
    format_keys(a.invoice_keys, keys);
    rows.add(customers[k])
        .add(action_kind_name(a.kind))
        .add(int64_t{a.level})
        .add(a.channel)
        .add(a.planned_for.iso().data())
        .add(a.scheduled_at)
        .add(a.currency.code_view())
        .add(a.amount)
        .add(a.template_name)
        .add(a.assigned_to)
        .add(action_status_name(a.status))
        .add(a.rule)
        .add(keys);
    rows.end_row();
    if (rows.rows() == kChunk) flush();
  }
  flush();
}

void PostgresStore::read_actions(std::optional<Date> before, bool with_invoice_ids,
                                 const std::function<void(const Action&)>& row) {
  CurrencyCache currencies;
  stream(action_select(with_invoice_ids) +
             (before ? "WHERE a.planned_for < " + date_literal(*before) : std::string()) +
             " ORDER BY a.planned_for, c.external_id, a.id",
         [&](const Row& r) { row(action_row(r, with_invoice_ids, currencies)); });
}

void PostgresStore::read_action_history(Date as_of, Date recent_from,
                                        const std::function<void(const Action&)>& row) {
  // Two index range scans: the recent window, and the remembered kinds (the partial index of
  // migration 008, whose condition the second part repeats word for word).
  const std::string remembered =
      "(kind IN ('letter', 'lawyer_letter') OR kind IN ('legal_review', 'internal_alert'))";
  const std::string as_of_date = date_literal(as_of);
  const std::string columns =
      "SELECT customer_id, kind, level, planned_for, scheduled_at, template, status, "
      "invoice_keys FROM actions WHERE status <> 'cancelled' AND NOT (planned_for = " +
      as_of_date + " AND status = 'planned') AND ";
  Action a;
  stream(columns + "planned_for BETWEEN " + date_literal(recent_from) + " AND " + as_of_date +
             " AND NOT " + remembered + " UNION ALL " + columns + "planned_for <= " + as_of_date +
             " AND " + remembered,
         [&](const Row& r) {
           a.customer_key = pg::i64(r[0]);
           a.kind = action_kind(pg::text(r[1]));
           a.level = static_cast<int32_t>(pg::i64(r[2]));
           a.planned_for = pg::date(r[3]);
           a.scheduled_at.assign(pg::text(r[4]));  // into the same buffer every row
           a.template_name.assign(pg::text(r[5]));
           a.status = action_status(pg::text(r[6]));
           a.invoice_keys.clear();
           parse_keys(r[7].c_str(), a.invoice_keys);
           row(a);
         });
}

std::optional<Action> PostgresStore::find_action(int64_t id) {
  std::optional<Action> found;
  CurrencyCache currencies;
  for (const auto& r : exec(
           action_select(true) + "WHERE a.id = $1 ORDER BY a.planned_for, c.external_id, a.id", id))
    found = action_row(r, true, currencies);
  return found;
}

int64_t PostgresStore::read_actions_page(const ActionFilter& filter,
                                         const std::function<void(const Action&)>& row) {
  // One statement text per combination of the filter's members (the collectors go as one
  // array), so that each is prepared once.
  std::string where;
  std::vector<std::string> values;
  auto condition = [&](const std::string& sql, std::string value) {
    values.push_back(std::move(value));
    where += where.empty() ? "WHERE " : " AND ";
    where += sql + std::to_string(values.size());
  };
  if (filter.planned_for) condition("a.planned_for = $", filter.planned_for->iso().data());
  if (filter.status) condition("a.status = $", action_status_name(*filter.status));
  if (!filter.customer_id.empty()) condition("c.external_id = $", filter.customer_id);
  if (filter.collectors) {
    condition("c.collector = ANY($", pg::text_array(*filter.collectors));
    where += "::text[])";  // none: no customer, as SQLite's IN (NULL)
  }
  const size_t n = values.size();
  values.push_back(std::to_string(filter.limit));
  values.push_back(std::to_string(std::max<int64_t>(filter.offset, 0)));  // SQLite: < 0 is 0
  // As parameters: a null const char* is NULL, the LIMIT that SQLite's negative one means.
  std::vector<const char*> params;
  for (const std::string& value : values) params.push_back(value.c_str());
  if (filter.limit < 0) params[n] = nullptr;
  const int64_t total = pg::i64(
      exec("SELECT COUNT(*) FROM actions a JOIN customers c ON c.id = a.customer_id " + where,
           pqxx::prepare::make_dynamic_params(params.begin(), params.begin() + n))[0][0]);
  if (total <= filter.offset) return total;
  CurrencyCache currencies;
  for (const auto& r :
       exec(action_select(true) + where + " ORDER BY a.planned_for, a.id LIMIT $" +
                std::to_string(n + 1) + "::bigint OFFSET $" + std::to_string(n + 2) + "::bigint",
            pqxx::prepare::make_dynamic_params(params)))
    row(action_row(r, true, currencies));
  return total;
}

bool PostgresStore::reschedule_action(int64_t id, const std::string& scheduled_at) {
  return exec("UPDATE actions SET scheduled_at = $1 WHERE id = $2 AND status = 'planned'",
              scheduled_at, id)
             .affected_rows() == 1;
}

void PostgresStore::close_action(int64_t id, ActionStatus status, const std::string& outcome,
                                 const std::string& at, const std::string& by) {
  exec(
      "UPDATE actions SET status = $1, outcome = $2, closed_at = $3, closed_by = $4 "
      "WHERE id = $5 AND status = 'planned'",
      action_status_name(status), outcome, at, by, id);
}

// ---- approvals ----

int64_t PostgresStore::insert_approval(const Approval& a) {
  const pqxx::result result = exec(
      "INSERT INTO approvals (kind, customer_id, currency, amount, required_level, "
      "requested_by, requested_role, requested_at, note, payload, status, decided_by, "
      "decided_role, decided_at, decision_note, result_id) SELECT $1::text, id, $2::text, "
      "$3::bigint, $4::text, $5::text, $6::text, $7::text, $8::text, $9::text, $10::text, "
      "$11::text, $12::text, $13::text, $14::text, $15::bigint FROM customers "
      "WHERE external_id = $16 RETURNING id",
      a.kind, a.currency, a.amount, a.required_level, a.requested_by, a.requested_role,
      utc_text(a.requested_at), a.note, a.payload, std::string(approval_status_name(a.status)),
      a.decided_by, a.decided_role, optional_utc_text(a.decided_at), a.decision_note,
      Nullable(a.result_id).get(), a.customer_id);
  if (result.size() != 1) {
    throw std::runtime_error("no customer '" + a.customer_id + "' for an approval request");
  }
  return pg::i64(result[0][0]);
}

std::optional<Approval> PostgresStore::find_approval(int64_t id) {
  std::optional<Approval> found;
  for (const auto& r : exec(std::string(kApprovalColumns) + "WHERE a.id = $1 ORDER BY a.id", id))
    found = approval_row(r);
  return found;
}

void PostgresStore::read_approvals(std::optional<ApprovalStatus> status,
                                   const std::function<void(const Approval&)>& row) {
  if (status) {
    for (const auto& r : exec(std::string(kApprovalColumns) + "WHERE a.status = $1 ORDER BY a.id",
                              std::string(approval_status_name(*status))))
      row(approval_row(r));
  } else {
    stream(std::string(kApprovalColumns) + "ORDER BY a.id",
           [&](const Row& r) { row(approval_row(r)); });
  }
}

bool PostgresStore::update_approval_decision(const Approval& a) {
  return exec(
             "UPDATE approvals SET status = $1, decided_by = $2, decided_role = $3, "
             "decided_at = $4, decision_note = $5, result_id = $6 "
             "WHERE id = $7 AND status = 'pending'",
             std::string(approval_status_name(a.status)), a.decided_by, a.decided_role,
             optional_utc_text(a.decided_at), a.decision_note, Nullable(a.result_id).get(), a.id)
             .affected_rows() == 1;
}

}  // namespace huikuan

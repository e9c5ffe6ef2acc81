#pragma once
// The PostgreSQL store (--db postgresql://…): the same tables, migrations and behaviour as the
// SQLite store, for more users, more data and several server instances on one database.
//
// Internal to store/: the class is split over postgres_*.cpp by area (ledger, collections,
// outbox), which share the helpers declared here.

#include <charconv>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/store.h"

namespace huikuan {

//! Opens the PostgreSQL database at `url` (a libpq connection URI) and migrates it.
Result<std::unique_ptr<Store>> open_postgres_store(const std::string& url);

namespace pg {

// Column readers: a field's text without copying, and its value parsed.
inline std::string_view text(const pqxx::field& f) {
  return {f.c_str(), f.size()};
}
inline std::string str(const pqxx::field& f) {
  return {f.c_str(), f.size()};
}
int64_t i64(const pqxx::field& f);  //!< NULL reads as 0
std::optional<int64_t> optional_i64(const pqxx::field& f);
Date date(const pqxx::field& f);
Timestamp timestamp(const pqxx::field& f);
std::optional<Timestamp> optional_timestamp(const pqxx::field& f);  //!< '' is none
Currency currency(const pqxx::field& f);
//! A BYTEA column's bytes.
std::string bytes(const pqxx::field& f);

//! A PostgreSQL array literal ('{"a","b"}') of `project(value)` for each of `values`, for a
//! `$n::text[]` parameter: one statement instead of one per value.
template <class Range, class Project>
std::string text_array(const Range& values, Project project) {
  std::string out = "{";
  for (const auto& value : values) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (char ch : std::string_view(project(value))) {
      if (ch == '"' || ch == '\\') out += '\\';
      out += ch;
    }
    out += '"';
  }
  out += '}';
  return out;
}
inline std::string text_array(const std::vector<std::string>& values) {
  return text_array(values, [](const std::string& value) -> const std::string& { return value; });
}

//! 0 means "none" and is stored as NULL.
inline std::optional<int64_t> id_or_null(int64_t id) {
  return id == 0 ? std::nullopt : std::optional(id);
}

//! Rows for COPY … FROM STDIN in text format: each field escaped, NULL as \N.
class CopyRows {
 public:
  CopyRows& add(std::string_view value);
  CopyRows& add(int64_t value);
  CopyRows& add_null();
  CopyRows& add(const std::optional<int64_t>& value) { return value ? add(*value) : add_null(); }
  //! Ends the current row.
  void end_row();
  const std::string& data() const { return data_; }
  size_t rows() const { return rows_; }
  void clear() {
    data_.clear();
    rows_ = 0;
    fields_ = 0;
  }

 private:
  void separate();
  std::string data_;
  size_t rows_ = 0;
  size_t fields_ = 0;
};

}  // namespace pg

class PostgresStore final : public Store {
 public:
  explicit PostgresStore(const std::string& url);
  ~PostgresStore() override;

  void migrate();

  Result<void> transaction(const std::function<Result<void>()>& work) override;
  Result<void> read_transaction(const std::function<Result<void>()>& work) override;
  int schema_version() override;
  int64_t ledger_version() override;
  void bump_ledger_version() override;
  int64_t collection_version() override;
  void bump_collection_version() override;
  void update_statistics() override;
  std::string ledger_stamp() override;
  bool try_lock_job(std::string_view name, const std::string& holder) override;
  void unlock_job(std::string_view name) override;
  bool record_job_run(std::string_view job, std::string_view run_key, const std::string& instance,
                      const Timestamp& at) override;

  // ---- postgres_ledger.cpp ----
  void read_customers(const std::function<void(const Customer&)>& row) override;
  void read_invoices(ReadMode mode, const std::function<void(const Invoice&)>& row) override;
  void read_payments(ReadMode mode, const std::function<void(const Payment&)>& row) override;
  void read_allocations(const std::function<void(const Allocation&)>& row) override;
  void read_deliveries(const std::function<void(const Delivery&)>& row) override;
  void insert_customers(std::span<const Customer> rows) override;
  void insert_invoices(std::span<const Invoice> rows) override;
  void insert_payments(std::span<const Payment> rows) override;
  void insert_allocations(std::span<const Allocation> rows) override;
  void insert_deliveries(std::span<const Delivery> rows) override;
  void update_customer(const Customer& row) override;
  void update_invoice(const Invoice& row) override;
  void update_payment(const Payment& row) override;
  void update_allocation(const Allocation& row) override;
  void update_delivery(const Delivery& row) override;
  void insert_changes(std::span<const ChangeRecord> rows) override;
  void read_changes(const std::function<void(const ChangeRecord&)>& row) override;
  void read_audit(const std::function<void(const AuditEntry&)>& row) override;
  void read_audit_page(const AuditFilter& filter,
                       const std::function<void(const AuditEntry&)>& row) override;
  int64_t insert_policy_version(const PolicyVersion& version) override;
  std::optional<PolicyVersion> latest_policy_version() override;
  std::optional<Customer> find_customer(std::string_view external_id) override;
  std::optional<Customer> find_customer_by_id(int64_t id) override;
  std::optional<Invoice> find_invoice(std::string_view external_id) override;
  std::map<std::string, int64_t> open_by_currency(int64_t customer_id, Date day) override;
  int64_t invoice_open(int64_t invoice_id, Date day) override;
  int64_t disputed_open(int64_t invoice_id) override;
  std::optional<Payment> find_payment(std::string_view external_id) override;
  void read_customer_documents(int64_t customer_id,
                               const std::function<void(const Invoice&)>& row) override;
  void read_customer_payments(int64_t customer_id,
                              const std::function<void(const Payment&)>& row) override;
  void read_customer_allocations(int64_t customer_id,
                                 const std::function<void(const Allocation&)>& row) override;
  std::optional<Delivery> find_delivery(std::string_view external_id) override;
  void read_customer_deliveries(int64_t customer_id,
                                const std::function<void(const Delivery&)>& row) override;
  void read_changes_of(std::span<const std::pair<std::string, std::string>> records, int64_t limit,
                       const std::function<void(const AuditEntry&)>& row) override;

  // ---- postgres_collections.cpp ----
  int64_t insert_user(const User& user) override;
  std::optional<User> find_user(std::string_view username) override;
  std::optional<User> find_user_by_id(int64_t id) override;
  void read_users(const std::function<void(const User&)>& row) override;
  LoginThrottle login_throttle(std::string_view username) override;
  void set_login_throttle(std::string_view username, const LoginThrottle& throttle,
                          const Timestamp& now) override;
  int64_t insert_session(const Session& session) override;
  std::optional<Session> find_session(std::string_view token_hash) override;
  void touch_session(int64_t id, const Timestamp& last_seen) override;
  void delete_session(int64_t id) override;
  void delete_expired_sessions(const Timestamp& now) override;
  int64_t insert_api_token(const ApiToken& token) override;
  std::optional<ApiToken> find_api_token(std::string_view token_hash) override;
  std::optional<ApiToken> find_api_token_by_id(int64_t id) override;
  void revoke_api_token(int64_t id, const Timestamp& at) override;
  void read_customer_disputes(int64_t customer_id,
                              const std::function<void(const Dispute&)>& row) override;
  void read_customer_actions(int64_t customer_id, int64_t limit,
                             const std::function<void(const Action&)>& row) override;
  int64_t insert_contact(const Contact& contact) override;
  void read_contacts(const std::function<void(const Contact&)>& row) override;
  void read_customer_contacts(std::string_view customer_id,
                              const std::function<void(const Contact&)>& row) override;
  int64_t insert_promise(const Promise& promise) override;
  void read_promises(const std::function<void(const Promise&)>& row) override;
  void read_customer_promises(std::string_view customer_id,
                              const std::function<void(const Promise&)>& row) override;
  void set_promise_status(int64_t id, PromiseStatus status) override;
  int64_t insert_plan(const PaymentPlan& plan) override;
  void read_plans(const std::function<void(const PaymentPlan&)>& row) override;
  void read_customer_plans(std::string_view customer_id,
                           const std::function<void(const PaymentPlan&)>& row) override;
  std::optional<PaymentPlan> find_plan(int64_t id) override;
  void set_plan_status(int64_t id, PlanStatus status) override;
  int64_t insert_dispute(const Dispute& dispute) override;
  std::optional<Dispute> find_dispute(int64_t id) override;
  void read_disputes(const std::function<void(const Dispute&)>& row) override;
  void replace_planned_actions(Date day, std::span<const Action> actions) override;
  void read_actions(std::optional<Date> before, bool with_invoice_ids,
                    const std::function<void(const Action&)>& row) override;
  void read_action_history(Date as_of, Date recent_from,
                           const std::function<void(const Action&)>& row) override;
  std::optional<Action> find_action(int64_t id) override;
  int64_t read_actions_page(const ActionFilter& filter,
                            const std::function<void(const Action&)>& row) override;
  bool reschedule_action(int64_t id, const std::string& scheduled_at) override;
  void close_action(int64_t id, ActionStatus status, const std::string& outcome,
                    const std::string& at, const std::string& by) override;
  void resolve_dispute(int64_t id, const std::string& resolved_at, const std::string& resolution,
                       const std::string& note) override;
  int64_t insert_approval(const Approval& approval) override;
  std::optional<Approval> find_approval(int64_t id) override;
  void read_approvals(std::optional<ApprovalStatus> status,
                      const std::function<void(const Approval&)>& row) override;
  bool update_approval_decision(const Approval& decided) override;

  // ---- postgres_outbox.cpp ----
  int64_t insert_outbox(const OutboxMessage& message) override;
  std::optional<OutboxMessage> find_outbox(int64_t id) override;
  std::optional<OutboxMessage> lock_outbox(int64_t id) override;
  void read_outbox(const OutboxFilter& filter,
                   const std::function<void(const OutboxMessage&)>& row) override;
  std::map<std::string, int64_t> count_outbox() override;
  void update_outbox(const OutboxMessage& message) override;
  int64_t cancel_orphaned_outbox(const std::string& reason) override;
  int64_t insert_outbox_for_actions(
      Date day, const std::vector<std::pair<std::string, std::string>>& channels,
      int64_t planned_at, const std::string& token) override;
  void set_outbox_content(const OutboxMessage& m) override;
  int64_t count_sent_outbox(int64_t customer_key, const std::string& since) override;
  void insert_outbox_attempt(const OutboxAttempt& attempt) override;
  void finish_outbox_attempt(const OutboxAttempt& attempt) override;
  void read_outbox_attempts(int64_t outbox_id,
                            const std::function<void(const OutboxAttempt&)>& row) override;
  int64_t insert_evidence(const Evidence& evidence) override;
  void read_customer_evidence(int64_t customer_key, bool with_content,
                              const std::function<void(const Evidence&)>& row) override;
  void read_demands(const std::function<void(const Evidence&)>& row) override;
  int64_t insert_template_version(const TemplateVersion& version) override;
  void read_latest_templates(const std::function<void(const TemplateVersion&)>& row) override;

  // ---- helpers for the postgres_*.cpp files ----

  //! Runs `sql` (placeholders $1, $2, …) with `args` in the open transaction, else in one of
  //! its own (autocommit). Prepared on first use per connection: only for SQL from a fixed set
  //! of texts. Parameters: integers, std::string, const char*, std::optional<T> (NULL when
  //! empty; libpqxx's own traits), pqxx::binarystring for BYTEA. Pass std::string_view as
  //! std::string.
  template <typename... Args>
  pqxx::result exec(const std::string& sql, Args&&... args) {
    const std::string& name = prepared(sql);
    if (tx_) return tx_->exec_prepared(name, std::forward<Args>(args)...);
    pqxx::nontransaction autocommit(conn_);
    return autocommit.exec_prepared(name, std::forward<Args>(args)...);
  }

  //! Runs a parameterless SELECT over a table of any size, calling `row` for each result row:
  //! fetched through a cursor in batches, so memory stays bounded and `row` may query the store.
  void stream(const std::string& sql, const std::function<void(const pqxx::row&)>& row);

  //! COPY `rows` into `table` (columns as listed, e.g. "customers (id, name)"): the bulk path
  //! of imports and migrations, ~10× a prepared INSERT per row.
  void copy_in(const std::string& table_and_columns, const pg::CopyRows& rows);

  //! The transaction-scoped advisory lock `name` of this installation (two installations in
  //! one database, e.g. in separate schemas, do not share locks).
  void lock(std::string_view name);

 private:
  const std::string& prepared(const std::string& sql);
  //! Runs `work` in the open transaction, else in a read-only one of its own.
  void in_transaction(const std::function<void()>& work);
  int64_t lock_key(std::string_view name);

  pqxx::connection conn_;
  std::unique_ptr<pqxx::transaction_base> tx_;               //!< the open transaction, if any
  std::unordered_map<std::string, std::string> statements_;  //!< SQL text → prepared name
  std::string instance_;                                     //!< ledger_version.instance, read once
  int cursors_ = 0;
};

}  // namespace huikuan

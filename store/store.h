#pragma once
// Persistent storage of the ledger behind one interface: SQLite (store/sqlite) or PostgreSQL
// (store/postgres).
// No SQL dialect leaks out of store/: callers see rows and transactions only.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "ledger/approval.h"
#include "ledger/collections.h"
#include "ledger/identity.h"
#include "ledger/outbox.h"
#include "ledger/types.h"

namespace huikuan {

//! Which audit records to read (Store::read_audit_page).
struct AuditFilter {
  std::string entity, key, actor, request_id;  //!< "" matches any
  std::optional<int64_t> before_id;            //!< only records with a smaller id
  int64_t limit = 50;
};

//! Which actions to list (Store::read_actions_page); every set member must match.
struct ActionFilter {
  std::optional<Date> planned_for;
  std::optional<ActionStatus> status;
  std::string customer_id;  //!< external id; "" = any
  //! customers.collector values in scope; nullopt = every customer.
  std::optional<std::vector<std::string>> collectors;
  int64_t limit = 50;
  int64_t offset = 0;
};

//! Which outbox messages to list (Store::read_outbox).
struct OutboxFilter {
  std::optional<OutboxStatus> status;
  std::optional<int64_t> customer_key;
  //! Only messages a sender may take at this instant: pending and due, or sending with an
  //! expired claim (or one held by `dead_claims`).
  std::optional<int64_t> due_at;
  int64_t limit = 100;
  //! Only these channels; empty = all.
  std::vector<std::string> channels = {};
};

//! One version of the collection policy as stored.
struct PolicyVersion {
  int64_t id = 0;
  std::string toml;    //!< the file's text, as given
  std::string sha256;  //!< hex digest of the text
  Timestamp created_at;
  std::string created_by;
};

//! How much of a document row a read fills: kKeysAndAmounts skips the free-text columns
//! (external id, contract, reference) that aging and KPIs never look at.
enum class ReadMode { kFull, kKeysAndAmounts };

//! The file behind a SQLite location ("sqlite:PATH" or a plain path), or "" for a server URL.
std::string sqlite_file(std::string_view location);

//! A ledger database. Not thread-safe: one Store per thread. Readers in other processes see
//! only committed transactions.
class Store {
 public:
  virtual ~Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  //! Opens (creating if needed) the store at `location` — a file path, "sqlite:PATH" or a
  //! PostgreSQL URI ("postgresql://user@host:port/dbname") — and brings its schema to the
  //! current migration.
  static Result<std::unique_ptr<Store>> open(std::string_view location);

  //! Runs `work` in one transaction: commits if it succeeds, rolls back if it fails or throws,
  //! so a failed use case changes nothing.
  virtual Result<void> transaction(const std::function<Result<void>()>& work) = 0;
  //! Runs `work` on one consistent view of the data without taking the write lock.
  virtual Result<void> read_transaction(const std::function<Result<void>()>& work) = 0;

  //! Schema version after migrations.
  virtual int schema_version() = 0;
  //! Increases every time a transaction changes the ledger; lets snapshot caches detect staleness.
  virtual int64_t ledger_version() = 0;
  virtual void bump_ledger_version() = 0;
  //! Increases every time a transaction changes a promise, dispute or payment plan: what the
  //! worklist reads besides the ledger, so that other instances rebuild theirs.
  virtual int64_t collection_version() = 0;
  virtual void bump_collection_version() = 0;
  //! After a bulk load, outside any transaction: brings the query planner's statistics up to
  //! date (ANALYZE on PostgreSQL; nothing on SQLite).
  virtual void update_statistics() = 0;

  // Several server instances on one database.
  //! Takes the database-wide lock of the singleton job `name` (the daily run, an import), so
  //! that one process of all those using this database runs it at a time; false when another
  //! holds it. `holder` ("host:pid") names this process. Held until unlock_job, or until this
  //! connection closes (PostgreSQL) or this process dies (SQLite).
  virtual bool try_lock_job(std::string_view name, const std::string& holder) = 0;
  virtual void unlock_job(std::string_view name) = 0;
  //! Records that scheduled job `job` ran for `run_key` (the daily run's date); false, and
  //! nothing written, when some instance already had.
  virtual bool record_job_run(std::string_view job, std::string_view run_key,
                              const std::string& instance, const Timestamp& at) = 0;
  //! "<database instance>:<ledger version>": equal stamps mean an identical ledger.
  virtual std::string ledger_stamp() = 0;

  virtual void read_customers(const std::function<void(const Customer&)>& row) = 0;
  virtual void read_invoices(ReadMode mode, const std::function<void(const Invoice&)>& row) = 0;
  virtual void read_payments(ReadMode mode, const std::function<void(const Payment&)>& row) = 0;
  virtual void read_allocations(const std::function<void(const Allocation&)>& row) = 0;
  //! Every delivery note, in no particular order.
  virtual void read_deliveries(const std::function<void(const Delivery&)>& row) = 0;

  //! Inserts rows whose `id` the caller assigned (greater than every stored id).
  virtual void insert_customers(std::span<const Customer> rows) = 0;
  virtual void insert_invoices(std::span<const Invoice> rows) = 0;
  virtual void insert_payments(std::span<const Payment> rows) = 0;
  virtual void insert_allocations(std::span<const Allocation> rows) = 0;
  virtual void insert_deliveries(std::span<const Delivery> rows) = 0;

  //! Rewrites every column of the row with the same `id`.
  virtual void update_customer(const Customer& row) = 0;
  virtual void update_invoice(const Invoice& row) = 0;
  virtual void update_payment(const Payment& row) = 0;
  virtual void update_allocation(const Allocation& row) = 0;
  virtual void update_delivery(const Delivery& row) = 0;

  //! Appends to the audit log: each row gets the next id (no gaps) and the hash chaining it to
  //! the record before (store/audit_chain.h). Call it in the transaction of the change it
  //! records; outside one, it makes its own.
  virtual void insert_changes(std::span<const ChangeRecord> rows) = 0;
  virtual void read_changes(const std::function<void(const ChangeRecord&)>& row) = 0;
  //! Every change record with its chain columns, by id, as stored (nothing is checked).
  virtual void read_audit(const std::function<void(const AuditEntry&)>& row) = 0;
  //! Up to filter.limit records, newest first, older than filter.before_id, matching the
  //! filter's non-empty fields.
  virtual void read_audit_page(const AuditFilter& filter,
                               const std::function<void(const AuditEntry&)>& row) = 0;

  // The collection policy in force (PUT /api/v1/policy): versions are only ever added.
  virtual int64_t insert_policy_version(const PolicyVersion& version) = 0;
  virtual std::optional<PolicyVersion> latest_policy_version() = 0;

  // Identity (ledger/identity.h). Times are stored in UTC.
  //! Inserts and returns the new id; the caller has checked that the username is free.
  virtual int64_t insert_user(const User& user) = 0;
  virtual std::optional<User> find_user(std::string_view username) = 0;
  virtual std::optional<User> find_user_by_id(int64_t id) = 0;
  //! Every user, by username.
  virtual void read_users(const std::function<void(const User&)>& row) = 0;
  //! The failed sign-ins of `username`, whether or not a user has that name.
  virtual LoginThrottle login_throttle(std::string_view username) = 0;
  //! Records them. For a name no user has, a clean state forgets the name, and names without a
  //! failure in the day before `now` are forgotten too.
  virtual void set_login_throttle(std::string_view username, const LoginThrottle& throttle,
                                  const Timestamp& now) = 0;
  //! Inserts and returns the new id.
  virtual int64_t insert_session(const Session& session) = 0;
  virtual std::optional<Session> find_session(std::string_view token_hash) = 0;
  virtual void touch_session(int64_t id, const Timestamp& last_seen) = 0;
  virtual void delete_session(int64_t id) = 0;
  //! Deletes the sessions whose absolute expiry is at or before `now`.
  virtual void delete_expired_sessions(const Timestamp& now) = 0;
  //! Inserts and returns the new id.
  virtual int64_t insert_api_token(const ApiToken& token) = 0;
  virtual std::optional<ApiToken> find_api_token(std::string_view token_hash) = 0;
  virtual std::optional<ApiToken> find_api_token_by_id(int64_t id) = 0;
  virtual void revoke_api_token(int64_t id, const Timestamp& at) = 0;

  // Single-row lookups for use cases that touch one customer or document.
  virtual std::optional<Customer> find_customer(std::string_view external_id) = 0;
  //! The customer with store id `id`.
  virtual std::optional<Customer> find_customer_by_id(int64_t id) = 0;
  virtual std::optional<Invoice> find_invoice(std::string_view external_id) = 0;
  //! Open amount per currency code of a customer's invoices as of `day`, in minor units.
  virtual std::map<std::string, int64_t> open_by_currency(int64_t customer_id, Date day) = 0;
  //! Open amount of one invoice as of `day`, in minor units.
  virtual int64_t invoice_open(int64_t invoice_id, Date day) = 0;
  //! Sum of the open disputes on an invoice, in minor units.
  virtual int64_t disputed_open(int64_t invoice_id) = 0;

  // One customer's records (the 360° view, GET /api/v1/invoices|payments): each read is an
  // index lookup, so it costs what that customer has, not what the ledger holds.
  virtual std::optional<Payment> find_payment(std::string_view external_id) = 0;
  //! The customer's invoices and credit notes, every column, in no particular order.
  virtual void read_customer_documents(int64_t customer_id,
                                       const std::function<void(const Invoice&)>& row) = 0;
  //! The customer's payments, every column, in no particular order.
  virtual void read_customer_payments(int64_t customer_id,
                                      const std::function<void(const Payment&)>& row) = 0;
  //! The allocations to the customer's invoices (of its payments and credit notes), any order.
  virtual void read_customer_allocations(int64_t customer_id,
                                         const std::function<void(const Allocation&)>& row) = 0;
  virtual std::optional<Delivery> find_delivery(std::string_view external_id) = 0;
  //! The customer's delivery notes, in no particular order.
  virtual void read_customer_deliveries(int64_t customer_id,
                                        const std::function<void(const Delivery&)>& row) = 0;
  //! The disputes on the customer's invoices, by id.
  virtual void read_customer_disputes(int64_t customer_id,
                                      const std::function<void(const Dispute&)>& row) = 0;
  //! The customer's latest `limit` actions (newest planned_for first) with their invoices' store
  //! ids (`invoice_keys`) only: the caller, which has the customer's documents, names them.
  virtual void read_customer_actions(int64_t customer_id, int64_t limit,
                                     const std::function<void(const Action&)>& row) = 0;
  //! The latest `limit` audit records about any of `records` (entity, key), newest first.
  virtual void read_changes_of(std::span<const std::pair<std::string, std::string>> records,
                               int64_t limit,
                               const std::function<void(const AuditEntry&)>& row) = 0;

  //! Inserts and returns the new id; the row names its customer (and invoices) by external id,
  //! which the caller has checked.
  virtual int64_t insert_contact(const Contact& contact) = 0;
  virtual void read_contacts(const std::function<void(const Contact&)>& row) = 0;
  //! One customer's contacts (external id), newest first.
  virtual void read_customer_contacts(std::string_view customer_id,
                                      const std::function<void(const Contact&)>& row) = 0;
  virtual int64_t insert_promise(const Promise& promise) = 0;
  virtual void read_promises(const std::function<void(const Promise&)>& row) = 0;
  //! One customer's promises (external id), by id.
  virtual void read_customer_promises(std::string_view customer_id,
                                      const std::function<void(const Promise&)>& row) = 0;
  virtual void set_promise_status(int64_t id, PromiseStatus status) = 0;
  virtual int64_t insert_plan(const PaymentPlan& plan) = 0;
  //! Every payment plan with its installments (by date) and invoices, by id.
  virtual void read_plans(const std::function<void(const PaymentPlan&)>& row) = 0;
  virtual void read_customer_plans(std::string_view customer_id,
                                   const std::function<void(const PaymentPlan&)>& row) = 0;
  virtual std::optional<PaymentPlan> find_plan(int64_t id) = 0;
  virtual void set_plan_status(int64_t id, PlanStatus status) = 0;
  virtual int64_t insert_dispute(const Dispute& dispute) = 0;
  virtual std::optional<Dispute> find_dispute(int64_t id) = 0;
  virtual void read_disputes(const std::function<void(const Dispute&)>& row) = 0;
  //! Replaces the actions planned for `day` that nobody has worked yet by `actions` (customer
  //! by customer_key, else external id; invoices by invoice_keys), a customer's together. A
  //! customer whose actions of the day are all still planned and equal, in order, to its new
  //! ones keeps those rows and their ids; the result is otherwise that of deleting and inserting.
  virtual void replace_planned_actions(Date day, std::span<const Action> actions) = 0;
  //! Every action with planned_for < `before` (all when nullopt), with invoice keys, and the
  //! invoices' external ids when `with_invoice_ids` (a lookup each).
  virtual void read_actions(std::optional<Date> before, bool with_invoice_ids,
                            const std::function<void(const Action&)>& row) = 0;
  //! What the daily run of `as_of` builds on: letters, lawyer letters, legal reviews and
  //! internal alerts planned up to that date, and other actions planned from `recent_from`,
  //! except cancelled ones and that date's still-planned ones (which the run replaces). Rows
  //! carry customer_key, kind, level, planned_for, scheduled_at, template, status, invoice_keys.
  virtual void read_action_history(Date as_of, Date recent_from,
                                   const std::function<void(const Action&)>& row) = 0;
  virtual std::optional<Action> find_action(int64_t id) = 0;
  //! Up to filter.limit actions matching `filter` after skipping filter.offset, by planned_for
  //! then id, with their invoices' external ids; returns how many match in all.
  virtual int64_t read_actions_page(const ActionFilter& filter,
                                    const std::function<void(const Action&)>& row) = 0;
  //! Moves a planned action to `scheduled_at` (ISO 8601 with offset); false when it is not
  //! planned (nothing written then).
  virtual bool reschedule_action(int64_t id, const std::string& scheduled_at) = 0;
  //! Closes a planned action as done or skipped.
  virtual void close_action(int64_t id, ActionStatus status, const std::string& outcome,
                            const std::string& at, const std::string& by) = 0;
  //! Marks an open dispute resolved.
  virtual void resolve_dispute(int64_t id, const std::string& resolved_at,
                               const std::string& resolution, const std::string& note) = 0;

  // Outgoing messages (ledger/outbox.h).
  //! Inserts and returns the new id (message_id must be unique).
  virtual int64_t insert_outbox(const OutboxMessage& message) = 0;
  virtual std::optional<OutboxMessage> find_outbox(int64_t id) = 0;
  //! Inside a transaction: message `id`, locked until the transaction ends so that no other
  //! sender claims it meanwhile; nullopt when it does not exist or another sender's transaction
  //! holds it (PostgreSQL: SELECT … FOR UPDATE SKIP LOCKED; SQLite's single writer holds the
  //! whole database already).
  virtual std::optional<OutboxMessage> lock_outbox(int64_t id) = 0;
  //! Messages matching `filter`, by not_before then id (due_at set) or newest first.
  virtual void read_outbox(const OutboxFilter& filter,
                           const std::function<void(const OutboxMessage&)>& row) = 0;
  //! Counts per status.
  virtual std::map<std::string, int64_t> count_outbox() = 0;
  //! Rewrites the mutable columns: status, attempts, not_before, claimed_by, lease_until,
  //! sent_at, last_error.
  virtual void update_outbox(const OutboxMessage& message) = 0;
  //! Cancels the pending messages whose action a rerun replaced; returns how many.
  virtual int64_t cancel_orphaned_outbox(const std::string& reason) = 0;
  //! Writes a pending message for each of the day's planned actions that has none, whose kind
  //! `channels` maps to a channel ("email", "sms" or "im") and whose customer has the address
  //! that channel needs: recipient, template, message_id "<ACTION.TOKEN@huikuan>" (`token`
  //! makes it unique across runs and databases), not_before = the action's scheduled_at,
  //! planned_at; subject, body and language stay "" until the sender renders them. Returns how
  //! many it wrote.
  virtual int64_t insert_outbox_for_actions(
      Date day, const std::vector<std::pair<std::string, std::string>>& channels,
      int64_t planned_at, const std::string& token) = 0;
  //! Writes the rendered language, subject, body and letter of message `m.id`.
  virtual void set_outbox_content(const OutboxMessage& m) = 0;
  //! Messages to a customer sent at or after `since` (ISO 8601 UTC).
  virtual int64_t count_sent_outbox(int64_t customer_key, const std::string& since) = 0;
  virtual void insert_outbox_attempt(const OutboxAttempt& attempt) = 0;
  //! Writes finished_at, outcome and response of (outbox_id, attempt).
  virtual void finish_outbox_attempt(const OutboxAttempt& attempt) = 0;
  virtual void read_outbox_attempts(int64_t outbox_id,
                                    const std::function<void(const OutboxAttempt&)>& row) = 0;
  virtual int64_t insert_evidence(const Evidence& evidence) = 0;
  //! A customer's evidence, oldest first; `with_content` also reads content and pdf.
  virtual void read_customer_evidence(int64_t customer_key, bool with_content,
                                      const std::function<void(const Evidence&)>& row) = 0;
  //! Every demand's (customer, sent_at, invoice keys), for limitation deadlines.
  virtual void read_demands(const std::function<void(const Evidence&)>& row) = 0;
  virtual int64_t insert_template_version(const TemplateVersion& version) = 0;
  //! The latest stored version of every (name, language).
  virtual void read_latest_templates(const std::function<void(const TemplateVersion&)>& row) = 0;

  // Approval requests (ledger/approval.h). Times are stored in UTC.
  //! Inserts a request (customer by external id, which the caller has checked) and returns
  //! the new id; the decision columns are written as they are in `approval`.
  virtual int64_t insert_approval(const Approval& approval) = 0;
  virtual std::optional<Approval> find_approval(int64_t id) = 0;
  //! Every request, or those with `status`, by id.
  virtual void read_approvals(std::optional<ApprovalStatus> status,
                              const std::function<void(const Approval&)>& row) = 0;
  //! Writes the decision of a pending request: status, decided_by, decided_role, decided_at,
  //! decision_note and result_id of `decided` to the row with its id. False (and nothing
  //! written) when that row is not pending.
  virtual bool update_approval_decision(const Approval& decided) = 0;

 protected:
  Store() = default;
};

}  // namespace huikuan

// The outbox, its delivery attempts, the evidence of delivered demands and the edited message
// templates (migration 012) on PostgreSQL: a port of the SQLite store's, row for row.

#include <charconv>
#include <cstdlib>
#include <string>
#include <vector>

#include "store/postgres/postgres_store.h"
#include "store/stored_values.h"

namespace huikuan {
namespace {

using namespace stored;  // NOLINT: the store's own value formats

// A SQL string literal: the (kind, channel) names are the caller's fixed table, quoted anyway.
std::string literal(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') quoted += '\'';
    quoted += c;
  }
  return quoted + "'";
}

constexpr const char* kOutboxColumns =
    "SELECT o.id, o.action_id, o.customer_id, c.external_id, o.channel, o.template, "
    "o.language, o.recipient, o.subject, o.body, o.letter, o.message_id, o.status, "
    "o.attempts, o.not_before_s, o.planned_at_s, o.claimed_by, o.lease_until_s, o.sent_at, "
    "o.last_error FROM outbox o JOIN customers c ON c.id = o.customer_id ";

OutboxMessage outbox_row(const pqxx::row& r) {
  OutboxMessage m;
  m.id = pg::i64(r[0]);
  m.action_id = pg::optional_i64(r[1]);
  m.customer_key = pg::i64(r[2]);
  m.customer_id = pg::str(r[3]);
  m.channel = pg::str(r[4]);
  m.template_name = pg::str(r[5]);
  m.language = pg::str(r[6]);
  m.recipient = pg::str(r[7]);
  m.subject = pg::str(r[8]);
  m.body = pg::str(r[9]);
  m.letter = pg::str(r[10]);
  m.message_id = pg::str(r[11]);
  m.status = parse_outbox_status(pg::text(r[12])).value_or(OutboxStatus::kPending);
  m.attempts = static_cast<int32_t>(pg::i64(r[13]));
  m.not_before = pg::i64(r[14]);
  m.planned_at = pg::i64(r[15]);
  m.claimed_by = pg::str(r[16]);
  m.lease_until = pg::i64(r[17]);
  m.sent_at = pg::str(r[18]);
  m.last_error = pg::str(r[19]);
  return m;
}

// Evidence columns; content and pdf (7, 8) only when asked for: they are the bulk of the row.
std::string evidence_select(bool with_content) {
  return std::string(
             "SELECT id, outbox_id, customer_id, channel, template, recipient, message_id, ") +
         (with_content ? "content, pdf" : "NULL::bytea, NULL::bytea") +
         ", content_sha256, pdf_sha256, planned_at, sent_at, response, is_demand, invoice_keys "
         "FROM evidence ";
}

Evidence evidence_row(const pqxx::row& r, bool with_content) {
  Evidence e;
  e.id = pg::i64(r[0]);
  e.outbox_id = pg::i64(r[1]);
  e.customer_key = pg::i64(r[2]);
  e.channel = pg::str(r[3]);
  e.template_name = pg::str(r[4]);
  e.recipient = pg::str(r[5]);
  e.message_id = pg::str(r[6]);
  if (with_content) {
    e.content = pg::bytes(r[7]);
    e.pdf = pg::bytes(r[8]);  // NULL (no letter) reads as ""
  }
  e.content_sha256 = pg::str(r[9]);
  e.pdf_sha256 = pg::str(r[10]);
  e.planned_at = pg::str(r[11]);
  e.sent_at = pg::str(r[12]);
  e.response = pg::str(r[13]);
  e.is_demand = pg::i64(r[14]) != 0;
  parse_keys(r[15].c_str(), e.invoice_keys);
  return e;
}

}  // namespace

int64_t PostgresStore::insert_outbox(const OutboxMessage& m) {
  const pqxx::result inserted = exec(
      "INSERT INTO outbox (action_id, customer_id, channel, template, language, recipient, "
      "subject, body, letter, message_id, status, attempts, not_before_s, planned_at_s) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
      m.action_id, m.customer_key, m.channel, m.template_name, m.language, m.recipient, m.subject,
      m.body, m.letter, m.message_id, std::string(outbox_status_name(m.status)),
      int64_t{m.attempts}, m.not_before, m.planned_at);
  return pg::i64(inserted[0][0]);
}

std::optional<OutboxMessage> PostgresStore::find_outbox(int64_t id) {
  const pqxx::result found = exec(std::string(kOutboxColumns) + "WHERE o.id = $1", id);
  if (found.empty()) return std::nullopt;
  return outbox_row(found[0]);
}

std::optional<OutboxMessage> PostgresStore::lock_outbox(int64_t id) {
  // Senders on several instances claim side by side: a row another sender is claiming is
  // skipped rather than waited for.
  const pqxx::result found =
      exec(std::string(kOutboxColumns) + "WHERE o.id = $1 FOR UPDATE OF o SKIP LOCKED", id);
  if (found.empty()) return std::nullopt;
  return outbox_row(found[0]);
}

void PostgresStore::read_outbox(const OutboxFilter& filter,
                                const std::function<void(const OutboxMessage&)>& row) {
  // Placeholders numbered in the order the filter's parts appear: PostgreSQL cannot type a
  // parameter the statement does not use. The channels are one text[] parameter, so the SQL
  // text (and prepared statement) depends only on which parts are set.
  std::vector<std::string> params;
  auto param = [&](std::string value) {
    params.push_back(std::move(value));
    return "$" + std::to_string(params.size());
  };
  std::string sql = kOutboxColumns;
  if (filter.due_at) {
    const std::string due = param(std::to_string(*filter.due_at));
    sql += "WHERE ((o.status = 'pending' AND o.not_before_s <= " + due +
           ") OR (o.status = 'sending' AND o.lease_until_s <= " + due + ")) ";
  } else {
    sql += "WHERE true ";
  }
  if (filter.status) sql += "AND o.status = " + param(outbox_status_name(*filter.status)) + " ";
  if (filter.customer_key)
    sql += "AND o.customer_id = " + param(std::to_string(*filter.customer_key)) + " ";
  if (!filter.channels.empty())
    sql += "AND o.channel = ANY(" + param(pg::text_array(filter.channels)) + "::text[]) ";
  sql += filter.due_at ? "ORDER BY o.not_before_s, o.id" : "ORDER BY o.id DESC";
  // SQLite reads a negative LIMIT as none; PostgreSQL rejects it.
  if (filter.limit >= 0) sql += " LIMIT " + param(std::to_string(filter.limit)) + "::bigint";
  const pqxx::result rows = exec(sql, pqxx::prepare::make_dynamic_params(params));
  for (const auto& r : rows) row(outbox_row(r));
}

std::map<std::string, int64_t> PostgresStore::count_outbox() {
  std::map<std::string, int64_t> counts;
  for (const auto& r : exec("SELECT status, count(*) FROM outbox GROUP BY status"))
    counts[pg::str(r[0])] = pg::i64(r[1]);
  return counts;
}

void PostgresStore::update_outbox(const OutboxMessage& m) {
  exec(
      "UPDATE outbox SET status = $1, attempts = $2, not_before_s = $3, claimed_by = $4, "
      "lease_until_s = $5, sent_at = $6, last_error = $7 WHERE id = $8",
      std::string(outbox_status_name(m.status)), int64_t{m.attempts}, m.not_before, m.claimed_by,
      m.lease_until, m.sent_at, m.last_error, m.id);
}

int64_t PostgresStore::cancel_orphaned_outbox(const std::string& reason) {
  return exec(
             "UPDATE outbox SET status = 'cancelled', last_error = $1 "
             "WHERE action_id IS NULL AND status = 'pending'",
             reason)
      .affected_rows();
}

int64_t PostgresStore::insert_outbox_for_actions(
    Date day, const std::vector<std::pair<std::string, std::string>>& channels, int64_t planned_at,
    const std::string& token) {
  // The caller's fixed (kind, channel) table as one CASE: a join on it would scan the day's
  // actions once per kind. scheduled_at is ISO 8601 with the customer's offset ("Z" for UTC),
  // which timestamptz reads at that offset whatever the session's time zone: the epoch
  // seconds equal SQLite's strftime('%s', …). Ids are given in action order, as SQLite does.
  std::string channel = "CASE a.kind";
  for (const auto& [kind, name] : channels)
    channel += " WHEN " + literal(kind) + " THEN " + literal(name);
  channel += " END";
  return exec(
             "INSERT INTO outbox (action_id, customer_id, channel, template, language, "
             "recipient, message_id, status, attempts, not_before_s, planned_at_s) "
             "SELECT id, customer_id, ch, template, '', r, "
             "'<' || id || '.' || $3::text || '@huikuan>', 'pending', 0, "
             "EXTRACT(EPOCH FROM scheduled_at::timestamptz)::bigint, $2::bigint FROM ("
             "SELECT a.id, a.customer_id, a.template, a.scheduled_at, " +
                 channel + " AS ch, CASE " + channel +
                 " WHEN 'email' THEN c.email WHEN 'sms' THEN c.phone ELSE 'group' END AS r "
                 "FROM actions a JOIN customers c ON c.id = a.customer_id "
                 "WHERE a.planned_for = $1 AND a.status = 'planned' "
                 "AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.action_id = a.id)) planned "
                 "WHERE ch IS NOT NULL AND r <> '' ORDER BY id",
             day.to_string(), planned_at, token)
      .affected_rows();
}

void PostgresStore::set_outbox_content(const OutboxMessage& m) {
  exec("UPDATE outbox SET language = $1, subject = $2, body = $3, letter = $4 WHERE id = $5",
       m.language, m.subject, m.body, m.letter, m.id);
}

int64_t PostgresStore::count_sent_outbox(int64_t customer_key, const std::string& since) {
  return pg::i64(
      exec("SELECT count(*) FROM outbox WHERE customer_id = $1 AND status = 'sent' "
           "AND channel <> 'im' AND sent_at >= $2",
           customer_key, since)[0][0]);
}

void PostgresStore::insert_outbox_attempt(const OutboxAttempt& a) {
  exec(
      "INSERT INTO outbox_attempts (outbox_id, attempt, started_at, finished_at, outcome, "
      "response) VALUES ($1, $2, $3, $4, $5, $6)",
      a.outbox_id, int64_t{a.attempt}, a.started_at, a.finished_at, a.outcome, a.response);
}

void PostgresStore::finish_outbox_attempt(const OutboxAttempt& a) {
  exec(
      "UPDATE outbox_attempts SET finished_at = $1, outcome = $2, response = $3 "
      "WHERE outbox_id = $4 AND attempt = $5",
      a.finished_at, a.outcome, a.response, a.outbox_id, int64_t{a.attempt});
}

void PostgresStore::read_outbox_attempts(int64_t outbox_id,
                                         const std::function<void(const OutboxAttempt&)>& row) {
  const pqxx::result rows = exec(
      "SELECT outbox_id, attempt, started_at, finished_at, outcome, response "
      "FROM outbox_attempts WHERE outbox_id = $1 ORDER BY attempt",
      outbox_id);
  for (const auto& r : rows) {
    OutboxAttempt a;
    a.outbox_id = pg::i64(r[0]);
    a.attempt = static_cast<int32_t>(pg::i64(r[1]));
    a.started_at = pg::str(r[2]);
    a.finished_at = pg::str(r[3]);
    a.outcome = pg::str(r[4]);
    a.response = pg::str(r[5]);
    row(a);
  }
}

int64_t PostgresStore::insert_evidence(const Evidence& e) {
  static const std::string kInsert =
      "INSERT INTO evidence (outbox_id, customer_id, channel, template, recipient, message_id, "
      "content, content_sha256, pdf, pdf_sha256, planned_at, sent_at, response, is_demand, "
      "invoice_keys) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) "
      "RETURNING id";
  const pqxx::binarystring content(e.content);
  const std::string keys = format_keys(e.invoice_keys);
  const int64_t is_demand = e.is_demand ? 1 : 0;
  // No letter: pdf is NULL, as in SQLite.
  const pqxx::result inserted =
      e.pdf.empty()
          ? exec(kInsert, e.outbox_id, e.customer_key, e.channel, e.template_name, e.recipient,
                 e.message_id, content, e.content_sha256, nullptr, e.pdf_sha256, e.planned_at,
                 e.sent_at, e.response, is_demand, keys)
          : exec(kInsert, e.outbox_id, e.customer_key, e.channel, e.template_name, e.recipient,
                 e.message_id, content, e.content_sha256, pqxx::binarystring(e.pdf), e.pdf_sha256,
                 e.planned_at, e.sent_at, e.response, is_demand, keys);
  return pg::i64(inserted[0][0]);
}

void PostgresStore::read_customer_evidence(int64_t customer_key, bool with_content,
                                           const std::function<void(const Evidence&)>& row) {
  const pqxx::result rows = exec(
      evidence_select(with_content) + "WHERE customer_id = $1 ORDER BY sent_at, id", customer_key);
  for (const auto& r : rows) row(evidence_row(r, with_content));
}

void PostgresStore::read_demands(const std::function<void(const Evidence&)>& row) {
  // Every demand ever delivered: through a cursor. Ties of a customer's sent_at in id order,
  // as SQLite gives them reading the (customer_id, sent_at) index.
  stream(evidence_select(false) + "WHERE is_demand = 1 ORDER BY customer_id, sent_at, id",
         [&](const pqxx::row& r) { row(evidence_row(r, false)); });
}

int64_t PostgresStore::insert_template_version(const TemplateVersion& v) {
  return pg::i64(
      exec("INSERT INTO message_templates (name, language, text, sha256, created_at, created_by) "
           "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
           v.name, v.language, v.text, v.sha256, v.created_at, v.created_by)[0][0]);
}

void PostgresStore::read_latest_templates(const std::function<void(const TemplateVersion&)>& row) {
  const pqxx::result rows = exec(
      "SELECT id, name, language, text, sha256, created_at, created_by FROM message_templates "
      "WHERE id IN (SELECT max(id) FROM message_templates GROUP BY name, language) "
      "ORDER BY name, language");
  for (const auto& r : rows) {
    TemplateVersion v;
    v.id = pg::i64(r[0]);
    v.name = pg::str(r[1]);
    v.language = pg::str(r[2]);
    v.text = pg::str(r[3]);
    v.sha256 = pg::str(r[4]);
    v.created_at = pg::str(r[5]);
    v.created_by = pg::str(r[6]);
    row(v);
  }
}

}  // namespace huikuan

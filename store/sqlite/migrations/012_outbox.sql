-- Outgoing messages (issue 6). Planning an action that sends something (a reminder, a letter,
-- an SMS, an alert to the collectors' group) writes its rendered message here in the same
-- transaction; a sender delivers due rows and records each attempt. Instants are UTC text
-- plus epoch seconds (the *_s columns) for range queries.
CREATE TABLE outbox (
  id            INTEGER PRIMARY KEY,
  -- NULL once a rerun of the day replaced the action (the message is then cancelled).
  action_id     INTEGER UNIQUE REFERENCES actions (id) ON DELETE SET NULL,
  customer_id   INTEGER NOT NULL REFERENCES customers (id),
  channel       TEXT    NOT NULL CHECK (channel IN ('email', 'sms', 'im')),
  template      TEXT    NOT NULL,
  language      TEXT    NOT NULL,
  recipient     TEXT    NOT NULL,
  subject       TEXT    NOT NULL DEFAULT '',
  body          TEXT    NOT NULL DEFAULT '',
  -- Letters: the letter's text, rendered as a PDF when sent and attached to the email.
  letter        TEXT    NOT NULL DEFAULT '',
  -- The Message-ID (email) or idempotency key (webhooks): a resend after a crash repeats it.
  -- Unique by construction (the action id and a random token of the run that wrote it), so
  -- no index: the run writes a million of them.
  message_id    TEXT    NOT NULL,
  status        TEXT    NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'cancelled')),
  attempts      INTEGER NOT NULL DEFAULT 0,
  not_before_s  INTEGER NOT NULL,
  planned_at_s  INTEGER NOT NULL,
  -- The sender holding a 'sending' row: "host:pid", and until when its claim holds.
  claimed_by    TEXT    NOT NULL DEFAULT '',
  lease_until_s INTEGER NOT NULL DEFAULT 0,
  sent_at       TEXT    NOT NULL DEFAULT '',
  last_error    TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX outbox_due ON outbox (status, not_before_s);
-- The daily cap counts a customer's sent messages; only sent rows are indexed, so the run's
-- inserts (in worklist order, customers at random) do not touch it.
CREATE INDEX outbox_customer_sent ON outbox (customer_id, sent_at) WHERE status = 'sent';

-- Every delivery attempt and what the server said.
CREATE TABLE outbox_attempts (
  outbox_id   INTEGER NOT NULL REFERENCES outbox (id),
  attempt     INTEGER NOT NULL,
  started_at  TEXT    NOT NULL,
  finished_at TEXT    NOT NULL DEFAULT '',
  outcome     TEXT    NOT NULL DEFAULT '' CHECK (outcome IN ('', 'delivered', 'retry', 'failed')),
  response    TEXT    NOT NULL DEFAULT '',
  PRIMARY KEY (outbox_id, attempt)
) WITHOUT ROWID;

-- Delivered demands, kept as court evidence (DOMAIN §10, §13): exactly what was sent, its
-- SHA-256, to whom, when, and the receiving server's answer. Never updated or deleted.
CREATE TABLE evidence (
  id             INTEGER PRIMARY KEY,
  outbox_id      INTEGER NOT NULL UNIQUE REFERENCES outbox (id),
  customer_id    INTEGER NOT NULL REFERENCES customers (id),
  channel        TEXT    NOT NULL,
  template       TEXT    NOT NULL,
  recipient      TEXT    NOT NULL,
  message_id     TEXT    NOT NULL,
  content        BLOB    NOT NULL,
  content_sha256 TEXT    NOT NULL,
  pdf            BLOB,
  pdf_sha256     TEXT    NOT NULL DEFAULT '',
  planned_at     TEXT    NOT NULL,
  sent_at        TEXT    NOT NULL,
  response       TEXT    NOT NULL,
  -- A demand to the customer (restarts the limitation period of the invoices it names).
  is_demand      INTEGER NOT NULL,
  invoice_keys   TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX evidence_customer ON evidence (customer_id, sent_at);

-- Edited message templates: versions are only ever added; the latest of a name and language
-- replaces the shipped one.
CREATE TABLE message_templates (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  language   TEXT NOT NULL,
  text       TEXT NOT NULL,
  sha256     TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL
);
CREATE INDEX message_templates_name ON message_templates (name, language, id);

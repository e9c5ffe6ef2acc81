-- Collection work: contacts, promises to pay, disputes (DOMAIN §8). Every row says who
-- recorded it and when; status changes are also written to ledger_changes.
ALTER TABLE customers ADD COLUMN do_not_contact INTEGER NOT NULL DEFAULT 0 CHECK (do_not_contact IN (0, 1));
ALTER TABLE customers ADD COLUMN blacklisted INTEGER NOT NULL DEFAULT 0 CHECK (blacklisted IN (0, 1));

CREATE TABLE contacts (
  id          INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers (id),
  channel     TEXT    NOT NULL CHECK (channel IN ('phone', 'email', 'sms', 'visit', 'letter')),
  at          TEXT    NOT NULL,
  outcome     TEXT    NOT NULL,
  note        TEXT    NOT NULL DEFAULT '',
  recorded_by TEXT    NOT NULL
);
CREATE INDEX contacts_customer ON contacts (customer_id, at);

CREATE TABLE promises (
  id            INTEGER PRIMARY KEY,
  customer_id   INTEGER NOT NULL REFERENCES customers (id),
  currency      TEXT    NOT NULL,
  amount        INTEGER NOT NULL CHECK (amount > 0),
  promised_date TEXT    NOT NULL,
  status        TEXT    NOT NULL CHECK (status IN ('open', 'kept', 'broken', 'cancelled')),
  created_at    TEXT    NOT NULL,
  recorded_by   TEXT    NOT NULL
);
CREATE INDEX promises_customer ON promises (customer_id);

CREATE TABLE promise_invoices (
  promise_id INTEGER NOT NULL REFERENCES promises (id),
  invoice_id INTEGER NOT NULL REFERENCES invoices (id),
  PRIMARY KEY (promise_id, invoice_id)
);

CREATE TABLE disputes (
  id          INTEGER PRIMARY KEY,
  invoice_id  INTEGER NOT NULL REFERENCES invoices (id),
  amount      INTEGER NOT NULL CHECK (amount > 0),
  reason      TEXT    NOT NULL,
  note        TEXT    NOT NULL DEFAULT '',
  status      TEXT    NOT NULL CHECK (status IN ('open', 'resolved')),
  opened_at   TEXT    NOT NULL,
  respond_by  TEXT    NOT NULL,
  resolved_at TEXT    NOT NULL DEFAULT '',
  resolution  TEXT    NOT NULL DEFAULT '',
  recorded_by TEXT    NOT NULL
);
CREATE INDEX disputes_invoice ON disputes (invoice_id);

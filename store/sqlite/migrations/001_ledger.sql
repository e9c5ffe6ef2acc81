-- Ledger: customers, invoices and credit notes, payments, allocations, and their change log.
-- Amounts are integer minor units of `currency`; dates are ISO 8601 text (YYYY-MM-DD).
CREATE TABLE customers (
  id                 INTEGER PRIMARY KEY,
  external_id        TEXT    NOT NULL,
  name               TEXT    NOT NULL,
  currency           TEXT,
  payment_terms_days INTEGER,
  credit_limit       INTEGER,
  credit_grade       TEXT    NOT NULL DEFAULT '',
  industry           TEXT    NOT NULL DEFAULT '',
  region             TEXT    NOT NULL DEFAULT '',
  customer_type      TEXT    NOT NULL DEFAULT '',
  importance         TEXT    NOT NULL DEFAULT '',
  collector          TEXT    NOT NULL DEFAULT '',
  email              TEXT    NOT NULL DEFAULT '',
  phone              TEXT    NOT NULL DEFAULT '',
  timezone           TEXT    NOT NULL DEFAULT '',
  language           TEXT    NOT NULL DEFAULT '',
  country            TEXT    NOT NULL DEFAULT ''
);

CREATE UNIQUE INDEX customers_external_id ON customers (external_id);

CREATE TABLE invoices (
  id           INTEGER PRIMARY KEY,
  external_id  TEXT    NOT NULL,
  customer_id  INTEGER NOT NULL REFERENCES customers (id),
  doc_type     TEXT    NOT NULL CHECK (doc_type IN ('invoice', 'credit_note')),
  invoice_date TEXT    NOT NULL,
  due_date     TEXT    NOT NULL CHECK (due_date >= invoice_date),
  currency     TEXT    NOT NULL,
  amount       INTEGER NOT NULL CHECK (amount > 0),
  contract_id  TEXT    NOT NULL DEFAULT '',
  reference    TEXT    NOT NULL DEFAULT ''
);

CREATE UNIQUE INDEX invoices_external_id ON invoices (external_id);

CREATE TABLE payments (
  id           INTEGER PRIMARY KEY,
  external_id  TEXT    NOT NULL,
  customer_id  INTEGER NOT NULL REFERENCES customers (id),
  payment_date TEXT    NOT NULL,
  currency     TEXT    NOT NULL,
  amount       INTEGER NOT NULL CHECK (amount > 0),
  reference    TEXT    NOT NULL DEFAULT ''
);

CREATE UNIQUE INDEX payments_external_id ON payments (external_id);

CREATE TABLE allocations (
  id              INTEGER PRIMARY KEY,
  invoice_id      INTEGER NOT NULL REFERENCES invoices (id),
  payment_id      INTEGER REFERENCES payments (id),
  credit_note_id  INTEGER REFERENCES invoices (id),
  amount          INTEGER NOT NULL CHECK (amount > 0),
  allocation_date TEXT    NOT NULL,
  CHECK ((payment_id IS NULL) <> (credit_note_id IS NULL))
);
CREATE UNIQUE INDEX allocations_key
  ON allocations (invoice_id, COALESCE(payment_id, 0), COALESCE(credit_note_id, 0), allocation_date);

CREATE TABLE ledger_changes (
  id        INTEGER PRIMARY KEY,
  at        TEXT NOT NULL,
  actor     TEXT NOT NULL,
  entity    TEXT NOT NULL,
  key       TEXT NOT NULL,
  field     TEXT NOT NULL,
  old_value TEXT NOT NULL,
  new_value TEXT NOT NULL,
  source    TEXT NOT NULL
);

-- `instance` tells this database from any other; with `version` it stamps snapshot caches.
CREATE TABLE ledger_version (
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  instance  TEXT    NOT NULL,
  version   INTEGER NOT NULL
);
INSERT INTO ledger_version (singleton, instance, version) VALUES (1, lower(hex(randomblob(16))), 0);

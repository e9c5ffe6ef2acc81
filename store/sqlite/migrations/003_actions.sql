-- Actions planned by the daily run and worked by collectors. A run for a date replaces that
-- date's still-planned actions, so running it twice gives the same plan; done and skipped ones
-- stay and steer later runs (letter 2 follows letter 1, never letter 1 again).
CREATE TABLE actions (
  id           INTEGER PRIMARY KEY,
  customer_id  INTEGER NOT NULL REFERENCES customers (id),
  kind         TEXT    NOT NULL,
  level        INTEGER NOT NULL DEFAULT 0,
  channel      TEXT    NOT NULL,
  planned_for  TEXT    NOT NULL,
  scheduled_at TEXT    NOT NULL,
  currency     TEXT    NOT NULL,
  amount       INTEGER NOT NULL,
  template     TEXT    NOT NULL DEFAULT '',
  assigned_to  TEXT    NOT NULL DEFAULT '',
  status       TEXT    NOT NULL CHECK (status IN ('planned', 'done', 'skipped', 'cancelled')),
  rule         TEXT    NOT NULL,
  outcome      TEXT    NOT NULL DEFAULT '',
  closed_at    TEXT    NOT NULL DEFAULT '',
  closed_by    TEXT    NOT NULL DEFAULT '',
  -- The invoices concerned, as space-separated invoice ids (internal): an action names a
  -- handful, written a million times a day, and read back whole.
  invoice_keys TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX actions_planned_for ON actions (planned_for, status);
CREATE INDEX actions_customer ON actions (customer_id);

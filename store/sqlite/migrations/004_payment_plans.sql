-- Payment plans (分期): installments that replace the covered invoices' due dates while the
-- plan is open. Status changes are written to ledger_changes.
CREATE TABLE payment_plans (
  id          INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers (id),
  currency    TEXT    NOT NULL,
  status      TEXT    NOT NULL CHECK (status IN ('open', 'completed', 'broken', 'cancelled')),
  note        TEXT    NOT NULL DEFAULT '',
  created_at  TEXT    NOT NULL,
  recorded_by TEXT    NOT NULL
);
CREATE INDEX payment_plans_customer ON payment_plans (customer_id);

CREATE TABLE plan_installments (
  plan_id  INTEGER NOT NULL REFERENCES payment_plans (id),
  seq      INTEGER NOT NULL,
  due_date TEXT    NOT NULL,
  amount   INTEGER NOT NULL CHECK (amount > 0),
  PRIMARY KEY (plan_id, seq)
);

CREATE TABLE plan_invoices (
  plan_id    INTEGER NOT NULL REFERENCES payment_plans (id),
  invoice_id INTEGER NOT NULL REFERENCES invoices (id),
  PRIMARY KEY (plan_id, invoice_id)
);
CREATE INDEX plan_invoices_invoice ON plan_invoices (invoice_id);

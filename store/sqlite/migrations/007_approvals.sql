-- Approval requests (DOMAIN §7): what needs a higher authority level, who asked, who decided.
-- Times are UTC ISO 8601, so they compare as text; '' is "not yet". Every status change is also
-- written to the audit log (ledger_changes).
CREATE TABLE approvals (
  id             INTEGER PRIMARY KEY,
  kind           TEXT    NOT NULL CHECK (kind IN ('extension', 'installment_plan',
                           'interest_waiver', 'settlement', 'write_off', 'legal_escalation',
                           'bill_adjustment')),
  customer_id    INTEGER NOT NULL REFERENCES customers (id),
  currency       TEXT    NOT NULL,
  amount         INTEGER NOT NULL CHECK (amount > 0),
  required_level TEXT    NOT NULL,
  requested_by   TEXT    NOT NULL,
  requested_role TEXT    NOT NULL DEFAULT '',
  requested_at   TEXT    NOT NULL,
  note           TEXT    NOT NULL DEFAULT '',
  payload        TEXT    NOT NULL DEFAULT '',  -- JSON: what approving it carries out
  status         TEXT    NOT NULL CHECK (status IN ('pending', 'approved', 'rejected',
                           'cancelled')),
  decided_by     TEXT    NOT NULL DEFAULT '',
  decided_role   TEXT    NOT NULL DEFAULT '',
  decided_at     TEXT    NOT NULL DEFAULT '',
  decision_note  TEXT    NOT NULL DEFAULT '',
  result_id      INTEGER                       -- what approving it created, e.g. a plan
);
-- The pending queue and a customer's history, each in request order.
CREATE INDEX approvals_status ON approvals (status, id);
CREATE INDEX approvals_customer ON approvals (customer_id, id);

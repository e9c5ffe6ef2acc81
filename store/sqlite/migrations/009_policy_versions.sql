-- The collection policy as the server runs it: each replacement (PUT /api/v1/policy) is a new
-- version; the newest is in force. Versions are never changed or deleted, so what rules applied
-- on any day can be shown later.
CREATE TABLE policy_versions (
  id INTEGER PRIMARY KEY,
  toml TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL
);

CREATE TRIGGER policy_versions_no_update BEFORE UPDATE ON policy_versions
BEGIN
  SELECT RAISE(ABORT, 'policy versions are kept as written');
END;

CREATE TRIGGER policy_versions_no_delete BEFORE DELETE ON policy_versions
BEGIN
  SELECT RAISE(ABORT, 'policy versions are kept as written');
END;

-- The audit log read by what changed (GET /api/v1/audit?entity=&key=, a customer's history),
-- newest first.
CREATE INDEX ledger_changes_by_entity_key ON ledger_changes (entity, key, id);

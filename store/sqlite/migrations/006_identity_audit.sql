-- Identity: users with a role, their sessions and API tokens. Secrets are never stored: the
-- password as its Argon2id hash, session and API tokens as the hex SHA-256 of the secret.
-- Times are UTC ISO 8601 ("2026-07-01T02:00:00Z"), so they compare as text.
CREATE TABLE users (
  id             INTEGER PRIMARY KEY,
  username       TEXT    NOT NULL UNIQUE,
  role           TEXT    NOT NULL CHECK (role IN ('collector', 'supervisor', 'legal', 'director',
                           'general_manager', 'finance', 'sales', 'credit', 'auditor', 'admin')),
  collector_id   TEXT    NOT NULL DEFAULT '',
  team           TEXT    NOT NULL DEFAULT '',
  password_hash  TEXT    NOT NULL,
  -- failed sign-ins since the last success or lockout, the last of them, the lock's end
  failed_logins  INTEGER NOT NULL DEFAULT 0,
  last_failed_at TEXT    NOT NULL DEFAULT '',
  locked_until   TEXT    NOT NULL DEFAULT '',
  created_at     TEXT    NOT NULL,
  disabled       INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1))
);

-- Failed sign-ins of usernames no user has: they lock like real ones, so a lockout does not
-- tell whether a user exists. Rows expire a day after their last failure.
CREATE TABLE login_failures (
  username       TEXT    PRIMARY KEY,
  failed_logins  INTEGER NOT NULL,
  locked_until   TEXT    NOT NULL DEFAULT '',
  last_failed_at TEXT    NOT NULL
);

CREATE TABLE sessions (
  id         INTEGER PRIMARY KEY,
  token_hash TEXT    NOT NULL UNIQUE,
  user_id    INTEGER NOT NULL REFERENCES users (id),
  csrf_token TEXT    NOT NULL,
  created_at TEXT    NOT NULL,
  expires_at TEXT    NOT NULL,
  last_seen  TEXT    NOT NULL
);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

CREATE TABLE api_tokens (
  id         INTEGER PRIMARY KEY,
  name       TEXT    NOT NULL,
  user_id    INTEGER NOT NULL REFERENCES users (id),
  token_hash TEXT    NOT NULL UNIQUE,
  created_at TEXT    NOT NULL,
  revoked_at TEXT    NOT NULL DEFAULT ''
);

-- The change log becomes the tamper-evident audit log: who acted in which role and request,
-- and a hash chain over every record (store/audit_chain.h). The rows already present are
-- chained by the migration step that follows this script.
ALTER TABLE ledger_changes ADD COLUMN role TEXT NOT NULL DEFAULT '';
ALTER TABLE ledger_changes ADD COLUMN request_id TEXT NOT NULL DEFAULT '';
ALTER TABLE ledger_changes ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE ledger_changes ADD COLUMN hash TEXT NOT NULL DEFAULT '';

-- Append-only for the application: a record can be hashed once and never changed or removed.
-- (Whoever can write the file can drop these triggers; the hash chain is what detects that.)
CREATE TRIGGER ledger_changes_no_update BEFORE UPDATE ON ledger_changes
  WHEN OLD.hash <> ''
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER ledger_changes_no_delete BEFORE DELETE ON ledger_changes
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

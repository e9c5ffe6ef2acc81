-- Several server instances on one database (issue 7).
-- Singleton jobs (the daily run, imports, the outbox sender's pass): the holder of each, so
-- that one instance runs it at a time. A holder is "host:pid"; a lock whose holder died on this
-- host, or whose lease ended, is taken over. (PostgreSQL uses advisory locks instead.)
CREATE TABLE job_locks (
  name          TEXT    PRIMARY KEY,
  holder        TEXT    NOT NULL,
  lease_until_s INTEGER NOT NULL
);

-- The runs of scheduled jobs, one per job and period (the daily run of a date): an instance
-- whose schedule comes due after another ran the job skips it.
CREATE TABLE job_runs (
  job        TEXT NOT NULL,
  run_key    TEXT NOT NULL,
  instance   TEXT NOT NULL,
  started_at TEXT NOT NULL,
  PRIMARY KEY (job, run_key)
);

-- Several server instances on one database (issue 7). Singleton jobs take advisory locks
-- (PostgresStore::try_lock_job), which end with their session: no lock table.

-- The runs of scheduled jobs, one per job and period (the daily run of a date): an instance
-- whose schedule comes due after another ran the job skips it.
CREATE TABLE job_runs (
  job        TEXT COLLATE "C" NOT NULL,
  run_key    TEXT COLLATE "C" NOT NULL,
  instance   TEXT COLLATE "C" NOT NULL,
  started_at TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (job, run_key)
);

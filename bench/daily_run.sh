#!/usr/bin/env bash
# Times the daily collection run on the benchmark ledger that bench/run.sh generated and
# imported (bench/work/huikuan-$BENCH_CUSTOMERS.db): the first run of a date, then the same date
# again (which replaces that date's planned actions), then the next date (which reads the first
# one's actions as history). The issue's target: 1M customers / 10M
# invoices in at most 10 s including writing the actions. No competitor has a daily run.
# Measured on the project's 2-core machine, database in the page cache, no other load:
# first 7.8-8.3 s, again 4.9-5.8 s, next 5.5-7.3 s (before migration 008 and replace_planned_actions:
# 15.5 s, 18.1 s, 10.3 s); with the outbox rows of issue 6 (853k messages on the first run):
# first 15.5-16.0 s, again 6.7-7.1 s, next 7.4-7.5 s. BENCH_DB=FILE times another copy of the
# database, BENCH_DB=postgresql://… a PostgreSQL one (bench/postgres.sh does);
# BENCH_RUN_ARGS=--verbose adds each phase's time.
set -euo pipefail
cd "$(dirname "$0")/.."
customers=${BENCH_CUSTOMERS:-1000000}
as_of=${BENCH_AS_OF:-2026-06-30}
db=${BENCH_DB:-bench/work/huikuan-${customers}.db}
bin=${BENCH_BUILD:-build}/huikuan
if [[ "$db" != postgres* && ! -f "$db" ]]; then
  echo "daily_run: $db not found; run 'BENCH_CUSTOMERS=$customers make bench' first" >&2
  exit 3
fi
# Warm the snapshot cache so the run is measured, not the first load of a new cache format
# (this also brings the database to the binary's schema).
"$bin" report aging --db "$db" --as-of "$as_of" --by currency > /dev/null
# Start from no actions and no messages, as after the import, so every measurement is
# reproducible.
bench/sql.sh "$db" "DELETE FROM evidence; DELETE FROM outbox_attempts; DELETE FROM outbox; DELETE FROM actions"
next=$(date -d "$as_of +1 day" +%F)
for attempt in "first $as_of" "again $as_of" "next $next"; do
  set -- $attempt
  start=$(date +%s.%N)
  "$bin" run --db "$db" --as-of "$2" ${BENCH_RUN_ARGS:-} | head -1
  end=$(date +%s.%N)
  awk -v a="$1" -v s="$start" -v e="$end" 'BEGIN { printf "daily_run %-6s %8.1f s\n", a, e - s }'
done

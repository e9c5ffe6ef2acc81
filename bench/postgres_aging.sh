#!/usr/bin/env bash
# PostgreSQL competitor for the aging benchmark, when Debian's postgresql package is installed
# (BENCH_INSTALL_PG=1 installs it). Creates a throwaway cluster in a temporary directory that
# listens on a Unix socket only, loads the four CSV files with COPY, runs aging.sql (the same
# query as DuckDB's) from a fresh psql process writing every row as CSV, then stops the cluster
# and removes it.
#
#   bench/postgres_aging.sh CSV_DIR AS_OF OUT.csv [QUERY_RUNS]
#
# Prints progress on stderr and one JSON line on stdout:
#   {"skipped":true,"reason":"..."}  or  {"load_ms":..,"query_ms":[..],"version":".."}
set -euo pipefail

csv_dir=$(realpath "$1")
as_of=$2
out=$(realpath -m "$3")
runs=${4:-3}
here=$(cd "$(dirname "$0")" && pwd)

skip() {
  echo "PostgreSQL: skipped ($1)" >&2
  printf '{"skipped":true,"reason":"%s"}\n' "$1"
  exit 0
}

tmp=$(mktemp -d /tmp/huikuan-bench-pg.XXXXXX)
trap '"$here/pg_cluster.sh" stop "$tmp"' EXIT
# The aging query's own bulk-load setting: no WAL for tables made in the loading transaction.
url=$("$here/pg_cluster.sh" start "$tmp" -c wal_level=minimal -c max_wal_senders=0 2>"$tmp.err") ||
  { reason=$(tail -n 1 "$tmp.err"); rm -f "$tmp.err"; skip "$reason"; }
rm -f "$tmp.err"

now() { date +%s.%N; }
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) * 1000 }'; }

psql_run() { psql -X -q -v ON_ERROR_STOP=1 -d "$url" "$@"; }
version=$(psql_run -At -c "SHOW server_version")

# COPY reads the files in the server (as postgres): fall back to psql's \copy otherwise.
as_pg=()
[ "$(id -u)" -ne 0 ] || as_pg=(runuser -u postgres --)
server_side=1
for t in customers invoices payments allocations; do
  "${as_pg[@]}" test -r "$csv_dir/$t.csv" || server_side=0
done
copy() {  # table
  if [ $server_side = 1 ]; then
    echo "COPY $1 FROM '$csv_dir/$1.csv' WITH (FORMAT csv, HEADER true);"
  else
    echo "\\copy $1 FROM '$csv_dir/$1.csv' WITH (FORMAT csv, HEADER true)"
  fi
}
cat >"$tmp/load.sql" <<EOF
BEGIN;
CREATE TABLE customers (
  customer_id text, name text, currency text, payment_terms_days integer,
  credit_limit numeric(18,4), credit_grade text, industry text, region text,
  customer_type text, importance text, collector text, email text, phone text,
  timezone text, language text, country text);
CREATE TABLE invoices (
  invoice_id text, customer_id text, invoice_date date, due_date date, currency text,
  amount numeric(18,4), doc_type text, contract_id text, reference text);
CREATE TABLE payments (
  payment_id text, customer_id text, payment_date date, currency text,
  amount numeric(18,4), reference text);
CREATE TABLE allocations (
  invoice_id text, payment_id text, credit_note_id text, amount numeric(18,4),
  allocation_date date);
$(copy customers)
$(copy invoices)
$(copy payments)
$(copy allocations)
COMMIT;
ANALYZE;
EOF

echo "PostgreSQL $version: loading" >&2
t0=$(now)
psql_run -f "$tmp/load.sql"
t1=$(now)
load_ms=$(ms "$t0" "$t1")

{
  echo "COPY ("
  sed "s/__AS_OF__/$as_of/g" "$here/aging.sql"
  echo ") TO STDOUT WITH (FORMAT csv, HEADER true);"
} >"$tmp/query.sql"
query_ms=()
for ((r = 0; r < runs; ++r)); do
  echo "PostgreSQL: aging query, run $((r + 1)) of $runs" >&2
  t0=$(now)
  psql_run -f "$tmp/query.sql" >"$out"
  t1=$(now)
  query_ms+=("$(ms "$t0" "$t1")")
done

printf '{"version":"%s","load_ms":%s,"query_ms":[%s]}\n' "$version" "$load_ms" \
  "$(IFS=,; echo "${query_ms[*]}")"

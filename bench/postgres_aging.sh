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

find_bin() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/psql" ]; then
      echo "$dir"
      return
    fi
  done
}

bin=$(find_bin)
if [ -z "$bin" ] && [ "${BENCH_INSTALL_PG:-0}" = 1 ]; then
  echo "PostgreSQL: installing Debian's postgresql package (BENCH_INSTALL_PG=1)" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  # No system-wide "main" cluster: the benchmark makes its own throwaway one.
  $SUDO mkdir -p /etc/postgresql-common/createcluster.d
  echo "create_main_cluster = false" |
    $SUDO tee /etc/postgresql-common/createcluster.d/huikuan-bench.conf >/dev/null
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends postgresql >&2
  bin=$(find_bin)
fi
[ -n "$bin" ] || skip "PostgreSQL not installed"

# The server refuses to run as root: run it as the postgres user when we are root.
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || skip "running as root and there is no postgres user"
  as_pg=(runuser -u postgres --)
fi

tmp=$(mktemp -d /tmp/huikuan-bench-pg.XXXXXX)
port=55432
cleanup() {
  if [ -f "$tmp/data/postmaster.pid" ]; then
    "${as_pg[@]}" "$bin/pg_ctl" -D "$tmp/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
chmod 755 "$tmp"
[ ${#as_pg[@]} -eq 0 ] || chown postgres: "$tmp"

now() { date +%s.%N; }
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) * 1000 }'; }

"${as_pg[@]}" "$bin/initdb" -D "$tmp/data" -U postgres -A trust -E UTF8 --locale=C \
  --no-sync >"$tmp/initdb.log" 2>&1 || { cat "$tmp/initdb.log" >&2; exit 1; }
# Bulk-load friendly but durable settings for a 2-core, 24 GiB machine.
"${as_pg[@]}" "$bin/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w -o "\
  -c listen_addresses='' -c unix_socket_directories='$tmp' -p $port \
  -c shared_buffers=2GB -c work_mem=256MB -c maintenance_work_mem=1GB \
  -c wal_level=minimal -c max_wal_senders=0 -c max_wal_size=8GB \
  -c max_parallel_workers_per_gather=2" start >/dev/null ||
  { cat "$tmp/server.log" >&2; exit 1; }

psql_run() { "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$tmp" -p "$port" -U postgres -d postgres "$@"; }
version=$(psql_run -At -c "SHOW server_version")

# COPY reads the files in the server (as postgres): fall back to psql's \copy otherwise.
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

"${as_pg[@]}" "$bin/pg_ctl" -D "$tmp/data" -m fast -w stop >/dev/null
printf '{"version":"%s","load_ms":%s,"query_ms":[%s]}\n' "$version" "$load_ms" \
  "$(IFS=,; echo "${query_ms[*]}")"

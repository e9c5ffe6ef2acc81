#!/usr/bin/env bash
# Huikuan on PostgreSQL beside Huikuan on SQLite (issue 7), on one generated ledger: the import,
# the cold aging report, the daily run and the API under load, each measured on both engines in
# the same run. Writes bench/results-postgres.md. See bench/README.md.
#
# Environment: BENCH_CUSTOMERS (1000000: ~10M invoices), BENCH_SEED (42), BENCH_AS_OF
# (2026-06-30), BENCH_BUILD (build/), BENCH_DURATION (wrk time per API scenario, 20s),
# BENCH_KEEP=1 keeps the databases and the cluster's files in bench/work/ afterwards.
#
# Exits 1 when the two engines' aging reports differ, 3 when a measured command failed.
set -uo pipefail
cd "$(dirname "$0")/.."
customers=${BENCH_CUSTOMERS:-1000000}
seed=${BENCH_SEED:-42}
as_of=${BENCH_AS_OF:-2026-06-30}
build=${BENCH_BUILD:-build}
bin=$build/huikuan
work=bench/work/backends-$customers
data=$work/ledger
out=$work/out
results=bench/results-postgres.md

die() {
  echo "postgres bench: $*" >&2
  exit 3
}
[ -x "$bin" ] || die "$bin is missing: build first (make build)"
command -v wrk >/dev/null || die "wrk missing (apt-get install wrk)"
command -v psql >/dev/null || die "psql missing (Debian package postgresql-client)"

# The PostgreSQL installation's snapshot cache file goes here, as SQLite's goes beside its file.
export HUIKUAN_CACHE_DIR=$work/cache
rm -rf "$out" "$work"/huikuan.db* "$HUIKUAN_CACHE_DIR"
mkdir -p "$out"
cleanup() {
  [ "${BENCH_KEEP:-0}" = 1 ] || { bench/pg_cluster.sh stop "$work/pg"; rm -f "$work"/huikuan.db*; }
}
trap cleanup EXIT
url=$(bench/pg_cluster.sh start "$work/pg") || die "could not start a PostgreSQL cluster"
sqlite_db=$work/huikuan.db
version=$(psql -X -At -d "$url" -c "SHOW server_version")

declare -A T  # wall seconds per step
failed=0
# timed NAME COMMAND...: runs COMMAND with its output in $out/NAME.{out,err}, records its time.
timed() {
  local name=$1 t0 t1
  shift
  echo "postgres bench: $name" >&2
  t0=$(date +%s.%N)
  if ! "$@" >"$out/$name.out" 2>"$out/$name.err"; then
    echo "postgres bench: !! $name failed:" >&2
    tail -n 5 "$out/$name.err" >&2
    failed=1
  fi
  t1=$(date +%s.%N)
  T[$name]=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
}

if [ ! -f "$data/deliveries.csv" ]; then
  timed gen "$bin" gen --customers "$customers" --seed "$seed" --as-of "$as_of" --out "$data"
fi
documents=$(($(wc -l <"$data/invoices.csv") - 1))

for engine in sqlite postgres; do
  db=$sqlite_db
  [ $engine = sqlite ] || db=$url
  timed "import_$engine" "$bin" import --db "$db" "$data"
  timed "cold_$engine" "$bin" report aging --db "$db" --as-of "$as_of" --by customer \
    --format csv --out "$out/aging_$engine.csv"
  # The cache files: SQLite's beside its file, PostgreSQL's the only one in $HUIKUAN_CACHE_DIR.
  rm -f "$sqlite_db.snapshot" "$HUIKUAN_CACHE_DIR"/*.snapshot
  timed "nocache_$engine" "$bin" report aging --db "$db" --as-of "$as_of" --by customer \
    --format csv --out "$out/aging_nocache_$engine.csv"
  BENCH_DB=$db BENCH_BUILD=$build timed "daily_$engine" bench/daily_run.sh
  BENCH_DB=$db BENCH_BUILD=$build BENCH_CUSTOMERS=$customers timed "api_$engine" bench/api_load.sh
done
[ -s "$out/aging_sqlite.csv" ] && cmp -s "$out/aging_sqlite.csv" "$out/aging_postgres.csv" ||
  { echo "postgres bench: !! the aging reports of the two engines differ" >&2; exit 1; }
db_size=$(du -sh "$sqlite_db" | cut -f1)
pg_size=$(psql -X -At -d "$url" -c "SELECT pg_size_pretty(pg_database_size('postgres'))")

# daily NAME ATTEMPT / api NAME SCENARIO FIELD: numbers out of the two scripts' lines.
daily() { awk -v a="$2" '$1 == "daily_run" && $2 == a { print $3 }' "$out/daily_$1.out"; }
api() {
  awk -v s="$2" -v f="$3" '$1 == "api_load" && $2 == s {
    if (f == "rps") print $3; else if (f == "p99") print $6; else print $NF }' "$out/api_$1.out"
}
ratio() { awk -v p="$1" -v s="$2" 'BEGIN { if (p == "" || s == "" || s <= 0) print "—"; else printf "%.2f×", p / s }'; }
row() {  # LABEL SQLITE POSTGRES UNIT [inverse]
  local r
  if [ "${5:-}" = inverse ]; then r=$(ratio "$2" "$3"); else r=$(ratio "$3" "$2"); fi
  echo "| $1 | $2 $4 | $3 $4 | $r |"
}

{
  echo "# Huikuan on PostgreSQL beside SQLite"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) memory"
  echo "- command: \`BENCH_CUSTOMERS=$customers bench/postgres.sh\` (as of $as_of, seed $seed)"
  echo "- huikuan: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . ':!bench' || echo ' with uncommitted changes')"
  echo "- ledger: $customers customers, $documents invoices and credit notes; SQLite file $db_size, PostgreSQL database $pg_size"
  echo "- SQLite $(sqlite3 --version | cut -d' ' -f1) (WAL, the product's settings); PostgreSQL $version on the same machine, Unix socket, durable defaults, shared_buffers 2 GB (bench/pg_cluster.sh)"
  echo "- aging reports of the two engines: identical CSV"
  echo
  echo "Ratio: PostgreSQL time ÷ SQLite time (for throughput, SQLite ÷ PostgreSQL): above 1, PostgreSQL is slower."
  echo
  echo "| measurement | SQLite | PostgreSQL | ratio |"
  echo "| --- | ---: | ---: | ---: |"
  row "\`huikuan import\` of the whole ledger (with delivery notes) into a fresh database" "${T[import_sqlite]}" "${T[import_postgres]}" s
  row "cold aging by customer to CSV, fresh process (reads the snapshot cache file the import wrote)" "${T[cold_sqlite]}" "${T[cold_postgres]}" s
  row "the same without the cache file (reads every row and writes the cache again)" "${T[nocache_sqlite]}" "${T[nocache_postgres]}" s
  for attempt in first again next; do
    row "daily run, $attempt (bench/daily_run.sh)" "$(daily sqlite $attempt)" "$(daily postgres $attempt)" s
  done
  for scenario in worklist customer360 writes; do
    row "API $scenario, 64 connections, requests/s (bench/api_load.sh)" "$(api sqlite $scenario rps)" "$(api postgres $scenario rps)" "" inverse
    row "API $scenario, p99 latency" "$(api sqlite $scenario p99)" "$(api postgres $scenario p99)" ms
  done
  echo
  echo "Audit chain after the write mix: SQLite \`$(tail -n 1 "$out/api_sqlite.out")\`; PostgreSQL \`$(tail -n 1 "$out/api_postgres.out")\`."
} >"$results"
cat "$results"
exit $((failed * 3))

#!/usr/bin/env bash
# The aging benchmark: huikuan against DuckDB, SQLite and (when installed) PostgreSQL on one
# generated ledger. See bench/README.md. `make bench` builds and runs it.
#
# Environment:
#   BENCH_CUSTOMERS     customers to generate (default 1000000, ~10 invoices each)
#   BENCH_SEED          generator seed (default 42)
#   BENCH_AS_OF         aging date (default 2026-06-30, the generator's "today")
#   BENCH_REPEAT        timed warm runs, median reported (default 5)
#   BENCH_STEP_TIMEOUT  seconds one measured command may take before it is stopped (default 1200)
#   BENCH_BUILD         build directory holding huikuan and huikuan_bench (default build/)
#   BENCH_INSTALL_PG=1  install Debian's postgresql package when it is missing
#
# Exits 1 when the aging totals of the engines disagree, 3 when a measured command failed or
# timed out, 0 otherwise (whether the targets were met is in the table, not the exit status).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=$(cd "${BENCH_BUILD:-$root/build}" 2>/dev/null && pwd || echo "${BENCH_BUILD:-$root/build}")
customers=${BENCH_CUSTOMERS:-1000000}
seed=${BENCH_SEED:-42}
as_of=${BENCH_AS_OF:-2026-06-30}
repeat=${BENCH_REPEAT:-5}
step_timeout=${BENCH_STEP_TIMEOUT:-1200}

work=$here/work
data=$work/ledger-$customers
db=$work/huikuan-$customers.db
duck=$work/duckdb-$customers.duckdb
out=$work/out-$customers

die() {
  echo "bench: $*" >&2
  exit 2
}

# ---- preflight ----
for bin in huikuan huikuan_bench; do
  [ -x "$build/$bin" ] || die "$build/$bin is missing: build first (make bench does)"
done
command -v node >/dev/null || die "node is missing (Debian package nodejs)"
command -v sqlite3 >/dev/null || die "the sqlite3 CLI is missing (scripts/install-deps.sh installs it)"
if [ ! -d "$here/node_modules/@duckdb/node-api" ]; then
  echo "bench: installing the DuckDB competitor (npm ci in bench/)"
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed in $here"
fi

rm -rf "$data" "$out" "$db" "$db-wal" "$db-shm" "$duck" "$duck.wal"
mkdir -p "$out"

# ---- helpers ----
declare -A T S M  # wall ms, exit status, peak RSS (KiB) per step

now() { date +%s.%N; }

# step NAME COMMAND...: runs COMMAND (stopped after $step_timeout s), stdout to $out/NAME.out,
# stderr to $out/NAME.err; records its wall time, exit status and peak resident memory.
step() {
  local name=$1
  shift
  printf 'bench: %-16s %s\n' "$name" "$*" | sed "s|$root/||g"
  local t0 t1 rc
  t0=$(now)
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f '%M' -o "$out/$name.rss" timeout "$step_timeout" "$@" \
      >"$out/$name.out" 2>"$out/$name.err"
  else
    timeout "$step_timeout" "$@" >"$out/$name.out" 2>"$out/$name.err"
  fi
  rc=$?
  t1=$(now)
  T[$name]=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) * 1000 }')
  S[$name]=$rc
  M[$name]=$(tail -n 1 "$out/$name.rss" 2>/dev/null | grep -E '^[0-9]+$' || echo "")
  if [ "$rc" -eq 124 ]; then
    echo "bench: !! $name timed out after ${step_timeout} s (BENCH_STEP_TIMEOUT)" >&2
  elif [ "$rc" -ne 0 ]; then
    echo "bench: !! $name failed with status $rc:" >&2
    tail -n 5 "$out/$name.err" >&2
  fi
  printf 'bench: %-16s %s ms\n' "$name" "${T[$name]}"
}

ok() { [ "${S[$1]:-1}" -eq 0 ]; }

# jget FILE KEY: a field of the JSON object on the last line of FILE ("" when absent).
jget() {
  [ -s "$1" ] || return 0
  node -e '
    const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n");
    let v; try { v = JSON.parse(lines.pop()); } catch { v = undefined; }
    for (const k of process.argv[2].split(".")) v = v == null ? undefined : v[k];
    if (Array.isArray(v)) { v = [...v].sort((a, b) => a - b); v = v[(v.length - 1) >> 1]; }
    process.stdout.write(v == null ? "" : String(v));' "$1" "$2"
}

# ms VALUE: "123 ms", "12.3 ms", "12.3 s"; "—" when empty.
fmt_ms() {
  [ -n "$1" ] || { echo "—"; return; }
  awk -v v="$1" 'BEGIN {
    if (v >= 10000) printf "%.1f s", v / 1000; else if (v >= 100) printf "%.0f ms", v;
    else printf "%.1f ms", v }'
}

# ratio COMPETITOR HUIKUAN: competitor / huikuan, "—" when either is missing.
ratio() {
  if [ -z "$1" ] || [ -z "$2" ]; then echo "—"; return; fi
  awk -v c="$1" -v h="$2" 'BEGIN { if (h <= 0) print "—"; else printf "%.2f×", c / h }'
}

# verdict RATIO_OR_VALUE OP BOUND TEXT: "TEXT: met" or "TEXT: **missed**".
verdict() {
  local v=${1%×}
  if [ -z "$v" ] || [ "$v" = "—" ]; then echo "$4: not measured"; return; fi
  if awk -v v="$v" -v b="$3" -v op="$2" 'BEGIN {
      exit !((op == ">=" && v >= b) || (op == ">" && v > b) || (op == "<=" && v <= b)) }'; then
    echo "$4: met"
  else
    echo "$4: **missed**"
  fi
}

# huikuan's time for a step, or a note when it did not finish.
hk_time() {
  if ok "$1"; then fmt_ms "${T[$1]}"
  elif [ "${S[$1]:-}" = 124 ]; then echo "timeout (> ${step_timeout} s)"
  else echo "failed (status ${S[$1]:-?})"; fi
}

# ---- measurements ----
echo "bench: $customers customers, seed $seed, as of $as_of, $(nproc) cores"
step gen "$build/huikuan" gen --customers "$customers" --seed "$seed" --out "$data"
ok gen || die "huikuan gen failed: $(tail -n 3 "$out/gen.err")"
ledger=$(tail -n 1 "$out/gen.out" | sed "s| in $data||")
du_csv=$(du -sh "$data" | cut -f1)
# DuckDB and PostgreSQL load the four files the aging report reads, and so does the timed
# import; the delivery notes (for the 360 view of bench/api_load.sh) are imported at the end.
mkdir -p "$out/deliveries"
mv "$data/deliveries.csv" "$out/deliveries/"

step import "$build/huikuan" import --db "$db" "$data"
step duckdb_load node "$here/duckdb_aging.mjs" load --csv "$data" --db "$duck"

step cold "$build/huikuan" report aging --db "$db" --as-of "$as_of" --by customer --format csv \
  --out "$out/huikuan_aging.csv"
# The same report without the snapshot cache file that import leaves beside the database: the
# first report after a change reads every row from SQLite (and writes the cache again).
if [ -f "$db.snapshot" ]; then
  rm -f "$db.snapshot"
  step cold_nocache "$build/huikuan" report aging --db "$db" --as-of "$as_of" --by customer \
    --format csv --out "$out/huikuan_aging_nocache.csv"
fi
step duckdb_cold node "$here/duckdb_aging.mjs" cold --db "$duck" --as-of "$as_of" \
  --out "$out/duckdb_aging.csv"

step warm "$build/huikuan_bench" --db "$db" --as-of "$as_of" --repeat "$repeat"
step duckdb_warm node "$here/duckdb_aging.mjs" warm --db "$duck" --as-of "$as_of" \
  --repeat "$repeat"

sed "s/__AS_OF__/$as_of/g" "$here/sqlite_aging.sql" >"$out/sqlite_query.sql"
step sqlite sqlite3 -bail -readonly "$db" ".headers on" ".mode csv" \
  ".once $out/sqlite_aging.csv" ".read $out/sqlite_query.sql"

step postgres "$here/postgres_aging.sh" "$data" "$as_of" "$out/postgres_aging.csv" 3
cat "$out/postgres.err" >&2
pg_skipped=$(jget "$out/postgres.out" skipped)

step import_deliveries "$build/huikuan" import --db "$db" "$out/deliveries"

# ---- do the engines agree? ----
reference="$out/huikuan_aging.csv"
if ! ok cold; then
  # Without huikuan's CSV, check against its JSON report of the same aging.
  step cold_json "$build/huikuan" report aging --db "$db" --as-of "$as_of" --by customer \
    --format json --out "$out/huikuan_aging.json"
  reference="$out/huikuan_aging.json"
fi
compare=(duckdb="$out/duckdb_aging.csv")
ok sqlite && compare+=(sqlite="$out/sqlite_aging.csv:minor")
ok postgres && [ -z "$pg_skipped" ] && compare+=(postgres="$out/postgres_aging.csv")
agree=1
if ! ok duckdb_cold; then
  agree=0
  echo "bench: !!!!!!!! DuckDB produced no aging report: totals cannot be compared !!!!!!!!" >&2
elif ! node "$here/compare_totals.mjs" "$reference" "${compare[@]}" >"$out/compare.txt" \
  2>"$out/compare.err"; then
  agree=0
fi
cat "$out/compare.txt"
if [ $agree = 0 ]; then
  cat "$out/compare.err" >&2
  echo "bench: !!!!!!!! AGING TOTALS OF HUIKUAN AND ITS COMPETITORS DISAGREE !!!!!!!!" >&2
fi

# ---- the table ----
import_ms=${T[import]}
duck_load_ms=$(jget "$out/duckdb_load.out" load_ms)
cold_ms=$(ok cold && echo "${T[cold]}")
duck_cold_ms=$(jget "$out/duckdb_cold.out" query_ms)
duck_cold_process_ms=${T[duckdb_cold]}
warm_ms=$(jget "$out/warm.out" aging_median_ms)
duck_warm_ms=$(jget "$out/duckdb_warm.out" median_ms)
duck_warm_unordered_ms=$(jget "$out/duckdb_warm.out" unordered_median_ms)
snapshot_ms=$(jget "$out/warm.out" snapshot_load_ms)
snapshot_sqlite_ms=$(jget "$out/warm.out" snapshot_sqlite_load_ms)
cache_used=$(jget "$out/warm.out" snapshot_cache_used)
open_items=$(jget "$out/warm.out" open_items)
invoices=$(jget "$out/warm.out" invoices)
rss_per_open=$(jget "$out/warm.out" rss_bytes_per_open_item)
rss_per_invoice=$(jget "$out/warm.out" rss_bytes_per_invoice)
rss_delta=$(jget "$out/warm.out" rss_delta_bytes)
rss_trimmed=$(jget "$out/warm.out" rss_trimmed_delta_bytes)
snap_bytes=$(jget "$out/warm.out" snapshot_memory_bytes)
snap_per_open=$(jget "$out/warm.out" snapshot_bytes_per_open_item)
snap_per_invoice=$(jget "$out/warm.out" snapshot_bytes_per_invoice)
trim_per_open=$(awk -v a="$rss_trimmed" -v n="$open_items" 'BEGIN { if (n > 0) printf "%.1f", a / n }')
nocache_ms=$(ok cold_nocache && echo "${T[cold_nocache]}")
sqlite_ms=$(ok sqlite && echo "${T[sqlite]}")
pg_load_ms=$(jget "$out/postgres.out" load_ms)
pg_query_ms=$(jget "$out/postgres.out" query_ms)  # median of the runs
mib() { [ -n "$1" ] && awk -v b="$1" 'BEGIN { printf "%.0f MiB", b / 1048576 }' || echo "—"; }
kib_mib() { [ -n "$1" ] && awk -v k="$1" 'BEGIN { printf "%.0f MiB", k / 1024 }' || echo "—"; }

table=$(
  echo "| measurement | huikuan | competitor | ratio (competitor ÷ huikuan) | target |"
  echo "| --- | ---: | ---: | ---: | --- |"
  echo "| import: \`huikuan import\` into a fresh DB vs DuckDB CSV load | $(hk_time import) | $(fmt_ms "$duck_load_ms") | $(ratio "$duck_load_ms" "$(ok import && echo "$import_ms")") | $(verdict "$(ratio "$duck_load_ms" "$(ok import && echo "$import_ms")")" ">=" 0.5 "≥ 0.5×") |"
  echo "| cold aging CLI: \`report aging --by customer --format csv\` vs DuckDB fresh process (open + query + COPY to CSV) | $(hk_time cold) | $(fmt_ms "$duck_cold_ms") | $(ratio "$duck_cold_ms" "$cold_ms") | $(verdict "$(ratio "$duck_cold_ms" "$cold_ms")" ">" 1 "> 1×") |"
  echo "| warm aging by customer, median of $repeat | $(fmt_ms "$warm_ms") | $(fmt_ms "$duck_warm_ms") | $(ratio "$duck_warm_ms" "$warm_ms") | $(verdict "$(ratio "$duck_warm_ms" "$warm_ms")" ">=" 10 "≥ 10×") |"
  echo "| resident bytes per open item: (VmRSS after snapshot load − before) ÷ open items | ${rss_per_open:-—} | — | — | $(verdict "$rss_per_open" "<=" 64 "≤ 64") |"
  echo "| *info:* \`huikuan gen\` ($ledger; $du_csv of CSV) | $(hk_time gen) | — | — | — |"
  echo "| *info:* \`huikuan import\` of deliveries.csv (one delivery note per invoice) into the loaded DB | $(hk_time import_deliveries) | — | — | — |"
  echo "| *info:* snapshot load in huikuan_bench: as the CLI does (cache file $([ "$cache_used" = true ] && echo used || echo "not used")) / straight from SQLite | $(fmt_ms "$snapshot_ms") / $(fmt_ms "$snapshot_sqlite_ms") | — | — | — |"
  if [ -n "${S[cold_nocache]:-}" ]; then
    echo "| *info:* cold aging CLI without the snapshot cache file (reads SQLite, rewrites the cache) vs DuckDB cold | $(hk_time cold_nocache) | $(fmt_ms "$duck_cold_ms") | $(ratio "$duck_cold_ms" "$nocache_ms") | — |"
  fi
  echo "| *info:* open items as of $as_of / invoices | ${open_items:-—} / ${invoices:-—} | — | — | — |"
  echo "| *info:* resident memory of the loaded snapshot: VmRSS delta / after malloc_trim / columns (memory_bytes) | $(mib "$rss_delta") / $(mib "$rss_trimmed") / $(mib "$snap_bytes") | — | — | — |"
  echo "| *info:* bytes per open item: after malloc_trim / snapshot columns | ${trim_per_open:-—} / ${snap_per_open:-—} | — | — | — |"
  echo "| *info:* bytes per invoice: VmRSS delta / snapshot columns | ${rss_per_invoice:-—} / ${snap_per_invoice:-—} | — | — | — |"
  echo "| *info:* cold aging CLI vs DuckDB whole process (node start + library load + query) | $(hk_time cold) | $(fmt_ms "$duck_cold_process_ms") | $(ratio "$duck_cold_process_ms" "$cold_ms") | — |"
  echo "| *info:* warm aging vs DuckDB without the final ORDER BY | $(fmt_ms "$warm_ms") | $(fmt_ms "$duck_warm_unordered_ms") | $(ratio "$duck_warm_unordered_ms" "$warm_ms") | — |"
  echo "| *info:* cold aging CLI vs SQLite: one SQL query on huikuan's DB (\`sqlite3\` CLI, CSV out) | $(hk_time cold) | $(if ok sqlite; then fmt_ms "$sqlite_ms"; else echo "failed (status ${S[sqlite]})"; fi) | $(ratio "$sqlite_ms" "$cold_ms") | — |"
  if [ -n "$pg_skipped" ]; then
    echo "| *info:* PostgreSQL | — | skipped ($(jget "$out/postgres.out" reason)) | — | — |"
  elif ok postgres; then
    echo "| *info:* import vs PostgreSQL COPY of the 4 CSVs + ANALYZE | $(hk_time import) | $(fmt_ms "$pg_load_ms") | $(ratio "$pg_load_ms" "$(ok import && echo "$import_ms")") | — |"
    echo "| *info:* cold aging CLI vs PostgreSQL query (fresh psql, COPY to CSV, median of 3) | $(hk_time cold) | $(fmt_ms "$pg_query_ms") | $(ratio "$pg_query_ms" "$cold_ms") | — |"
  else
    echo "| *info:* PostgreSQL | — | failed (status ${S[postgres]}) | — | — |"
  fi
  echo "| *info:* peak RSS: import / cold aging CLI / DuckDB load / DuckDB cold | $(kib_mib "${M[import]:-}") / $(kib_mib "${M[cold]:-}") | $(kib_mib "${M[duckdb_load]:-}") / $(kib_mib "${M[duckdb_cold]:-}") | — | — |"
)

failed=()
for s in gen import duckdb_load cold ${S[cold_nocache]:+cold_nocache} duckdb_cold warm duckdb_warm sqlite postgres import_deliveries; do
  ok "$s" || failed+=("$s (status ${S[$s]}$([ "${S[$s]}" = 124 ] && echo ", timeout"))")
done
command="BENCH_CUSTOMERS=$customers make bench"
[ "$seed" = 42 ] || command="BENCH_SEED=$seed $command"
[ "$as_of" = 2026-06-30 ] || command="BENCH_AS_OF=$as_of $command"
mem=$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
{
  echo "# Aging benchmark results"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- machine: $(nproc) cores ($cpu), $mem memory, $(uname -sr)"
  echo "- command: \`$command\` (bench/run.sh; as of $as_of, seed $seed)"
  echo "- huikuan: commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo "?")$(git -C "$root" diff --quiet HEAD -- . ':!bench' 2>/dev/null || echo " with uncommitted changes"), Release build in $(basename "$build")/"
  echo "- ledger: $ledger"
  echo "- competitors: DuckDB $(node -e 'console.log(require(process.argv[1]).version)' "$here/node_modules/@duckdb/node-api/package.json" 2>/dev/null) (@duckdb/node-api), SQLite $(sqlite3 --version | cut -d' ' -f1), PostgreSQL $(if [ -n "$pg_skipped" ]; then echo "not run"; else jget "$out/postgres.out" version; fi)"
  echo "- totals check: $(if [ $agree = 1 ]; then echo "huikuan and $(IFS=,; echo "${compare[*]%%=*}" | sed 's/,/, /g') agree per currency (buckets, open, unapplied, net, row counts)$([ "$reference" = "$out/huikuan_aging.csv" ] || echo " — checked against huikuan's JSON report, the CSV report did not finish")"; else echo "**DISAGREE** (see bench/work/out-$customers/compare.err)"; fi)"
  [ ${#failed[@]} -eq 0 ] || echo "- **did not finish:** ${failed[*]}"
  echo
  echo "$table"
} >"$here/results.md"

echo
cat "$here/results.md"
if [ $agree = 0 ]; then exit 1; fi
if [ ${#failed[@]} -gt 0 ]; then exit 3; fi
exit 0

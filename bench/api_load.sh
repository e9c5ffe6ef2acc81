#!/usr/bin/env bash
# Load on the API (issue 4): `huikuan serve` over the benchmark ledger that bench/run.sh
# generated and imported (bench/work/huikuan-$BENCH_CUSTOMERS.db), driven by wrk on loopback
# with 64 connections: a collector's worklist page, the customer 360° view, and a write mix of
# contacts and promises, after which the audit chain must still verify. Targets: ≥ 5,000
# requests/s with p99 ≤ 50 ms for the worklist and the 360° view on this 2-core machine.
# Server and wrk share the two cores, as they would on one small box. BENCH_DB=postgresql://…
# serves a PostgreSQL installation instead; BENCH_SCENARIOS picks scenarios (default all three).
set -euo pipefail
cd "$(dirname "$0")/.."
customers=${BENCH_CUSTOMERS:-1000000}
duration=${BENCH_DURATION:-20s}
db=${BENCH_DB:-bench/work/huikuan-${customers}.db}  # or postgresql://… (bench/postgres.sh)
scenarios=${BENCH_SCENARIOS:-worklist customer360 writes}
bin=${BENCH_BUILD:-build}/huikuan
if [[ "$db" != postgres* && ! -f "$db" ]]; then
  echo "api_load: $db not found; run 'BENCH_CUSTOMERS=$customers make bench' first" >&2
  exit 3
fi
command -v wrk >/dev/null || { echo "api_load: wrk missing (apt-get install wrk)" >&2; exit 3; }
work=$(mktemp -d)
trap 'kill ${server:-} 2>/dev/null || true; rm -rf "$work"' EXIT

# The busiest collector, and users to act as (kept in the benchmark database between runs).
collector=$(bench/sql.sh "$db" "SELECT collector FROM customers WHERE collector <> ''
                          GROUP BY collector ORDER BY count(*) DESC LIMIT 1")
for user in "bench-collector collector" "bench-director director"; do
  set -- $user
  if ! "$bin" user list --db "$db" --format csv | cut -d, -f2 | grep -qx "$1"; then
    extra=()
    [ "$2" = collector ] && extra=(--collector-id "$collector" --team bench)
    printf 'bench password 12345\n' |
      "$bin" user add --db "$db" --username "$1" --role "$2" "${extra[@]}" --password-stdin >/dev/null
  fi
done
collector_token=$("$bin" token create --db "$db" --user bench-collector --name "load $(date +%s)")
director_token=$("$bin" token create --db "$db" --user bench-director --name "load $(date +%s)")

printf '[server]\naccess_log = "off"\ndaily_run_at = ""\n' > "$work/server.toml"
"$bin" serve --db "$db" --listen 127.0.0.1:0 --config "$work/server.toml" > "$work/out" 2> "$work/err" &
server=$!
for _ in $(seq 600); do grep -q listening "$work/out" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's/.*:\([0-9]*\)$/\1/p' "$work/out" | head -1)
until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.2; done

# Runs wrk and prints "name requests/s p99-ms".
measure() {
  local name=$1 token=$2 script=$3 url=$4
  wrk -t 2 -c 64 -d "$duration" --latency -H "Authorization: Bearer $token" \
      ${script:+-s "$script"} "$url" > "$work/$name.txt"
  local rps p99 errors
  rps=$(awk '/^Requests\/sec/ { printf "%.0f", $2 }' "$work/$name.txt")
  p99=$(awk '$1 == "99%" { v = $2; if (v ~ /us$/) { sub(/us/, "", v); v /= 1000 }
                           else if (v ~ /ms$/) { sub(/ms/, "", v) }
                           else if (v ~ /s$/) { sub(/s/, "", v); v *= 1000 }
                           printf "%.1f", v }' "$work/$name.txt")
  errors=$(awk '/Non-2xx/ { print $NF }' "$work/$name.txt")
  printf 'api_load %-12s %8s req/s  p99 %6s ms  non-2xx %s\n' "$name" "$rps" "$p99" "${errors:-0}"
}

# A server that has been up a while has the database in the page cache: read it once, and give
# each endpoint a short warm-up run before the measured one.
[[ "$db" == postgres* ]] || cat "$db" > /dev/null
warm() { wrk -t 2 -c 64 -d 5s -H "Authorization: Bearer $1" ${2:+-s "$2"} "$3" > /dev/null; }

base="http://127.0.0.1:$port"
for scenario in $scenarios; do
  case $scenario in
    worklist)
      curl -sf -H "Authorization: Bearer $collector_token" "$base/api/v1/worklist?limit=50" >/dev/null  # build it once
      warm "$collector_token" "" "$base/api/v1/worklist?limit=50"
      measure worklist "$collector_token" "" "$base/api/v1/worklist?limit=50" ;;
    customer360)
      warm "$director_token" bench/wrk/customer360.lua "$base"
      measure customer360 "$director_token" bench/wrk/customer360.lua "$base" ;;
    writes) measure writes "$director_token" bench/wrk/write_mix.lua "$base" ;;
    *) echo "api_load: unknown scenario '$scenario' (BENCH_SCENARIOS)" >&2; exit 3 ;;
  esac
done
kill -TERM $server && wait $server || true
"$bin" audit verify --db "$db" | head -1

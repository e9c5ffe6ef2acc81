#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the benchmarks, from Debian's postgresql package:
#
#   bench/pg_cluster.sh start DIR [-c NAME=VALUE ...]   creates it in DIR, prints its URL
#   bench/pg_cluster.sh stop DIR                          stops it and removes DIR
#
# It listens on a Unix socket in DIR only (no TCP port), keeps PostgreSQL's durable defaults
# (fsync, synchronous commit, full-page writes) and is sized for this 2-core, 24 GiB machine;
# extra `-c` settings go to the server. Run as root, the server runs as `postgres`. Exits 3 when
# PostgreSQL is not installed (BENCH_INSTALL_PG=1 installs it, without a system "main" cluster).
set -euo pipefail
action=$1
dir=$(realpath -m "$2")
shift 2

find_bin() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return; fi
  done
}
bin=$(find_bin)
as_pg=()
if [ "$(id -u)" -eq 0 ]; then as_pg=(runuser -u postgres --); fi

case "$action" in
  start)
    if [ -z "$bin" ] && [ "${BENCH_INSTALL_PG:-0}" = 1 ]; then
      echo "PostgreSQL: installing Debian's postgresql package (BENCH_INSTALL_PG=1)" >&2
      sudo=""
      [ "$(id -u)" -eq 0 ] || sudo=sudo
      $sudo mkdir -p /etc/postgresql-common/createcluster.d
      echo "create_main_cluster = false" |
        $sudo tee /etc/postgresql-common/createcluster.d/huikuan-bench.conf >/dev/null
      DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
        postgresql >&2
      bin=$(find_bin)
    fi
    if [ -z "$bin" ]; then echo "PostgreSQL not installed" >&2; exit 3; fi
    if [ ${#as_pg[@]} -gt 0 ] && ! id postgres >/dev/null 2>&1; then
      echo "running as root and there is no postgres user" >&2
      exit 3
    fi
    "$0" stop "$dir"
    mkdir -p "$dir"
    chmod 755 "$dir"
    [ ${#as_pg[@]} -eq 0 ] || chown postgres: "$dir"
    # C locale: text sorts by bytes, as in SQLite.
    "${as_pg[@]}" "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C \
      --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o "\
      -c listen_addresses='' -c unix_socket_directories='$dir' -p 55432 \
      -c shared_buffers=2GB -c work_mem=256MB -c maintenance_work_mem=1GB \
      -c max_wal_size=8GB -c max_parallel_workers_per_gather=2 -c max_connections=300 $*" \
      start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    echo "postgresql:///postgres?host=$dir&port=55432&user=postgres"
    ;;
  stop)
    if [ -n "$bin" ] && [ -f "$dir/data/postmaster.pid" ]; then
      "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 ||
        "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: pg_cluster.sh start|stop DIR [-c NAME=VALUE ...]" >&2
    exit 2
    ;;
esac

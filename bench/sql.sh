#!/usr/bin/env bash
# bench/sql.sh DB SQL: runs SQL on a benchmark database, a SQLite file or a postgresql:// URL,
# and prints the rows as `sqlite3` does (fields separated by |), so the benchmark scripts work
# on either engine.
set -euo pipefail
case "$1" in
  postgres://* | postgresql://*) psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$2" ;;
  *) sqlite3 "$1" "$2" ;;
esac

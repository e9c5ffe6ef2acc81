#!/usr/bin/env bash
# Creates the demo admin for `make run` on first start and prints its password once; later
# starts leave the user (and its password) alone.
set -euo pipefail
bin=$1
db=$2
if "$bin" user list --db "$db" --format csv | cut -d, -f2 | grep -qx admin; then
  echo "Demo admin exists (username admin); its password was printed when it was created."
  exit 0
fi
password=$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')
printf '%s\n' "$password" | "$bin" user add --db "$db" --username admin --role admin \
  --password-stdin --actor make-run >/dev/null
echo "Demo admin created: username admin, password $password"
echo "(shown this once; add more users with: huikuan user add --db $db ...)"

#!/usr/bin/env bash
# Renders every shipped letter (levels 1–4 and the statement of account) in zh-CN and en for a
# customer of the demo ledger, and writes the first page of each as docs/letters/NAME.LANG.png.
# Usage: scripts/letter-previews.sh [build dir]
set -euo pipefail
build=${1:-build}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$build/huikuan" gen --customers 400 --seed 42 --as-of 2026-06-30 --out "$work/csv" >/dev/null
"$build/huikuan" import --db "$work/hk.db" "$work/csv" >/dev/null
# The customer with the most open invoices that are overdue.
customer=$(sqlite3 "$work/hk.db" "SELECT c.external_id FROM customers c JOIN invoices i ON i.customer_id = c.id
  LEFT JOIN (SELECT invoice_id, sum(amount) AS paid FROM allocations GROUP BY invoice_id) a ON a.invoice_id = i.id
  WHERE i.due_date < '2026-06-30' AND i.doc_type = 'invoice' AND coalesce(a.paid, 0) < i.amount
  GROUP BY c.id ORDER BY count(*) DESC LIMIT 1")
mkdir -p docs/letters
for name in letter_1_friendly letter_2_formal letter_3_serious letter_4_final statement; do
  for language in zh-CN en; do
    "$build/huikuan" template preview "$name" --language "$language" --customer "$customer" \
      --db "$work/hk.db" --config config/server.toml --as-of 2026-06-30 --out "$work/$name.pdf" 2>/dev/null
    pdftoppm -png -r 70 -f 1 -l 1 -singlefile "$work/$name.pdf" "docs/letters/$name.$language"
  done
done
echo "previews of customer $customer written to docs/letters/"

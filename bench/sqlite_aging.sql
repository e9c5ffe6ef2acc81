-- Aging by customer as of __AS_OF__ in one SQLite query over huikuan's own database file
-- (store/sqlite/migrations/001_ledger.sql: integer minor units, ISO text dates), run by the
-- sqlite3 CLI. Same semantics as `huikuan report aging --by customer` and aging.sql; amounts
-- stay in minor units. Days-overdue buckets are date-string boundaries: an invoice is 1-30
-- days overdue when date(as_of, '-30 days') <= due_date < as_of, and so on.
--
-- Written for SQLite's planner: each invoice's allocations are summed once, through the
-- allocations_key index (invoice_id first); invoices, payments and credit notes feed one
-- GROUP BY (no FULL OUTER JOIN of two aggregates).
WITH
items AS MATERIALIZED (
  SELECT i.customer_id, i.currency, i.due_date, i.amount,
         COALESCE((SELECT SUM(a.amount) FROM allocations a
                   WHERE a.invoice_id = i.id AND a.allocation_date <= '__AS_OF__'), 0)
           AS allocated
  FROM invoices i
  WHERE i.doc_type = 'invoice' AND i.invoice_date <= '__AS_OF__'
),
entries AS (
  SELECT customer_id, currency,
         CASE WHEN due_date >= '__AS_OF__' THEN 0
              WHEN due_date >= date('__AS_OF__', '-30 days') THEN 1
              WHEN due_date >= date('__AS_OF__', '-60 days') THEN 2
              WHEN due_date >= date('__AS_OF__', '-90 days') THEN 3
              WHEN due_date >= date('__AS_OF__', '-180 days') THEN 4
              WHEN due_date >= date('__AS_OF__', '-365 days') THEN 5
              ELSE 6 END AS bucket,
         amount - allocated AS open_amount,
         -allocated AS unapplied
  FROM items
  UNION ALL
  SELECT customer_id, currency, -1, 0, amount FROM payments
  WHERE payment_date <= '__AS_OF__'
  UNION ALL
  SELECT customer_id, currency, -1, 0, amount FROM invoices
  WHERE doc_type = 'credit_note' AND invoice_date <= '__AS_OF__'
),
aged AS (
  SELECT customer_id, currency,
         SUM(CASE WHEN bucket = 0 THEN open_amount ELSE 0 END) AS not_due,
         SUM(CASE WHEN bucket = 1 THEN open_amount ELSE 0 END) AS d1_30,
         SUM(CASE WHEN bucket = 2 THEN open_amount ELSE 0 END) AS d31_60,
         SUM(CASE WHEN bucket = 3 THEN open_amount ELSE 0 END) AS d61_90,
         SUM(CASE WHEN bucket = 4 THEN open_amount ELSE 0 END) AS d91_180,
         SUM(CASE WHEN bucket = 5 THEN open_amount ELSE 0 END) AS d181_365,
         SUM(CASE WHEN bucket = 6 THEN open_amount ELSE 0 END) AS over_365,
         SUM(open_amount) AS open_total,
         SUM(unapplied) AS unapplied
  FROM entries
  GROUP BY customer_id, currency
)
SELECT t.currency AS section, cu.external_id AS customer, cu.name,
       t.not_due, t.d1_30 AS "1-30", t.d31_60 AS "31-60", t.d61_90 AS "61-90",
       t.d91_180 AS "91-180", t.d181_365 AS "181-365", t.over_365,
       t.open_total AS "open", t.unapplied, t.open_total - t.unapplied AS net
FROM aged t
JOIN customers cu ON cu.id = t.customer_id
WHERE NOT (t.not_due = 0 AND t.d1_30 = 0 AND t.d31_60 = 0 AND t.d61_90 = 0 AND t.d91_180 = 0
           AND t.d181_365 = 0 AND t.over_365 = 0 AND t.unapplied = 0)
ORDER BY t.currency, cu.external_id;

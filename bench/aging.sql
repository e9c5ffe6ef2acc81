-- Aging by customer as of __AS_OF__, in standard SQL run unchanged by DuckDB and PostgreSQL
-- over the four CSV files loaded as tables (see duckdb_aging.mjs and postgres_aging.sh).
-- Same semantics as `huikuan report aging --by customer`:
--   * documents and allocations dated after the as-of date do not exist yet;
--   * open = invoice amount - its allocations dated on or before the as-of date;
--   * buckets by days overdue (as-of - due date): not_due (<= 0), 1-30, 31-60, 61-90,
--     91-180, 181-365, over_365;
--   * unapplied = payments and credit notes dated on or before the as-of date, less the
--     allocations dated on or before it (counted on the invoice they settle);
--   * one row per customer and currency, rows whose values are all zero omitted, ordered by
--     currency then customer id, with the customer's name, as the CLI writes them.
WITH
alloc AS (
  SELECT invoice_id, SUM(amount) AS allocated
  FROM allocations
  WHERE allocation_date <= DATE '__AS_OF__'
  GROUP BY invoice_id
),
items AS (
  SELECT i.customer_id, i.currency,
         i.amount - COALESCE(a.allocated, 0) AS open_amount,
         COALESCE(a.allocated, 0) AS allocated,
         DATE '__AS_OF__' - i.due_date AS days_overdue
  FROM invoices i
  LEFT JOIN alloc a ON a.invoice_id = i.invoice_id
  WHERE i.doc_type = 'invoice' AND i.invoice_date <= DATE '__AS_OF__'
),
aged AS (
  SELECT customer_id, currency,
         SUM(CASE WHEN days_overdue <= 0 THEN open_amount ELSE 0 END) AS not_due,
         SUM(CASE WHEN days_overdue BETWEEN 1 AND 30 THEN open_amount ELSE 0 END) AS d1_30,
         SUM(CASE WHEN days_overdue BETWEEN 31 AND 60 THEN open_amount ELSE 0 END) AS d31_60,
         SUM(CASE WHEN days_overdue BETWEEN 61 AND 90 THEN open_amount ELSE 0 END) AS d61_90,
         SUM(CASE WHEN days_overdue BETWEEN 91 AND 180 THEN open_amount ELSE 0 END) AS d91_180,
         SUM(CASE WHEN days_overdue BETWEEN 181 AND 365 THEN open_amount ELSE 0 END) AS d181_365,
         SUM(CASE WHEN days_overdue > 365 THEN open_amount ELSE 0 END) AS over_365,
         SUM(allocated) AS allocated
  FROM items
  GROUP BY customer_id, currency
),
credits AS (
  SELECT customer_id, currency, SUM(amount) AS credited
  FROM (
    SELECT customer_id, currency, amount FROM payments
    WHERE payment_date <= DATE '__AS_OF__'
    UNION ALL
    SELECT customer_id, currency, amount FROM invoices
    WHERE doc_type = 'credit_note' AND invoice_date <= DATE '__AS_OF__'
  ) c
  GROUP BY customer_id, currency
),
joined AS (
  SELECT COALESCE(a.currency, c.currency) AS section,
         COALESCE(a.customer_id, c.customer_id) AS customer,
         COALESCE(a.not_due, 0) AS not_due,
         COALESCE(a.d1_30, 0) AS d1_30,
         COALESCE(a.d31_60, 0) AS d31_60,
         COALESCE(a.d61_90, 0) AS d61_90,
         COALESCE(a.d91_180, 0) AS d91_180,
         COALESCE(a.d181_365, 0) AS d181_365,
         COALESCE(a.over_365, 0) AS over_365,
         COALESCE(c.credited, 0) - COALESCE(a.allocated, 0) AS unapplied
  FROM aged a
  FULL OUTER JOIN credits c ON c.customer_id = a.customer_id AND c.currency = a.currency
),
totalled AS (
  SELECT j.*, not_due + d1_30 + d31_60 + d61_90 + d91_180 + d181_365 + over_365 AS open_total
  FROM joined j
  WHERE NOT (not_due = 0 AND d1_30 = 0 AND d31_60 = 0 AND d61_90 = 0 AND d91_180 = 0
             AND d181_365 = 0 AND over_365 = 0 AND unapplied = 0)
)
SELECT t.section, t.customer, cu.name,
       t.not_due, t.d1_30 AS "1-30", t.d31_60 AS "31-60", t.d61_90 AS "61-90",
       t.d91_180 AS "91-180", t.d181_365 AS "181-365", t.over_365,
       t.open_total AS "open", t.unapplied, t.open_total - t.unapplied AS net
FROM totalled t
JOIN customers cu ON cu.customer_id = t.customer
ORDER BY t.section, t.customer

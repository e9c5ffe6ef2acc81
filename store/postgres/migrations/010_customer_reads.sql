-- One customer's documents and payments (the 360° view, GET /api/v1/invoices?customer=…,
-- GET /api/v1/payments?customer=…, what a customer owes when a promise is recorded): an index
-- lookup instead of a scan of every invoice or payment. A customer's allocations are found
-- through its invoices (allocations_key starts with invoice_id), its disputes likewise.
CREATE INDEX invoices_customer ON invoices (customer_id);
CREATE INDEX payments_customer ON payments (customer_id);

-- Delivery notes (发货单): the link between a contract and the invoice that bills the goods,
-- so the document chain contract → delivery → invoice → payment can be followed from either
-- end. A delivery not invoiced yet has no invoice_id.
CREATE TABLE deliveries (
  id            INTEGER PRIMARY KEY,
  external_id   TEXT    NOT NULL,
  customer_id   INTEGER NOT NULL REFERENCES customers (id),
  contract_id   TEXT    NOT NULL DEFAULT '',
  invoice_id    INTEGER REFERENCES invoices (id),
  delivery_date TEXT    NOT NULL,
  received_date TEXT    CHECK (received_date IS NULL OR received_date >= delivery_date),
  received_by   TEXT    NOT NULL DEFAULT '',
  reference     TEXT    NOT NULL DEFAULT ''
);

CREATE UNIQUE INDEX deliveries_external_id ON deliveries (external_id);
CREATE INDEX deliveries_customer ON deliveries (customer_id);
CREATE INDEX deliveries_invoice ON deliveries (invoice_id) WHERE invoice_id IS NOT NULL;

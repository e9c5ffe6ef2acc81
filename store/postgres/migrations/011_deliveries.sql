-- Delivery notes (发货单): the link between a contract and the invoice that bills the goods,
-- so the document chain contract → delivery → invoice → payment can be followed from either
-- end. A delivery not invoiced yet has no invoice_id.
--
-- Stored by customer (WITHOUT ROWID, keyed by customer_id first): the 360° view reads one
-- customer's notes as one range of adjacent rows, with no second index to keep or to read.
-- The importer names a note by its external id.
CREATE TABLE deliveries (
  customer_id   BIGINT NOT NULL REFERENCES customers (id),
  id            BIGINT NOT NULL,
  external_id   TEXT COLLATE "C"    NOT NULL,
  contract_id   TEXT COLLATE "C"    NOT NULL DEFAULT '',
  invoice_id    BIGINT REFERENCES invoices (id),
  delivery_date TEXT COLLATE "C"    NOT NULL,
  received_date TEXT COLLATE "C"    CHECK (received_date IS NULL OR received_date >= delivery_date),
  received_by   TEXT COLLATE "C"    NOT NULL DEFAULT '',
  reference     TEXT COLLATE "C"    NOT NULL DEFAULT '',
  PRIMARY KEY (customer_id, id)
);

CREATE UNIQUE INDEX deliveries_external_id ON deliveries (external_id);

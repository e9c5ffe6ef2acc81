-- Promises, disputes and payment plans change the worklist but not the ledger's documents: they
-- count in a version of their own, so that another server instance following this database
-- rebuilds its worklists for them and reloads its snapshot only when the documents change.
ALTER TABLE ledger_version ADD COLUMN collection_version INTEGER NOT NULL DEFAULT 0;

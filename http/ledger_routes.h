#pragma once
// The read side of the ledger over HTTP: customers (list and 360° view), invoices, payments.
// Lists and balances come from the snapshot; documents, payments and collection work from the
// store by indexed per-customer reads. Every record outside the caller's data scope is a 404.

#include "http/api.h"
#include "http/router.h"

namespace huikuan::http {

//! GET /api/v1/customers, /api/v1/customers/{id}, /api/v1/invoices, /api/v1/invoices/{id},
//! /api/v1/payments, /api/v1/payments/{id}; all need Permission::kLedgerRead.
void add_ledger_routes(Router& router, ApiContext& api);

}  // namespace huikuan::http

#pragma once
// /api/v1/reports: the CLI's reports over HTTP, with the same semantics and JSON.

#include "http/api.h"
#include "http/current_snapshot.h"
#include "http/router.h"

namespace huikuan::http {

//! GET /api/v1/reports/aging?as_of=YYYY-MM-DD[&by=customer|collector|region|industry|currency]
//! [&buckets=30,60,90,180,365]: the JSON of `huikuan report aging --format json`, from the
//! snapshot current when the request starts. 400 names the bad parameter; 503 before the
//! ledger is loaded.
void add_report_routes(Router& router, const CurrentSnapshot& snapshot);

//! GET /api/v1/reports/kpi?from=YYYY-MM-DD&to=YYYY-MM-DD[&by=variant]: the JSON of `huikuan
//! report kpi --format json`; by variant, the variants of the policy in force (the CLI's
//! `--policy`). 400 names the bad parameter; 503 before the ledger is loaded.
void add_kpi_report_route(Router& router, const CurrentSnapshot& snapshot,
                          const CurrentPolicy& policy);
//! GET /api/v1/reports/promises?from=YYYY-MM-DD&to=YYYY-MM-DD: the promises to pay dated in
//! the period by what became of them as of today (the daily run's rule), per currency — {"from",
//! "to", "currencies": [{"currency", "due", "kept", "broken", "open", "cancelled", "kept_rate",
//! "amount_due", "amount_kept"}]}; kept_rate = kept ÷ (kept + broken), rounded to 4 decimals, null
//! before any was decided.
void add_promise_report_route(Router& router, ApiContext& api);

}  // namespace huikuan::http

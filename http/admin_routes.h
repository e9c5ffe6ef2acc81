#pragma once
// Administration over the API: users and API tokens, the audit log, the collection policy,
// ledger imports, and the server's jobs (daily run, snapshot refresh) on demand.

#include "http/api.h"
#include "http/router.h"
#include "service/daily_run.h"

namespace huikuan::http {

void add_admin_routes(Router& router, ApiContext& api);

//! Runs the daily run for `as_of`, unless a job is running here or on another instance on the
//! same database (nullopt then). Shared by POST /api/v1/runs and the schedule, which passes
//! `once_a_day`: when some instance ran the schedule's run of that date already, nothing runs
//! and the error's field is kAlreadyRun.
inline constexpr const char* kAlreadyRun = "already_run";
std::optional<Result<RunSummary>> try_daily_run(ApiContext& api, Date as_of, const Actor& actor,
                                                bool once_a_day = false);

//! Reloads the snapshot when the ledger changed (through the cache file), unless a job is
//! running (nullopt then); returns the customers in the snapshot now.
std::optional<Result<size_t>> try_refresh_snapshot(ApiContext& api);

}  // namespace huikuan::http

#pragma once
// The collector's day over the API (issue 4): the worklist, the planned actions, contacts,
// promises to pay, disputes, payment plans and approval requests. Every record is seen through
// its customer's data scope (authorization.h: a collector their own customers, a supervisor the
// team's): outside it, a record answers 404 as if it did not exist, for reads and for changes
// naming it. Changes go through the service use cases with the request's actor, so the audit
// log records user, role and request id in the change's transaction.

#include "http/api.h"
#include "http/router.h"

namespace huikuan::http {

//! GET /api/v1/worklist, /actions (and complete, skip, reschedule), /customers/{id}/contacts,
//! /customers/{id}/promises, /customers/{id}/plans, /disputes, /approvals; POST /contacts,
//! /promises, /disputes (and resolve), /plans (and cancel), /approvals/{id}/approve|reject|cancel.
void add_case_routes(Router& router, ApiContext& api);

}  // namespace huikuan::http

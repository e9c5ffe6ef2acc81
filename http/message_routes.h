#pragma once
// Message templates, the outbox and evidence over HTTP (issue 6):
//   GET  /api/v1/templates                               the templates in force
//   GET  /api/v1/templates/{name}/{language}             one template's text
//   PUT  /api/v1/templates/{name}/{language}             replace it (validated, versioned, audited)
//   POST /api/v1/templates/{name}/{language}/preview     render it (or an unsaved text) for a
//   customer GET  /api/v1/outbox                                  messages pending, sent, failed
//   GET  /api/v1/customers/{id}/evidence                 the evidence bundle (JSON or PDF)

#include "http/api.h"
#include "http/router.h"

namespace huikuan::http {

void add_message_routes(Router& router, ApiContext& api);

}  // namespace huikuan::http

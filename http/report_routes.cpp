#include "http/report_routes.h"

#include <fmt/format.h>

#include <array>
#include <string_view>

#include "engine/aging.h"
#include "service/report_output.h"

namespace huikuan::http {
namespace {

Response bad_parameter(std::string_view field, std::string_view message) {
  return Response::error(Status::bad_request, "bad_request", message, field);
}

//! The first query parameter not in `known`, if any: a misspelt parameter is an error rather
//! than silently ignored.
std::optional<std::string_view> unknown_parameter(const Request& request,
                                                  std::initializer_list<std::string_view> known) {
  for (const auto& [name, value] : request.query) {
    if (std::find(known.begin(), known.end(), name) == known.end()) return name;
  }
  return std::nullopt;
}

Response aging(const CurrentSnapshot& current, const Request& request) {
  if (auto unknown = unknown_parameter(request, {"as_of", "by", "buckets"})) {
    return bad_parameter(*unknown, "unknown parameter; expected as_of, by, buckets");
  }
  const auto as_of_text = request.query_param("as_of");
  if (!as_of_text) return bad_parameter("as_of", "required (YYYY-MM-DD)");
  const auto as_of = Date::parse(*as_of_text);
  if (!as_of) return bad_parameter("as_of", as_of.error().message);
  const auto group = parse_aging_group(std::string(request.query_param("by").value_or("customer")));
  if (!group) return bad_parameter("by", group.error().message);
  AgingBuckets buckets;
  if (auto text = request.query_param("buckets")) {
    auto parsed = AgingBuckets::parse(std::string(*text));
    if (!parsed) return bad_parameter("buckets", parsed.error().message);
    buckets = *std::move(parsed);
  }
  const auto snapshot = current.get();
  if (!snapshot) {
    return Response::error(Status::service_unavailable, "not_ready", "the ledger is still loading");
  }
  const auto report = age(*snapshot, *as_of, buckets, *group);
  if (!report) {
    return Response::error(Status::unprocessable_entity, "unprocessable", report.error().message,
                           report.error().field);
  }
  return Response::json(aging_json(*report));
}

}  // namespace

void add_report_routes(Router& router, const CurrentSnapshot& snapshot) {
  router.add({Verb::get, "/api/v1/reports/aging",
              [&snapshot](const Request& request) { return aging(snapshot, request); },
              Permission::kReportsRead, Work::kBlocking});
}

}  // namespace huikuan::http

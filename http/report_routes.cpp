#include "http/report_routes.h"

#include <fmt/format.h>
#include <unistd.h>

#include <array>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string_view>

#include "core/money.h"
#include "engine/aging.h"
#include "engine/kpi.h"
#include "http/api.h"
#include "ledger/collections.h"
#include "service/collections.h"
#include "service/report_output.h"

namespace huikuan::http {
namespace {

// The `format` parameter: json (the default), csv or xlsx.
tl::expected<ReportFormat, Response> format_parameter(const Request& request) {
  const auto text = request.query_param("format").value_or("json");
  if (text == "json") return ReportFormat::kJson;
  if (text == "csv") return ReportFormat::kCsv;
  if (text == "xlsx") return ReportFormat::kXlsx;
  return tl::unexpected(bad_parameter("format", "must be json, csv or xlsx"));
}

// The report as the CLI writes it in `format` (`huikuan report … --format csv|xlsx`), sent as
// the attachment `name`.`format`. The xlsx writer needs a file: a private temporary one.
template <class Report>
Response report_file(const Report& report, ReportFormat format, const std::string& name) {
  std::ostringstream out;
  std::string path;
  if (format == ReportFormat::kXlsx) {
    path = (std::filesystem::temp_directory_path() / "huikuan-report-XXXXXX").string();
    const int fd = mkstemp(path.data());
    if (fd < 0) throw std::runtime_error("cannot create a temporary file for the report");
    close(fd);
  }
  const auto written = write_report(report, format, path, out);
  std::string body = out.str();
  if (!path.empty()) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream file;
    file << in.rdbuf();
    body = std::move(file).str();
    std::filesystem::remove(path);
  }
  if (!written) return invalid(written.error());
  const bool xlsx = format == ReportFormat::kXlsx;
  Response response = Response::text(
      std::move(body), xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                            : "text/csv; charset=utf-8");
  response.headers.emplace_back("Content-Disposition", fmt::format("attachment; filename=\"{}.{}\"",
                                                                   name, xlsx ? "xlsx" : "csv"));
  return response;
}

Response aging(const CurrentSnapshot& current, const Request& request) {
  if (auto unknown = unknown_parameter(request, {"as_of", "by", "buckets", "format"})) {
    return *unknown;
  }
  const auto format = format_parameter(request);
  if (!format) return format.error();
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
  if (*format != ReportFormat::kJson) {
    return report_file(*report, *format, fmt::format("aging-{}", as_of->to_string()));
  }
  return Response::json(aging_json(*report));
}

// A required date query parameter, or the 400 naming it.
tl::expected<Date, Response> date_parameter(const Request& request, std::string_view name) {
  const auto text = request.query_param(name);
  if (!text) return tl::unexpected(bad_parameter(name, "required (YYYY-MM-DD)"));
  auto date = Date::parse(*text);
  if (!date) return tl::unexpected(bad_parameter(name, date.error().message));
  return *date;
}

// GET /api/v1/reports/kpi?from=YYYY-MM-DD&to=YYYY-MM-DD[&by=variant] → the JSON of `huikuan
// report kpi --format json`: {"from", "to", ["group_by",] "currencies": [{["variant",]
// "currency", "dso", "bpdso", "add", "cei", "overdue_rate", amounts…}]}.
Response kpi(const CurrentSnapshot& current, const CurrentPolicy& policy, const Request& request) {
  if (auto unknown = unknown_parameter(request, {"from", "to", "by", "format"})) return *unknown;
  const auto format = format_parameter(request);
  if (!format) return format.error();
  const auto from = date_parameter(request, "from");
  if (!from) return from.error();
  const auto to = date_parameter(request, "to");
  if (!to) return to.error();
  if (*to < *from) return bad_parameter("to", "must not be before from");
  const auto by = request.query_param("by");
  if (by && *by != "variant") return bad_parameter("by", "must be variant (or left out)");
  const auto snapshot = current.get();
  if (!snapshot) return not_ready();
  const auto report =
      by ? compute_kpis(*snapshot, *from, *to, variant_groups(*snapshot, *policy.get()))
         : compute_kpis(*snapshot, *from, *to);
  if (!report) return invalid(report.error());
  if (*format != ReportFormat::kJson) {
    return report_file(*report, *format,
                       fmt::format("kpi-{}-{}", from->to_string(), to->to_string()));
  }
  return Response::json(kpi_json(*report));
}

// What became of the promises dated in [from, to], per currency.
Response promise_report(ApiContext& api, const Request& request) {
  if (auto unknown = unknown_parameter(request, {"from", "to"})) return *unknown;
  const auto from = date_parameter(request, "from");
  if (!from) return from.error();
  const auto to = date_parameter(request, "to");
  if (!to) return to.error();
  if (*to < *from) return bad_parameter("to", "must not be before from");
  struct Outcomes {
    Currency currency;
    std::array<int64_t, 4> count{};  // by PromiseStatus
    int64_t amount_due = 0, amount_kept = 0;
  };
  const auto snapshot = api.snapshot.get();
  if (!snapshot) return not_ready();
  const auto policy = api.policy.get();
  std::map<std::string, Outcomes> by_currency;
  {
    auto store = api.stores.lease();
    if (!store) return unavailable(store.error());
    read_promise_outcomes(**store, *snapshot, *policy, api.clock().local_date(),
                          [&](const Promise& p, PromiseStatus outcome) {
                            if (p.promised_date < *from || *to < p.promised_date) return;
                            Outcomes& o = by_currency[std::string(p.currency.code_view())];
                            o.currency = p.currency;
                            ++o.count[static_cast<size_t>(outcome)];
                            o.amount_due += p.amount;
                            if (outcome == PromiseStatus::kKept) o.amount_kept += p.amount;
                          });
  }
  nlohmann::ordered_json currencies = nlohmann::ordered_json::array();
  for (const auto& [code, o] : by_currency) {
    const auto count = [&](PromiseStatus status) { return o.count[static_cast<size_t>(status)]; };
    const int64_t kept = count(PromiseStatus::kKept), broken = count(PromiseStatus::kBroken);
    nlohmann::ordered_json rate = nullptr;
    if (kept + broken > 0) rate = std::round(10000.0 * kept / (kept + broken)) / 10000.0;
    const int digits = o.currency.minor_digits;
    currencies.push_back({{"currency", code},
                          {"due", kept + broken + count(PromiseStatus::kOpen)},
                          {"kept", kept},
                          {"broken", broken},
                          {"open", count(PromiseStatus::kOpen)},
                          {"cancelled", count(PromiseStatus::kCancelled)},
                          {"kept_rate", rate},
                          {"amount_due", format_minor_units(o.amount_due, digits)},
                          {"amount_kept", format_minor_units(o.amount_kept, digits)}});
  }
  return Response::json(nlohmann::ordered_json{
      {"from", from->to_string()}, {"to", to->to_string()}, {"currencies", std::move(currencies)}}
                            .dump());
}

}  // namespace

void add_kpi_report_route(Router& router, const CurrentSnapshot& snapshot,
                          const CurrentPolicy& policy) {
  router.add(
      {Verb::get, "/api/v1/reports/kpi",
       [&snapshot, &policy](const Request& request) { return kpi(snapshot, policy, request); },
       Permission::kReportsRead, Work::kBlocking});
}

void add_report_routes(Router& router, const CurrentSnapshot& snapshot) {
  router.add({Verb::get, "/api/v1/reports/aging",
              [&snapshot](const Request& request) { return aging(snapshot, request); },
              Permission::kReportsRead, Work::kBlocking});
}

void add_promise_report_route(Router& router, ApiContext& api) {
  router.add({Verb::get, "/api/v1/reports/promises",
              [&api](const Request& request) { return promise_report(api, request); },
              Permission::kReportsRead, Work::kBlocking});
}

}  // namespace huikuan::http

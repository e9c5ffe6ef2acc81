#include "store/audit_chain.h"

#include <fmt/format.h>

#include "core/digest.h"

namespace huikuan {
namespace {

void append_netstring(std::string& out, std::string_view value) {
  fmt::format_to(std::back_inserter(out), "{}:", value.size());
  out.append(value);
  out.push_back(',');
}

}  // namespace

std::string audit_hash(std::string_view prev_hash, int64_t id, const ChangeRecord& change) {
  // Called once per change row (millions in a large import): reuse one buffer.
  thread_local std::string canonical;
  canonical.clear();
  append_netstring(canonical, prev_hash);
  const fmt::format_int id_text(id);
  append_netstring(canonical, {id_text.data(), id_text.size()});
  for (const std::string* value :
       {&change.at, &change.actor, &change.role, &change.entity, &change.key, &change.field,
        &change.old_value, &change.new_value, &change.source, &change.request_id}) {
    append_netstring(canonical, *value);
  }
  return sha256_hex(canonical);
}

}  // namespace huikuan

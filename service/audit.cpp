#include "service/audit.h"

#include <fmt/format.h>

#include "store/audit_chain.h"

namespace huikuan {

Result<AuditSummary> verify_audit(Store& store) {
  AuditSummary summary;
  Error broken;
  int64_t last_id = 0;
  std::string prev(kAuditGenesis);
  auto done = store.read_transaction([&]() -> Result<void> {
    store.read_audit([&](const AuditEntry& e) {
      if (!broken.where.empty()) return;
      if (e.id != last_id + 1) {
        broken.message = e.id == last_id + 2
                             ? fmt::format("record {} before it is missing (removed)", last_id + 1)
                             : fmt::format("records {} to {} before it are missing (removed)",
                                           last_id + 1, e.id - 1);
      } else if (e.prev_hash != prev) {
        broken.message = last_id == 0 ? "the first record does not start the chain: records "
                                        "before it were removed or it was inserted"
                                      : fmt::format(
                                            "does not follow record {}: a record was "
                                            "removed, inserted or reordered",
                                            last_id);
      } else if (e.hash != audit_hash(e.prev_hash, e.id, e.change)) {
        broken.message = "its contents do not match its hash (altered)";
      }
      if (!broken.message.empty()) {
        broken.where = fmt::format("record {}", e.id);
        return;
      }
      last_id = e.id;
      prev = e.hash;
      ++summary.records;
    });
    return {};
  });
  if (!done) return tl::unexpected(done.error());
  if (!broken.where.empty()) return tl::unexpected(broken);
  summary.head_hash = summary.records == 0 ? std::string() : prev;
  return summary;
}

}  // namespace huikuan

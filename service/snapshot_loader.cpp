#include "service/snapshot_loader.h"

namespace huikuan {

Result<std::shared_ptr<const Snapshot>> load_snapshot(Store& store) {
  SnapshotBuilder builder;
  // One read transaction, so the four tables are read at the same point in time.
  Result<std::shared_ptr<const Snapshot>> snapshot = fail("not loaded");
  auto read = store.transaction([&]() -> Result<void> {
    store.read_customers([&](const Customer& c) { builder.add(c); });
    store.read_invoices(ReadMode::kKeysAndAmounts, [&](const Invoice& d) { builder.add(d); });
    store.read_payments(ReadMode::kKeysAndAmounts, [&](const Payment& p) { builder.add(p); });
    store.read_allocations([&](const Allocation& a) { builder.add(a); });
    return {};
  });
  if (!read) return tl::unexpected(read.error());
  return builder.build();
}

}  // namespace huikuan

#pragma once
// The audit log: every change, in the change log (ledger_changes), hash-chained by the store
// (store/audit_chain.h). Verifying it finds records altered, removed or reordered since they
// were written. Phones and e-mail addresses reach it only masked (core/personal_data.h).

#include <cstdint>
#include <string>

#include "core/error.h"
#include "store/store.h"

namespace huikuan {

struct AuditSummary {
  int64_t records = 0;
  std::string head_hash;  //!< the last record's hash; keep it elsewhere to detect truncation
};

//! Walks the chain in id order in one read transaction. Fails naming the first record that
//! does not verify (Error::where "record N") and why: its hash does not match its contents
//! (altered), or it does not follow the record before (one was removed, inserted or reordered).
Result<AuditSummary> verify_audit(Store& store);

}  // namespace huikuan

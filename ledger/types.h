#pragma once
// The receivables ledger as the source system (ERP) describes it. Plain data, no I/O.
// External ids are the keys users see; `id` is the store's internal key (0 = not stored yet).

#include <cstdint>
#include <optional>
#include <string>

#include "core/date.h"
#include "core/money.h"

namespace huikuan {

struct Customer {
  int64_t id = 0;
  std::string external_id;
  std::string name;
  std::optional<Currency> currency;
  std::optional<int32_t> payment_terms_days;
  std::optional<int64_t> credit_limit;  //!< minor units of `currency`
  std::string credit_grade;
  std::string industry;
  std::string region;
  std::string customer_type;
  std::string importance;
  std::string collector;
  std::string email;
  std::string phone;
  std::string timezone;         //!< IANA name, "Asia/Shanghai"
  std::string language;         //!< BCP 47, "zh-CN"
  std::string country;          //!< ISO 3166 alpha-2, "CN"
  bool do_not_contact = false;  //!< no outbound contact at all
  bool blacklisted = false;     //!< malicious debtor (黑名单): no contact, legal review
};

enum class DocType : uint8_t { kInvoice, kCreditNote };

//! An invoice or a credit note (both come from invoices.csv).
struct Invoice {
  int64_t id = 0;
  std::string external_id;
  int64_t customer_id = 0;
  DocType doc_type = DocType::kInvoice;
  Date invoice_date;
  Date due_date;
  Currency currency;
  int64_t amount = 0;  //!< minor units, > 0
  std::string contract_id;
  std::string reference;
};

struct Payment {
  int64_t id = 0;
  std::string external_id;
  int64_t customer_id = 0;
  Date payment_date;
  Currency currency;
  int64_t amount = 0;  //!< minor units, > 0
  std::string reference;
};

//! A delivery note (发货单): goods or services delivered under a contract, billed by an
//! invoice once invoiced. Several deliveries may be billed by one invoice.
struct Delivery {
  int64_t id = 0;
  std::string external_id;
  int64_t customer_id = 0;
  std::string contract_id;
  int64_t invoice_id = 0;  //!< the invoice billing it; 0 while not invoiced
  Date delivery_date;
  std::optional<Date> received_date;  //!< when the customer signed for it (签收)
  std::string received_by;            //!< who signed
  std::string reference;
};

//! Applies part of a payment or a credit note to an invoice (核销) on a date.
//! Identified by (invoice, source, date): the import contract has no allocation id.
struct Allocation {
  int64_t id = 0;
  int64_t invoice_id = 0;
  int64_t payment_id = 0;      //!< exactly one of payment_id and credit_note_id is set
  int64_t credit_note_id = 0;  //!< an Invoice with doc_type kCreditNote
  int64_t amount = 0;          //!< minor units of the invoice's currency, > 0
  Date date;
};

//! One recorded change to a stored row: who, when, what, and the previous value. The change
//! log is the audit log: append-only and hash-chained (store/audit_chain.h). Values never hold
//! secrets, and phones and e-mail addresses only masked.
struct ChangeRecord {
  std::string at;      //!< ISO 8601 timestamp with offset
  std::string actor;   //!< user or process that made the change
  std::string entity;  //!< "customer", "invoice", "payment", "allocation", "user", …
  std::string key;     //!< the row's external key
  std::string field;
  std::string old_value;
  std::string new_value;
  std::string source;           //!< where the change came from, e.g. the import directory
  std::string role = {};        //!< the actor's role when a signed-in user acted
  std::string request_id = {};  //!< the HTTP request that made the change
};

//! A stored change record with its place in the audit hash chain.
struct AuditEntry {
  int64_t id = 0;  //!< 1, 2, 3, … in insertion order, without gaps
  ChangeRecord change;
  std::string prev_hash;  //!< `hash` of record id − 1 (64 zeros for the first)
  std::string hash;       //!< hex SHA-256 over prev_hash and every column
};

}  // namespace huikuan

#pragma once
// Message templates (DOMAIN §5): one Mustache text per template name and language, rendered
// into an email, an SMS, an IM alert or a PDF letter. Shipped in config/templates/ as
// NAME.LANG.mustache and compiled into the binary; an edited version stored in the database
// replaces the shipped one.
//
// A template's first line may be "Subject: …" (itself Mustache) followed by one blank line;
// the rest is the body. Letter bodies use the small Markdown subset of io/pdf_document.h
// ("# " headings, "|" tables, "**bold**"), which also reads well as a plain-text email.
//
// Variables (every name outside this list is an error when the template is validated):
//   date, date_iso, reference, level, currency, kind, rule, collector, deadline, deadline_iso,
//   max_days_overdue, invoice_count, total_amount, total_open, total_interest, total_due,
//   has_interest, language
//   company.{name, address, phone, email, bank_name, bank_account, contact_person}
//   customer.{id, name, email, phone}
//   invoices[] { number, invoice_date, due_date, amount, open, days_overdue, interest,
//                contract, limitation_deadline, overdue }
// Amounts are formatted with thousands separators and the currency's minor digits
// ("12,345.60"); dates as "2026年11月24日" (zh-CN) or "24 November 2026" (en), *_iso as
// YYYY-MM-DD. Values are inserted as they are (no HTML escaping); a "|" inside a value becomes
// "｜" so it cannot break a table.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/error.h"

namespace huikuan {

//! The sender, printed on letters (the [company] table of the server config).
struct CompanyDetails {
  std::string name, address, phone, email, bank_name, bank_account, contact_person;
};

//! One invoice as a letter lists it; amounts in minor units of the letter's currency.
struct LetterInvoice {
  std::string number;
  Date invoice_date;
  Date due_date;
  int64_t amount = 0;
  int64_t open = 0;
  int32_t days_overdue = 0;  //!< negative: not yet due
  int64_t interest = 0;      //!< late interest accrued so far (policy [[late_interest]])
  std::string contract;
  Date limitation_deadline;  //!< when the claim lapses (3 years, restarted by demands)
};

//! Everything a template may say, already worked out (engine/letter_facts.h builds it).
struct LetterFacts {
  std::string language = "zh-CN";  //!< "zh-CN" or "en"
  Date date;                       //!< the letter's date
  std::string reference;           //!< e.g. "HK-2026-000123": quoted by the customer when paying
  int32_t level = 0;               //!< dunning letter level, 0 otherwise
  std::string kind;                //!< action kind ("letter", "reminder", "internal_alert"…)
  std::string rule;                //!< why the action was planned (internal alerts)
  std::string collector;
  Date deadline;  //!< pay by this date
  std::string currency = "CNY";
  int32_t currency_digits = 2;
  CompanyDetails company;
  std::string customer_id, customer_name, customer_email, customer_phone;
  std::vector<LetterInvoice> invoices;
};

//! A message rendered from a template.
struct RenderedMessage {
  std::string subject;  //!< "" when the template has none
  std::string body;
};

//! A parsed, validated template.
class MessageTemplate {
 public:
  //! Parses `text` (named `source` in errors, e.g. "letter_1_friendly.zh-CN") and checks it:
  //! Mustache syntax, and every variable and section name is one of those listed above.
  static Result<MessageTemplate> parse(std::string_view text, const std::string& source);

  RenderedMessage render(const LetterFacts& facts) const;

  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::string subject_;
  std::string body_;
};

//! "2026年11月24日" or "24 November 2026".
std::string format_letter_date(Date day, std::string_view language);

//! The language a customer's messages are written in (the shipped ones are zh-CN and en):
//! zh-CN for a Chinese language tag, en for any other tag; without a tag, zh-CN for customers
//! in China (or without a country) and en elsewhere.
std::string message_language(std::string_view customer_language, std::string_view country);

//! The templates shipped in config/templates/, by "NAME.LANG".
const std::map<std::string, std::string_view>& shipped_templates();

}  // namespace huikuan

#pragma once
// Use cases of communication (issue 6): the templates in force, letters and statements as
// PDF, the outbox the daily run fills and the sender empties, the evidence of delivered
// demands and the limitation deadline of every claim.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "io/message_template.h"
#include "ledger/outbox.h"
#include "ledger/policy.h"
#include "notify/config.h"
#include "service/actor.h"
#include "store/store.h"

namespace huikuan {

//! The templates in force: each (name, language) stored version over the shipped one.
class TemplateSet {
 public:
  struct Entry {
    std::string name, language;
    MessageTemplate parsed;
    std::optional<TemplateVersion> stored;  //!< none: the shipped text
  };

  static Result<TemplateSet> load(Store& store);
  //! The template `name` in `language`, else in the other shipped language; null if none.
  const MessageTemplate* find(const std::string& name, const std::string& language) const;
  const std::map<std::string, Entry>& entries() const { return entries_; }

 private:
  std::map<std::string, Entry> entries_;  //!< by "NAME.LANG"
};

//! Validates `text` as template NAME.LANG (an existing name; zh-CN or en) and stores it as the
//! newest version with its audit record; invalid text changes nothing.
Result<TemplateVersion> replace_template(Store& store, const std::string& name,
                                         const std::string& language, const std::string& text,
                                         const Actor& actor);

CompanyDetails company_details(const notify::NotifyConfig& config);

//! What a letter to `customer` about `invoice_keys` (store ids; empty = every open item) says
//! on `day`: open amounts, days overdue, late interest per the policy, limitation deadlines.
Result<LetterFacts> letter_facts(Store& store, const Policy& policy, const CompanyDetails& company,
                                 const Customer& customer, const std::vector<int64_t>& invoice_keys,
                                 Date day);

//! A letter rendered as PDF bytes (the template's subject is its title).
Result<std::string> letter_pdf(const RenderedMessage& letter, const CompanyDetails& company,
                               const std::string& language);

//! The PDF of planned action `action_id`'s letter (letter, lawyer letter, reminder…) as of the
//! day it was planned.
Result<std::string> render_action_letter(Store& store, const Policy& policy,
                                         const CompanyDetails& company, int64_t action_id);

//! The statement of account of customer `customer_id` (external id) as of `day`.
Result<std::string> render_statement(Store& store, const Policy& policy,
                                     const CompanyDetails& company, const std::string& customer_id,
                                     Date day);

//! Writes the outbox messages of `day`'s planned actions that have none (call it in the run's
//! transaction, after the actions are stored), and cancels the pending messages of actions
//! the run replaced. Returns how many it wrote.
Result<size_t> plan_messages(Store& store, const Policy& policy, Date day, const Actor& actor);

struct SendSummary {
  size_t sent = 0, retried = 0, failed = 0, cancelled = 0, postponed = 0;
  size_t unconfigured = 0;  //!< due, but their channel has no table in the config
};

//! Delivers the messages due at actor.now, at most `limit`: compliance is checked again first
//! (do-not-contact and blacklist, a payment or dispute since planning, the contact window, the
//! daily cap), each attempt is recorded before and after it is made, a delivered demand
//! becomes evidence and its action done; failures retry with doubling backoff until
//! [outbox] max_attempts. Safe to run in several processes at once and after a crash: a
//! message is claimed before it is sent, and only one whose sender died is sent again (with
//! its Message-ID unchanged).
Result<SendSummary> send_due_messages(Store& store, const Policy& policy,
                                      const notify::NotifyConfig& config, const Actor& actor,
                                      int64_t limit = 500);

//! One claim (an invoice) with its limitation deadline.
struct ClaimDeadline {
  std::string invoice_id;
  Date due;
  int64_t open = 0;
  std::string currency;
  Date deadline;
  std::string restarted_by;  //!< "due date", "demand 2026-03-01", "promise …", "plan …"
};

//! The open claims of customer `customer_key` as of `day` with their limitation deadlines.
std::vector<ClaimDeadline> claim_deadlines(Store& store, const Customer& customer, Date day);

//! The evidence bundle of customer `customer_id` (external id) as JSON text: the customer,
//! open claims with limitation deadlines, every delivered message with its SHA-256, recipient,
//! times and server response, contacts, promises, disputes and plans.
Result<std::string> evidence_json(Store& store, const std::string& customer_id, Date day);
//! The same bundle as a PDF a lawyer can file.
Result<std::string> evidence_pdf(Store& store, const CompanyDetails& company,
                                 const std::string& customer_id, Date day);

}  // namespace huikuan

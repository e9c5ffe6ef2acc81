#pragma once
// Personal data in free text: phone numbers and e-mail addresses, masked wherever text is kept
// for others to read (the audit log, logs).

#include <string>
#include <string_view>

namespace huikuan {

//! `text` with every phone number and e-mail address masked: a phone keeps its first 3 and last
//! 4 digits ("138****5678"; shorter numbers only the last 4), an e-mail address the first
//! character of its local part and the domain ("z***@example.com"). Dates and decimal amounts
//! are left alone.
std::string mask_personal_data(std::string_view text);

//! Whether a customer field holds contact details ("email", "phone"), which the change log keeps
//! only masked.
inline bool is_personal_field(std::string_view field) {
  return field == "email" || field == "phone";
}

}  // namespace huikuan

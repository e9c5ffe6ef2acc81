#pragma once
// Who acts, in which role and request, and when: passed in, so use cases never read the clock
// themselves, and every change record says who made it.

#include <string>

#include "core/timestamp.h"
#include "ledger/types.h"

namespace huikuan {

struct Actor {
  std::string name;
  Timestamp now;
  std::string role = {};        //!< a signed-in user's role; "" for the CLI and batch jobs
  std::string request_id = {};  //!< the HTTP request acting, "" outside the server
};

//! The audit record of a change `actor` makes now.
inline ChangeRecord change_by(const Actor& actor, std::string entity, std::string key,
                              std::string field, std::string old_value, std::string new_value,
                              std::string source) {
  return {actor.now.to_string(), actor.name,        std::move(entity),
          std::move(key),        std::move(field),  std::move(old_value),
          std::move(new_value),  std::move(source), actor.role,
          actor.request_id};
}

}  // namespace huikuan

#pragma once
// What one attempt to hand a message to a mail server or a webhook came to.

#include <string>

namespace huikuan::notify {

struct SendOutcome {
  bool delivered = false;
  //! Failed and retrying cannot help (5xx reply, bad recipient, authentication refused, an
  //! HTTP 4xx other than 408/429, a robot's configuration error).
  bool permanent = false;
  //! The server's last reply or the HTTP status line and body (at most 2 KB), or the error.
  std::string response{};
};

}  // namespace huikuan::notify

#pragma once
// The server's message sender: every [outbox] send_interval it delivers the due messages
// (service/messages.h send_due_messages), on its own thread and database connection.

#include <condition_variable>
#include <mutex>
#include <thread>

#include "http/api.h"
#include "notify/config.h"

namespace huikuan::http {

class OutboxSender {
 public:
  //! Starts the thread; `api` must outlive the sender.
  OutboxSender(ApiContext& api, notify::NotifyConfig config);
  //! Stops the thread after the message in flight.
  ~OutboxSender();
  OutboxSender(const OutboxSender&) = delete;
  OutboxSender& operator=(const OutboxSender&) = delete;

 private:
  void loop();

  ApiContext& api_;
  notify::NotifyConfig config_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace huikuan::http

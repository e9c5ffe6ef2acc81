#include "http/outbox_sender.h"

#include <spdlog/spdlog.h>

#include "service/messages.h"

namespace huikuan::http {

OutboxSender::OutboxSender(ApiContext& api, notify::NotifyConfig config)
    : api_(api), config_(std::move(config)) {
  thread_ = std::thread([this] { loop(); });
}

OutboxSender::~OutboxSender() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void OutboxSender::loop() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, config_.outbox.send_interval, [this] { return stopping_; })) {
    lock.unlock();
    if (auto store = api_.stores.lease()) {
      const auto policy = api_.policy.get();
      auto sent = send_due_messages(**store, *policy, config_, Actor{"outbox", api_.clock()});
      if (!sent) {
        spdlog::error("outbox: {}", sent.error().to_string());
      } else if (sent->sent + sent->failed + sent->retried + sent->cancelled > 0) {
        spdlog::info("outbox: {} sent, {} to retry, {} failed, {} cancelled", sent->sent,
                     sent->retried, sent->failed, sent->cancelled);
      }
    } else {
      spdlog::error("outbox: {}", store.error().to_string());
    }
    lock.lock();
  }
}

}  // namespace huikuan::http

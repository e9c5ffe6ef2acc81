#include "service/job_lock.h"

#include <fmt/format.h>
#include <unistd.h>

namespace huikuan {

std::string this_process() {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  return fmt::format("{}:{}", host, getpid());
}

std::optional<JobLock> JobLock::try_take(Store& store, std::string name) {
  if (!store.try_lock_job(name, this_process())) return std::nullopt;
  return JobLock(store, std::move(name));
}

JobLock::~JobLock() {
  if (store_) store_->unlock_job(name_);
}

}  // namespace huikuan

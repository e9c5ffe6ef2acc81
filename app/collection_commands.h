#pragma once
// The collector's commands: contact add|list, promise add|list, plan add|list|cancel,
// dispute add|resolve|list,
// worklist, run, actions list|complete|skip.

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "service/collections.h"
#include "service/daily_run.h"

namespace huikuan {

class CollectionCommands {
 public:
  //! Registers the subcommands on `app`.
  explicit CollectionCommands(CLI::App& app);
  //! Runs the chosen subcommand and returns its exit code, or nullopt if none of these was chosen.
  std::optional<int> run();

 private:
  int contact_add();
  int contact_list();
  int promise_add();
  int promise_list();
  int plan_add();
  int plan_list();
  int plan_cancel();
  int dispute_add();
  int dispute_resolve();
  int dispute_list();
  int worklist();
  int run_day();
  int actions_list();
  int actions_close(ActionStatus status);
  Result<Policy> policy(Store& store) const;

  std::string db_ = "data/huikuan.db";
  std::string actor_;
  std::string now_;  // ISO 8601; default: the clock
  std::string format_ = "table";
  ContactRequest contact_;
  PromiseRequest promise_;
  std::string promise_currency_;
  PlanRequest plan_;
  std::vector<std::string> installments_;  // DATE=AMOUNT
  int64_t plan_id_ = 0;
  DisputeRequest dispute_;
  int64_t dispute_id_ = 0;
  std::string resolution_;
  std::string customer_filter_;
  int response_hours_ = 48;
  std::string as_of_;
  std::string collector_;
  std::string policy_path_;
  bool verbose_ = false;
  CLI::App *contact_add_, *contact_list_, *promise_add_, *promise_list_, *dispute_add_,
      *dispute_resolve_, *dispute_list_, *worklist_, *run_, *actions_list_, *actions_complete_,
      *actions_skip_, *plan_add_, *plan_list_, *plan_cancel_;
  int64_t action_id_ = 0;
  std::string outcome_;
};

}  // namespace huikuan

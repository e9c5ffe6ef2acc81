#pragma once
// Communication commands: letter render, statement, outbox send|list, evidence,
// template list|check|set|preview.

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

namespace huikuan {

class MessageCommands {
 public:
  //! Registers the subcommands on `app`.
  explicit MessageCommands(CLI::App& app);
  //! Runs the chosen subcommand and returns its exit code, or nullopt if none of these was chosen.
  std::optional<int> run();

 private:
  int letter_render();
  int statement();
  int outbox_send();
  int outbox_list();
  int evidence();
  int template_list();
  int template_check();
  int template_set();
  int template_preview();

  std::string db_ = "data/huikuan.db";
  std::string config_;
  std::string policy_path_;
  std::string out_;
  std::string customer_;
  std::string as_of_;
  std::string now_;
  std::string format_ = "table";
  std::string status_;
  std::string language_ = "zh-CN";
  std::string name_;
  std::string file_;
  std::vector<std::string> files_;
  int64_t action_id_ = 0;
  int64_t limit_ = 500;
  CLI::App *letter_render_, *statement_, *outbox_send_, *outbox_list_, *evidence_, *template_list_,
      *template_check_, *template_set_, *template_preview_;
};

}  // namespace huikuan

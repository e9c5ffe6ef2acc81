#pragma once
// Runs the huikuan binary as an operator would, to compare the API's answers with the CLI's.

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "service/import_fixture.h"

namespace huikuan::testing {

struct CliRun {
  int exit_code = -1;
  std::string out, err;
};

inline std::string shell_quoted(const std::string& arg) {
  std::string out = "'";
  for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

inline std::string read_whole_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

//! Runs the huikuan binary with `args`, capturing its exit code and output.
inline CliRun huikuan(const std::vector<std::string>& args) {
  TempDir capture("cli");
  std::string command = shell_quoted(HUIKUAN_BINARY);
  for (const auto& arg : args) command += " " + shell_quoted(arg);
  command += " >" + shell_quoted((capture / "out").string()) + " 2>" +
             shell_quoted((capture / "err").string());
  const int status = std::system(command.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_whole_file(capture / "out"),
          read_whole_file(capture / "err")};
}

}  // namespace huikuan::testing

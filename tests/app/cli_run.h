#pragma once
// Runs the built `huikuan` binary as a user would, capturing its exit code and output.

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

//! `arg` quoted for the POSIX shell.
inline std::string shell_quoted(const std::string& arg) {
  std::string out = "'";
  for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

//! The bytes of the file at `path` ("" when it cannot be read).
inline std::string read_whole_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

//! Runs `command` (a shell command line) with `input` on its standard input.
inline CliRun run_shell(std::string command, const std::string& input = "") {
  TempDir capture("cli");
  const auto in = capture / "stdin", out = capture / "stdout", err = capture / "stderr";
  write_file(in, input);
  command += " <" + shell_quoted(in.string()) + " >" + shell_quoted(out.string()) + " 2>" +
             shell_quoted(err.string());
  const int status = std::system(command.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_whole_file(out), read_whole_file(err)};
}

//! Runs the huikuan binary with `args` and `input` on its standard input.
inline CliRun run_huikuan(const std::vector<std::string>& args, const std::string& input = "") {
  std::string command = shell_quoted(HUIKUAN_BINARY);
  for (const auto& arg : args) command += " " + shell_quoted(arg);
  return run_shell(std::move(command), input);
}

}  // namespace huikuan::testing

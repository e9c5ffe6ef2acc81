#pragma once
// A test server (tests/notify/smtp_sink.py, http_sink.py) run for the length of one test: a
// fresh directory for what it receives, its port read from its "PORT <n>" line, killed and
// its directory removed at the end.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace huikuan::testing {

//! Debian's interpreter: python3-aiosmtpd is installed for it, not for another python3 that
//! may come first on PATH.
inline constexpr const char* kPython3 = "/usr/bin/python3";
inline constexpr const char* kSmtpSinkScript = HUIKUAN_SOURCE_DIR "/tests/notify/smtp_sink.py";
inline constexpr const char* kHttpSinkScript = HUIKUAN_SOURCE_DIR "/tests/notify/http_sink.py";

class SinkProcess {
 public:
  //! Starts `python3 <script> --dir <fresh dir> <args…>` and waits up to 10 s for its port;
  //! throws std::runtime_error when the server does not come up.
  explicit SinkProcess(const std::string& script, const std::vector<std::string>& args = {}) {
    std::string dir_template =
        (std::filesystem::temp_directory_path() / "huikuan-sink-XXXXXX").string();
    if (::mkdtemp(dir_template.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = dir_template;
    std::vector<std::string> argv_text = {kPython3, script, "--dir", dir_.string()};
    argv_text.insert(argv_text.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& arg : argv_text) argv.push_back(arg.data());
    argv.push_back(nullptr);

    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(fds[1], STDOUT_FILENO);
      ::execv(kPython3, argv.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    stdout_ = fds[0];
    if (pid_ < 0) {
      cleanup();
      throw std::runtime_error("fork failed");
    }
    port_ = read_port();
    if (port_ == 0) {
      cleanup();
      throw std::runtime_error("the test server " + script + " printed no PORT line");
    }
  }
  ~SinkProcess() { cleanup(); }
  SinkProcess(const SinkProcess&) = delete;
  SinkProcess& operator=(const SinkProcess&) = delete;

  uint16_t port() const { return port_; }
  const std::filesystem::path& dir() const { return dir_; }

  //! The contents of the received messages, files `<seq>.<ext>` (e.g. 1.eml, 2.eml), in
  //! order of seq.
  std::vector<std::string> messages() const {
    return contents([](std::string_view rest) {
      return rest.size() > 1 && rest.find('.', 1) == std::string_view::npos;
    });
  }

  //! The contents of the files `<seq><suffix>` (e.g. suffix ".envelope.json"), in order of seq.
  std::vector<std::string> files(std::string_view suffix) const {
    return contents([suffix](std::string_view rest) { return rest == suffix; });
  }

 private:
  // The port from the child's "PORT <n>" line; 0 when it does not come within 10 s.
  uint16_t read_port() const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    std::string line;
    while (line.find('\n') == std::string::npos) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      pollfd readable{stdout_, POLLIN, 0};
      if (left.count() <= 0 || ::poll(&readable, 1, static_cast<int>(left.count())) <= 0) return 0;
      char buffer[256];
      const ssize_t n = ::read(stdout_, buffer, sizeof buffer);
      if (n <= 0) return 0;
      line.append(buffer, static_cast<size_t>(n));
    }
    if (!line.starts_with("PORT ")) return 0;
    return static_cast<uint16_t>(std::strtoul(line.c_str() + 5, nullptr, 10));
  }

  template <class Keep>
  std::vector<std::string> contents(Keep keep) const {
    std::map<unsigned long, std::string> by_seq;
    for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
      const std::string name = entry.path().filename().string();
      const size_t digits = name.find_first_not_of("0123456789");
      if (digits == 0 || digits == std::string::npos ||
          !keep(std::string_view(name).substr(digits))) {
        continue;
      }
      std::ifstream in(entry.path(), std::ios::binary);
      by_seq[std::stoul(name.substr(0, digits))] = {std::istreambuf_iterator<char>(in), {}};
    }
    std::vector<std::string> out;
    for (auto& [seq, content] : by_seq) out.push_back(std::move(content));
    return out;
  }

  void cleanup() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
      }
      pid_ = -1;
    }
    if (stdout_ >= 0) ::close(stdout_);
    stdout_ = -1;
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  std::filesystem::path dir_;
  pid_t pid_ = -1;
  int stdout_ = -1;
  uint16_t port_ = 0;
};

//! The standard output of `python3 args…` (Debian's interpreter, as the servers use);
//! throws std::runtime_error when it exits with an error.
inline std::string python3_output(const std::vector<std::string>& args) {
  std::string command = kPython3;
  for (const auto& arg : args) {
    command += " '";
    for (char c : arg) command += c == '\'' ? std::string("'\\''") : std::string(1, c);
    command += "'";
  }
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("cannot run " + command);
  std::string output;
  char buffer[4096];
  for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) output.append(buffer, n);
  if (::pclose(pipe) != 0) throw std::runtime_error("failed: " + command);
  return output;
}

//! A loopback port where nothing listens (bound by the OS, then closed): connecting is refused.
inline uint16_t unused_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), size) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    throw std::runtime_error("cannot bind a loopback port");
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

}  // namespace huikuan::testing

// Runs a program as a child process, so the consumer pipeline tests drive the
// real la-consumer executable (flags, signals, exit status) and a private
// redis-server they may stop and start.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace la::test {

// LA_CONSUMER_BIN, or consumer/la-consumer beside this test binary's tests/ folder.
inline std::string ConsumerBinary() {
  if (const char* path = std::getenv("LA_CONSUMER_BIN"); path && *path) return path;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe");
  return (self.parent_path().parent_path() / "consumer" / "la-consumer").string();
}

class ChildProcess {
 public:
  // Starts `binary` (a path, or a name looked up in PATH) with `args`; its
  // output is appended to `log_path`.
  ChildProcess(const std::string& binary, const std::vector<std::string>& args,
               const std::string& log_path) {
    pid_ = fork();
    if (pid_ == 0) {
      const int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      dup2(log, STDOUT_FILENO);
      dup2(log, STDERR_FILENO);
      std::vector<char*> argv = {const_cast<char*>(binary.c_str())};
      for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
      argv.push_back(nullptr);
      execvp(binary.c_str(), argv.data());
      _exit(127);
    }
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  // Kills the process if it still runs.
  ~ChildProcess() {
    if (!exit_status_) {
      kill(pid_, SIGKILL);
      WaitForExit(std::chrono::seconds(10));
    }
  }

  void Signal(int signal) { kill(pid_, signal); }

  // The exit code (128 + signal if killed), or nullopt if still running after `timeout`.
  std::optional<int> WaitForExit(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!exit_status_) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      } else if (std::chrono::steady_clock::now() >= deadline) {
        break;
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
    return exit_status_;
  }

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_status_;
};

}  // namespace la::test

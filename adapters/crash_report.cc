#include "adapters/crash_report.h"

#include <execinfo.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <string.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>

namespace la {
namespace {

const char* program_name = "process";

void WriteText(const char* text) {
  if (write(STDERR_FILENO, text, strlen(text)) < 0) {
    // Nothing else can be done from a signal handler.
  }
}

extern "C" void OnFatalSignal(int signal_number) {
  WriteText(program_name);
  WriteText(": fatal signal ");
  WriteText(sigabbrev_np(signal_number) != nullptr ? sigabbrev_np(signal_number) : "?");
  WriteText(", exiting; backtrace:\n");
  void* frames[64];
  backtrace_symbols_fd(frames, backtrace(frames, 64), STDERR_FILENO);
  // Default action, re-raised: the exit status and core dump stay the signal's.
  signal(signal_number, SIG_DFL);
  raise(signal_number);
}

void OnTerminate() {
  spdlog::default_logger()->flush();  // what was logged before comes first
  if (const std::exception_ptr current = std::current_exception()) {
    try {
      std::rethrow_exception(current);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "%s: uncaught exception: %s\n", program_name, e.what());
    } catch (...) {
      std::fprintf(stderr, "%s: uncaught exception of unknown type\n", program_name);
    }
  } else {
    std::fprintf(stderr, "%s: std::terminate called\n", program_name);
  }
  std::fflush(stderr);
  std::abort();  // reported by OnFatalSignal, with a backtrace
}

}  // namespace

void InstallCrashReport(const char* program) {
  program_name = program;
  signal(SIGPIPE, SIG_IGN);
  std::set_terminate(OnTerminate);
#if defined(__SANITIZE_ADDRESS__)
  return;  // AddressSanitizer's own fatal-signal reports say more
#endif
  void* warm_up[1];
  backtrace(warm_up, 1);  // loads libgcc now, not inside a signal handler
  struct sigaction action = {};
  action.sa_handler = OnFatalSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESETHAND;
  for (int fatal : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) sigaction(fatal, &action, nullptr);
}

}  // namespace la

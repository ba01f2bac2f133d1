// The process-wide crash report of the api node and the consumer: a write to a
// closed socket is an error, not a silent death (hiredis 0.14 writes with
// write(2), so a Redis that goes away during a pipelined flush used to kill the
// consumer with SIGPIPE and no log line); a fatal signal or an uncaught
// exception leaves a line that says why.
#include "adapters/crash_report.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <exception>
#include <stdexcept>

namespace la {
namespace {

TEST(CrashReportDeathTest, AWriteToAClosedPipeIsAnErrorNotADeath) {
  EXPECT_EXIT(
      {
        InstallCrashReport("test-process");
        int fds[2];
        if (pipe(fds) != 0) _exit(3);
        close(fds[0]);
        const ssize_t written = write(fds[1], "x", 1);
        _exit(written < 0 && errno == EPIPE ? 0 : 4);
      },
      ::testing::ExitedWithCode(0), "");
}

TEST(CrashReportDeathTest, AnUncaughtExceptionIsLogged) {
  EXPECT_DEATH(
      {
        InstallCrashReport("test-process");
        // As an exception that escapes a thread's function would end the process
        // (a direct throw would be caught by the death test itself).
        try {
          throw std::runtime_error("the reason it died");
        } catch (...) {
          std::terminate();
        }
      },
      "test-process: uncaught exception: the reason it died");
}

#if !defined(__SANITIZE_ADDRESS__)  // AddressSanitizer reports fatal signals itself
TEST(CrashReportDeathTest, AFatalSignalIsNamed) {
  EXPECT_EXIT(
      {
        InstallCrashReport("test-process");
        raise(SIGSEGV);
      },
      ::testing::KilledBySignal(SIGSEGV), "test-process: fatal signal SEGV");
}
#endif

}  // namespace
}  // namespace la

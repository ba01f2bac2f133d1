#include "program/run_program.h"

#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <thread>

#include "adapters/crash_report.h"

namespace la::run_program {
namespace {

sigset_t StopSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  return signals;
}

}  // namespace

void Prepare(const char* name) {
  InstallCrashReport(name);
  const sigset_t signals = StopSignals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
}

int RefuseSettings(const char* name, const Status& error) {
  std::cerr << name << ": " << error.message() << "\n";
  return 2;
}

int PrintHelp(const char* name, const std::string& help) {
  std::cout << "usage: " << name << " [settings]\n" << help;
  return 0;
}

void SetUpLogging(const std::string& level, const std::vector<std::string>& warnings) {
  spdlog::set_level(spdlog::level::from_str(level));
  for (const std::string& warning : warnings) spdlog::warn("{}", warning);
}

int RunUntilStopped(Program& program) {
  std::atomic<bool> finished{false};
  std::thread signal_thread([&program, &finished] {
    const sigset_t signals = StopSignals();
    while (true) {
      int signal = 0;
      if (sigwait(&signals, &signal) != 0) continue;
      if (finished) return;  // the wake-up sent below
      program.Stop(signal);
    }
  });
  const int status = program.Run();
  finished = true;
  pthread_kill(signal_thread.native_handle(), SIGTERM);
  signal_thread.join();
  return status;
}

}  // namespace la::run_program

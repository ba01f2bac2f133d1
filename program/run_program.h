// What the main() of every long-running program (la-api, la-consumer) does, written once:
// the crash report, the configuration (a bad setting: its message on stderr and exit status
// 2; --help: the settings and 0), logging, starting the program, and running it until it is
// done or SIGINT/SIGTERM asks it to stop.
//
// Signals: RunProgram blocks SIGINT and SIGTERM before any thread exists, so that no thread
// of the program is interrupted by them; a thread of its own waits for them and calls
// Program::Stop once per signal. Call RunProgram once, from main.
#pragma once

#include <spdlog/spdlog.h>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "config/settings.h"
#include "core/status.h"

namespace la {

// A started program, as RunProgram runs it.
class Program {
 public:
  virtual ~Program() = default;
  // Runs until the program is done or stopped; returns the exit status.
  virtual int Run() = 0;
  // Asks Run to finish; called from the signal thread for each SIGINT or SIGTERM (`signal`),
  // possibly before Run started. Must be thread-safe.
  virtual void Stop(int signal) = 0;
};

namespace run_program {
// The steps of RunProgram that do not depend on the config type.
void Prepare(const char* name);  // crash report, SIGINT/SIGTERM blocked
int RefuseSettings(const char* name, const Status& error);
int PrintHelp(const char* name, const std::string& help);
void SetUpLogging(const std::string& level, const std::vector<std::string>& warnings);
int RunUntilStopped(Program& program);
}  // namespace run_program

// Runs program `name` (a string literal): loads its config with `load(args, env)` (a
// Load...Config function), starts it with `start(config)` (returning
// Result<std::unique_ptr<Program>>) and runs it. A failed start is logged and exits with
// `failed_start_status`.
template <typename Load, typename Start>
int RunProgram(const char* name, int argc, char** argv, Load load, Start start,
               int failed_start_status) {
  run_program::Prepare(name);
  auto loaded = load(std::vector<std::string>(argv + 1, argv + argc), ProcessEnvironment());
  if (!loaded.ok()) return run_program::RefuseSettings(name, loaded.status());
  if (!loaded->config) return run_program::PrintHelp(name, loaded->help);
  run_program::SetUpLogging(loaded->config->log_level, loaded->warnings);
  Result<std::unique_ptr<Program>> program = start(*loaded->config);
  if (!program.ok()) {
    spdlog::critical("{}", program.status().message());
    return failed_start_status;
  }
  return run_program::RunUntilStopped(**program);
}

}  // namespace la

// Makes a process say why it dies. InstallCrashReport() (call it once, early in
// main) arranges that:
//  - SIGPIPE is ignored: a write to a socket the peer closed becomes an error
//    the caller handles (hiredis writes with write(2)), not a silent death;
//  - SIGSEGV, SIGBUS, SIGFPE, SIGILL and SIGABRT write "<program>: fatal signal
//    <name>" and a backtrace to stderr (the process log), then end the process
//    as the signal would (core dump, exit status);
//  - std::terminate (e.g. an uncaught exception) logs the exception's message
//    first (on stderr, like the fatal-signal line).
// Not thread-safe to call concurrently; the handlers themselves only use
// async-signal-safe calls.
#pragma once

namespace la {

// `program` must stay valid for the life of the process (a string literal).
void InstallCrashReport(const char* program);

}  // namespace la

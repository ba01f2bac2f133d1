"""Results of one Python test suite: GoogleTest-style lines on stdout while it runs,
and the JUnit XML file that scripts/run-tests.sh counts.

Used by the chaos, abuse and deploy suites:

    results = SuiteResults("chaos")
    for name in tests:
        results.run(name, lambda: TESTS[name](ctx), catch=(Failure,))
    return results.finish(options.junit)
"""
import time
import xml.etree.ElementTree as ET


class SuiteResults:
    def __init__(self, suite, classname=None):
        self.suite = ET.Element("testsuite", name=suite)
        self.classname = classname or suite
        self.passed = 0
        self.failed = 0

    def run(self, name, body, catch, note="", cleanup=None):
        """Runs body() as the test `name`; an exception of a type in `catch` fails it
        (any other escapes, as a bug in the suite should). A string body() returns is
        printed as the test's summary. cleanup(), if given, runs afterwards either way.
        Returns True when the test passed."""
        print(f"[ RUN      ] {name}{f' ({note})' if note else ''}", flush=True)
        started = time.monotonic()
        case = ET.SubElement(self.suite, "testcase", classname=self.classname, name=name)
        ok = False
        try:
            summary = body()
            if isinstance(summary, str):
                print(f"  {summary}", flush=True)
            ok = True
            print(f"[       OK ] {name} ({time.monotonic() - started:.0f} s)", flush=True)
        except catch as failure:
            self._failure(case, str(failure))
            print(f"Failure: {failure}\n[  FAILED  ] {name} ({time.monotonic() - started:.0f} s)",
                  flush=True)
        finally:
            if cleanup:
                cleanup()
            case.set("time", f"{time.monotonic() - started:.1f}")
        self.passed += ok
        return ok

    def add_failure(self, name, message, detail):
        """Records a failed check that is not a test body of its own (e.g. a process's exit)."""
        case = ET.SubElement(self.suite, "testcase", classname=self.classname, name=name)
        self._failure(case, message, detail)
        print(f"Failure: {message}\n{detail[-3000:]}", flush=True)

    def add_pass(self, name):
        ET.SubElement(self.suite, "testcase", classname=self.classname, name=name)
        self.passed += 1

    def finish(self, junit_path):
        """Writes the JUnit file (when a path is given), prints the totals and returns the
        process exit code."""
        if junit_path:
            ET.ElementTree(self.suite).write(junit_path)
        print(f"{self.passed} passed, {self.failed} failed")
        return 1 if self.failed else 0

    def _failure(self, case, message, detail=None):
        self.failed += 1
        first_line = message.splitlines()[0] if message else "failed"
        ET.SubElement(case, "failure", message=first_line).text = detail if detail else message

#!/usr/bin/env python3
"""The `format` suite: every C++ file in git is formatted as .clang-format says
(Debian's clang-format, `--dry-run -Werror`). One test per top-level folder, so a
failure names the folder and the files; `clang-format -i FILE` fixes a file.
One more test, `shell`: every bash script in git parses (`bash -n`) and none pipes into
`grep -q`, which exits at its first match and kills the writer with SIGPIPE, a failure
under `set -o pipefail` that comes and goes with timing.

usage: format_check.py [--junit FILE] [--clang-format clang-format]
"""
import argparse
import collections
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from suite_results import SuiteResults  # noqa: E402  (tests/suite_results.py)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))


class Failure(Exception):
    pass


def check_files(clang_format, files):
    """Raises Failure naming each file clang-format would change, with its first complaint."""
    badly_formatted = []
    for path in files:
        run = subprocess.run([clang_format, "--dry-run", "-Werror", path], cwd=ROOT,
                             capture_output=True, text=True)
        if run.returncode != 0:
            first = next((line for line in run.stderr.splitlines() if "error:" in line), run.stderr)
            badly_formatted.append(f"{path}: {first.strip()}")
    if badly_formatted:
        raise Failure(f"{len(badly_formatted)} of {len(files)} files are not clang-formatted "
                      f"(fix with `clang-format -i FILE`):\n" + "\n".join(badly_formatted))
    return f"{len(files)} files formatted"


def shell_scripts():
    """The files in git whose first line runs bash or sh."""
    scripts = []
    for path in subprocess.run(["git", "ls-files"], cwd=ROOT, check=True, capture_output=True,
                               text=True).stdout.split():
        full = os.path.join(ROOT, path)
        if os.path.islink(full) or not os.path.isfile(full):
            continue
        with open(full, "rb") as f:
            first = f.readline(200)
        if re.match(rb"#!\s*\S*(/|env )(ba)?sh\b", first):
            scripts.append(path)
    return scripts


# A pipe into grep with -q (alone or among other flags, in any position) or --quiet/--silent.
GREP_Q_AFTER_PIPE = re.compile(
    r"\|\s*grep(?:\s+-\S+)*?\s+(?:-[A-Za-z]*q[A-Za-z]*|--quiet|--silent)(?=\s|$)")
# Lines the pattern must flag and lines it must pass, checked before the scripts are.
GREP_Q_SAMPLES = {
    "x | grep -q y": True, "x | grep -Eq y": True, "x | grep -qE y": True,
    "x | grep -E -q y": True, "x | grep -i --quiet y": True, "x | grep -c y": False,
    "grep -q y file": False, "x | grep -E y >/dev/null": False,
}


def check_shell(scripts):
    """Raises Failure naming each script bash cannot parse or that pipes into grep -q."""
    wrong = [line for line, flagged in GREP_Q_SAMPLES.items()
             if bool(GREP_Q_AFTER_PIPE.search(line)) != flagged]
    if wrong:
        raise Failure(f"the pipe-into-grep -q pattern misjudges these samples: {wrong}")
    problems = []
    for path in scripts:
        run = subprocess.run(["bash", "-n", path], cwd=ROOT, capture_output=True, text=True)
        if run.returncode != 0:
            problems.append(f"{path}: bash -n: {run.stderr.strip()}")
        with open(os.path.join(ROOT, path), encoding="utf-8", errors="replace") as f:
            for number, line in enumerate(f, 1):
                if not line.lstrip().startswith("#") and GREP_Q_AFTER_PIPE.search(line):
                    problems.append(f"{path}:{number}: `| grep -q` (SIGPIPE under pipefail; "
                                    f"use `grep PATTERN >/dev/null`): {line.strip()}")
    if problems:
        raise Failure(f"{len(problems)} problems in {len(scripts)} shell scripts:\n"
                      + "\n".join(problems))
    return f"{len(scripts)} shell scripts parse, none pipes into grep -q"


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--junit", help="write JUnit XML results here")
    parser.add_argument("--clang-format", default="clang-format")
    options = parser.parse_args()
    listed = subprocess.run(["git", "ls-files", "*.cc", "*.h"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout.split()
    by_folder = collections.defaultdict(list)
    for path in listed:
        by_folder[path.split("/")[0]].append(path)
    results = SuiteResults("format")
    for folder in sorted(by_folder):
        results.run(folder, lambda: check_files(options.clang_format, by_folder[folder]),
                    catch=(Failure,))
    results.run("shell", lambda: check_shell(shell_scripts()), catch=(Failure,))
    return results.finish(options.junit)


if __name__ == "__main__":
    sys.exit(main())

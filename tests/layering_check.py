#!/usr/bin/env python3
"""The `layering` suite: every `#include` of the C++ code follows the placement rules below,
and no two folders include each other, directly or around a loop. One test per folder, so a
failure names the file, the include, the rule it breaks and how to fix it; then the cycle
test, and a self-test that plants forbidden includes in a synthetic tree and expects each to
fail (a check that cannot fail checks nothing). Reads the files as text: needs no build.

usage: layering_check.py [--junit FILE] [--root DIR] [--stats]
  --stats  also print what the structure measures: include cycles between folders (and
           between files inside socketio/), and the five largest files
"""
import argparse
import collections
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from suite_results import SuiteResults  # noqa: E402  (tests/suite_results.py)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))

# Folder -> the folders its files may include besides its own. A key is a folder (its files
# and those of its sub-folders that have no key of their own) or, ending in ".*", the files of
# one name. "core/*" stands for every entry of CORE. Any folder not listed here fails the
# `rules` test: a new folder needs a line, and with it a decision about where it sits.
RULES = {
    # Pure logic by topic; the base (core/*.h, *.cc) is what every topic uses.
    "core": [],
    "core/auth": ["core"],
    "core/counting": ["core"],
    "core/requests": ["core"],
    "core/viewers": ["core"],
    "core/realtime": ["core", "core/counting"],
    # The programs' settings.
    "config": ["core/*"],
    # What the programs' main()s share: settings, crash report, logging, signals.
    "program": ["core/*", "config", "async", "adapters"],
    # Threads and coroutines without a protocol: bounded work pool, callbacks into coroutines,
    # interruptible sleeps, graceful drains.
    "async": ["core"],
    # Thin wrappers over librdkafka, hiredis and libmongoc.
    "adapters": ["core/*", "config", "async"],
    # The HTTP/1.1 server; knows nothing of Socket.IO, the api node or the consumer.
    "http": ["core/*", "async"],
    # The Engine.IO / Socket.IO codec: pure, like core.
    "socketio/protocol": ["core/*"],
    # The Socket.IO server library; internal/ is its own (see PRIVATE).
    "socketio": ["core/*", "async", "http", "socketio/protocol"],
    # The programs.
    "api": ["core/*", "config", "program", "async", "adapters", "http", "socketio",
            "socketio/protocol"],
    "consumer": ["core/*", "config", "program", "async", "adapters", "http"],
    # Tools, benchmarks, fuzz targets and tests may use what they exercise.
    "tools": ["core/*", "config", "program", "async", "adapters", "http", "socketio",
              "socketio/protocol", "api", "consumer"],
    "bench": ["core/*", "config", "async", "adapters", "consumer", "tools"],
    "fuzz": ["core/*", "socketio/protocol"],
    "tests": ["core/*", "config", "program", "async", "adapters", "http", "socketio",
              "socketio/protocol", "api", "consumer", "tools", "bench"],
}

# Folders only some files may include: folder -> the folders whose files may.
PRIVATE = {
    # The Socket.IO library's internals: its own .cc files and the tests, never an
    # application nor a public header of the library (socketio/README.md).
    "socketio/internal": ["socketio", "tests"],
}

# Header prefixes of I/O libraries: pure code (core/, socketio/protocol/) includes none of
# them. Sockets, Kafka, Redis, MongoDB, Asio/Beast and logging belong to the floors above.
IO_HEADERS = ("hiredis/", "librdkafka/", "rdkafka", "mongoc", "bson/", "boost/asio", "boost/beast",
              "spdlog/", "sys/socket.h", "netdb.h", "sodium")
# core/'s entries, each its own CMake target (core/CMakeLists.txt).
CORE = [key for key in RULES if key == "core" or key.startswith("core/")]
PURE = set(CORE) | {"socketio/protocol"}

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.MULTILINE)


class Failure(Exception):
    pass


def unit_of(path):
    """The RULES (or PRIVATE) key that governs `path`, or None when no key covers it."""
    best = None
    for key in list(RULES) + list(PRIVATE):
        if key.endswith(".*"):
            stem = key[:-2]
            matches = path.startswith(stem + ".") and "/" not in path[len(stem) + 1:]
        elif key in CORE:
            # A core folder holds its own files; its sub-folders are topics of their own.
            matches = os.path.dirname(path) == key
        else:
            matches = path.startswith(key + "/")
        if matches and (best is None or len(key) > len(best)):
            best = key
    return best


def shown(unit):
    """A RULES key as a reader knows it: `core/auth/`, `core/config.*`."""
    return unit if unit.endswith(".*") else unit + "/"


def owner(unit):
    """The library a private folder belongs to; any other folder itself."""
    return PRIVATE[unit][0] if unit in PRIVATE else unit


def allowed(unit):
    names = set()
    for name in RULES.get(unit, []):
        names.update(CORE if name == "core/*" else [name])
    return names


def may_include(source, source_path, target):
    """None when `source` may include a file of `target`, else the rule it breaks."""
    if target in PRIVATE:
        owners = PRIVATE[target]
        home = source if source in RULES else None
        if source == target:
            return None
        if home not in owners:
            return f"{target}/ is private to {' and '.join(o + '/' for o in owners)}"
        if source_path.endswith(".h") and source != "tests" and \
                os.path.dirname(source_path) != target:
            return f"a public header of {home}/ may not include {target}/ (only its .cc files may)"
        return None
    if source in PRIVATE:
        source = PRIVATE[source][0]  # internal files follow their library's rules
    if target == source:
        return None
    if target in allowed(source):
        return None
    may = sorted(allowed(source))
    return f"{shown(source)} may include only {', '.join(map(shown, may)) if may else 'itself'}"


def project_files(root):
    """The C++ files git knows below `root` (tracked, or new and not ignored); every file
    when `root` is not a git checkout."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard",
                             "*.cc", "*.h"], cwd=root, capture_output=True, text=True)
    if listed.returncode == 0:
        return sorted(p for p in set(listed.stdout.split()) if os.path.exists(os.path.join(root, p)))
    found = []
    for directory, _dirs, files in os.walk(root):
        for name in files:
            if name.endswith((".cc", ".h")):
                found.append(os.path.relpath(os.path.join(directory, name), root))
    return sorted(found)


def includes(root, path):
    """(line number, "quote" or "angle", included path) of each #include in `path`."""
    with open(os.path.join(root, path), encoding="utf-8", errors="replace") as source:
        text = source.read()
    found = []
    for match in INCLUDE.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        found.append((line, "quote" if match.group(1) == '"' else "angle", match.group(2)))
    return found


class Tree:
    """The files of a tree by governing folder, and the folder-to-folder include edges."""

    def __init__(self, root):
        self.root = root
        self.files = project_files(root)
        top = {p.split("/")[0] for p in self.files}
        self.by_unit = collections.defaultdict(list)
        self.unruled = []
        self.edges = collections.defaultdict(set)  # unit -> units it includes
        self.edge_example = {}  # (unit, unit) -> "file:line includes x"
        self.includes = {}
        for path in self.files:
            unit = unit_of(path)
            if unit is None:
                self.unruled.append(path)
                continue
            self.by_unit[unit].append(path)
            self.includes[path] = includes(root, path)
            for line, kind, target in self.includes[path]:
                if kind != "quote" or target.split("/")[0] not in top:
                    continue
                # A library's private folder is part of the library.
                source, target_unit = owner(unit), owner(unit_of(target))
                if target_unit and target_unit != source:
                    self.edges[source].add(target_unit)
                    self.edge_example.setdefault((source, target_unit),
                                                 f"{path}:{line} includes \"{target}\"")


def check_unit(tree, unit):
    """Raises Failure listing every include of `unit`'s files that breaks a rule."""
    top = {p.split("/")[0] for p in tree.files}
    broken = []
    for path in tree.by_unit[unit]:
        for line, kind, target in tree.includes[path]:
            if kind == "quote" and target.split("/")[0] in top:
                target_unit = unit_of(target)
                if target_unit is None:
                    broken.append(f"{path}:{line} includes \"{target}\", in a folder with no "
                                  f"rule; add the folder to RULES in tests/layering_check.py")
                    continue
                rule = may_include(unit, path, target_unit)
                if rule:
                    broken.append(f"{path}:{line} includes \"{target}\": {rule}. Move the code "
                                  f"it needs down to a folder both may use, or pass it in from "
                                  f"above (an interface here, its implementation there)")
            elif unit in PURE and target.startswith(IO_HEADERS):
                broken.append(f"{path}:{line} includes <{target}>: {unit}/ is pure code (no "
                              f"I/O libraries); do the I/O in adapters/, http/ or the program "
                              f"and pass the values in")
    if broken:
        raise Failure(f"{len(broken)} include(s) break the placement rules:\n" + "\n".join(broken))
    may = sorted(allowed(owner(unit)))
    return f"{len(tree.by_unit[unit])} files; may include {', '.join(may) if may else 'nothing else'}"


def cycles(edges):
    """The strongly connected components of more than one node (Tarjan), each sorted."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    nodes = sorted(set(edges) | {t for ts in edges.values() for t in ts})

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in nodes:
        if node not in index:
            visit(node)
    return sorted(found)


def check_cycles(tree):
    """Raises Failure naming each loop of folders that include each other."""
    loops = cycles(tree.edges)
    if loops:
        lines = []
        for loop in loops:
            members = set(loop)
            examples = [tree.edge_example[(a, b)] for a in loop for b in sorted(tree.edges[a])
                        if b in members]
            lines.append(f"{' <-> '.join(loop)}: " + "; ".join(examples))
        raise Failure(f"{len(loops)} include cycle(s) between folders (each must depend one way: "
                      f"move what both need below both):\n" + "\n".join(lines))
    return f"{len(tree.edges)} folders include others, all one way"


def check_rules_cover(tree):
    if tree.unruled:
        folders = sorted({os.path.dirname(p) or "." for p in tree.unruled})
        raise Failure(f"{len(tree.unruled)} files lie in folders with no placement rule "
                      f"({', '.join(folders)}): add each folder to RULES in tests/layering_check.py, "
                      f"or move the files where they belong: {', '.join(tree.unruled[:10])}")
    return f"{len(tree.files)} files, all in folders with a rule"


def failures_of(root):
    """Runs every check on the tree at `root`; the failure messages, by test name."""
    tree = Tree(root)
    failed = {}
    for name, check in [("rules", lambda: check_rules_cover(tree)),
                        ("cycles", lambda: check_cycles(tree))] + \
            [(unit, lambda unit=unit: check_unit(tree, unit)) for unit in sorted(tree.by_unit)]:
        try:
            check()
        except Failure as failure:
            failed[name] = str(failure)
    return failed


def self_test():
    """Plants one breach of each kind in a small synthetic tree; each must fail, naming the
    file, and the same tree without them must pass."""
    clean = {
        "core/status.h": "",
        "core/counting/like_event.h": '#include "core/status.h"\n',
        "async/work_pool.h": '#include "core/status.h"\n',
        "http/server.h": '#include "async/work_pool.h"\n#include <boost/asio.hpp>\n',
        "socketio/internal/session.h": '#include "http/server.h"\n',
        "socketio/server.cc": '#include "socketio/internal/session.h"\n',
        "socketio/server.h": '#include "http/server.h"\n',
        "api/main.cc": '#include "socketio/server.h"\n#include "core/counting/like_event.h"\n',
    }
    planted = {
        # file -> (its text with the breach, the test that must fail, what the message names)
        "core/requests/body.cc": ('#include "core/counting/like_event.h"\n', "core/requests",
                                  "core/requests/ may include only core/"),
        "core/auth/jwt.cc": ('#include <hiredis/hiredis.h>\n', "core/auth", "pure code"),
        "http/router.cc": ('#include "socketio/server.h"\n', "http", "http/ may include only"),
        "api/handler.cc": ('#include "socketio/internal/session.h"\n', "api",
                           "private to socketio/"),
        "socketio/public.h": ('#include "socketio/internal/session.h"\n', "socketio",
                              "a public header of socketio/"),
        "async/pool.cc": ('#include "http/server.h"\n', "cycles", "async <-> http"),
        "newfolder/thing.h": ("", "rules", "newfolder"),
    }
    problems = []
    with tempfile.TemporaryDirectory() as root:
        def write(files):
            for path, text in files.items():
                os.makedirs(os.path.join(root, os.path.dirname(path)), exist_ok=True)
                with open(os.path.join(root, path), "w", encoding="utf-8") as f:
                    f.write(text)
        write(clean)
        if failures_of(root):
            problems.append(f"the clean synthetic tree failed: {failures_of(root)}")
        for path, (text, test, expected) in planted.items():
            write({path: text})
            failed = failures_of(root)
            message = failed.get(test, "")
            if (path not in message and test != "cycles") or expected not in message:
                problems.append(f"planting {path} ({text.strip()!r}) did not fail test {test!r} "
                                f"with {expected!r}; failures: {failed}")
            os.remove(os.path.join(root, path))
    if problems:
        raise Failure("the check misses planted breaches:\n" + "\n".join(problems))
    return f"{len(planted)} planted breaches each failed; the clean tree passed"


def stats(root):
    """What the structure measures: folder cycles, file cycles inside socketio/, largest files."""
    tree = Tree(root)
    folder_edges = collections.defaultdict(set)  # every directory its own node
    file_edges = collections.defaultdict(set)  # socketio/ files, by header/source pair
    for path, found in tree.includes.items():
        for _line, kind, target in found:
            if kind != "quote" or not os.path.exists(os.path.join(root, target)):
                continue
            if os.path.dirname(target) != os.path.dirname(path):
                folder_edges[os.path.dirname(path)].add(os.path.dirname(target))
            if path.startswith("socketio/") and target.startswith("socketio/"):
                a, b = os.path.splitext(path)[0], os.path.splitext(target)[0]
                if a != b:
                    file_edges[a].add(b)
    print(f"include cycles between rule folders: {len(cycles(tree.edges))} {cycles(tree.edges)}")
    print(f"include cycles between directories: {len(cycles(folder_edges))} {cycles(folder_edges)}")
    inside = cycles({k: v for k, v in folder_edges.items() if k.startswith("socketio")})
    print(f"  of which inside socketio/: {len(inside)} {inside}")
    print(f"include cycles between socketio/ files (a .h and its .cc as one): "
          f"{len(cycles(file_edges))} {cycles(file_edges)}")
    sizes = []
    for path in tree.files:
        with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
            sizes.append((sum(1 for _ in f), path))
    largest = sorted(sizes)[::-1]
    print("largest files (lines): " + ", ".join(f"{p} {n}" for n, p in largest[:5]))
    programs = [(n, p) for n, p in largest if not p.startswith(("tests/", "bench/", "fuzz/"))]
    print("largest files outside tests (lines): " +
          ", ".join(f"{p} {n}" for n, p in programs[:5]))


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--junit", help="write JUnit XML results here")
    parser.add_argument("--root", default=ROOT, help="the tree to check (default: this one)")
    parser.add_argument("--stats", action="store_true")
    options = parser.parse_args()
    tree = Tree(options.root)
    results = SuiteResults("layering")
    results.run("self_test", self_test, catch=(Failure,))
    results.run("rules", lambda: check_rules_cover(tree), catch=(Failure,))
    results.run("cycles", lambda: check_cycles(tree), catch=(Failure,))
    for unit in sorted(tree.by_unit):
        results.run(unit, lambda unit=unit: check_unit(tree, unit), catch=(Failure,))
    if options.stats:
        stats(options.root)
    return results.finish(options.junit)


if __name__ == "__main__":
    sys.exit(main())

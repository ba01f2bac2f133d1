#!/usr/bin/env python3
"""Crash and rebalance tests of the consumer (docs/exactly-once.md, "every accepted like
is counted exactly once"), against the running Kafka, Redis and FerretDB.

crash:     while likes keep arriving, the consumer is killed with SIGKILL at
           least 5 times and restarted each time; every other run kills itself
           between the MongoDB write and the offset commit (the test-only hook
           LA_TEST_CRASH_BEFORE_COMMIT). Once the topic is drained, every
           stream's total must equal its distinct valid likes exactly.
rebalance: two consumers share the topic; one is killed mid-load; the
           survivor must take over its partitions and reach the exact totals.

Each test uses its own topic, group and database, so a running cluster is not
involved. Bounded: about two minutes together.

usage: consumer_chaos_test.py [--bin-dir build/release] [--junit FILE] [test ...]
"""
import argparse
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from suite_results import SuiteResults  # noqa: E402  (tests/suite_results.py)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PARTITIONS = 6


class Failure(Exception):
    pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Run:
    """One test's topic, group, database and the processes it started."""

    def __init__(self, name, bin_dir, work_dir):
        self.name = f"chaos-{name}-{random.randrange(10**9)}"
        # The consumer built with the crash hook (la-consumer itself has none).
        self.consumer_bin = os.path.join(bin_dir, "consumer", "la-consumer-test-hooks")
        self.load_bin = os.path.join(bin_dir, "consumer", "la-consumer-load")
        self.work_dir = work_dir
        self.expected = os.path.join(work_dir, self.name + "-expected.txt")
        self.processes = []

    def log_path(self, what):
        return os.path.join(self.work_dir, f"{self.name}-{what}.log")

    def start_producer(self, events, rate):
        """la-consumer-load produce: likes at `rate`/s over 40 streams, with
        duplicates and a few malformed messages."""
        args = [self.load_bin, "produce", "--topic", self.name, "--partitions", str(PARTITIONS),
                "--events", str(events), "--rate", str(rate), "--streams", "40",
                "--duplicates", "0.03", "--malformed", "0.002", "--run-id", self.name,
                "--expected", self.expected]
        return self._spawn(args, self.log_path("producer"))

    def start_consumer(self, number, crash_before_commit=None):
        """la-consumer on this run's topic; returns (process, metrics port)."""
        port = free_port()
        env = dict(os.environ)
        env.pop("LA_TEST_CRASH_BEFORE_COMMIT", None)
        if crash_before_commit is not None:
            env["LA_TEST_CRASH_BEFORE_COMMIT"] = str(crash_before_commit)
        args = [self.consumer_bin, "--kafka-topic", self.name, "--kafka-dlq-topic", self.name + "-dlq",
                "--kafka-group", self.name + "-group", "--mongo-database", self.name,
                "--flush-interval-ms", "200", "--metrics-port", str(port)]
        return self._spawn(args, self.log_path(f"consumer-{number}"), env), port

    def verify(self, timeout_s):
        """la-consumer-load verify: waits for the exact totals; raises with the differences."""
        result = subprocess.run([self.load_bin, "verify", "--expected", self.expected,
                                 "--mongo-database", self.name, "--timeout-s", str(timeout_s)],
                                capture_output=True, text=True)
        if result.returncode != 0:
            raise Failure("totals are not exact:\n" + result.stdout + result.stderr)
        print("  " + result.stdout.strip())

    def cleanup(self):
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait()

    def _spawn(self, args, log_path, env=None):
        log = open(log_path, "a")
        process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=env)
        self.processes.append(process)
        return process


def consumed(port):
    """la_consumer_events_consumed_total of the consumer on `port` (0 if it does not answer)."""
    try:
        body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=1).read().decode()
    except OSError:
        return 0
    found = re.search(r"^la_consumer_events_consumed_total (\d+)$", body, re.M)
    return int(found.group(1)) if found else 0


def wait_until(condition, timeout_s, what):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise Failure(f"timed out after {timeout_s} s waiting until {what}")


def stop_cleanly(process, what):
    process.send_signal(signal.SIGTERM)
    try:
        code = process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        raise Failure(f"{what} did not exit within 30 s of SIGTERM")
    if code != 0:
        raise Failure(f"{what} exited with {code} after SIGTERM, expected 0")


def test_crash(run):
    producer = run.start_producer(events=48000, rate=600)  # 80 s of arrivals
    kills = hook_kills = 0
    for run_number in range(1, 7):  # each restart waits ~10 s for the dead member's session to expire
        if producer.poll() is not None:
            raise Failure(f"the producer finished before kill {run_number}; likes must keep arriving")
        use_hook = run_number % 2 == 0
        crash_at = random.randint(2, 5) if use_hook else None
        consumer, port = run.start_consumer(run_number, crash_at)
        if use_hook:
            try:
                code = consumer.wait(timeout=40)
            except subprocess.TimeoutExpired:
                raise Failure(f"run {run_number} did not kill itself before committing flush {crash_at}")
            if code != -signal.SIGKILL:
                raise Failure(f"run {run_number} exited with {code}, expected death by SIGKILL")
            hook_kills += 1
            print(f"  run {run_number}: killed itself between the MongoDB write and the commit of flush {crash_at}")
        else:
            wait_until(lambda: consumed(port) > 0, 40, f"run {run_number} consumes")
            time.sleep(random.uniform(0.2, 3.0))
            consumed_so_far = consumed(port)
            consumer.kill()
            consumer.wait()
            print(f"  run {run_number}: kill -9 after it consumed {consumed_so_far} messages")
        kills += 1
    final, _ = run.start_consumer(kills + 1)
    if producer.wait(timeout=90) != 0:
        raise Failure(f"the producer failed; see {run.log_path('producer')}")
    run.verify(timeout_s=90)
    stop_cleanly(final, "the last consumer")
    print(f"  {kills} kills, {hook_kills} of them between the MongoDB write and the commit")


def test_rebalance(run):
    producer = run.start_producer(events=30000, rate=1500)  # 20 s of arrivals
    first, first_port = run.start_consumer(1)
    survivor, survivor_port = run.start_consumer(2)
    wait_until(lambda: consumed(first_port) > 0 and consumed(survivor_port) > 0, 45,
               "both consumers own partitions and consume")
    time.sleep(2)
    if producer.poll() is not None:
        raise Failure("the producer finished before the kill; the test would prove nothing")
    consumed_so_far = consumed(first_port)
    first.kill()
    first.wait()
    print(f"  killed consumer 1 mid-load after it consumed {consumed_so_far} messages")
    if producer.wait(timeout=60) != 0:
        raise Failure(f"the producer failed; see {run.log_path('producer')}")
    run.verify(timeout_s=90)
    log = open(run.log_path("consumer-2")).read()
    taken = set()
    for line in re.findall(r"partitions ([\d,]+) of \S+ assigned", log):
        taken.update(int(p) for p in line.split(","))
    if taken != set(range(PARTITIONS)):
        raise Failure(f"the survivor was assigned partitions {sorted(taken)}, not all {PARTITIONS}")
    stop_cleanly(survivor, "the survivor")


TESTS = {"crash": test_crash, "rebalance": test_rebalance}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin-dir", default=os.path.join(ROOT, "build", os.environ.get("PRESET", "release")))
    parser.add_argument("--junit", help="write JUnit XML results here")
    parser.add_argument("tests", nargs="*", default=list(TESTS))
    options = parser.parse_args()

    work_dir = tempfile.mkdtemp(prefix="la-chaos-")
    results = SuiteResults("chaos")
    for name in options.tests:
        run = Run(name, options.bin_dir, work_dir)
        results.run(name, lambda: TESTS[name](run), catch=(Failure,),
                    note=f"topic {run.name}, logs in {work_dir}", cleanup=run.cleanup)
    return results.finish(options.junit)


if __name__ == "__main__":
    sys.exit(main())

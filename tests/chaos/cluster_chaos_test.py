#!/usr/bin/env python3
"""Chaos for the whole cluster of `./dev up` (issue 10): every accepted like is
counted exactly once while every server dies under load.

Clients send likes through nginx as a real app would: each like has an eventId,
and a like that got no 202 (503, 429, 502, a cut connection) is retried later
with the SAME eventId and the same user. Meanwhile, one fault at a time and then
a few together:
  api        kill -9 api-1 (nginx sends requests to api-2); restarted, rejoins
  consumers  kill -9 consumers repeatedly, once between the MongoDB write and
             the offset commit (LA_TEST_CRASH_BEFORE_COMMIT); restarted
  redis      kill -9 Redis, started again (AOF keeps the dedup keys)
  kafka      kill -9 the broker: likes are 503 (with their eventId), never 202
             for an unstored like; started again, the api nodes recover alone
  ferretdb   SIGSTOP FerretDB for 10 s: consumers hold and commit nothing
  together   api-2, a consumer and Redis at once
After each fault, 50 likes that already got a 202 are sent again (a client that
lost the answer; after the Redis restart this needs its AOF), the load pauses,
every unacknowledged like is retried until 202, and then, per stream: MongoDB's total == the distinct eventIds that got a
202, and a dashboard connected through nginx the whole time shows the same
totals without a reload (and showed "reconnecting" when its node died).
Processes are restarted the way ./dev does (scripts/services.sh, cluster.sh).

The cluster's addresses come from the environment (NGINX_PORT, API_PORTS,
KAFKA_PORT, REDIS_PORT, MONGO_PORT; defaults: the standard cluster). Bounded:
about 4-5 minutes; `--minutes N` (./dev chaos) repeats the faults for N minutes.

usage: cluster_chaos_test.py [--bin-dir build/release] [--junit FILE] [--minutes N] [fault ...]
"""
import argparse
import collections
import http.client
import json
import os
import random
import subprocess
import sys
import threading
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from suite_results import SuiteResults  # noqa: E402  (tests/suite_results.py)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NGINX_PORT = int(os.environ.get("NGINX_PORT", "8080"))
API_PORTS = [int(p) for p in os.environ.get("API_PORTS", "3001 3002").split()]
STREAMS = 8
USERS = 24
WORKERS = 6  # each from its own 127.0.0.x, so nginx's hash spreads them over the nodes


class Failure(Exception):
    pass


def services(command, extra_env=None):
    """Runs `command` with scripts/services.sh and cluster.sh sourced, as ./dev does."""
    env = dict(os.environ, ROOT=ROOT, **(extra_env or {}))
    script = f"source scripts/services.sh && source scripts/cluster.sh && {command}"
    result = subprocess.run(["bash", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise Failure(f"`{command}` failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return result.stdout.strip()


def kill9(name):
    services(f'kill -KILL "$(svc_pid {name})"; sleep 0.2')


def restart_missing(extra_env=None):
    """What `./dev up` does after the build: starts every server and process that is not running."""
    services("start_infra && start_cluster", extra_env)


def admin_command(bin_dir, *args):
    env = dict(os.environ)
    env.update(KAFKA_BROKERS=f"127.0.0.1:{os.environ.get('KAFKA_PORT', '9092')}",
               MONGO_URI=f"mongodb://127.0.0.1:{os.environ.get('MONGO_PORT', '27017')}")
    if not env.get("JWT_SECRET"):
        env["LA_DEV"] = "1"  # the cluster of ./dev runs in dev mode unless a secret is given
    result = subprocess.run([os.path.join(bin_dir, "tools", "la-admin"), *args], env=env,
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise Failure(f"la-admin {' '.join(args)}: {result.stderr}")
    return result.stdout.strip()


def request(method, path, token, body=None, source="127.0.0.1", timeout=10):
    """(status, headers, parsed JSON or None) of one request through nginx."""
    connection = http.client.HTTPConnection("127.0.0.1", NGINX_PORT, timeout=timeout,
                                            source_address=(source, 0))
    try:
        connection.request(method, path, body=json.dumps(body) if body is not None else None,
                           headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        response = connection.getresponse()
        text = response.read()
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        return response.status, dict(response.getheaders()), parsed
    finally:
        connection.close()


class Load:
    """Likes from WORKERS clients; unacknowledged likes are retried with their eventId."""

    def __init__(self, tokens, streams):
        self.tokens, self.streams = tokens, streams
        self.lock = threading.Lock()
        self.retry = collections.deque()  # (not_before, like)
        self.accepted = {}  # eventId -> like, every like that got a 202
        self.counts = collections.Counter()  # requests, 202, 503, 429, other
        self.violations = []  # answers that break the contract
        self.paused = threading.Event()
        self.stopping = threading.Event()
        self.last_202 = 0.0
        self.in_flight = 0  # likes taken by a worker and not answered yet
        self.threads = [threading.Thread(target=self._work, args=(i,), daemon=True) for i in range(WORKERS)]

    def start(self):
        for thread in self.threads:
            thread.start()

    def stop(self):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def unacknowledged(self):
        with self.lock:
            return len(self.retry) + self.in_flight

    def expected_totals(self):
        with self.lock:
            return collections.Counter(like["streamId"] for like in self.accepted.values())

    def resend_accepted(self, count):
        """Sends `count` likes that already got a 202 again, same user and eventId: a client
        that lost the answer does so. They must not change any total."""
        with self.lock:
            for like in random.sample(list(self.accepted.values()), min(count, len(self.accepted))):
                self.retry.append((0, like))

    def _next_like(self):
        with self.lock:
            if self.retry and self.retry[0][0] <= time.monotonic():
                self.in_flight += 1
                return self.retry.popleft()[1]
            if self.paused.is_set():
                return None
            self.in_flight += 1
        return {"user": random.randrange(len(self.tokens)), "streamId": random.choice(self.streams),
                "eventId": str(uuid.uuid4())}

    def _work(self, worker):
        source = f"127.0.0.{10 + worker}"
        while not self.stopping.is_set():
            like = self._next_like()
            if like is None:
                time.sleep(0.05)
                continue
            try:
                status, headers, body = request("POST", "/engagement/like", self.tokens[like["user"]],
                                                {"streamId": like["streamId"], "eventId": like["eventId"]},
                                                source=source, timeout=15)
            except OSError:
                status, headers, body = 0, {}, None
            with self.lock:
                self.in_flight -= 1 if status == 202 else 0
                self.counts["requests"] += 1
                if status == 202:
                    self.counts["202"] += 1
                    self.accepted[like["eventId"]] = like
                    self.last_202 = time.monotonic()
                    if not body or body.get("eventId") != like["eventId"]:
                        self.violations.append(f"202 without the like's eventId: {body}")
                elif status == 503:
                    self.counts["503"] += 1
                    if not body or body.get("eventId") != like["eventId"]:
                        self.violations.append(f"503 without the like's eventId: {body}")
                    if headers.get("Retry-After") is None:
                        self.violations.append("503 without Retry-After")
                elif status == 429:
                    self.counts["429"] += 1
                else:
                    self.counts["other"] += 1  # 502 while a node dies, cut connections
            if status != 202:
                with self.lock:  # back in the queue before it stops being in flight
                    self.retry.append((time.monotonic() + (1.0 if status in (503, 429) else 0.5), like))
                    self.in_flight -= 1
            time.sleep(0.02)


class Dashboard:
    """tests/chaos/dashboard_watch.mjs: what a connected admin dashboard shows (through nginx
    unless `url` names another server; tests/image uses it on an api node)."""

    def __init__(self, admin_token, prefix, url=None):
        self.process = subprocess.Popen(
            ["node", os.path.join(ROOT, "tests", "chaos", "dashboard_watch.mjs"), ROOT,
             url or f"http://127.0.0.1:{NGINX_PORT}", admin_token, prefix],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.lock = threading.Lock()
        self.totals = {}
        self.state = "connecting"
        self.reconnections = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            with self.lock:
                if event["event"] == "totals":
                    self.totals.update(event["totals"])
                elif event["event"] == "reconnecting":
                    if self.state == "live":
                        self.reconnections += 1
                    self.state = "reconnecting"
                elif event["event"] == "live":
                    self.state = "live"

    def shown(self):
        with self.lock:
            return dict(self.totals), self.state, self.reconnections

    def close(self):
        self.process.stdin.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()


def stored_totals(admin_token, streams):
    """Each stream's likes as stored in MongoDB (GET /streams/{id})."""
    totals = {}
    for stream in streams:
        status, _, body = request("GET", f"/streams/{stream}", admin_token)
        if status == 404:
            totals[stream] = 0
        elif status == 200:
            totals[stream] = body["likes"]
        else:
            raise Failure(f"GET /streams/{stream} answered {status}: {body}")
    return totals


def wait_for(condition, timeout_s):
    """Seconds it took until condition() held, or None after timeout_s."""
    started = time.monotonic()
    while time.monotonic() - started < timeout_s:
        try:
            if condition():
                return time.monotonic() - started
        except (OSError, Failure, KeyError, TypeError):
            pass
        time.sleep(0.5)
    return None


def healthy():
    for port in API_PORTS:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=3)
        try:
            connection.request("GET", "/ready")
            if connection.getresponse().status != 200:
                return False
        finally:
            connection.close()
    return True


# The faults: each returns after the fault is over and everything was restarted.
def fault_api(_run):
    kill9("api-1")
    time.sleep(4)  # nginx sends the requests to api-2 meanwhile
    restart_missing()


def fault_consumers(run):
    for name in ("consumer-1", "consumer-2", "consumer-1"):
        kill9(name)
        time.sleep(random.uniform(1, 3))
        restart_missing()
        time.sleep(random.uniform(2, 4))
    # Dies between the MongoDB write and the offset commit of its second flush.
    kill9("consumer-2")
    # Only la-consumer-test-hooks has the crash hook; release la-consumer ignores it.
    restart_missing({"LA_TEST_CRASH_BEFORE_COMMIT": "2",
                     "LA_CONSUMER_BIN": os.path.join(run.bin_dir, "consumer", "la-consumer-test-hooks")})
    if wait_for(lambda: services("svc_running consumer-2 || echo dead") == "dead", 60) is None:
        raise Failure("consumer-2 did not kill itself before its second commit")
    restart_missing()


def fault_redis(_run):
    kill9("redis")
    time.sleep(2)
    restart_missing()


def fault_kafka(run):
    before = run.load.counts["503"]
    kill9("kafka")
    # Likes wait up to the delivery timeout (PRODUCE_TIMEOUT_MS), then are answered 503.
    if wait_for(lambda: run.load.counts["503"] > before, 30) is None:
        raise Failure("no like was answered 503 within 30 s of the broker's death")
    time.sleep(2)
    restart_missing()


def fault_ferretdb(_run):
    services('kill -STOP "$(svc_pid ferretdb)"')
    try:
        time.sleep(10)
    finally:
        services('kill -CONT "$(svc_pid ferretdb)"')


def fault_together(_run):
    for name in ("api-2", "consumer-1", "redis"):
        kill9(name)
    time.sleep(3)
    restart_missing()


FAULTS = {"api": ("api kill -9", fault_api),
          "consumers": ("consumers kill -9 (+ before commit)", fault_consumers),
          "redis": ("redis kill -9 + start", fault_redis),
          "kafka": ("kafka kill -9 + start", fault_kafka),
          "ferretdb": ("ferretdb SIGSTOP 10 s", fault_ferretdb),
          "together": ("api + consumer + redis", fault_together)}


class Run:
    def __init__(self, bin_dir):
        self.bin_dir = bin_dir
        prefix = f"chaos-{random.randrange(10**9)}-"
        self.streams = [f"{prefix}s{i}" for i in range(STREAMS)]
        tokens = [admin_command(bin_dir, "mint-token", "--id", f"{prefix}u{i}", "--role", "viewer")
                  for i in range(USERS)]
        self.admin = admin_command(bin_dir, "mint-token", "--id", f"{prefix}admin", "--role", "admin")
        self.load = Load(tokens, self.streams)
        self.dashboard = Dashboard(self.admin, prefix)
        self.started = time.monotonic()
        self.rows = []

    def settle(self, timeout_s=120):
        """Pauses new likes, retries the unacknowledged until 202, and waits until MongoDB
        and the dashboard show exactly the accepted likes. Returns (caught-up s, mongo ok,
        dashboard ok, differences)."""
        self.load.paused.set()
        try:
            started = time.monotonic()
            drained = wait_for(lambda: self.load.unacknowledged() == 0, timeout_s)
            expected = {s: self.load.expected_totals().get(s, 0) for s in self.streams}
            left = max(10, timeout_s - (time.monotonic() - started))
            mongo_ok = drained is not None and wait_for(
                lambda: stored_totals(self.admin, self.streams) == expected, left) is not None
            def dashboard_matches():
                shown = self.dashboard.shown()[0]
                return all(shown.get(s, 0) == expected[s] for s in self.streams)
            dashboard_ok = wait_for(dashboard_matches, 30) is not None
            stored = stored_totals(self.admin, self.streams)
            shown = self.dashboard.shown()[0]
            diff = {s: (expected[s], stored.get(s), shown.get(s, 0)) for s in self.streams
                    if expected[s] != stored.get(s) or expected[s] != shown.get(s, 0)}
            if drained is None:
                diff["unacknowledged likes"] = self.load.unacknowledged()
            return time.monotonic() - started, mongo_ok, dashboard_ok, diff
        finally:
            self.load.paused.clear()

    def inject(self, name, fault):
        time.sleep(8)  # steady load before the fault
        before = collections.Counter(self.load.counts)
        at = time.monotonic() - self.started
        fault(self)
        restarted = time.monotonic()
        recovered = wait_for(lambda: healthy() and self.load.last_202 > restarted, 90)
        time.sleep(4)  # load after the recovery
        self.load.resend_accepted(50)  # e.g. after Redis restarted: its dedup keys must be there
        window = self.load.counts - before
        caught_up, mongo_ok, dashboard_ok, diff = self.settle()
        self.rows.append((name, at, window["requests"], window["202"], window["503"],
                          window["429"] + window["other"], recovered, caught_up, mongo_ok, dashboard_ok))
        print(f"  {name}: {window['requests']} requests, {window['202']} 202, {window['503']} 503; "
              f"totals {'match' if mongo_ok else 'DIFFER'}, dashboard {'matches' if dashboard_ok else 'DIFFERS'}"
              + (f" (stream: expected, MongoDB, dashboard) {diff}" if diff else ""), flush=True)
        if not mongo_ok or not dashboard_ok:
            raise Failure(f"after '{name}': totals differ (stream: expected, MongoDB, dashboard): {diff}")
        if recovered is None:
            raise Failure(f"after '{name}': the cluster was not ready and accepting likes within 90 s")

    def table(self):
        lines = ["| fault | at s | requests | 202 | 503 | 429/other | recovery s | caught up s | MongoDB = 202s | dashboard = MongoDB |",
                 "|---|---|---|---|---|---|---|---|---|---|"]
        for name, at, requests, ok, unavailable, other, recovered, caught_up, mongo_ok, dash_ok in self.rows:
            lines.append(f"| {name} | {at:.0f} | {requests} | {ok} | {unavailable} | {other} | "
                         f"{'-' if recovered is None else f'{recovered:.1f}'} | {caught_up:.1f} | "
                         f"{'yes' if mongo_ok else 'NO'} | {'yes' if dash_ok else 'NO'} |")
        return "\n".join(lines)


def test_cluster(bin_dir, minutes, faults):
    run = Run(bin_dir)
    run.load.start()
    try:
        if wait_for(lambda: run.load.last_202 > 0, 30) is None:
            raise Failure("no like was accepted within 30 s of starting the load; is the cluster up?")
        deadline = time.monotonic() + minutes * 60
        rounds = 0
        while rounds == 0 or time.monotonic() < deadline:
            for name, fault in (FAULTS[key] for key in faults):
                run.inject(name if rounds == 0 else f"{name} (round {rounds + 1})", fault)
            rounds += 1
        if run.load.violations:
            raise Failure(f"{len(run.load.violations)} answers broke the contract, e.g. {run.load.violations[:3]}")
        _, _, reconnections = run.dashboard.shown()
        if reconnections == 0 and {"api", "together"} <= set(faults):
            raise Failure("the dashboard never showed 'reconnecting', though both api nodes were killed")
        print(f"  the dashboard showed 'reconnecting' {reconnections} times and caught up each time")
    finally:
        run.load.stop()
        run.dashboard.close()
        print(run.table(), flush=True)
        total = sum(run.load.expected_totals().values())
        print(f"  {run.load.counts['requests']} requests, {total} distinct likes accepted, all counted once"
              if run.rows and all(r[8] for r in run.rows) else "")
        try:
            restart_missing()  # leave the cluster as it was found
        except Failure as failure:
            print(f"  could not restart everything: {failure}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin-dir", default=os.path.join(ROOT, "build", os.environ.get("PRESET", "release")))
    parser.add_argument("--junit", help="write JUnit XML results here")
    parser.add_argument("--minutes", type=float, default=0, help="soak: repeat the faults for this long")
    parser.add_argument("faults", nargs="*", default=list(FAULTS),
                        help=f"which faults, in this order (default: all): {' '.join(FAULTS)}")
    options = parser.parse_args()
    unknown = [f for f in options.faults if f not in FAULTS]
    if unknown:
        parser.error(f"unknown faults {unknown}; choose from {list(FAULTS)}")

    results = SuiteResults("chaos-cluster", classname="chaos")
    results.run("cluster", lambda: test_cluster(options.bin_dir, options.minutes, options.faults),
                catch=(Failure,))
    return results.finish(options.junit)


if __name__ == "__main__":
    sys.exit(main())

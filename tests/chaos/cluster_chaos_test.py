#!/usr/bin/env python3
"""Chaos for the whole cluster of `./dev up` (docs/exactly-once.md): every accepted like is
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
On a 3-broker Kafka (KAFKA_NODES=3; `--brokers 3` starts a private one, below),
topics with 3 copies, 2 in sync, the faults are the brokers':
  leader       kill -9 the broker leading the busiest partitions; restarted
  coordinator  kill -9 the consumer group's coordinator; restarted
  pause        SIGSTOP the busiest partitions' leader for 20 s (a GC pause)
  two-down     kill -9 two brokers at once: no like may be answered 202 while
               only one runs (every like is a 503 naming its eventId); restarted
After each fault, 50 likes that already got a 202 are sent again (a client that
lost the answer; after the Redis restart this needs its AOF), the load pauses,
every unacknowledged like is retried until 202, and then, per stream: MongoDB's total == the distinct eventIds that got a
202, and a dashboard connected through nginx the whole time shows the same
totals without a reload (and showed "reconnecting" when its node died).
Processes are restarted the way ./dev does (scripts/services.sh, cluster.sh).

The cluster's addresses come from the environment (NGINX_PORT, API_PORTS,
KAFKA_PORT, REDIS_PORT, MONGO_PORT; defaults: the standard cluster). Bounded:
about 4-5 minutes; `--minutes N` (./dev chaos) repeats the faults for N minutes.
`--brokers 3` starts a fresh private cluster with 3 Kafka brokers beside the
standard one (its own state folder .local/stacks/brokers-3 and ports), runs the
broker faults on it and stops it: about 5 minutes for all four.

usage: cluster_chaos_test.py [--bin-dir build/release] [--junit FILE] [--minutes N]
                             [--brokers 3] [fault ...]
"""
import argparse
import collections
import http.client
import json
import os
import random
import shutil
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
TOPIC = "engagement-events"
GROUP = "engagement-group"
OFFSETS_TOPIC_PARTITIONS = 12  # offsets.topic.num.partitions, scripts/kafka/server.properties.in
# The private 3-broker cluster of --brokers 3: its own state and ports, so that it runs
# beside the standard cluster (./dev test runs this suite while that one is up).
PRIVATE_BROKERS_3 = {
    "LA_STATE_DIR": os.path.join(ROOT, ".local", "stacks", "brokers-3"),
    "KAFKA_NODES": "3", "KAFKA_PORT": "19092", "KAFKA_CONTROLLER_PORT": "19093",
    "REDIS_PORT": "16379", "MONGO_PORT": "17017", "NGINX_PORT": "18080",
    "API_PORTS": "13001 13002", "CONSUMER_METRICS_BASE": "19100",
}


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


def kafka_brokers():
    """Every broker of the cluster, as its clients list them (scripts/services.sh)."""
    return services("kafka_brokers")


def admin_command(bin_dir, *args):
    env = dict(os.environ)
    env.update(KAFKA_BROKERS=kafka_brokers(),
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


# --- the brokers of a 3-node Kafka ---
def kcat(*args):
    result = subprocess.run(["kcat", "-b", kafka_brokers(), *args], capture_output=True, text=True,
                            timeout=30)
    if result.returncode != 0:
        raise Failure(f"kcat {' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout


def leaders(topic):
    """partition -> the id of the broker leading it (node i is broker i, service kafka-i)."""
    metadata = json.loads(kcat("-L", "-J", "-t", topic))
    for entry in metadata["topics"]:
        if entry["topic"] == topic:
            return {p["partition"]: p["leader"] for p in entry["partitions"]}
    raise Failure(f"no metadata for topic {topic}")


def end_offsets(partitions):
    """partition -> the next offset of TOPIC's partition."""
    args = ["-Q"]
    for partition in partitions:
        args += ["-t", f"{TOPIC}:{partition}:-1"]
    offsets = {}
    for line in kcat(*args).splitlines():  # "engagement-events [3] offset 1234"
        words = line.split()
        if len(words) == 4 and words[2] == "offset":
            offsets[int(words[1].strip("[]"))] = int(words[3])
    return offsets


def busiest_leader():
    """(broker id, why): the broker leading the partitions that grew most over 2 s."""
    led = leaders(TOPIC)
    before = end_offsets(led)
    time.sleep(2)
    after = end_offsets(led)
    growth = collections.Counter()
    for partition, broker in led.items():
        growth[broker] += after.get(partition, 0) - before.get(partition, 0)
    broker, likes = growth.most_common(1)[0]
    busy = sum(1 for p, b in led.items() if b == broker and after.get(p, 0) > before.get(p, 0))
    return broker, f"leads {busy} busy partitions, {likes} of {sum(growth.values())} likes in 2 s"


def coordinator():
    """(broker id, why): the broker coordinating GROUP, the leader of its partition of
    __consumer_offsets (Kafka: abs(groupId.hashCode()) % offsets.topic.num.partitions)."""
    code = 0
    for char in GROUP:
        code = (31 * code + ord(char)) & 0xFFFFFFFF
    code = code - (1 << 32) if code >= 1 << 31 else code
    partition = (0 if code == -(1 << 31) else abs(code)) % OFFSETS_TOPIC_PARTITIONS
    return leaders("__consumer_offsets")[partition], f"coordinates {GROUP} (__consumer_offsets {partition})"


def kill_broker(run, broker, why):
    """kill -9 of broker `broker`; the others lead its partitions (and coordinate the group)
    meanwhile; restarted after 5 s."""
    run.note = f"kafka-{broker}: {why}"
    kill9(f"kafka-{broker}")
    time.sleep(5)
    restart_missing()


def fault_leader(run):
    kill_broker(run, *busiest_leader())


def fault_coordinator(run):
    kill_broker(run, *coordinator())


def fault_pause(run):
    broker, why = busiest_leader()
    run.note = f"kafka-{broker}: {why}"
    services(f'kill -STOP "$(svc_pid kafka-{broker})"')
    try:
        time.sleep(20)
    finally:
        services(f'kill -CONT "$(svc_pid kafka-{broker})"')


def fault_two_down(run):
    first, why = busiest_leader()
    second = next(b for b in (coordinator()[0], 1, 2, 3) if b != first)
    run.note = f"kafka-{first} ({why}) and kafka-{second}"
    services(f'kill -KILL "$(svc_pid kafka-{first})" "$(svc_pid kafka-{second})"')
    # An acks=all produce needs two copies (min.insync.replicas 2) and one broker runs: once
    # the answers in flight at the kill are in, nothing may be accepted until a restart.
    time.sleep(2)
    before = collections.Counter(run.load.counts)
    time.sleep(10)
    during = run.load.counts - before
    restart_missing()
    run.note += f"; with one broker: {during['202']} answers 202, {during['503']} 503"
    with run.load.lock:  # a broken contract, reported with the others at the end
        if during["202"] > 0:
            run.load.violations.append(f"{during['202']} likes answered 202 while one broker of three ran")
        if during["503"] == 0:
            run.load.violations.append(f"no like answered 503 while one broker of three ran: {dict(during)}")


FAULTS = {"api": ("api kill -9", fault_api),
          "consumers": ("consumers kill -9 (+ before commit)", fault_consumers),
          "redis": ("redis kill -9 + start", fault_redis),
          "kafka": ("kafka kill -9 + start", fault_kafka),
          "ferretdb": ("ferretdb SIGSTOP 10 s", fault_ferretdb),
          "together": ("api + consumer + redis", fault_together)}
BROKER_FAULTS = {"leader": ("busiest leader kill -9", fault_leader),
                 "coordinator": ("group coordinator kill -9", fault_coordinator),
                 "pause": ("busiest leader SIGSTOP 20 s", fault_pause),
                 "two-down": ("two brokers kill -9", fault_two_down)}
ALL_FAULTS = {**FAULTS, **BROKER_FAULTS}


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
        self.note = ""  # what a fault says about itself (which broker), for its row

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
        self.note = ""
        fault(self)
        if self.note:
            name = f"{name} ({self.note})"
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
            for name, fault in (ALL_FAULTS[key] for key in faults):
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


def use_private_brokers_3():
    """Points this suite (and scripts/services.sh, which it sources) at a fresh private
    cluster with 3 Kafka brokers, and starts it."""
    global NGINX_PORT, API_PORTS
    os.environ.update(PRIVATE_BROKERS_3)
    NGINX_PORT = int(PRIVATE_BROKERS_3["NGINX_PORT"])
    API_PORTS = [int(p) for p in PRIVATE_BROKERS_3["API_PORTS"].split()]
    shutil.rmtree(PRIVATE_BROKERS_3["LA_STATE_DIR"], ignore_errors=True)
    started = time.monotonic()
    services("start_infra && create_topics && start_cluster")
    print(f"  private cluster with 3 Kafka brokers up in {time.monotonic() - started:.0f} s "
          f"(nginx :{NGINX_PORT}, brokers {kafka_brokers()})", flush=True)


def stop_private_brokers_3():
    try:
        services("stop_cluster; svc_stop ferretdb 30; svc_stop redis 30; stop_kafka")
    except Failure as failure:
        print(f"  could not stop the private cluster: {failure}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin-dir", default=os.path.join(ROOT, "build", os.environ.get("PRESET", "release")))
    parser.add_argument("--junit", help="write JUnit XML results here")
    parser.add_argument("--minutes", type=float, default=0, help="soak: repeat the faults for this long")
    parser.add_argument("--brokers", type=int, choices=[3],
                        help="run the broker faults on a fresh private cluster with 3 Kafka brokers")
    parser.add_argument("faults", nargs="*",
                        help=f"which faults, in this order (default: all of the cluster's kind): "
                             f"one broker: {' '.join(FAULTS)}; three: {' '.join(BROKER_FAULTS)}")
    options = parser.parse_args()
    if options.brokers:
        os.environ["KAFKA_NODES"] = "3"
    nodes = int(services("echo $KAFKA_NODES"))
    kinds = BROKER_FAULTS if nodes == 3 else FAULTS
    faults = options.faults or list(kinds)
    unknown = [f for f in faults if f not in kinds]
    if unknown:
        parser.error(f"faults {unknown} are not for a Kafka of {nodes} nodes; choose from {list(kinds)}")

    results = SuiteResults("chaos-brokers" if nodes == 3 else "chaos-cluster", classname="chaos")
    if options.brokers:
        if not results.run("start the private 3-broker cluster", use_private_brokers_3, catch=(Failure,)):
            stop_private_brokers_3()
            return results.finish(options.junit)
    results.run("cluster", lambda: test_cluster(options.bin_dir, options.minutes, faults), catch=(Failure,),
                cleanup=stop_private_brokers_3 if options.brokers else None)
    return results.finish(options.junit)


if __name__ == "__main__":
    sys.exit(main())

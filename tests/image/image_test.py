#!/usr/bin/env python3
"""The container image, built and run (scripts/run-tests.sh image).

deploy/Dockerfile is built by a private Docker engine (scripts/image.sh: its own dockerd and
containerd, data under .local/docker/, Debian base images made locally) and run from that
image, never pulling, on the host's network, against the Kafka, Redis and FerretDB of
./dev: `la-admin topics`, two api nodes and a consumer, with the compose file's settings
(init, stop_grace_period). They use topics, a consumer group and a database of their own,
so only the container consumer counts the likes of the container api nodes.

  engine     the engine starts; if it cannot, the suite fails with the reason
  build      debian:12 and debian:12-slim are made (cached) and deploy/Dockerfile builds;
             prints the build time, the image size and the compile step's compiler cache
             hits (the machine's own cache is served to it: scripts/ccache_server.py)
  contents   the runtime image holds no compiler and resolves every library of the programs
  topics     `la-admin topics` from the image creates the suite's topics
  healthy    two api nodes and a consumer start; the image's HEALTHCHECK turns healthy and
             each program runs as the image's unprivileged user
  like       a like through one container api node is counted by the container consumer
             and read back from GET /streams/{id} on the other node
  dashboard  an admin dashboard (official socket.io-client) on a container api node shows
             the total of likes posted through the other node
  drain      under load, `docker stop` of an api node and then of the consumer: each exits 0
             within the compose file's stop_grace_period, and every like answered 202 is
             counted once (clients retry what got no 202 on the other node, with the same
             eventId; the consumer starts again)
  drain-stalled  the slowest drain: Kafka unreachable with likes in flight (answered 503,
             never 202), a request whose headers never end, an idle long-polling session;
             the node still exits 0 within the grace period
  redis-full the local Redis run as compose runs it (noeviction) with maxmemory reached: the
             consumer's flushes fail and are retried, and once there is room every accepted
             like is counted exactly once
At the end the containers are removed, dangling images and old build cache pruned
(scripts/image.sh prune) and the engine stopped.

usage: image_test.py [--junit FILE] [test ...]
"""
import argparse
import collections
import http.client
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
import uuid

import yaml

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from suite_results import SuiteResults  # noqa: E402  (tests/suite_results.py)
from chaos.cluster_chaos_test import Dashboard  # noqa: E402
# Failures are the deploy checks' kind, so that their compose helpers fail a test here too.
from deploy.deploy_check_test import Failure, duration_s  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
IMAGE_SCRIPT = os.path.join(ROOT, "scripts", "image.sh")
IMAGE = "live-analytics:local"
DOCKER = os.environ.get("DOCKER", "/usr/bin/docker")
DOCKER_ENV = dict(os.environ, DOCKER_HOST=f"unix://{ROOT}/.local/docker/docker.sock")
LABEL = "live-analytics.test=image"
API_PORTS = (3361, 3362)
CONSUMER_METRICS_PORT = 9361
ADMIN_EMAIL, ADMIN_PASSWORD = "image-admin@example.com", "image-admin-password"
# What the containers share with ./dev's cluster (its servers), and what is their own.
SERVERS = {"KAFKA_BROKERS": f"127.0.0.1:{os.environ.get('KAFKA_PORT', '9092')}",
           "REDIS_URL": f"redis://127.0.0.1:{os.environ.get('REDIS_PORT', '6379')}",
           "MONGO_URI": f"mongodb://127.0.0.1:{os.environ.get('MONGO_PORT', '27017')}",
           "KAFKA_TOPIC": "image-engagement-events", "KAFKA_DLQ_TOPIC": "image-engagement-events-dlq",
           "KAFKA_GROUP": "image-engagement-group", "MONGO_DATABASE": "image-live-analytics"}
COMPILERS = ("gcc", "g++", "cc", "c++", "cpp", "clang", "clang++", "cmake", "ninja", "make", "as", "ld")


def docker(*args, check=True, timeout=600):
    result = subprocess.run([DOCKER, *args], env=DOCKER_ENV, capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise Failure(f"docker {' '.join(args)} exited with {result.returncode}: {result.stderr.strip()[-2000:]}")
    return result.stdout.strip()


def image_script(command):
    result = subprocess.run([IMAGE_SCRIPT, command], capture_output=True, text=True)
    if result.stdout.strip():
        print(result.stdout.strip(), flush=True)
    if result.returncode != 0:
        raise Failure(f"scripts/image.sh {command} failed:\n{result.stdout}{result.stderr}")


def compose_service(name):
    with open(os.path.join(ROOT, "docker-compose.yml"), encoding="utf-8") as f:
        return yaml.safe_load(f)["services"][name]


def run_container(name, service, env, health=True):
    """Starts the program of compose's `service` from the image, as compose runs it (init),
    on the host's network."""
    args = ["run", "-d", "--pull", "never", "--network", "host", "--name", name, "--label", LABEL]
    if compose_service(service).get("init"):
        args.append("--init")
    if not health:
        args.append("--no-healthcheck")
    for key, value in env.items():
        args += ["-e", f"{key}={value}"]
    return docker(*args, IMAGE, *compose_service(service)["command"])


def request(port, method, path, body=None, token=None, timeout=15):
    """(status, parsed JSON or None) of one request to the api node on `port`."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        connection.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
        response = connection.getresponse()
        text = response.read()
        try:
            return response.status, json.loads(text)
        except ValueError:
            return response.status, None
    finally:
        connection.close()


def wait_for(what, condition, timeout_s, interval_s=0.5):
    """condition()'s first truthy value; fails after timeout_s saying `what`."""
    deadline = time.monotonic() + timeout_s
    last_error = None
    while time.monotonic() < deadline:
        try:
            value = condition()
            if value:
                return value
        except (OSError, KeyError, TypeError, ValueError) as error:
            last_error = error
        time.sleep(interval_s)
    raise Failure(f"timed out after {timeout_s} s waiting for {what}" + (f" (last error: {last_error})" if last_error else ""))


def stream_likes(port, token, stream):
    status, body = request(port, "GET", f"/streams/{stream}", token=token)
    if status == 404:
        return 0
    if status != 200:
        raise Failure(f"GET /streams/{stream} on :{port} answered {status}: {body}")
    return body["likes"]


def consumer_metric(name):
    connection = http.client.HTTPConnection("127.0.0.1", CONSUMER_METRICS_PORT, timeout=5)
    try:
        connection.request("GET", "/metrics")
        text = connection.getresponse().read().decode()
    finally:
        connection.close()
    return sum(float(m.group(1)) for m in re.finditer(rf"^{name}(?:{{[^}}]*}})? (\S+)$", text, re.MULTILINE))


class Suite:
    """What the tests share: the secret, the tokens, the streams, the results so far."""

    def __init__(self):
        self.jwt_secret = secrets.token_hex(32)
        self.passed = set()
        self.admin = None
        self.viewer = None
        self.run_id = uuid.uuid4().hex[:8]

    def needs(self, *tests):
        missing = [t for t in tests if t not in self.passed]
        if missing:
            raise Failure(f"not run: needs {', '.join(missing)}, which did not pass")

    def app_env(self):
        return {**SERVERS, "JWT_SECRET": self.jwt_secret, "LOG_LEVEL": "info"}


# ---- the tests ----

def test_engine(_suite):
    image_script("start")
    remove_containers()  # an interrupted run's
    version = docker("version", "--format", "{{.Server.Version}}")
    driver = docker("info", "--format", "{{.Driver}}")
    return f"engine {version}, storage {driver}"


def test_build(suite):
    suite.needs("engine")
    image_script("base")
    started = time.monotonic()
    image_script("build-image")
    took = time.monotonic() - started
    size = int(docker("image", "inspect", "-f", "{{.Size}}", IMAGE))
    # The compile step's compiler cache use (deploy/Dockerfile prints it; absent when the
    # step's layer was cached).
    with open(os.path.join(ROOT, ".local", "log", "image-build.log"), encoding="utf-8", errors="replace") as log:
        cache = re.findall(r"compiler cache: .*", log.read())
    return (f"build {took:.0f} s; image {IMAGE} {size / 1e6:.0f} MB; "
            f"{cache[-1] if cache else 'compile step cached (nothing compiled)'}")


def test_contents(suite):
    suite.needs("build")
    script = ("for c in " + " ".join(COMPILERS) + "; do command -v $c; done; "
              "find / -xdev \\( -name 'cc1*' -o -name 'collect2' \\) -print 2>/dev/null; "
              "ldd /usr/local/bin/la-api /usr/local/bin/la-consumer /usr/local/bin/la-admin | grep 'not found'; true")
    found = docker("run", "--rm", "--pull", "never", "--network", "none", "--entrypoint", "sh", IMAGE, "-c", script)
    if found:
        raise Failure(f"the runtime image holds a compiler, or a program misses a library:\n{found}")
    user = docker("image", "inspect", "-f", "{{.Config.User}}", IMAGE)
    if user in ("", "root", "0"):
        raise Failure(f"the image runs as {user or 'root'}")
    for program in ("la-api", "la-consumer", "la-admin"):
        help_text = docker("run", "--rm", "--pull", "never", "--network", "none", IMAGE, program, "--help")
        if "usage:" not in help_text:
            raise Failure(f"{program} --help printed no usage:\n{help_text[:500]}")
    return f"no compiler; every library resolved; user {user}"


def test_topics(suite):
    suite.needs("build")
    output = docker("run", "--rm", "--pull", "never", "--network", "host", "--label", LABEL,
                    *sum((["-e", f"{k}={v}"] for k, v in suite.app_env().items()), []),
                    IMAGE, "la-admin", "topics")
    return output.splitlines()[-1] if output else "topics exist"


def test_healthy(suite):
    suite.needs("topics")
    env = {**suite.app_env(), "HOST": "127.0.0.1", "ADMIN_EMAIL": ADMIN_EMAIL, "ADMIN_PASSWORD": ADMIN_PASSWORD,
           "LIKE_RATE_PER_S": "0"}  # the drain test sends many likes as one user
    for i, port in enumerate(API_PORTS, 1):
        run_container(f"la-image-api-{i}", "api", {**env, "PORT": str(port)})
    run_container("la-image-consumer", "consumer",
                  {**suite.app_env(), "METRICS_PORT": str(CONSUMER_METRICS_PORT)}, health=False)
    names = [f"la-image-api-{i}" for i in range(1, len(API_PORTS) + 1)]
    image_user = docker("image", "inspect", "-f", "{{.Config.User}}", IMAGE)
    uid = docker("run", "--rm", "--pull", "never", "--network", "none", IMAGE, "id", "-u")
    for name, program in [(n, "la-api") for n in names] + [("la-image-consumer", "la-consumer")]:
        # Every process of the container (docker-init and the program), from the host's view.
        processes = [line.split(None, 2)[1:] for line in docker("top", name, "-o", "pid,uid,comm").splitlines()[1:]]
        if not any(comm.strip() == program for _, comm in processes):
            raise Failure(f"{name} does not run {program}: {processes}")
        wrong = [(u, comm.strip()) for u, comm in processes if u != uid]
        if uid == "0" or wrong:
            raise Failure(f"{name} runs processes as another user than {image_user} (uid {uid}): {wrong}")

    def health():
        states = {name: docker("inspect", "-f", "{{.State.Health.Status}}", name) for name in names}
        if "unhealthy" in states.values():
            raise Failure(f"a container turned unhealthy: {states}\n{docker('logs', names[0], check=False)[-2000:]}")
        return all(state == "healthy" for state in states.values())
    started = time.monotonic()
    wait_for("the api containers' HEALTHCHECK to turn healthy", health, 90, 1)
    wait_for("the consumer's metrics", lambda: consumer_metric("la_consumer_events_consumed_total") >= 0, 30)
    return f"healthy after {time.monotonic() - started:.0f} s; processes run as {image_user} (uid {uid})"


def test_like(suite):
    suite.needs("healthy")
    first, second = API_PORTS

    def login(email, password):
        status, body = request(first, "POST", "/auth/login", {"email": email, "password": password})
        return body["token"] if status == 200 else None
    # The api node creates the admin account in the background at start.
    suite.admin = wait_for("the admin login on the container api node", lambda: login(ADMIN_EMAIL, ADMIN_PASSWORD), 60)
    email = f"image-viewer-{suite.run_id}@example.com"
    status, body = request(first, "POST", "/auth/register", {"email": email, "password": "viewer-password-1"})
    if status != 201:
        raise Failure(f"register on :{first} answered {status}: {body}")
    suite.viewer = login(email, "viewer-password-1")
    counted_before = consumer_metric("la_consumer_events_counted_total")
    stream = f"image-like-{suite.run_id}"
    status, body = request(first, "POST", "/engagement/like", {"streamId": stream}, suite.viewer)
    if status != 202 or not body.get("eventId"):
        raise Failure(f"the like on :{first} answered {status}: {body}")
    wait_for(f"GET /streams/{stream} on :{second} to show 1 like",
             lambda: stream_likes(second, suite.admin, stream) == 1, 60)
    # The consumer publishes its counters after the flush's commit, a moment after the write.
    wait_for("the container consumer's la_consumer_events_counted_total to count it",
             lambda: consumer_metric("la_consumer_events_counted_total") > counted_before, 15)
    return f"like {body['eventId']} via :{first}, counted by the container consumer, read on :{second}"


def dashboard(port, admin_token, prefix):
    """An admin dashboard (tests/chaos/dashboard_watch.mjs: the official socket.io-client, as the
    admin page connects) on the api node at `port`, showing the streams whose id has `prefix`."""
    return Dashboard(admin_token, prefix, url=f"http://127.0.0.1:{port}")


def test_dashboard(suite):
    suite.needs("like")
    first, second = API_PORTS
    prefix = f"image-dash-{suite.run_id}-"
    stream = f"{prefix}s"
    watch = dashboard(second, suite.admin, prefix)
    try:
        wait_for(f"the dashboard to connect to :{second}", lambda: watch.shown()[1] == "live", 30)
        for _ in range(3):
            status, body = request(first, "POST", "/engagement/like", {"streamId": stream}, suite.viewer)
            if status != 202:
                raise Failure(f"a like on :{first} answered {status}: {body}")
        try:
            wait_for(f"the dashboard on :{second} to show {stream} = 3",
                     lambda: watch.shown()[0].get(stream) == 3, 60)
        except Failure:
            raise Failure(f"the dashboard on :{second} never showed {stream} = 3; it showed {watch.shown()}")
        return f"the dashboard on :{second} showed {stream} = 3 (liked via :{first})"
    finally:
        watch.close()


class Load:
    """Likes to `port` from `workers` clients; a like that gets no 202 there (the node is
    draining or gone) is retried on `fallback` with the same eventId, until it gets a 202."""

    def __init__(self, token, stream, port, fallback, workers=8):
        self.token, self.stream, self.port, self.fallback = token, stream, port, fallback
        self.workers = workers
        self.lock = threading.Lock()
        self.accepted = set()
        self.counts = collections.Counter()
        self.stopping = threading.Event()

    def __enter__(self):
        self.threads = [threading.Thread(target=self._work, daemon=True) for _ in range(self.workers)]
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_exception):
        """Stops sending new likes; each worker first gets its current like a 202."""
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=120)

    def _send(self, port, event_id):
        try:
            status, body = request(port, "POST", "/engagement/like", {"streamId": self.stream, "eventId": event_id},
                                   self.token, timeout=20)
        except OSError:
            status, body = 0, None
        with self.lock:
            self.counts[f"{status} on :{port}"] += 1
        return status == 202

    def _work(self):
        while not self.stopping.is_set():
            event_id = str(uuid.uuid4())
            if not self._send(self.port, event_id):
                while not self._send(self.fallback, event_id):
                    time.sleep(0.2)
            with self.lock:
                self.accepted.add(event_id)


def stop_container(name, grace):
    """`docker stop` with the compose grace period: (seconds it took, exit status)."""
    started = time.monotonic()
    docker("stop", "-t", str(grace), name, timeout=grace + 30)
    took = time.monotonic() - started
    exit_code = docker("inspect", "-f", "{{.State.ExitCode}}", name)
    if exit_code != "0" or took >= grace:
        raise Failure(f"{name} exited with {exit_code} after docker stop took {took:.1f} s (stop_grace_period "
                      f"{grace} s):\n{docker('logs', '--tail', '20', name, check=False)}")
    return took


def test_drain(suite):
    suite.needs("like")
    node, other = API_PORTS
    api_grace = duration_s(compose_service("api")["stop_grace_period"])
    consumer_grace = duration_s(compose_service("consumer")["stop_grace_period"])
    stream = f"image-drain-{suite.run_id}"
    # A dashboard on the node as well: its Socket.IO session is closed by the drain.
    watch = dashboard(node, suite.admin, stream)
    try:
        wait_for("the dashboard to connect", lambda: watch.shown()[1] == "live", 30)
        with Load(suite.viewer, stream, node, other) as load:
            wait_for(f"200 likes accepted by :{node}", lambda: load.counts[f"202 on :{node}"] >= 200, 60, 0.1)
            api_took = stop_container("la-image-api-1", api_grace)
            # The load goes on with the other node; the consumer stops in the middle of it (it
            # flushes what it holds and commits), and starts again.
            wait_for(f"200 more likes accepted by :{other}", lambda: load.counts[f"202 on :{other}"] >= 200, 60, 0.1)
            consumer_took = stop_container("la-image-consumer", consumer_grace)
            docker("start", "la-image-consumer")
            time.sleep(1)
    finally:
        watch.close()
    expected = len(load.accepted)
    try:
        wait_for(f"{stream} to reach the {expected} accepted likes",
                 lambda: stream_likes(other, suite.admin, stream) == expected, 90)
    except Failure:
        raise Failure(f"{stream}: {stream_likes(other, suite.admin, stream)} counted, {expected} accepted "
                      f"(answers: {dict(load.counts)})")
    answers = ", ".join(f"{count} {answer}" for answer, count in sorted(load.counts.items()))
    return (f"under load, api node stopped in {api_took:.1f} s (grace {api_grace} s), consumer in "
            f"{consumer_took:.1f} s (grace {consumer_grace} s), both exit 0; {expected} likes accepted, "
            f"all counted once ({answers})")


def test_drain_stalled(suite):
    """The slowest drain: Kafka unreachable with likes in flight (they wait for their delivery
    timeout and are answered 503, never 202), a request whose headers never end and an
    Engine.IO long-polling session that is never polled again."""
    suite.needs("like")
    port = 3363
    name = "la-image-api-stalled"
    grace = duration_s(compose_service("api")["stop_grace_period"])
    env = {**suite.app_env(), "HOST": "127.0.0.1", "PORT": str(port), "LIKE_RATE_PER_S": "0",
           "KAFKA_BROKERS": f"127.0.0.1:{closed_port()}"}
    run_container(name, "api", env)
    wait_for(f"GET /health on :{port}", lambda: request(port, "GET", "/health")[0] == 200, 30)
    answers = collections.Counter()
    lock = threading.Lock()

    def like():
        try:
            status, _ = request(port, "POST", "/engagement/like", {"streamId": f"image-stalled-{suite.run_id}"},
                                suite.viewer, timeout=60)
        except OSError:
            status = 0
        with lock:
            answers[status] += 1
    clients = [threading.Thread(target=like) for _ in range(20)]
    stalled = socket.create_connection(("127.0.0.1", port))
    idle = socket.create_connection(("127.0.0.1", port))
    try:
        stalled.sendall(b"POST /engagement/like HTTP/1.1\r\nHost: image-test\r\n")
        idle.sendall(b"GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: image-test\r\n\r\n")
        if b'"sid"' not in idle.recv(4096):
            raise Failure("no Engine.IO session was opened")
        for client in clients:
            client.start()
        time.sleep(1)  # the likes wait for Kafka
        took = stop_container(name, grace)
    finally:
        for client in clients:
            if client.ident is not None:  # started
                client.join(timeout=60)
        stalled.close()
        idle.close()
    if answers[202] or sum(answers.values()) != len(clients):
        raise Failure(f"with Kafka unreachable, 20 likes were answered {dict(answers)}; expected 503 each")
    return (f"Kafka unreachable, 20 likes in flight, a stalled request and an idle polling session: "
            f"stopped in {took:.1f} s (grace {grace} s), exit 0; answers {dict(answers)}")


def test_redis_full(suite):
    """What the compose file's Redis policy (maxmemory + noeviction) does when the dedup keys
    fill it: the consumer's flushes fail and are retried, nothing is counted meanwhile, and
    once there is room again every accepted like is counted exactly once."""
    suite.needs("like")
    node = API_PORTS[1]  # the drain test stopped the first one
    redis = ["redis-cli", "-p", os.environ.get("REDIS_PORT", "6379")]

    def redis_command(*args):
        return subprocess.run([*redis, *args], capture_output=True, text=True, check=True).stdout.strip()
    policy = redis_command("config", "get", "maxmemory-policy").split()[-1]
    if policy != "noeviction":
        raise Failure(f"the local Redis runs maxmemory-policy {policy}, not noeviction as ./dev and compose do")
    stream = f"image-full-{suite.run_id}"
    failures_before = consumer_metric("la_consumer_flush_failures_total")
    # A limit far below what Redis uses, so it stays full whatever else frees memory meanwhile
    # (a limit of its used memory + 100 KB let every key in while earlier runs' keys expired).
    redis_command("config", "set", "maxmemory", "1")
    try:
        accepted = sum(request(node, "POST", "/engagement/like", {"streamId": stream}, suite.viewer)[0] == 202
                       for _ in range(1000))
        wait_for("a consumer flush to fail on the full Redis",
                 lambda: consumer_metric("la_consumer_flush_failures_total") > failures_before, 30)
        held = stream_likes(node, suite.admin, stream)
    finally:
        redis_command("config", "set", "maxmemory", "0")
    if held >= accepted:
        raise Failure(f"all {accepted} likes were counted although Redis had no room for their dedup keys")
    wait_for(f"{stream} to reach the {accepted} accepted likes once Redis has room",
             lambda: stream_likes(node, suite.admin, stream) == accepted, 60)
    failed = consumer_metric("la_consumer_flush_failures_total") - failures_before
    return (f"Redis full: {held} of {accepted} likes counted, {failed:.0f} flushes failed and were retried; "
            f"with room again: {accepted} counted, exactly")


def closed_port():
    """A local TCP port nothing listens on (one the kernel just handed out and took back)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


TESTS = {"engine": test_engine, "build": test_build, "contents": test_contents, "topics": test_topics,
         "healthy": test_healthy, "like": test_like, "dashboard": test_dashboard, "drain": test_drain,
         "drain-stalled": test_drain_stalled, "redis-full": test_redis_full}


def remove_containers():
    ids = docker("ps", "-aq", "--filter", f"label={LABEL}")
    if ids:
        docker("rm", "-f", *ids.split())


def clean_up():
    """Removes the suite's containers, prunes, stops the engine; says what failed, never raises."""
    try:
        remove_containers()
        image_script("prune")
        usage = docker("system", "df", "--format", "{{.Type}} {{.Size}}").replace("\n", ", ")
        print(f"engine disk use after pruning: {usage}", flush=True)
    except (Failure, OSError, subprocess.TimeoutExpired) as error:
        print(f"clean-up: {error}", flush=True)
    try:
        image_script("stop")
    except Failure as error:
        print(f"clean-up: {error}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--junit", help="write JUnit XML results here")
    parser.add_argument("tests", nargs="*", default=list(TESTS))
    options = parser.parse_args()
    suite = Suite()
    results = SuiteResults("image")
    started = time.monotonic()
    try:
        for name in options.tests:
            # OSError: a server of the test refused or cut a connection it should have taken.
            if results.run(name, lambda: TESTS[name](suite), catch=(Failure, subprocess.TimeoutExpired, OSError)):
                suite.passed.add(name)
            if name == "engine" and name not in suite.passed:
                break  # nothing else can run; the failure above says why
    finally:
        clean_up()
    print(f"image suite: {time.monotonic() - started:.0f} s", flush=True)
    return results.finish(options.junit)


if __name__ == "__main__":
    sys.exit(main())

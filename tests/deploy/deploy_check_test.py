#!/usr/bin/env python3
"""The deployment kit, checked without a Docker engine (scripts/run-tests.sh deploy):

  prometheus   `promtool check config` and `promtool check rules` (Debian package prometheus)
  metrics      every metric named in the alert rules and the Grafana dashboard is one the
               api nodes or consumers register (api/, consumer/, http/, async/)
  compose      `docker-compose config` (Debian package docker-compose) accepts the file; the
               services are named as in the seed, api and consumer have replicas, Redis
               persists (AOF), every dependency waits for a healthcheck, no secret has a default
  compose-env  every environment variable the compose file gives a live-analytics program is
               one that program accepts (its --help lists "(env NAME)")
  exposure     only nginx is published on every interface; Prometheus and Grafana on the
               host's loopback; the consumers' metrics listen where Prometheus scrapes them
               (not on loopback) and are not published; api and consumer scrape ports match
  trust        the api nodes trust nginx's fixed address alone for the client's address (not
               the network's gateway, not the rest of the subnet); nginx serves /metrics and
               /ready to loopback only and believes no forwarded address
  drain        api and consumer get a stop_grace_period above Docker's 10 s, and docker-init
               as PID 1 (tests/image measures the drain against it)
  redis-memory Redis has a maxmemory that holds at least an hour of dedup keys at the
               budgeted rate, with noeviction
  images       the images run as an unprivileged user; the image build context holds only
               the sources it copies (no .env, .local, build output)
  cluster-env  the settings the local cluster exports (scripts/cluster.sh cluster_env) are ones
               la-api, la-consumer and la-admin accept, and its io threads per node are the
               cores over the nodes

usage: deploy_check_test.py [--bin-dir build/release] [--junit FILE] [test ...]
"""
import argparse
import functools
import ipaddress
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from suite_results import SuiteResults  # noqa: E402  (tests/suite_results.py)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEPLOY = os.path.join(ROOT, "deploy")
COMPOSE_FILE = os.path.join(ROOT, "docker-compose.yml")
SEED_SERVICES = {"api", "consumer", "kafka", "redis", "mongo", "nginx"}
# Which program of the project image a compose command runs, and where the build puts it.
PROGRAMS = {"la-api": "api/la-api", "la-consumer": "consumer/la-consumer", "la-admin": "tools/la-admin"}
# PromQL words that are not metric names.
PROMQL_WORDS = {"by", "without", "and", "or", "unless", "on", "ignoring", "group_left", "group_right",
                "bool", "offset", "inf", "nan"}


class Failure(Exception):
    pass


def run(command, env=None, check=True):
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if check and result.returncode != 0:
        raise Failure(f"{' '.join(command)} exited with {result.returncode}:\n{result.stdout}{result.stderr}")
    return result


# ---- prometheus ----

def test_prometheus(_options):
    for args in (["check", "config", os.path.join(DEPLOY, "prometheus", "prometheus.yml")],
                 ["check", "rules", os.path.join(DEPLOY, "prometheus", "alerts.yml")]):
        print(run(["promtool", *args]).stdout.strip())
    alerts = {rule["alert"] for group in load_yaml("prometheus/alerts.yml")["groups"] for rule in group["rules"]}
    for wanted in ("ConsumerLagGrowing", "DeadLettersArriving", "ApiAnswering503"):
        if wanted not in alerts:
            raise Failure(f"alert {wanted} is missing from deploy/prometheus/alerts.yml (have {sorted(alerts)})")


# ---- metrics ----

def registered_metrics():
    """Metric names registered in the code: Add{Counter,Gauge,Histogram}("name") or NewCounter(registry, "name")."""
    pattern = re.compile(r'(?:Add(?:Counter|Gauge|Histogram)|NewCounter)\s*\(\s*(?:registry\s*,\s*)?"([a-zA-Z_:][a-zA-Z0-9_:]*)"')
    names = set()
    for folder in ("api", "consumer", "http", "async"):
        for directory, _dirs, files in os.walk(os.path.join(ROOT, folder)):
            for name in files:
                if name.endswith((".cc", ".h")):
                    with open(os.path.join(directory, name), encoding="utf-8") as source:
                        names.update(pattern.findall(source.read()))
    return names


def metric_names_in(expr):
    """The metric names a PromQL expression reads."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)            # string literals
    text = re.sub(r"\{[^}]*\}", "", text)                        # label matchers
    text = re.sub(r"\[[^\]]*\]", "", text)                       # ranges and subqueries
    text = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", text)
    names = set()
    for match in re.finditer(r"\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(\s*\()?", text):
        word, call = match.group(1), match.group(2)
        if call or word.lower() in PROMQL_WORDS or re.fullmatch(r"\d+[smhdwy]?", word):
            continue
        names.add(word)
    return names


def dashboard_and_alert_exprs():
    exprs = []
    for group in load_yaml("prometheus/alerts.yml")["groups"]:
        exprs += [(f"alert {rule['alert']}", rule["expr"]) for rule in group["rules"]]
    dashboards = os.path.join(DEPLOY, "grafana", "dashboards")
    for name in sorted(os.listdir(dashboards)):
        with open(os.path.join(dashboards, name), encoding="utf-8") as f:
            for panel in json.load(f)["panels"]:
                exprs += [(f"{name} panel \"{panel['title']}\"", target["expr"]) for target in panel["targets"]]
    return exprs


def test_metrics(_options):
    code = registered_metrics()
    if len(code) < 10:
        raise Failure(f"found only {len(code)} registered metrics in api/, consumer/, http/, async/: {sorted(code)}")
    known = {"up"} | code | {f"{name}{suffix}" for name in code for suffix in ("_bucket", "_sum", "_count")}
    used = set()
    unknown = []
    for where, expr in dashboard_and_alert_exprs():
        for name in metric_names_in(expr):
            used.add(re.sub(r"_(bucket|sum|count)$", "", name))
            if name not in known:
                unknown.append(f"{where}: {name}")
    if unknown:
        raise Failure("metrics that no api node or consumer registers:\n  " + "\n  ".join(unknown))
    print(f"{len(used & code)} of the {len(code)} registered metrics are on the dashboard or in alerts")
    missing = sorted(code - used)
    if missing:
        print(f"note: not on the dashboard yet: {', '.join(missing)}")


# ---- compose ----

def load_yaml(relative):
    with open(os.path.join(DEPLOY, relative), encoding="utf-8") as f:
        return yaml.safe_load(f)


def compose_config(env_values):
    """`docker-compose config` with exactly `env_values` (no .env file): (returncode, parsed or error text)."""
    with tempfile.NamedTemporaryFile("w", suffix=".env") as env_file:
        env_file.write("".join(f"{name}={value}\n" for name, value in env_values.items()))
        env_file.flush()
        env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")}
        result = run(["docker-compose", "--env-file", env_file.name, "-f", COMPOSE_FILE,
                      "--profile", "observability", "config"], env=env, check=False)
    if result.returncode != 0:
        return result.returncode, result.stderr + result.stdout
    return 0, yaml.safe_load(result.stdout)


def example_env():
    """The variables .env.example asks for, with placeholder values."""
    values = {}
    with open(os.path.join(ROOT, ".env.example"), encoding="utf-8") as f:
        for line in f:
            if re.match(r"^[A-Z_]+=", line):
                values[line.split("=", 1)[0]] = "placeholder-value-0123456789abcdef0123456789"
    return values


def test_compose(_options):
    required = example_env()
    for name in ("JWT_SECRET", "ADMIN_EMAIL", "ADMIN_PASSWORD"):
        if name not in required:
            raise Failure(f".env.example does not list {name}")
    code, config = compose_config(required)
    if code != 0:
        raise Failure(f"docker-compose config failed:\n{config}")
    services = config["services"]
    if not SEED_SERVICES <= set(services):
        raise Failure(f"services {sorted(SEED_SERVICES - set(services))} are missing (have {sorted(services)})")
    for name in ("api", "consumer"):
        replicas = services[name].get("deploy", {}).get("replicas", 1)
        if replicas < 2:
            raise Failure(f"service {name} has {replicas} replica(s), expected at least 2")
    redis_command = " ".join(services["redis"].get("command", []))
    for setting in ("--appendonly yes", "--appendfsync everysec", "--maxmemory-policy noeviction"):
        if setting not in redis_command:
            raise Failure(f"redis runs without {setting}: {redis_command!r}")
    one_shot = [name for name, service in services.items() if "la-admin" in service.get("command", [])]
    if not one_shot:
        raise Failure("no one-shot service runs `la-admin topics`")
    for name, service in services.items():
        depends = service.get("depends_on", {})
        for dependency, condition in (depends.items() if isinstance(depends, dict) else []):
            wanted = "service_completed_successfully" if dependency in one_shot else "service_healthy"
            if condition.get("condition") != wanted:
                raise Failure(f"{name} depends on {dependency} with {condition}, expected {wanted}")
            if wanted == "service_healthy" and "test" not in services[dependency].get("healthcheck", {}) \
                    and not services[dependency].get("build"):
                raise Failure(f"{name} waits for {dependency} to be healthy, but {dependency} has no healthcheck")
    # No secret has a default: without them compose refuses, naming the variable.
    for name in ("JWT_SECRET", "ADMIN_PASSWORD", "GRAFANA_ADMIN_PASSWORD"):
        code, output = compose_config({k: v for k, v in required.items() if k != name})
        if code == 0 or name not in output:
            raise Failure(f"docker-compose config accepted the file without {name} (or did not name it):\n{output}")
    print(f"services: {', '.join(sorted(services))}")


def accepted_env(options, program):
    binary = os.path.join(options.bin_dir, PROGRAMS[program])
    if not os.access(binary, os.X_OK):
        raise Failure(f"{binary} is missing: build first (cmake --build {options.bin_dir})")
    help_text = run([binary, "--help"]).stdout
    return set(re.findall(r"\(env ([A-Z0-9_]+)\)", help_text))


def test_compose_env(options):
    _code, config = compose_config(example_env())
    checked = 0
    for name, service in config["services"].items():
        if "deploy/Dockerfile" not in str(service.get("build", {}).get("dockerfile", "")):
            continue  # an official image, not one of our programs
        program = service.get("command", ["la-api"])[0]
        if program not in PROGRAMS:
            raise Failure(f"service {name} runs {program!r}, not one of {sorted(PROGRAMS)}")
        unknown = set(service.get("environment", {})) - accepted_env(options, program)
        if unknown:
            raise Failure(f"service {name} passes {sorted(unknown)}, which {program} does not accept (see {program} --help)")
        checked += 1
    if checked < 3:
        raise Failure(f"only {checked} services run the project's image; expected api, consumer and topics")
    print(f"{checked} services pass only settings their program accepts")


def test_images(_options):
    with open(os.path.join(DEPLOY, "Dockerfile"), encoding="utf-8") as f:
        users = re.findall(r"^USER\s+(\S+)", f.read(), re.MULTILINE)
    if not users or users[-1] in ("root", "0"):
        raise Failure(f"deploy/Dockerfile's final stage runs as {users[-1] if users else 'root'}")
    with open(os.path.join(DEPLOY, "nginx.Dockerfile"), encoding="utf-8") as f:
        if "nginx-unprivileged" not in f.read():
            raise Failure("deploy/nginx.Dockerfile does not use an unprivileged nginx image")
    context = build_context()
    leaked = sorted(path for path in context
                    if re.search(r"(^|/)\.env$|^\.local/|^build/|^\.git/|node_modules/|^web/dist/", path))
    if leaked:
        raise Failure(f"the image build context holds {leaked[:10]}: keep them out in .dockerignore")
    copied = dockerfile_copy_sources()
    missing = [source for source in copied
               if source not in context and not any(path.startswith(source + "/") for path in context)]
    if missing:
        raise Failure(f"deploy/Dockerfile copies {missing}, which .dockerignore keeps out of the build "
                      f"context: add a `!{missing[0]}/` (folder) or `!{missing[0]}` (file) line")
    print(f"build context: {len(context)} files; all {len(copied)} sources the Dockerfile copies are in it")


def dockerfile_copy_sources():
    """The paths deploy/Dockerfile's COPY lines take from the build context (not --from=)."""
    with open(os.path.join(DEPLOY, "Dockerfile"), encoding="utf-8") as f:
        text = f.read().replace("\\\n", " ")
    sources = []
    for line in re.findall(r"^COPY\s+(.+)$", text, re.MULTILINE):
        words = line.split()
        if any(word.startswith("--from") for word in words):
            continue
        paths = [word for word in words if not word.startswith("--")][:-1]  # the last is the target
        sources += [path.rstrip("/") for path in paths]
    if not sources:
        raise Failure("deploy/Dockerfile has no COPY from the build context: did its syntax change?")
    return sources


def build_context():
    """The files `docker build .` sends (.dockerignore applied, Docker's rules: the last
    matching pattern wins, `!` re-includes), relative to the repository. The .env files
    of the check are created next to the real layout, so a missing exclusion shows."""
    with open(os.path.join(ROOT, ".dockerignore"), encoding="utf-8") as f:
        patterns = [line.strip() for line in f if line.strip() and not line.startswith("#")]
    rules = []
    for pattern in patterns:
        negate = pattern.startswith("!")
        body = pattern[1:] if negate else pattern
        body = body.strip("/")
        regex = re.escape(body).replace(r"\*\*/", "(?:.*/)?").replace(r"\*\*", ".*").replace(r"\*", "[^/]*")
        rules.append((negate, re.compile(f"^{regex}(?:/.*)?$")))

    def excluded(path):
        result = False
        for negate, regex in rules:
            if regex.match(path):
                result = not negate
        return result
    reincluded = [pattern[1:].strip("/") for pattern in patterns if pattern.startswith("!")]
    files = set()
    candidates = [".env", "web/.env", "api/.env"]  # secrets an operator could leave there
    for directory, dirs, names in os.walk(ROOT):
        relative_dir = os.path.relpath(directory, ROOT)
        # Like Docker, do not walk an excluded folder that no `!` pattern reaches into.
        dirs[:] = [d for d in dirs if not excluded(os.path.normpath(os.path.join(relative_dir, d)))
                   or any(p.startswith(os.path.normpath(os.path.join(relative_dir, d)) + "/") for p in reincluded)]
        for name in names:
            candidates.append(os.path.normpath(os.path.join(relative_dir, name)))
    for path in candidates:
        if not excluded(path):
            files.add(path)
    return files


# ---- exposure, trust, drain, redis memory ----

@functools.lru_cache(maxsize=1)
def compose_services():
    """The compose file as `docker-compose config` resolves it with .env.example's variables."""
    code, config = compose_config(example_env())
    if code != 0:
        raise Failure(f"docker-compose config failed:\n{config}")
    return config


def published(service):
    """(host address, host port) of each port a service publishes; address "" = every interface."""
    ports = []
    for port in service.get("ports", []):
        if isinstance(port, dict):
            ports.append((port.get("host_ip", ""), str(port.get("published", ""))))
        else:
            parts = str(port).split(":")
            ports.append((":".join(parts[:-2]) if len(parts) > 2 else "", parts[-2] if len(parts) > 1 else ""))
    return ports


def is_loopback(address):
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return address == "localhost"


def test_exposure(_options):
    services = compose_services()["services"]
    for name, service in services.items():
        for address, port in published(service):
            if name == "nginx":
                continue  # the public entry point
            if name in ("prometheus", "grafana") and is_loopback(address):
                continue
            raise Failure(f"{name} publishes port {port} on {address or 'every interface'}: only nginx may be "
                          "reachable from outside by default (Prometheus and Grafana on 127.0.0.1)")
    consumer = services["consumer"]["environment"]
    host = consumer.get("METRICS_HOST", "127.0.0.1")
    if is_loopback(host):
        raise Failure(f"the consumers' metrics listen on {host}, where Prometheus cannot scrape them; "
                      "set METRICS_HOST: 0.0.0.0 (the port stays unpublished)")
    scrape = {job["job_name"]: job for job in load_yaml("prometheus/prometheus.yml")["scrape_configs"]}
    for job, wanted in (("consumer", str(consumer.get("METRICS_PORT"))),
                        ("api", str(services["api"]["environment"].get("PORT")))):
        ports = {str(c.get("port")) for c in scrape[job].get("dns_sd_configs", [])}
        if ports != {wanted}:
            raise Failure(f"Prometheus scrapes {job} on port(s) {sorted(ports)}, but it listens on {wanted}")
    print(f"published: {', '.join(f'{n} {published(s)}' for n, s in services.items() if published(s))}")


def nginx_geo(name):
    """The entries of `geo ${name} { ... }` in nginx/nginx.conf, as (address, value)."""
    with open(os.path.join(ROOT, "nginx", "nginx.conf"), encoding="utf-8") as f:
        text = re.sub(r"#[^\n]*", "", f.read())
    block = re.search(r"geo\s+\$" + name + r"\s*\{([^}]*)\}", text)
    if not block:
        raise Failure(f"nginx/nginx.conf has no `geo ${name}` block")
    return [tuple(line.split()[:2]) for line in block.group(1).split(";") if line.strip()], text


def test_trust(_options):
    config = compose_services()
    services = config["services"]
    entries, text = nginx_geo("la_internal")
    internal = [address for address, value in entries if address != "default" and value != "0"]
    wide = [address for address in internal if not ipaddress.ip_network(address, strict=False).is_loopback]
    if wide or not internal:
        raise Failure(f"nginx serves /metrics and /ready to {wide or 'nobody'}; only loopback may read them "
                      "(behind Docker's userland proxy every client comes from a private address)")
    for directive in ("set_real_ip_from", "real_ip_header"):
        if directive in text:
            raise Failure(f"nginx/nginx.conf uses {directive}: it would believe a client-supplied address")
    subnet_config = config["networks"]["default"]["ipam"]["config"][0]
    subnet = ipaddress.ip_network(subnet_config["subnet"])
    handed_out = ipaddress.ip_network(subnet_config["ip_range"])
    gateway = ipaddress.ip_address(subnet_config.get("gateway", str(next(subnet.hosts()))))
    nginx_address = ipaddress.ip_address(services["nginx"]["networks"]["default"]["ipv4_address"])
    if nginx_address not in subnet or nginx_address in handed_out or nginx_address == gateway:
        raise Failure(f"nginx's address {nginx_address} must be in {subnet}, outside the range Docker hands out "
                      f"({handed_out}) and not the gateway {gateway}")
    trusted = [ipaddress.ip_network(entry.strip(), strict=False)
               for entry in services["api"]["environment"]["TRUSTED_PROXIES"].split(",") if entry.strip()]
    if not any(nginx_address in network for network in trusted):
        raise Failure(f"the api nodes do not trust nginx ({nginx_address}): TRUSTED_PROXIES={trusted}")
    others = [str(a) for a in (gateway, next(handed_out.hosts())) if any(a in n for n in trusted)]
    if others or any(network.num_addresses > 1 for network in trusted):
        raise Failure(f"the api nodes trust more than nginx's address ({trusted}; e.g. {others}): any container, "
                      "or the gateway every proxied client comes from, could name its own client address")
    print(f"api trusts {', '.join(map(str, trusted))} (nginx) only; nginx serves /metrics, /ready to {internal}")


DOCKER_DEFAULT_STOP_S = 10


def duration_s(text):
    parts = re.fullmatch(r"(?:(\d+)m)?(?:(\d+)s)?", str(text))
    if not parts or not any(parts.groups()):
        raise Failure(f"cannot read the duration {text!r}")
    return int(parts.group(1) or 0) * 60 + int(parts.group(2) or 0)


def test_drain(_options):
    services = compose_services()["services"]
    lines = []
    for name in ("api", "consumer"):
        service = services[name]
        if "stop_grace_period" not in service:
            raise Failure(f"{name} has no stop_grace_period: Docker kills it {DOCKER_DEFAULT_STOP_S} s after "
                          "SIGTERM, in the middle of its drain")
        grace = duration_s(service["stop_grace_period"])
        if grace <= DOCKER_DEFAULT_STOP_S:
            raise Failure(f"{name}'s stop_grace_period is {grace} s, not more than Docker's default")
        if not service.get("init"):
            raise Failure(f"{name} runs without init: true (docker-init forwards SIGTERM and reaps)")
        lines.append(f"{name} {grace} s")
    print("stop_grace_period: " + ", ".join(lines))


# Measured: Redis 7.0.15, 1,000,000 keys dedup:{32 hex}:{uuid} = "P:O" with EX 3600, as the
# consumers write them (consumer/redis_dedup_store.cc): 193 bytes each (used_memory).
BYTES_PER_DEDUP_KEY = 193
# What the compose file's Redis must hold: DEDUP_TTL_S (3600 s) of likes at this rate.
BUDGET_LIKES_PER_S = 1000


def memory_bytes(text):
    match = re.fullmatch(r"(\d+)\s*([kmg]?b?)", str(text).strip().lower())
    if not match:
        raise Failure(f"cannot read the Redis memory size {text!r}")
    unit = match.group(2).rstrip("b")
    return int(match.group(1)) * {"": 1, "k": 1024, "m": 1024 ** 2, "g": 1024 ** 3}[unit]


def test_redis_memory(options):
    command = compose_services()["services"]["redis"]["command"]
    settings = dict(zip(command[1::2], command[2::2])) if command[0] == "redis-server" else {}
    if settings.get("--maxmemory-policy") != "noeviction":
        raise Failure(f"redis runs without --maxmemory-policy noeviction: {command}")
    if "--maxmemory" not in settings:
        raise Failure(f"redis runs without --maxmemory: it grows until the kernel kills it: {command}")
    limit = memory_bytes(settings["--maxmemory"])
    help_text = run([os.path.join(options.bin_dir, PROGRAMS["la-consumer"]), "--help"]).stdout
    ttl = int(re.search(r"DEDUP_TTL_S\)\s*\n\s*.*\((\d+)\)", help_text).group(1))
    keys = limit // BYTES_PER_DEDUP_KEY
    needed = ttl * BUDGET_LIKES_PER_S
    if keys < needed:
        raise Failure(f"maxmemory {settings['--maxmemory']} holds ~{keys:,} dedup keys ({BYTES_PER_DEDUP_KEY} B each); "
                      f"DEDUP_TTL_S ({ttl} s) at {BUDGET_LIKES_PER_S} likes/s needs {needed:,}")
    print(f"maxmemory {settings['--maxmemory']}: ~{keys:,} dedup keys, {keys // ttl:,} likes/s over DEDUP_TTL_S "
          f"{ttl} s; {(1 << 30) // BYTES_PER_DEDUP_KEY:,} keys per GiB")


def cluster_env(api_ports, extra=None):
    """The environment scripts/cluster.sh's cluster_env exports for these api ports."""
    script = 'source "$ROOT/scripts/cluster.sh"; cluster_env; env -0'
    env = {"PATH": os.environ["PATH"], "ROOT": ROOT, "API_PORTS": api_ports, **(extra or {})}
    out = run(["bash", "-c", script], env=env).stdout
    return dict(item.split("=", 1) for item in out.split("\0") if "=" in item)


def test_cluster_env(options):
    cores = len(os.sched_getaffinity(0))  # what nproc counts
    exported = cluster_env("3001 3002")
    unknown = {"THREADS", "LIKE_RATE_PER_S", "LOGIN_RATE_PER_MIN", "MAX_SESSIONS_PER_ADDRESS",
               "PASSWORD_JOBS_PER_ADDRESS"} - accepted_env(options, "la-api")
    if unknown:
        raise Failure(f"scripts/cluster.sh exports {sorted(unknown)}, which la-api does not accept")
    for program, settings in (("la-consumer", {"KAFKA_FETCH_MIN_BYTES"}),
                              ("la-admin", {"KAFKA_PARTITIONS"})):
        if not settings <= exported.keys():
            raise Failure(f"scripts/cluster.sh no longer exports {sorted(settings - exported.keys())}")
        unknown = settings - accepted_env(options, program)
        if unknown:
            raise Failure(f"scripts/cluster.sh exports {sorted(unknown)}, which {program} does not accept")
    for ports, nodes in (("3001", 1), ("3001 3002", 2), ("3001 3002 3003", 3)):
        threads = cluster_env(ports).get("THREADS", "unset")
        if threads != str(max(1, cores // nodes)):
            raise Failure(f"{nodes} api node(s) on {cores} cores get THREADS={threads}; "
                          f"expected {max(1, cores // nodes)} (cores / nodes, at least 1)")
    if cluster_env("3001 3002", {"THREADS": "7"})["THREADS"] != "7":
        raise Failure("cluster_env overrides a THREADS given by the operator")
    print(f"{cores} cores: THREADS={exported['THREADS']} for 2 api nodes; every exported api setting is accepted")


TESTS = {"prometheus": test_prometheus, "metrics": test_metrics, "compose": test_compose,
         "compose-env": test_compose_env, "exposure": test_exposure, "trust": test_trust,
         "drain": test_drain, "redis-memory": test_redis_memory, "images": test_images,
         "cluster-env": test_cluster_env}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin-dir", default=os.path.join(ROOT, "build", os.environ.get("PRESET", "release")))
    parser.add_argument("--junit", help="write JUnit XML results here")
    parser.add_argument("tests", nargs="*", default=list(TESTS))
    options = parser.parse_args()
    results = SuiteResults("deploy")
    for name in options.tests:
        results.run(name, lambda: TESTS[name](options), catch=(Failure, FileNotFoundError))
    return results.finish(options.junit)


if __name__ == "__main__":
    sys.exit(main())

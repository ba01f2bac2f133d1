#!/usr/bin/env python3
"""The deployment kit, checked without a Docker engine (scripts/run-tests.sh deploy):

  prometheus   `promtool check config` and `promtool check rules` (Debian package prometheus)
  metrics      every metric named in the alert rules and the Grafana dashboard is one the
               api nodes or consumers register (api/, consumer/, http/)
  compose      `docker-compose config` (Debian package docker-compose) accepts the file; the
               services are named as in the seed, api and consumer have replicas, Redis
               persists (AOF), every dependency waits for a healthcheck, no secret has a default
  compose-env  every environment variable the compose file gives a live-analytics program is
               one that program accepts (its --help lists "(env NAME)")
  images       the images run as an unprivileged user
  cluster-env  the settings the local cluster exports (scripts/cluster.sh cluster_env) are ones
               la-api, la-consumer and la-admin accept, and its io threads per node are the
               cores over the nodes

usage: deploy_check_test.py [--bin-dir build/release] [--junit FILE] [test ...]
"""
import argparse
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
    for folder in ("api", "consumer", "http"):
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
        raise Failure(f"found only {len(code)} registered metrics in api/, consumer/, http/: {sorted(code)}")
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
    with open(os.path.join(ROOT, ".dockerignore"), encoding="utf-8") as f:
        if ".env" not in f.read().split():
            raise Failure(".dockerignore does not keep .env (secrets) out of the image")


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
         "compose-env": test_compose_env, "images": test_images, "cluster-env": test_cluster_env}


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

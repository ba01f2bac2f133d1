#!/usr/bin/env python3
"""The repository's documentation, checked against the repository (scripts/run-tests.sh docs):

  links        every relative link in README.md and docs/*.md names a file of the repository,
               and no tracked file cites a document outside it (the parent folder's design notes)
  settings     every setting la-api, la-consumer and la-admin accept (their --help) is in
               docs/operations.md
  readme-dev   the command blocks of the README's "Run it" and "Using it", run as written on
  readme-secret  a fresh cluster: in dev mode (no JWT_SECRET), then with a JWT_SECRET

The readme tests stop the running cluster (./dev down), start a fresh one in a folder of
their own (LA_STATE_DIR: new Kafka, Redis and FerretDB data on the standard ports), run
"Run it"'s `./dev up`, then every block of "Using it", then the rest of "Run it", and
start the original cluster again (./dev up). Each command's output is checked, not only
its exit status; a command the test has no check for fails it. Waits are on conditions
the README states (a like is counted within a second or two, a malformed event is
dead-lettered within a second), never a fixed sleep. One command is not run as written:
`./dev test` runs as `./dev test format`, since running every suite from inside one of
them would recurse.

usage: readme_test.py [--bin-dir build/release] [--junit FILE] [test ...]
"""
import argparse
import base64
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from suite_results import SuiteResults  # noqa: E402  (tests/suite_results.py)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
README = os.path.join(ROOT, "README.md")
NGINX = "http://127.0.0.1:8080"
# The environment a new user's shell has: nothing of the cluster's settings.
USER_ENV_NAMES = ("PATH", "HOME", "USER", "LANG", "LC_ALL", "TERM", "TMPDIR", "PRESET")
UP_TIMEOUT_S = 600  # ./dev up: the build is done, so this is installs checked and servers started
COMMAND_TIMEOUT_S = 300
PIPELINE_TIMEOUT_S = 60


class Failure(Exception):
    pass


# ---- reading the README ----

def readme_blocks(section):
    """The ```sh blocks of the README section titled `section`, each a list of lines."""
    text = open(README, encoding="utf-8").read()
    match = re.search(rf"^## {re.escape(section)}\n(.*?)(?=^## )", text, re.S | re.M)
    if not match:
        raise Failure(f'README.md has no section "## {section}"')
    return [block.splitlines() for block in re.findall(r"^```sh\n(.*?)^```", match.group(1), re.S | re.M)]


def commands_of(block):
    """(command, expected output lines) pairs of a block. A transcript block ("$ " prompts)
    lists each command's output after it; in a plain block every line that is neither empty
    nor a comment is a command."""
    if any(line.startswith("$ ") for line in block):
        pairs = []
        for line in block:
            if line.startswith("$ "):
                pairs.append((line[2:], []))
            elif pairs:
                pairs[-1][1].append(line)
        return pairs
    return [(line, None) for line in block if line.strip() and not line.lstrip().startswith("#")]


# ---- running it ----

def run_session(commands, env, timeout=COMMAND_TIMEOUT_S, waits=None):
    """Runs `commands` in one bash session (variables carry over), from the repository's
    root, and returns [(command, exit status, output)]. waits maps a command's index to a
    (what, bash condition) the session waits for before running it (PIPELINE_TIMEOUT_S at
    most, polling): a wait of the test's own, not part of the command."""
    script = [f"""la_wait() {{
  local what="$1" deadline=$((SECONDS + {PIPELINE_TIMEOUT_S}))
  until bash -c "$2" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then printf '\\n@@@ timeout: %s\\n' "$what"; exit 1; fi
    sleep 0.2
  done
}}"""]
    for index, command in enumerate(commands):
        if waits and index in waits:
            what, condition = waits[index]
            script.append(f"la_wait {shlex.quote(what)} {shlex.quote(condition)}")
        script.append(f"printf '\\n@@@ {index}\\n'")
        script.append(command)
        script.append(f"printf '\\n@@@ {index} rc=%d\\n' $?")
    result = subprocess.run(["bash", "-c", "\n".join(script)], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout,
                            errors="replace")
    if "@@@ timeout: " in result.stdout:
        what = result.stdout.split("@@@ timeout: ", 1)[1].splitlines()[0]
        raise Failure(f"{what}: not within {PIPELINE_TIMEOUT_S} s; the session's output:\n{result.stdout[-3000:]}")
    outputs = []
    for index, command in enumerate(commands):
        found = re.search(rf"\n@@@ {index}\n(.*)\n@@@ {index} rc=(\d+)\n", result.stdout, re.S)
        if not found:
            raise Failure(f"`{command}` did not finish; the session's output:\n{result.stdout[-3000:]}")
        outputs.append((command, int(found.group(2)), found.group(1)))
    return outputs


def dev(command, env, timeout=UP_TIMEOUT_S):
    """Runs one ./dev command line; returns its output (stdout and stderr), failing on a non-zero exit."""
    [(command, rc, output)] = run_session([command], env, timeout)
    if rc != 0:
        raise Failure(f"`{command}` exited with {rc}:\n{output[-3000:]}")
    return output


def http_json(method, path, body=None, token=None):
    request = urllib.request.Request(NGINX + path, method=method,
                                     data=json.dumps(body).encode() if body is not None else None)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def jwt_claims(token):
    parts = token.strip().split(".")
    if len(parts) != 3:
        raise Failure(f"not a JWT (three dot-separated parts): {token!r}")
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    return json.loads(base64.urlsafe_b64decode(payload))


def parse_json(command, output):
    try:
        return json.loads(output)
    except ValueError:
        raise Failure(f"`{command}` printed {output!r}, which is not JSON")


# ---- what each command must print ----

def check_register(command, output):
    if parse_json(command, output) != {"message": "User created"}:
        raise Failure(f'`{command}` printed {output!r}, expected {{"message":"User created"}}')


def check_silent(command, output):
    """An assignment (TOKEN=$(...), ADMIN=$(...)) or a produce prints nothing; the value it
    stored is checked by the commands that use it (a bad token gets a 401 there)."""
    if output.strip():
        raise Failure(f"`{command}` printed {output!r}, expected nothing")


def check_like(command, output):
    body = parse_json(command, output)
    if body.get("status") != "event queued" or not re.fullmatch(r"[A-Za-z0-9_.:-]{1,64}", str(body.get("eventId"))):
        raise Failure(f'`{command}` printed {output!r}, expected {{"status":"event queued","eventId":…}}')


def check_stream(command, output):
    body = parse_json(command, output)
    if body.get("streamId") != "my-stream" or body.get("likes") != 1:
        raise Failure(f"`{command}` printed {output[:300]!r}, expected my-stream with 1 like")
    for series, points in (("perMinute", 60), ("perHour", 24)):
        values = body.get(series)
        if not isinstance(values, list) or len(values) != points:
            raise Failure(f"`{command}`: {series} should have {points} points, got {values!r:.200}")
        if sum(point["likes"] for point in values) != 1 or values != sorted(values, key=lambda p: p["t"]):
            raise Failure(f"`{command}`: {series} should hold the one like, oldest point first: {values!r:.300}")
    if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", str(body.get("updatedAt"))):
        raise Failure(f"`{command}`: updatedAt {body.get('updatedAt')!r} is not an ISO-8601 time")


def check_top(command, output):
    if parse_json(command, output) != [{"streamId": "my-stream", "likes": 1}]:
        raise Failure(f'`{command}` printed {output!r}, expected [{{"streamId":"my-stream","likes":1}}] on a fresh cluster')


def check_top_watched(command, output):
    """Nobody watches a stream of the fresh cluster: no socket subscribed on /live."""
    if parse_json(command, output) != []:
        raise Failure(f"`{command}` printed {output!r}, expected [] (no viewers on a fresh cluster)")


def check_totals(command, output):
    body = parse_json(command, output)
    if (body.get("likes"), body.get("streams"), body.get("viewers")) != (1, 1, 0) \
            or not isinstance(body.get("partitions"), int) or body["partitions"] < 1:
        raise Failure(f'`{command}` printed {output!r}, expected {{"likes":1,"streams":1,"viewers":0,'
                      '"partitions":N}} on a fresh cluster with one like')


# Commands of plain blocks, by what they contain, the first that matches. Transcript blocks
# carry their own output.
CHECKS = [
    ("/auth/register", check_register),
    ("/auth/login", check_silent),
    ("/engagement/like", check_like),
    ("mint-token", check_silent),
    ("/streams/my-stream", check_stream),
    ("by=viewers", check_top_watched),
    ("/streams?top=", check_top),
    ("/totals", check_totals),
]

TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z")


def check_transcript(command, output, expected):
    """The README's output lines against the real ones: times may differ, whitespace runs
    are one space (the real columns are tab-separated), and "..." in an expected line (the
    README shortening a long column or line) stands for any text."""
    def normal(line):
        return " ".join(TIME.sub("<time>", line).split())
    actual = [normal(line) for line in output.splitlines() if line.strip()]
    wanted = [normal(line) for line in expected if line.strip()]
    if len(actual) != len(wanted):
        raise Failure(f"`{command}` printed {len(actual)} lines, the README shows {len(wanted)}:\n"
                      + "\n".join(actual))
    for real, shown in zip(actual, wanted):
        if real == shown or re.fullmatch(".*".join(re.escape(part) for part in shown.split("...")), real):
            continue
        raise Failure(f"`{command}` printed\n  {real}\nwhere the README shows\n  {shown}")


def check_command(command, rc, output, expected):
    if rc != 0:
        raise Failure(f"`{command}` exited with {rc}:\n{output[-2000:]}")
    if expected is not None:
        if command.startswith("printf"):
            return check_silent(command, output)
        return check_transcript(command, output, expected)
    for needle, check in CHECKS:
        if needle in command:
            return check(command, output)
    raise Failure(f"README command `{command}` has no check in tests/docs/readme_test.py; add one")


# ---- the readme tests ----

def user_env(state_dir, secret):
    env = {name: os.environ[name] for name in USER_ENV_NAMES if name in os.environ}
    env["LA_STATE_DIR"] = state_dir
    if secret:
        env["JWT_SECRET"] = secret
    return env


def admin_token(bin_dir, env):
    out = subprocess.run(["bash", "-c", 'source scripts/services.sh; source scripts/cluster.sh; cluster_env; '
                          f'"{bin_dir}/tools/la-admin" mint-token --id docs-test --role admin'],
                         cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return out.stdout.strip()


def check_up_output(output, secret):
    for wanted in ("live-analytics is up", "dashboard:    http://127.0.0.1:8080/admin"):
        if wanted not in output:
            raise Failure(f"./dev up did not print {wanted!r}:\n{output[-2000:]}")
    login = re.search(r"log in: +(\S+) / (\S+)", output)
    if secret:
        if "no admin yet" not in output:
            raise Failure(f"./dev up with JWT_SECRET and no ADMIN_EMAIL should say there is no admin yet:\n{output[-1500:]}")
        return None
    if not login:
        raise Failure(f"./dev up in dev mode printed no login:\n{output[-2000:]}")
    email, password = login.groups()
    status, body = http_json("POST", "/auth/login", {"email": email, "password": password})
    if status != 200 or jwt_claims(body["token"]).get("role") != "admin":
        raise Failure(f"the printed dev login {email} / {password} does not log in as an admin: {status} {body}")
    return f"dev login {email} / {password} works"


def readme_test(bin_dir, secret):
    run_it = [command for block in readme_blocks("Run it") for command, _ in commands_of(block)]
    if not run_it or not run_it[0].startswith("./dev up"):
        raise Failure(f'"Run it" should start with ./dev up, has {run_it[:1]}')
    using_it = [pair for block in readme_blocks("Using it") for pair in commands_of(block)]
    state_dir = tempfile.mkdtemp(prefix="la-docs-", dir=os.path.join(ROOT, ".local"))
    env = user_env(state_dir, secret)
    notes = []
    try:
        notes.append(check_up_output(dev(run_it[0], env), secret) or "./dev up: no admin yet, as printed")
        # What the README says a reader waits for: the like counted, the event dead-lettered.
        env_with_probe = dict(env, LA_PROBE_TOKEN=admin_token(bin_dir, env))
        waits = {}
        for index, (command, _) in enumerate(using_it):
            if "/streams/my-stream" in command:
                waits.setdefault(index, ("the like counted", "curl -fs localhost:8080/streams/my-stream "
                                         "-H \"Authorization: Bearer $LA_PROBE_TOKEN\""))
            if "/totals" in command:  # the partition's summary is moved after its streams
                waits.setdefault(index, ("the like in the cluster totals", "curl -fs localhost:8080/totals "
                                         "-H \"Authorization: Bearer $LA_PROBE_TOKEN\" | grep -q '\"likes\":1,'"))
            if command.startswith("./dev admin dlq"):
                waits.setdefault(index, ("the malformed event dead-lettered",
                                         "./dev admin dlq list --limit 1 | grep -q '1 dead letters'"))
        results = run_session([command for command, _ in using_it], env_with_probe, waits=waits)
        for (command, rc, output), (_, expected) in zip(results, using_it):
            check_command(command, rc, output, expected)

        for command in run_it[1:]:
            if command.startswith("./dev test"):
                output = dev(command.replace("./dev test", "./dev test format", 1), env)
                if not re.search(r"^\d+ passed, 0 failed$", output, re.M):
                    raise Failure(f"./dev test format did not pass:\n{output[-2000:]}")
            elif command.startswith("./dev down"):
                output = dev(command, env)
                if "stopped" not in output or port_open(8080):
                    raise Failure(f"./dev down left nginx answering on :8080:\n{output[-1000:]}")
            elif command.startswith("./dev reset"):
                output = dev(command, env)
                if os.listdir(os.path.join(state_dir, "data")):
                    raise Failure(f"./dev reset left data in {state_dir}/data:\n{output[-1000:]}")
            else:
                raise Failure(f'"Run it" command `{command}` has no check in tests/docs/readme_test.py')
        notes.append(f"{len(using_it)} Using-it commands and {len(run_it)} Run-it commands ran as written")
        return "; ".join(notes)
    finally:
        subprocess.run(["./dev", "down"], cwd=ROOT, env=env, capture_output=True)
        shutil.rmtree(state_dir, ignore_errors=True)




def port_open(port):
    import socket
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def restore_cluster():
    """Starts the cluster the suite found running again, with the environment it was given."""
    output = subprocess.run(["./dev", "up"], cwd=ROOT, capture_output=True, text=True, timeout=UP_TIMEOUT_S)
    if output.returncode != 0:
        raise Failure(f"./dev up (restoring the test cluster) failed:\n{output.stdout[-2000:]}{output.stderr[-2000:]}")


# ---- links and settings ----

def tracked_files():
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True)
    return listed.stdout.split()


def test_links(_options):
    files = set(tracked_files())
    documents = ["README.md"] + sorted(f for f in files if f.startswith("docs/") and f.endswith(".md"))
    checked = 0
    for document in documents:
        text = open(os.path.join(ROOT, document), encoding="utf-8").read()
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue
            path = os.path.normpath(os.path.join(os.path.dirname(document), target.split("#")[0]))
            if path not in files and not any(f.startswith(path + "/") for f in files):
                raise Failure(f"{document} links {target}, which is not a file of the repository")
            checked += 1
    # Spelled in pieces so that this file does not match itself.
    outside = re.compile(r"\.\./" + "shared" + "|" + "DESIGN" + r"\.md")
    for name in files:
        full = os.path.join(ROOT, name)
        if os.path.islink(full) or os.path.getsize(full) > 1 << 20:
            continue
        try:
            text = open(full, encoding="utf-8").read()
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if outside.search(line):
                raise Failure(f"{name}:{number} points outside the repository: {line.strip()}")
    return f"{checked} links in {len(documents)} documents resolve; nothing points outside the repository"


def test_settings(options):
    operations = open(os.path.join(ROOT, "docs", "operations.md"), encoding="utf-8").read()
    missing = []
    count = 0
    for program in ("api/la-api", "consumer/la-consumer", "tools/la-admin"):
        text = subprocess.run([os.path.join(options.bin_dir, program), "--help"], capture_output=True,
                              text=True, env={"PATH": os.environ["PATH"]}).stdout
        for flag, env in re.findall(r"--([a-z0-9-]+)=VALUE(?:\s+\(env ([A-Z0-9_]+)\))?", text):
            count += 1
            if f"`--{flag}`" not in operations or (env and f"`{env}`" not in operations):
                missing.append(f"{os.path.basename(program)} --{flag}" + (f" ({env})" if env else ""))
    if missing:
        raise Failure("docs/operations.md does not list these settings (as `--flag` and `ENV`): "
                      + ", ".join(sorted(set(missing))))
    return f"{count} settings of la-api, la-consumer and la-admin are in docs/operations.md"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin-dir", default=os.path.join(ROOT, "build", "release"))
    parser.add_argument("--junit")
    parser.add_argument("tests", nargs="*")
    options = parser.parse_args()
    options.bin_dir = os.path.abspath(options.bin_dir)
    secret = "docs-suite-secret-" + os.urandom(16).hex()
    tests = {
        "links": lambda: test_links(options),
        "settings": lambda: test_settings(options),
        "readme-dev": lambda: readme_test(options.bin_dir, None),
        "readme-secret": lambda: readme_test(options.bin_dir, secret),
    }
    chosen = options.tests or list(tests)
    results = SuiteResults("docs")
    cluster_was_up = port_open(8080)
    readme = [name for name in chosen if name.startswith("readme")]
    try:
        if readme and cluster_was_up:
            subprocess.run(["./dev", "down"], cwd=ROOT, capture_output=True, check=True)
        for name in chosen:
            if name not in tests:
                results.add_failure(name, f"no test {name} (have {', '.join(tests)})", "")
                continue
            results.run(name, tests[name], catch=(Failure, subprocess.SubprocessError))
    finally:
        if readme and cluster_was_up:
            results.run("restore-cluster", restore_cluster, catch=(Failure, subprocess.SubprocessError))
    return results.finish(options.junit)


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env bash
# Runs every test suite against the running local cluster and prints one summary
# line, "N passed, N failed". Called by `./dev test` after the set-up.
# Usage: run-tests.sh [suite ...]   (default: all suites)
set -uo pipefail
ROOT="${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
BIN="$ROOT/build/${PRESET:-release}"
OUT="$ROOT/test-output"
mkdir -p "$OUT"
passed=0 failed=0 failed_suites=()

# gtest SUITE BINARY [ARGS...]: runs a GoogleTest binary and adds up its results.
gtest() {
  local suite="$1"; shift
  echo "=== $suite"
  "$@" --gtest_output="xml:$OUT/$suite.xml" 2>&1 | tee "$OUT/$suite.log" | grep -E '^\[ *(OK|FAILED|PASSED|RUN) *\]|Failure|error:' | grep -v '^\[ RUN'
  local rc=${PIPESTATUS[0]}
  count_junit "$suite" "$OUT/$suite.xml" "$rc"
}

# node SUITE FILES...: runs Node's test runner and adds up its results.
nodetest() {
  local suite="$1"; shift
  echo "=== $suite"
  node --test --test-reporter=junit --test-reporter-destination="$OUT/$suite.xml" \
       --test-reporter=spec --test-reporter-destination=stdout "$@" 2>&1 | tee "$OUT/$suite.log"
  local rc=${PIPESTATUS[0]}
  count_junit "$suite" "$OUT/$suite.xml" "$rc"
}

# pyscript SUITE SCRIPT [ARGS...]: runs a Python test script that writes JUnit XML
# to the file given after --junit, and adds up its results.
pyscript() {
  local suite="$1"; shift
  echo "=== $suite"
  python3 "$@" --junit "$OUT/$suite.xml" 2>&1 | tee "$OUT/$suite.log"
  local rc=${PIPESTATUS[0]}
  count_junit "$suite" "$OUT/$suite.xml" "$rc"
}

count_junit() {
  local suite="$1" xml="$2" rc="$3" p f
  read -r p f < <(python3 - "$xml" <<'PY'
import re, sys, xml.etree.ElementTree as ET
try:
    text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
    # Failure messages may carry terminal colour codes, which XML does not allow.
    root = ET.fromstring(re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", text))
except Exception:
    print(0, 1); sys.exit()
cases = root.iter("testcase")
p = f = 0
for c in cases:
    if c.find("failure") is not None or c.find("error") is not None: f += 1
    elif c.find("skipped") is None: p += 1
print(p, f)
PY
)
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi  # a crash counts as a failure
  passed=$((passed + p)); failed=$((failed + f))
  [ "$f" -eq 0 ] || failed_suites+=("$suite")
  echo "--- $suite: $p passed, $f failed"
}

suites=("$@")
# `docs` stops the cluster, runs the README on fresh ones and starts it again, so it runs
# before the suites that use the cluster; `outage` stops and restarts the shared Kafka
# broker, so it runs last.
[ ${#suites[@]} -gt 0 ] || suites=(format layering unit web deploy docs integration e2e browser chaos brokers abuse image outage)
for s in "${suites[@]}"; do
  case "$s" in
    format) pyscript format "$ROOT/tests/format_check.py" ;;  # clang-format --dry-run -Werror, bash -n
    # Every #include against the placement rules, no folder cycles; prints what it measures.
    layering) pyscript layering "$ROOT/tests/layering_check.py" --stats ;;
    unit) gtest unit "${SANITIZED_BIN:-$BIN}/tests/unit_tests" ;;
    integration) gtest integration "$BIN/tests/integration_tests" --gtest_filter='-KafkaOutage.*' ;;
    web) nodetest web "$ROOT"/web/test/*.test.mjs ;;
    e2e) LA_API_BIN="${SANITIZED_BIN:-$BIN}/api/la-api" nodetest e2e "$ROOT"/tests/e2e/socketio.{protocol,client,node,slow_client,redis_restart,cluster}.test.mjs \
           "$ROOT/tests/e2e/sticky_sessions.cluster.test.mjs" "$ROOT/tests/e2e/kafka_topics.test.mjs" \
           "$ROOT/tests/e2e/viewers.cluster.test.mjs" \
           "$ROOT/tests/e2e/seed_dashboard.browser.test.mjs" ;;
    browser) nodetest browser "$ROOT/tests/e2e/dashboard.browser.test.mjs" "$ROOT/tests/e2e/history.browser.test.mjs" \
               "$ROOT/tests/e2e/viewers.browser.test.mjs" ;;
    outage) gtest outage "$BIN/tests/integration_tests" --gtest_filter='KafkaOutage.*' ;;
    deploy) pyscript deploy "$ROOT/tests/deploy/deploy_check_test.py" --bin-dir "$BIN" ;;
    docs) pyscript docs "$ROOT/tests/docs/readme_test.py" --bin-dir "$BIN" ;;
    # deploy/Dockerfile built by a private Docker engine and run against the local servers.
    image) pyscript image "$ROOT/tests/image/image_test.py" ;;
    chaos) pyscript chaos "$ROOT/tests/chaos/consumer_chaos_test.py" --bin-dir "$BIN"
           pyscript chaos-cluster "$ROOT/tests/chaos/cluster_chaos_test.py" --bin-dir "$BIN" ;;
    # A private cluster with 3 Kafka brokers beside the running one; the leader of the busiest
    # partitions killed under load, then two brokers at once (no 202 may come meanwhile). All the
    # broker faults: ./dev chaos --brokers 3.
    brokers) pyscript chaos-brokers "$ROOT/tests/chaos/cluster_chaos_test.py" --bin-dir "$BIN" \
               --brokers 3 leader two-down ;;
    # An api node of its own on port 3410, attacked; then the ASan + UBSan build, if any, with
    # bounds for its cost: its shadow memory, and ~10x the CPU per frame (so the dashboards'
    # p99 floor is 2 s: 330 ms was measured once with 20 slow subscribers, 39-43 ms without).
    abuse) pyscript abuse "$ROOT/tests/abuse/abuse_test.py" --api-bin "$BIN/api/la-api"
           if [ -n "${SANITIZED_BIN:-}" ]; then
             pyscript abuse-sanitized "$ROOT/tests/abuse/abuse_test.py" --api-bin "$SANITIZED_BIN/api/la-api" \
               --admin-bin "$BIN/tools/la-admin" --label sanitized --rss-mb 1500 --memory-growth-mb 256 \
               --p99-floor-ms 2000
           fi ;;
    *) echo "unknown suite $s"; failed=$((failed + 1)) ;;
  esac
done

echo
[ ${#failed_suites[@]} -eq 0 ] || echo "failed suites: ${failed_suites[*]} (logs in test-output/)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

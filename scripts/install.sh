#!/usr/bin/env bash
# Installs everything the project needs that a fresh Debian 12 machine lacks:
# Debian packages (compilers' libraries, Redis, nginx, kcat), Kafka's jars from
# Maven Central, FerretDB through the Go module proxy, and the npm packages.
# What only the tests need (chromium, promtool, docker-compose, Docker's engine and
# debootstrap, the e2e test clients) comes with the steps apt-test and npm-test, which
# `./dev test` runs and `./dev up` does not.
# Idempotent: each step is skipped when its result is already there.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCAL="$ROOT/.local"
mkdir -p "$LOCAL"

log() { printf '[install] %s\n' "$*"; }

# What building and running need (`./dev up`). The unit-test libraries are here
# too: the one CMake build compiles the tests with everything else. ccache makes
# rebuilds cheap, and the image build (deploy/Dockerfile) reads what it holds.
APT_RUN_PACKAGES=(
  build-essential cmake ninja-build pkg-config clang-format ccache
  libboost-dev libboost-system-dev libboost-program-options-dev
  librdkafka-dev libmongoc-dev libbson-dev libhiredis-dev libsodium-dev
  libssl-dev libsimdjson-dev patch nlohmann-json3-dev libspdlog-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  redis-server redis-tools nginx-light kcat curl procps jq
)
# What only the test suites need (`./dev test`).
APT_TEST_PACKAGES=(
  chromium fonts-liberation      # browser tests (driven by playwright-core)
  prometheus                     # promtool: the deploy suite checks deploy/prometheus
  docker-compose python3-yaml    # `docker-compose config`: the deploy suite checks the compose file
  docker.io debootstrap          # the image suite: a private engine builds and runs deploy/Dockerfile
)

# install_apt PACKAGE...: installs those not installed yet, showing apt's progress.
install_apt() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep "install ok installed" >/dev/null || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then return 0; fi
  log "installing ${#missing[@]} Debian packages: ${missing[*]}"
  log "(a first install downloads a few hundred MB; apt's progress follows)"
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -q
  # One line per download and per package set up; errors pass through. pipefail
  # keeps apt-get's status (the grep never fails).
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" 2>&1 \
    | { grep --line-buffered -E '^(Get:|Setting up|Need to get|E:|W:)' || true; }
  # Debian starts the packaged services on install; the project runs its own
  # instances. Only a daemon whose package was installed just now is stopped, so
  # the project's own Redis and nginx, if they run, are left alone.
  local just_installed=" ${missing[*]} " package_daemon package daemon
  for package_daemon in redis-server:redis-server nginx-light:nginx prometheus:prometheus; do
    package="${package_daemon%%:*}" daemon="${package_daemon##*:}"
    [[ "$just_installed" == *" $package "* ]] || continue
    $sudo systemctl disable --now "$daemon" >/dev/null 2>&1 || $sudo service "$daemon" stop >/dev/null 2>&1 || true
    pkill -x "$daemon" 2>/dev/null || true
  done
  # The machine's Docker engine is not used (the image suite starts its own, scripts/image.sh),
  # so the one the package starts is stopped; by its service only, never by process name, which
  # would also stop private engines.
  if [[ "$just_installed" == *" docker.io "* ]]; then
    for daemon in docker.socket docker containerd; do
      $sudo systemctl disable --now "$daemon" >/dev/null 2>&1 || $sudo service "$daemon" stop >/dev/null 2>&1 || true
    done
  fi
  log "Debian packages installed"
}

KAFKA_VERSION="${KAFKA_VERSION:-4.1.1}"
install_kafka() {
  local dir="$LOCAL/kafka/libs"
  if [ -f "$LOCAL/kafka/.version" ] && [ "$(cat "$LOCAL/kafka/.version")" = "$KAFKA_VERSION" ]; then return 0; fi
  log "fetching Apache Kafka $KAFKA_VERSION jars from Maven Central"
  rm -rf "$dir"; mkdir -p "$dir"
  mvn -q -B -f "$ROOT/scripts/kafka/pom.xml" -Dkafka.version="$KAFKA_VERSION" \
    dependency:copy-dependencies -DoutputDirectory="$dir" -DincludeScope=runtime
  echo "$KAFKA_VERSION" > "$LOCAL/kafka/.version"
}

FERRETDB_VERSION="v1.24.2"
# Our patch (its header says why): _id lookups through the index, no hang under
# concurrent multi-statement updates, one transaction per update command with each
# write conditional on the document read, per-statement write errors. Rebuilt
# whenever the patch's hash differs from the one the binary was built from.
FERRETDB_PATCH="$ROOT/scripts/ferretdb/ferretdb-$FERRETDB_VERSION-live-analytics.patch"
install_ferretdb() {
  local bin="$LOCAL/bin/ferretdb" stamp="$LOCAL/bin/ferretdb.patch.sha256"
  local want; want="$(sha256sum "$FERRETDB_PATCH" | cut -d' ' -f1)"
  # grep reads all of --version's output (no -q): with pipefail, a grep that stops at the first
  # match can make ferretdb die of SIGPIPE and the check fail at random.
  if [ -x "$bin" ] && "$bin" --version 2>/dev/null | grep "${FERRETDB_VERSION#v}" >/dev/null \
     && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then return 0; fi
  log "building FerretDB $FERRETDB_VERSION (with scripts/ferretdb's patch) from the Go module proxy"
  mkdir -p "$LOCAL/bin" "$LOCAL/go"
  export GOPATH="$LOCAL/go" GOFLAGS=-modcacherw
  # `go install` leaves out build/version/version.txt, which FerretDB embeds and
  # requires; build from a copy of the module source with that file written.
  local mod src="$LOCAL/src/ferretdb"
  mod="$(go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
  rm -rf "$src"; mkdir -p "$(dirname "$src")"; cp -r "$mod" "$src"; chmod -R u+w "$src"
  echo "$FERRETDB_VERSION" > "$src/build/version/version.txt"
  patch -s -p1 -d "$src" < "$FERRETDB_PATCH"
  (cd "$src" && go build -tags ferretdb_no_postgresql -o "$bin" ./cmd/ferretdb)
  echo "$want" > "$stamp"
}

install_npm() {
  [ -f "$ROOT/web/package.json" ] || return 0
  if [ -d "$ROOT/web/node_modules" ] && [ "$ROOT/web/node_modules/.package-lock.json" -nt "$ROOT/web/package.json" ]; then return 0; fi
  log "installing npm packages for web/ (the dashboard build)"
  (cd "$ROOT/web" && npm ci --no-audit --no-fund --silent)
}

# socket.io-client and ws for the Socket.IO end-to-end tests (tests/e2e).
install_e2e_npm() {
  local dir="$ROOT/tests/e2e"
  if [ -d "$dir/node_modules" ] && [ "$dir/node_modules/.package-lock.json" -nt "$dir/package-lock.json" ]; then return 0; fi
  log "installing npm packages for tests/e2e"
  (cd "$dir" && npm ci --no-audit --no-fund --silent)
}

# clang and its libFuzzer runtime for `./dev fuzz` (fuzz/), only when fuzzing.
FUZZ_APT_PACKAGES=(clang-14 libclang-rt-14-dev)
install_fuzz() {
  install_apt "${FUZZ_APT_PACKAGES[@]}"
}

# Steps run in the order given (default: all of them but fuzz).
[ $# -gt 0 ] || set -- all
for step in "$@"; do
  case "$step" in
    apt) install_apt "${APT_RUN_PACKAGES[@]}" ;;
    apt-test) install_apt "${APT_TEST_PACKAGES[@]}" ;;
    kafka) install_kafka ;;
    ferretdb) install_ferretdb ;;
    npm) install_npm ;;
    npm-test) install_e2e_npm ;;
    fuzz) install_fuzz ;;
    all) install_apt "${APT_RUN_PACKAGES[@]}" "${APT_TEST_PACKAGES[@]}"; install_kafka; install_ferretdb
         install_npm; install_e2e_npm ;;
    *) echo "usage: $0 [apt|apt-test|kafka|ferretdb|npm|npm-test|fuzz|all]..." >&2; exit 2 ;;
  esac
done

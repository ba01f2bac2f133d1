#!/usr/bin/env bash
# Installs everything the project needs that a fresh Debian 12 machine lacks:
# Debian packages (compilers' libraries, Redis, nginx, kcat, chromium), Kafka's jars
# from Maven Central, FerretDB through the Go module proxy, and the npm packages.
# Idempotent: each step is skipped when its result is already there.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCAL="$ROOT/.local"
mkdir -p "$LOCAL"

log() { printf '[install] %s\n' "$*"; }

APT_PACKAGES=(
  build-essential cmake ninja-build pkg-config clang-format
  libboost-dev libboost-system-dev libboost-program-options-dev
  librdkafka-dev libmongoc-dev libbson-dev libhiredis-dev libsodium-dev
  libssl-dev libsimdjson-dev nlohmann-json3-dev libspdlog-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  redis-server redis-tools nginx-light kcat curl procps jq
  chromium fonts-liberation   # browser tests (driven by playwright-core)
)

# install_apt [PACKAGE...]: the given packages (default: APT_PACKAGES) that are missing.
install_apt() {
  local missing=() wanted=("$@")
  [ ${#wanted[@]} -gt 0 ] || wanted=("${APT_PACKAGES[@]}")
  for p in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then return 0; fi
  log "apt packages missing: ${missing[*]}"
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
  # Debian starts the packaged services on install; the project runs its own instances.
  for svc in redis-server nginx; do
    $sudo systemctl disable --now "$svc" >/dev/null 2>&1 || $sudo service "$svc" stop >/dev/null 2>&1 || true
  done
  pkill -x redis-server 2>/dev/null || true
  pkill -x nginx 2>/dev/null || true
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
install_ferretdb() {
  local bin="$LOCAL/bin/ferretdb"
  if [ -x "$bin" ] && "$bin" --version 2>/dev/null | grep -q "${FERRETDB_VERSION#v}"; then return 0; fi
  log "building FerretDB $FERRETDB_VERSION from the Go module proxy"
  mkdir -p "$LOCAL/bin" "$LOCAL/go"
  export GOPATH="$LOCAL/go" GOFLAGS=-modcacherw
  # `go install` leaves out build/version/version.txt, which FerretDB embeds and
  # requires; build from a copy of the module source with that file written.
  local mod src="$LOCAL/src/ferretdb"
  mod="$(go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
  rm -rf "$src"; mkdir -p "$(dirname "$src")"; cp -r "$mod" "$src"; chmod -R u+w "$src"
  echo "$FERRETDB_VERSION" > "$src/build/version/version.txt"
  (cd "$src" && go build -tags ferretdb_no_postgresql -o "$bin" ./cmd/ferretdb)
}

install_npm() {
  [ -f "$ROOT/web/package.json" ] || return 0
  if [ -d "$ROOT/web/node_modules" ] && [ "$ROOT/web/node_modules/.package-lock.json" -nt "$ROOT/web/package.json" ]; then return 0; fi
  log "installing npm packages for web/ and tests"
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
    apt) install_apt ;;
    kafka) install_kafka ;;
    ferretdb) install_ferretdb ;;
    npm) install_npm; install_e2e_npm ;;
    fuzz) install_fuzz ;;
    all) install_apt; install_kafka; install_ferretdb; install_npm; install_e2e_npm ;;
    *) echo "usage: $0 [apt|kafka|ferretdb|npm|fuzz|all]..." >&2; exit 2 ;;
  esac
done

#!/usr/bin/env bash
# Starts and stops the local servers: Kafka (KRaft), Redis, FerretDB, and later the
# project's own processes and nginx. Sourced by ./dev; every process started here
# has its PID under .local/run, its log under .local/log and its data under .local/data.
ROOT="${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
LOCAL="$ROOT/.local"
RUN_DIR="$LOCAL/run"
LOG_DIR="$LOCAL/log"
DATA_DIR="$LOCAL/data"
mkdir -p "$RUN_DIR" "$LOG_DIR" "$DATA_DIR"

KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
REDIS_PORT="${REDIS_PORT:-6379}"
MONGO_PORT="${MONGO_PORT:-27017}"
NGINX_PORT="${NGINX_PORT:-8080}"
# The local broker shares two cores with everything else: 1 network and 2 request threads
# instead of Kafka's 3 and 8, and a JVM whose collector and JIT compilers do not spread
# over more threads than there are cores (the serial collector, 2 compiler threads). Each
# cost the broker 10-25 µs less CPU per like here (bench/RESULTS.md, "cost per like");
# a production broker keeps Kafka's defaults or more (docs/capacity.md).
KAFKA_NETWORK_THREADS="${KAFKA_NETWORK_THREADS:-1}"
KAFKA_IO_THREADS="${KAFKA_IO_THREADS:-2}"
KAFKA_JVM_OPTS="${KAFKA_JVM_OPTS:--Xmx512m -Xms512m -XX:+UseSerialGC -XX:CICompilerCount=2}"

svc_log() { printf '[dev] %s\n' "$*"; }

svc_pid() { cat "$RUN_DIR/$1.pid" 2>/dev/null; }

svc_running() {
  local pid; pid="$(svc_pid "$1")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# port_open PORT: true when something accepts TCP connections on 127.0.0.1:PORT.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# svc_start NAME CMD...: runs CMD in the background in its own session, logging to
# .local/log/NAME.log. Does nothing if NAME already runs.
svc_start() {
  local name="$1"; shift
  if svc_running "$name"; then return 0; fi
  setsid "$@" >>"$LOG_DIR/$name.log" 2>&1 < /dev/null &
  echo $! > "$RUN_DIR/$name.pid"
}

# svc_wait NAME TIMEOUT_S CHECK...: waits until CHECK succeeds. On timeout or if the
# process died, prints the tail of its log and returns 1.
svc_wait() {
  local name="$1" timeout="$2"; shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if ! svc_running "$name"; then
      svc_log "$name exited during start-up; last lines of $LOG_DIR/$name.log:"
      tail -n 40 "$LOG_DIR/$name.log" >&2; return 1
    fi
    if [ $SECONDS -ge $deadline ]; then
      svc_log "$name not ready after ${timeout}s; last lines of $LOG_DIR/$name.log:"
      tail -n 40 "$LOG_DIR/$name.log" >&2; return 1
    fi
    sleep 0.2
  done
}

# svc_stop NAME [TIMEOUT_S]: SIGTERM, then SIGKILL after the timeout.
svc_stop() {
  local name="$1" timeout="${2:-20}" pid
  pid="$(svc_pid "$name")"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null
    local deadline=$((SECONDS + timeout))
    while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && { svc_log "$name did not stop in ${timeout}s; killing"; kill -KILL "$pid" 2>/dev/null; }
  fi
  rm -f "$RUN_DIR/$name.pid"
}

# Refuses to start a server whose port another process (not ours) already holds.
require_free_port() {
  local name="$1" port="$2"
  if ! svc_running "$name" && port_open "$port"; then
    svc_log "port $port is taken by another process, so $name cannot start; stop it or set the port variable"
    return 1
  fi
}

start_kafka() {
  svc_running kafka && return 0
  require_free_port kafka "$KAFKA_PORT" || return 1
  local dir="$LOCAL/kafka" data="$DATA_DIR/kafka"
  mkdir -p "$data"
  sed -e "s|@KAFKA_PORT@|$KAFKA_PORT|g" -e "s|@KAFKA_CONTROLLER_PORT@|$KAFKA_CONTROLLER_PORT|g" \
      -e "s|@KAFKA_DATA@|$data|g" -e "s|@KAFKA_NETWORK_THREADS@|$KAFKA_NETWORK_THREADS|g" \
      -e "s|@KAFKA_IO_THREADS@|$KAFKA_IO_THREADS|g" \
      "$ROOT/scripts/kafka/server.properties.in" > "$dir/server.properties"
  local jvm_opts java
  read -r -a jvm_opts <<< "$KAFKA_JVM_OPTS"
  java=(java "${jvm_opts[@]}"
        -Dkafka.logs.dir="$LOG_DIR" -Dlog4j2.configurationFile="$ROOT/scripts/kafka/log4j2.properties"
        -cp "$dir/libs/*")
  if [ ! -f "$data/meta.properties" ]; then
    svc_log "formatting Kafka storage in $data"
    "${java[@]}" kafka.tools.StorageTool format -t "$("${java[@]}" kafka.tools.StorageTool random-uuid)" \
      -c "$dir/server.properties" >>"$LOG_DIR/kafka.log" 2>&1 \
      || { tail -n 20 "$LOG_DIR/kafka.log" >&2; return 1; }
  fi
  svc_log "starting Kafka on 127.0.0.1:$KAFKA_PORT"
  svc_start kafka "${java[@]}" kafka.Kafka "$dir/server.properties"
}
wait_kafka() { svc_wait kafka 90 kcat -b "127.0.0.1:$KAFKA_PORT" -L -m 2 -t __none__; }

start_redis() {
  svc_running redis && return 0
  require_free_port redis "$REDIS_PORT" || return 1
  mkdir -p "$DATA_DIR/redis"
  svc_log "starting Redis on 127.0.0.1:$REDIS_PORT"
  # AOF, fsync every second: dedup keys must survive a restart, or a client's
  # retry of an already counted like is counted again (README, Exactly once).
  # noeviction: Redis refuses writes when full rather than dropping dedup keys.
  svc_start redis redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$DATA_DIR/redis" \
    --save "" --appendonly yes --appendfsync everysec --maxmemory-policy noeviction \
    --daemonize no --protected-mode yes
}
# Redis answers PING only once it has loaded its AOF (the dedup keys): ~15 s per GB here, so a
# long-used local Redis needs more than a fresh one.
wait_redis() { svc_wait redis 120 sh -c "redis-cli -p $REDIS_PORT ping | grep -q PONG"; }

start_ferretdb() {
  svc_running ferretdb && return 0
  require_free_port ferretdb "$MONGO_PORT" || return 1
  mkdir -p "$DATA_DIR/ferretdb"
  svc_log "starting FerretDB (MongoDB wire protocol, SQLite) on 127.0.0.1:$MONGO_PORT"
  # synchronous(normal) in WAL mode: a commit survives a crash of any process
  # (kill -9 included) but not a power cut; fsync per commit cost more than the update.
  svc_start ferretdb "$LOCAL/bin/ferretdb" --handler=sqlite \
    --sqlite-url="file:$DATA_DIR/ferretdb/?_pragma=synchronous(normal)" \
    --listen-addr="127.0.0.1:$MONGO_PORT" --telemetry=disable --log-level=warn \
    --debug-addr=- --state-dir="$DATA_DIR/ferretdb"
}
wait_ferretdb() { svc_wait ferretdb 30 port_open "$MONGO_PORT"; }

start_infra() {
  start_kafka && start_redis && start_ferretdb || return 1
  wait_redis && wait_ferretdb && wait_kafka || return 1
  svc_log "Kafka, Redis and FerretDB are ready"
}

#!/usr/bin/env bash
# Starts and stops the local servers: Kafka (KRaft), Redis, FerretDB, and later the
# project's own processes and nginx. Sourced by ./dev; every process started here
# has its PID under .local/run, its log under .local/log and its data under .local/data.
# Downloads and builds (.local/kafka/libs, .local/bin) are in .local; what a running
# cluster writes is in STATE_DIR, .local unless LA_STATE_DIR names another folder (the
# docs suite runs a fresh cluster there, tests/docs/readme_test.py; the 3-broker chaos
# suite a private one beside the standard one).
ROOT="${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
LOCAL="$ROOT/.local"
STATE_DIR="${LA_STATE_DIR:-$LOCAL}"
RUN_DIR="$STATE_DIR/run"
LOG_DIR="$STATE_DIR/log"
DATA_DIR="$STATE_DIR/data"
NGINX_DIR="$STATE_DIR/nginx"
mkdir -p "$RUN_DIR" "$LOG_DIR" "$DATA_DIR"

KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
# KAFKA_NODES: 1 (default, light: one combined broker + controller, service `kafka`) or 3
# (services kafka-1..3, each a combined broker + controller with its own ports and data;
# topics get 3 copies, 2 of them in sync). The size of the running cluster is remembered in
# $RUN_DIR/kafka-nodes, so later commands (./dev test, the chaos suites) need not repeat it.
KAFKA_NODES="${KAFKA_NODES:-$(cat "$RUN_DIR/kafka-nodes" 2>/dev/null || echo 1)}"
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
# Heap: 512 MiB for one node, 384 MiB each for three, enough for the project's topics.
KAFKA_HEAP="$([ "$KAFKA_NODES" = 1 ] && echo 512m || echo 384m)"
KAFKA_JVM_OPTS="${KAFKA_JVM_OPTS:--Xmx$KAFKA_HEAP -Xms$KAFKA_HEAP -XX:+UseSerialGC -XX:CICompilerCount=2}"
# FerretDB (Go) spent ~30 % of its CPU in its collector at 5,000 likes/s; GOGC 400 trades
# ~25 MB of heap for 7-12 µs less CPU per like (bench/RESULTS.md, "cost per like", A/B 9).
FERRETDB_GOGC="${FERRETDB_GOGC:-400}"

svc_log() { printf '[dev] %s\n' "$*"; }

# The pid of NAME, or nothing when it has no pid file (never a failure: callers run under
# set -e, and stopping what is already stopped must succeed).
svc_pid() { cat "$RUN_DIR/$1.pid" 2>/dev/null || true; }

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

# --- Kafka: KAFKA_NODES combined broker + controller processes (KRaft) ---
# Node i (from 1) listens on KAFKA_PORT + 2(i-1) and its controller on
# KAFKA_CONTROLLER_PORT + 2(i-1): 9092/9093, 9094/9095, 9096/9097 by default.
kafka_port() { echo $((KAFKA_PORT + 2 * ($1 - 1))); }
kafka_controller_port() { echo $((KAFKA_CONTROLLER_PORT + 2 * ($1 - 1))); }
kafka_node_name() { if [ "$KAFKA_NODES" = 1 ]; then echo kafka; else echo "kafka-$1"; fi; }
# Every broker, comma-separated: what KAFKA_BROKERS lists for the clients.
kafka_brokers() {
  local i list=()
  for i in $(seq 1 "$KAFKA_NODES"); do list+=("127.0.0.1:$(kafka_port "$i")"); done
  (IFS=,; echo "${list[*]}")
}
# Copies of each partition of the project's topics and of Kafka's internal ones, and how
# many must have a write before acks=all succeeds.
kafka_replication_factor() { if [ "$KAFKA_NODES" -ge 3 ]; then echo 3; else echo 1; fi; }
kafka_min_insync_replicas() { if [ "$KAFKA_NODES" -ge 3 ]; then echo 2; else echo 1; fi; }
# The data of one node. A single node keeps .local/data/kafka; the 3-node cluster has its
# own folders (a KRaft log formatted for one voter cannot join a quorum of three).
kafka_data_dir() { if [ "$KAFKA_NODES" = 1 ]; then echo "$DATA_DIR/kafka"; else echo "$DATA_DIR/kafka$KAFKA_NODES/node-$1"; fi; }

# Names of Kafka services that have a pid file, whatever the cluster's size.
kafka_pid_names() {
  local pidfile
  for pidfile in "$RUN_DIR"/kafka.pid "$RUN_DIR"/kafka-[0-9]*.pid; do
    [ -e "$pidfile" ] && basename "$pidfile" .pid
  done
}

start_kafka() {
  case "$KAFKA_NODES" in
    1|3) ;;
    *) svc_log "KAFKA_NODES must be 1 or 3 (Kafka nodes to start), got '$KAFKA_NODES'"; return 1 ;;
  esac
  local name i formats=()
  for name in $(kafka_pid_names); do
    if svc_running "$name" && [ "$name" != "$(kafka_node_name "${name#kafka-}")" ]; then
      svc_log "a Kafka cluster of another size runs ($name); ./dev down first (its data is kept), then start again with KAFKA_NODES=$KAFKA_NODES"
      return 1
    fi
  done
  echo "$KAFKA_NODES" > "$RUN_DIR/kafka-nodes"
  # One cluster id for every node, kept with their data.
  local id_file="$DATA_DIR/kafka$KAFKA_NODES.cluster-id"
  [ -s "$id_file" ] || new_kafka_cluster_id > "$id_file"
  for i in $(seq 1 "$KAFKA_NODES"); do
    name="$(kafka_node_name "$i")"
    svc_running "$name" && continue
    require_free_port "$name" "$(kafka_port "$i")" && require_free_port "$name" "$(kafka_controller_port "$i")" || return 1
    write_kafka_properties "$i"
    if [ ! -f "$(kafka_data_dir "$i")/meta.properties" ]; then  # new storage: formatted side by side
      svc_log "formatting Kafka storage in $(kafka_data_dir "$i")"
      kafka_java "$name"
      "${KAFKA_JAVA[@]}" kafka.tools.StorageTool format -t "$(cat "$id_file")" -c "$RUN_DIR/$name.properties" \
        >>"$LOG_DIR/$name.log" 2>&1 &
      formats+=("$!:$name")
    fi
  done
  local format
  for format in "${formats[@]}"; do
    wait "${format%%:*}" || { name="${format#*:}"; tail -n 20 "$LOG_DIR/$name.log" >&2; return 1; }
  done
  for i in $(seq 1 "$KAFKA_NODES"); do
    name="$(kafka_node_name "$i")"
    svc_running "$name" && continue
    svc_log "starting $name on 127.0.0.1:$(kafka_port "$i")"
    kafka_java "$name"
    svc_start "$name" "${KAFKA_JAVA[@]}" kafka.Kafka "$RUN_DIR/$name.properties"
  done
}

# A KRaft cluster id: 16 random bytes, base64url without padding (what `kafka-storage.sh
# random-uuid` prints, without starting a JVM); never one that starts with "-".
new_kafka_cluster_id() {
  python3 -c 'import base64, os
while True:
    id = base64.urlsafe_b64encode(os.urandom(16)).decode().rstrip("=")
    if not id.startswith("-"):
        print(id)
        break'
}

# Sets KAFKA_JAVA to the command line of Java (KAFKA_JVM_OPTS) with the broker's jars,
# logging to .local/log/NAME.log.
kafka_java() {
  local jvm_opts
  read -r -a jvm_opts <<< "$KAFKA_JVM_OPTS"
  KAFKA_JAVA=(java "${jvm_opts[@]}" -Dkafka.logs.dir="$LOG_DIR" -Dla.kafka.log="$1"
              -Dlog4j2.configurationFile="$ROOT/scripts/kafka/log4j2.properties" -cp "$LOCAL/kafka/libs/*")
}

# Writes $RUN_DIR/NAME.properties, the configuration of node I.
write_kafka_properties() {
  local i="$1" voters="" n
  for n in $(seq 1 "$KAFKA_NODES"); do voters+="${voters:+,}$n@127.0.0.1:$(kafka_controller_port "$n")"; done
  mkdir -p "$(kafka_data_dir "$i")"
  sed -e "s|@KAFKA_NODE_ID@|$i|g" -e "s|@KAFKA_VOTERS@|$voters|g" \
      -e "s|@KAFKA_PORT@|$(kafka_port "$i")|g" -e "s|@KAFKA_CONTROLLER_PORT@|$(kafka_controller_port "$i")|g" \
      -e "s|@KAFKA_DATA@|$(kafka_data_dir "$i")|g" -e "s|@KAFKA_NETWORK_THREADS@|$KAFKA_NETWORK_THREADS|g" \
      -e "s|@KAFKA_IO_THREADS@|$KAFKA_IO_THREADS|g" \
      -e "s|@KAFKA_REPLICATION_FACTOR@|$(kafka_replication_factor)|g" \
      -e "s|@KAFKA_MIN_INSYNC_REPLICAS@|$(kafka_min_insync_replicas)|g" \
      "$ROOT/scripts/kafka/server.properties.in" > "$RUN_DIR/$(kafka_node_name "$i").properties"
}

# Every node answers metadata and sees all KAFKA_NODES brokers (a topic with 3 copies can
# be created only then).
kafka_node_ready() {
  # No grep -q: it would stop reading at the match, and kcat's SIGPIPE fail the pipeline.
  kcat -b "127.0.0.1:$(kafka_port "$1")" -L -m 2 -t __none__ 2>/dev/null \
    | grep "^ *$KAFKA_NODES brokers:" >/dev/null
}
wait_kafka() {
  local i
  for i in $(seq 1 "$KAFKA_NODES"); do svc_wait "$(kafka_node_name "$i")" 90 kafka_node_ready "$i" || return 1; done
}

# Stops every Kafka node at once (one by one, the last ones would wait for a controller
# quorum that is already gone), then forgets the cluster's size.
stop_kafka() {
  local name pids=()
  for name in $(kafka_pid_names); do
    svc_running "$name" && { kill -TERM "$(svc_pid "$name")" 2>/dev/null; pids+=("$name"); }
  done
  for name in "${pids[@]}"; do svc_stop "$name" 30; done
  for name in $(kafka_pid_names); do rm -f "$RUN_DIR/$name.pid" "$RUN_DIR/$name.properties"; done
  rm -f "$RUN_DIR/kafka-nodes"
}

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
wait_redis() { svc_wait redis 120 sh -c "redis-cli -p $REDIS_PORT ping | grep PONG >/dev/null"; }

start_ferretdb() {
  svc_running ferretdb && return 0
  require_free_port ferretdb "$MONGO_PORT" || return 1
  mkdir -p "$DATA_DIR/ferretdb"
  svc_log "starting FerretDB (MongoDB wire protocol, SQLite) on 127.0.0.1:$MONGO_PORT"
  # synchronous(normal) in WAL mode: a commit survives a crash of any process
  # (kill -9 included) but not a power cut; fsync per commit cost more than the update.
  GOGC="$FERRETDB_GOGC" svc_start ferretdb "$LOCAL/bin/ferretdb" --handler=sqlite \
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

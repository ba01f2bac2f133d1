#!/usr/bin/env bash
# The project's own processes on top of the infrastructure: topics, api nodes,
# consumers and nginx. Sourced by ./dev after scripts/services.sh.
# Ports come from the environment like services.sh's (a private cluster beside the
# standard one, e.g. for the chaos suite): API_PORTS is space-separated; consumer i
# serves its metrics on CONSUMER_METRICS_BASE + i.
read -r -a API_PORTS <<< "${API_PORTS:-3001 3002}"
CONSUMER_METRICS_BASE="${CONSUMER_METRICS_BASE:-9100}"
CONSUMERS=2
# LA_BIN_DIR runs the binaries of another build (bench/e2e-ab compares two builds so).
BIN_DIR="${LA_BIN_DIR:-$ROOT/build/${PRESET:-release}}"

# The admin account of dev mode, unless ADMIN_EMAIL / ADMIN_PASSWORD say otherwise.
DEV_ADMIN_EMAIL="admin@example.com"
DEV_ADMIN_PASSWORD="admin-password"

# The environment of every program ./dev runs against the local cluster (api nodes,
# consumers, la-admin). Dev mode (a built-in JWT secret and the admin account above)
# only when the operator gave no secret (JWT_SECRET or JWT_SECRET_FILE).
cluster_env() {
  if [ -z "${JWT_SECRET:-}" ] && [ -z "${JWT_SECRET_FILE:-}" ]; then
    export LA_DEV=1
    export ADMIN_EMAIL="${ADMIN_EMAIL:-$DEV_ADMIN_EMAIL}" ADMIN_PASSWORD="${ADMIN_PASSWORD:-$DEV_ADMIN_PASSWORD}"
  fi
  KAFKA_BROKERS="$(kafka_brokers)"  # every broker, so a client outlives any one of them
  export KAFKA_BROKERS REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
  export MONGO_URI="mongodb://127.0.0.1:$MONGO_PORT"
  # The topics of a fresh local cluster get 4 partitions, not la-admin's 12: the broker's
  # cost is per partition batch, and at the few thousand likes/s of this machine a
  # 12-partition produce request carries about one like per batch; 4 cost the broker
  # 40-60 µs less CPU per like (bench/RESULTS.md, "cost per like") and still give each
  # of the 2 consumers 2. A deployment keeps 12 or more (docs/capacity.md).
  export KAFKA_PARTITIONS="${KAFKA_PARTITIONS:-4}"
  # Consumers fetch once 64 KiB are there or after fetch.wait.max.ms (100), not as soon as
  # one like is: with 1 (librdkafka's default) the broker answered one fetch per produce
  # request. docker-compose.yml sets the same for a deployment.
  export KAFKA_FETCH_MIN_BYTES="${KAFKA_FETCH_MIN_BYTES:-65536}"
  # The local cluster is the target of the e2e suites and of the load benches, which send
  # many requests from one loopback address and one user (bench/ingest: one token at
  # 10-20k likes/s): the per-user like limit is off and the per-address limits are high
  # here. Each can still be set from the environment; the product defaults are in
  # `la-api --help` (and tests/abuse checks them on a node of its own).
  export LIKE_RATE_PER_S="${LIKE_RATE_PER_S:-0}"
  export LOGIN_RATE_PER_MIN="${LOGIN_RATE_PER_MIN:-60000}" LOGIN_BURST="${LOGIN_BURST:-1000}"
  export REGISTER_RATE_PER_MIN="${REGISTER_RATE_PER_MIN:-60000}" REGISTER_BURST="${REGISTER_BURST:-1000}"
  export MAX_SESSIONS_PER_ADDRESS="${MAX_SESSIONS_PER_ADDRESS:-5000}"
  export PASSWORD_JOBS_PER_ADDRESS="${PASSWORD_JOBS_PER_ADDRESS:-0}"
  # The api nodes share this machine's cores: io threads per node = cores / nodes (at least 1),
  # not one per core each (la-api's default). Two nodes of two threads on two cores spent
  # ~15 % more CPU per like on thread wake-ups and took 4-12 % fewer likes/s than two nodes
  # of one (bench/RESULTS.md, "ingest profile, 2026-11-29").
  local cores nodes="${#API_PORTS[@]}"
  cores="$(nproc)"
  export THREADS="${THREADS:-$((nodes > 0 && cores / nodes > 1 ? cores / nodes : 1))}"
}

# 3 copies, 2 in sync (acks=all survives one broker's loss) when 3 Kafka nodes run; 1 / 1 on one.
create_topics() {
  cluster_env
  "$BIN_DIR/tools/la-admin" topics --replication-factor "$(kafka_replication_factor)" \
    --min-insync-replicas "$(kafka_min_insync_replicas)"
}

# Stops NAME if it runs a binary older than BINARY (rebuilt since it started),
# so that `./dev up` after a change runs the new code.
stop_if_stale() {
  local name="$1" binary="$2"
  if svc_running "$name" && [ "$binary" -nt "$RUN_DIR/$name.pid" ]; then
    svc_log "$name runs an older build; restarting it"
    svc_stop "$name" 30
  fi
}

start_cluster() {
  cluster_env
  local i
  if [ -x "$BIN_DIR/api/la-api" ]; then
    for i in "${!API_PORTS[@]}"; do
      local name="api-$((i + 1))" port="${API_PORTS[$i]}"
      stop_if_stale "$name" "$BIN_DIR/api/la-api"
      require_free_port "$name" "$port" || return 1
      svc_start "$name" "$BIN_DIR/api/la-api" --port "$port" --web-root "$ROOT/web/dist"
    done
  fi
  # LA_CONSUMER_BIN: the chaos tests start la-consumer-test-hooks (the crash hook) this way.
  local consumer_bin="${LA_CONSUMER_BIN:-$BIN_DIR/consumer/la-consumer}"
  if [ -x "$consumer_bin" ]; then
    for i in $(seq 1 "$CONSUMERS"); do
      stop_if_stale "consumer-$i" "$consumer_bin"
      svc_start "consumer-$i" "$consumer_bin" --metrics-port "$((CONSUMER_METRICS_BASE + i))"
    done
  fi
  if [ -x "$BIN_DIR/api/la-api" ]; then
    for i in "${!API_PORTS[@]}"; do
      svc_wait "api-$((i + 1))" 30 curl -fsS "http://127.0.0.1:${API_PORTS[$i]}/health" || return 1
    done
    wait_admin_account || return 1
    start_nginx || return 1
  fi
}

# An api node creates the admin account in the background once it serves (argon2id, MongoDB):
# the login printed at the end must work when it is printed, so wait until it does.
wait_admin_account() {
  [ -n "${ADMIN_EMAIL:-}" ] && [ -n "${ADMIN_PASSWORD:-}" ] || return 0
  local body
  body="$(python3 -c 'import json, os; print(json.dumps({"email": os.environ["ADMIN_EMAIL"], "password": os.environ["ADMIN_PASSWORD"]}))')"
  svc_wait api-1 30 curl -fsS -o /dev/null -H 'Content-Type: application/json' --data "$body" \
    "http://127.0.0.1:${API_PORTS[0]}/auth/login"
}

start_nginx() {
  svc_running nginx && return 0
  require_free_port nginx "$NGINX_PORT" || return 1
  local conf="$NGINX_DIR/nginx.conf" upstreams="" port
  mkdir -p "$NGINX_DIR/tmp"
  for port in "${API_PORTS[@]}"; do upstreams+="    server 127.0.0.1:$port max_fails=1 fail_timeout=2s;"$'\n'; done
  UPSTREAMS="$upstreams" NGINX_PORT="$NGINX_PORT" PREFIX="$NGINX_DIR" LOG_DIR="$LOG_DIR" ROOT="$ROOT" \
    INTERNAL_RANGE="${LA_INTERNAL_RANGE:-127.0.0.0/8}" \
    python3 - "$ROOT/nginx/local.conf.template" "$conf" <<'PY'
import os, sys
text = open(sys.argv[1]).read()
for key in ("UPSTREAMS", "NGINX_PORT", "PREFIX", "LOG_DIR", "ROOT", "INTERNAL_RANGE"):
    text = text.replace("@" + key + "@", os.environ[key])
open(sys.argv[2], "w").write(text)
PY
  nginx -t -q -p "$NGINX_DIR" -c "$conf" -e "$LOG_DIR/nginx.log" || return 1
  svc_log "starting nginx on 127.0.0.1:$NGINX_PORT"
  svc_start nginx nginx -p "$NGINX_DIR" -c "$conf" -e "$LOG_DIR/nginx.log" -g "daemon off;"
  svc_wait nginx 10 curl -fsS "http://127.0.0.1:$NGINX_PORT/health"
}

stop_cluster() {
  local pidfile name
  for name in nginx; do svc_stop "$name"; done
  for pidfile in "$RUN_DIR"/api-*.pid "$RUN_DIR"/consumer-*.pid; do
    [ -e "$pidfile" ] || continue
    svc_stop "$(basename "$pidfile" .pid)" 30
  done
}

# What to open and how to log in. In dev mode the password is printed (it is the built-in
# one unless ADMIN_PASSWORD was given); otherwise it is the operator's and is not.
print_welcome() {
  cluster_env
  local login mode
  if [ -n "${LA_DEV:-}" ]; then
    mode="dev mode: a built-in JWT secret; set JWT_SECRET (32+ bytes) for a real one"
    login="$ADMIN_EMAIL / $ADMIN_PASSWORD"
  else
    mode="the JWT secret from JWT_SECRET or JWT_SECRET_FILE"
    login="${ADMIN_EMAIL:-(no admin yet: ./dev admin create-admin --admin-email E --admin-password P)}${ADMIN_EMAIL:+ / the ADMIN_PASSWORD given}"
  fi
  cat <<TXT

live-analytics is up ($mode).
  dashboard:    http://127.0.0.1:$NGINX_PORT/admin
  log in:       $login
  api:          http://127.0.0.1:$NGINX_PORT  (nodes on ${API_PORTS[*]})
  admin token:  ./dev admin mint-token --id ops --role admin
  stop:         ./dev down     status: ./dev status     logs: ./dev logs api-1
TXT
}

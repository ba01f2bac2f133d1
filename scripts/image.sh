#!/usr/bin/env bash
# The container image (deploy/Dockerfile), built and run with a private Docker engine that
# never collides with another one on the machine and never pulls from a registry.
#
#   scripts/image.sh build          start the engine if needed, make the Debian base images,
#                                   build live-analytics:local, stop the engine if it started it
#   scripts/image.sh start | stop   the engine alone (tests/image/image_test.py uses them)
#   scripts/image.sh base           make the base images debian:12 and debian:12-slim
#   scripts/image.sh prune          remove dangling images and bound the build cache
#   scripts/image.sh env            print DOCKER_HOST=... for a shell: eval "$(scripts/image.sh env)"
#
# The engine: Debian's dockerd (docker.io) with its own containerd, both in a mount
# namespace of their own (unshare), with every path under .local/docker/ and a unix socket
# as its only endpoint; no bridge, no iptables rules, no NAT. Containers use the host's
# network (`--network host`), i.e. the network namespace the engine was started in.
#
# The base images: no registry is needed. `debootstrap --variant=minbase bookworm` (cached
# under .local/image/) plus this machine's apt settings and extra CA certificates, so apt
# and npm work inside a build exactly as they do on the machine (a proxy, a mirror, a
# company CA); debian:12-slim is the same tree without documentation, as the official one.
#
# Downloads (debootstrap, and apt and npm inside the image build) need the internet: in a
# network namespace without it, run `scripts/image.sh build` outside the namespace first;
# later builds reuse the layer cache and download nothing.
set -euo pipefail
ROOT="${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
source "$ROOT/scripts/services.sh"

ENGINE_DIR="$LOCAL/docker"
BASE_DIR="$LOCAL/image"
ENGINE_SOCKET="$ENGINE_DIR/docker.sock"
CONTAINERD_SOCKET="$ENGINE_DIR/exec/containerd/containerd.sock"
export DOCKER_HOST="unix://$ENGINE_SOCKET"
# The client of the same docker.io package as the engine (a newer client on the PATH may
# lack the BuildKit plugin, buildx, that its `docker build` requires).
DOCKER="${DOCKER:-/usr/bin/docker}"
IMAGE="${IMAGE:-live-analytics:local}"
# The build cache kept between runs (the layers and the compiler cache of the last builds).
BUILD_CACHE_KEEP="${BUILD_CACHE_KEEP:-6GB}"
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"

engine_running() { [ -S "$ENGINE_SOCKET" ] && "$DOCKER" version >/dev/null 2>&1; }

# Mounts the cgroup hierarchies this engine's mount namespace lacks. `ip netns exec` mounts a
# fresh /sys without them; the init process's mount table lists what the machine has.
# Runs only inside the engine's private mount namespace (cmd_engine_process).
mount_cgroups() {
  grep -q ' /sys/fs/cgroup' /proc/self/mounts && return 0
  mount -t tmpfs -o mode=755 cgroup-root /sys/fs/cgroup
  local source target fstype options _
  while read -r source target fstype options _; do
    case "$fstype:$target" in cgroup:/sys/fs/cgroup/* | cgroup2:/sys/fs/cgroup*) ;; *) continue ;; esac
    mkdir -p "$target"
    mount -t "$fstype" -o "$options" "$source" "$target"
  done < /proc/1/mounts
}

# The engine's processes, in their own mount namespace: containerd in the background, then
# dockerd in this process's place (its PID is the one svc_start recorded).
cmd_engine_process() {
  mount_cgroups
  containerd --config "$ENGINE_DIR/containerd.toml" >> "$LOG_DIR/containerd.log" 2>&1 &
  echo $! > "$RUN_DIR/containerd.pid"
  local waited=0
  until [ -S "$CONTAINERD_SOCKET" ]; do
    kill -0 "$(cat "$RUN_DIR/containerd.pid")" 2>/dev/null || { echo "containerd exited; see $LOG_DIR/containerd.log"; exit 1; }
    [ $waited -lt 300 ] || { echo "containerd did not open $CONTAINERD_SOCKET in 30 s"; exit 1; }
    sleep 0.1; waited=$((waited + 1))
  done
  exec dockerd --config-file "$ENGINE_DIR/daemon.json" --containerd "$CONTAINERD_SOCKET" \
    --iptables=false --ip-masq=false --bridge=none --storage-driver=overlay2 \
    --data-root "$ENGINE_DIR/data" --exec-root "$ENGINE_DIR/exec" --pidfile "$ENGINE_DIR/dockerd.pid" \
    -H "unix://$ENGINE_SOCKET" --cgroup-parent /live-analytics-image
}

# The engine's containers share the network namespace it was started in: one started in
# another namespace (e.g. outside `ip netns exec`) would put them next to other servers.
engine_in_this_network() {
  [ "$(readlink "/proc/$(svc_pid docker-engine)/ns/net")" = "$(readlink /proc/self/ns/net)" ]
}

cmd_start() {
  if svc_running docker-engine && engine_running; then
    engine_in_this_network && return 0
    svc_log "the Docker engine runs in another network namespace; restarting it in this one"
    cmd_stop
  fi
  for tool in dockerd containerd unshare "$DOCKER"; do
    command -v "$tool" >/dev/null || { svc_log "image: $tool is missing; run scripts/install.sh apt-test"; return 1; }
  done
  mkdir -p "$ENGINE_DIR/data" "$ENGINE_DIR/exec/containerd" "$ENGINE_DIR/containerd"
  rm -f "$ENGINE_SOCKET"
  cat > "$ENGINE_DIR/containerd.toml" <<TOML
version = 2
root = "$ENGINE_DIR/containerd"
state = "$ENGINE_DIR/exec/containerd"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$CONTAINERD_SOCKET"
[ttrpc]
  address = "$CONTAINERD_SOCKET.ttrpc"
TOML
  echo '{}' > "$ENGINE_DIR/daemon.json"  # not the machine's /etc/docker/daemon.json
  svc_log "starting a private Docker engine (socket .local/docker/docker.sock, log .local/log/docker-engine.log)"
  svc_start docker-engine unshare --mount --propagation private "$ROOT/scripts/image.sh" engine-process
  if ! svc_wait docker-engine 60 engine_running; then
    tail -n 20 "$LOG_DIR/containerd.log" >&2 2>/dev/null || true
    svc_log "image: the Docker engine did not start (logs above: .local/log/docker-engine.log, containerd.log)"
    return 1
  fi
}

cmd_stop() {
  if engine_running; then
    local running; running="$("$DOCKER" ps -q)"
    [ -z "$running" ] || "$DOCKER" rm -f $running >/dev/null
  fi
  svc_stop docker-engine 30
  svc_stop containerd 15
}

# The files of this machine's apt and CA set-up that the base images get, as a list of paths.
host_settings() {
  local path
  for path in /etc/apt/apt.conf.d/* /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
              /etc/apt/sources.list.d/*.sources /etc/apt/trusted.gpg.d/* /etc/apt/keyrings/* \
              /usr/share/keyrings/* /usr/local/share/ca-certificates/*; do
    [ -f "$path" ] && echo "$path"
  done
  return 0
}

# What the base images are made of; a change makes them again.
base_inputs_hash() {
  { echo "bookworm minbase $DEBIAN_MIRROR v1"; host_settings | xargs -r sha256sum; } | sha256sum | cut -c1-16
}

# .local/image/bookworm-minbase.tar: debootstrap's tree, made once (~30-80 s, downloads).
minbase_tarball() {
  local tarball="$BASE_DIR/bookworm-minbase.tar" tree="$BASE_DIR/rootfs"
  [ -f "$tarball" ] && return 0
  command -v debootstrap >/dev/null || { svc_log "image: debootstrap is missing; run scripts/install.sh apt-test"; return 1; }
  svc_log "debootstrap --variant=minbase bookworm from $DEBIAN_MIRROR (log .local/log/debootstrap.log)"
  rm -rf "$tree"; mkdir -p "$BASE_DIR"
  debootstrap --variant=minbase bookworm "$tree" "$DEBIAN_MIRROR" > "$LOG_DIR/debootstrap.log" 2>&1 \
    || { tail -n 20 "$LOG_DIR/debootstrap.log" >&2; svc_log "image: debootstrap failed"; return 1; }
  rm -rf "$tree/var/cache/apt/archives/"*.deb "$tree/var/lib/apt/lists/"*
  tar -C "$tree" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
  rm -rf "$tree"
}

# Paths the official slim image leaves out (debuerreotype's slimify list), as dpkg excludes.
SLIM_EXCLUDES=(/usr/share/doc/* /usr/share/groff/* /usr/share/info/* /usr/share/linda/*
               /usr/share/lintian/* /usr/share/locale/* /usr/share/man/*)

cmd_base() {
  engine_running || { svc_log "image: the engine is not running (scripts/image.sh start)"; return 1; }
  local inputs; inputs="$(base_inputs_hash)"
  local have12 have_slim
  have12="$("$DOCKER" image inspect -f '{{index .Config.Labels "live-analytics.base"}}' debian:12 2>/dev/null || true)"
  have_slim="$("$DOCKER" image inspect -f '{{index .Config.Labels "live-analytics.base"}}' debian:12-slim 2>/dev/null || true)"
  [ "$have12" = "$inputs" ] && [ "$have_slim" = "$inputs" ] && return 0
  minbase_tarball
  local tree="$BASE_DIR/work" path
  rm -rf "$tree"; mkdir -p "$tree"
  tar -C "$tree" -xf "$BASE_DIR/bookworm-minbase.tar"
  # This machine's apt sources replace debootstrap's one-line sources.list when it has any.
  # No grep -q: it stops at the first match and host_settings dies of SIGPIPE under pipefail.
  if host_settings | grep '^/etc/apt/sources' >/dev/null; then rm -f "$tree/etc/apt/sources.list"; fi
  while read -r path; do
    mkdir -p "$tree$(dirname "$path")"
    cp -L "$path" "$tree$path"
  done < <(host_settings)
  local change=(--change "LABEL live-analytics.base=$inputs" --change 'CMD ["bash"]')
  svc_log "making the base image debian:12 (minbase + this machine's apt settings and CA certificates)"
  tar -C "$tree" -c . | "$DOCKER" import "${change[@]}" - debian:12 >/dev/null
  local exclude
  mkdir -p "$tree/etc/dpkg/dpkg.cfg.d"
  for exclude in "${SLIM_EXCLUDES[@]}"; do echo "path-exclude $exclude"; done > "$tree/etc/dpkg/dpkg.cfg.d/docker"
  echo "path-include /usr/share/doc/*/copyright" >> "$tree/etc/dpkg/dpkg.cfg.d/docker"
  (cd "$tree" && find usr/share/doc usr/share/groff usr/share/info usr/share/linda usr/share/lintian \
     usr/share/locale usr/share/man -mindepth 1 ! -name copyright ! -type d -delete 2>/dev/null || true)
  svc_log "making the base image debian:12-slim (the same without documentation)"
  tar -C "$tree" -c . | "$DOCKER" import "${change[@]}" - debian:12-slim >/dev/null
  rm -rf "$tree"
}

# The machine's compiler cache, served read-only to the image build during the build
# (scripts/ccache_server.py) on this port of the engine's network: the build fetches what
# `./dev build` compiled here instead of compiling it again. Without ccache on the machine
# it serves nothing and the build compiles everything.
CCACHE_PORT="${IMAGE_CCACHE_PORT:-3390}"

start_ccache_server() {
  local cache_dir=/nonexistent waited=0
  if command -v ccache >/dev/null; then cache_dir="$(ccache -k cache_dir)"; fi
  python3 "$ROOT/scripts/ccache_server.py" --cache-dir "$cache_dir" --port "$CCACHE_PORT" \
    >> "$LOG_DIR/ccache-server.log" 2>&1 &
  CCACHE_SERVER=$!
  until (exec 3<> "/dev/tcp/127.0.0.1/$CCACHE_PORT") 2>/dev/null; do
    if ! kill -0 "$CCACHE_SERVER" 2>/dev/null || [ $waited -ge 50 ]; then
      svc_log "image: the compiler cache server did not start on :$CCACHE_PORT (.local/log/ccache-server.log); the build compiles everything"
      return 0
    fi
    sleep 0.1; waited=$((waited + 1))
  done
}

# Builds deploy/Dockerfile as $IMAGE with BuildKit, on the host's network, from local images
# only. Prints the build's wall time and the compile step's compiler cache hits.
cmd_build_image() {
  local started=$SECONDS status=0
  svc_log "building $IMAGE from deploy/Dockerfile (log .local/log/image-build.log)"
  start_ccache_server
  DOCKER_BUILDKIT=1 BUILDKIT_PROGRESS=plain "$DOCKER" build --network host -f "$ROOT/deploy/Dockerfile" \
    --build-arg "CCACHE_REMOTE_STORAGE=http://127.0.0.1:$CCACHE_PORT|read-only" \
    -t "$IMAGE" "$ROOT" > "$LOG_DIR/image-build.log" 2>&1 || status=$?
  kill "$CCACHE_SERVER" 2>/dev/null || true
  wait "$CCACHE_SERVER" 2>/dev/null || true
  if [ $status -ne 0 ]; then
    tail -n 40 "$LOG_DIR/image-build.log" >&2
    svc_log "image: docker build failed (full log: .local/log/image-build.log)"
    return 1
  fi
  local cache; cache="$(grep -o 'compiler cache: .*' "$LOG_DIR/image-build.log" | tail -n 1 || true)"
  svc_log "built $IMAGE in $((SECONDS - started)) s; ${cache:-compile step cached (nothing compiled)}"
}

cmd_prune() {
  "$DOCKER" image prune -f >/dev/null
  "$DOCKER" builder prune -f --keep-storage "$BUILD_CACHE_KEEP" >/dev/null
}

case "${1:-}" in
  engine-process) cmd_engine_process ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  base) cmd_base ;;
  build)
    started_here=0
    if ! engine_running; then cmd_start; started_here=1; fi
    status=0
    { cmd_base && cmd_build_image; } || status=$?
    [ $started_here -eq 0 ] || cmd_stop
    exit $status ;;
  build-image) cmd_build_image ;;
  prune) cmd_prune ;;
  env) echo "export DOCKER_HOST=$DOCKER_HOST" ;;
  *) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac

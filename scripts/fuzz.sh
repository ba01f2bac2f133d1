#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/, preset `fuzz`) and runs each for SECONDS (default
# 60), one at a time and at the lowest CPU priority, starting from its seed corpus in
# fuzz/corpus/<target>. New inputs go to .local/fuzz/<target> (the repository's seeds are
# only read); a crash leaves its input in .local/fuzz/crashes/ and fails the run.
# Prints, per target, the executions and the coverage (edges, features) reached.
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
ROOT="${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
SECONDS_EACH="${1:-60}"
shift || true
BUILD="$ROOT/build/fuzz"
WORK="$ROOT/.local/fuzz"
case "$SECONDS_EACH" in ''|*[!0-9]*) echo "fuzz: SECONDS must be a whole number, got \"$SECONDS_EACH\"" >&2; exit 2 ;; esac

"$ROOT/scripts/install.sh" fuzz
[ -f "$BUILD/build.ninja" ] || (cd "$ROOT" && cmake --preset fuzz >/dev/null)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_request_body fuzz_like_event fuzz_jwt fuzz_engineio fuzz_socketio fuzz_sio_assembler)
nice -n 10 cmake --build "$BUILD" --target "${targets[@]}" -- -j"$(nproc)" | { grep -vE '^\[[0-9]+/[0-9]+\] ' || true; }

mkdir -p "$WORK/crashes"
failed=()
for target in "${targets[@]}"; do
  mkdir -p "$WORK/$target"
  log="$WORK/$target.log"
  echo "=== $target: ${SECONDS_EACH}s"
  rc=0
  nice -n 19 "$BUILD/fuzz/$target" -max_total_time="$SECONDS_EACH" -print_final_stats=1 \
    -artifact_prefix="$WORK/crashes/$target-" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
    "$WORK/$target" "$ROOT/fuzz/corpus/$target" >"$log" 2>&1 || rc=$?
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  coverage="$(grep -E '^#[0-9]+' "$log" | tail -1 | grep -oE 'cov: [0-9]+ ft: [0-9]+' || true)"
  echo "--- $target: ${execs:-?} executions, ${coverage:-no coverage line}, corpus $(ls "$WORK/$target" | wc -l) inputs"
  if [ "$rc" -ne 0 ]; then
    failed+=("$target")
    grep -E 'ERROR|SUMMARY|Test unit written' "$log" | head -5
  fi
done
[ ${#failed[@]} -eq 0 ] || { echo "fuzz: crashes in ${failed[*]} (inputs in $WORK/crashes, logs in $WORK)"; exit 1; }
echo "fuzz: no crash"

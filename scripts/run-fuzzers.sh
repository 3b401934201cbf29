#!/usr/bin/env bash
# Runs every fuzz target in BUILD_DIR for SECONDS each, starting from its committed corpus
# (test/fuzz/corpus/<name>/, which holds seeds and any regression inputs a crash left behind).
# JOBS targets run at once (default: one per core; each fuzzer is one process on one core, so it
# gets the same SECONDS of work as when they ran one after another).
set -euo pipefail
build=$1
secs=${2:-10}
jobs=${JOBS:-$(nproc)}
root=$(cd "$(dirname "$0")/.." && pwd)
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

# One target: exit status in $results/<name>.rc; the work directory is kept when it failed.
run_one() {
  local bin=$1 name corpus work rc=0
  name=$(basename "$bin")
  corpus="$root/test/fuzz/corpus/${name%_fuzz}"
  work=$(mktemp -d)
  mkdir -p "$corpus"
  "$bin" -max_total_time="$secs" -print_final_stats=0 -artifact_prefix="$work/" \
    "$work" "$corpus" >"$work/log" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ]; then
    echo "$work" >"$results/$name.work"
  else
    rm -rf "$work"
  fi
  echo "$rc" >"$results/$name.rc"
}

names=()
for bin in "$build"/*_fuzz; do
  [ -x "$bin" ] || continue
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  names+=("$(basename "$bin")")
  echo "fuzz: $(basename "$bin") for ${secs}s"
  run_one "$bin" &
done
wait

failed=0
for name in "${names[@]}"; do
  if [ "$(cat "$results/$name.rc" 2>/dev/null || echo missing)" != 0 ]; then
    work=$(cat "$results/$name.work" 2>/dev/null || echo "?")
    echo "fuzz: $name FAILED; crash input and log in $work"
    [ -f "$work/log" ] && tail -40 "$work/log"
    failed=1
  fi
done
[ ${#names[@]} -gt 0 ] || { echo "fuzz: no *_fuzz target in $build" >&2; exit 1; }
exit $failed

#!/usr/bin/env bash
# Runs every fuzz target in BUILD_DIR for SECONDS each, starting from its committed corpus
# (test/fuzz/corpus/<name>/, which holds seeds and any regression inputs a crash left behind).
set -euo pipefail
build=$1
secs=${2:-10}
root=$(cd "$(dirname "$0")/.." && pwd)
failed=0
for bin in "$build"/*_fuzz; do
  [ -x "$bin" ] || continue
  name=$(basename "$bin")
  corpus="$root/test/fuzz/corpus/${name%_fuzz}"
  work=$(mktemp -d)
  mkdir -p "$corpus"
  echo "fuzz: $name for ${secs}s"
  if ! "$bin" -max_total_time="$secs" -print_final_stats=0 -artifact_prefix="$work/" \
      "$work" "$corpus" >"$work/log" 2>&1; then
    echo "fuzz: $name FAILED; crash input and log in $work"
    tail -40 "$work/log"
    failed=1
  else
    rm -rf "$work"
  fi
done
exit $failed

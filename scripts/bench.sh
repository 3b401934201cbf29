#!/usr/bin/env bash
# make bench: runs the microbenchmarks of the per-packet path (floor included) and writes their
# figures, with a description of the machine, into docs/performance.md (between the BENCH markers)
# and bench/results/<date>-micro.json; instructions per forwarded copy under callgrind
# (scripts/bench_callgrind.py, bench/results/<date>-callgrind.json); then the load scenarios
# (meeting, briefing, ramp) against Rounds and Janus, and the ramp again against Rounds with
# NIC-like delivery (scripts/bench_scenarios.py, scripts/bench_netns.py):
# bench/results/<date>.json, the SCENARIOS table of docs/performance.md and docs/performance.png. Bounded: every run stops by itself.
# BENCH_SERVERS=rounds skips Janus; BENCH_QUICK=1 runs shorter scenarios.
set -euo pipefail
build=${1:-build/release}
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$root/bench/results"
out="$root/bench/results/$(date -u +%Y-%m-%d)-micro.json"
"$build/rounds_bench" --benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
  --benchmark_out="$out" --benchmark_out_format=json
python3 "$root/scripts/bench_report.py" "$out" "$root/docs/performance.md"
echo "bench: figures in docs/performance.md and $out"
# Instructions per forwarded copy (floor vs Rounds, N = 10 and 200), counted by callgrind: the
# repeatable figure on a shared machine (docs/performance.md).
if command -v valgrind >/dev/null; then
  python3 "$root/scripts/bench_callgrind.py" "$build" \
    --json "$root/bench/results/$(date -u +%Y-%m-%d)-callgrind.json"
fi
python3 "$root/scripts/bench_scenarios.py" "$build" --servers "${BENCH_SERVERS:-rounds,janus}" \
  --micro "$out" ${BENCH_QUICK:+--quick}

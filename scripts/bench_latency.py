#!/usr/bin/env python3
"""Server-in to server-out latency at fixed loads, repeated, with the two delivery rigs of
bench_netns.py run alternately (docs/performance.md, "Who pays for delivery"). One figure from one
run says little on a shared machine: this runs each (viewers, rig) `--reps` times, interleaved so
that both rigs see the same stretch of the machine's noise, and prints the median and range.

Usage: bench_latency.py BUILD_DIR [--viewers 300,400] [--rigs veth,nic] [--reps 3]
                        [--measure 8] [--json OUT.json]
Each run is scripts/bench_profile.py (the briefing shape: 2 publishers, N viewers, server on
CPU 0, rounds-load on CPU 1); about 20 s per run at 400 viewers.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
FIELDS = ["serverLatencyP50Ms", "serverLatencyP99Ms", "serverCpuPercent", "loadCpuPercent",
          "nicThreadCpuPercent", "lossPercent", "sentPerSecond"]


def one_run(build, viewers, rig, measure):
    fd, path = tempfile.mkstemp(suffix=".json")
    os.close(fd)
    try:
        subprocess.run([sys.executable, os.path.join(HERE, "bench_profile.py"), build,
                        "--viewers", str(viewers), "--measure", str(measure), "--rig", rig,
                        "--json", path], check=True, stdout=subprocess.DEVNULL)
        return json.load(open(path))["figures"]
    finally:
        os.unlink(path)


def spread(values):
    v = [x for x in values if x is not None]
    if not v:
        return None
    return {"median": round(statistics.median(v), 3), "min": min(v), "max": max(v)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--viewers", default="300,400")
    ap.add_argument("--rigs", default="veth,nic")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--measure", type=float, default=8)
    ap.add_argument("--json")
    a = ap.parse_args()
    viewers = [int(v) for v in a.viewers.split(",")]
    rigs = a.rigs.split(",")
    runs = []
    for rep in range(1, a.reps + 1):
        for v in viewers:
            for rig in rigs:
                f = one_run(a.build, v, rig, a.measure)
                row = {"rep": rep, "viewers": v, "rig": rig, **{k: f.get(k) for k in FIELDS}}
                runs.append(row)
                print(json.dumps(row), flush=True)
    summary = []
    print(f"\n| viewers | rig | server p99 ms: median (min–max) | server p50 ms | server CPU % "
          f"| generator CPU % | NAPI thread CPU % | runs |")
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for v in viewers:
        for rig in rigs:
            mine = [r for r in runs if r["viewers"] == v and r["rig"] == rig]
            s = {k: spread([r[k] for r in mine]) for k in FIELDS}
            summary.append({"viewers": v, "rig": rig, "runs": len(mine), **s})

            def med(k, d=1):
                return "–" if s[k] is None else f"{s[k]['median']:.{d}f}"
            p99 = s["serverLatencyP99Ms"]
            p99s = "–" if p99 is None else \
                f"{p99['median']:.2f} ({p99['min']:.2f}–{p99['max']:.2f})"
            print(f"| {v} | {rig} | {p99s} | {med('serverLatencyP50Ms', 2)} | "
                  f"{med('serverCpuPercent')} | {med('loadCpuPercent')} | "
                  f"{med('nicThreadCpuPercent')} | {len(mine)} |")
    if a.json:
        json.dump({"command": " ".join(sys.argv), "runs": runs, "summary": summary},
                  open(a.json, "w"), indent=1)


if __name__ == "__main__":
    main()

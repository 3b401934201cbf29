#!/usr/bin/env python3
"""Instructions per forwarded copy, counted by callgrind (issue 3; docs/performance-history.md,
"Instructions per forwarded copy"): repeatable on a shared machine where times are not.

Runs BM_FloorCallgrind (the floor: unprotect, N x copy + protect, sendmmsg) and
BM_ReceiveToSendCallgrind (Rounds' path: Peer::receiveSrtp through the router's fan-out to the
socket's sendmmsg) from rounds_bench under `valgrind --tool=callgrind --collect-atstart=no`.
Each runs a fixed 64 + 256 iterations and toggles collection on after the 64 warm-up ones, so
the count covers exactly 256 incoming packets x N copies, user space only (the kernel's part of
sendmmsg is invisible to callgrind).

Usage: bench_callgrind.py BUILD_DIR [--subscribers 10,200] [--json OUT.json]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

BENCHES = [("floor", "BM_FloorCallgrind"), ("rounds", "BM_ReceiveToSendCallgrind")]


def instructions(build, name):
    """(Ir collected, forwarded copies measured) for one benchmark run under callgrind."""
    with tempfile.TemporaryDirectory(prefix="rounds-cg-") as d:
        cg = os.path.join(d, "cg.out")
        out = os.path.join(d, "bench.json")
        argv = ["valgrind", "--tool=callgrind", "--collect-atstart=no",
                "--callgrind-out-file=" + cg, os.path.join(build, "rounds_bench"),
                "--benchmark_filter=^" + re.escape(name) + "(/iterations:[0-9]+)?$",
                "--benchmark_out=" + out, "--benchmark_out_format=json"]
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        ir = None
        for line in open(cg):
            if line.startswith(("totals:", "summary:")):
                ir = int(line.split()[1])
        runs = json.load(open(out))["benchmarks"]
        if ir is None or not runs:
            raise RuntimeError(f"{name}: no callgrind totals or benchmark output")
        return ir, int(runs[0]["measuredCopies"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--subscribers", default="10,200")
    ap.add_argument("--json")
    a = ap.parse_args()
    rows = []
    for n in [int(x) for x in a.subscribers.split(",")]:
        row = {"subscribers": n}
        for key, bench in BENCHES:
            ir, copies = instructions(a.build, f"{bench}/{n}/0")
            row[key] = {"instructions": ir, "copies": copies, "perCopy": ir / copies}
        row["roundsOverFloor"] = row["rounds"]["perCopy"] / row["floor"]["perCopy"]
        rows.append(row)
        print(f"callgrind N={n}: floor {row['floor']['perCopy']:,.0f} instructions per "
              f"forwarded copy, Rounds {row['rounds']['perCopy']:,.0f} "
              f"({100 * row['roundsOverFloor']:.0f} % of the floor's count; "
              f"{row['floor']['copies']} copies each)", flush=True)
    if a.json:
        json.dump(rows, open(a.json, "w"), indent=2)


if __name__ == "__main__":
    sys.exit(main())

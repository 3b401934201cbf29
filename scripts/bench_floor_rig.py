#!/usr/bin/env python3
"""The floor sent through the benchmark's rig, beside the server in the same rig
(docs/performance.md, "A floor through the rig"). `BM_Floor` sends its copies to a full sink on
loopback, so the receive path up to that socket runs on the sending core. In the NIC-like rig
(bench_netns.py) the server's copies stop at the veth's ring and the generator's core does the
rest, so the loopback floor is no yardstick there. This runs `BM_Floor/200/0` pinned to CPU 0 in
the server's namespace with its copies going to a full sink (nobody reads it) at the generator's
address (`ROUNDS_FLOOR_SINK`), then, optionally, the 400-viewer briefing against Rounds in a fresh
pair of the same rig, and states the server's packets per CPU-second as a share of that floor.
Both rigs alternately, `--reps` times.

Usage: bench_floor_rig.py BUILD_DIR [--rigs veth,nic] [--reps 3] [--viewers 400 | --viewers 0]
                          [--json OUT.json]
A floor row is only valid when the kernel took every copy (`refusedPercent` 0) and the rig's
qdisc dropped none (`qdiscDropped` 0): a refused copy costs the sender less than a sent one.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from bench_latency import one_run  # noqa: E402
from bench_netns import NetnsPair  # noqa: E402
from bench_scenarios import pin  # noqa: E402

SINK_PORT = 5999
# A socket nobody reads, with the smallest receive buffer: once full the kernel drops there, as
# at BM_Floor's loopback sink.
SINK = ("import socket, time\n"
        "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
        "s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)\n"
        f"s.bind(('{NetnsPair.client_addr}', {SINK_PORT}))\n"
        "print('bound', flush=True)\n"
        "time.sleep(600)\n")


def qdisc_dropped(ns):
    out = subprocess.run(["ip", "netns", "exec", ns.server_ns, "tc", "-s", "qdisc", "show", "dev",
                          ns.server_if], capture_output=True, text=True).stdout
    return sum(int(m) for m in re.findall(r"dropped (\d+)", out))


def floor_in_rig(build, rig):
    ns = NetnsPair(rig)
    ns.create()
    sink = None
    try:
        sink = subprocess.Popen(ns.client_cmd(["python3", "-c", SINK]), stdout=subprocess.PIPE,
                                text=True)
        if sink.stdout.readline().strip() != "bound":
            raise RuntimeError("floor sink did not start")
        env = dict(os.environ, ROUNDS_FLOOR_SINK=f"{ns.client_addr}:{SINK_PORT}")
        cpu0, t0 = ns.nic_thread_cpu_seconds(), time.monotonic()
        out = subprocess.run(ns.server_cmd(pin(0, [
            os.path.join(build, "rounds_bench"), "--benchmark_filter=^BM_Floor/200/0$",
            "--benchmark_min_time=0.5", "--benchmark_format=json"])), env=env,
            capture_output=True, check=True, timeout=120).stdout
        napi = 100 * (ns.nic_thread_cpu_seconds() - cpu0) / (time.monotonic() - t0)
        b = json.loads(out)["benchmarks"][0]
        return {"floor": b["items_per_second"], "refusedPercent": b.get("refusedPercent"),
                "qdiscDropped": qdisc_dropped(ns) if rig == "nic" else None,
                "floorNapiCpuPercent": round(napi, 1) if rig == "nic" else None}
    finally:
        if sink:
            sink.kill()
            sink.wait()
        ns.destroy()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--rigs", default="veth,nic")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--viewers", type=int, default=400)
    ap.add_argument("--json")
    a = ap.parse_args()
    rows = []
    for rep in range(1, a.reps + 1):
        for rig in a.rigs.split(","):
            row = {"rep": rep, "rig": rig, **floor_in_rig(a.build, rig)}
            if a.viewers:
                f = one_run(a.build, a.viewers, rig, measure=8)
                row.update({"viewers": a.viewers,
                            "serverPerCpuSecond": f.get("packetsPerServerCpuSecond"),
                            "serverCpuPercent": f.get("serverCpuPercent"),
                            "lossPercent": f.get("lossPercent")})
                if row["serverPerCpuSecond"]:
                    row["percentOfRigFloor"] = round(100 * row["serverPerCpuSecond"] /
                                                     row["floor"], 1)
            rows.append(row)
            print(json.dumps(row), flush=True)
    print("\n| rig | floor through the rig, copies per CPU-s: median (min–max) | "
          "server, packets per CPU-s | server as % of that floor: median (min–max) |")
    print("| --- | ---: | ---: | ---: |")
    for rig in a.rigs.split(","):
        mine = [r for r in rows if r["rig"] == rig]
        fl = [r["floor"] for r in mine]
        sv = [r["serverPerCpuSecond"] for r in mine if r.get("serverPerCpuSecond")]
        pc = [r["percentOfRigFloor"] for r in mine if r.get("percentOfRigFloor")]
        med = (lambda v, d=0: "–" if not v else
               f"{statistics.median(v):,.{d}f} ({min(v):,.{d}f}–{max(v):,.{d}f})")
        print(f"| {rig} | {med(fl)} | {med(sv)} | {med(pc, 1)} |")
    if a.json:
        json.dump({"command": " ".join(sys.argv), "rows": rows}, open(a.json, "w"), indent=1)


if __name__ == "__main__":
    main()

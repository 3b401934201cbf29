#!/usr/bin/env python3
"""One load scenario against Rounds, set up exactly as `make bench` sets it up (namespaces joined
by a veth pair, server pinned to CPU 0, rounds-load to CPU 1, one media worker), optionally with
the server profiled during the steady part of the run (docs/performance-history.md, "Profile of the
running server").

Usage: bench_profile.py BUILD_DIR [--viewers 200] [--publishers 2] [--measure 8]
                        [--perf OUT.data | --strace OUT.txt | --callgrind OUT.cg |
                         --heaptrack OUT]
                        [--json OUT.json] [--load-arg=--video-pacing=0 ...] [--rig veth|nic]
--rig nic delivers the server's datagrams to the generator as a NIC would (bench_netns.py) and
adds nicThreadCpuPercent: the generator side's NAPI thread over the steady window.
--perf attaches `perf record -e cpu-clock -g` to the server for the middle of the measured
window; --strace attaches `strace -c -f` instead (syscall counts; it slows the server, so its
run's throughput figures are not comparable). --callgrind runs the server under valgrind's
callgrind with instrumentation off until the measured window, then on for its middle, and dumps
OUT.cg.1: user-space instructions, repeatable on a noisy machine; use few viewers (10), the server
runs tens of times slower, so joining takes longer: give --delay (seconds from the start until the
profile window) generously and check the dump's call counts (`callgrind_annotate --tree=calling`)
cover steady media rather than handshakes. --heaptrack runs the server under heaptrack (every
allocation with its stack, OUT.zst; `heaptrack_print -f OUT.zst` lists peak memory by where it was
allocated): what each participant holds. Prints the same figures as bench_scenarios.py.
"""
import argparse
import json
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_scenarios import RoundsServer, figures, raise_fd_limit, run_load  # noqa: E402


def attach_later(argv_for_pid, pid, delay, seconds, out):
    """Runs argv_for_pid(pid) after `delay` seconds for `seconds` seconds, output to `out`."""
    def run():
        time.sleep(delay)
        p = subprocess.Popen(argv_for_pid(pid), stdout=subprocess.DEVNULL, stderr=out)
        time.sleep(seconds)
        p.send_signal(2)  # SIGINT: perf and strace write their results and exit
        p.wait(30)
    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t


def stop_traced(server):
    """heaptrack's script waits for the server it started and writes its file after the server
    exits: end the server itself (the script's child), then wait for the script."""
    kids = subprocess.run(["pgrep", "-P", str(server.pid()), "-x", "rounds"],
                          capture_output=True, text=True).stdout.split()
    for k in kids:
        os.kill(int(k), 15)
    try:
        server.proc.wait(120)
    except subprocess.TimeoutExpired:
        pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--viewers", type=int, default=200)
    ap.add_argument("--publishers", type=int, default=2)
    ap.add_argument("--measure", type=float, default=8)
    ap.add_argument("--join-ms", type=int, default=10)
    ap.add_argument("--perf")
    ap.add_argument("--strace")
    ap.add_argument("--callgrind")
    ap.add_argument("--heaptrack")
    ap.add_argument("--delay", type=float, help="seconds until the profile window opens")
    ap.add_argument("--json")
    ap.add_argument("--load-arg", action="append", default=[],
                    help="a further rounds-load option, e.g. --load-arg=--video-pacing=0")
    ap.add_argument("--rig", choices=["veth", "nic"],
                    help="how datagrams reach the generator (bench_netns.py); default veth")
    a = ap.parse_args()
    raise_fd_limit()

    n = a.viewers + a.publishers
    prefix = None
    if a.callgrind:
        prefix = ["valgrind", "--tool=callgrind", "--instr-atstart=no",
                  "--callgrind-out-file=" + a.callgrind]
    elif a.heaptrack:
        prefix = ["heaptrack", "-o", a.heaptrack]
    server = RoundsServer(a.build, prefix, rig=a.rig)
    server.start()
    helper = None
    try:
        # The measured window starts 1 s after the last participant connected; joining takes
        # about n x join interval plus a second or two of handshakes.
        delay = a.delay if a.delay is not None else n * a.join_ms / 1000 + 3.5
        span = max(1.0, a.measure - 3)
        if a.perf:
            helper = attach_later(lambda pid: ["perf", "record", "-e", "cpu-clock", "-g", "-o",
                                               a.perf, "-p", str(pid)],
                                  server.pid(), delay, span, subprocess.DEVNULL)
        elif a.callgrind:
            def window():
                time.sleep(delay)
                subprocess.run(["callgrind_control", "-i", "on", str(server.pid())],
                               stdout=subprocess.DEVNULL)
                time.sleep(span)
                subprocess.run(["callgrind_control", "-d", str(server.pid())],
                               stdout=subprocess.DEVNULL)
                subprocess.run(["callgrind_control", "-i", "off", str(server.pid())],
                               stdout=subprocess.DEVNULL)
            helper = threading.Thread(target=window, daemon=True)
            helper.start()
        elif a.strace:
            log = open(a.strace, "w")
            helper = attach_later(lambda pid: ["strace", "-c", "-f", "-p", str(pid)],
                                  server.pid(), delay, span, log)
        rc, r, wall = run_load(a.build, server, f"profile-{int(time.time())}", n, a.publishers,
                               a.measure, a.join_ms, a.load_arg)
        if helper:
            helper.join(60)
    finally:
        if a.heaptrack:
            stop_traced(server)
        server.stop()
    f = figures(rc, r, a.viewers)
    f["wallSeconds"] = round(wall, 1)
    if a.json:
        json.dump({"figures": f, "report": r}, open(a.json, "w"), indent=1)
    keys = ["connected", "legs", "forwardedPerSecond", "packetsPerServerCpuSecond",
            "serverCpuPercent", "loadCpuPercent", "lossPercent", "deliveredPercent",
            "sentPerSecond", "latencyP50Ms", "latencyP99Ms", "serverLatencyP50Ms",
            "serverLatencyP99Ms", "serverReceiveWaitP99Ms", "serverTickP99Ms", "serverTickMaxMs",
            "serverStatsCallMaxMs", "serverRunQueueWaitPerRun", "nicThreadCpuPercent",
            "serverRssKbMax", "serverQueueDrops", "generatorQueueDrops", "lossRecovery"]
    print(json.dumps({k: f[k] for k in keys if k in f}))


if __name__ == "__main__":
    main()

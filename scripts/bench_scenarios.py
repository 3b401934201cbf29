#!/usr/bin/env python3
"""The load scenarios of `make bench` (issue 3, docs/performance.md): a meeting, a briefing and a
viewer ramp, each a bounded rounds-load run against a fresh server on this machine (loopback, or
the network namespace scripts/janus-ns.sh creates). Writes bench/results/<date>.json, the table
between the SCENARIOS markers of docs/performance.md and a gnuplot chart.

Usage: bench_scenarios.py BUILD_DIR [--servers rounds,janus] [--micro MICRO_JSON] [--quick]
The server is pinned to CPU 0 and the load generator to CPU 1 (taskset), so "per core" means the
server's one media thread on its own core.
"""
import argparse
import datetime
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_netns import NetnsPair  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MAX_LOSS_RAMP = 1.0       # % — the ramp stops above this
SATURATED_CPU = 90.0      # % of one core — the ramp stops above this (server or generator)
TARGET_LOSS = 0.5         # % — the "at most 0.5 % loss" of the targets
JOIN_BUDGET_S = 20        # s — beyond participants x join interval, for every one to connect
# Viewers per ramp step: on until a stop rule below fires (server or generator core saturated,
# loss, someone not connecting); the last step keeps a run bounded (rounds-load's own limit is
# 5,000 participants).
RAMP_STEPS = [100, 200, 300, 400, 500, 700, 900, 1200, 1600, 2000]


def cpus():
    return os.cpu_count() or 1


def pin(cpu, argv):
    if shutil.which("taskset") and cpus() >= 2:
        return ["taskset", "-c", str(cpu)] + argv
    return argv


class RoundsServer:
    """Rounds in the same namespace pair as Janus, so both see the identical network path."""
    name = "rounds"

    def __init__(self, build, prefix=None):
        self.build = build
        self.proc = None
        self.dir = None
        self.ns = None
        self.prefix = prefix or []  # e.g. valgrind (scripts/bench_profile.py --callgrind)

    def start(self):
        self.ns = NetnsPair()
        self.ns.create()
        self.dir = tempfile.mkdtemp(prefix="rounds-bench-")
        out = open(os.path.join(self.dir, "server.out"), "w")
        err = open(os.path.join(self.dir, "server.err"), "w")
        addr = self.ns.server_addr
        self.proc = subprocess.Popen(
            self.ns.server_cmd(pin(0, self.prefix + [
                os.path.join(self.build, "rounds"), "--http-address", addr, "--http-port", "0",
                "--media-address", addr, "--media-port", "0",
                "--db", os.path.join(self.dir, "rounds.db"), "--web-root", self.dir,
                "--log-level", "warn", "--media-workers", "1", "--room-max-participants", "1000"])),
            stdout=out, stderr=err)
        deadline = time.time() + (60 if self.prefix else 10)
        while time.time() < deadline:
            text = open(os.path.join(self.dir, "server.out")).read()
            url = [l[5:].strip() for l in text.splitlines() if l.startswith("url: ")]
            if url and "media: " in text:
                self.url = url[0]
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        raise RuntimeError("rounds did not start: " + open(os.path.join(self.dir, "server.err")).read())

    def pid(self):
        return self.proc.pid

    def load_args(self):
        return ["--url", self.url, "--local-address", self.ns.client_addr]

    def wrap_load(self, argv):
        return self.ns.client_cmd(argv)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.ns:
            self.ns.destroy()
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)


def run_load(build, server, room, participants, publishers, measure, join_ms):
    fd, path = tempfile.mkstemp(suffix=".json")
    os.close(fd)
    # --measure: figures from 1 s after the last participant connected, for `measure` seconds;
    # --duration is the hard cap (joining included).
    duration = measure + JOIN_BUDGET_S + participants * join_ms / 1000
    argv = server.wrap_load(pin(1, [os.path.join(build, "rounds-load")] + server.load_args() + [
        "--room", room, "--participants", str(participants), "--publishers", str(publishers),
        "--duration", f"{duration:.1f}", "--measure", str(measure),
        "--join-interval-ms", str(join_ms),
        "--server-pid", str(server.pid()), "--json-out", path, "--quiet"]))
    timeout = duration + 60
    t0 = time.time()
    sched0 = schedstat(server.pid())
    rc = subprocess.run(argv, timeout=timeout).returncode
    sched1 = schedstat(server.pid())
    try:
        report = json.load(open(path))
    finally:
        os.unlink(path)
    if sched0 and sched1:
        run, wait = sched1[0] - sched0[0], sched1[1] - sched0[1]
        report["serverSched"] = {"runS": run / 1e9, "runQueueWaitS": wait / 1e9}
    return rc, report, time.time() - t0


def schedstat(pid):
    """(ns on CPU, ns waiting on a run queue) summed over the process's threads
    (/proc/<pid>/task/*/schedstat): how much other jobs on the machine held the server back."""
    run = wait = 0
    try:
        for t in os.listdir(f"/proc/{pid}/task"):
            v = open(f"/proc/{pid}/task/{t}/schedstat").read().split()
            run += int(v[0])
            wait += int(v[1])
    except OSError:
        return None
    return run, wait


def figures(rc, r, viewers):
    t, w, s = r["totals"], r.get("steady") or {}, r.get("server") or {}
    lat = t.get("latencyMs") or {}
    cpu = w.get("serverCpuPercent")
    # Every participant receives every other participant's streams, so each sent packet should
    # arrive participants - 1 times. Packets still queued (not lost, only late) show up here and
    # not in the loss figure, which counts gaps between packets that did arrive.
    expected = (w.get("sentPerSecond") or 0) * (r["participants"] - 1)
    delivered = 100 * w["forwardedPerSecond"] / expected if w and expected > 0 else None
    f = {
        "exit": rc,
        "participants": r["participants"],
        "publishers": r["publishers"],
        "viewers": viewers,
        "legs": r.get("legs", r["participants"]),
        "connected": t["participantsConnected"],
        "errors": t["errors"],
        "firstErrors": [e for p in r["participantReports"] for e in p["errors"]][:3],
        "joinToConnectedMsMax": (t.get("joinToConnectedMs") or {}).get("max"),
        "forwardedPerSecond": w.get("forwardedPerSecond"),
        # What the publishers managed to send: below ~140/s each, rounds-load itself fell
        # behind (its pacing skips rather than bursts; pacingSkipped).
        "sentPerSecond": w.get("sentPerSecond"),
        "pacingSkipped": sum(p["pacingSkipped"] for p in r["participantReports"]),
        "packetsPerServerCpuSecond": w.get("packetsPerServerCpuSecond"),
        "serverCpuPercent": cpu,
        "loadCpuPercent": w.get("loadCpuPercent"),
        "lossPercent": t["lossPercent"],
        "deliveredPercent": delivered,
        # The figure the targets and the ramp use: gaps or packets that did not arrive in time.
        "effectiveLossPercent": max(t["lossPercent"], 100 - delivered) if delivered is not None
        else None,
        "latencyP50Ms": lat.get("p50"),
        "latencyP99Ms": lat.get("p99"),
        "serverRssKbMax": s.get("rssKbMax"),
        # Only where the server kept up: a server that falls behind uses less CPU per viewer.
        "viewersPerCore": (viewers / (cpu / 100)) if cpu and viewers and delivered is not None
        and delivered >= 100 - TARGET_LOSS else None,
        "steadyWindowS": [w.get("fromS"), w.get("toS")] if w else None,
        "serverRunQueueWaitPerRun": None,
    }
    sc = r.get("serverSched")
    if sc and sc["runS"] > 0:
        f["serverRunQueueWaitPerRun"] = sc["runQueueWaitS"] / sc["runS"]
    return f


def scenario(build, server_factory, name, participants, publishers, measure, join_ms, viewers):
    server = server_factory()
    server.start()
    try:
        rc, r, wall = run_load(build, server, f"{name}-{int(time.time())}", participants,
                               publishers, measure, join_ms)
    finally:
        server.stop()
    f = figures(rc, r, viewers)
    f["scenario"] = name
    f["wallSeconds"] = round(wall, 1)
    print(f"  {server.name:6} {name:14} fwd/s {fmt(f['forwardedPerSecond'])} "
          f"pkt/cpu-s {fmt(f['packetsPerServerCpuSecond'])} server {fmt(f['serverCpuPercent'], 1)}% "
          f"load {fmt(f['loadCpuPercent'], 1)}% loss {f['lossPercent']}% "
          f"delivered {fmt(f['deliveredPercent'], 1)}% sent/s {fmt(f['sentPerSecond'])} p50/p99 "
          f"{fmt(f['latencyP50Ms'], 2)}/{fmt(f['latencyP99Ms'], 2)} ms "
          f"connected {f['connected']}/{f['legs']} ({wall:.0f} s)"
          + (f" errors: {f['firstErrors']}" if f["errors"] else ""), flush=True)
    return f


def fmt(v, digits=0):
    return "-" if v is None else f"{v:.{digits}f}"


def run_server(build, factory, quick):
    dur = 4 if quick else 8
    out = {"meeting": scenario(build, factory, "meeting", 10, 10, dur, 50, 0)}
    out["briefing"] = scenario(build, factory, "briefing", 202, 2, dur, 10, 200)
    ramp = []
    steps = [50, 100, 200] if quick else RAMP_STEPS
    stop_reason = f"largest step reached ({steps[-1]} viewers)"
    for v in steps:
        n = v + 2
        f = scenario(build, factory, f"ramp-{n - 2}", n, 2, 4 if quick else 6, 10, n - 2)
        ramp.append(f)
        if f["connected"] < f["legs"]:
            stop_reason = f"{f['legs'] - f['connected']} of {f['legs']} legs did not connect"
            break
        eff = f["effectiveLossPercent"]
        if eff is None or eff > MAX_LOSS_RAMP:
            stop_reason = (f"loss {eff:.1f} % > {MAX_LOSS_RAMP} % (gaps or packets not delivered "
                           "in time)" if eff is not None else "no steady window")
            break
        if (f["serverCpuPercent"] or 0) > SATURATED_CPU:
            stop_reason = f"server core saturated ({f['serverCpuPercent']:.0f} %)"
            break
        if (f["loadCpuPercent"] or 0) > SATURATED_CPU:
            stop_reason = f"load generator's core saturated ({f['loadCpuPercent']:.0f} %)"
            break
    ok = [f for f in ramp if f["effectiveLossPercent"] is not None
          and f["effectiveLossPercent"] <= TARGET_LOSS and f["forwardedPerSecond"]]
    best = max(ok, key=lambda f: f["forwardedPerSecond"]) if ok else None
    out["ramp"] = {"steps": ramp, "stopReason": stop_reason,
                   "bestAtTargetLoss": best["scenario"] if best else None}
    return out


def floor_rate(micro_path):
    """Forwarded copies per CPU-second of BM_Floor/200 and BM_ReceiveToSend/200 (median)."""
    if not micro_path or not os.path.exists(micro_path):
        return None
    data = json.load(open(micro_path))
    rates = {}
    for b in data["benchmarks"]:
        if b.get("aggregate_name") not in ("median", None):
            continue
        name = b.get("run_name", b["name"])
        n = b.get("subscribers")
        if "items_per_second" not in b:
            continue
        # BM_Floor/N/0 and BM_ReceiveToSend/N/0 are the default (our own GCM); /1 is libsrtp2's.
        if name.startswith(("BM_Floor/", "BM_ReceiveToSend/")) and name.count("/") == 2:
            if not name.endswith("/0"):
                continue
            name = name[:-2]
        if name.startswith("BM_Floor/"):
            rates[name] = b["items_per_second"]
        if name.startswith("BM_ReceiveToSend/") and n:
            rates[name] = b["items_per_second"] * n  # items are incoming packets
    return rates


def raise_fd_limit():
    """Server and rounds-load inherit this: one WebSocket per participant on the server, a
    WebSocket and a UDP socket per participant in rounds-load; 1,024 would stop at ~500."""
    try:
        import resource
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft != resource.RLIM_INFINITY and (hard == resource.RLIM_INFINITY or soft < hard):
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    except (ImportError, ValueError, OSError):
        pass


def main():
    raise_fd_limit()
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--servers", default="rounds,janus")
    ap.add_argument("--micro")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--out")
    ap.add_argument("--doc", default=os.path.join(ROOT, "docs", "performance.md"))
    ap.add_argument("--png", default=os.path.join(ROOT, "docs", "performance.png"))
    a = ap.parse_args()

    factories = {"rounds": lambda: RoundsServer(a.build)}
    try:
        from bench_janus import JanusServer  # noqa: E402
        factories["janus"] = lambda: JanusServer(a.build)
    except ImportError:
        pass
    results = {"date": datetime.datetime.utcnow().isoformat(timespec="seconds") + "Z",
               "machine": machine(), "command": " ".join(sys.argv), "servers": {}}
    for s in a.servers.split(","):
        if s not in factories:
            print(f"bench: no driver for server {s!r}; skipped", file=sys.stderr)
            continue
        print(f"bench: scenarios against {s}", flush=True)
        results["servers"][s] = run_server(a.build, factories[s], a.quick)
    results["floor"] = floor_rate(a.micro)
    out = a.out or os.path.join(ROOT, "bench", "results",
                                datetime.datetime.utcnow().strftime("%Y-%m-%d") + ".json")
    json.dump(results, open(out, "w"), indent=2)
    print(f"bench: scenario figures in {out}")
    subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "bench_scenarios_report.py"),
                    out, a.doc, a.png], check=True)


def machine():
    model = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": model, "cpus": cpus(), "loadavg": open("/proc/loadavg").read().split()[:3]}


if __name__ == "__main__":
    main()

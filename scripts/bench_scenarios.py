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
import threading
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
RAMP_STEPS = [100, 200, 300, 400, 500, 600, 700, 900, 1200, 1600, 2000]


def cpus():
    return os.cpu_count() or 1


def pin(cpu, argv):
    if shutil.which("taskset") and cpus() >= 2:
        return ["taskset", "-c", str(cpu)] + argv
    return argv


class RoundsServer:
    """Rounds in the same namespace pair as Janus, so both see the identical network path."""
    name = "rounds"

    def __init__(self, build, prefix=None, rig=None):
        self.build = build
        self.rig = rig  # bench_netns.py: "veth" (default) or "nic"
        self.proc = None
        self.dir = None
        self.ns = None
        self.prefix = prefix or []  # e.g. valgrind (scripts/bench_profile.py --callgrind)

    def start(self):
        self.ns = NetnsPair(self.rig)
        self.ns.create()
        self.dir = tempfile.mkdtemp(prefix="rounds-bench-")
        out = open(os.path.join(self.dir, "server.out"), "w")
        err = open(os.path.join(self.dir, "server.err"), "w")
        addr = self.ns.server_addr
        self.bootstrap = os.urandom(16).hex()
        self.session = None
        self.proc = subprocess.Popen(
            self.ns.server_cmd(pin(0, self.prefix + [
                os.path.join(self.build, "rounds"), "--http-address", addr, "--http-port", "0",
                "--media-address", addr, "--media-port", "0",
                "--db", os.path.join(self.dir, "rounds.db"), "--web-root", self.dir,
                "--log-level", "warn", "--media-workers", "1", "--room-max-participants", "1000",
                "--bootstrap-token", self.bootstrap])),
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

    def _http(self, method, path, body=None, headers=()):
        """curl from the load generator's namespace (the server's address is only reachable
        there), on the generator's core; returns the parsed JSON body or None."""
        argv = ["curl", "-s", "-m", "5", "-X", method, self.url.rstrip("/") + path,
                "-H", "content-type: application/json"]
        for h in headers:
            argv += ["-H", h]
        if body is not None:
            argv += ["--data", json.dumps(body)]
        try:
            out = subprocess.run(self.ns.client_cmd(pin(1, argv)), capture_output=True,
                                 timeout=10).stdout
            return json.loads(out) if out else None
        except (subprocess.TimeoutExpired, ValueError):
            return None

    def worker_stats(self):
        """Each worker's figures from /api/stats (docs/api.md), which needs a host: the first
        account is created with the bootstrap token, as an operator would."""
        if self.session is None:
            who = {"email": "bench@rounds.test", "password": self.bootstrap}
            self._http("POST", "/api/accounts", dict(who, displayName="bench", country="CH",
                       discipline="operations", language="en", timeZone="Europe/Zurich"),
                       ["X-Rounds-Bootstrap: " + self.bootstrap])
            r = self._http("POST", "/api/sessions", who) or {}
            self.session = r.get("token", "")
        if not self.session:
            return None
        r = self._http("GET", "/api/stats", headers=["authorization: Bearer " + self.session])
        if not r or "workers" not in r:
            return None
        return r["workers"]

    def load_args(self):
        return ["--url", self.url] + self.ns.load_address_args()

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


def run_load(build, server, room, participants, publishers, measure, join_ms, extra=()):
    """One bounded rounds-load run; `extra`: further rounds-load options (A/B runs)."""
    fd, path = tempfile.mkstemp(suffix=".json")
    os.close(fd)
    # --measure: figures from 1 s after the last participant connected, for `measure` seconds;
    # --duration is the hard cap (joining included).
    duration = measure + JOIN_BUDGET_S + participants * join_ms / 1000
    argv = server.wrap_load(pin(1, [os.path.join(build, "rounds-load")] + server.load_args() + [
        "--room", room, "--participants", str(participants), "--publishers", str(publishers),
        "--duration", f"{duration:.1f}", "--measure", str(measure),
        "--join-interval-ms", str(join_ms),
        "--server-pid", str(server.pid()), "--json-out", path, "--quiet"] + list(extra)))
    timeout = duration + 60
    poller = LatencyPoller(server) if hasattr(server, "worker_stats") else None
    ns = getattr(server, "ns", None)
    nic = CpuPoller(ns.nic_thread_cpu_seconds) if ns is not None and ns.napi_pids else None
    t0 = time.time()
    sched0 = schedstat(server.pid())
    for p in (poller, nic):
        if p:
            p.start()
    try:
        rc = subprocess.run(argv, timeout=timeout).returncode
    finally:
        for p in (poller, nic):
            if p:
                p.stop()
    sched1 = schedstat(server.pid())
    if ns is not None:
        # Drops at the server's sockets, read from its namespace after the run: Janus's too.
        drops = ns.udp_drops("server")
    try:
        report = json.load(open(path))
    finally:
        os.unlink(path)
    if ns is not None:
        report["serverNamespaceUdpDrops"] = drops
    if sched0 and sched1:
        run, wait = sched1[0] - sched0[0], sched1[1] - sched0[1]
        report["serverSched"] = {"runS": run / 1e9, "runQueueWaitS": wait / 1e9}
    if poller:
        w = report.get("steady") or {}
        span = (t0 + (w.get("fromS") or 0), t0 + (w.get("toS") or 1e9))
        report["serverLatency"] = poller.window(*span)
        # What the forwarding latency is made of (docs/api.md): the wait before recvmmsg, and
        # the worker's own housekeeping that held arriving packets back.
        for key, name in (("receiveWait", "serverReceiveWait"), ("tickDuration", "serverTick"),
                          ("statsDuration", "serverStatsCall")):
            report[name] = poller.window(*span, key)
        # Datagrams the kernel dropped at the server's full receive queue, whole run (joins
        # included), from the last reading (docs/api.md receiveQueueDrops).
        if poller.readings:
            report["serverQueueDrops"] = sum(wk.get("receiveQueueDrops") or 0
                                             for wk in poller.readings[-1][1])
    if nic:
        w = report.get("steady") or {}
        report["nicThreadCpuPercent"] = nic.percent(t0 + (w.get("fromS") or 0),
                                                    t0 + (w.get("toS") or 1e9))
    return rc, report, time.time() - t0


class CpuPoller:
    """Samples a CPU-seconds counter (the nic rig's NAPI threads) every half second, so that its
    share over the steady window can be cut out like the latency histograms'."""
    INTERVAL_S = 0.5

    def __init__(self, read):
        self.read = read
        self.readings = []  # (time.time(), CPU seconds)
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self.readings.append((time.time(), self.read()))
        self.thread.start()

    def stop(self):
        self.done.set()
        self.thread.join(5)

    def _run(self):
        while not self.done.wait(self.INTERVAL_S):
            self.readings.append((time.time(), self.read()))

    def percent(self, start, end):
        inside = [r for r in self.readings if start <= r[0] <= end]
        if len(inside) < 2 or inside[-1][0] <= inside[0][0]:
            return None
        return 100 * (inside[-1][1] - inside[0][1]) / (inside[-1][0] - inside[0][0])


class LatencyPoller:
    """Reads the server's latency histograms (/api/stats, refreshed by the server once a second)
    every second while rounds-load runs, so that the steady window's share can be cut out by
    subtracting two cumulative readings."""
    INTERVAL_S = 1.0

    def __init__(self, server):
        self.server = server
        self.readings = []  # (time.time() when read, [per-worker histogram])
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self.thread.start()

    def stop(self):
        self.done.set()
        self.thread.join(15)
        self._read()  # the final reading, after the run

    def _run(self):
        while not self.done.wait(self.INTERVAL_S):
            self._read()

    def _read(self):
        h = self.server.worker_stats()
        if h:
            self.readings.append((time.time(), h))

    def window(self, start, end, key="forwardLatency"):
        """p50/p99 (µs, bucket upper bounds) of the copies forwarded between the first reading
        whose data is surely from after `start` (read >= 1 s after it: the server refreshes its
        figures once a second) and the last reading taken before `end`; with the whole run's
        figures beside them."""
        if not self.readings:
            return None
        pick = lambda workers: [w.get(key) for w in workers]  # noqa: E731
        whole = merge_histograms(pick(self.readings[-1][1]))
        after = [r for r in self.readings if r[0] >= start + self.INTERVAL_S]
        before = [r for r in self.readings if r[0] <= end]
        out = {"wholeRun": summarize(whole), "window": None}
        if after and before and before[-1][0] > after[0][0]:
            a, b = merge_histograms(pick(after[0][1])), merge_histograms(pick(before[-1][1]))
            diff = {k: b.get(k, 0) - a.get(k, 0) for k in b}
            out["window"] = summarize(diff)
            out["window"]["fromToS"] = [round(after[0][0] - start, 1), round(before[-1][0] - start, 1)]
        return out


def merge_histograms(workers):
    """{bucket upper bound µs: count} summed over the workers' histograms."""
    total = {}
    for w in workers:
        for upper, count in (w or {}).get("buckets", []):
            total[upper] = total.get(upper, 0) + count
    return total


def summarize(buckets):
    """count, p50, p99 and max (µs, nearest rank, inclusive bucket upper bounds) of
    {upper: count}."""
    items = sorted((u, c) for u, c in buckets.items() if c > 0)
    n = sum(c for _, c in items)
    out = {"count": n, "p50Us": None, "p99Us": None, "maxUs": items[-1][0] if items else None}
    for q, key in ((0.5, "p50Us"), (0.99, "p99Us")):
        rank, seen = max(1, -(-int(q * 1000) * n // 1000)), 0
        for u, c in items:
            seen += c
            if seen >= rank:
                out[key] = u
                break
    return out


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
        # From sending `join` to the first media packet received, over the participants that got
        # one (joined N join-interval apart: the join storm of a briefing's audience).
        "joinToFirstPacketMs": t.get("joinToFirstPacketMs"),
        "forwardedPerSecond": w.get("forwardedPerSecond"),
        # What the publishers managed to send: below ~140/s each, rounds-load itself fell
        # behind (its pacing skips rather than bursts; pacingSkipped).
        "sentPerSecond": w.get("sentPerSecond"),
        "pacingSkipped": sum(p["pacingSkipped"] for p in r["participantReports"]),
        "packetsPerServerCpuSecond": w.get("packetsPerServerCpuSecond"),
        "serverCpuPercent": cpu,
        "loadCpuPercent": w.get("loadCpuPercent"),
        # The nic rig only: the generator side's NAPI thread (its host's receive work), on the
        # generator's core beside loadCpuPercent.
        "nicThreadCpuPercent": r.get("nicThreadCpuPercent"),
        "lossPercent": t["lossPercent"],
        "deliveredPercent": delivered,
        # The figure the targets and the ramp use: gaps or packets that did not arrive in time.
        "effectiveLossPercent": max(t["lossPercent"], 100 - delivered) if delivered is not None
        else None,
        "latencyP50Ms": lat.get("p50"),
        "latencyP99Ms": lat.get("p99"),
        # Server in to server out (the packet's arrival at the server's socket, by the kernel's
        # receive timestamp, to the sendmmsg of each copy), in the steady window: the server's own
        # figure, without the generator's share.
        "serverLatencyP50Ms": None,
        "serverLatencyP99Ms": None,
        "serverLatency": r.get("serverLatency"),
        "serverRssKbMax": s.get("rssKbMax"),
        # Datagrams dropped at a full receive queue over the whole run, joins included: the
        # server's socket (it fell behind) and the generator's (it did): whose loss it was.
        # The server's: every UDP socket in its namespace (the kernel's count, any server), else
        # Rounds' own /api/stats figure.
        "serverQueueDrops": r.get("serverNamespaceUdpDrops", r.get("serverQueueDrops")),
        "serverStatsQueueDrops": r.get("serverQueueDrops"),
        "generatorQueueDrops": r.get("socketQueueDrops"),
        # Loss recovery over the whole run (docs/load.md): receivers' NACKs, retransmissions
        # they got back, what the publishers were asked for and resent.
        "lossRecovery": t.get("lossRecovery"),
        # Only where the server kept up: a server that falls behind uses less CPU per viewer.
        "viewersPerCore": (viewers / (cpu / 100)) if cpu and viewers and delivered is not None
        and delivered >= 100 - TARGET_LOSS else None,
        "steadyWindowS": [w.get("fromS"), w.get("toS")] if w else None,
        "serverRunQueueWaitPerRun": None,
    }
    sl = (r.get("serverLatency") or {}).get("window")
    if sl and sl["count"]:
        f["serverLatencyP50Ms"] = sl["p50Us"] / 1000
        f["serverLatencyP99Ms"] = sl["p99Us"] / 1000
    # Its parts (ms, steady window): the receive-queue wait's p99, the worker's ticks' p99 and
    # longest, the longest stats call (bench polls /api/stats every second).
    for name, fig in (("serverReceiveWait", "serverReceiveWaitP99Ms"), ("serverTick", "serverTickP99Ms"),
                      ("serverTick", "serverTickMaxMs"), ("serverStatsCall", "serverStatsCallMaxMs")):
        h = (r.get(name) or {}).get("window")
        q = "maxUs" if fig.endswith("MaxMs") else "p99Us"
        f[fig] = h[q] / 1000 if h and h["count"] and h[q] is not None else None
    sc = r.get("serverSched")
    if sc and sc["runS"] > 0:
        f["serverRunQueueWaitPerRun"] = sc["runQueueWaitS"] / sc["runS"]
    return f


FLOOR_BENCHES = ("BM_Floor/200", "BM_FloorDelivered/200")


def floor_beside(build):
    """The floor measured right after a scenario step, so that the step is compared with the floor
    of the same minute: this shared machine's speed moves by tens of per cent within the quarter
    of an hour a `make bench` takes. BM_Floor/200/0 and BM_FloorDelivered/200/0, forwarded copies
    per CPU-second, run as in the microbenchmarks (not pinned: the delivered floor's reader takes
    the other core, as the generator does in the scenarios). None when rounds_bench is missing."""
    exe = os.path.join(build, "rounds_bench")
    if not os.path.exists(exe):
        return None
    try:
        out = subprocess.run([exe, "--benchmark_filter=^BM_Floor(Delivered)?/200/0$",
                              "--benchmark_min_time=0.3", "--benchmark_format=json"],
                             capture_output=True, timeout=120).stdout
        rates = {}
        for b in json.loads(out)["benchmarks"]:
            name = b["name"].rsplit("/", 1)[0]
            if name in FLOOR_BENCHES and "items_per_second" in b:
                rates[name] = b["items_per_second"]
        return rates or None
    except (subprocess.TimeoutExpired, ValueError, KeyError):
        return None


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
    f["floorBeside"] = floor_beside(build)
    v = f["packetsPerServerCpuSecond"]
    fb = f["floorBeside"] or {}
    f["percentOfFloorBeside"] = {k: 100 * v / fb[k] for k in fb if fb[k]} if v else None
    print(f"  {server.name:6} {name:14} fwd/s {fmt(f['forwardedPerSecond'])} "
          f"pkt/cpu-s {fmt(f['packetsPerServerCpuSecond'])} server {fmt(f['serverCpuPercent'], 1)}% "
          f"load {fmt(f['loadCpuPercent'], 1)}% "
          + (f"(+{fmt(f['nicThreadCpuPercent'], 1)}% NAPI) " if f.get("nicThreadCpuPercent")
             is not None else "") +
          f"loss {f['lossPercent']}% delivered {fmt(f['deliveredPercent'], 1)}% sent/s {fmt(f['sentPerSecond'])} p50/p99 "
          f"{fmt(f['latencyP50Ms'], 2)}/{fmt(f['latencyP99Ms'], 2)} ms "
          f"server p50/p99 {fmt(f['serverLatencyP50Ms'], 2)}/{fmt(f['serverLatencyP99Ms'], 2)} ms "
          f"connected {f['connected']}/{f['legs']} ({wall:.0f} s) "
          f"drops server/generator {fmt(f.get('serverQueueDrops'))}/{fmt(f.get('generatorQueueDrops'))}"
          + (f" NACKed/RTX back {fmt(lr.get('nackedPackets'))}/{fmt(lr.get('rtxReceived'))}"
             if (lr := f.get("lossRecovery") or {}) else "")
          + (" of floor / delivered floor beside " + " / ".join(
              f"{fmt(f['percentOfFloorBeside'].get(k))}%" for k in FLOOR_BENCHES)
             if f["percentOfFloorBeside"] else "")
          + (f" errors: {f['firstErrors']}" if f["errors"] else ""), flush=True)
    return f


def fmt(v, digits=0):
    return "-" if v is None else f"{v:.{digits}f}"


def run_server(build, factory, quick):
    dur = 4 if quick else 8
    out = {"meeting": scenario(build, factory, "meeting", 10, 10, dur, 50, 0)}
    out["briefing"] = scenario(build, factory, "briefing", 202, 2, dur, 10, 200)
    out["ramp"] = run_ramp(build, factory, quick, "ramp")
    return out


def run_ramp(build, factory, quick, label):
    ramp = []
    steps = [50, 100, 200] if quick else RAMP_STEPS
    stop_reason = f"largest step reached ({steps[-1]} viewers)"
    for v in steps:
        n = v + 2
        f = scenario(build, factory, f"{label}-{n - 2}", n, 2, 4 if quick else 6, 10, n - 2)
        ramp.append(f)
        if f["connected"] < f["legs"]:
            stop_reason = f"{f['legs'] - f['connected']} of {f['legs']} legs did not connect"
            break
        eff = f["effectiveLossPercent"]
        if eff is None or eff > MAX_LOSS_RAMP:
            stop_reason = (f"loss {eff:.1f} % > {MAX_LOSS_RAMP} % (gaps or packets not delivered "
                           "in time)" if eff is not None else "no steady window") + drops_note(f)
            break
        if (f["serverCpuPercent"] or 0) > SATURATED_CPU:
            stop_reason = f"server core saturated ({f['serverCpuPercent']:.0f} %)"
            break
        if generator_cpu(f) > SATURATED_CPU:
            stop_reason = f"load generator's core saturated ({generator_cpu(f):.0f} %)"
            break
    best = best_step(ramp)
    return {"steps": ramp, "stopReason": stop_reason,
            "bestAtTargetLoss": best["scenario"] if best else None}


def drops_note(f):
    """Whose sockets dropped datagrams in a step that lost some: the server's or the generator's
    (docs/performance.md, "Whose loss")."""
    sd, gd = f.get("serverQueueDrops"), f.get("generatorQueueDrops")
    if sd is None and gd is None:
        return ""
    return f"; dropped at full receive queues: server {fmt(sd)}, generator {fmt(gd)}"


def generator_cpu(f):
    """The generator's core: rounds-load plus, in the nic rig, its NAPI thread."""
    return (f["loadCpuPercent"] or 0) + (f.get("nicThreadCpuPercent") or 0)


def best_step(steps):
    """The ramp step with the largest forwarded rate at <= TARGET_LOSS effective loss on cores
    that kept up: a step where the server's or the generator's core was saturated is left out
    even when it lost nothing, because its packets arrived up to seconds late (2026-12-06: ramp-500
    at 98 % of the server's core, 1.3 s p50)."""
    ok = [f for f in steps if f["effectiveLossPercent"] is not None
          and f["effectiveLossPercent"] <= TARGET_LOSS and f["forwardedPerSecond"]
          and (f["serverCpuPercent"] or 0) <= SATURATED_CPU and generator_cpu(f) <= SATURATED_CPU]
    return max(ok, key=lambda f: f["forwardedPerSecond"]) if ok else None


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
        if name.startswith(("BM_Floor/", "BM_FloorDelivered/", "BM_ReceiveToSend/")) \
                and name.count("/") == 2:
            if not name.endswith("/0"):
                continue
            name = name[:-2]
        if name.startswith(("BM_Floor/", "BM_FloorDelivered/")):
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
        if s == "rounds" and shutil.which("ethtool"):
            # The same ramp with delivery as at a NIC (bench_netns.py): the server no longer
            # pays for, or waits on, its receivers' kernel work (docs/performance.md).
            print("bench: ramp against rounds, nic rig", flush=True)
            results["servers"][s]["rampNic"] = run_ramp(
                a.build, lambda: RoundsServer(a.build, rig="nic"), a.quick, "nic-ramp")
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

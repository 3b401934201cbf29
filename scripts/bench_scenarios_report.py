#!/usr/bin/env python3
"""Turns bench/results/<date>.json (scripts/bench_scenarios.py) into the scenario table of
docs/performance.md (between the SCENARIOS markers) and a gnuplot PNG: forwarded packets/s and p99
latency against participants, one line per server.
Usage: bench_scenarios_report.py RESULTS_JSON DOC_MD PNG"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_scenarios import best_step  # noqa: E402

src, doc, png = sys.argv[1], sys.argv[2], sys.argv[3]
r = json.load(open(src))


def fmt(v, digits=0):
    return "–" if v is None else f"{v:,.{digits}f}"


def first_packet(f):
    """Join to first media packet, p50 / p99 ms ("–" in results from before it was recorded)."""
    j = f.get("joinToFirstPacketMs") or {}
    return f"{fmt(j.get('p50'))} / {fmt(j.get('p99'))}"


def beside(f):
    """% of BM_Floor/200 / % of BM_FloorDelivered/200, both measured right after the step."""
    p = f.get("percentOfFloorBeside") or {}
    if not p:
        return "–"
    return f"{fmt(p.get('BM_Floor/200'))} / {fmt(p.get('BM_FloorDelivered/200'))}"


def load_cpu(f):
    """The generator's core: rounds-load, plus the nic rig's NAPI thread where there is one."""
    s = fmt(f["loadCpuPercent"], 1)
    if f.get("nicThreadCpuPercent") is not None:
        s += f" + {fmt(f['nicThreadCpuPercent'], 1)} NAPI"
    return s


def rss_mb(f):
    """The server's largest resident set over the run, MB ("–" where it was not sampled)."""
    kb = f.get("serverRssKbMax")
    return "–" if not kb else fmt(kb / 1024, 1)


def memory_per_viewer(res):
    """Least-squares slope of the server's resident set against viewers over the runs of one
    shape (two presenters: the briefing and every ramp step where everyone connected), so the
    fixed part of the process drops out: (KB per viewer, runs, fewest, most viewers) or None."""
    pts = [(f["viewers"], f["serverRssKbMax"]) for f in [res["briefing"]] + res["ramp"]["steps"]
           if f.get("serverRssKbMax") and f.get("viewers") is not None
           and f["connected"] >= f.get("legs", f["participants"])]
    if len({x for x, _ in pts}) < 2:
        return None
    mx = sum(x for x, _ in pts) / len(pts)
    my = sum(y for _, y in pts) / len(pts)
    slope = (sum((x - mx) * (y - my) for x, y in pts) / sum((x - mx) ** 2 for x, _ in pts))
    return slope, len(pts), min(x for x, _ in pts), max(x for x, _ in pts)


def ramps(res):
    """(label, ramp) for the veth ramp and, when run, the nic-rig ramp (bench_netns.py)."""
    out = [("ramp", res["ramp"])]
    if res.get("rampNic"):
        out.append(("nic-rig ramp", res["rampNic"]))
    return out


def entries(res):
    """Every run of one server: meeting, briefing and the steps of each ramp."""
    return [res["meeting"], res["briefing"]] + [f for _, rp in ramps(res) for f in rp["steps"]]


def recovery(f):
    """Video packets the receivers NACKed / retransmissions they got back on RTX (whole run;
    runs before 2026-12-07 had no loss recovery in the generator: "–")."""
    lr = f.get("lossRecovery")
    if not lr:
        return "–"
    return f"{fmt(lr.get('nackedPackets'))} / {fmt(lr.get('rtxReceived'))}"


rows = []
for server, res in r["servers"].items():
    for f in entries(res):
        rows.append(
            f"| {server} | {f['scenario']} | {f['participants']} ({f['publishers']} pub) | "
            f"{f['connected']}/{f.get('legs', f['participants'])} | {fmt(f['forwardedPerSecond'])} | "
            f"{fmt(f['packetsPerServerCpuSecond'])} | {fmt(f['serverCpuPercent'], 1)} | "
            f"{load_cpu(f)} | {f['lossPercent']:.3f} | "
            f"{fmt(f.get('deliveredPercent'), 1)} | {fmt(f.get('sentPerSecond'))} | "
            f"{fmt(f['latencyP50Ms'], 2)} / {fmt(f['latencyP99Ms'], 2)} | "
            f"{fmt(f.get('serverLatencyP50Ms'), 2)} / {fmt(f.get('serverLatencyP99Ms'), 2)} | "
            f"{first_packet(f)} | "
            f"{fmt(f['viewersPerCore'])} | {rss_mb(f)} | "
            f"{fmt(f.get('serverQueueDrops'))} / {fmt(f.get('generatorQueueDrops'))} | "
            f"{recovery(f)} | "
            f"{fmt(f.get('serverRunQueueWaitPerRun'), 2)} | {beside(f)} |")

lines = [
    "<!-- SCENARIOS:BEGIN (written by `make bench`; do not edit by hand) -->",
    f"Run {r['date']} on {r['machine']['cpu']}, {r['machine']['cpus']} CPUs, load average "
    f"{' '.join(r['machine']['loadavg'])} at the start; `{r['command']}`; raw figures in "
    f"`bench/results/{os.path.basename(src)}`.",
    "",
    "| server | scenario | participants | connected legs | forwarded pkt/s | pkt per server CPU-s | "
    "server CPU % | load CPU % | loss % | delivered % | sent pkt/s | latency p50 / p99 ms | "
    "server p50 / p99 ms | join to first packet p50 / p99 ms | viewers per core | "
    "server memory MB | socket drops server / generator | NACKed / RTX back | "
    "server run-queue wait per CPU-s | "
    "% of floor / of delivered floor, measured beside |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
    "| ---: | ---: | ---: | ---: | ---: | ---: |",
] + rows + [""]

for server, res in r["servers"].items():
    for label, ramp in ramps(res):
        best = best_step(ramp["steps"])  # recomputed: older results chose saturated steps too
        lines.append(f"- {server} {label} stopped: {ramp['stopReason']}; largest forwarded rate "
                     "at <= 0.5 % effective loss (gaps, or not delivered in time) on cores that "
                     "kept up (<= 90 %): "
                     + (f"{fmt(best['forwardedPerSecond'])} pkt/s with {best['viewers']} viewers "
                        f"({best['scenario']})" if best else "none"))
        # Target "p99 under 5 ms at half load": the step whose server CPU was nearest 50 %,
        # among those where every leg connected and the generator kept up, with what its p99
        # is made of (docs/api.md: receive-queue wait, the worker's tick pieces).
        near = [f for f in ramp["steps"] if f.get("serverCpuPercent") and f.get("serverLatencyP99Ms")
                and f["connected"] >= f.get("legs", f["participants"])
                and (f["loadCpuPercent"] or 0) + (f.get("nicThreadCpuPercent") or 0) <= 90]
        if server == "rounds" and near:
            h = min(near, key=lambda f: abs(f["serverCpuPercent"] - 50))
            verdict = "under" if h["serverLatencyP99Ms"] < 5 else "not under"
            lines.append(f"- {server} {label}, step nearest half a core: {h['scenario']} at "
                         f"{fmt(h['serverCpuPercent'], 1)} %: server p99 "
                         f"{fmt(h['serverLatencyP99Ms'], 2)} ms ({verdict} 5 ms); of it the wait "
                         f"in the receive queue p99 {fmt(h.get('serverReceiveWaitP99Ms'), 2)} ms, "
                         f"the worker's longest tick piece {fmt(h.get('serverTickMaxMs'), 2)} ms.")
for server, res in r["servers"].items():
    m = memory_per_viewer(res)
    if m:
        lines.append(f"- {server} memory per viewer: {fmt(m[0])} KB (slope of the server's "
                     f"largest resident set against viewers over {m[1]} runs with two presenters, "
                     f"{m[2]} to {m[3]} viewers)")
floor = r.get("floor") or {}
fl = floor.get("BM_Floor/200")
if fl:
    lines.append(f"- Floor (`BM_Floor/200`, one core): {fmt(fl)} forwarded packets per CPU-second; "
                 f"`BM_ReceiveToSend/200` (Rounds' path, same load shape): "
                 f"{fmt(floor.get('BM_ReceiveToSend/200'))} "
                 f"({fmt(100 * floor.get('BM_ReceiveToSend/200', 0) / fl, 0)} % of the floor).")
    fd = floor.get("BM_FloorDelivered/200")
    if fd:
        lines.append(f"- Floor with delivery (`BM_FloorDelivered/200`: the copies go to 200 "
                     f"sockets a reader drains, as the subscribers' sockets are here): {fmt(fd)} "
                     "forwarded packets per CPU-second.")
    for server, res in r["servers"].items():
        b = res["briefing"]
        if b.get("packetsPerServerCpuSecond"):
            lines.append(f"- {server} briefing: {fmt(b['packetsPerServerCpuSecond'])} forwarded "
                         f"packets per server CPU-second = "
                         f"{fmt(100 * b['packetsPerServerCpuSecond'] / fl, 0)} % of the floor"
                         + (f", {fmt(100 * b['packetsPerServerCpuSecond'] / fd, 0)} % of the "
                            "floor with delivery" if fd else "") +
                         " (the whole server process: signalling, RTCP, timers, receive included).")
        best = best_step(res["ramp"]["steps"])
        if best and best.get("packetsPerServerCpuSecond"):
            v = best["packetsPerServerCpuSecond"]
            lines.append(f"- {server} {best['scenario']} (ramp, largest rate at the target loss): "
                         f"{fmt(v)} per server CPU-second = {fmt(100 * v / fl, 0)} % of the floor"
                         + (f", {fmt(100 * v / fd, 0)} % of the floor with delivery" if fd else "")
                         + ".")
besides = [f.get("floorBeside") or {} for res in r["servers"].values() for f in entries(res)]
for name in ("BM_Floor/200", "BM_FloorDelivered/200"):
    vals = [b[name] for b in besides if b.get(name)]
    if vals:
        lines.append(f"- `{name}` measured right after each step: {fmt(min(vals))} to "
                     f"{fmt(max(vals))} forwarded packets per CPU-second over this run (the last "
                     "column compares each step with the floors of its own minute).")
if "rounds" in r["servers"] and "janus" in r["servers"]:
    for sc in ("meeting", "briefing"):
        a = r["servers"]["rounds"][sc].get("packetsPerServerCpuSecond")
        b = r["servers"]["janus"][sc].get("packetsPerServerCpuSecond")
        la = r["servers"]["rounds"][sc].get("effectiveLossPercent")
        lb = r["servers"]["janus"][sc].get("effectiveLossPercent")
        if a and b:
            lines.append(f"- {sc}: Rounds / Janus forwarded packets per CPU-second = {a / b:.2f} "
                         f"(effective loss {fmt(la, 2)} % / {fmt(lb, 2)} %)")
lines.append(f"\n![forwarded packets/s and p99 latency against participants]({os.path.basename(png)})")
lines.append("<!-- SCENARIOS:END -->")
block = "\n".join(lines)

text = open(doc).read()
start = text.find("<!-- SCENARIOS:BEGIN")
end = text.find("<!-- SCENARIOS:END -->")
if start >= 0 and end >= 0:
    text = text[:start] + block + text[end + len("<!-- SCENARIOS:END -->"):]
else:
    text = text.rstrip() + "\n\n" + block + "\n"
open(doc, "w").write(text)

if not shutil.which("gnuplot"):
    print("bench: gnuplot not installed; no chart", file=sys.stderr)
    sys.exit(0)
tmp = tempfile.mkdtemp()
plots_rate, plots_lat = [], []
series = [(server, [res["meeting"], res["briefing"]] + res["ramp"]["steps"])
          for server, res in r["servers"].items()]
series += [(f"{server} (nic rig)", res["rampNic"]["steps"])
           for server, res in r["servers"].items() if res.get("rampNic")]
for n, (server, entries) in enumerate(series):
    pts = sorted((f["participants"], f["forwardedPerSecond"] or 0, f["latencyP99Ms"] or 0)
                 for f in entries)
    path = os.path.join(tmp, f"series{n}.dat")
    with open(path, "w") as fh:
        for p in pts:
            fh.write(f"{p[0]} {p[1]} {p[2]}\n")
    plots_rate.append(f"'{path}' using 1:2 with linespoints title '{server} forwarded pkt/s'")
    plots_lat.append(f"'{path}' using 1:3 axes x1y2 with linespoints dashtype 2 "
                     f"title '{server} p99 latency (ms)'")
script = f"""set terminal pngcairo size 900,500
set output '{png}'
set title 'Forwarded packets/s and p99 latency against participants ({r['date']})'
set xlabel 'participants'
set ylabel 'forwarded packets/s'
set y2label 'p99 latency (ms)'
set ytics nomirror
set y2tics
set key top left
set grid
plot {', '.join(plots_rate + plots_lat)}
"""
subprocess.run(["gnuplot"], input=script.encode(), check=True)
shutil.rmtree(tmp)
print(f"bench: table in {doc}, chart {png}")

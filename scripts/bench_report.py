#!/usr/bin/env python3
"""Turns a Google Benchmark JSON file into the markdown table in docs/performance.md."""
import json
import platform
import subprocess
import sys

src, doc = sys.argv[1], sys.argv[2]
data = json.load(open(src))
ctx = data.get("context", {})

def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"

rows = []
for b in data["benchmarks"]:
    if b.get("aggregate_name") not in ("median", None):
        continue
    name = b.get("run_name", b["name"])
    unit = b.get("time_unit", "ns")
    t = b["cpu_time"]
    scale = {"ns": 1, "us": 1e3, "ms": 1e6}.get(unit, 1)
    ns = t * scale
    per = ""
    if "items_per_second" in b and b["items_per_second"] > 0:
        per = f"{1e9 / b['items_per_second']:.1f}"
    rows.append((name, f"{ns:.1f}", per))

lines = [
    "<!-- BENCH:BEGIN (written by `make bench`; do not edit by hand) -->",
    f"Machine: {cpu_model()}, {ctx.get('num_cpus', '?')} CPUs, "
    f"{ctx.get('library_build_type', '?')} Google Benchmark, run {ctx.get('date', '?')}; "
    "median of 3 repetitions, CPU time.",
    "",
    "| benchmark | ns per iteration | ns per item (packet) |",
    "| --- | ---: | ---: |",
]
lines += [f"| `{n}` | {t} | {p} |" for n, t, p in rows]
lines.append("<!-- BENCH:END -->")
block = "\n".join(lines)

text = open(doc).read()
start = text.find("<!-- BENCH:BEGIN")
end = text.find("<!-- BENCH:END -->")
if start >= 0 and end >= 0:
    text = text[:start] + block + text[end + len("<!-- BENCH:END -->"):]
else:
    text = text.rstrip() + "\n\n" + block + "\n"
open(doc, "w").write(text)

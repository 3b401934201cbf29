#!/usr/bin/env python3
"""What server-in to server-out p99 one media worker could have at a given share of its core, if
nothing disturbed it (docs/performance.md, "What one worker's p99 can be").

The model: the briefing shape of the benchmark. Each presenter sends audio every 20 ms and video
at 30 frames/s, a frame's three packets 4.5 ms apart (rounds-load's paced sender at the
defaults); presenters start at random phases. One FIFO worker fans out each incoming packet in a
fixed time S, its copies leaving evenly over S; S is set so that the worker is busy `rho` of the
time (rho = arrivals/s x S). The latency of a copy is its packet's wait for the worker plus its
place in the fan-out. `--tick` quantises the send times to rounds-load's 2 ms loop. Prints, per
rho, the p50 and the median and range of the p99 over `--draws` random phase sets.

Usage: fanout_queue_model.py [--rho 0.25,0.35,0.5] [--presenters 2] [--draws 20] [--tick 0.002]
"""
import argparse
import random
import statistics


def arrivals(seconds, rng, presenters, tick):
    times = []
    for _ in range(presenters):
        t = rng.random() * 0.020
        while t < seconds:
            times.append(t)
            t += 0.020
        t = rng.random() / 30
        while t < seconds:
            times.extend(t + k * 0.0045 for k in range(3))
            t += 1 / 30
    if tick:
        times = [(int(t / tick) + 1) * tick for t in times]
    return sorted(times)


def copy_latencies(times, rho, seconds, copies=50):
    service = rho / (len(times) / seconds)
    free = 0.0
    out = []
    for a in times:
        start = max(a, free)
        out.extend(start + service * i / copies - a for i in range(1, copies + 1))
        free = start + service
    out.sort()
    return service, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rho", default="0.25,0.35,0.5")
    ap.add_argument("--presenters", type=int, default=2)
    ap.add_argument("--draws", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--tick", type=float, default=0.0)
    a = ap.parse_args()
    print("| share of the core | fan-out time S ms | p50 ms | p99 ms: median (min–max) |")
    print("| ---: | ---: | ---: | ---: |")
    for rho in (float(r) for r in a.rho.split(",")):
        p50s, p99s, service = [], [], 0.0
        for draw in range(a.draws):
            rng = random.Random(draw)
            service, lat = copy_latencies(arrivals(a.seconds, rng, a.presenters, a.tick), rho,
                                          a.seconds)
            p50s.append(lat[len(lat) // 2] * 1000)
            p99s.append(lat[int(len(lat) * 0.99)] * 1000)
        print(f"| {rho:.2f} | {service * 1000:.2f} | {statistics.median(p50s):.2f} | "
              f"{statistics.median(p99s):.2f} ({min(p99s):.2f}–{max(p99s):.2f}) |")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""./wcnic bench: net_wcnic's throughput against peers in one run, and its TX hot-path cost.

1. Instructions per packet of the TX burst functions (push and DMA mode,
   bursts of 32, 64-byte frames), counted by callgrind (txprofile.py):
   a count, stable on a shared machine.
2. Debian's dpdk-testpmd through net_null, net_wcnic push, net_wcnic dma
   and a net_memif pair, for each workload of bench_setups.WORKLOADS
   (txonly 64 and 1518 bytes, io forwarding over a loop, 1 and 2 queues).
   Every figure is the median of --runs runs, interleaved (one run of
   everything, then the next) so that drift hits every set-up alike, and
   is printed with its ratio to net_null and to the memif pair of the same
   invocation. --baseline adds net_wcnic from another build to the same
   interleaving: before and after a change, compared in one run.

Writes throughput.csv, throughput.png and hotpath.csv into --out.
"""
import argparse
import os
import platform
import sys
import time

import bench_report
import testpmd_session as tp
import txprofile
from bench_setups import WORKLOADS, Placement, measure, setups


def hot_path(harness, packets):
    """The callgrind counts, or an empty list with the reason printed."""
    if txprofile.valgrind_path() is None:
        print("hot path: not measured: valgrind is not installed (Debian package valgrind; "
              "./wcnic setup)")
        return []
    if not os.access(harness, os.X_OK):
        print(f"hot path: not measured: {harness} is missing (built with -Dpmd=enabled)")
        return []
    print(f"hot path: callgrind, {packets:,} packets per mode, bursts of 32, 64-byte frames",
          flush=True)
    results = []
    for mode in ("push", "dma"):
        result = txprofile.profile(harness, mode, packets)
        print("  " + txprofile.describe(result), flush=True)
        results.append(result)
    return results


def throughput(chosen, workloads, runs, seconds):
    samples = {(w, s): [] for w in workloads for s in chosen}
    for run in range(runs):
        for w in workloads:
            for setup in chosen:
                sample = measure(setup, w, seconds)
                samples[(w, setup)].append(sample)
                print(f"run {run + 1}/{runs}  {w.label:<22} {setup.name:<15} "
                      f"{sample.mpps:7.2f} Mpps  fwd cpu {sample.fwd_cpu:.2f}", flush=True)
    return samples


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build_dir", help="build folder (drivers/librte_net_wcnic.so, "
                        "app/txprofile/wcnic-txprofile)")
    parser.add_argument("--out", help="folder for the CSV files and the chart "
                        "(default BUILD_DIR/bench)")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (default 3)")
    parser.add_argument("--seconds", type=float, default=2.0,
                        help="forwarding time per run (default 2)")
    parser.add_argument("--workload", action="append", choices=[w.name for w in WORKLOADS],
                        help="measure only this workload (repeatable)")
    parser.add_argument("--baseline", metavar="BUILD_DIR",
                        help="also measure net_wcnic from this other build (before/after a "
                        "change, same run)")
    parser.add_argument("--profile-packets", type=int, default=50000,
                        help="packets per callgrind run (default 50000)")
    parser.add_argument("--no-profile", action="store_true", help="skip the callgrind count")
    args = parser.parse_args()
    if args.runs < 1 or args.seconds <= 0 or args.profile_packets < 1:
        parser.error("--runs and --profile-packets must be at least 1, --seconds positive")
    return args


def cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


def main():
    args = parse_args()
    build = os.path.abspath(args.build_dir)
    out = os.path.abspath(args.out or os.path.join(build, "bench"))
    drivers = os.path.join(build, "drivers")
    baseline = os.path.join(os.path.abspath(args.baseline), "drivers") if args.baseline else None
    if tp.testpmd_path() is None:
        print("bench: dpdk-testpmd not found (Debian package dpdk-dev; ./wcnic setup)")
        return 1
    for folder in filter(None, (drivers, baseline)):
        if not os.path.exists(os.path.join(folder, "librte_net_wcnic.so")):
            print(f"bench: no librte_net_wcnic.so in {folder} (a build with -Dpmd=enabled)")
            return 1
    os.makedirs(out, exist_ok=True)

    started = time.monotonic()
    workloads = [w for w in WORKLOADS if not args.workload or w.name in args.workload]
    chosen = setups(drivers, baseline)
    cpus = len(os.sched_getaffinity(0))
    print(f"machine: {platform.node()}, {cpus} CPUs, {cpu_model()}, Linux {platform.release()}")
    for queues in sorted({w.queues for w in workloads}):
        print(f"placement, {queues} queue(s): {Placement(queues).describe()}")

    profiles = [] if args.no_profile else hot_path(
        os.path.join(build, "app", "txprofile", "wcnic-txprofile"), args.profile_packets)
    samples = throughput(chosen, workloads, args.runs, args.seconds)

    med = bench_report.medians(samples)
    bench_report.print_table(chosen, workloads, med, args.runs, args.seconds)
    for p in profiles:
        print(f"hot path  {txprofile.describe(p)}")
    written = [os.path.join(out, "throughput.csv")]
    bench_report.write_csv(written[0], chosen, workloads, med, samples)
    if profiles:
        written.append(os.path.join(out, "hotpath.csv"))
        bench_report.write_profile_csv(written[-1], profiles)
    png = os.path.join(out, "throughput.png")
    why_not = bench_report.write_chart(
        png, chosen, workloads, med,
        f"testpmd through net_wcnic and peers, median of {args.runs} runs "
        f"({platform.node()}, {cpus} CPUs)")
    if why_not is None:
        written.append(png)
    else:
        print(f"bench: no chart: {why_not}")
    print(f"wrote {', '.join(written)} ({time.monotonic() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (tp.TestpmdError, txprofile.ProfileError) as err:
        print(f"bench: {err}")
        sys.exit(1)

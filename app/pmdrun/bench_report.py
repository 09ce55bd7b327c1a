# SPDX-License-Identifier: BSD-3-Clause
"""./wcnic bench output: the table, the CSV files and the chart.

Every ratio compares medians measured in the same invocation: absolute
rates on a shared machine drift from run to run, ratios much less.
"""
import csv
import os
import shutil
import statistics
import subprocess

from txprofile import BURST_FUNCTION

# A forwarding lcore that got less of its CPU than this in the median run
# shared it with other work: the figure is marked.
DISTURBED_CPU_SHARE = 0.9


def medians(samples):
    """{(workload, setup): [Sample]} -> {(workload, setup): (median Mpps, median CPU share)}"""
    return {key: (statistics.median(s.mpps for s in runs),
                  statistics.median(s.fwd_cpu for s in runs))
            for key, runs in samples.items()}


def ratio(value, reference):
    return value / reference if reference else float("nan")


def references(setups, med, workload):
    """Median Mpps of net_null and of the memif pair for this workload."""
    by_driver = {s.driver: med[(workload, s)][0] for s in setups if s.driver != "wcnic"}
    return by_driver["null"], by_driver["memif"]


def print_table(setups, workloads, med, runs, seconds):
    print(f"\nMpps, median of {runs} interleaved runs of {seconds:g} s each "
          f"(--no-huge); ratios from the same run")
    print(f"{'workload':<22} {'set-up':<19} {'Mpps':>7} {'x null':>7} {'x memif':>8}  fwd cpu")
    for w in workloads:
        null, memif = references(setups, med, w)
        for setup in setups:
            mpps, cpu = med[(w, setup)]
            vs_memif = f"{ratio(mpps, memif):8.2f}" if setup.driver == "wcnic" else " " * 8
            mark = "  (shared CPU)" if cpu < DISTURBED_CPU_SHARE else ""
            print(f"{w.label:<22} {setup.name:<19} {mpps:7.2f} {ratio(mpps, null):7.2f} "
                  f"{vs_memif}  {cpu:6.2f}{mark}")


def write_csv(path, setups, workloads, med, samples):
    with open(path, "w", encoding="utf-8", newline="") as out:
        rows = csv.writer(out)
        rows.writerow(["workload", "mode", "frame_bytes", "queues", "setup", "mpps_median",
                       "ratio_net_null", "ratio_memif_pair", "fwd_cpu_share_median",
                       "runs_mpps"])
        for w in workloads:
            null, memif = references(setups, med, w)
            for setup in setups:
                mpps, cpu = med[(w, setup)]
                rows.writerow([w.name, w.mode, w.frame_len, w.queues, setup.name,
                               f"{mpps:.3f}", f"{ratio(mpps, null):.3f}",
                               f"{ratio(mpps, memif):.3f}", f"{cpu:.2f}",
                               " ".join(f"{s.mpps:.3f}" for s in samples[(w, setup)])])


def write_profile_csv(path, profiles):
    with open(path, "w", encoding="utf-8", newline="") as out:
        rows = csv.writer(out)
        rows.writerow(["function", "frame_bytes", "burst", "packets", "instructions",
                       "instructions_per_packet"])
        for p in profiles:
            rows.writerow([BURST_FUNCTION[p["mode"]], p["frame_len"], p["burst"], p["packets"],
                           p["instructions"], f"{p['per_packet']:.1f}"])


def write_chart(png, setups, workloads, med, title):
    """Grouped bars: one group per workload, one bar per set-up.

    Returns None, or why no chart was drawn (gnuplot missing or failing):
    the caller says so, the table and CSV stand without it.
    """
    gnuplot = shutil.which("gnuplot")
    if gnuplot is None:
        return "gnuplot is not installed (Debian package gnuplot-nox; ./wcnic setup)"
    data = png[:-len(".png")] + ".dat" if png.endswith(".png") else png + ".dat"
    with open(data, "w", encoding="utf-8") as out:
        out.write("workload " + " ".join(f'"{s.name}"' for s in setups) + "\n")
        for w in workloads:
            out.write(f'"{w.label}" ' + " ".join(f"{med[(w, s)][0]:.3f}" for s in setups) + "\n")
    script = "\n".join([
        "set terminal pngcairo size 1300,650 noenhanced",
        f"set output '{png}'",
        f"set title '{title}'",
        "set ylabel 'Mpps (median)'",
        "set style data histograms",
        "set style histogram clustered gap 1",
        "set style fill solid 0.8 border -1",
        "set key top right",
        "set yrange [0:*]",
        "set grid ytics",
        "set xtics nomirror rotate by -20",
        f"plot for [c=2:{len(setups) + 1}] '{data}' using c:xtic(1) title columnhead",
        "",
    ])
    proc = subprocess.run([gnuplot], input=script.encode(), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, check=False)
    os.unlink(data)
    if proc.returncode != 0:
        return f"gnuplot failed: {proc.stdout.decode(errors='replace').strip()}"
    return None

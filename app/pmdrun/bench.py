#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""./wcnic bench: testpmd txonly throughput of net_wcnic against peers, same run.

Peers: Debian's net_null (a driver that drops everything: the ceiling for
one forwarding core) and a net_memif pair (two testpmd processes over shared
memory: a real software data path). Every figure is the median of several
runs, printed with its ratio to net_null and to the memif pair measured in
the same invocation, because absolute rates on shared machines drift.

One forwarding thread per configuration; net_wcnic's device model runs on a
control thread on the other CPU, as the memif receiver does, so both sides
use two CPUs.
"""
import argparse
import os
import statistics
import sys
import tempfile
import time

import testpmd_session as tp

TXONLY = ["--forward-mode=txonly", "--txpkts=64", "--burst=32"]


def run_single(pmd_dir, vdev, seconds):
    pmd = tp.Testpmd(pmd_dir, [vdev], TXONLY)
    try:
        fwd, xs, elapsed = tp.run_forwarding(pmd, seconds)
    finally:
        pmd.close()
    if xs.get("dev_errors", 0) != 0:
        raise tp.TestpmdError(f"{vdev}: device errors {xs['dev_errors']}")
    return fwd["TX-packets"] / elapsed / 1e6


def run_memif_pair(seconds):
    """Sender (txonly, client) and receiver (rxonly, server) on separate CPUs."""
    sockdir = tempfile.mkdtemp(prefix="wcnic-memif-")
    sock = os.path.join(sockdir, "memif.sock")
    rx = tx = None
    try:
        rx = tp.Testpmd(None, [f"net_memif0,role=server,socket={sock}"],
                        ["--forward-mode=rxonly"], main_lcore=0)
        tx = tp.Testpmd(None, [f"net_memif0,role=client,socket={sock}"], TXONLY,
                        main_lcore=1)
        time.sleep(1.0)  # let the client connect
        rx.cmd("start")
        fwd, _, elapsed = tp.run_forwarding(tx, seconds)
        rx_stats = tp.forward_stats(rx.cmd("stop", until="Accumulated forward statistics"))
        return min(fwd["TX-packets"], rx_stats["RX-packets"]) / elapsed / 1e6
    finally:
        # 22.11's memif can crash the survivor when its peer leaves: the
        # figures are taken already, so close both and ignore how they exit.
        for proc in (tx, rx):
            if proc is not None:
                proc.close(timeout=10)
        for name in os.listdir(sockdir):
            os.unlink(os.path.join(sockdir, name))
        os.rmdir(sockdir)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pmd_dir", help="folder holding librte_net_wcnic.so")
    parser.add_argument("--runs", type=int, default=3, help="runs per configuration")
    parser.add_argument("--seconds", type=float, default=4.0, help="forwarding time per run")
    parser.add_argument("--csv", help="also write the medians to this CSV file")
    args = parser.parse_args()

    configs = [
        ("net_null", lambda: run_single(args.pmd_dir, "net_null0", args.seconds)),
        ("net_wcnic push", lambda: run_single(
            args.pmd_dir, "net_wcnic0,tx_mode=push,backend=sink", args.seconds)),
        ("net_wcnic dma", lambda: run_single(
            args.pmd_dir, "net_wcnic0,tx_mode=dma,backend=sink", args.seconds)),
        ("net_memif pair", lambda: run_memif_pair(args.seconds)),
    ]
    results = {name: [] for name, _ in configs}
    # Interleave the configurations so drift hits all of them alike.
    for run in range(args.runs):
        for name, fn in configs:
            mpps = fn()
            results[name].append(mpps)
            print(f"run {run + 1}/{args.runs}  {name:<16} {mpps:6.2f} Mpps", flush=True)

    median = {name: statistics.median(v) for name, v in results.items()}
    print(f"\ntestpmd txonly, 64-byte frames, one queue, median of {args.runs} runs "
          f"of {args.seconds:.0f} s (--no-huge)")
    print(f"{'configuration':<16} {'Mpps':>7} {'x net_null':>11} {'x memif pair':>13}")
    for name, value in median.items():
        print(f"{name:<16} {value:7.2f} {value / median['net_null']:11.2f} "
              f"{value / median['net_memif pair']:13.2f}")
    if args.csv:
        with open(args.csv, "w", encoding="utf-8") as out:
            out.write("configuration,mpps_median,ratio_net_null,ratio_memif_pair,runs\n")
            for name, value in median.items():
                out.write(f"{name},{value:.3f},{value / median['net_null']:.3f},"
                          f"{value / median['net_memif pair']:.3f},"
                          f"{' '.join(f'{v:.3f}' for v in results[name])}\n")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except tp.TestpmdError as err:
        print(f"bench: {err}")
        sys.exit(1)

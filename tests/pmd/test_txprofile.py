#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The TX hot-path profile runs and counts something.

usage: test_txprofile.py WCNIC_TXPROFILE

Runs wcnic-txprofile under callgrind in push and DMA mode, as ./wcnic bench
does, and checks that every packet went out in full bursts, the device
consumed them without error (the harness checks that and exits non-zero
otherwise), and a positive number of instructions per packet came out.
No threshold: the count is a figure to read (doc/performance.md), not a
pass mark. 70,016 packets take the 16-bit ring index past its wrap.

A run takes seconds. One still going after RUN_TIMEOUT seconds is stopped,
reported with the stacks of its threads (the WARNING lines), and run once
more; a second hang fails. That case has been seen rarely under
valgrind's serialised threads and never outside it.
Exit 0 pass, 1 fail, 77 skip (no valgrind).
"""
import sys

import txprofile

BURST = 32
PACKETS = 2188 * BURST  # 70,016
RUN_TIMEOUT = 90


def profile_once_more_after_hang(harness, mode):
    try:
        return txprofile.profile(harness, mode, PACKETS, BURST, timeout=RUN_TIMEOUT)
    except txprofile.ProfileHang as hang:
        for line in str(hang).splitlines():
            print(f"WARNING {line}")
        print(f"WARNING {mode}: running it once more")
        return txprofile.profile(harness, mode, PACKETS, BURST, timeout=RUN_TIMEOUT)


def main(argv):
    if len(argv) != 2:
        print(f"usage: {argv[0]} WCNIC_TXPROFILE")
        return 2
    if txprofile.valgrind_path() is None:
        print("SKIP: valgrind is not installed (Debian package valgrind; ./wcnic setup)")
        return txprofile.SKIP
    failures = 0
    for mode in ("push", "dma"):
        try:
            result = profile_once_more_after_hang(argv[1], mode)
        except txprofile.ProfileError as err:
            print(f"FAIL {mode}: {err}")
            failures += 1
            continue
        print(txprofile.describe(result))
        checks = [
            (result["packets"] == PACKETS, f"{mode}: sent {result['packets']} of {PACKETS}"),
            (result["bursts"] == PACKETS // BURST and result["short_bursts"] == 0,
             f"{mode}: {result['bursts']} bursts, {result['short_bursts']} short"),
            (result["per_packet"] > 0, f"{mode}: {result['per_packet']:.1f} instructions/packet"),
        ]
        for ok, what in checks:
            print(("ok   " if ok else "FAIL ") + what)
            failures += not ok
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

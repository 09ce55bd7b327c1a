#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Instructions per packet of net_wcnic's TX burst functions, counted by callgrind.

Runs wcnic-txprofile (app/txprofile: full bursts of prebuilt frames through
a net_wcnic vdev) under valgrind's callgrind with collection switched on
only inside the driver's burst function (--toggle-collect), so EAL start-up,
mbuf allocation, the pacing loop and the device model's thread are not
counted. Instructions collected divided by packets sent is the cost of the
hot path per packet: a count, not a time, so it does not move when other
work shares the machine.

Valgrind emulates the CPU it runs on, minus what it cannot emulate:
valgrind 3.19 hides AVX-512, so the line copier it sees is the AVX2 one
(two 32-byte stores per line instead of one 64-byte store).

usage: txprofile.py WCNIC_TXPROFILE [--mode push|dma|push-csum|dma-csum]... [--packets N] [--burst N] [--len BYTES]
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

# What callgrind counts per mode: the burst function, and for the checksum
# modes rte_eth_tx_prepare()'s driver half too (part of what an application
# pays for the offload).
BURST_FUNCTION = {"push": "wcnic_xmit_push", "dma": "wcnic_xmit_dma",
                  "push-csum": "wcnic_xmit_push_csum", "dma-csum": "wcnic_xmit_dma_csum"}
PREPARE_FUNCTION = "wcnic_tx_prepare"
SKIP = 77


class ProfileError(Exception):
    pass


class ProfileHang(ProfileError):
    """The run did not finish in time; the message carries every thread's stack."""


def valgrind_path():
    return shutil.which("valgrind")


def callgrind_total(out_file):
    """The Ir total of a callgrind output file."""
    with open(out_file, encoding="utf-8", errors="replace") as data:
        for line in data:
            if line.startswith(("summary:", "totals:")):
                return int(line.split()[1])
    raise ProfileError(f"{out_file}: no totals line")


def thread_stacks(pid, harness):
    """Every thread's stack of a process running under valgrind, through its
    gdbserver (vgdb), or why it cannot be had."""
    gdb, vgdb = shutil.which("gdb"), shutil.which("vgdb")
    if gdb is None or vgdb is None:
        return "(no stacks: gdb or vgdb is not installed)"
    try:
        out = subprocess.run([gdb, "-batch", "-nx", "-ex", f"target remote | {vgdb} --pid={pid}",
                              "-ex", "info threads", "-ex", "thread apply all bt 25", harness],
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, timeout=60, check=False)
    except subprocess.TimeoutExpired:
        return "(no stacks: gdb did not answer within 60 s)"
    lines = out.stdout.decode(errors="replace").splitlines()
    return "\n".join(l for l in lines if l.startswith(("#", "Thread", "  Id", "* ", "  ")))


def profile(harness, mode, packets=64000, burst=32, frame_len=64, timeout=120):
    """Run the harness under callgrind; return a dict with the counts.

    The run takes seconds; one that has not ended after `timeout` seconds
    raises ProfileHang with the stacks of its threads."""
    if mode not in BURST_FUNCTION:
        raise ProfileError(f"unknown mode '{mode}' ({', '.join(BURST_FUNCTION)})")
    workdir = tempfile.mkdtemp(prefix="wcnic-txprofile-")
    out_file = os.path.join(workdir, "callgrind.out")
    # --fair-sched: the driver's start-up waits for the device model's
    # thread by spinning; without it valgrind may starve that thread.
    cmd = [valgrind_path(), "--tool=callgrind", "--fair-sched=yes",
           f"--callgrind-out-file={out_file}", "--collect-atstart=no",
           f"--toggle-collect={BURST_FUNCTION[mode]}",
           *([f"--toggle-collect={PREPARE_FUNCTION}"] if mode.endswith("-csum") else []),
           os.path.abspath(harness), mode, "--packets", str(packets), "--burst", str(burst),
           "--len", str(frame_len)]
    try:
        with subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, cwd=workdir) as proc:
            try:
                output = proc.communicate(timeout=timeout)[0].decode(errors="replace")
            except subprocess.TimeoutExpired as err:
                stacks = thread_stacks(proc.pid, os.path.abspath(harness))
                proc.kill()
                output = proc.communicate()[0].decode(errors="replace")
                raise ProfileHang(f"{mode}: callgrind run still going after {timeout} s; "
                                  f"its threads were at:\n{stacks}\noutput:\n{output[-3000:]}"
                                  ) from err
        if proc.returncode != 0:
            raise ProfileError(f"{' '.join(cmd)} exited {proc.returncode}:\n{output[-3000:]}")
        sent = re.search(r"txprofile: mode ([\w-]+) sent (\d+) packets in (\d+) bursts of (\d+) "
                         r"\((\d+) short\)", output)
        if sent is None:
            raise ProfileError(f"no 'txprofile:' summary in the output:\n{output[-3000:]}")
        instructions = callgrind_total(out_file)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    nb_sent, bursts, short = int(sent.group(2)), int(sent.group(3)), int(sent.group(5))
    if sent.group(1) != mode or nb_sent == 0:
        raise ProfileError(f"asked {mode} mode, the harness ran {sent.group(1)} "
                           f"and sent {nb_sent} packets")
    return {
        "mode": mode,
        "frame_len": frame_len,
        "burst": burst,
        "packets": nb_sent,
        "bursts": bursts,
        "short_bursts": short,
        "instructions": instructions,
        "per_packet": instructions / nb_sent,
    }


def describe(result):
    counted = BURST_FUNCTION[result['mode']]
    if result["mode"].endswith("-csum"):
        counted += f" + {PREPARE_FUNCTION}"
    return (f"{counted:<16} {result['per_packet']:7.1f} instructions/packet "
            f"({result['instructions']:,} for {result['packets']:,} packets, "
            f"{result['frame_len']}-byte frames, bursts of {result['burst']}, "
            f"{result['short_bursts']} short)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("harness", help="the wcnic-txprofile program")
    parser.add_argument("--mode", action="append", choices=sorted(BURST_FUNCTION),
                        help="TX mode to profile (repeatable; default: push and dma)")
    parser.add_argument("--packets", type=int, default=64000)
    parser.add_argument("--burst", type=int, default=32)
    parser.add_argument("--len", type=int, default=64, dest="frame_len")
    args = parser.parse_args()
    if valgrind_path() is None:
        print("txprofile: SKIP: valgrind is not installed (Debian package valgrind; "
              "./wcnic setup)")
        return SKIP
    for mode in args.mode or ["push", "dma"]:
        try:
            print(describe(profile(args.harness, mode, args.packets, args.burst,
                                   args.frame_len)), flush=True)
        except ProfileError as err:
            print(f"txprofile: {mode}: {err}")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

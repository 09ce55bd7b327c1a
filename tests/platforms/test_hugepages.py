#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Hugepages the way DPDK users run: after ./wcnic setup, a primary process
with hugepages (no --no-huge) and a secondary process attached to it work.

A dpdk-testpmd primary with a net_null port runs on hugepages; dpdk-proc-info
attaches as a secondary and must read that port's statistics. Needs root
(hugetlbfs files and /var/run/dpdk); without root it is skipped and says so.
Exit 0 pass, 1 fail, 77 skip.
"""
import os
import select
import shutil
import subprocess
import sys
import time

from check import Check

PREFIX = f"wcnic-hp-{os.getpid()}"


def hugetlbfs_mounts():
    with open("/proc/self/mounts", encoding="utf-8") as mounts:
        return [line.split()[1] for line in mounts if line.split()[2] == "hugetlbfs"]


def read_until(proc, text, timeout):
    """Read the primary's output until text shows (or timeout); return what came."""
    seen, deadline = "", time.monotonic() + timeout
    while text not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], 0.5)
        if ready:
            chunk = os.read(proc.stdout.fileno(), 65536).decode(errors="replace")
            if not chunk:
                break
            seen += chunk
    return seen


def main():
    if os.geteuid() != 0:
        print("SKIP: needs root (hugetlbfs files and /var/run/dpdk); ./wcnic test runs as root")
        return 77
    check = Check()
    mounts = hugetlbfs_mounts()
    with open("/proc/sys/vm/nr_hugepages", encoding="utf-8") as pages:
        reserved = int(pages.read())
    if not check.that(mounts and reserved > 0,
                      f"hugetlbfs mounted ({mounts}) and pages reserved ({reserved}): "
                      "./wcnic setup does both"):
        return 1
    testpmd, proc_info = shutil.which("dpdk-testpmd"), shutil.which("dpdk-proc-info")
    if not check.that(testpmd and proc_info, "dpdk-testpmd and dpdk-proc-info installed"):
        return 1
    primary = subprocess.Popen(
        [testpmd, "-l", "0-1", "--no-pci", "--vdev", "net_null0", f"--file-prefix={PREFIX}",
         "--", "-i", "--total-num-mbufs=2048"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        out = read_until(primary, "testpmd>", 60)
        if not check.that("testpmd>" in out, "primary on hugepages started"):
            print(out)
            return 1
        secondary = subprocess.run(
            [proc_info, "--no-pci", f"--file-prefix={PREFIX}", "--", "--stats"],
            capture_output=True, text=True, timeout=60, check=False)
        text = secondary.stdout + secondary.stderr
        check.that(secondary.returncode == 0 and "NIC statistics for port 0" in text,
                   f"dpdk-proc-info attached as a secondary and read port 0 "
                   f"(exit {secondary.returncode})")
        if check.failures:
            print(text[-2000:])
        primary.stdin.write(b"quit\n")
        primary.stdin.flush()
        check.that(primary.wait(timeout=30) == 0, "primary quit cleanly")
    finally:
        if primary.poll() is None:
            primary.kill()
            primary.wait()
        shutil.rmtree(f"/var/run/dpdk/{PREFIX}", ignore_errors=True)
    return 1 if check.failures else 0


if __name__ == "__main__":
    sys.exit(main())

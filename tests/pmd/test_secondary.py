#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Secondary processes against a running net_wcnic port: dpdk-proc-info and
dpdk-dumpcap (Debian's dpdk package), next to a testpmd primary.

usage: test_secondary.py PMD_DIR proc-info|introspection|dumpcap

proc-info: after forwarding stopped, the statistics and extended statistics
dpdk-proc-info prints (read by the driver in its own process, from the
shared port and the device's registers) equal what testpmd reads.
introspection: the burst modes and the private dump dpdk-proc-info prints
(--show-port, --show-port-private) are the primary's.
dumpcap: a capture of at least N packets on the running port is a pcapng
file that tcpdump reads back with as many packets as dumpcap says it
captured, every one the looped IPv4/UDP frame.

The driver comes into the secondary the way it comes into testpmd: -d for
dpdk-proc-info, which passes EAL options on; dpdk-dumpcap takes none, so it
gets the driver preloaded (an installed driver is found in DPDK's plugin
folder instead). dpdk-dumpcap also gets the libraries Debian's testpmd
links, in testpmd's order: some of them register mempool handlers, and
both processes must number the handlers alike, or the primary fills the
capture pool through the wrong one (doc/pmd-guide.md, secondary processes).
Needs hugepages (./wcnic setup reserves and mounts them).
Exit 0 pass, 1 fail, 77 skip.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

import testpmd_session as tp
from check import Check

CAPTURE = 200


def hugepages_ready():
    with open("/proc/meminfo", encoding="utf-8") as info:
        free = next((int(line.split()[1]) for line in info if line.startswith("HugePages_Free")), 0)
    return free >= 256 and tp.hugetlbfs_mounts()


def loopback_primary(pmd_dir):
    pmd = tp.Testpmd(pmd_dir, ["net_wcnic0,backend=loopback"],
                     ["--forward-mode=io", "--burst=32"], shared=True)
    pmd.cmd("start tx_first")
    return pmd


def secondary_env(pmd_dir, preload):
    env = tp.run_env(pmd_dir)
    if preload:
        env["LD_PRELOAD"] = ":".join(tp.testpmd_libraries() +
                                     [os.path.join(pmd_dir, "librte_net_wcnic.so")])
    return env


def numbers(text, names):
    """name: value pairs of dpdk-proc-info's output."""
    found = {}
    for name in names:
        m = re.search(rf"\b{re.escape(name)}:\s*(\d+)", text)
        if m:
            found[name] = int(m.group(1))
    return found


def case_proc_info(pmd_dir, check):
    pmd = loopback_primary(pmd_dir)
    try:
        pmd.cmd("stop", until="Done.")
        stats = pmd.cmd("show port stats 0")
        xs = tp.settled_xstats(pmd)
        # One listing per run: dpdk-proc-info prints one of --stats and --xstats.
        runs = [subprocess.run(["dpdk-proc-info", f"--file-prefix={pmd.prefix}", "-d",
                                "librte_net_wcnic.so", "--", what],
                               capture_output=True, text=True, timeout=60,
                               env=secondary_env(pmd_dir, False), check=False)
                for what in ("--stats", "--xstats")]
    finally:
        pmd.close()
    out = "".join(run.stdout + run.stderr for run in runs)
    print(out[-3000:])
    check.that(all(run.returncode == 0 for run in runs),
               f"dpdk-proc-info exits 0 ({[run.returncode for run in runs]})")
    want = numbers(stats, ["RX-packets", "TX-packets"])
    got = numbers(out, ["RX-packets", "TX-packets"])
    check.that(want and got == want, f"basic statistics agree: proc-info {got}, testpmd {want}")
    for name in ("dev_tx_packets", "dev_rx_packets", "tx_push_entries", "rx_q0_packets"):
        seen = numbers(out, [name]).get(name)
        check.that(seen == xs.get(name) and seen, f"{name}: proc-info {seen}, testpmd {xs.get(name)}")


def proc_info(pmd, pmd_dir, what):
    """One dpdk-proc-info run against pmd's port: (exit status, output)."""
    run = subprocess.run(["dpdk-proc-info", f"--file-prefix={pmd.prefix}", "-d",
                          "librte_net_wcnic.so", "--", what],
                         capture_output=True, text=True, timeout=60,
                         env=secondary_env(pmd_dir, False), check=False)
    return run.returncode, run.stdout + run.stderr


def case_introspection(pmd_dir, check):
    """The burst modes (--show-port) and the private dump (--show-port-private)
    as a secondary process reads them: the same as in the primary."""
    pmd = tp.Testpmd(pmd_dir, ["net_wcnic0,backend=loopback,tx_mode=dma"],
                     ["--forward-mode=io", "--burst=32"], shared=True)
    try:
        pmd.cmd("start tx_first")
        pmd.cmd("stop", until="Done.")
        txq = pmd.cmd("show txq info 0 0", until="Burst mode")
        xs = tp.settled_xstats(pmd)
        port = proc_info(pmd, pmd_dir, "--show-port")
        dump = proc_info(pmd, pmd_dir, "--show-port-private")
    finally:
        pmd.close()
    print(port[1][-1500:] + dump[1][-2500:])
    check.that(port[0] == 0 and dump[0] == 0,
               f"dpdk-proc-info exits 0 ({port[0]}, {dump[0]})")
    primary = re.search(r"^Burst mode: (.*)$", txq, re.M)
    modes = re.findall(r"burst mode : (.*)$", port[1], re.M)
    check.that(primary is not None and modes == ["scalar", primary.group(1).strip()],
               f"burst modes in the secondary {modes}, TX in the primary "
               f"'{primary.group(1).strip() if primary else None}'")
    check.that("net_wcnic port 0 (net_wcnic0)" in dump[1] and
               "TX mode: dma (asked dma)" in dump[1], "the secondary prints the private dump")
    sent = re.search(r"^ +dev_tx_packets (\d+)$", dump[1], re.M)
    sent = int(sent.group(1)) if sent else None
    check.that(sent == xs.get("dev_tx_packets") and sent,
               f"its device counters are the primary's xstats ({sent}, {xs.get('dev_tx_packets')})")


def case_dumpcap(pmd_dir, check):
    workdir = tempfile.mkdtemp(prefix="wcnic-dumpcap-")
    capture = os.path.join(workdir, "wcnic.pcapng")
    pmd = loopback_primary(pmd_dir)
    try:
        run = subprocess.run(["dpdk-dumpcap", f"--file-prefix={pmd.prefix}", "-i", "net_wcnic0",
                              "-c", str(CAPTURE), "-w", capture],
                             capture_output=True, text=True, timeout=60,
                             env=secondary_env(pmd_dir, True), check=False)
        pmd.cmd("stop", until="Done.")
    finally:
        pmd.close()
    try:
        print((run.stdout + run.stderr)[-2000:])
        check.that(run.returncode == 0, f"dpdk-dumpcap exits 0 ({run.returncode})")
        read = subprocess.run(["tcpdump", "-nn", "-r", capture], capture_output=True, text=True,
                              timeout=60, check=False)
        lines = [line for line in read.stdout.splitlines() if line.strip()]
        print("\n".join(lines[:3]))
        check.that(read.returncode == 0, f"tcpdump reads the capture ({read.stderr.strip()[-300:]})")
        # dumpcap stops after the burst that reaches the count, and says how many.
        # Its counter is rewritten in place: the last number after the label.
        counter = (run.stdout + run.stderr).rpartition("Packets captured:")[2]
        said = re.findall(r"\d+", counter.split("\n")[0])
        said = int(said[-1]) if said else -1
        check.that(said >= CAPTURE and len(lines) == said,
                   f"{len(lines)} packets in the file, dumpcap captured {said} ({CAPTURE} asked)")
        check.that(all("UDP" in line and "length" in line for line in lines),
                   "every captured packet is the looped IPv4/UDP frame")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


CASES = {"proc-info": case_proc_info, "introspection": case_introspection,
         "dumpcap": case_dumpcap}
TOOLS = {"proc-info": ["dpdk-proc-info"], "introspection": ["dpdk-proc-info"],
         "dumpcap": ["dpdk-dumpcap", "tcpdump", "readelf"]}


def main(argv):
    if len(argv) != 3 or argv[2] not in CASES:
        print(f"usage: {argv[0]} PMD_DIR {{{'|'.join(CASES)}}}")
        return 2
    missing = [t for t in ["dpdk-testpmd"] + TOOLS[argv[2]] if shutil.which(t) is None]
    if missing:
        print(f"SKIP: {', '.join(missing)} not installed (./wcnic setup installs them)")
        return tp.SKIP
    if not hugepages_ready():
        print("SKIP: secondary processes need hugepages: 256 free 2 MiB pages and a mounted "
              "hugetlbfs (./wcnic setup, as root)")
        return tp.SKIP
    check = Check()
    try:
        CASES[argv[2]](argv[1], check)
    except (tp.TestpmdError, subprocess.TimeoutExpired) as err:
        print(f"FAIL: {err}")
        return 1
    return 1 if check.failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

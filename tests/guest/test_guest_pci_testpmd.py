#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The PCI path end to end: net_wcnic on the ivshmem device in a guest,
wcnic-emu on the host.

Cases (the guest script in brackets):
  txonly    Debian's dpdk-testpmd, txonly, dpdk-dumpcap and dpdk-proc-info
            as secondary processes, hot unplug and attach [guest-pci-testpmd.sh]; every
            packet testpmd sent is one the device model counted, and none
            was malformed.
  loopback  the byte-exact loopback program of the host tests, dma and push
            mode, against the device [guest-pci-loopback.sh].
--vfio stock: Debian's vfio-pci; WC cannot be had, the driver must say so
and pick dma mode. --vfio wc: this project's vfio-pci (drivers/vfio, built
against the guest kernel's headers): the BAR is write-combining by the
mmap-attribute UAPI and the driver picks push mode.
"""
import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import guestbench
import testpmd_session
import wc_module

HERE = Path(__file__).resolve().parent
GUEST_PMD = "/usr/lib/wcnic/librte_net_wcnic.so"
# EAL loads every "*.so" and "*.so.<ABI>" in its plugin folder: the guest
# gets only the mempool driver there (bus_pci comes linked to the driver).
MEMPOOL_RING = "/usr/lib/x86_64-linux-gnu/dpdk/pmds-23.0/librte_mempool_ring.so"
# testpmd's stdout goes to a file the guest script reads as it runs: line
# buffering (stdbuf preloads its library) keeps output and prompts in order.
STDBUF = ["/usr/bin/stdbuf", "/usr/libexec/coreutils/libstdbuf.so"]
# Secondary processes the txonly case runs against testpmd, and the reader
# of dpdk-dumpcap's capture.
SECONDARY_TOOLS = ("dpdk-proc-info", "dpdk-dumpcap", "tcpdump")
# glibc loads it at run time (pthread_cancel at exit), so no ELF names it.
LIBGCC_S = "/lib/x86_64-linux-gnu/libgcc_s.so.1"

EXPECT = {
    # vfio: (driver's memory type, PAT list's type, TX mode tx_mode=auto picks)
    "stock": ("uncached", "uncached-minus", "dma"),
    "wc": ("write-combining", "write-combining", "push"),
}


def emu_stats(path, outcome):
    try:
        with open(path, encoding="utf-8") as stats:
            return json.load(stats)
    except (OSError, ValueError) as err:
        outcome.add("emu-stats", "FAIL", f"no readable statistics from wcnic-emu: {err}")
        return None


def txonly_checks(stats_path, outcome):
    """What the guest's testpmd sent against what the device model saw."""
    stats = emu_stats(stats_path, outcome)
    if stats is None:
        return
    sent = 0
    for check in outcome.checks:
        if check.name.startswith("tx-run-") and check.detail.startswith("packets="):
            sent += int(check.detail.split("=", 1)[1])
    total = stats["total"]
    counted, malformed = total["tx_packets"], total["tx_hdr_bad"]
    ok = sent > 0 and counted == sent
    outcome.add("emu-counted-every-packet", "PASS" if ok else "FAIL",
                f"testpmd sent {sent}, wcnic-emu counted {counted}")
    outcome.add("emu-no-malformed", "PASS" if malformed == 0 else "FAIL",
                f"{malformed} frames the sink found malformed (tx_hdr_bad)")
    errors = total["errors"]
    outcome.add("emu-no-device-errors", "PASS" if errors == 0 else "FAIL",
                f"{errors} device errors")


def loopback_checks(stats_path, outcome):
    """Every frame the device took on TX it delivered on RX, without errors."""
    stats = emu_stats(stats_path, outcome)
    if stats is None:
        return
    total = stats["total"]
    tx, rx = total["tx_packets"], total["rx_packets"]
    outcome.add("emu-looped-every-frame", "PASS" if tx > 0 and rx == tx else "FAIL",
                f"wcnic-emu took {tx} frames, delivered {rx}")
    errors = total["errors"]
    outcome.add("emu-no-device-errors", "PASS" if errors == 0 else "FAIL",
                f"{errors} device errors")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("case", choices=["txonly", "loopback"])
    parser.add_argument("--vfio", choices=sorted(EXPECT), default="stock")
    parser.add_argument("--emu", required=True, type=lambda p: Path(p).resolve())
    parser.add_argument("--pmd", required=True, type=lambda p: Path(p).resolve())
    parser.add_argument("--loopback-test", type=lambda p: Path(p).resolve())
    parser.add_argument("--run-seconds", type=int, default=3)
    parser.add_argument("--work-dir", type=Path,
                        help="--vfio wc: where the module is built, one folder per kernel")
    parser.add_argument("--log-dir", type=Path)
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args(argv)

    testpmd = shutil.which("dpdk-testpmd")
    if testpmd is None:
        print("SKIP: dpdk-testpmd not found (Debian package dpdk)")
        return guestbench.results.EXIT_SKIP
    mem, pat, tx_mode = EXPECT[args.vfio]
    secondaries = {name: shutil.which(name) for name in SECONDARY_TOOLS}
    missing = [name for name, path in secondaries.items() if path is None]
    if missing:
        print(f"SKIP: {', '.join(missing)} not found (./wcnic setup installs them)")
        return guestbench.results.EXIT_SKIP
    include = [f"{testpmd}=/usr/bin/dpdk-testpmd", f"{args.pmd}={GUEST_PMD}",
               *(f"{path}=/usr/bin/{name}" for name, path in secondaries.items()),
               MEMPOOL_RING, LIBGCC_S, *STDBUF, f"{HERE / 'testpmd-lib.sh'}=/wcnic/testpmd-lib.sh"]
    env = {"WCNIC_PMD": GUEST_PMD, "EXPECT_MEM": mem, "EXPECT_PAT": pat,
           "EXPECT_TX_MODE": tx_mode, "RUN_SECONDS": str(args.run_seconds),
           "DUMPCAP_PRELOAD": ":".join(testpmd_session.testpmd_libraries() + [GUEST_PMD])}
    if args.case == "txonly":
        script, backend = HERE / "guest-pci-testpmd.sh", "sink"
    else:
        if args.loopback_test is None:
            parser.error("loopback needs --loopback-test")
        script, backend = HERE / "guest-pci-loopback.sh", "loopback"
        include.append(f"{args.loopback_test}=/usr/bin/test_loopback_payload")

    if args.vfio == "wc" and args.work_dir is None:
        parser.error("--vfio wc needs --work-dir")
    options, status = wc_module.vfio_options(args.vfio, args.work_dir)
    if options is None:
        return status

    name = f"guest-{args.vfio}-testpmd-{args.case}"
    with tempfile.TemporaryDirectory(prefix="wcnic-emu-") as work:
        stats_path = os.path.join(work, "stats.json")
        companion = [str(args.emu), "--backend", backend, "--stats-json", stats_path]

        def after(_guest, outcome):
            if args.case == "txonly":
                txonly_checks(stats_path, outcome)
            else:
                loopback_checks(stats_path, outcome)

        return guestbench.run(
            script, name=name, env={**env, **options["env"]},
            include=[*include, *options["include"]], timeout=args.timeout,
            kernel_series=options["kernel_series"], modules=options["modules"],
            log_dir=args.log_dir, cpus=2, companion=companion, companion_ready=30,
            after=after)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

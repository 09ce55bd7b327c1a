#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""guest-stock-wcbench, guest-wc-wcbench: wcbench against the ivshmem BAR
in a TCG guest.

The guest (guest-wcbench.sh) runs wcbench through VFIO asking WC and UC,
and through sysfs resource2_wc, and checks what it reports: on Debian's
stock vfio-pci (--vfio stock) WC falls back to UC with the reason; with this
project's module (--vfio wc, drivers/vfio) WC is obtained by the UAPI.
Afterwards the host reads the BAR file: the guest's stores must have arrived
in the doorbell and the push ring, and nowhere else.
"""
import argparse
import sys
from pathlib import Path

import guestbench
import wc_module

HERE = Path(__file__).resolve().parent

# wcbench's window (app/wcbench/wcbench.h, from wcnic_hw.h): queue 0's
# 4-byte doorbell and its 64 KiB push ring.
DOORBELL_OFF, DOORBELL_BYTES = 0x1000, 4
RING_OFF, RING_BYTES = 0x10000, 0x10000


def host_checks(guest, outcome):
    data = Path(guest.bar_path).read_bytes()
    doorbell = data[DOORBELL_OFF:DOORBELL_OFF + DOORBELL_BYTES]
    ring = data[RING_OFF:RING_OFF + RING_BYTES]
    outside = [(0, DOORBELL_OFF), (DOORBELL_OFF + DOORBELL_BYTES, RING_OFF),
               (RING_OFF + RING_BYTES, len(data))]
    stray = [f"0x{start + i:x}" for start, end in outside
             for i, byte in enumerate(data[start:end]) if byte][:4]

    def add(name, ok, why):
        outcome.add(name, "PASS" if ok else "FAIL", "" if ok else why)

    add("host-sees-doorbell", any(doorbell), f"doorbell at 0x{DOORBELL_OFF:x} is still zero")
    add("host-sees-ring", ring.count(0) < len(ring) // 2,
        f"push ring mostly zero ({ring.count(0)} of {len(ring)} bytes)")
    add("host-nothing-else-written", not stray, f"bytes written outside the window at {stray}")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wcbench", required=True, type=lambda p: Path(p).resolve())
    parser.add_argument("--vfio", choices=["stock", "wc"], default="stock")
    parser.add_argument("--work-dir", type=Path,
                        help="--vfio wc: where the module is built, one folder per kernel")
    parser.add_argument("--log-dir", type=Path)
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args(argv)
    if args.vfio == "wc" and args.work_dir is None:
        parser.error("--vfio wc needs --work-dir")
    options, status = wc_module.vfio_options(args.vfio, args.work_dir)
    if options is None:
        return status
    return guestbench.run(
        HERE / "guest-wcbench.sh", name=f"guest-{args.vfio}-wcbench",
        kernel_series=options["kernel_series"],
        include=[f"{args.wcbench}=/usr/bin/wcbench", *options["include"]],
        env=options["env"], modules=options["modules"], timeout=args.timeout,
        log_dir=args.log_dir, after=host_checks)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

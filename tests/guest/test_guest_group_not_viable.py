#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""guest-group-not-viable: libvfiowc's "IOMMU group not viable" on a real kernel.

The guest has a PCIe-to-PCI bridge with the ivshmem device and a PCI serial
port behind it: devices behind a conventional PCI bridge share one IOMMU
group, and the serial port stays with the kernel's 8250 driver.
"""
import argparse
import sys
from pathlib import Path

import guestbench

HERE = Path(__file__).resolve().parent
BRIDGE = "wcnic-bridge"


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--vfiowc-map", required=True, type=lambda p: Path(p).resolve())
    parser.add_argument("--log-dir", type=Path)
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args(argv)
    return guestbench.run(
        HERE / "guest-group-not-viable.sh", name="guest-group-not-viable",
        timeout=args.timeout, include=[f"{args.vfiowc_map}=/usr/bin/vfiowc-map"],
        log_dir=args.log_dir,
        devices=[f"pcie-pci-bridge,id={BRIDGE},bus=pcie.0", f"pci-serial,bus={BRIDGE},addr=2"],
        ivshmem_bus=BRIDGE)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""guest-boot: the guest bench works end to end.

A companion process (this script, 'companion' mode) writes a pattern into
the ivshmem BAR file before the guest boots; guest-boot.sh checks it through
sysfs resource2, writes a pattern of its own, checks memory types and binds
vfio-pci; afterwards the host finds the guest's pattern in the BAR file and
the guest's marker in the RAM file.
"""
import argparse
import mmap
import secrets
import struct
import sys
from pathlib import Path

import guestbench

HERE = Path(__file__).resolve().parent

HOST_OFFSET, HOST_LENGTH = 0, 4096
GUEST_OFFSET, GUEST_LENGTH = 1 << 20, 64 << 10


def pattern(seed, offset, length):
    """The bytes wcnic-bar-rw stores: 32-bit word i of the BAR is seed ^ (i * 0x9E3779B1)."""
    first = offset // 4
    return struct.pack(f"<{length // 4}I", *(
        seed ^ ((i * 0x9E3779B1) & 0xFFFFFFFF) for i in range(first, first + length // 4)))


def companion(seed):
    """Host side of the BAR: write the pattern before the guest boots."""
    def prepare(bar_path, bar_size):
        with open(bar_path, "r+b") as bar:
            with mmap.mmap(bar.fileno(), bar_size) as shared:
                shared[HOST_OFFSET:HOST_OFFSET + HOST_LENGTH] = \
                    pattern(seed, HOST_OFFSET, HOST_LENGTH)
        print(f"wrote {HOST_LENGTH} bytes at {HOST_OFFSET:#x}, seed {seed:#010x}", flush=True)
    return guestbench.serve_companion(prepare)


def host_checks(guest, outcome, guest_seed, ram_seed):
    want = pattern(guest_seed, GUEST_OFFSET, GUEST_LENGTH)
    with open(guest.bar_path, "rb") as bar:
        bar.seek(GUEST_OFFSET)
        got = bar.read(GUEST_LENGTH)
    if got == want:
        outcome.add("host-sees-guest-pattern", "PASS")
    else:
        first = next(i for i in range(GUEST_LENGTH) if got[i:i + 1] != want[i:i + 1])
        outcome.add("host-sees-guest-pattern", "FAIL",
                    f"BAR file differs at {GUEST_OFFSET + first:#x}")
    marker = f"WCNIC-RAM-MARK-{ram_seed[::-1]}".encode()
    with open(guest.ram_path, "rb") as ram:
        with mmap.mmap(ram.fileno(), 0, prot=mmap.PROT_READ) as memory:
            found = memory.find(marker) >= 0
    outcome.add("host-sees-guest-ram", "PASS" if found else "FAIL",
                "" if found else "marker written in the guest not found in the RAM file")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bar-rw", required=True, type=lambda path: Path(path).resolve(),
                        help="the static wcnic-bar-rw program")
    parser.add_argument("--log-dir", type=Path)
    parser.add_argument("--timeout", type=float, default=90)
    parser.add_argument("--companion-seed", type=lambda text: int(text, 0),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.companion_seed is not None:
        return companion(args.companion_seed)

    host_seed, guest_seed = secrets.randbits(32), secrets.randbits(32)
    ram_seed = secrets.token_hex(8)
    env = {"WCNIC_BAR_SIZE": guestbench.DEFAULT_BAR_SIZE,
           "HOST_SEED": host_seed, "HOST_OFFSET": HOST_OFFSET, "HOST_LENGTH": HOST_LENGTH,
           "GUEST_SEED": guest_seed, "GUEST_OFFSET": GUEST_OFFSET, "GUEST_LENGTH": GUEST_LENGTH,
           "RAM_SEED": ram_seed}
    return guestbench.run(
        HERE / "guest-boot.sh", name="guest-boot", env=env, timeout=args.timeout,
        include=[f"{args.bar_rw}=/usr/bin/wcnic-bar-rw"], log_dir=args.log_dir,
        companion=[sys.executable, __file__, "--bar-rw", str(args.bar_rw),
                   "--companion-seed", str(host_seed)],
        companion_ready=30,
        after=lambda guest, outcome: host_checks(guest, outcome, guest_seed, ram_seed))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""guest-stock-vfiowc: libvfiowc against Debian's stock vfio-pci in a guest.

The host writes a word into the ivshmem BAR file before boot; the guest
(guest-stock-vfiowc.sh) reads it through a VFIO mapping made by vfiowc-map,
writes a word of its own over the first 64 bytes, and checks what
libvfiowc reports; afterwards the host checks the guest's bytes arrived.
"""
import argparse
import secrets
import struct
import sys
from pathlib import Path

import guestbench

HERE = Path(__file__).resolve().parent


def companion(word):
    """Write the host word at BAR2 offset 0 before the guest boots."""
    def prepare(bar_path, _bar_size):
        with open(bar_path, "r+b") as bar:
            bar.write(struct.pack("<Q", word))
    return guestbench.serve_companion(prepare)


def host_checks(guest, outcome, word):
    with open(guest.bar_path, "rb") as bar:
        got = bar.read(64)
    ok = got == struct.pack("<Q", word) * 8
    outcome.add("host-sees-guest-vfio-write", "PASS" if ok else "FAIL",
                "" if ok else f"BAR file starts {got[:16].hex()}, expected {word:016x} x8")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--vfiowc-map", required=True, type=lambda p: Path(p).resolve())
    parser.add_argument("--log-dir", type=Path)
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--companion-word", type=lambda text: int(text, 0),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.companion_word is not None:
        return companion(args.companion_word)

    host_word, guest_word = secrets.randbits(63) | 1, secrets.randbits(63) | 2
    env = {"HOST_WORD": f"0x{host_word:016x}", "GUEST_WORD": f"0x{guest_word:016x}"}
    return guestbench.run(
        HERE / "guest-stock-vfiowc.sh", name="guest-stock-vfiowc", env=env,
        timeout=args.timeout, include=[f"{args.vfiowc_map}=/usr/bin/vfiowc-map"],
        log_dir=args.log_dir,
        companion=[sys.executable, __file__, "--vfiowc-map", str(args.vfiowc_map),
                   "--companion-word", str(host_word)],
        companion_ready=30,
        after=lambda guest, outcome: host_checks(guest, outcome, guest_word))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

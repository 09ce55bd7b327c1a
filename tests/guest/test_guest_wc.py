#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""guest-wc-*: drivers/vfio (vfio-pci with mmap attributes) in a guest.

Builds the module against the guest kernel's headers, boots with the
kernel's vfio, vfio_iommu_type1 and vfio_pci_core but without its
vfio-pci, and runs guest-wc-<case>.sh, which loads ours. The host writes
a word into the ivshmem BAR before boot and answers the guest's mailbox
requests while it runs (see wc-uapi-check.c); afterwards it checks the
lines the guest wrote through write-combined mappings.
"""
import argparse
import mmap
import os
import secrets
import signal
import struct
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import guestbench  # noqa: E402  (after the path set-up above)
import wc_module  # noqa: E402

MAILBOX_REQ, MAILBOX_ANSWER = 0x1000, 0x1008
GOLDEN = 0x9E3779B97F4A7C15
MASK = (1 << 64) - 1
ROOT_PORT = "wcnic-root-port"


def mailbox_answer(host_word, request):
    return (host_word ^ (request * GOLDEN)) & MASK


def line(word):
    return struct.pack("<Q", word) * 8


# Per case: whether the ivshmem device sits behind a PCIe root port (alone
# on its bus, so it can be reset), and what the guest writes for the host:
# BAR offset -> bytes, from the guest word.
CASES = {
    # A line through the WC mapping, and a word by pwrite() on the device fd.
    "uapi": {"root_port": True,
             "lines": lambda g: {64: line(g), 128: struct.pack("<Q", g ^ 0x5A5A5A5A5A5A5A5A)}},
    "revoke": {"root_port": True, "lines": lambda g: {192: line(g), 256: line(g)}},
    "vfiowc": {"root_port": False, "lines": lambda g: {0: line(g)}},
    "seed-abi": {"root_port": False, "lines": lambda g: {64: line(g)}},
}


def companion(host_word):
    """Write the host word at BAR offset 0, then answer mailbox requests
    until SIGTERM (blocked first, so it waits in sigtimedwait)."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    fd = os.open(os.environ["WCNIC_GUEST_BAR"], os.O_RDWR)
    bar = mmap.mmap(fd, int(os.environ["WCNIC_GUEST_BAR_SIZE"]))
    os.close(fd)
    bar[0:8] = struct.pack("<Q", host_word)
    Path(os.environ["WCNIC_GUEST_READY"]).touch()
    answered = 0
    while not signal.sigtimedwait({signal.SIGTERM}, 0.01):
        (request,) = struct.unpack_from("<Q", bar, MAILBOX_REQ)
        if request not in (0, answered):
            struct.pack_into("<Q", bar, MAILBOX_ANSWER, mailbox_answer(host_word, request))
            print(f"answered request {request}", flush=True)
            answered = request
    print("stopped by SIGTERM", flush=True)
    return 0


def host_checks(guest, outcome, lines):
    data = Path(guest.bar_path).read_bytes()
    for offset, want in lines.items():
        got = data[offset:offset + len(want)]
        outcome.add(f"host-sees-guest-line-{offset}", "PASS" if got == want else "FAIL",
                    "" if got == want else f"BAR bytes {offset}.. are {got.hex()}, "
                                           f"expected {want.hex()}")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--case", required=True, choices=sorted(CASES))
    parser.add_argument("--work-dir", type=Path, required=True,
                        help="where the module is built, one folder per kernel ABI")
    parser.add_argument("--include", action="append", default=[], metavar="SRC=DEST",
                        help="a host program for the guest; repeatable")
    parser.add_argument("--log-dir", type=Path)
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--companion-word", type=lambda text: int(text, 0),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.companion_word is not None:
        return companion(args.companion_word)

    case = CASES[args.case]
    options, status = wc_module.vfio_options("wc", args.work_dir)
    if options is None:
        return status

    host_word, guest_word = secrets.randbits(63) | 1, secrets.randbits(63) | 2
    env = {"HOST_WORD": f"0x{host_word:016x}", "GUEST_WORD": f"0x{guest_word:016x}",
           **options["env"]}
    include = [*options["include"], *args.include]
    topology = {"devices": [f"pcie-root-port,id={ROOT_PORT},bus=pcie.0,chassis=1"],
                "ivshmem_bus": ROOT_PORT} if case["root_port"] else {}
    name = f"guest-wc-{args.case}"
    return guestbench.run(
        HERE / f"{name}.sh", name=name, kernel_series=options["kernel_series"], env=env,
        modules=options["modules"], include=include, timeout=args.timeout,
        log_dir=args.log_dir,
        companion=[sys.executable, __file__, "--case", args.case, "--work-dir",
                   str(args.work_dir), "--companion-word", str(host_word)],
        companion_ready=30,
        after=lambda guest, outcome: host_checks(guest, outcome,
                                                 case["lines"](guest_word)),
        **topology)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

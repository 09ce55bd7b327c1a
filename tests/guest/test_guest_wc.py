#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""guest-wc-*: drivers/vfio (vfio-pci with mmap attributes) in a guest.

Builds the module against the guest kernel's headers, boots with the
kernel's vfio, vfio_iommu_type1 and vfio_pci_core but without its
vfio-pci (with it for the cases that compare the two, which swap it for
ours), and runs guest-wc-<case>.sh, which loads ours. The host writes
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

import guestbench
import wc_module
from guestbench import qmp

HERE = Path(__file__).resolve().parent

MAILBOX_REQ, MAILBOX_ANSWER = 0x1000, 0x1008
# Where a guest asks for the ivshmem device to be unplugged (the word
# UNPLUG_ASK, written by "wc-lifecycle-check hold" through its mapping).
UNPLUG_REQ, UNPLUG_ASK = 0x1010, 0x706C756E55  # "Unplp"
GOLDEN = 0x9E3779B97F4A7C15
MASK = (1 << 64) - 1
ROOT_PORT = "wcnic-root-port"


def mailbox_answer(host_word, request):
    return (host_word ^ (request * GOLDEN)) & MASK


def line(word):
    return struct.pack("<Q", word) * 8


# Per case: whether the ivshmem device sits behind a PCIe root port (alone
# on its bus, so it can be reset), what the guest writes for the host:
# BAR offset -> bytes, from the guest word, whether the boot loads the
# kernel's own vfio-pci too ("stock", false when absent), what the kernel
# command line gets added ("append"), and optionally guest CPUs ("cpus"),
# variables for the guest script ("env"), further QEMU devices ("devices")
# and a test module to build and include ("test_module": its folder here
# and the file Kbuild makes there).
CASES = {
    # A line through the WC mapping, and a word by pwrite() on the device fd.
    "uapi": {"root_port": True,
             "lines": lambda g: {64: line(g), 128: struct.pack("<Q", g ^ 0x5A5A5A5A5A5A5A5A)}},
    "revoke": {"root_port": True, "lines": lambda g: {192: line(g), 256: line(g)}},
    "vfiowc": {"root_port": False, "lines": lambda g: {0: line(g)}},
    "seed-abi": {"root_port": False, "lines": lambda g: {64: line(g)}},
    # The kernel's vfio-pci, then ours, answer the same to dma-buf requests.
    "dmabuf": {"root_port": False, "lines": lambda g: {}, "stock": True},
    # No PAT, no write-combining: refused, uncached still works.
    "nopat": {"root_port": False, "lines": lambda g: {}, "append": "nopat"},
    # An uncached sysfs mapping of the BAR held from before the open.
    "uc-reserved": {"root_port": False, "lines": lambda g: {}},
    # WC by policy for a program that never calls the ioctl.
    "policy": {"root_port": False, "lines": lambda g: {512: line(g)}},
    # Concurrency and lifecycle (wc-lifecycle-check.c). Threads racing on
    # one open, with resets. One vCPU: the threads interleave by preemption;
    # with two, QEMU's TCG now and then panics the guest kernel while it
    # boots (an int3 oops of its own code patching), before any test runs.
    "stress": {"root_port": True, "lines": lambda g: {},
               "env": {"STRESS_SECONDS": "6"}},
    # The line a forked child writes, and the SCM_RIGHTS receiver's.
    "fork": {"root_port": False, "lines": lambda g: {0x3000: line(g), 0x3040: line(g)}},
    "unbind": {"root_port": False, "lines": lambda g: {}},
    "rmmod": {"root_port": False, "lines": lambda g: {}},
    # QEMU unplugs the device (device_del over QMP) when the guest asks.
    "unplug": {"root_port": True, "lines": lambda g: {}, "qmp": True,
               "env": {"UNPLUG_ASK": f"0x{UNPLUG_ASK:x}"}},
    # MSI-X in prefetchable BARs: a synthetic device (msix-bar-dev/), as
    # no QEMU device model has one, which the module puts behind an empty
    # root port.
    "msix": {"root_port": False, "lines": lambda g: {},
             "test_module": ("msix-bar-dev", "wcnic-msix-bar-dev.ko"),
             "devices": ["pcie-root-port,id=wcnic-msix-port,bus=pcie.0,chassis=2"]},
}


def unplug(bar):
    """With a QMP socket: when the guest has written UNPLUG_ASK at
    UNPLUG_REQ, ask QEMU to unplug the ivshmem device, once."""
    path = os.environ.get("WCNIC_GUEST_QMP")
    if not path or struct.unpack_from("<Q", bar, UNPLUG_REQ)[0] != UNPLUG_ASK:
        return False
    struct.pack_into("<Q", bar, UNPLUG_REQ, 0)
    try:
        qmp.execute(path, "device_del", {"id": guestbench.qemu.IVSHMEM_ID})
        print("device_del sent", flush=True)
    except (OSError, RuntimeError) as err:
        print(f"device_del failed: {err}", flush=True)
        return False
    return True


def companion(host_word):
    """Write the host word at BAR offset 0, then answer mailbox requests
    (and an unplug request, when QEMU serves QMP) until SIGTERM (blocked
    first, so it waits in sigtimedwait)."""
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
        unplug(bar)
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
           **case.get("env", {}), **options["env"]}
    include = [*options["include"], *args.include]
    if "test_module" in case:
        folder, module = case["test_module"]
        try:
            built = wc_module.build(guestbench.fetch(options["kernel_series"]), args.work_dir,
                                    source=HERE / folder, module=module)
        except RuntimeError as err:
            print(f"FAIL: {err}")
            return guestbench.results.EXIT_FAIL
        include.append(f"{built}=/wcnic/{module}")
    topology = {"devices": [f"pcie-root-port,id={ROOT_PORT},bus=pcie.0,chassis=1"],
                "ivshmem_bus": ROOT_PORT} if case["root_port"] else {}
    if "devices" in case:
        topology["devices"] = [*topology.get("devices", []), *case["devices"]]
    name = f"guest-wc-{args.case}"
    return guestbench.run(
        HERE / f"{name}.sh", name=name, kernel_series=options["kernel_series"], env=env,
        modules=guestbench.VFIO_MODULES if case.get("stock") else options["modules"],
        include=include, timeout=args.timeout, cpus=case.get("cpus", 1),
        qmp=case.get("qmp", False),
        log_dir=args.log_dir, append=case.get("append", ""),
        companion=[sys.executable, __file__, "--case", args.case, "--work-dir",
                   str(args.work_dir), "--companion-word", str(host_word)],
        companion_ready=30,
        after=lambda guest, outcome: host_checks(guest, outcome,
                                                 case["lines"](guest_word)),
        **topology)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Boot a Debian kernel under QEMU with a guest script; see doc/guest-bench.md.

    bench.py boot SCRIPT [options]   run SCRIPT in a guest, print its results
    bench.py boot -c 'CODE'          the same with inline shell code
    bench.py kernel                  fetch a kernel, print its paths
    bench.py headers                 fetch its headers, print the build folder

Exit status of 'boot': 0 passed, 1 failed, 77 skipped (the line 'SKIP: <why>'
says why), 128+N stopped by signal N.
"""
import argparse
import os
import shlex
import sys
import tempfile
from pathlib import Path

# Run by hand as well as by meson: python puts this folder (guestbench)
# on the path; the platform layer guestbench uses is added here, once.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "app" / "platforms"))

import guestbench  # noqa: E402  (after the path set-up above)
from guestbench.host import CACHE, REPO  # noqa: E402


def default_log_dir():
    meson_logs = REPO / "build" / "meson-logs"
    return meson_logs / "guest" if meson_logs.is_dir() else CACHE / "logs"


def size(text):
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    text = text.upper().removesuffix("B").removesuffix("I")
    return int(text[:-1]) * units[text[-1]] if text[-1:] in units else int(text)


def kernel_option(parser):
    where = ", ".join(f"{name} ({series.suite})" for name, series in guestbench.SERIES.items())
    parser.add_argument("--kernel", choices=list(guestbench.SERIES),
                        default=os.environ.get("WCNIC_GUEST_KERNEL", guestbench.DEFAULT_SERIES),
                        help=f"kernel series: {where}; default {guestbench.DEFAULT_SERIES} or "
                             "WCNIC_GUEST_KERNEL. A backports suite is added to apt's sources "
                             "when root; a series of another release than this machine's comes "
                             "from a Debian root of it (.deps/roots/, needs root)")


def parse(argv):
    parser = argparse.ArgumentParser(
        prog="bench.py", description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Accelerator: TCG (-accel tcg -cpu max) unless WCNIC_GUEST_KVM=1 and the CPU "
               "has VMX or SVM. Cache: .deps/guest/ (WCNIC_GUEST_CACHE).")
    verbs = parser.add_subparsers(dest="verb", required=True)

    boot = verbs.add_parser("boot", help="run a guest script and report its results")
    what = boot.add_mutually_exclusive_group(required=True)
    what.add_argument("script", nargs="?", help="guest script (busybox sh)")
    what.add_argument("-c", dest="code", metavar="CODE", help="inline guest shell code")
    boot.add_argument("-i", "--include", action="append", default=[], metavar="SRC[=DEST]",
                      help="host file or folder to put in the guest (at DEST, default the "
                           "same path), ELF files with their shared libraries; repeatable")
    boot.add_argument("-e", "--env", action="append", default=[], metavar="NAME=VALUE",
                      help="variable for the guest script; repeatable")
    kernel_option(boot)
    boot.add_argument("-m", "--module", action="append", metavar="NAME",
                      help="kernel module to load (with its dependencies); repeatable; "
                           f"default: {' '.join(guestbench.VFIO_MODULES)}")
    boot.add_argument("-t", "--timeout", type=float, default=guestbench.DEFAULT_TIMEOUT,
                      help="seconds from QEMU's start to WCNIC-DONE (default %(default)s)")
    boot.add_argument("-n", "--name", help="name for the logs (default: the script's)")
    boot.add_argument("--log-dir", type=Path, default=default_log_dir(),
                      help="where <name>.console.log goes (default %(default)s)")
    boot.add_argument("--memory", type=size, default="1G", help="guest RAM (default 1G)")
    boot.add_argument("--bar-size", type=size, default="16M",
                      help="ivshmem BAR2 size, a power of two (default 16M)")
    boot.add_argument("--cpus", type=int, default=1, help="guest CPUs (default 1)")
    boot.add_argument("--companion", metavar="CMD",
                      help="host command run around the boot, with WCNIC_GUEST_BAR, "
                           "WCNIC_GUEST_RAM (/dev/shm paths) and WCNIC_GUEST_READY set")
    boot.add_argument("--companion-ready", type=float, metavar="SECONDS",
                      help="wait up to SECONDS for the companion to create $WCNIC_GUEST_READY "
                           "before booting")
    boot.add_argument("--append", default="", help="extra kernel command line")
    boot.add_argument("--dmesg", action="store_true",
                      help="print the kernel log before WCNIC-DONE even on success")
    boot.add_argument("--console", action="store_true", help="show the console as it runs")
    boot.add_argument("--keep", action="store_true",
                      help="keep the work folder (initrd.cpio) and print the QEMU command")

    kernel = verbs.add_parser("kernel", help="fetch a kernel; print ABI, image, module order")
    kernel_option(kernel)
    kernel.add_argument("-m", "--module", action="append", metavar="NAME")

    headers = verbs.add_parser("headers", help="fetch the matching headers; print the "
                                               "build folder and a make command")
    kernel_option(headers)
    return parser.parse_args(argv)


def boot(args):
    with tempfile.TemporaryDirectory() as tmp:
        script = args.script
        if args.code is not None:
            script = Path(tmp) / "inline.sh"
            script.write_text(". /wcnic/guest-lib.sh\n" + args.code + "\n", encoding="utf-8")
        env = dict(item.split("=", 1) for item in args.env)
        return guestbench.run(
            script, name=args.name or (Path(args.script).stem if args.script else "inline"),
            include=args.include, env=env, kernel_series=args.kernel,
            modules=args.module or guestbench.VFIO_MODULES, timeout=args.timeout,
            log_dir=args.log_dir, ram_mb=args.memory >> 20, bar_size=args.bar_size,
            cpus=args.cpus,
            companion=shlex.split(args.companion) if args.companion else None,
            companion_ready=args.companion_ready, keep=args.keep,
            console=sys.stdout if args.console else None, dmesg=args.dmesg,
            append=args.append)


def main(argv):
    args = parse(argv)
    if args.verb == "boot":
        return boot(args)
    try:
        kernel = guestbench.fetch(args.kernel)
        if args.verb == "kernel":
            print(f"abi {kernel.abi}\nimage {kernel.image}")
            for path in kernel.modules(args.module or guestbench.VFIO_MODULES):
                print(f"module {path}")
        else:
            headers = guestbench.fetch_headers(kernel)
            print(f"build {headers.build_dir}")
            print(f"command {shlex.join(headers.make_command('/path/to/module'))}")
    except guestbench.Skip as skip:
        print(f"SKIP: {skip}")
        return 77
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

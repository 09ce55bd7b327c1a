#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Check a folder of DPDK driver SDK headers against the installed DPDK.

usage: dpdk_sdk.py FOLDER DPDK_VERSION

The folder holds the headers listed in config/dpdk-sdk-headers.txt, either as
in DPDK's source tree (lib/ethdev/ethdev_driver.h, ...) or flat. Headers of one
DPDK series laid over the public headers of another compile into a driver
whose structures and callbacks do not match the libraries it loads into, so a
folder whose headers are of another series than the installed DPDK is refused.

On success prints the include folders to pass to the compiler, one per line.
On failure prints one line saying what is wrong and exits 1.
"""
import os
import re
import sys

HEADER_LIST = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "config",
                           "dpdk-sdk-headers.txt")

# The series the driver supports, newest first, each with a declaration that
# first appeared in ethdev_driver.h in that series (or just before it) and is
# absent from the series below it. The oldest series needs no marker.
SERIES_MARKERS = (
    ("25.11", re.compile(r"struct eth_queue_stats \{")),   # per-queue stats argument
    ("24.11", re.compile(r"\beth_tx_queue_count_t\b")),    # tx_queue_count op (24.03)
    ("22.11", None),
)


def header_paths():
    with open(HEADER_LIST, encoding="utf-8") as lines:
        return [line.split("#", 1)[0].strip() for line in lines
                if line.split("#", 1)[0].strip()]


def series_of(version):
    return ".".join(version.split(".")[:2])


def headers_series(ethdev_driver_h):
    with open(ethdev_driver_h, encoding="utf-8", errors="replace") as text:
        content = text.read()
    return next(series for series, marker in SERIES_MARKERS
                if marker is None or marker.search(content))


def include_dirs(folder):
    """The folders to add to the include path, or raise ValueError."""
    paths = header_paths()
    missing_tree = [p for p in paths if not os.path.isfile(os.path.join(folder, p))]
    if not missing_tree:
        dirs = []
        for path in paths:
            where = os.path.join(folder, os.path.dirname(path))
            if where not in dirs:
                dirs.append(where)
        return dirs
    missing_flat = [os.path.basename(p) for p in paths
                    if not os.path.isfile(os.path.join(folder, os.path.basename(p)))]
    if not missing_flat:
        return [folder]
    missing = min(missing_tree, missing_flat, key=len)
    raise ValueError(f"DPDK SDK folder {folder} lacks {', '.join(missing)} "
                     "(in DPDK's source-tree layout or flat)")


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    folder, version = os.path.abspath(argv[0]), argv[1]
    try:
        dirs = include_dirs(folder)
        ethdev = next(os.path.join(d, "ethdev_driver.h") for d in dirs
                      if os.path.isfile(os.path.join(d, "ethdev_driver.h")))
        found = headers_series(ethdev)
    except (OSError, ValueError) as err:
        print(err)
        return 1
    supported = [s for s, _ in SERIES_MARKERS]
    if series_of(version) not in supported:
        print(f"the installed DPDK {version} is not a supported series "
              f"({', '.join(supported)})")
        return 1
    if found != series_of(version):
        print(f"DPDK SDK headers in {folder} are of DPDK {found}, but the installed DPDK is "
              f"{version}: name a folder with the headers of the {series_of(version)} series")
        return 1
    print("\n".join(dirs))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The DPDK driver SDK folder check (drivers/dpdk_sdk.py), alone and through
the build: headers of another series than the installed DPDK are refused.

usage: test_dpdk_sdk.py DPDK_SDK_PY SOURCE_DIR INSTALLED_DPDK_VERSION

Folders of stand-in headers are written per series (only the declaration that
tells the series apart is real); the build case runs `meson setup` of this
source tree with a folder of the wrong series and expects it to stop with
both versions named. Exit 0 pass, 1 fail.
"""
import os
import subprocess
import sys
import tempfile

from check import Check

HEADERS = ("lib/ethdev/ethdev_driver.h", "lib/ethdev/ethdev_vdev.h", "lib/ethdev/ethdev_pci.h",
           "lib/eal/include/bus_driver.h", "lib/eal/include/dev_driver.h",
           "drivers/bus/pci/bus_pci_driver.h", "drivers/bus/vdev/bus_vdev_driver.h")
# What each series' ethdev_driver.h declares that the older ones do not.
ETHDEV_DRIVER = {
    "22.11": "typedef int (*eth_stats_get_t)(struct rte_eth_dev *dev, struct rte_eth_stats *s);\n",
    "24.11": "typedef int (*eth_tx_queue_count_t)(void *txq);\n",
    "25.11": "typedef int (*eth_tx_queue_count_t)(void *txq);\nstruct eth_queue_stats {\n};\n",
}
INSTALLED = {"22.11": "22.11.11", "24.11": "24.11.8", "25.11": "25.11.4"}


def make_sdk(top, series, flat):
    folder = os.path.join(top, f"{series}-{'flat' if flat else 'tree'}")
    for header in HEADERS:
        path = os.path.join(folder, os.path.basename(header) if flat else header)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as out:
            out.write(ETHDEV_DRIVER[series] if header.endswith("ethdev_driver.h") else "")
    return folder


def check_folder(checker, folder, version):
    proc = subprocess.run([sys.executable, checker, folder, version], capture_output=True,
                          text=True, check=False)
    return proc.returncode, proc.stdout.strip()


def main(checker, source_dir, installed):
    check = Check()
    with tempfile.TemporaryDirectory() as top:
        for series in ETHDEV_DRIVER:
            for flat in (False, True):
                folder = make_sdk(top, series, flat)
                for other, version in INSTALLED.items():
                    status, out = check_folder(checker, folder, version)
                    layout = "flat" if flat else "source-tree"
                    if other == series:
                        want = [folder] if flat else sorted(
                            {os.path.join(folder, os.path.dirname(h)) for h in HEADERS})
                        check.that(status == 0 and sorted(out.splitlines()) == want,
                                   f"{series} {layout} headers with DPDK {version}: "
                                   f"include folders {out.splitlines()}")
                    else:
                        check.that(status == 1 and f"of DPDK {series}" in out and version in out,
                                   f"{series} {layout} headers with DPDK {version} refused: {out}")
        partial = make_sdk(top, "24.11", False)
        os.remove(os.path.join(partial, "drivers/bus/vdev/bus_vdev_driver.h"))
        status, out = check_folder(checker, partial, "24.11.8")
        check.that(status == 1 and "bus_vdev_driver.h" in out,
                   f"a folder missing a header is refused naming it: {out}")
        status, out = check_folder(checker, make_sdk(top, "24.11", True), "23.11.1")
        check.that(status == 1 and "not a supported series" in out,
                   f"an unsupported installed DPDK is named: {out}")

        # Through the build: the installed DPDK with headers of another series.
        series = ".".join(installed.split(".")[:2])
        wrong = "25.11" if series != "25.11" else "24.11"
        folder = make_sdk(top, wrong, False)
        proc = subprocess.run(["meson", "setup", os.path.join(top, "build"), source_dir,
                               "-Dpmd=enabled", f"-Ddpdk_sdk_dir={folder}"],
                              capture_output=True, text=True, check=False)
        output = proc.stdout + proc.stderr
        named = f"of DPDK {wrong}, but the installed DPDK is {installed}"
        check.that(proc.returncode != 0 and named in output,
                   f"meson setup with {wrong} headers over DPDK {installed} stops naming both "
                   f"versions (exit {proc.returncode}): "
                   f"{[l for l in output.splitlines() if 'ERROR' in l]}")
    return 1 if check.failures else 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        print(__doc__.strip().splitlines()[3], file=sys.stderr)
        sys.exit(2)
    sys.exit(main(*sys.argv[1:]))

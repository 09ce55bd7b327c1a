# SPDX-License-Identifier: BSD-3-Clause
"""Build drivers/vfio (vfio-pci with mmap attributes) against a guest
kernel's headers, for guest tests that load it instead of the kernel's own
vfio-pci (doc/vfio-module.md).

The sources are copied into a work folder per kernel ABI, so the source
tree stays clean and builds for different kernels do not meet; copies keep
their timestamps, so an unchanged module is not rebuilt. A kernel of another
Debian release than this machine's builds it in a Debian root of that
release, with the compiler its headers ask for (guestbench/headers.py).
"""
import fcntl
import os
import re
import shutil
from pathlib import Path

import guestbench
from guestbench.host import REPO, HostError, ensure_packages

SOURCE = REPO / "drivers" / "vfio"
MODULE = "vfio-pci.ko"
# The modules the guest loads before ours: the kernel's own vfio-pci stays out.
GUEST_MODULES = ("vfio_iommu_type1", "vfio_pci_core")


def version():
    """The module's version, as dkms.conf (its only source) writes it."""
    text = (SOURCE / "dkms.conf").read_text(encoding="utf-8")
    found = re.search(r'^PACKAGE_VERSION="([^"]+)"', text, re.M)
    if not found:
        raise ValueError(f"{SOURCE / 'dkms.conf'}: no PACKAGE_VERSION line")
    return found.group(1)


def _copy_sources(source, dest):
    """Copy what Kbuild reads; copy2 keeps timestamps for make."""
    for path in source.rglob("*"):
        if path.is_file() and path.suffix in ("", ".c", ".h", ".conf") \
                and not path.name.startswith("."):
            target = dest / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.exists() or target.read_bytes() != path.read_bytes():
                shutil.copy2(path, target)


def build(kernel, work_dir, source=SOURCE, module=MODULE):
    """The module built for `kernel` (a guestbench kernel); raises
    guestbench.Skip when the host cannot build modules, RuntimeError with
    the compiler's output when the build fails. Compiler warnings (the build
    is W=1) are printed, as notes. WCNIC_WC_MODULE names a module built
    elsewhere (the DKMS package's build, for one) to use instead of this
    one. source and module: another module's folder and file, a test's."""
    prebuilt = os.environ.get("WCNIC_WC_MODULE")
    if prebuilt and source == SOURCE:
        if not Path(prebuilt).is_file():
            raise RuntimeError(f"WCNIC_WC_MODULE={prebuilt}: no such file")
        print(f"note: the module is {prebuilt} (WCNIC_WC_MODULE), for {kernel.abi}")
        return Path(prebuilt)
    ensure_packages()
    headers = guestbench.fetch_headers(kernel)
    dest = Path(work_dir).resolve() / kernel.abi
    if source != SOURCE:
        dest = dest / source.name
    dest.mkdir(parents=True, exist_ok=True)
    with open(dest / ".lock", "w", encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _copy_sources(source, dest)
        try:
            output = headers.make(dest)
        except HostError as err:
            raise RuntimeError(f"building {source} for {kernel.abi} failed:\n"
                               f"{str(err)[-6000:]}") from err
    for line in output.splitlines():
        if "warning:" in line:
            print(f"note: {line}")
    return dest / module


# Where guest scripts find the module, and the functions that load it
# (wc_load_module) and check it is this one.
GUEST_PATH = f"/wcnic/vfio-wc/{MODULE}"
GUEST_LIB = REPO / "tests" / "guest" / "guest-wc-lib.sh"


def guest_options(module):
    """Options for guestbench.run() that replace the kernel's vfio-pci by
    the module built at `module`: include, env and modules."""
    return {"include": [f"{module}={GUEST_PATH}", f"{GUEST_LIB}=/wcnic/guest-wc-lib.sh"],
            "env": {"WC_MODULE": GUEST_PATH, "WC_MODULE_VERSION": version()},
            "modules": GUEST_MODULES}


def vfio_options(vfio, work_dir):
    """guestbench.run() options (include, env, modules, kernel_series) for
    a boot with Debian's vfio-pci ("stock") or this module ("wc", built for
    the kernel series the boot uses), and None; or None and an exit status
    after printing why the module cannot be had: 77 when this host cannot
    build modules (skip), 1 when the build fails."""
    series = guestbench.guest.default_series()
    if vfio == "stock":
        return {"include": [], "env": {}, "modules": guestbench.VFIO_MODULES,
                "kernel_series": series}, None
    try:
        module = build(guestbench.fetch(series), work_dir)
    except guestbench.Skip as skip:
        print(f"SKIP: {skip}")
        return None, guestbench.results.EXIT_SKIP
    except RuntimeError as err:
        print(f"FAIL: {err}")
        return None, guestbench.results.EXIT_FAIL
    return {**guest_options(module), "kernel_series": series}, None

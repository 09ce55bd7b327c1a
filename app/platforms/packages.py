# SPDX-License-Identifier: BSD-3-Clause
"""The Debian packages, built and then used the way a user installs them.

usage: packages.py [RELEASE ...]    (default: the release this machine runs;
                                     bookworm and trixie are supported)

For each release:
  1. build the packages: `./wcnic package` here when the release is this
     machine's, else in that release's matrix root (debian_root);
  2. make a clean root of the release (debootstrap, anew every run), install
     the packages there with apt, and with no checkout run
     package_checks.sh: dpdk-testpmd loads the driver without -d, the
     example application builds with pkg-config (shared and static) and
     runs, DKMS builds the module for the guest bench's kernel of the
     release;
  3. here, the guest bench loads that DKMS build (guest-wc-uapi, with
     WCNIC_WC_MODULE naming it).

Prints a line per check and 'N passed, N failed' in all; logs and packages in
build/packages/RELEASE/. Exit status 1 when anything failed.
"""
import os
import shutil
import signal
import subprocess
import sys
import time

import debian
from debian_root import REPO, DebianRoot, RootError

sys.path.insert(0, str(REPO / "tests" / "guest"))
import guestbench  # noqa: E402  (the guest bench's kernels, for DKMS)

OUT = REPO / "build" / "packages"
SDK_INSIDE = "/root/dpdk-sdk"
INSIDE = "/root/wcnic"
KEEP = ("build", "build-san", "build-clang", "build-arm64", ".deps")
# The guest kernel series of each release whose DKMS build the bench loads.
GUEST_SERIES = {"bookworm": "6.1", "trixie": "6.12+deb13"}


def say(text):
    print(f"packages: {text}", flush=True)


def build_here(release):
    """./wcnic package on this machine; the folder of its .deb files."""
    subprocess.run([str(REPO / "wcnic"), "package"], check=True)
    return OUT / release


def build_in_root(release, sdk):
    """./wcnic package in the release's matrix root; the .deb files copied out."""
    root = DebianRoot(release)
    root.make(log=say)
    with root:
        root.copy_checkout(REPO, INSIDE, KEEP)
        env = {"CI": os.environ.get("CI", "")}
        if sdk:
            root.copy_in(sdk, SDK_INSIDE)
            env["WCNIC_DPDK_SDK"] = SDK_INSIDE
        proc = root.start(f"cd {INSIDE} && ./wcnic package", env)
        for line in proc.stdout:
            print(f"  [{release}] {line.rstrip()}", flush=True)
        if proc.wait() != 0:
            raise RootError(f"./wcnic package failed in the {release} root")
        out = OUT / release
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(root.path / INSIDE.lstrip("/") / "build" / "packages" / release, out)
    return out


def check_in_clean_root(release, debs, kernel_abi):
    """package_checks.sh in a fresh root; (passed, failed) and the module folder."""
    root = DebianRoot(release, name=f"{release}-clean")
    root.make(renew=True, log=say)
    module_out = OUT / release / "dkms" / kernel_abi
    shutil.rmtree(module_out, ignore_errors=True)
    passed = failed = 0
    with root:
        inside_debs = "/root/debs"
        (root.path / inside_debs.lstrip("/")).mkdir(parents=True, exist_ok=True)
        for deb in debs.glob("*.deb"):
            if not deb.name.split("_")[0].endswith("-dbgsym"):
                shutil.copy2(deb, root.path / inside_debs.lstrip("/") / deb.name)
        shutil.copy2(REPO / "app" / "platforms" / "package_checks.sh",
                     root.path / "root" / "package_checks.sh")
        proc = root.start("bash /root/package_checks.sh",
                          {"DEBS": inside_debs, "KERNEL_ABI": kernel_abi,
                           "MODULE_OUT": "/root/module"})
        with open(OUT / release / "checks.log", "w", encoding="utf-8") as log:
            for line in proc.stdout:
                log.write(line)
                if line.startswith(("PASS ", "FAIL ")):
                    print(f"  [{release}] {line.rstrip()}", flush=True)
                    passed += line.startswith("PASS ")
                    failed += line.startswith("FAIL ")
        if proc.wait() != 0:
            failed += 1
            print(f"  [{release}] FAIL package_checks.sh exited {proc.returncode}", flush=True)
        built = root.path / "root" / "module" / "vfio-pci.ko"
        if built.exists():
            module_out.mkdir(parents=True, exist_ok=True)
            shutil.copy2(built, module_out / "vfio-pci.ko")
    # The clean root has served; the next run makes it anew.
    shutil.rmtree(root.path, ignore_errors=True)
    return passed, failed, module_out / "vfio-pci.ko"


def guest_loads(release, series, module):
    """The guest bench boots the release's kernel with the DKMS build of the
    module instead of its own (guest-wc-uapi); (passed, failed)."""
    if not module.exists():
        print(f"  [{release}] FAIL guest-loads-dkms-build: no module built", flush=True)
        return 0, 1
    env = dict(os.environ, WCNIC_GUEST_KERNEL=series, WCNIC_WC_MODULE=str(module))
    result = subprocess.run(["meson", "test", "-C", str(REPO / "build"), "--suite", "guest",
                             "--print-errorlogs", "guest-wc-uapi"], env=env,
                            capture_output=True, text=True, check=False)
    (OUT / release / "guest.log").write_text(result.stdout + result.stderr, encoding="utf-8")
    if result.returncode == 0:
        print(f"  [{release}] PASS guest-loads-dkms-build ({series})", flush=True)
        return 1, 0
    print(f"  [{release}] FAIL guest-loads-dkms-build: see {OUT / release / 'guest.log'}",
          flush=True)
    return 0, 1


def run_release(release, sdk):
    host = debian.current_release()
    started = time.monotonic()
    series = GUEST_SERIES[release]
    kernel_abi = guestbench.fetch(series).abi
    say(f"{release}: building the packages" +
        ("" if release == host else f" in a Debian {release} root"))
    debs = build_here(release) if release == host else build_in_root(release, sdk)
    say(f"{release}: installing them in a clean Debian {release} root "
        f"(module for {kernel_abi})")
    passed, failed, module = check_in_clean_root(release, debs, kernel_abi)
    more_passed, more_failed = guest_loads(release, series, module)
    minutes, seconds = divmod(int(time.monotonic() - started), 60)
    say(f"{release}: {passed + more_passed} passed, {failed + more_failed} failed "
        f"({minutes} min {seconds:02d} s)")
    return passed + more_passed, failed + more_failed


def _interrupt(*_):
    raise KeyboardInterrupt


def main(argv):
    releases = argv[1:] or [debian.current_release()]
    unknown = [r for r in releases if r not in GUEST_SERIES]
    if unknown:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    if os.geteuid() != 0:
        print("packages: needs root (debootstrap, mounts, chroot, apt)", file=sys.stderr)
        return 2
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _interrupt)
    sdk = os.environ.get("WCNIC_DPDK_SDK")
    totals = [0, 0]
    for release in releases:
        try:
            passed, failed = run_release(release, sdk)
        except (RootError, subprocess.CalledProcessError, guestbench.Skip) as err:
            print(f"  [{release}] FAIL {err}", flush=True)
            passed, failed = 0, 1
        except KeyboardInterrupt:
            say("interrupted; roots unmounted")
            return 130
        totals[0] += passed
        totals[1] += failed
    print(f"{totals[0]} passed, {totals[1]} failed", flush=True)
    return 1 if totals[1] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

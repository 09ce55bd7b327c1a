# SPDX-License-Identifier: BSD-3-Clause
"""The platform matrix: the host suite in a minimal Debian root per release.

usage: matrix.py [--renew] [PLATFORM ...]    (default: every supported release
                                              but the one this machine runs)
PLATFORM: a release (bookworm, trixie, sid), or arm64: the tree cross-built
for arm64 (`./wcnic cross arm64`) in a bookworm root.

For each release: make or reuse its root (debian_root), copy this checkout in
(the work tree as it is; build folders and caches inside the root are kept for
the next run), run `./wcnic test --host-only` (unit tests, sanitizer runs, spec
check, fuzz smoke, the testpmd end-to-end tests with the release's own
dpdk-testpmd) and `./wcnic demo` there, as a user of that release would.

WCNIC_DPDK_SDK, when set, is copied into each root and named there too: the
folder of driver SDK headers for releases whose dpdk source package cannot be
had (a folder of the series' headers, or one holding a folder per series).

Prints a line per platform and a closing 'N passed, N failed' line; full logs in
build/matrix/RELEASE.log. Exit status 1 when anything failed.
"""
import os
import re
import signal
import sys
import time

import debian
from debian_root import REPO, DebianRoot, RootError

LOGS = REPO / "build" / "matrix"
INSIDE = "/root/wcnic"
SDK_INSIDE = "/root/dpdk-sdk"
# Kept inside the root between runs: builds and downloaded caches.
KEEP = ("build", "build-san", "build-clang", "build-arm64", ".deps")
# Cross-built platforms: the release whose root builds them.
CROSS = {"arm64": "bookworm"}
SUMMARY = re.compile(r"^(\d+) passed, (\d+) failed(?:, (\d+) skipped)?$")
# Lines of the inner run shown as they come; everything goes to the log.
SHOWN = re.compile(r"^(wcnic[ :]|FAIL |SKIP |\d+ passed, |  \S)")


def say(text):
    print(f"matrix: {text}", flush=True)


def stream(root, command, env, log, release):
    """Run command in the root, log every line, show the telling ones; return
    (exit status, the counts of its last summary line or None)."""
    proc = root.start(command, env)
    counts = None
    for line in proc.stdout:
        log.write(line)
        line = line.rstrip("\n")
        if SHOWN.match(line):
            print(f"  [{release}] {line}", flush=True)
        match = SUMMARY.match(line)
        if match:
            counts = [int(n or 0) for n in match.groups()]
    return proc.wait(), counts


def _interrupt(*_):
    raise KeyboardInterrupt


def versions_line(root, started, compilers):
    """DPDK, compiler versions and the time taken, for a platform's line."""
    versions = [f"{name} {version}" for name, version in (
        [("DPDK", root.output("dpkg-query -W -f='${Version}' libdpdk-dev"))] +
        [(name, root.output(command)) for name, command in compilers]) if version]
    minutes, seconds = divmod(int(time.monotonic() - started), 60)
    return f"({', '.join(versions + [f'{minutes} min {seconds:02d} s'])})"


def run_platform(platform, renew, sdk):
    """One platform: returns (passed, failed, skipped, description)."""
    started = time.monotonic()
    root = DebianRoot(CROSS.get(platform, platform))
    root.make(renew=renew, log=say)
    with root:
        root.copy_checkout(REPO, INSIDE, KEEP)
        env = {"CI": os.environ.get("CI", "")}
        if sdk:
            root.copy_in(sdk, SDK_INSIDE)
            env["WCNIC_DPDK_SDK"] = SDK_INSIDE
        LOGS.mkdir(parents=True, exist_ok=True)
        with open(LOGS / f"{platform}.log", "w", encoding="utf-8") as log:
            if platform in CROSS:
                status, _ = stream(root, f"cd {INSIDE} && ./wcnic cross {platform}",
                                   env, log, platform)
                counts = (1, 0, 0) if status == 0 else (0, 1, 0)
                return (*counts, versions_line(root, started, [
                    ("cross gcc", "aarch64-linux-gnu-gcc -dumpfullversion")]))
            status, counts = stream(root, f"cd {INSIDE} && ./wcnic test --host-only",
                                    env, log, platform)
            passed, failed, skipped = counts or (0, 0, 0)
            if status != 0 and failed == 0:
                failed += 1          # the run failed before or beyond its tests
            demo_status, _ = stream(root, f"cd {INSIDE} && ./wcnic demo --seconds 2",
                                    env, log, platform)
            if demo_status == 0:
                passed += 1
            else:
                failed += 1
                print(f"  [{platform}] FAIL demo: exit {demo_status}", flush=True)
        return passed, failed, skipped, versions_line(root, started, [
            ("gcc", "gcc -dumpfullversion"), ("clang", "clang -dumpversion")])


def main(argv):
    renew = "--renew" in argv
    releases = [a for a in argv if a != "--renew"]
    unknown = [a for a in releases if a not in debian.RELEASES and a not in CROSS]
    if unknown or any(a.startswith("-") for a in releases):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    if os.geteuid() != 0:
        print("matrix: needs root (debootstrap, mounts, chroot)", file=sys.stderr)
        return 2
    host = debian.current_release()
    releases = releases or [r for r in debian.RELEASES if r != host]
    sdk = os.environ.get("WCNIC_DPDK_SDK")
    # Ctrl-C and SIGTERM (CI's stop, a kill) unwind the same way, leaving every
    # root clean; SIGINT too, as a parent shell may have started us ignoring it.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _interrupt)
    totals = [0, 0, 0]
    lines = []
    for release in releases:
        say(f"{release}: cross build in a Debian {CROSS[release]} root" if release in CROSS
            else f"{release}: host suite and demo in a Debian {release} root")
        try:
            passed, failed, skipped, detail = run_platform(release, renew, sdk)
        except RootError as err:
            passed, failed, skipped, detail = 0, 1, 0, f"(root: {err})"
        except KeyboardInterrupt:
            say("interrupted; roots unmounted")
            return 130
        line = f"{release}: {passed} passed, {failed} failed, {skipped} skipped {detail}"
        say(line)
        lines.append(line)
        totals = [t + n for t, n in zip(totals, (passed, failed, skipped))]
    for line in lines:
        say(line)
    print(f"matrix: {totals[0]} passed, {totals[1]} failed, {totals[2]} skipped")
    return 1 if totals[1] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

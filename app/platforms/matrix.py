# SPDX-License-Identifier: BSD-3-Clause
"""The platform matrix: the host suite in a minimal Debian root per release.

usage: matrix.py [--renew] [RELEASE ...]     (default: every supported release
                                              but the one this machine runs)

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
KEEP = ("build", "build-san", "build-clang", ".deps")
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


def run_release(release, renew, sdk):
    """One platform: returns (passed, failed, skipped, description)."""
    started = time.monotonic()
    root = DebianRoot(release)
    root.make(renew=renew, log=say)
    with root:
        root.copy_checkout(REPO, INSIDE, KEEP)
        env = {"CI": os.environ.get("CI", "")}
        if sdk:
            root.copy_in(sdk, SDK_INSIDE)
            env["WCNIC_DPDK_SDK"] = SDK_INSIDE
        LOGS.mkdir(parents=True, exist_ok=True)
        with open(LOGS / f"{release}.log", "w", encoding="utf-8") as log:
            status, counts = stream(root, f"cd {INSIDE} && ./wcnic test --host-only",
                                    env, log, release)
            passed, failed, skipped = counts or (0, 0, 0)
            if status != 0 and failed == 0:
                failed += 1          # the run failed before or beyond its tests
            demo_status, _ = stream(root, f"cd {INSIDE} && ./wcnic demo --seconds 2",
                                    env, log, release)
            if demo_status == 0:
                passed += 1
            else:
                failed += 1
                print(f"  [{release}] FAIL demo: exit {demo_status}", flush=True)
        versions = [f"{name} {version}" for name, version in (
            ("DPDK", root.output("dpkg-query -W -f='${Version}' libdpdk-dev")),
            ("gcc", root.output("gcc -dumpfullversion")),
            ("clang", root.output("clang -dumpversion"))) if version]
    minutes, seconds = divmod(int(time.monotonic() - started), 60)
    return passed, failed, skipped, f"({', '.join(versions + [f'{minutes} min {seconds:02d} s'])})"


def main(argv):
    renew = "--renew" in argv
    releases = [a for a in argv if a != "--renew"]
    unknown = [a for a in releases if a not in debian.RELEASES]
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
        say(f"{release}: host suite and demo in a Debian {release} root")
        try:
            passed, failed, skipped, detail = run_release(release, renew, sdk)
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

# SPDX-License-Identifier: BSD-3-Clause
"""Host facts the bench depends on: paths, root, Debian packages, apt."""
import contextlib
import fcntl
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "app" / "platforms"))
import debian  # noqa: E402  (the project's one reader of apt's sources)

CACHE = Path(os.environ.get("WCNIC_GUEST_CACHE") or REPO / ".deps" / "guest")
PACKAGES_LIST = REPO / "config" / "guest-packages.txt"

# Programs a boot cannot do without; the rest of the package list serves
# other features (building kernel modules against extracted headers).
REQUIRED_PROGRAMS = ("qemu-system-x86_64", "busybox")

BACKPORTS_SOURCE = Path("/etc/apt/sources.list.d/wcnic-bookworm-backports.sources")


class Skip(Exception):
    """This host cannot run a guest; the message says why (printed as 'SKIP: ...')."""


class HostError(Exception):
    """A host command failed; the message carries its output."""


def run(argv, cwd=None):
    """Run a command, return its stdout; raise HostError with its output on failure."""
    proc = subprocess.run(argv, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, check=False)
    if proc.returncode != 0:
        raise HostError(f"{' '.join(map(str, argv))} exited {proc.returncode}:\n"
                        f"{proc.stdout}{proc.stderr}".rstrip())
    return proc.stdout


def is_root():
    return os.geteuid() == 0


_lock_depth = 0


@contextlib.contextmanager
def cache_lock():
    """Serialise cache updates and apt runs between concurrent benches.

    Re-entrant: a second flock on a new descriptor would wait for ourselves."""
    global _lock_depth
    if _lock_depth:
        _lock_depth += 1
        try:
            yield
        finally:
            _lock_depth -= 1
        return
    try:
        CACHE.mkdir(parents=True, exist_ok=True)
        lock = open(CACHE / ".lock", "a", encoding="utf-8")
    except PermissionError as err:
        raise Skip(f"the guest cache needs filling and is not writable: {err}") from err
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _lock_depth = 1
        try:
            yield
        finally:
            _lock_depth = 0


def read_list(path):
    """Names from a config list: '#' comments and blank lines ignored."""
    names = []
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            names.extend(line.split("#", 1)[0].split())
    return names


def _installed(package):
    proc = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package],
                          capture_output=True, text=True, check=False)
    return proc.returncode == 0 and proc.stdout.endswith("install ok installed")


_apt_updated = False


def apt_update():
    """apt-get update, at most once per process (callers hold cache_lock)."""
    global _apt_updated
    if not _apt_updated:
        run(["apt-get", "update", "-q"])
        _apt_updated = True


def ensure_packages():
    """Install what config/guest-packages.txt lists when root; skip only when
    a program a boot needs is still missing."""
    missing = [p for p in read_list(PACKAGES_LIST) if not _installed(p)]
    why = "not root to install them"
    if missing and is_root():
        with cache_lock():
            env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
            try:
                apt_update()
                proc = subprocess.run(["apt-get", "install", "-y", "-q",
                                       "--no-install-recommends", *missing],
                                      env=env, stdin=subprocess.DEVNULL, capture_output=True,
                                      text=True, check=False)
                lines = proc.stderr.strip().splitlines()
                why = lines[-1] if proc.returncode and lines else why
            except HostError as err:
                why = str(err).splitlines()[-1]
    absent = [p for p in REQUIRED_PROGRAMS if not find_program(p)]
    if absent:
        raise Skip(f"{', '.join(absent)} not found; cannot install {' '.join(missing)} "
                   f"({why}; see config/guest-packages.txt)")


def find_program(name):
    """Like shutil.which, also looking in the sbin folders a non-root PATH lacks."""
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin:/usr/bin:/bin")


def add_backports_source():
    """Add bookworm-backports to apt's sources (root), for the 6.12 kernel.

    Backports packages have priority 100: nothing on the host gets upgraded."""
    global _apt_updated
    if not BACKPORTS_SOURCE.exists():
        # The mirror bookworm itself comes from on this machine.
        BACKPORTS_SOURCE.write_text(debian.backports_stanza("bookworm"), encoding="utf-8")
        _apt_updated = False

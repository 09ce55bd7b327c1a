# SPDX-License-Identifier: BSD-3-Clause
"""Host facts the bench depends on: paths, root, Debian packages, apt (this
machine's, or that of a Debian root of another release)."""
import contextlib
import fcntl
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import debian  # the project's one reader of apt's sources (app/platforms)
import debian_root

REPO = Path(__file__).resolve().parents[3]

CACHE = Path(os.environ.get("WCNIC_GUEST_CACHE") or REPO / ".deps" / "guest")
PACKAGES_LIST = REPO / "config" / "guest-packages.txt"

# Programs a boot cannot do without; the rest of the package list serves
# other features (building kernel modules against extracted headers).
REQUIRED_PROGRAMS = ("qemu-system-x86_64", "busybox")


class Skip(Exception):
    """This host cannot run a guest; the message says why (printed as 'SKIP: ...')."""


class HostError(Exception):
    """A host command failed; the message carries its output."""


def run(argv, cwd=None, env=None, merged=False):
    """Run a command, return its stdout (with stderr when merged); raise
    HostError with its output on failure."""
    proc = subprocess.run(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT if merged else subprocess.PIPE,
                          text=True, check=False)
    if proc.returncode != 0:
        raise HostError(f"{' '.join(map(str, argv))} exited {proc.returncode}:\n"
                        f"{proc.stdout}{proc.stderr or ''}".rstrip())
    return proc.stdout


def brief(text):
    """First and last line of a command's failure (the command, then the cause)."""
    lines = text.strip().splitlines() or [""]
    return lines[0] if len(lines) == 1 else f"{lines[0]} ... {lines[-1]}"


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


# Roots (or "/") whose package lists this process refreshed.
_updated = set()


class Apt:
    """apt of one Debian release: this machine's own when it runs that release
    (or when no release is named), else apt in a Debian root of the release
    (app/platforms/debian_root.py, made with debootstrap on first use and
    kept in .deps/roots/), which needs root. Commands run within `with apt:`,
    which enters the root (its lock, its mounts) and leaves it afterwards."""

    def __init__(self, release=None):
        try:
            here = release is None or release == debian.current_release()
        except debian.Unsupported as err:
            raise Skip(f"Debian {release}'s packages come from a Debian root: {err}") from err
        self.release = release
        self.root = None if here else debian_root.DebianRoot(release)
        self.top = Path("/") if here else self.root.path
        self._shared = set()

    def __enter__(self):
        if self.root:
            if not is_root():
                raise Skip(f"Debian {self.release}'s kernels are fetched and their modules "
                           f"built in a Debian {self.release} root (debootstrap, mount, "
                           "chroot): run as root")
            try:
                self.root.make(log=lambda text: print(f"note: {text}", file=sys.stderr,
                                                      flush=True))
                self.root.__enter__()
            except debian_root.RootError as err:
                self.root.leave()
                raise HostError(str(err)) from err
        return self

    def __exit__(self, *exc):
        if self.root:
            self.root.leave()
            self._shared.clear()

    def share(self, folder):
        """Make a host folder visible where commands run, at its own path."""
        folder = Path(folder).resolve()
        if self.root and folder not in self._shared:
            self.root.bind(folder)
            self._shared.add(folder)

    def run(self, argv, cwd="/", merged=False):
        """Run a command where this release's apt is; return its stdout (with
        stderr when merged); HostError with its output on failure."""
        if self.root is None:
            return run(argv, cwd=cwd, merged=merged,
                       env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
        command = f"cd {shlex.quote(str(cwd))} && {shlex.join(map(str, argv))}"
        try:
            return self.root.run(command + (" 2>&1" if merged else ""),
                                 {"DEBIAN_FRONTEND": "noninteractive"})
        except debian_root.RootError as err:
            raise HostError(str(err)) from err

    def installed(self, package):
        try:
            status = self.run(["dpkg-query", "-W", "-f=${Status}", package])
        except HostError:
            return False
        return status.endswith("install ok installed")

    def update(self):
        """apt-get update, at most once per process (a host caller holds cache_lock)."""
        if self.top not in _updated:
            self.run(["apt-get", "update", "-q"])
            _updated.add(self.top)

    def install(self, *packages):
        """apt-get install (root); a failure refreshes the lists once and retries,
        as stale lists name files the archive has dropped."""
        argv = ["apt-get", "install", "-y", "-q", "--no-install-recommends", *packages]
        try:
            self.run(argv)
        except HostError:
            if self.top in _updated:
                raise
            self.update()
            self.run(argv)

    def add_backports(self):
        """Add the release's backports suite to apt's sources (root), from the mirror
        of its main suite there (app/platforms/debian.py). Backports packages
        have priority 100: nothing installed gets upgraded."""
        source = self.top / "etc/apt/sources.list.d" / f"wcnic-{self.release}-backports.sources"
        if not source.exists():
            source.write_text(debian.backports_stanza(self.release, str(self.top)),
                              encoding="utf-8")
            _updated.discard(self.top)


def ensure_packages():
    """Install what config/guest-packages.txt lists when root; skip only when
    a program a boot needs is still missing."""
    apt = Apt()
    missing = [p for p in read_list(PACKAGES_LIST) if not apt.installed(p)]
    why = "not root to install them"
    if missing and is_root():
        with cache_lock():
            try:
                apt.install(*missing)
            except HostError as err:
                why = str(err).splitlines()[-1]
    absent = [p for p in REQUIRED_PROGRAMS if not find_program(p)]
    if absent:
        raise Skip(f"{', '.join(absent)} not found; cannot install {' '.join(missing)} "
                   f"({why}; see config/guest-packages.txt)")


def find_program(name):
    """Like shutil.which, also looking in the sbin folders a non-root PATH lacks."""
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin:/usr/bin:/bin")

# SPDX-License-Identifier: BSD-3-Clause
"""Minimal Debian roots of the supported releases, to build and test in.

A root is made with debootstrap (variant minbase, plus git) from this machine's
own mirror, kept under .deps/roots/RELEASE and reused until it is older than
MAX_AGE (then made anew, so a root follows its release's archive). Whatever a
run installs inside stays for the next run.

Entering a root mounts what a DPDK process and the tests need (proc, sys, dev,
dev/pts, a private dev/shm and run), and bind() shows host folders inside;
leaving it ends every process still running inside and unmounts everything
below the root, deepest first, also when the run was interrupted.
"""
import fcntl
import filecmp
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import debian

REPO = Path(__file__).resolve().parents[2]
ROOTS = Path(os.environ.get("WCNIC_ROOTS") or REPO / ".deps" / "roots")
MAX_AGE = 7 * 24 * 3600
STAMP = ".wcnic-root"          # written last: a root without it is incomplete
INSIDE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


class RootError(Exception):
    """A root could not be made or entered; the message says why."""


def _run(argv, **kwargs):
    proc = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          check=False, **kwargs)
    if proc.returncode != 0:
        raise RootError(f"{' '.join(map(str, argv))} exited {proc.returncode}:\n"
                        f"{proc.stdout}{proc.stderr}".rstrip())
    return proc.stdout


def mounts_below(path):
    """Mount points at or below path, deepest first (from this process's mountinfo)."""
    prefix = str(path).rstrip("/") + "/"
    points = []
    with open("/proc/self/mountinfo", encoding="utf-8") as info:
        for line in info:
            point = line.split()[4].replace("\\040", " ")
            if point == str(path) or point.startswith(prefix):
                points.append(point)
    return sorted(points, key=lambda p: p.count("/"), reverse=True)


def processes_inside(path):
    """PIDs whose root directory is path."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.readlink(f"/proc/{entry}/root") == str(path):
                    found.append(int(entry))
            except OSError:
                continue
    return found


def _clear_except(folder, names, keep):
    """Remove the files below folder that are not in names (paths relative to
    folder), nor below a top-level name in keep; then the emptied folders."""
    if not folder.exists():
        return
    for child in folder.iterdir():
        if child.name in keep:
            continue
        if child.is_dir() and not child.is_symlink():
            for path in sorted(child.rglob("*"), reverse=True):
                rel = str(path.relative_to(folder))
                if path.is_dir() and not path.is_symlink():
                    if not any(path.iterdir()):
                        path.rmdir()
                elif rel not in names:
                    path.unlink()
            if not any(child.iterdir()):
                child.rmdir()
        elif child.name not in names:
            child.unlink()


def _clear(folder, keep):
    """Remove what folder holds except the names in keep."""
    if folder.exists():
        for child in folder.iterdir():
            if child.name not in keep:
                if child.is_dir() and not child.is_symlink():
                    shutil.rmtree(child)
                else:
                    child.unlink()


class DebianRoot:
    """One release's root: make() it, then `with root:` to have it mounted."""

    def __init__(self, release, name=None):
        """name: the root's folder under ROOTS (default: the release), for a
        second root of one release."""
        if release not in debian.RELEASES:
            raise RootError(f"unknown release '{release}' "
                            f"(supported: {', '.join(debian.RELEASES)})")
        self.release = release
        self.name = name or release
        self.path = ROOTS / self.name
        self._lock = None

    def _fresh(self):
        stamp = self.path / STAMP
        return stamp.exists() and time.time() - stamp.stat().st_mtime < MAX_AGE

    def make(self, renew=False, log=print):
        """Bootstrap the root unless a fresh one exists. Holds a lock until leave()."""
        ROOTS.mkdir(parents=True, exist_ok=True)
        self._lock = open(ROOTS / f".{self.name}.lock", "a", encoding="utf-8")
        fcntl.flock(self._lock, fcntl.LOCK_EX)
        if self._fresh() and not renew:
            return
        if shutil.which("debootstrap") is None and not Path("/usr/sbin/debootstrap").exists():
            raise RootError("debootstrap is not installed (./wcnic matrix installs it)")
        host = debian.current_release()
        mirror = debian.mirror(host)
        self._unmount_all()
        if self.path.exists():
            shutil.rmtree(self.path)
        work = self.path.with_name(self.name + ".new")
        self._unmount_all(work)
        shutil.rmtree(work, ignore_errors=True)
        log(f"{self.release}: debootstrap --variant=minbase from {mirror}")
        _run(["debootstrap", "--variant=minbase", "--include=git,ca-certificates",
              self.release, str(work), mirror])
        # debootstrap wrote the main suite only; take every suite this
        # machine uses for its own release (updates, security) to the target.
        (work / "etc/apt/sources.list").unlink(missing_ok=True)
        (work / "etc/apt/sources.list.d/debian.sources").write_text(
            debian.sources_for(self.release, host), encoding="utf-8")
        (work / "etc/apt/apt.conf.d/50archive-access").write_text(
            "// This machine's settings for reaching its archive mirror\n" +
            debian.access_settings(), encoding="utf-8")
        work.rename(self.path)
        (self.path / STAMP).write_text(f"{self.release} made {time.ctime()}\n", encoding="utf-8")

    def __enter__(self):
        shutil.copyfile("/etc/resolv.conf", self.path / "etc/resolv.conf")
        try:
            for kind, source, target, options in (
                    ("proc", "proc", "proc", []), ("sysfs", "sysfs", "sys", []),
                    (None, "/dev", "dev", ["--bind"]), (None, "/dev/pts", "dev/pts", ["--bind"]),
                    ("tmpfs", "tmpfs", "dev/shm", ["-o", "mode=1777"]),
                    ("tmpfs", "tmpfs", "run", ["-o", "mode=755"])):
                where = self.path / target
                where.mkdir(parents=True, exist_ok=True)
                _run(["mount", *(["-t", kind] if kind else []), *options, source, str(where)])
        except BaseException:
            self.leave()
            raise
        return self

    def __exit__(self, *exc):
        self.leave()

    def leave(self):
        """End every process inside, unmount everything below the root, drop the lock."""
        for sig in (signal.SIGTERM, signal.SIGKILL):
            pids = processes_inside(self.path)
            for pid in pids:
                try:
                    os.kill(pid, sig)
                except ProcessLookupError:
                    pass
            deadline = time.time() + 5
            while pids and processes_inside(self.path) and time.time() < deadline:
                time.sleep(0.1)
        self._unmount_all()
        if self._lock:
            self._lock.close()
            self._lock = None

    def _unmount_all(self, path=None):
        for point in mounts_below(path or self.path):
            if subprocess.run(["umount", point], capture_output=True, check=False).returncode:
                subprocess.run(["umount", "-l", point], capture_output=True, check=False)

    def copy_in(self, source, dest):
        """Copy folder source to dest inside the root, replacing what was there."""
        target = self.path / dest.lstrip("/")
        _clear(target, ())
        shutil.copytree(source, target, symlinks=True, dirs_exist_ok=True)

    def copy_checkout(self, repo, dest, keep):
        """Copy the files git knows in repo (tracked or not ignored, as they are in the
        work tree, so uncommitted changes are tested too) to dest inside the root.

        A file whose content is already there is left alone; any other gets the
        time of the copy. The build folders in keep are reused by whatever tree
        was copied last (another work tree of the same repository too), so a
        file must look changed to the build exactly when its content is: a
        copied modification time could be older than objects built from other
        content, and the build would not see the change."""
        names = [n for n in _run(["git", "-C", str(repo), "ls-files", "-z", "--cached",
                                  "--others", "--exclude-standard"]).split("\0")
                 if n and ((Path(repo) / n).exists() or (Path(repo) / n).is_symlink())]
        target = self.path / dest.lstrip("/")
        _clear_except(target, set(names), keep)
        for name in names:
            source, copy = Path(repo) / name, target / name
            if source.is_symlink() or copy.is_symlink():
                if copy.is_symlink() or copy.exists():
                    copy.unlink()
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, copy, follow_symlinks=False)
            elif not (copy.is_file() and filecmp.cmp(source, copy, shallow=False)):
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, copy)
                shutil.copymode(source, copy)

    def bind(self, source):
        """Show host folder source inside the root at its own path, until leave()."""
        where = self.path / str(source).lstrip("/")
        where.mkdir(parents=True, exist_ok=True)
        _run(["mount", "--bind", str(source), str(where)])

    def _argv(self, command, env):
        """A shell command inside the root with exactly env (plus a plain PATH,
        HOME and locale)."""
        full_env = {"HOME": "/root", "PATH": INSIDE_PATH, "LANG": "C.UTF-8", "TERM": "dumb",
                    **env}
        return ["chroot", str(self.path), "/usr/bin/env", "-i",
                *[f"{k}={v}" for k, v in full_env.items()], "bash", "-c", command]

    def start(self, command, env):
        """Start a shell command inside the root (see _argv); its output, standard
        error included, is the pipe .stdout."""
        return subprocess.Popen(self._argv(command, env), stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                errors="replace")

    def run(self, command, env=None):
        """A shell command's standard output inside the root; RootError with all
        its output when it fails."""
        return _run(self._argv(command, env or {}))

    def output(self, command):
        """A command's standard output inside the root (empty when it fails)."""
        try:
            return self.run(command).strip()
        except RootError:
            return ""

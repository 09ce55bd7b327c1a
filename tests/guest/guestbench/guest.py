# SPDX-License-Identifier: BSD-3-Clause
"""One guest boot: prepare, run QEMU under a hard time limit, clean up always.

Whatever ends a boot (the guest finishing, the time limit, an exception,
Ctrl-C, SIGTERM from meson's own timeout), QEMU and the companion process are
killed and both /dev/shm files and the work folder are removed. QEMU and the
companion also get SIGKILL if this process dies without cleaning up, and a
later boot removes the files and folders whose creator no longer exists.
"""
import ctypes
import os
import secrets
import select
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import initramfs, kernel, qemu
from .host import CACHE, ensure_packages
from .results import Console, Outcome

SHM_DIR = Path("/dev/shm")
SHM_PREFIX = "wcnic-guest-"
DEFAULT_TIMEOUT = 120
DEFAULT_RAM_MB = 1024
DEFAULT_BAR_SIZE = 16 << 20
# Variable selecting the kernel series for every boot that does not name one.
KERNEL_VARIABLE = "WCNIC_GUEST_KERNEL"
STOP_GRACE = 5
TAIL_LINES = 40

_PR_SET_PDEATHSIG = 1
_libc = ctypes.CDLL(None, use_errno=True)


class Interrupted(BaseException):
    """SIGTERM or SIGHUP arrived during a boot (SIGINT raises KeyboardInterrupt)."""

    def __init__(self, signum):
        super().__init__(f"interrupted by signal {signum}")
        self.signum = signum


def default_series():
    """The kernel series of a boot that names none: WCNIC_GUEST_KERNEL, or
    the default."""
    return os.environ.get(KERNEL_VARIABLE) or kernel.DEFAULT_SERIES


def _die_with_parent():
    _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


def sweep_stale():
    """Remove the /dev/shm files and work folders of benches that died without
    cleaning up (killed by SIGKILL): their names start with the bench's pid."""
    for path in (*SHM_DIR.glob(SHM_PREFIX + "*"),
                 *Path(tempfile.gettempdir()).glob(SHM_PREFIX + "*")):
        pid = path.name[len(SHM_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            try:
                if path.is_dir():
                    shutil.rmtree(path)
                else:
                    path.unlink()
            except OSError:
                pass


def _stop(proc, grace):
    """SIGTERM, then SIGKILL after `grace` seconds; True when SIGTERM was enough."""
    if proc is None or proc.poll() is not None:
        return True
    if grace:
        proc.terminate()
        try:
            proc.wait(grace)
            return True
        except subprocess.TimeoutExpired:
            pass
    proc.kill()
    proc.wait()
    return False


def _create_shm(path, size):
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.ftruncate(fd, size)
    finally:
        os.close(fd)


class Guest:
    """A guest boot as a context manager:

        with Guest("my-test.sh", name="my-test", include=[...]) as guest:
            ...                      # guest.bar_path exists, zero-filled
            outcome = guest.run()    # returns when the guest is done
            ...                      # the files are still there to inspect
        # QEMU, companion, /dev/shm files and work folder are gone here

    Entering fetches the kernel (raises host.Skip when impossible), builds
    the initramfs and creates the shared-memory files."""

    def __init__(self, script, *, name="guest", include=(), env=None, kernel_series=None,
                 modules=kernel.VFIO_MODULES, timeout=DEFAULT_TIMEOUT, log_dir=None,
                 ram_mb=DEFAULT_RAM_MB, bar_size=DEFAULT_BAR_SIZE, cpus=1, companion=None,
                 companion_ready=None, keep=False, console=None, dmesg=False, append="",
                 devices=(), ivshmem_bus=None, qmp=False):
        self.script = Path(script)
        self.name = name
        self.include = list(include)
        self.env = dict(env or {})
        self.kernel_series = kernel_series or default_series()
        self.modules = list(modules)
        self.timeout = timeout
        self.log_dir = Path(log_dir) if log_dir else CACHE / "logs"
        self.ram_mb = ram_mb
        self.bar_size = bar_size
        self.cpus = cpus
        self.companion = list(companion) if companion else None
        self.companion_ready = companion_ready
        self.keep = keep
        self.console = console
        self.append = append
        self.devices = list(devices)
        self.ivshmem_bus = ivshmem_bus
        self.qmp = qmp
        self.qmp_path = None
        if dmesg:
            self.env["WCNIC_DMESG"] = "1"
        self.kernel = None
        self.workdir = None
        self.bar_path = self.ram_path = None
        self.command = None
        self.prepare_seconds = None
        self._qemu = self._companion = None
        self._shm = []
        self._old_handlers = {}

    def __enter__(self):
        self._trap_signals()
        try:
            started = time.monotonic()
            ensure_packages()
            self.kernel = kernel.fetch(self.kernel_series)
            sweep_stale()
            # A kept folder has no pid in its name, so no sweep removes it.
            owner = "kept" if self.keep else os.getpid()
            self.workdir = Path(tempfile.mkdtemp(prefix=f"{SHM_PREFIX}{owner}-{self.name}-"))
            initrd = self.workdir / "initrd.cpio"
            env = {"WCNIC_KERNEL_ABI": self.kernel.abi, **self.env}
            initramfs.build(initrd, self.script, self.kernel.modules(self.modules),
                            self.include, env)
            unique = f"{SHM_DIR}/{SHM_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
            self.bar_path, self.ram_path = Path(unique + "-bar"), Path(unique + "-ram")
            for path, size in ((self.bar_path, self.bar_size), (self.ram_path, self.ram_mb << 20)):
                _create_shm(path, size)
                self._shm.append(path)
            if self.qmp:
                self.qmp_path = self.workdir / "qmp.sock"
            self.command = qemu.command(self.kernel.image, initrd, self.ram_path, self.ram_mb,
                                        self.bar_path, self.bar_size, f"wcnic-{self.name}",
                                        self.cpus, self.append, self.devices,
                                        self.ivshmem_bus, self.qmp_path)
            self.prepare_seconds = time.monotonic() - started
        except BaseException:
            self._cleanup()
            raise
        return self

    def __exit__(self, *exc):
        self._cleanup()

    def run(self):
        """Boot once; return the Outcome. Raises only for host trouble (the
        caller's `with` still cleans up)."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log_path = self.log_dir / f"{self.name}.console.log"
        outcome = Outcome(self.name, self.kernel.abi, qemu.accelerator()[1], str(log_path))
        outcome.timings["prepare"] = self.prepare_seconds
        self._start_companion(outcome)
        start = time.monotonic()
        console = Console(start)
        with open(log_path, "wb") as log:
            log.write(f"# {shlex.join(map(str, self.command))}\n".encode())
            self._qemu = subprocess.Popen(self.command, stdin=subprocess.DEVNULL,
                                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                          preexec_fn=_die_with_parent)
            timed_out = self._read_console(console, log, start + self.timeout, until_done=True)
            # After WCNIC-DONE nothing is left to wait for: stop QEMU now,
            # then keep what it still printed.
            _stop(self._qemu, 0 if timed_out else STOP_GRACE)
            self._read_console(console, log, time.monotonic() + STOP_GRACE, until_done=False)
            outcome.qemu_status = self._qemu.wait()
            self._qemu = None
        console.finish()
        outcome.timings["/init"] = console.init_after
        outcome.timings["done"] = console.done_after
        outcome.timings["wall"] = time.monotonic() - start
        outcome.timings = {k: v for k, v in outcome.timings.items() if v is not None}
        self._stop_companion(outcome)
        outcome.checks.extend(console.checks)
        outcome.tail = console.lines[-TAIL_LINES:]
        if timed_out:
            outcome.problems.append(f"timeout: no WCNIC-DONE within {self.timeout} s")
        elif console.done_status is None:
            outcome.problems.append(f"QEMU exited ({outcome.qemu_status}) before WCNIC-DONE")
        elif console.done_status != 0:
            outcome.problems.append(f"guest script exited {console.done_status}")
        elif not console.checks:
            outcome.problems.append("the guest reported no results")
        return outcome

    def _read_console(self, console, log, deadline, until_done):
        """Copy QEMU's output to the log and the parser until the end of the
        output, the deadline or (until_done) WCNIC-DONE; True when the
        deadline passed."""
        fd = self._qemu.stdout.fileno()
        while not (until_done and console.done_status is not None):
            left = deadline - time.monotonic()
            if left <= 0:
                return True
            if not select.select([fd], [], [], left)[0]:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                return False
            log.write(chunk)
            log.flush()
            if self.console:
                self.console.write(chunk.decode("utf-8", "replace"))
                self.console.flush()
            console.feed(chunk)
        return False

    def _start_companion(self, outcome):
        if not self.companion:
            return
        ready = self.workdir / "companion-ready"
        env = dict(os.environ, WCNIC_GUEST_BAR=str(self.bar_path),
                   WCNIC_GUEST_BAR_SIZE=str(self.bar_size), WCNIC_GUEST_RAM=str(self.ram_path),
                   WCNIC_GUEST_RAM_SIZE=str(self.ram_mb << 20), WCNIC_GUEST_READY=str(ready))
        if self.qmp_path:
            env["WCNIC_GUEST_QMP"] = str(self.qmp_path)
        log = open(self.log_dir / f"{self.name}.companion.log", "wb")
        with log:
            self._companion = subprocess.Popen(self.companion, env=env, stdin=subprocess.DEVNULL,
                                               stdout=log, stderr=subprocess.STDOUT,
                                               preexec_fn=_die_with_parent)
        if self.companion_ready is None:
            return
        started = time.monotonic()
        deadline = started + self.companion_ready
        while not ready.exists():
            status = self._companion.poll()
            if status is not None:
                raise RuntimeError(f"companion {self.companion[0]} exited {status} before "
                                   f"it was ready (see {log.name})")
            if time.monotonic() > deadline:
                raise RuntimeError(f"companion {self.companion[0]} not ready after "
                                   f"{self.companion_ready} s (see {log.name})")
            time.sleep(0.01)
        outcome.timings["companion ready"] = time.monotonic() - started

    def _stop_companion(self, outcome):
        if not self._companion:
            return
        early = self._companion.poll()
        gentle = _stop(self._companion, STOP_GRACE)
        status = self._companion.returncode
        self._companion = None
        if early not in (None, 0):
            outcome.add("companion", "FAIL", f"exited {early} while the guest ran")
        elif not gentle:
            outcome.add("companion", "FAIL", f"ignored SIGTERM for {STOP_GRACE} s")
        elif status not in (0, -signal.SIGTERM):
            outcome.add("companion", "FAIL", f"exited {status}")

    def _trap_signals(self):
        def interrupted(signum, _frame):
            raise Interrupted(signum)

        for signum in (signal.SIGTERM, signal.SIGHUP):
            try:
                self._old_handlers[signum] = signal.signal(signum, interrupted)
            except ValueError:
                # Not the main thread: the caller owns signal handling.
                break

    def _cleanup(self):
        blocked = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
        signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
        try:
            _stop(self._qemu, 0)
            _stop(self._companion, 0)
            self._qemu = self._companion = None
            for path in self._shm:
                try:
                    path.unlink()
                except FileNotFoundError:
                    pass
            self._shm = []
            if self.workdir and not self.keep:
                shutil.rmtree(self.workdir, ignore_errors=True)
            elif self.workdir:
                print(f"kept {self.workdir} (initrd.cpio); QEMU command:\n"
                      f"{shlex.join(map(str, self.command or []))}", file=sys.stderr)
            for signum, handler in self._old_handlers.items():
                signal.signal(signum, handler)
            self._old_handlers = {}
        finally:
            # A signal that arrived meanwhile is delivered now, cleanup done.
            signal.pthread_sigmask(signal.SIG_UNBLOCK, blocked)

#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""guest-timeout-cleanup: whatever ends a boot, no QEMU process and no
/dev/shm file stays behind.

Boots guest-hang.sh, which never finishes, and ends it four ways:
  timeout   the bench's own time limit (in this process)
  sigterm   SIGTERM to a bench.py process (what meson's timeout sends)
  sigint    SIGINT to a bench.py process (Ctrl-C)
  sigkill   SIGKILL to a bench.py process: no cleanup can run; QEMU must die
            with its parent and the next bench must remove the stale files
            and work folder
Every check is made here on the host.
"""
import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import guestbench
from guestbench.guest import SHM_DIR, SHM_PREFIX, sweep_stale
from guestbench.host import CACHE

HERE = Path(__file__).resolve().parent
HANG = HERE / "guest-hang.sh"


def processes_mentioning(text):
    """PIDs whose command line contains text (QEMU names its /dev/shm files there)."""
    pids = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and text.encode() in (proc / "cmdline").read_bytes():
                pids.append(int(proc.name))
        except OSError:
            continue
    return pids


def wait_for(condition, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    return condition()


class Checks:
    def __init__(self):
        self.failed = 0
        self.passed = 0

    def check(self, name, ok, why=""):
        print(f"  {'PASS' if ok else 'FAIL'} {name}" + ("" if ok else f": {why}"), flush=True)
        if ok:
            self.passed += 1
        else:
            self.failed += 1

    def leftovers(self, case, shm_glob):
        files = sorted(str(p) for p in SHM_DIR.glob(shm_glob))
        qemus = processes_mentioning(f"{SHM_DIR}/{shm_glob.rstrip('*')}")
        self.check(f"{case}-no-qemu", not qemus, f"QEMU still running: pids {qemus}")
        self.check(f"{case}-no-shm-files", not files, f"left behind: {files}")


def timeout_case(checks, log_dir, seconds):
    """The bench's time limit in this very process, through the module API."""
    with guestbench.Guest(HANG, name="guest-timeout", timeout=seconds, log_dir=log_dir) as guest:
        shm = [guest.bar_path, guest.ram_path]
        outcome = guest.run()
        reached = any(c.name == "hang-started" for c in outcome.checks)
        checks.check("timeout-guest-script-ran", reached,
                     f"the guest never reached its script within {seconds} s")
        checks.check("timeout-reported", any(p.startswith("timeout") for p in outcome.problems),
                     f"problems: {outcome.problems}")
        checks.check("timeout-qemu-killed", outcome.qemu_status == -signal.SIGKILL,
                     f"QEMU exit status {outcome.qemu_status}")
        checks.check("timeout-exit-status", outcome.exit_code() == 1,
                     f"exit status {outcome.exit_code()} instead of 1")
        workdir = guest.workdir
    checks.check("timeout-workdir-removed", not workdir.exists(), f"{workdir} left behind")
    checks.check("timeout-shm-removed", not any(p.exists() for p in shm),
                 f"left behind: {[str(p) for p in shm if p.exists()]}")
    checks.leftovers("timeout", f"{SHM_PREFIX}{os.getpid()}-*")


def signal_case(checks, log_dir, signum):
    """A bench.py process stopped by a signal once its guest runs."""
    case = signal.Signals(signum).name.lower()
    console_log = log_dir / f"guest-{case}.console.log"
    console_log.unlink(missing_ok=True)
    bench = subprocess.Popen(
        [sys.executable, str(HERE / "bench.py"), "boot", str(HANG), "--name", f"guest-{case}",
         "--timeout", "120", "--log-dir", str(log_dir)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    shm_glob = f"{SHM_PREFIX}{bench.pid}-*"
    try:
        started = wait_for(lambda: console_log.exists() and
                           "hang-started" in console_log.read_text(errors="replace"), 60)
        qemus = processes_mentioning(f"{SHM_DIR}/{SHM_PREFIX}{bench.pid}-")
        checks.check(f"{case}-guest-running", started and qemus,
                     f"the guest never reached its script (QEMU pids {qemus})")
        bench.send_signal(signum)
        output, _ = bench.communicate(timeout=30)
    finally:
        if bench.poll() is None:
            bench.kill()
            bench.wait()
    if signum == signal.SIGKILL:
        checks.check(f"{case}-qemu-died-with-parent",
                     wait_for(lambda: not any(map(_alive, qemus)), 10),
                     f"QEMU pids {qemus} outlived the bench")
        workdirs = list(Path(tempfile.gettempdir()).glob(shm_glob))
        checks.check(f"{case}-files-left-for-sweep",
                     list(SHM_DIR.glob(shm_glob)) and workdirs,
                     "no /dev/shm files or work folder although no cleanup could run")
        sweep_stale()
        checks.check(f"{case}-workdir-swept", not any(d.exists() for d in workdirs),
                     f"left behind: {workdirs}")
    else:
        want = 130 if signum == signal.SIGINT else 128 + signum
        checks.check(f"{case}-exit-status", bench.returncode == want,
                     f"bench.py exited {bench.returncode}, expected {want}:\n{output}")
    checks.leftovers(case, shm_glob)


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
            return stat.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--log-dir", type=Path, default=CACHE / "logs")
    parser.add_argument("--timeout", type=float, default=15,
                        help="time limit of the timeout case; longer than a boot")
    args = parser.parse_args(argv)
    args.log_dir.mkdir(parents=True, exist_ok=True)
    checks = Checks()
    try:
        timeout_case(checks, args.log_dir, args.timeout)
    except guestbench.Skip as skip:
        print(f"SKIP: {skip}")
        return 77
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGKILL):
        signal_case(checks, args.log_dir, signum)
    print(f"{checks.passed} passed, {checks.failed} failed, 0 skipped")
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""wcnic-emu on the host, without a guest.

The test makes a BAR file and a RAM file as the guest bench does, starts
wcnic-emu on them, lets emu-drive play the guest's driver on the same files
and checks the counters wcnic-emu writes (on SIGUSR1 and at SIGTERM) against
what emu-drive says it did. Cases:

  sink            push and DMA TX on two queues, one frame the sink rejects
  loopback-split  3 GiB of RAM (q35 splits it): rings and buffers above 4 GiB
  bad-iova        a DMA address in the hole below 4 GiB stops the ring
  tap             a frame out to a TAP interface and one back (root only)
  options         bad options and environment values, and the bench's variables

Exit status: 0 passed, 1 failed, 77 skipped (with the reason).
"""
import argparse
import fcntl
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SKIP = 77
MIB = 1 << 20
GIB = 1 << 30
BAR_SIZE = 16 * MIB
WAIT = 20  # seconds for anything that should take milliseconds


class Failure(Exception):
    pass


class Skip(Exception):
    pass


def make_file(path, size):
    with open(path, "wb") as f:
        f.truncate(size)  # sparse: a 3 GiB RAM costs only the pages written


def wait_for(predicate, what):
    end = time.monotonic() + WAIT
    while not predicate():
        if time.monotonic() > end:
            raise Failure(f"timed out waiting for {what}")
        time.sleep(0.01)


class Emu:
    """A wcnic-emu process on files in a fresh folder."""

    def __init__(self, args, workdir, ram_size, extra=(), env=None):
        self.dir = Path(workdir)
        self.bar, self.ram = self.dir / "bar", self.dir / "ram"
        self.ready, self.stats = self.dir / "ready", self.dir / "stats.json"
        make_file(self.bar, BAR_SIZE)
        make_file(self.ram, ram_size)
        argv = [args.emu, "--bar", str(self.bar), "--ram", str(self.ram),
                "--ready-file", str(self.ready), "--stats-json", str(self.stats), *extra]
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env=env)
        wait_for(lambda: self.ready.exists() or self.proc.poll() is not None, "the ready file")
        if not self.ready.exists():
            out, err = self.proc.communicate()
            raise Failure(f"wcnic-emu exited {self.proc.returncode} before ready:\n"
                          f"{err.decode()}")

    def dump(self):
        """SIGUSR1, then the JSON it writes."""
        if self.stats.exists():
            self.stats.unlink()
        self.proc.send_signal(signal.SIGUSR1)
        wait_for(self.stats.exists, "the stats JSON after SIGUSR1")
        return json.loads(self.stats.read_text())

    def stop(self):
        """SIGTERM; the exit status, stdout, stderr and the final JSON."""
        self.proc.terminate()
        try:
            out, err = self.proc.communicate(timeout=WAIT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise Failure("wcnic-emu ignored SIGTERM")
        doc = json.loads(self.stats.read_text()) if self.stats.exists() else None
        return self.proc.returncode, out.decode(), err.decode(), doc

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def lookup(doc, path):
    node = doc
    for part in path.split("."):
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def check_expectations(doc, lines, when):
    """emu-drive's 'expect KEY VALUE' / 'expect-min KEY VALUE' lines."""
    problems, count = [], 0
    for line in lines:
        words = line.split()
        if len(words) != 3 or words[0] not in ("expect", "expect-min"):
            continue
        count += 1
        kind, key, want = words
        try:
            got = lookup(doc, key)
        except (KeyError, IndexError, TypeError):
            problems.append(f"{when}: {key} missing from the JSON")
            continue
        text = got if isinstance(got, str) else json.dumps(got)
        if kind == "expect" and text != want:
            problems.append(f"{when}: {key} = {text}, expected {want}")
        if kind == "expect-min" and not (isinstance(got, int) and got >= int(want)):
            problems.append(f"{when}: {key} = {text}, expected at least {want}")
    if count == 0:
        problems.append(f"{when}: emu-drive stated no expectation")
    if problems:
        raise Failure("\n".join(problems))
    print(f"ok   {when}: {count} counters as expected")


def drive(args, emu, scenario, ram_off, gpa, hole=None):
    argv = [args.drive, "--bar", str(emu.bar), "--ram", str(emu.ram), "--ram-off", hex(ram_off),
            "--gpa", hex(gpa), scenario]
    if hole is not None:
        argv[-1:-1] = ["--hole", hex(hole)]
    run = subprocess.run(argv, capture_output=True, text=True, timeout=WAIT * 3)
    if run.returncode != 0:
        raise Failure(f"emu-drive {scenario} failed ({run.returncode}): {run.stderr.strip()}")
    return run.stdout.splitlines()


def finish(emu, expectations, when):
    status, out, err, doc = emu.stop()
    if status != 0:
        raise Failure(f"wcnic-emu exited {status} after SIGTERM:\n{err}")
    if "stopped by" not in out or "tx_packets" not in out:
        raise Failure(f"no final counters on stdout:\n{out}")
    if emu.ready.exists():
        raise Failure("the ready file outlived wcnic-emu")
    if doc is None:
        raise Failure("no stats JSON at exit")
    check_expectations(doc, expectations, when)
    return doc


def case_sink(args, tmp):
    emu = Emu(args, tmp, 64 * MIB, ["--backend", "sink"])
    try:
        expect = drive(args, emu, "sink", ram_off=MIB, gpa=MIB)
        check_expectations(emu.dump(), expect, "SIGUSR1")
        doc = finish(emu, expect, "exit")
    finally:
        emu.kill()
    if doc["backend"] != "sink" or doc["ram"]["pieces"] != [
            {"gpa": 0, "file_offset": 0, "size": 64 * MIB}]:
        raise Failure(f"backend or RAM layout wrong: {doc['backend']} {doc['ram']}")


def case_loopback_split(args, tmp):
    """3 GiB: q35 puts 2 GiB at 0 and the rest at 4 GiB; the driver's window
    is file offset 2 GiB + 16 MiB, which the guest sees at 4 GiB + 16 MiB."""
    emu = Emu(args, tmp, 3 * GIB, ["--backend", "loopback"])
    try:
        expect = drive(args, emu, "loopback", ram_off=2 * GIB + 16 * MIB, gpa=4 * GIB + 16 * MIB)
        doc = finish(emu, expect, "exit")
    finally:
        emu.kill()
    want = [{"gpa": 0, "file_offset": 0, "size": 2 * GIB},
            {"gpa": 4 * GIB, "file_offset": 2 * GIB, "size": GIB}]
    if doc["ram"]["pieces"] != want:
        raise Failure(f"RAM pieces {doc['ram']['pieces']}, expected {want}")


def case_bad_iova(args, tmp):
    """0x90000000 lies inside the 3 GiB file but in the guest's PCI hole."""
    emu = Emu(args, tmp, 3 * GIB, ["--backend", "sink"])
    try:
        expect = drive(args, emu, "bad-iova", ram_off=MIB, gpa=MIB, hole=0x90000000)
        finish(emu, expect, "exit")
    finally:
        emu.kill()


def set_link_up(name):
    siocgifflags, siocsifflags, iff_up = 0x8913, 0x8914, 0x1
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        ifr = struct.pack("16sH22x", name.encode(), 0)
        flags = struct.unpack("16sH22x", fcntl.ioctl(s, siocgifflags, ifr))[1]
        fcntl.ioctl(s, siocsifflags, struct.pack("16sH22x", name.encode(), flags | iff_up))


def case_tap(args, tmp):
    if os.geteuid() != 0:
        raise Skip("the tap case creates a TAP interface: needs root")
    if not os.path.exists("/dev/net/tun"):
        raise Skip("no /dev/net/tun (tun module not loaded)")
    name = f"wcemu{os.getpid() % 100000}"
    emu = Emu(args, tmp, 64 * MIB, ["--tap", name])
    try:
        ipv6 = Path(f"/proc/sys/net/ipv6/conf/{name}/disable_ipv6")
        if ipv6.exists():
            ipv6.write_text("1")  # fewer frames of the host's own on the wire
        set_link_up(name)
        with socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3)) as sock:
            sock.bind((name, 0))
            sock.settimeout(1)
            driver = subprocess.Popen(
                [args.drive, "--bar", str(emu.bar), "--ram", str(emu.ram), "--ram-off",
                 hex(MIB), "--gpa", hex(MIB), "tap"], stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, text=True)
            seen, end = False, time.monotonic() + WAIT
            while not seen and time.monotonic() < end:
                try:
                    seen = b"wcnic-emu-tap-out" in sock.recv(65536)
                except socket.timeout:
                    pass
            if not seen:
                driver.kill()
                raise Failure("the guest's frame never came out of the TAP interface")
            # To the device's MAC, an experimental EtherType, the mark at byte 42.
            frame = (bytes.fromhex("02776e6e6963") + bytes.fromhex("020000000002") +
                     b"\x88\xb5" + bytes(28) + b"wcnic-emu-tap-in\0").ljust(100, b"\0")
            sock.send(frame)
            out, err = driver.communicate(timeout=WAIT * 3)
        if driver.returncode != 0:
            raise Failure(f"emu-drive tap failed: {err.strip()}")
        finish(emu, out.splitlines(), "exit")
    finally:
        emu.kill()


def expect_usage_error(args, argv, needle, env=None, status=2):
    run = subprocess.run([args.emu, *argv], capture_output=True, text=True, timeout=WAIT,
                         env=env)
    if run.returncode != status or needle not in run.stderr:
        raise Failure(f"wcnic-emu {' '.join(argv)}: exit {run.returncode}, stderr "
                      f"{run.stderr.strip()!r}; expected exit {status} and {needle!r}")


def case_options(args, tmp):
    tmp = Path(tmp)
    bar, ram, small = tmp / "bar", tmp / "ram", tmp / "small"
    make_file(bar, BAR_SIZE)
    make_file(ram, 64 * MIB)
    make_file(small, 4096)
    files = ["--bar", str(bar), "--ram", str(ram)]
    clean = {k: v for k, v in os.environ.items() if not k.startswith("WCNIC_GUEST_")}
    for argv, needle in (
            (["--queues", "0", *files], "--queues"),
            (["--queues", "nine", *files], "--queues"),
            (["--tx-burst-max", "40000", *files], "--tx-burst-max"),
            (["--max-ring-size", "100", *files], "--max-ring-size"),
            (["--max-mtu", "10000", *files], "--max-mtu"),
            (["--ram-size", "12Q", *files], "--ram-size"),
            (["--mac", "02:00:00:00:00", *files], "--mac"),
            (["--features", "0x10000", *files], "--features"),
            (["--backend", "wire", *files], "--backend"),
            (["--backend", "tap", *files], "--tap"),
            (["--tap", "x", "--backend", "loopback", *files], "--tap"),
            (["--tap", "a-name-far-too-long", *files], "--tap"),
            (["--quiet", "--verbose", *files], "--quiet"),
            (["--no-such-option", *files], "--no-such-option"),
            (["--stats-json"], "--stats-json"),
            (["--ram", str(ram)], "--bar"),
            (["--bar", str(bar)], "--ram")):
        expect_usage_error(args, argv, needle, env=clean)
    # Files that cannot serve: the device needs 576 KiB of BAR; RAM asked
    # beyond the file; no such file.
    expect_usage_error(args, ["--bar", str(small), "--ram", str(ram)], "at least", clean, 1)
    expect_usage_error(args, [*files, "--ram-size", "65M"], "the file has", clean, 1)
    expect_usage_error(args, ["--bar", str(tmp / "none"), "--ram", str(ram)], "--bar", clean, 1)
    bad_env = dict(clean, WCNIC_GUEST_BAR=str(bar), WCNIC_GUEST_RAM=str(ram),
                   WCNIC_GUEST_RAM_SIZE="lots")
    expect_usage_error(args, [], "WCNIC_GUEST_RAM_SIZE", bad_env)
    print("ok   bad options and values named in the error")

    # The companion command line of the guest bench: files from the environment.
    ready, stats = tmp / "ready", tmp / "stats.json"
    env = dict(clean, WCNIC_GUEST_BAR=str(bar), WCNIC_GUEST_RAM=str(ram),
               WCNIC_GUEST_RAM_SIZE=str(32 * MIB), WCNIC_GUEST_READY=str(ready))
    proc = subprocess.Popen([args.emu, "--backend", "sink", "--stats-json", str(stats),
                             "--quiet"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        wait_for(lambda: ready.exists() or proc.poll() is not None, "the ready file")
        proc.terminate()
        out, err = proc.communicate(timeout=WAIT)
    finally:
        if proc.poll() is None:
            proc.kill()
    if proc.returncode != 0 or out:
        raise Failure(f"environment run: exit {proc.returncode}, stdout {out!r} (--quiet), "
                      f"stderr {err!r}")
    doc = json.loads(stats.read_text())
    if doc["bar"]["path"] != str(bar) or doc["ram"]["size"] != 32 * MIB:
        raise Failure(f"environment run: bar {doc['bar']}, ram {doc['ram']}")
    print("ok   the guest bench's variables stand in for --bar, --ram, --ram-size, "
          "--ready-file")


CASES = {"sink": case_sink, "loopback-split": case_loopback_split, "bad-iova": case_bad_iova,
         "tap": case_tap, "options": case_options}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emu", required=True, help="the wcnic-emu program")
    parser.add_argument("--drive", required=True, help="the emu-drive program")
    parser.add_argument("case", choices=sorted(CASES))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wcnic-emu-test-") as tmp:
        try:
            CASES[args.case](args, tmp)
        except Failure as failure:
            print(f"FAIL {args.case}: {failure}")
            return 1
        except Skip as skip:
            print(f"SKIP: {skip}")
            return SKIP
    print(f"ok   {args.case}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

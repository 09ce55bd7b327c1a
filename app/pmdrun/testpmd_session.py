# SPDX-License-Identifier: BSD-3-Clause
"""Drive Debian's dpdk-testpmd with the net_wcnic driver.

Used by the end-to-end tests, ./wcnic demo and ./wcnic bench. testpmd runs
interactively; commands are sent on stdin once its prompt shows, and each
command's output is returned to the caller to parse.

The driver is loaded as `-d librte_net_wcnic.so` with its folder in
LD_LIBRARY_PATH, from a working directory that does not hold the file: EAL
refuses an absolute -d path below any world-writable directory (a clone under
/tmp, say), and a bare name sidesteps that check wherever the clone lives.
"""
import glob
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time

TESTPMD = "dpdk-testpmd"
PROMPT = "testpmd> "
SKIP = 77


class TestpmdError(Exception):
    pass


def testpmd_path():
    return shutil.which(TESTPMD)


def testpmd_libraries():
    """The DPDK libraries dpdk-testpmd links, in its order (readelf -d).

    A secondary process that makes a mempool the primary fills (dpdk-dumpcap)
    must register mempool handlers in the primary's order, or the primary
    fills it through the wrong one: preloading these first does that
    (doc/pmd-guide.md, secondary processes)."""
    out = subprocess.run(["readelf", "-d", testpmd_path()], capture_output=True, text=True,
                         check=True).stdout
    return re.findall(r"Shared library: \[(librte_[^\]]+)\]", out)


def eal_args(pmd_dir, vdevs, prefix, main_lcore=0, lcores=None, shared=False):
    """Two lcores, no hugepages (no root needed), no PCI probing.

    shared: hugepages and a shared configuration instead, so that secondary
    processes (dpdk-proc-info, dpdk-dumpcap) can attach.

    main_lcore picks which CPU the idle main thread takes, so two testpmd
    processes can put their forwarding threads on different CPUs. lcores,
    an EAL --lcores map such as "0@0,1@0,2@1", replaces both when more
    lcores than CPUs are wanted; its first lcore is the main one.
    """
    cpus = ["--lcores", lcores] if lcores else ["-l", "0-1", f"--main-lcore={main_lcore}"]
    memory = ["-m", "512"] if shared else ["--no-huge", "-m", "512", "--no-shconf"]
    args = cpus + ["--no-pci"] + memory + [f"--file-prefix={prefix}"]
    if pmd_dir is not None:
        args += ["-d", "librte_net_wcnic.so"]
    for vdev in vdevs:
        args += ["--vdev", vdev]
    return args


def run_env(pmd_dir):
    env = dict(os.environ)
    if pmd_dir is not None:
        env["LD_LIBRARY_PATH"] = pmd_dir + (":" + env["LD_LIBRARY_PATH"]
                                            if env.get("LD_LIBRARY_PATH") else "")
    return env


def unique_prefix():
    return f"wcnic{os.getpid()}_{time.monotonic_ns() % 10**9}"


def runtime_dir(prefix):
    """EAL's runtime folder for a file prefix (its telemetry socket is there)."""
    base = "/var/run/dpdk" if os.geteuid() == 0 else \
        os.path.join(os.environ.get("XDG_RUNTIME_DIR", "/tmp"), "dpdk")
    return os.path.join(base, prefix)


def hugetlbfs_mounts():
    with open("/proc/mounts", encoding="utf-8") as mounts:
        return [line.split()[1] for line in mounts if line.split()[2:3] == ["hugetlbfs"]]


def remove_runtime_dir(prefix):
    """EAL leaves its runtime folder behind even with --no-shconf, and with
    hugepages the files that back them (<prefix>map_N), which hold pages."""
    shutil.rmtree(runtime_dir(prefix), ignore_errors=True)
    for mount in hugetlbfs_mounts():
        for name in glob.glob(os.path.join(mount, f"{prefix}map_*")):
            os.unlink(name)


# Mbufs in the pool of every interactive session: enough for --no-huge -m 512.
MBUFS = 16384

class Testpmd:
    """One interactive testpmd process."""

    def __init__(self, pmd_dir, vdevs, app_args, start_timeout=60, main_lcore=0, lcores=None,
                 shared=False):
        """pmd_dir: folder of librte_net_wcnic.so, or None for Debian's drivers only."""
        self.workdir = tempfile.mkdtemp(prefix="wcnic-testpmd-")
        self.prefix = prefix = unique_prefix()
        # Line-buffered stdout: testpmd prints with stdio, which a pipe would
        # otherwise hold back until exit while the prompt (written directly)
        # already shows.
        cmd = ["stdbuf", "-oL"] + [testpmd_path()] + \
            eal_args(pmd_dir, vdevs, prefix, main_lcore, lcores, shared) + \
            ["--", "-i", f"--total-num-mbufs={MBUFS}"] + app_args
        self.cmdline = " ".join(cmd)
        self.output = ""
        self._lock = threading.Lock()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, cwd=self.workdir,
                                     env=run_env(pmd_dir))
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        try:
            self._wait_for(PROMPT, 0, start_timeout)
        except TestpmdError:
            self.close(timeout=5)
            raise

    def _read(self):
        while True:
            chunk = self.proc.stdout.read1(65536)
            if not chunk:
                return
            with self._lock:
                self.output += chunk.decode(errors="replace")

    def _wait_for(self, text, start, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                pos = self.output.find(text, start)
                if pos >= 0:
                    return pos
            if self.proc.poll() is not None and not self._reader.is_alive():
                raise TestpmdError(f"testpmd exited ({self.proc.returncode}) "
                                   f"before '{text.strip()}':\n{self.output[-4000:]}")
            time.sleep(0.05)
        raise TestpmdError(f"timed out waiting for '{text.strip()}':\n{self.output[-4000:]}")

    def send(self, line):
        """Send one command without waiting for its prompt: for commands
        after which forwarding threads print (verbose mode), whose lines can
        split the prompt."""
        self.proc.stdin.write((line + "\n").encode())
        self.proc.stdin.flush()

    def cmd(self, line, until=None, timeout=30):
        """Send one command; return its output up to the prompt that follows it.

        testpmd may print a prompt before a command's output is complete
        (the echo of piped input, asynchronous events), so a command whose
        output ends with a known line passes it as `until`.
        """
        with self._lock:
            start = len(self.output)
        self.proc.stdin.write((line + "\n").encode())
        self.proc.stdin.flush()
        search_from = start
        if until is not None:
            search_from = self._wait_for(until, start, timeout) + len(until)
        end = self._wait_for(PROMPT, search_from, timeout)
        with self._lock:
            return self.output[start:end]

    def wait_output(self, text, timeout):
        """Wait until testpmd has printed text (an event line, a log line)."""
        self._wait_for(text, 0, timeout)

    def close(self, timeout=30):
        try:
            if self.proc.poll() is None:
                self.proc.stdin.write(b"quit\n")
                self.proc.stdin.flush()
                self.proc.wait(timeout=timeout)
        except (BrokenPipeError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        self._reader.join(timeout=5)
        shutil.rmtree(self.workdir, ignore_errors=True)
        remove_runtime_dir(self.prefix)
        return self.proc.returncode


def run_to_exit(pmd_dir, vdevs, app_args, timeout=60):
    """Run testpmd non-interactively; return (exit code, output)."""
    workdir = tempfile.mkdtemp(prefix="wcnic-testpmd-")
    prefix = unique_prefix()
    cmd = [testpmd_path()] + eal_args(pmd_dir, vdevs, prefix) + ["--"] + app_args
    try:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, cwd=workdir, env=run_env(pmd_dir),
                              timeout=timeout)
        return proc.returncode, proc.stdout.decode(errors="replace")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        remove_runtime_dir(prefix)


def forward_stats(stop_output, port=0):
    """Per-port totals from the output of 'stop'."""
    block = re.search(r"Forward statistics for port %d\s*-+\s*(.*?)-{10,}" % port,
                      stop_output, re.S)
    if block is None:
        raise TestpmdError(f"no forward statistics for port {port} in:\n{stop_output}")
    stats = {}
    for key, value in re.findall(r"([A-Z][A-Za-z0-9-]+): +(\d+)", block.group(1)):
        stats[key] = int(value)
    return stats


def xstats(output):
    """name -> value from 'show port xstats N'."""
    return {name: int(value) for name, value in re.findall(r"^(\w+): (\d+)$", output, re.M)}


def settled_xstats(pmd, port=0, timeout=2.0):
    """xstats once the device's counters stop moving.

    The device works asynchronously (the in-process model is a thread that
    may share a CPU with testpmd's main thread): right after 'stop' it can
    still be draining the last ring. Read until two reads agree.
    """
    cmd = f"show port xstats {port}"
    until = "NIC extended statistics"
    previous = xstats(pmd.cmd(cmd, until=until))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(0.05)
        current = xstats(pmd.cmd(cmd, until=until))
        if all(current.get(k) == previous.get(k) for k in current if k.startswith("dev_")):
            return current
        previous = current
    return previous


def run_forwarding(pmd, seconds, start_cmd="start", port=0):
    """Forward for `seconds`; return (forward stats, xstats, elapsed seconds)."""
    pmd.cmd(start_cmd)
    begin = time.monotonic()
    time.sleep(seconds)
    fwd = forward_stats(pmd.cmd("stop", until="Accumulated forward statistics"), port)
    elapsed = time.monotonic() - begin
    return fwd, settled_xstats(pmd, port), elapsed


def mbufs_in_use(pmd):
    """mbufs taken from testpmd's pools and not given back, summed over every
    pool: each pool's size less what its common pool and lcore caches hold
    ('dump_mempool')."""
    in_use = 0
    out = pmd.cmd("dump_mempool")
    for block in re.split(r"^mempool <", out, flags=re.M)[1:]:
        fields = dict(re.findall(r"^\s*(size|common_pool_count|total_cache_count)=(\d+)$",
                                 block, re.M))
        if len(fields) != 3:
            raise TestpmdError(f"unexpected dump_mempool output:\n{block}")
        in_use += int(fields["size"]) - int(fields["common_pool_count"]) - \
            int(fields["total_cache_count"])
    return in_use


def close_ports(pmd):
    """Stop and close every port: the driver gives back every mbuf it held."""
    pmd.cmd("port stop all", until="Done")
    pmd.cmd("port close all", until="Done")


def port_summary(output):
    """The driver's probe line: memory type, how it was established, TX mode."""
    match = re.search(r"BAR memory type ([\w-]+) \((.*)\), TX mode (\w+)", output)
    return match.groups() if match else (None, None, None)


def wait_link_up(pmd, port=0, timeout=10.0):
    """Wait until the port reports its link up (a memif peer has connected)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if re.search(r"Link status: up", pmd.cmd(f"show port info {port}",
                                                  until="Link status")):
            return
        time.sleep(0.1)
    raise TestpmdError(f"port {port} link still down after {timeout:.0f} s")


def worker_cpu_seconds(pid):
    """CPU seconds used so far by each EAL worker (forwarding) thread of pid."""
    ticks = os.sysconf("SC_CLK_TCK")
    seconds = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat", encoding="ascii") as stat:
                line = stat.read()
        except OSError:
            continue  # the thread has just exited
        name = line[line.index("(") + 1:line.rindex(")")]
        fields = line[line.rindex(")") + 2:].split()
        # 22.11 names them rte-worker-N; 23.11 renamed them dpdk-workerN.
        if re.fullmatch(r"(rte|lcore)-worker-\d+|dpdk-worker\d+", name):
            seconds[tid] = (int(fields[11]) + int(fields[12])) / ticks  # utime + stime
    return seconds

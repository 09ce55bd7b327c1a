# SPDX-License-Identifier: BSD-3-Clause
"""What ./wcnic bench measures: the workloads, the set-ups, and where each thread runs.

A workload is a testpmd forwarding mode, a frame size and a queue count.
A set-up is what testpmd forwards through (and with which features):

  net_null        Debian's driver that drops what it is given and makes up
                  what is asked for: the ceiling for the forwarding cores.
  net_wcnic push  this driver, entries pushed into the BAR of the
                  in-process device model (sink back end for txonly,
                  loopback back end for io).
  net_wcnic dma   the same with host-memory descriptors.
  net_wcnic push rss
                  push with RSS on (UDP flows hashed, many flows): what the
                  hash costs where the device computes it and the driver
                  hands it over in every mbuf.
  net_memif pair  a second testpmd process over shared memory: a real
                  software data path, the peer playing the device.

io forwarding goes round a loop: testpmd receives on a queue and sends
what it received back out of the same queue. net_wcnic's loopback back end
returns every frame a queue sends to the same queue (RSS off, rss_args();
with RSS on, to the queue the frame's hash names); the memif peer runs io
forwarding too, so each frame crosses to the peer and comes back; net_null
makes up frames on receive and drops them on send. The loop starts with
IO_BURSTS_IN_FLIGHT bursts per queue (testpmd "start tx_first N"); Mpps
counts frames received.

Thread placement (Placement): testpmd's main lcore (idle at its prompt)
on the first CPU, one forwarding lcore per queue on the next CPUs, and the
device side on the CPUs no lcore uses: the net_wcnic model thread (an EAL
control thread, which EAL puts there) or the memif peer, whose single
forwarding lcore serves every queue. With no CPU left over, the device
side shares the main lcore's CPU: on a 2-CPU machine and 2 queues, with
forwarding lcore 2 as well, and the time-slicing between them decides
much of the result.
"""
import os
import shutil
import tempfile
from dataclasses import dataclass

import testpmd_session as tp

IO_BURSTS_IN_FLIGHT = 8
BURST = 32


@dataclass(frozen=True)
class Setup:
    name: str             # as printed
    driver: str           # null, wcnic or memif
    tx_mode: str = ""     # net_wcnic: push or dma
    pmd_dir: str = ""     # net_wcnic: folder of librte_net_wcnic.so
    rss: bool = False     # net_wcnic: RSS on, frames spread over many UDP flows


def setups(pmd_dir, baseline_dir=None):
    """The set-ups; with baseline_dir, also net_wcnic from that build."""
    chosen = [Setup("net_null", "null"),
              Setup("net_wcnic push", "wcnic", "push", pmd_dir),
              Setup("net_wcnic dma", "wcnic", "dma", pmd_dir),
              Setup("net_wcnic push rss", "wcnic", "push", pmd_dir, rss=True)]
    if baseline_dir:
        chosen += [Setup("baseline push", "wcnic", "push", baseline_dir),
                   Setup("baseline dma", "wcnic", "dma", baseline_dir)]
    return chosen + [Setup("net_memif pair", "memif")]


@dataclass(frozen=True)
class Workload:
    mode: str        # testpmd forwarding mode: txonly or io
    frame_len: int   # bytes per frame (without CRC)
    queues: int

    @property
    def name(self):
        """Short name for the command line and the CSV: txonly-64-1q, io-64-2q."""
        return f"{self.mode}-{self.frame_len}-{self.queues}q"

    @property
    def label(self):
        what = "io loopback" if self.mode == "io" else "txonly"
        return f"{what} {self.frame_len} B, {self.queues}q"


WORKLOADS = (
    Workload("txonly", 64, 1),
    Workload("txonly", 1518, 1),
    Workload("io", 64, 1),
    Workload("txonly", 64, 2),
    Workload("txonly", 1518, 2),
    Workload("io", 64, 2),
)


class Placement:
    """Which CPU each thread of a set-up gets, for a given queue count."""

    def __init__(self, queues, cpus=None):
        cpus = sorted(cpus if cpus is not None else os.sched_getaffinity(0))
        self.main = cpus[0]
        self.forwarding = [cpus[(1 + q) % len(cpus)] for q in range(queues)]
        free = [c for c in cpus if c != self.main and c not in self.forwarding]
        # EAL puts control threads (the device model) on the CPUs no lcore
        # uses, or on the main lcore's CPU when every CPU has an lcore; the
        # memif peer goes to the first of them.
        self.control = free or [self.main]
        self.device = self.control[0]

    def lcores(self):
        """EAL --lcores map of the process under test: main, then forwarding."""
        cpus = [self.main] + self.forwarding
        return ",".join(f"{lcore}@{cpu}" for lcore, cpu in enumerate(cpus))

    def peer_lcores(self):
        """The memif peer: main and its one forwarding lcore on the device CPU."""
        return f"0@{self.device},1@{self.device}"

    def describe(self):
        fwd = ", ".join(f"lcore {q + 1} on CPU {cpu}" for q, cpu in enumerate(self.forwarding))
        control = ",".join(str(cpu) for cpu in self.control)
        return (f"main lcore CPU {self.main}; forwarding {fwd}; net_wcnic model thread "
                f"CPU {control}; memif peer CPU {self.device}")


@dataclass
class Sample:
    mpps: float
    fwd_cpu: float   # share of a CPU the forwarding lcores got, averaged per lcore


def testpmd_args(workload, forward_mode=None, cores=None):
    mode = forward_mode or workload.mode
    q = workload.queues
    return [f"--forward-mode={mode}", f"--burst={BURST}", f"--txpkts={workload.frame_len}",
            f"--rxq={q}", f"--txq={q}", f"--nb-cores={cores or q}"]


def start_cmd(workload):
    return f"start tx_first {IO_BURSTS_IN_FLIGHT}" if workload.mode == "io" else "start"


def forward(pmd, workload, seconds):
    """Forward for `seconds`; return (Sample, xstats, elapsed seconds)."""
    pid = pmd.proc.pid
    before = tp.worker_cpu_seconds(pid)
    fwd, xstats, elapsed = tp.run_forwarding(pmd, seconds, start_cmd(workload))
    after = tp.worker_cpu_seconds(pid)
    used = sum(after[t] - before.get(t, 0.0) for t in after)
    count = fwd["RX-packets"] if workload.mode == "io" else fwd["TX-packets"]
    return Sample(count / elapsed / 1e6, used / elapsed / workload.queues), xstats, elapsed


def wcnic_vdev(setup, workload):
    backend = "loopback" if workload.mode == "io" else "sink"
    return f"net_wcnic0,tx_mode={setup.tx_mode},backend={backend},queues={workload.queues}"


def rss_args(setup):
    """testpmd turns RSS on by itself when a port has more than one RX
    queue, and its txonly frames (which start io forwarding too) are all
    one flow: the device would steer every frame looped back to a single
    queue. RSS stays off but in the set-up that measures it, where the
    frames spread over many UDP flows."""
    return ["--rss-udp", "--txonly-multi-flow"] if setup.rss else ["--disable-rss"]


def measure_single(setup, workload, seconds, placement):
    """net_null or net_wcnic in one testpmd process."""
    if setup.driver == "null":
        pmd = tp.Testpmd(None, ["net_null0"], testpmd_args(workload),
                         lcores=placement.lcores())
    else:
        pmd = tp.Testpmd(setup.pmd_dir, [wcnic_vdev(setup, workload)],
                         testpmd_args(workload) + rss_args(setup),
                         lcores=placement.lcores())
    try:
        sample, xstats, _ = forward(pmd, workload, seconds)
    finally:
        pmd.close()
    if xstats.get("dev_errors", 0) != 0:
        raise tp.TestpmdError(f"{setup.name}, {workload.name}: {xstats['dev_errors']} device "
                              f"errors (see the driver log)")
    return sample


def measure_memif_pair(workload, seconds, placement):
    """The process under test is the memif client; the peer, the server,
    receives (txonly) or forwards back (io) on one lcore for all queues."""
    sockdir = tempfile.mkdtemp(prefix="wcnic-memif-")
    sock = os.path.join(sockdir, "memif.sock")
    peer_mode = "io" if workload.mode == "io" else "rxonly"
    peer = sut = None
    try:
        peer = tp.Testpmd(None, [f"net_memif0,role=server,socket={sock}"],
                          testpmd_args(workload, peer_mode, cores=1),
                          lcores=placement.peer_lcores())
        sut = tp.Testpmd(None, [f"net_memif0,role=client,socket={sock}"],
                         testpmd_args(workload), lcores=placement.lcores())
        tp.wait_link_up(sut)
        peer.cmd("start")
        sample, _, elapsed = forward(sut, workload, seconds)
        if workload.mode == "txonly":
            # Count what the peer took, not what the client queued.
            received = tp.forward_stats(peer.cmd("stop", until="Accumulated forward statistics"))
            sample.mpps = min(sample.mpps, received["RX-packets"] / elapsed / 1e6)
        return sample
    finally:
        # 22.11's memif can crash the survivor when its peer leaves: the
        # figures are taken already, so close both and ignore how they exit.
        for proc in (sut, peer):
            if proc is not None:
                proc.close(timeout=10)
        shutil.rmtree(sockdir, ignore_errors=True)


def measure(setup, workload, seconds):
    placement = Placement(workload.queues)
    if setup.driver == "memif":
        return measure_memif_pair(workload, seconds, placement)
    return measure_single(setup, workload, seconds, placement)

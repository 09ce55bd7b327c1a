#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""End-to-end tests of net_wcnic in Debian's dpdk-testpmd.

usage: test_testpmd.py PMD_DIR CASE

Each case starts testpmd on a net_wcnic vdev (the in-process device model),
forwards for a short while, and checks testpmd's counters against the
driver's and the device's own (xstats). Exit 0 pass, 1 fail, 77 skip.
"""
import sys

import testpmd_session as tp
from check import Check

RUN_SECONDS = 2.0
BURST = 32



def forward_and_stop(pmd, start_cmd="start"):
    fwd, xs, _ = tp.run_forwarding(pmd, RUN_SECONDS, start_cmd)
    print(f"forward stats: {fwd}")
    print("xstats: " + ", ".join(f"{k}={v}" for k, v in xs.items() if v))
    return fwd, xs


def txonly(pmd_dir, check, devargs, extra_args=(), setup_cmds=()):
    pmd = tp.Testpmd(pmd_dir, [f"net_wcnic0,{devargs}"],
                     ["--forward-mode=txonly", f"--burst={BURST}"] + list(extra_args))
    try:
        for line in setup_cmds:
            pmd.cmd(line)
        fwd, xs = forward_and_stop(pmd)
        tp.close_ports(pmd)
        in_use = tp.mbufs_in_use(pmd)
    finally:
        pmd.close()
    check.that(in_use == 0, f"every mbuf back in its pool after port close ({in_use} in use)")
    tx = fwd["TX-packets"]
    check.that(tx > 0, f"testpmd sent packets ({tx})")
    check.that(xs.get("dev_tx_packets") == tx,
               f"device consumed every packet testpmd sent ({xs.get('dev_tx_packets')} == {tx})")
    check.that(xs.get("dev_errors") == 0, "no device error")
    check.that(xs.get("dev_tx_hdr_bad") == 0, "device found every frame sane IPv4/UDP")
    return tx, xs


def case_txonly_push(pmd_dir, check):
    tx, xs = txonly(pmd_dir, check, "tx_mode=push,backend=sink")
    check.that(xs["tx_push_entries"] == tx, "one push entry per packet")
    check.that(xs["tx_dma_descs"] == 0, "no DMA descriptors in push mode")
    # One doorbell per burst: bursts are 32, so at most tx/32 plus the
    # partial bursts when the ring was momentarily full.
    check.that(0 < xs["tx_doorbells"] <= tx / 8,
               f"at most one doorbell per burst ({xs['tx_doorbells']} for {tx} packets)")


def case_txonly_push_256(pmd_dir, check):
    tx, xs = txonly(pmd_dir, check, "tx_mode=push,entry_size=256,backend=sink")
    check.that(xs["tx_push_entries"] == tx, "one push entry per packet")


def case_txonly_dma(pmd_dir, check):
    tx, xs = txonly(pmd_dir, check, "tx_mode=dma,backend=sink")
    check.that(xs["tx_dma_descs"] == tx, "one descriptor per single-segment packet")
    check.that(xs["tx_push_entries"] == 0, "no push entries in DMA mode")
    check.that(0 < xs["tx_doorbells"] <= tx / 8,
               f"at most one doorbell per burst ({xs['tx_doorbells']} for {tx} packets)")


def case_rxonly_gen(pmd_dir, check):
    pmd = tp.Testpmd(pmd_dir, ["net_wcnic0,backend=gen"], ["--forward-mode=rxonly"])
    try:
        fwd, xs = forward_and_stop(pmd)
    finally:
        pmd.close()
    rx = fwd["RX-packets"]
    check.that(rx > 0, f"testpmd received packets ({rx})")
    # The device may have completed a ring's worth testpmd had not yet polled.
    check.that(rx <= xs["dev_rx_packets"] <= rx + 4096,
               f"device delivered what testpmd received ({xs['dev_rx_packets']} vs {rx})")
    check.that(xs["dev_errors"] == 0, "no device error")
    check.that(xs["rx_alloc_failures"] == 0, "no mbuf allocation failure")


def case_io_loopback(pmd_dir, check):
    pmd = tp.Testpmd(pmd_dir, ["net_wcnic0,backend=loopback"],
                     ["--forward-mode=io", f"--burst={BURST}"])
    try:
        fwd, xs = forward_and_stop(pmd, "start tx_first")
    finally:
        pmd.close()
    rx, tx = fwd["RX-packets"], fwd["TX-packets"]
    check.that(rx > BURST * 10, f"the first burst went round many times ({rx} received)")
    check.that(xs["dev_tx_packets"] == tx, f"device consumed every sent packet ({tx})")
    check.that(xs["dev_errors"] == 0, "no device error")
    check.that(xs["dev_tx_hdr_bad"] == 0, "every looped frame still sane IPv4/UDP")


def case_two_queues(pmd_dir, check):
    tx, xs = txonly(pmd_dir, check, "queues=2,backend=sink", ["--rxq=2", "--txq=2"])
    check.that(xs["tx_q0_push_entries"] > 0 and xs["tx_q1_push_entries"] > 0,
               f"both queues carried traffic ({xs['tx_q0_push_entries']}, "
               f"{xs['tx_q1_push_entries']})")
    check.that(xs["tx_q0_push_entries"] + xs["tx_q1_push_entries"] == tx,
               "per-queue entries add up to the total")
    # ethdev's per-queue counters, filled from the driver's stats_get (25.11
    # passes them in their own struct, before they are part of the stats).
    check.that(xs["tx_q0_packets"] + xs["tx_q1_packets"] == tx,
               f"ethdev's per-queue packet counters add up to the total "
               f"({xs['tx_q0_packets']} + {xs['tx_q1_packets']})")


MULTI_SEG = ["--tx-offloads=0x8000", "--txpkts=60,200,700"]


def case_multiseg_push(pmd_dir, check):
    tx, xs = txonly(pmd_dir, check, "tx_mode=push,backend=sink", MULTI_SEG,
                    ["set txsplit rand"])
    check.that(xs["tx_seg_drops"] == 0, "no packet dropped for its segments")


def case_multiseg_dma(pmd_dir, check):
    tx, xs = txonly(pmd_dir, check, "tx_mode=dma,backend=sink", MULTI_SEG,
                    ["set txsplit rand"])
    check.that(xs["tx_dma_descs"] >= tx, f"descriptors >= packets ({xs['tx_dma_descs']})")


def case_queues_from_device(pmd_dir, check):
    # No queues= devarg: the port offers every queue pair the device has.
    tx, xs = txonly(pmd_dir, check, "backend=sink", ["--rxq=4", "--txq=4"])
    sent = [xs.get(f"tx_q{q}_packets", 0) for q in range(4)]
    check.that(all(n > 0 for n in sent), f"all four TX queues sent ({sent})")


# testpmd's default: MBUF_FAST_FREE on wherever the driver offers it.
MULTI_SEG_FAST_FREE = ["--tx-offloads=0x18000", "--txpkts=64,64,400"]


def sent_past_the_pool(check, tx):
    # A leak of every chain's tail segments emptied the pool after about
    # 7,600 three-segment packets: sending more packets than the pool has
    # mbufs means they cycled (a count, not a rate).
    check.that(tx > tp.MBUFS, f"sending went on past the pool's {tp.MBUFS} mbufs ({tx} packets)")


def case_multiseg_fast_free_push(pmd_dir, check):
    tx, _ = txonly(pmd_dir, check, "tx_mode=push,backend=sink", MULTI_SEG_FAST_FREE)
    sent_past_the_pool(check, tx)


def case_multiseg_fast_free_dma(pmd_dir, check):
    tx, _ = txonly(pmd_dir, check, "tx_mode=dma,backend=sink", MULTI_SEG_FAST_FREE)
    sent_past_the_pool(check, tx)


def fault_session(pmd_dir, fault):
    """txonly on a device that plays fault (KIND:PACKETS), forwarding started."""
    pmd = tp.Testpmd(pmd_dir, [f"net_wcnic0,backend=sink,fault={fault}"],
                     ["--forward-mode=txonly", f"--burst={BURST}"])
    pmd.cmd("start")
    return pmd


def reset_event_seen(pmd, check):
    """Whether testpmd reports the port's reset event (the watchdog's) in time."""
    try:
        pmd.wait_output("Port 0: reset event", timeout=20)
        seen = True
    except tp.TestpmdError:
        seen = False
    return check.that(seen, "reset event seen by testpmd")


def case_fault_reset(pmd_dir, check):
    # The device stops TX ring 0 with an error after 200,000 packets: the
    # watchdog takes the link down and raises the reset event; testpmd's
    # reset flow brings traffic back.
    pmd = fault_session(pmd_dir, "error:200000")
    try:
        if not reset_event_seen(pmd, check):
            return
        check.that("Link status: down" in pmd.cmd("show port info 0", until="Link status"),
                   "link down after the device error")
        pmd.cmd("stop", until="Accumulated forward statistics")
        pmd.cmd("port stop 0", until="Done")
        pmd.cmd("port reset 0", until="Done")
        pmd.cmd("port start 0", until="Done")
        tp.wait_link_up(pmd)
        fwd, xs = forward_and_stop(pmd)
        check.that(fwd["TX-packets"] > 0, f"traffic flows again after the reset "
                                          f"({fwd['TX-packets']} packets)")
        check.that(xs.get("dev_errors") == 1,
                   f"no device error after the reset (the injected one: {xs.get('dev_errors')})")
        tp.close_ports(pmd)
        in_use = tp.mbufs_in_use(pmd)
    finally:
        code = pmd.close()
    check.that(in_use == 0, f"every mbuf back in its pool after port close ({in_use} in use)")
    check.that(code == 0, f"testpmd exits 0 ({code})")


def case_fault_wedge(pmd_dir, check):
    # The device stops answering after 100,000 packets: the watchdog sees
    # HEARTBEAT stop; stop and close still succeed, and so does EAL clean-up.
    pmd = fault_session(pmd_dir, "wedge:100000")
    try:
        if not reset_event_seen(pmd, check):
            return
        pmd.cmd("stop", until="Accumulated forward statistics")
        out = pmd.cmd("port stop 0", until="Done", timeout=60)
        check.that("device wedged" in out, "port stop logs the wedged device")
        out = pmd.cmd("port close 0", until="Done", timeout=60)
        check.that("Cannot close" not in out and "failed" not in out.lower(),
                   f"port close succeeds: {out.strip()[-200:]}")
    finally:
        code = pmd.close()
    check.that(code == 0, f"testpmd exits 0 after EAL clean-up ({code})")


def case_oversize(pmd_dir, check):
    # 2000-byte frames on a 1500-byte MTU port: rejected by the driver,
    # counted, and never handed to the device.
    pmd = tp.Testpmd(pmd_dir, ["net_wcnic0,backend=sink"],
                     ["--forward-mode=txonly", "--tx-offloads=0x8000", "--txpkts=1000,1000"])
    try:
        fwd, xs = forward_and_stop(pmd)
    finally:
        pmd.close()
    check.that(xs["tx_oversize_drops"] > 0, f"oversize frames counted ({xs['tx_oversize_drops']})")
    check.that(xs["dev_tx_packets"] == 0, "none reached the device")
    check.that(xs["dev_errors"] == 0, "no device error")


def case_bad_devargs(pmd_dir, check):
    for devargs, word in [("tx_mode=fast", "tx_mode"), ("queues=99", "queues"),
                          ("entry_size=100", "entry_size"), ("backend=nowhere", "backend"),
                          ("mac=01:00:00:00:00:01", "mac"), ("colour=blue", "accepted"),
                          ("wc_store=mmx", "wc_store"), ("fault=boom:5", "fault"),
                          ("fault=error", "fault"),
                          ("queues", "a value is required")]:
        code, out = tp.run_to_exit(pmd_dir, [f"net_wcnic0,{devargs}"], ["--forward-mode=txonly"])
        errors = [line for line in out.splitlines() if "net_wcnic" in line and word in line]
        check.that(code != 0, f"{devargs}: testpmd exits non-zero ({code})")
        check.that(bool(errors), f"{devargs}: the log names the problem: "
                   f"{errors[0].strip() if errors else out[-500:]}")


CASES = {name[len("case_"):].replace("_", "-"): fn
         for name, fn in globals().items() if name.startswith("case_")}


def main(argv):
    if len(argv) != 3 or argv[2] not in CASES:
        print(f"usage: {argv[0]} PMD_DIR {{{'|'.join(CASES)}}}")
        return 2
    if tp.testpmd_path() is None:
        print("SKIP: dpdk-testpmd not installed (Debian package dpdk-dev; ./wcnic setup)")
        return tp.SKIP
    check = Check()
    try:
        CASES[argv[2]](argv[1], check)
    except tp.TestpmdError as err:
        print(f"FAIL testpmd: {err}")
        return 1
    return 1 if check.failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

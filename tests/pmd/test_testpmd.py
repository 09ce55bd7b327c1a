#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""End-to-end tests of net_wcnic in Debian's dpdk-testpmd.

usage: test_testpmd.py PMD_DIR CASE

Each case starts testpmd on a net_wcnic vdev (the in-process device model),
forwards for a short while, and checks testpmd's counters against the
driver's and the device's own (xstats). Exit 0 pass, 1 fail, 77 skip.
"""
import os
import re
import sys
import time

import dpdk_telemetry
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


def simulated_wc_whole(check, xs, push):
    """On the write-combining simulator (wc_sim=): push entries arrived as
    whole lines, and the BAR stores did go through it."""
    check.that(xs.get("wc_sim_torn_lines") == 0,
               f"no push-ring line left the WC buffers in pieces ({xs.get('wc_sim_torn_lines')})")
    check.that(xs.get("wc_sim_pieces", 0) > 0, "doorbells went through the simulator")
    if push:
        check.that(xs.get("wc_sim_whole_lines", 0) >= xs["tx_push_entries"],
                   f"entries went through the simulator ({xs.get('wc_sim_whole_lines')} lines "
                   f"for {xs['tx_push_entries']} entries)")


def case_txonly_push_wcsim(pmd_dir, check):
    tx, xs = txonly(pmd_dir, check, "tx_mode=push,backend=sink,wc_sim=11")
    check.that(xs["tx_push_entries"] == tx, "one push entry per packet")
    simulated_wc_whole(check, xs, push=True)


def case_txonly_dma_wcsim(pmd_dir, check):
    tx, xs = txonly(pmd_dir, check, "tx_mode=dma,backend=sink,wc_sim=12")
    check.that(xs["tx_dma_descs"] == tx, "one descriptor per single-segment packet")
    simulated_wc_whole(check, xs, push=False)


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


def restart_cycles(pmd_dir, check, mode):
    """Loopback traffic circulating (RX buffers posted, TX entries in
    flight), then stopped and the port restarted, or reset and restarted,
    cycle after cycle: traffic comes back each time, no device error, and
    every mbuf is back in its pool after close."""
    pmd = tp.Testpmd(pmd_dir, [f"net_wcnic0,backend=loopback,tx_mode={mode}"],
                     ["--forward-mode=io", f"--burst={BURST}"])
    try:
        for cycle in range(4):
            fwd, xs, _ = tp.run_forwarding(pmd, 0.5, "start tx_first")
            check.that(fwd["RX-packets"] > BURST,
                       f"cycle {cycle}: traffic circulates ({fwd['RX-packets']} received)")
            pmd.cmd("port stop 0", until="Done")
            if cycle % 2:
                pmd.cmd("port reset 0", until="Done")
            pmd.cmd("port start 0", until="Done")
            tp.wait_link_up(pmd)
        check.that(xs.get("dev_errors") == 0, f"no device error ({xs.get('dev_errors')})")
        tp.close_ports(pmd)
        in_use = tp.mbufs_in_use(pmd)
    finally:
        code = pmd.close()
    check.that(in_use == 0, f"every mbuf back in its pool after 4 restarts ({in_use} in use)")
    check.that(code == 0, f"testpmd exits 0 ({code})")


def case_restart_cycles_push(pmd_dir, check):
    restart_cycles(pmd_dir, check, "push")


def case_restart_cycles_dma(pmd_dir, check):
    restart_cycles(pmd_dir, check, "dma")


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


JUMBO_FRAME = 9018  # MTU 9000 + Ethernet header + 802.1Q tag


def case_jumbo_loopback(pmd_dir, check):
    """9018-byte frames, MTU 9000, testpmd's default 2 KB mbufs: the port
    scatters every frame over five buffers and forwards the chains."""
    pmd = tp.Testpmd(pmd_dir, ["net_wcnic0,backend=loopback"],
                     ["--forward-mode=io", f"--burst={BURST}", f"--max-pkt-len={JUMBO_FRAME}",
                      "--tx-offloads=0x8000", "--txpkts=2048,2048,2048,2048,826"])
    try:
        rxq = pmd.cmd("show rxq info 0 0")
        port = pmd.cmd("show port info 0")
        fwd, xs = forward_and_stop(pmd, "start tx_first")
        tp.close_ports(pmd)
        in_use = tp.mbufs_in_use(pmd)
    finally:
        pmd.close()
    check.that("RX scattered packets: on" in rxq, "testpmd reports RX queue 0 scattering")
    check.that("MTU: 9000" in port, "port MTU 9000")
    rx = fwd["RX-packets"]
    check.that(rx > BURST * 10, f"the first burst went round many times ({rx} received)")
    check.that(xs["dev_rx_packets"] >= rx and
               xs["dev_rx_bytes"] == xs["dev_rx_packets"] * JUMBO_FRAME,
               f"every frame the device delivered was {JUMBO_FRAME} bytes "
               f"({xs['dev_rx_bytes']} bytes in {xs['dev_rx_packets']} frames)")
    check.that(xs["dev_rx_oversize"] == 0 and xs["dev_errors"] == 0,
               "no oversize drop, no device error")
    check.that(xs["dev_tx_hdr_bad"] == 0, "every looped frame still sane IPv4/UDP")
    check.that(in_use == 0, f"every mbuf back in its pool after port close ({in_use} in use)")


def case_jumbo_interface_1_0(pmd_dir, check):
    """A device of interface 1.0 cannot scatter: with 2 KB mbufs an MTU of
    9000 is refused with the reason; back at MTU 1500 the port runs."""
    pmd = tp.Testpmd(pmd_dir, ["net_wcnic0,backend=loopback,interface=1.0"],
                     ["--forward-mode=io", f"--burst={BURST}", f"--max-pkt-len={JUMBO_FRAME}"])
    try:
        reason = [line for line in pmd.output.splitlines() if "does not offer RX scatter" in line]
        pmd.cmd("port stop 0")
        pmd.cmd("port config mtu 0 1500")
        pmd.cmd("port start 0")
        fwd, xs = forward_and_stop(pmd, "start tx_first")
    finally:
        pmd.close()
    check.that(bool(reason), "the log says why the port cannot start at MTU 9000: " +
               (reason[0].strip() if reason else pmd.output[-800:]))
    check.that(fwd["RX-packets"] > BURST * 10,
               f"at MTU 1500 loopback runs ({fwd['RX-packets']} received)")
    check.that(xs["dev_errors"] == 0, "no device error")


RSS_LINE = re.compile(r"RSS hash=0x([0-9a-f]+) - RSS queue=0x([0-9a-f]+)")


def rss_received(pmd):
    """One burst per queue sent (tx_first, many flows), received in rxonly
    with verbose on: the (hash, queue) of every frame testpmd printed.
    Frames still in the RX rings from before are received quietly first."""
    pmd.cmd("set fwd rxonly")
    pmd.cmd("start")
    time.sleep(0.5)
    pmd.cmd("stop", until="Done.")
    pmd.cmd("set verbose 1")
    start = len(pmd.output)
    pmd.send("start tx_first")
    time.sleep(1.0)
    pmd.cmd("stop", until="Done.")
    end = len(pmd.output)
    pmd.cmd("set verbose 0")
    return [(int(h, 16), int(q, 16)) for h, q in RSS_LINE.findall(pmd.output[start:end])]


def case_rss_spread(pmd_dir, check):
    """Traffic sent on every TX queue with many flows, looped back by a
    device hashing UDP flows: it spreads over the 4 RX queues, each frame on
    the queue the redirection table gives for its hash (round robin by
    default: hash % 4), and after a RETA update while running, all on
    queue 3."""
    pmd = tp.Testpmd(pmd_dir, ["net_wcnic0,backend=loopback"],
                     ["--forward-mode=io", f"--burst={BURST}", "--rxq=4", "--txq=4",
                      "--nb-cores=1", "--rss-udp", "--txonly-multi-flow"])
    try:
        info = pmd.cmd("show port info 0")
        fwd, xs = forward_and_stop(pmd, "start tx_first")
        seen = rss_received(pmd)
        # 8 entries per command: testpmd takes a list of fewer than 128 characters.
        for first in range(0, 128, 8):
            reta = ",".join(f"({i},3)" for i in range(first, first + 8))
            out = pmd.cmd(f"port config 0 rss reta {reta}")
            check.that("Bad arguments" not in out and "Failed" not in out,
                       f"RETA update of entries {first}..{first + 7}: {out.strip()[-200:]}")
        after = rss_received(pmd)
        tp.close_ports(pmd)
        in_use = tp.mbufs_in_use(pmd)
    finally:
        pmd.close()
    check.that("Redirection table size: 128" in info and "Hash key size in bytes: 40" in info,
               "testpmd shows the RSS table and key sizes")
    per_queue = [xs.get(f"rx_q{q}_packets", 0) for q in range(4)]
    check.that(all(n > 0 for n in per_queue), f"looped traffic on all 4 RX queues {per_queue}")
    check.that(xs["dev_errors"] == 0 and xs["dev_rx_no_buf"] == 0, "no device error, no drop")
    check.that(len(seen) == 4 * BURST and len(after) == 4 * BURST,
               f"one burst per queue received ({len(seen)} frames, {len(after)} after)")
    check.that({q for _, q in seen} == {0, 1, 2, 3}, f"received on queues {sorted({q for _, q in seen})}")
    wrong = [(h, q) for h, q in seen if q != (h % 128) % 4]
    check.that(not wrong and len({h for h, _ in seen}) > 8,
               f"every frame on the queue its hash names, hashes differ ({wrong[:3]})")
    check.that(after and all(q == 3 for _, q in after),
               f"after the RETA update every frame on queue 3 ({sorted({q for _, q in after})})")
    check.that(in_use == 0, f"every mbuf back in its pool after port close ({in_use} in use)")


CSUM_PROTOS = ("ip", "udp", "tcp")


def csum_offloads_on(pmd, check):
    """testpmd's csum engine with IPv4, UDP and TCP checksums in hardware:
    offloads change only on a stopped port, and apply when it starts."""
    pmd.cmd("port stop 0", until="Done")
    for proto in CSUM_PROTOS:
        out = pmd.cmd(f"csum set {proto} hw 0", until="Outer-Udp checksum offload")
        check.that("not supported" not in out, f"csum set {proto} hw: {out.strip()[-300:]}")
    show = pmd.cmd("csum show 0", until="Outer-Udp checksum offload")
    for name in ("IP", "UDP", "TCP"):
        check.that(f"{name} checksum offload is hw" in show, f"csum show: {name} in hardware")
    check.that("Warning" not in show, f"csum show: no warning: {show.strip()[-300:]}")
    pmd.cmd("port start 0", until="Done")
    tp.wait_link_up(pmd)


def csum_forwarded(check, pmd, fwd, xs):
    """What every csum case checks: testpmd's tx_prepare went through, the
    driver dropped nothing, the device stopped nothing."""
    check.that("Preparing packet burst to transmit failed" not in pmd.output,
               "tx_prepare accepted every packet")
    check.that(fwd.get("TX-packets", 0) > 0, f"packets forwarded ({fwd.get('TX-packets')})")
    check.that(xs.get("tx_csum_drops") == 0, f"no checksum request dropped "
               f"({xs.get('tx_csum_drops')})")
    check.that(xs.get("dev_errors") == 0, f"no device error ({xs.get('dev_errors')})")


def rx_dump(pmd):
    """testpmd's dump of one burst of its own frames looped back (rxonly,
    verbose): what the port says of each, packet type and RX flags."""
    pmd.cmd("set fwd rxonly")
    pmd.cmd("set verbose 1")
    with pmd._lock:
        start = len(pmd.output)
    # Not waiting for the prompt: the dump, printed meanwhile by another
    # thread, can cut it in pieces. Everything is received well within the
    # half second; 'stop' then answers on a quiet terminal.
    pmd.proc.stdin.write(b"start tx_first\n")
    pmd.proc.stdin.flush()
    time.sleep(0.5)
    pmd.cmd("stop", until="Accumulated forward statistics")
    pmd.cmd("set verbose 0")
    with pmd._lock:
        return pmd.output[start:]


def csum_loopback(pmd_dir, check, mode):
    """testpmd's csum engine on a loopback port, IPv4, UDP and TCP checksums
    in hardware, RX checksums on, traffic started with tx_first: the device
    inserts the IPv4 header checksum of every forwarded frame (the first
    burst's frames are testpmd's own, UDP without checksum), the RX side
    finds every checksum right, and every mbuf comes back."""
    pmd = tp.Testpmd(pmd_dir, [f"net_wcnic0,backend=loopback,tx_mode={mode}"],
                     ["--forward-mode=csum", f"--burst={BURST}", "--enable-rx-cksum"])
    try:
        csum_offloads_on(pmd, check)
        fwd, xs = forward_and_stop(pmd, "start tx_first")
        dump = rx_dump(pmd)
        tp.close_ports(pmd)
        in_use = tp.mbufs_in_use(pmd)
    finally:
        pmd.close()
    csum_forwarded(check, pmd, fwd, xs)
    # testpmd's frames, the new burst and those still circulating when
    # forwarding stopped: IPv4 header checksum right, UDP without checksum.
    # (The prompt, which testpmd writes a character at a time, may land
    # inside a line of the dump: at least a burst's worth of whole lines.)
    good = dump.count("RTE_MBUF_F_RX_IP_CKSUM_GOOD")
    typed = dump.count("hw ptype: L3_IPV4_EXT_UNKNOWN L4_UDP")
    check.that(good >= BURST and typed >= BURST and
               not any(flag in dump for flag in ("RX_IP_CKSUM_UNKNOWN", "RX_IP_CKSUM_BAD",
                                                 "RX_L4_CKSUM_BAD")),
               f"the port marked the frames received IPv4/UDP, IPv4 checksum good "
               f"({good} good, {typed} typed of {dump.count('Receive queue=')})")
    rx, tx = fwd["RX-packets"], xs["dev_tx_packets"]
    check.that(rx > BURST * 10, f"the first burst went round many times ({rx} received)")
    check.that(fwd.get("Bad-ipcsum") == 0 and fwd.get("Bad-l4csum") == 0,
               f"testpmd found no bad checksum (Bad-ipcsum {fwd.get('Bad-ipcsum')}, "
               f"Bad-l4csum {fwd.get('Bad-l4csum')})")
    # Every frame but the first burst's went out with a checksum request
    # (the first burst's too where testpmd's txonly sets the flags: 25.11).
    check.that(tx - BURST <= xs["dev_tx_csum"] <= tx,
               f"the device inserted checksums into every forwarded frame "
               f"({xs['dev_tx_csum']} of {tx})")
    check.that(xs["dev_rx_csum_bad"] == 0 and xs["dev_rx_packets"] >= rx,
               f"the device found every received checksum right "
               f"({xs['dev_rx_csum_bad']} bad of {xs['dev_rx_packets']})")
    check.that(in_use == 0, f"every mbuf back in its pool after port close ({in_use} in use)")


def case_csum_loopback_push(pmd_dir, check):
    csum_loopback(pmd_dir, check, "push")


def case_csum_loopback_dma(pmd_dir, check):
    csum_loopback(pmd_dir, check, "dma")


def near(count, total, kinds, of_them=1):
    """count is what a run of total frames of `kinds` kinds in turn holds of
    `of_them` of the kinds (a run that stops mid-cycle is off by at most
    that many)."""
    return abs(count - total * of_them / kinds) <= of_them


def case_csum_gen_sink(pmd_dir, check):
    """The generator's mixed frames (IPv4 and IPv6, UDP and TCP, tagged, one
    kind in eight with a wrong IPv4 header checksum, one with a wrong TCP
    checksum) through testpmd's csum engine, checksums in hardware, back to
    the device's checking sink: testpmd sees exactly the wrong ones as bad,
    the device inserts checksums into every frame and verifies each of them."""
    pmd = tp.Testpmd(pmd_dir, ["net_wcnic0,backend=gen,gen=mix"],
                     ["--forward-mode=csum", f"--burst={BURST}", "--enable-rx-cksum"])
    try:
        csum_offloads_on(pmd, check)
        fwd, xs = forward_and_stop(pmd)
        tp.close_ports(pmd)
        in_use = tp.mbufs_in_use(pmd)
    finally:
        pmd.close()
    csum_forwarded(check, pmd, fwd, xs)
    rx, tx = fwd["RX-packets"], xs["dev_tx_packets"]
    check.that(rx > 1000, f"testpmd received the generator's frames ({rx})")
    check.that(near(fwd.get("Bad-ipcsum", -1), rx, 8) and near(fwd.get("Bad-l4csum", -1), rx, 8),
               f"testpmd found the one kind in eight with a bad IPv4 checksum and the one with "
               f"a bad TCP checksum (Bad-ipcsum {fwd.get('Bad-ipcsum')}, Bad-l4csum "
               f"{fwd.get('Bad-l4csum')} of {rx})")
    check.that(tx > 0 and xs["dev_tx_csum"] == tx,
               f"every transmitted frame asked the device for checksums ({xs['dev_tx_csum']} "
               f"of {tx})")
    check.that(xs["dev_tx_csum_bad"] == 0,
               f"the sink found every inserted checksum right ({xs['dev_tx_csum_bad']} wrong)")
    check.that(xs["dev_tx_hdr_bad"] == 0, "every frame well-formed IPv4 or IPv6, UDP or TCP")
    check.that(near(xs["dev_rx_csum_bad"], xs["dev_rx_packets"], 8, of_them=2),
               f"the device's RX status: two kinds in eight bad ({xs['dev_rx_csum_bad']} of "
               f"{xs['dev_rx_packets']})")
    check.that(in_use == 0, f"every mbuf back in its pool after port close ({in_use} in use)")


def case_csum_interface_1_0(pmd_dir, check):
    """A device of interface 1.0 offers no checksum offload: testpmd's csum
    engine is told so and computes the checksums itself; traffic flows and
    nothing breaks."""
    pmd = tp.Testpmd(pmd_dir, ["net_wcnic0,backend=loopback,interface=1.0"],
                     ["--forward-mode=csum", f"--burst={BURST}"])
    try:
        capa = pmd.cmd("show port 0 tx_offload capabilities", until="Per Port")
        pmd.cmd("port stop 0", until="Done")
        refused = [pmd.cmd(f"csum set {proto} hw 0", until="Outer-Udp checksum offload")
                   for proto in CSUM_PROTOS]
        show = pmd.cmd("csum show 0", until="Outer-Udp checksum offload")
        pmd.cmd("port start 0", until="Done")
        tp.wait_link_up(pmd)
        fwd, xs = forward_and_stop(pmd, "start tx_first")
        tp.close_ports(pmd)
        in_use = tp.mbufs_in_use(pmd)
    finally:
        code = pmd.close()
    check.that("CKSUM" not in capa, f"no checksum offload among the TX capabilities: {capa.strip()}")
    check.that(all("not supported" in out for out in refused),
               "testpmd says the port has no IPv4, UDP or TCP checksum offload")
    check.that("IP checksum offload is sw" in show, "csum show: IP checksum in software")
    check.that(fwd["RX-packets"] > BURST * 10,
               f"software checksums, loopback runs ({fwd['RX-packets']} received)")
    check.that(fwd.get("Bad-ipcsum") == 0 and fwd.get("Bad-l4csum") == 0,
               "no checksum reported bad (the device reports none)")
    check.that(xs.get("dev_tx_csum") == 0 and xs.get("dev_errors") == 0,
               f"no checksum request reached the device, no device error "
               f"({xs.get('dev_tx_csum')}, {xs.get('dev_errors')})")
    check.that(in_use == 0, f"every mbuf back in its pool after port close ({in_use} in use)")
    check.that(code == 0, f"testpmd exits 0 ({code})")


def case_bad_devargs(pmd_dir, check):
    for devargs, word in [("tx_mode=fast", "tx_mode"), ("queues=99", "queues"),
                          ("entry_size=100", "entry_size"), ("backend=nowhere", "backend"),
                          ("mac=01:00:00:00:00:01", "mac"), ("colour=blue", "accepted"),
                          ("wc_store=mmx", "wc_store"), ("fault=boom:5", "fault"),
                          ("fault=error", "fault"), ("interface=2.0", "interface"),
                          ("queues", "a value is required")]:
        code, out = tp.run_to_exit(pmd_dir, [f"net_wcnic0,{devargs}"], ["--forward-mode=txonly"])
        errors = [line for line in out.splitlines() if "net_wcnic" in line and word in line]
        check.that(code != 0, f"{devargs}: testpmd exits non-zero ({code})")
        check.that(bool(errors), f"{devargs}: the log names the problem: "
                   f"{errors[0].strip() if errors else out[-500:]}")


SOURCE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def hw_define(name):
    """An integer #define of wcnic_hw.h, the device interface."""
    with open(os.path.join(SOURCE_ROOT, "lib", "wcnic_hw", "wcnic_hw.h")) as f:
        match = re.search(rf"^#define {name}\s+(0x[0-9A-Fa-f]+|\d+)u?\b", f.read(), re.M)
    return int(match.group(1), 0)


def device_versions():
    """What the in-process device reports: its firmware version, the
    project's (VERSION), and the interface version, e.g. ("0.1.0", "1.1")."""
    with open(os.path.join(SOURCE_ROOT, "VERSION")) as f:
        fw = f.read().strip()
    return fw, f"{hw_define('WCNIC_VERSION_MAJOR')}.{hw_define('WCNIC_VERSION_MINOR')}"


# Two ports that differ in every fact the driver reports about its TX path.
INFO_PORTS = ["net_wcnic0,tx_mode=push,entry_size=256,dev_burst_max=16,wc_store=sse2,backend=sink",
              "net_wcnic1,tx_mode=dma,backend=sink"]
TX_BURST_MODES = [
    "push, write-combining BAR, sse2 stores, 256 B entries, 16 per doorbell",
    "dma, 16 B descriptors in host memory, write-combining BAR doorbell, 64 per doorbell",
]

# The same in the private dump.
TX_MODE_LINES = ["TX mode: push (asked push), sse2 stores, 256 B entries, 16 per doorbell",
                 "TX mode: dma (asked dma), 16 B descriptors in host memory, 64 per doorbell"]


# The private dump's line of the features the driver wrote at start.
DRIVER_FEATURES = re.compile(r"driver features \(DRV_FEATURES, accepted at start\): "
                             r"0x[0-9a-f]+ \((.*)\)")


def field(output, name):
    """The value of a testpmd 'Name: value' line, or None."""
    match = re.search(rf"^{re.escape(name)}: *(.*?)\s*$", output, re.M)
    return match.group(1) if match else None


def case_introspection(pmd_dir, check):
    """testpmd shows the firmware version, the burst modes and (24.11 on)
    the private dump."""
    fw, interface = device_versions()
    pmd = tp.Testpmd(pmd_dir, INFO_PORTS, ["--forward-mode=txonly"])
    try:
        ports = [pmd.cmd(f"show port info {p}", until="Device error handling mode")
                 for p in (0, 1)]
        rxqs = [pmd.cmd(f"show rxq info {p} 0", until="Burst mode") for p in (0, 1)]
        txqs = [pmd.cmd(f"show txq info {p} 0", until="Burst mode") for p in (0, 1)]
    finally:
        code = pmd.close()
    for p in (0, 1):
        version = field(ports[p], "Firmware-version")
        check.that(version == f"{fw} (interface {interface})",
                   f"port {p}: Firmware-version '{version}', device FW {fw}, interface {interface}")
        scattered = field(rxqs[p], "RX scattered packets") == "on"
        want = "scalar scattered" if scattered else "scalar"
        check.that(field(rxqs[p], "Burst mode") == want,
                   f"port {p} RX queue 0: burst mode '{field(rxqs[p], 'Burst mode')}' "
                   f"(scattered {scattered})")
        check.that(field(txqs[p], "Burst mode") == TX_BURST_MODES[p],
                   f"port {p} TX queue 0: burst mode '{field(txqs[p], 'Burst mode')}'")
        if "Device private info:" in ports[p]:
            dump = ports[p].split("Device private info:", 1)[1]
            check.that(f"net_wcnic port {p} (net_wcnic{p})" in dump and "TX mode: " in dump,
                       f"port {p}: show port info has the driver's private dump")
        else:
            print(f"note: this testpmd does not show private dumps (DPDK 22.11); "
                  f"the telemetry case checks them")
    check.that(code == 0, f"testpmd exits 0 ({code})")


def case_introspection_interface_1_0(pmd_dir, check):
    """A device of interface 1.0 has no FW_VERSION: testpmd, telemetry and
    the private dump say so, and the dump shows no feature of 1.1."""
    pmd = tp.Testpmd(pmd_dir, ["net_wcnic0,interface=1.0,backend=sink"],
                     ["--forward-mode=txonly"])
    try:
        port = pmd.cmd("show port info 0", until="Device error handling mode")
        with dpdk_telemetry.Telemetry(tp.runtime_dir(pmd.prefix)) as tel:
            info = tel.query("/wcnic/info,0") or {}
            dump = tel.query("/ethdev/dump_priv,0") or ""
    finally:
        code = pmd.close()
    version = field(port, "Firmware-version")
    check.that(version == "interface 1.0", f"Firmware-version '{version}'")
    check.that(info.get("fw_version") == "none" and info.get("interface_version") == "1.0",
               f"/wcnic/info,0: fw_version {info.get('fw_version')!r}, "
               f"interface_version {info.get('interface_version')!r}")
    check.that("interface 1.0, firmware none" in dump, "the dump: interface 1.0, no firmware")
    offered = re.search(r"device features: 0x[0-9a-f]+ \((.*)\)", dump)
    names = offered.group(1).split() if offered else []
    check.that("tx_push" in names and "rx_scatter" not in names and "rss" not in names,
               f"the dump: the features of 1.0 only ({' '.join(names)})")
    check.that(code == 0, f"testpmd exits 0 ({code})")


def case_introspection_scattered(pmd_dir, check):
    """A port that scatters (MTU 9000, 2 KB mbufs) says so in its RX burst
    mode and its dump, and accepts the device's RX scatter."""
    pmd = tp.Testpmd(pmd_dir, ["net_wcnic0,backend=sink"],
                     ["--forward-mode=txonly", f"--max-pkt-len={JUMBO_FRAME}"])
    try:
        rxq = pmd.cmd("show rxq info 0 0", until="Burst mode")
        with dpdk_telemetry.Telemetry(tp.runtime_dir(pmd.prefix)) as tel:
            dump = tel.query("/ethdev/dump_priv,0") or ""
    finally:
        code = pmd.close()
    check.that(field(rxq, "RX scattered packets") == "on", "testpmd: RX queue 0 scatters")
    check.that(field(rxq, "Burst mode") == "scalar scattered",
               f"RX burst mode '{field(rxq, 'Burst mode')}'")
    check.that(re.search(r"^    RX: .* 2048 B buffers \(scattered\)", dump, re.M) is not None,
               "the dump: RX queue 0 scattered")
    accepted = DRIVER_FEATURES.search(dump)
    check.that(accepted is not None and "rx_scatter" in accepted.group(1).split(),
               f"the dump: RX scatter accepted ({accepted.group(1) if accepted else dump})")
    check.that(code == 0, f"testpmd exits 0 ({code})")


def probe_facts(output, name):
    """What the driver's probe line says of port name: (memory type, how it
    was established, verified, TX mode, TX mode asked)."""
    match = re.search(rf"{name}: port \d+, BAR memory type ([\w-]+) \((.*), "
                      r"(verified|not verified by the kernel)\), TX mode (\w+) \(asked (\w+)\)",
                      output)
    if match is None:
        raise tp.TestpmdError(f"no probe line for {name}")
    mem, source, verified, mode, asked = match.groups()
    return mem, source, verified == "verified", mode, asked


TELEMETRY_REFUSED = {
    "": "expected a port id", ",": "expected a port id", ",abc": "expected a port id",
    ",1x": "is not a port id", ",0x1": "is not a port id", ",99999": "is not a port id",
    ",2": "(net_null0) is not a net_wcnic port", ",7": "no port 7",
}


def dump_counters(dump):
    return {name: int(value) for name, value in re.findall(r"^ +(dev_\w+) (\d+)$", dump, re.M)}


def check_dump(check, p, dump, facts, xs):
    """/ethdev/dump_priv of port p against its probe line and its xstats."""
    fw, interface = device_versions()
    mem, source, verified, mode, _ = facts
    lines = [f"net_wcnic port {p} (net_wcnic{p})",
             f"interface {interface}, firmware {fw}",
             f"BAR: {mem}, {'verified' if verified else 'not verified'} by the kernel, "
             f"established by: {source}; ",
             TX_MODE_LINES[p],
             "device STATUS: 0x3 (ready enabled)", "device error: none",
             "TX: 256 push entries" if mode == "push" else "TX: 1024 descriptors"]
    for line in lines:
        check.that(line in dump, f"port {p} dump has '{line}'")
    accepted = DRIVER_FEATURES.search(dump)
    names = accepted.group(1).split() if accepted else []
    want = ["tx_push", "push_entry_256"] if mode == "push" else ["tx_dma"]
    unwanted = ["tx_dma"] if mode == "push" else ["tx_push", "push_entry_128", "push_entry_256"]
    check.that(all(n in names for n in want) and not any(n in names for n in unwanted),
               f"port {p} dump: features accepted for {mode} mode ({' '.join(names)})")
    counters = dump_counters(dump)
    device_xstats = {k: v for k, v in xs.items() if k.startswith("dev_")}
    check.that(counters == device_xstats and counters.get("dev_tx_packets", 0) > 0,
               f"port {p} dump: device counters as xstats report them ({counters})")


def case_telemetry(pmd_dir, check):
    """/wcnic/list and /wcnic/info,<port> report what each port is, checked
    against the driver's probe line, the devargs and what the ports do;
    other ids are refused; /ethdev/dump_priv gives the driver's dump."""
    fw, interface = device_versions()
    pmd = tp.Testpmd(pmd_dir, INFO_PORTS + ["net_null0"],
                     ["--forward-mode=txonly", f"--burst={BURST}"])
    try:
        with dpdk_telemetry.Telemetry(tp.runtime_dir(pmd.prefix)) as tel:
            check.that(tel.greeting.get("pid") == pmd.proc.pid,
                       f"telemetry greeting from testpmd ({tel.greeting})")
            listed = tel.query("/wcnic/list")
            all_ports = tel.query("/ethdev/list")
            infos = [tel.query(f"/wcnic/info,{p}") for p in (0, 1)]
            refused = {arg: tel.query(f"/wcnic/info{arg}") for arg in TELEMETRY_REFUSED}
            fwd, xs0, _ = tp.run_forwarding(pmd, RUN_SECONDS)
            xs1 = tp.settled_xstats(pmd, 1)
            dumps = [tel.query(f"/ethdev/dump_priv,{p}") for p in (0, 1)]
        txds = field(pmd.cmd("show txq info 0 0", until="Burst mode"), "Number of TXDs")
        facts = [probe_facts(pmd.output, f"net_wcnic{p}") for p in (0, 1)]
        tp.close_ports(pmd)
    finally:
        code = pmd.close()

    check.that(all_ports == [0, 1, 2] and listed == [0, 1],
               f"/wcnic/list {listed}: the net_wcnic ports of /ethdev/list {all_ports}")
    devargs = [{"wc_store": "sse2", "push_entry_size": 256, "tx_burst_max": 16},
               {"wc_store": "none", "push_entry_size": 0, "tx_burst_max": 64}]
    for p in (0, 1):
        mem, source, verified, mode, asked = facts[p]
        want = {"port_id": p, "name": f"net_wcnic{p}", "mem_type": mem,
                "mem_type_verified": int(verified), "mem_type_source": source,
                "tx_mode": mode, "tx_mode_asked": asked, "fw_version": fw,
                "interface_version": interface, **devargs[p]}
        got = infos[p] or {}
        for key in sorted(set(want) | set(got)):
            check.that(got.get(key) == want.get(key),
                       f"/wcnic/info,{p} {key}: {got.get(key)!r} (expected {want.get(key)!r})")
    # What the ports did agrees with what they report.
    check.that(xs0["tx_push_entries"] > 0 and xs0["tx_dma_descs"] == 0,
               f"port 0 transmitted in push mode ({xs0['tx_push_entries']} entries)")
    check.that(xs1["tx_dma_descs"] > 0 and xs1["tx_push_entries"] == 0,
               f"port 1 transmitted in dma mode ({xs1['tx_dma_descs']} descriptors)")
    check.that(xs0["tx_doorbells"] * 16 >= xs0["tx_push_entries"] and xs0["dev_errors"] == 0,
               f"port 0 kept to 16 entries per doorbell ({xs0['tx_doorbells']} doorbells, "
               f"{xs0['tx_push_entries']} entries, {xs0['dev_errors']} device errors)")
    ring = hw_define("WCNIC_PUSH_RING_BYTES") // 256
    check.that(txds == str(ring), f"port 0 push ring of {txds} entries: 256-byte entries")
    for arg, why in TELEMETRY_REFUSED.items():
        check.that(refused[arg] is None and f"/wcnic/info: " in pmd.output and why in pmd.output,
                   f"/wcnic/info{arg} refused ({refused[arg]!r}), logged '{why}'")
    for p, xs in ((0, xs0), (1, xs1)):
        check_dump(check, p, dumps[p] or "", facts[p], xs)
    check.that(code == 0, f"testpmd exits 0 ({code})")


def case_dump_device_error(pmd_dir, check):
    # The device stops TX ring 0 with an error: the private dump shows the
    # error, the queue it stopped, and the failed port.
    pmd = fault_session(pmd_dir, "error:20000")
    try:
        if not reset_event_seen(pmd, check):
            return
        with dpdk_telemetry.Telemetry(tp.runtime_dir(pmd.prefix)) as tel:
            dump = tel.query("/ethdev/dump_priv,0") or ""
        pmd.cmd("stop", until="Accumulated forward statistics")
    finally:
        code = pmd.close()
    print(dump)
    for line in ["port: started, failed (reset event raised)", "device STATUS: 0x", " error)",
                 "device error: 4 bad_descriptor (malformed descriptor), queue 0, info 0x0",
                 "queue 0: device STATUS", "tx_stopped_err",
                 "stopped by: bad_descriptor (malformed descriptor)", "dev_errors 1"]:
        check.that(line in dump, f"dump has '{line}'")
    check.that(code == 0, f"testpmd exits 0 ({code})")


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
    except dpdk_telemetry.TelemetryError as err:
        print(f"FAIL telemetry: {err}")
        return 1
    return 1 if check.failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

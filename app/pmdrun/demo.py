#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""./wcnic demo: Debian's dpdk-testpmd sending through net_wcnic for a few seconds.

Push mode, the sink back end (the in-process device model consumes and
checks every frame), txonly with 64-byte frames. Prints what a user wants to
see first: packet rate, TX mode, the BAR's memory type, doorbells per packet,
and what the device verified. Exits non-zero when nothing was sent or the
device reported an error.
"""
import argparse
import sys

import testpmd_session as tp


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pmd_dir", help="folder holding librte_net_wcnic.so")
    parser.add_argument("--seconds", type=float, default=5.0, help="forwarding time")
    parser.add_argument("--devargs", default="tx_mode=push,backend=sink",
                        help="net_wcnic device arguments")
    args = parser.parse_args()

    if tp.testpmd_path() is None:
        print("demo: dpdk-testpmd not found (Debian package dpdk-dev; ./wcnic setup)")
        return 1
    pmd = tp.Testpmd(args.pmd_dir, [f"net_wcnic0,{args.devargs}"],
                     ["--forward-mode=txonly", "--txpkts=64", "--burst=32"])
    try:
        fwd, xs, elapsed = tp.run_forwarding(pmd, args.seconds)
        mem_type, mem_source, tx_mode = tp.port_summary(pmd.output)
    finally:
        pmd.close()

    sent = fwd["TX-packets"]
    doorbells = xs.get("tx_doorbells", 0)
    dev_ok = xs.get("dev_tx_packets", 0) - xs.get("dev_tx_hdr_bad", 0)
    errors = xs.get("dev_errors", -1)
    print(f"wcnic demo: dpdk-testpmd txonly, 64-byte frames, one forwarding core, "
          f"{elapsed:.1f} s")
    print(f"  throughput         {sent / elapsed / 1e6:.1f} Mpps ({sent:,} packets)")
    print(f"  TX mode            {tx_mode}")
    print(f"  BAR memory type    {mem_type} ({mem_source})")
    print(f"  doorbells/packet   {doorbells / sent if sent else 0:.4f} "
          f"({doorbells:,} doorbells)")
    print(f"  device verified    {dev_ok:,} sane IPv4/UDP frames, "
          f"{xs.get('dev_tx_hdr_bad', 0):,} malformed, {errors} device errors")
    return 0 if sent > 0 and errors == 0 and xs.get("dev_tx_packets") == sent else 1


if __name__ == "__main__":
    sys.exit(main())

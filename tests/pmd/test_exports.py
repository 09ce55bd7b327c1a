#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The driver's shared object exports its API and nothing else.

usage: test_exports.py LIBRTE_NET_WCNIC_SO

`nm -D --defined-only` must list only rte_pmd_wcnic_* functions, each in
the EXPERIMENTAL version node (drivers/net/wcnic/version.map): a symbol of
a library linked into the driver (vfiowc_*, wc_*, wcnic_model_*) would
interpose on an application's own copy. Exit 0 pass, 1 fail.
"""
import subprocess
import sys

from check import Check

API = {"rte_pmd_wcnic_get_port_info", "rte_pmd_wcnic_mem_type_name",
       "rte_pmd_wcnic_tx_mode_name"}


def main(so):
    check = Check()
    out = subprocess.run(["nm", "-D", "--defined-only", so], capture_output=True, text=True,
                         check=True).stdout
    exported = {}
    for line in out.splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[1] != "A":   # A: the version node itself
            name, _, node = fields[2].partition("@@")
            exported[name] = node
    check.that(set(exported) == API, f"exported: {sorted(exported)}")
    check.that(all(node == "EXPERIMENTAL" for node in exported.values()),
               f"every export in the EXPERIMENTAL node: {exported}")
    return 1 if check.failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""wcbench run as a program, on anonymous memory (no root, no device).

usage: test_wcbench_cli.py WCBENCH OPTIONS_C CASE

CASE is one of: help, bad-options, table, csv, json, plot, plot-no-gnuplot.
Checks what the output says and that it is well formed; never how fast
anything is. Exit 0 pass, 1 fail, 77 skip (with the reason).
"""
import csv
import io
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

from check import Check

# Short runs: the figures are not judged, only their presence and shape.
QUICK = ["--runs", "5", "--iterations", "20"]
BURSTS = [1, 8]
ENTRY_SIZES = [128, 256]
VARIANTS = ["u64", "sse2", "avx2", "avx512", "movdir64b"]
WB = {"asked": "wb", "obtained": "wb", "verified": "write-back", "method": "anonymous"}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"



def run(exe, args, env=None):
    proc = subprocess.run([exe] + args, capture_output=True, text=True, env=env,
                          timeout=300, check=False)
    return proc.returncode, proc.stdout, proc.stderr


def expect_run(exe, args, check):
    status, out, err = run(exe, args)
    if not check.that(status == 0, f"wcbench {' '.join(args)} exits 0 (got {status}): {err}"):
        sys.exit(1)
    return out, err


def case_help(exe, options_c, check):
    status, out, err = run(exe, ["--help"])
    check.that(status == 0 and err == "", f"--help exits 0 quietly (got {status}, {err!r})")
    check.that(out.startswith("usage: wcbench"), "--help starts with the usage line")
    # Every long option the parser knows, read from its table.
    with open(options_c, encoding="utf-8") as f:
        names = re.findall(r'\{ "([a-z0-9-]+)", (?:no|required)_argument', f.read())
    check.that(len(names) >= 16, f"found the option table in {options_c} ({len(names)} options)")
    for name in names:
        check.that(re.search(rf"(^|\s)--{re.escape(name)}\b", out) is not None,
                   f"--help documents --{name}")
    for value in ["uc|wc", "table|csv|json", "doorbell,line,burst",
                  "u64,sse2,avx2,avx512,movdir64b", "128", "256", "4|8"]:
        check.that(value in out, f"--help names the accepted values {value}")


def case_bad_options(exe, _options_c, check):
    cases = [
        (["--burst", "0"], "--burst: '0' is not accepted", "1..256"),
        (["--burst", "1,,8"], "--burst: '1,,8' is not accepted", "comma-separated"),
        (["--entry-size", "64"], "--entry-size: '64' is not accepted", "128, 256"),
        (["--store", "avx3"], "--store: 'avx3' is not accepted", "movdir64b"),
        (["--pattern", "ring"], "--pattern: 'ring' is not accepted", "doorbell, line, burst"),
        (["--format", "xml"], "--format: 'xml' is not accepted", "table, csv or json"),
        (["--attr", "wb", "--vfio", "0000:00:04.0"], "--attr: 'wb' is not accepted", "uc or wc"),
        (["--attr", "wc"], "--attr: only applies to a VFIO target", "--vfio BDF"),
        (["--region", "2"], "--region: only applies to a VFIO target", "--vfio BDF"),
        (["--region", "two", "--vfio", "0000:00:04.0"], "--region: 'two' is not accepted",
         "region index"),
        (["--offset", "4096"], "--offset: only applies to --vfio or --sysfs", None),
        (["--offset", "12", "--vfio", "0000:00:04.0"], "--offset: '12' is not accepted",
         "page-aligned"),
        (["--vfio", "0000:00:04.0", "--sysfs", "/sys/x/resource2"], "--vfio: cannot be combined",
         "pick one target"),
        (["--runs", "0"], "--runs: '0' is not accepted", "1..1000000"),
        (["--iterations", "-5"], "--iterations: '-5' is not accepted", None),
        (["--cpu", "x"], "--cpu: 'x' is not accepted", "CPU number"),
        (["--doorbell-bytes", "2"], "--doorbell-bytes: '2' is not accepted", "4 or 8"),
        (["--plot", "chart.svg"], "--plot: 'chart.svg' is not accepted", ".png"),
        (["--plot", "c.png", "--pattern", "line"], "--plot: plots the burst sweep", "burst"),
        (["--runs"], "--runs: needs a value", None),
        (["--frobnicate"], "--frobnicate: unknown option", None),
        (["-q"], "-q: unknown option", None),
        (["stray"], "stray: unexpected argument", None),
    ]
    for args, message, accepted in cases:
        status, out, err = run(exe, args)
        what = f"wcbench {' '.join(args)}"
        check.that(status == 2, f"{what}: exit 2 (got {status})")
        check.that(out == "", f"{what}: nothing on stdout")
        check.that(err.startswith("wcbench: " + message),
                   f"{what}: says '{message}' (got {err.strip()!r})")
        if accepted is not None:
            check.that(accepted in err, f"{what}: says what is accepted ({accepted})")
        check.that("--help" in err, f"{what}: points to --help")
    # A target that cannot be opened is a run-time failure (1), named.
    status, _, err = run(exe, ["--vfio", "0000:ff:1f.7"] + QUICK)
    check.that(status == 1 and "0000:ff:1f.7" in err and "no such PCI device" in err,
               f"an absent VFIO device: exit 1 and named (got {status}, {err.strip()!r})")
    status, _, err = run(exe, ["--sysfs", "/tmp/not-a-resource"] + QUICK)
    check.that(status == 1 and "not a PCI resource file" in err,
               f"a bad sysfs file: exit 1 and named (got {status}, {err.strip()!r})")


def positive(value):
    return isinstance(value, (int, float)) and value > 0


def check_stats(check, what, stats):
    """A {min, median, p99} object: positive and ordered."""
    ok = all(positive(stats.get(k)) for k in ("min", "median", "p99"))
    check.that(ok, f"{what}: min, median, p99 present and positive ({stats})")
    if ok:
        check.that(stats["min"] <= stats["median"] <= stats["p99"],
                   f"{what}: min <= median <= p99 ({stats})")


def expected_rows(variants):
    """(pattern, store, fence, entry_bytes, burst) in report order."""
    rows = [("doorbell", None, False, 0, 0), ("doorbell", None, True, 0, 0)]
    for v in variants:
        rows += [("line", v, False, 64, 1), ("line", v, True, 64, 1)]
        rows += [("burst", v, True, size, n) for size in ENTRY_SIZES for n in BURSTS]
    return rows


def sweep_args():
    return QUICK + ["--burst", ",".join(map(str, BURSTS)),
                    "--entry-size", ",".join(map(str, ENTRY_SIZES))]


def case_json(exe, _options_c, check):
    out, err = expect_run(exe, sweep_args() + ["--format", "json"], check)
    try:
        doc = json.loads(out)
    except json.JSONDecodeError as e:
        check.that(False, f"the JSON parses: {e}")
        return
    check.that(True, "the JSON parses")
    for key in ("tool", "platform", "counter", "target", "memory_type", "settings", "stores",
                "results", "warnings"):
        check.that(key in doc, f"JSON has '{key}'")
    platform, counter, mt = doc["platform"], doc["counter"], doc["memory_type"]
    for key in ("cpu_model", "hypervisor", "hypervisor_evidence", "hypervisor_bit", "dmi",
                "virtualized", "emulator", "invariant_tsc", "clocksource"):
        check.that(key in platform, f"platform has '{key}'")
    check.that(bool(platform["cpu_model"]), "the CPU model is named")
    check.that(positive(counter["hz"]), f"the counter rate is positive ({counter['hz']})")
    check.that(counter["calibrated_against"] == "CLOCK_MONOTONIC", "calibrated on the clock")
    for key, want in WB.items():
        check.that(mt.get(key) == want, f"memory_type.{key} is {want} (got {mt.get(key)})")
    check.that(mt["verified_known"] is True and mt["mismatch"] is False,
               "anonymous memory counts as verified, no mismatch")

    run_stores, skipped = doc["stores"]["run"], doc["stores"]["skipped"]
    check.that("u64" in run_stores, "the portable u64 variant always runs")
    check.that(sorted(run_stores + [s["name"] for s in skipped]) == sorted(VARIANTS),
               f"every variant is run or skipped ({run_stores}, {skipped})")
    for s in skipped:
        check.that(bool(s.get("reason")), f"skipped {s['name']} says why")

    got = [(r["pattern"], r["store"], r["fence"], r["entry_bytes"], r["burst"])
           for r in doc["results"]]
    check.that(got == expected_rows([v for v in VARIANTS if v in run_stores]),
               f"the rows are the asked sweep ({len(got)} rows)")
    for r in doc["results"]:
        what = f"{r['pattern']} {r['store']} fence={r['fence']} {r['entry_bytes']}x{r['burst']}"
        has_db, has_entry = r["pattern"] != "line", r["pattern"] != "doorbell"
        check.that((r["per_doorbell"] is not None) == has_db, f"{what}: per_doorbell presence")
        check.that((r["per_entry"] is not None) == has_entry, f"{what}: per_entry presence")
        for part in ("per_doorbell", "per_entry"):
            if r[part] is not None:
                check_stats(check, f"{what} {part} cycles", r[part]["cycles"])
                check_stats(check, f"{what} {part} ns", r[part]["ns"])
    check.that(isinstance(doc["warnings"], list), "warnings is a list")
    # What the warnings must say follows from where it ran.
    if platform["emulator"]:
        check.that(any("emulator" in w for w in doc["warnings"]), "an emulator is warned about")
    elif platform["virtualized"]:
        check.that(any("hypervisor" in w for w in doc["warnings"]),
                   "a hypervisor is warned about")
    for w in doc["warnings"]:
        check.that(f"wcbench: WARNING: {w}" in err, f"warning also on stderr: {w[:60]}...")


def case_csv(exe, _options_c, check):
    out, _ = expect_run(exe, sweep_args() + ["--format", "csv"], check)
    rows = list(csv.DictReader(io.StringIO(out), strict=True))
    header = out.splitlines()[0].split(",")
    check.that(len(header) == len(set(header)), "CSV header names are unique")
    for key in ("pattern", "store", "fence", "entry_bytes", "burst", "doorbell_bytes",
                "doorbell_cycles_median", "doorbell_ns_min", "doorbell_ns_median",
                "doorbell_ns_p99", "entry_cycles_median", "entry_ns_min", "entry_ns_median",
                "entry_ns_p99", "counter_hz", "invariant_tsc", "cpu_model", "hypervisor",
                "emulator", "target", "asked", "obtained", "verified", "method"):
        check.that(key in header, f"CSV has column {key}")
    check.that(all(len(r) == len(header) and None not in r for r in rows),
               "every CSV line has as many fields as the header")
    variants = [v for v in VARIANTS if any(r["store"] == v for r in rows)]
    got = [(r["pattern"], None if r["store"] == "-" else r["store"], r["fence"] == "yes",
            int(r["entry_bytes"]), int(r["burst"])) for r in rows]
    check.that("u64" in variants and got == expected_rows(variants),
               f"the rows are the asked sweep ({len(rows)} rows, variants {variants})")
    for r in rows:
        what = f"{r['pattern']} {r['store']} {r['entry_bytes']}x{r['burst']}"
        for part, present in (("doorbell", r["pattern"] != "line"),
                              ("entry", r["pattern"] != "doorbell")):
            for unit in ("cycles", "ns"):
                cells = [r[f"{part}_{unit}_{s}"] for s in ("min", "median", "p99")]
                if present:
                    values = [float(c) for c in cells]
                    check.that(all(v > 0 for v in values) and values == sorted(values),
                               f"{what}: {part} {unit} positive and ordered {values}")
                else:
                    check.that(cells == ["", "", ""], f"{what}: no {part} {unit}: empty")
        check.that(float(r["counter_hz"]) > 0 and r["cpu_model"] != "", f"{what}: where")
        check.that(all(r[k] == v for k, v in WB.items()), f"{what}: write-back memory")


def case_table(exe, _options_c, check):
    out, _ = expect_run(exe, sweep_args(), check)
    lines = out.splitlines()
    for label in ("cpu", "hypervisor", "counter", "target", "memory type", "verification",
                  "doorbell", "samples", "stores"):
        check.that(any(line.startswith(label + " ") for line in lines),
                   f"the table has a '{label}' line")
    check.that("asked wb, obtained wb, verified write-back (method anonymous)" in out,
               "the memory type line")
    rows = [line for line in lines if line.count("|") == 3 and line.split()[0] in
            ("doorbell", "line", "burst")]
    variants = [v for v in VARIANTS if any(line.split()[1] == v for line in rows)]
    check.that(len(rows) == len(expected_rows(variants)) and "u64" in variants,
               f"one table line per row ({len(rows)}, variants {variants})")
    for line in rows:
        cells = " ".join(line.split("|")[1:]).split()
        values = [float(c) for c in cells if c != "-"]
        check.that(values and all(v > 0 for v in values), f"figures positive: {line}")
        is_doorbell = line.startswith("doorbell")
        check.that(cells.count("-") == (4 if is_doorbell or line.startswith("line") else 0),
                   f"a dash for each figure the row does not have: {line}")


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if len(head) < 24 or head[:8] != PNG_SIGNATURE or head[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", head[16:24])


def case_plot(exe, _options_c, check):
    if shutil.which("gnuplot") is None:
        print("SKIP: gnuplot is not installed (Debian package gnuplot-nox)")
        sys.exit(77)
    with tempfile.TemporaryDirectory() as tmp:
        png = os.path.join(tmp, "sweep.png")
        expect_run(exe, sweep_args() + ["--plot", png, "--format", "csv"], check)
        size = png_size(png)
        check.that(size is not None and size[0] > 0 and size[1] > 0,
                   f"--plot wrote a PNG ({size})")


def case_plot_no_gnuplot(exe, _options_c, check):
    with tempfile.TemporaryDirectory() as empty:
        png = os.path.join(empty, "sweep.png")
        status, out, err = run(exe, QUICK + ["--plot", png], env={**os.environ, "PATH": empty})
        check.that(status == 1, f"no gnuplot: exit 1 (got {status})")
        check.that("gnuplot" in err and "gnuplot-nox" in err,
                   f"the error names the package: {err!r}")
        check.that(out == "", "nothing measured before the check")
        check.that(not os.path.exists(png), "no file written")


CASES = {
    "help": case_help,
    "bad-options": case_bad_options,
    "table": case_table,
    "csv": case_csv,
    "json": case_json,
    "plot": case_plot,
    "plot-no-gnuplot": case_plot_no_gnuplot,
}


def main(argv):
    if len(argv) != 3 or argv[2] not in CASES:
        print(__doc__, file=sys.stderr)
        return 1
    check = Check()
    CASES[argv[2]](argv[0], argv[1], check)
    print(f"{argv[2]}: {check.failures} failure(s)")
    return 1 if check.failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""A short libFuzzer run of the wcnic-emu fuzz target, as a meson test.

Writes the seed corpus with gen-fuzz-seeds into a fresh work folder, runs
the fuzzer for --seconds from it, and fails on any crash, sanitizer report,
leak or time-out, naming the input that caused it and how to replay it.
Exit status: 0 passed, 1 failed, 77 skipped (--skip REASON: no clang or no
libFuzzer).
"""
import argparse
import shutil
import subprocess
import sys
from pathlib import Path

SKIP = 77


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fuzzer", help="the fuzz-emu program")
    parser.add_argument("--seeds-gen", required=True, help="the gen-fuzz-seeds program")
    parser.add_argument("--work", required=True, type=Path, help="work folder (recreated)")
    parser.add_argument("--seconds", type=int, default=25)
    parser.add_argument("--skip", help="print SKIP with this reason and exit 77")
    args = parser.parse_args()
    if args.skip:
        print(f"SKIP: {args.skip}")
        return SKIP
    if not args.fuzzer:
        parser.error("--fuzzer or --skip is required")

    shutil.rmtree(args.work, ignore_errors=True)
    seeds, corpus, artifacts = (args.work / name for name in ("seeds", "corpus", "artifacts"))
    for folder in (seeds, corpus, artifacts):
        folder.mkdir(parents=True)
    subprocess.run([args.seeds_gen, str(seeds)], check=True)
    print(f"seeds: {len(list(seeds.iterdir()))} in {seeds}", flush=True)

    # libFuzzer's own default exit status for a crash is 77, which meson
    # would report as a skip: make every failure exit 1.
    command = [args.fuzzer, f"-max_total_time={args.seconds}", "-timeout=10",
               "-rss_limit_mb=2048", "-error_exitcode=1", "-timeout_exitcode=1",
               "-print_final_stats=1", f"-artifact_prefix={artifacts}/", str(corpus), str(seeds)]
    print(" ".join(command), flush=True)
    run = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = run.stdout.splitlines()
    print("\n".join(lines[-40:]))
    found = sorted(artifacts.iterdir())
    if run.returncode != 0 or found:
        print(f"FAIL: the fuzzer exited {run.returncode}; inputs kept in {artifacts}:")
        for path in found:
            print(f"  {path}  (replay: {args.fuzzer} {path})")
        return 1
    runs = [line for line in lines if line.startswith("stat::number_of_executed_units")]
    print(f"ok   no crash in {args.seconds} s ({runs[0].split(':')[-1].strip() if runs else '?'}"
          " inputs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

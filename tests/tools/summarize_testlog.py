#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Sum meson test logs into one closing line: 'N passed, N failed, N skipped'.

Each argument is LABEL=PATH to a meson-logs/testlog.json. Every test is listed
with its result; skipped tests show the reason they printed (a line starting
with 'SKIP:'), so a skip is never mistaken for a pass. Exit status 1 when any
test failed or when a log is missing (a suite that did not run is a failure).
"""
import json
import sys

PASSED = {"OK", "EXPECTEDFAIL"}
SKIPPED = {"SKIP"}


def skip_reason(entry):
    for line in (entry.get("stdout") or "").splitlines():
        if line.startswith("SKIP:"):
            return line[len("SKIP:"):].strip()
    return "no reason printed"


def main(args):
    passed = failed = skipped = 0
    for arg in args:
        label, _, path = arg.partition("=")
        try:
            with open(path, encoding="utf-8") as log:
                entries = [json.loads(line) for line in log if line.strip()]
        except OSError as err:
            print(f"FAIL {label}: no test log ({err})")
            failed += 1
            continue
        for entry in entries:
            name = f"{label}:{entry['name']}"
            result = entry["result"]
            if result in PASSED:
                passed += 1
            elif result in SKIPPED:
                skipped += 1
                print(f"SKIP {name}: {skip_reason(entry)}")
            else:
                failed += 1
                print(f"FAIL {name}: {result}")
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

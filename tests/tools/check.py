# SPDX-License-Identifier: BSD-3-Clause
"""The checks of the Python tests: each prints one line, ok or FAIL, and
the test exits 1 when any failed (check.failures)."""


class Check:
    def __init__(self):
        self.failures = 0

    def that(self, ok, what):
        """Report one check; returns ok, so a caller can stop early."""
        print(("ok   " if ok else "FAIL ") + what)
        if not ok:
            self.failures += 1
        return ok

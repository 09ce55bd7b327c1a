# SPDX-License-Identifier: BSD-3-Clause
"""Results of a boot: what the guest printed on its console, what the host
adds, and the verdict (exit status 0 pass, 1 fail, 77 skip).

Guest lines (see guest-lib.sh), matched anywhere in a line so that a stray
kernel message in front of one does not hide it:
    WCNIC-INIT <guest uptime>          /init started
    WCNIC-RESULT <name> PASS|FAIL|SKIP [why]
    WCNIC-DONE <exit status of the guest script>
"""
import codecs
import re
import time
from dataclasses import dataclass, field

RESULT = re.compile(r"WCNIC-RESULT (\S+) (PASS|FAIL|SKIP)(?: (.*))?$")
DONE = re.compile(r"WCNIC-DONE (-?\d+)")
INIT = re.compile(r"WCNIC-INIT ([\d.]+)")

EXIT_PASS, EXIT_FAIL, EXIT_SKIP = 0, 1, 77


@dataclass
class Check:
    name: str
    status: str
    detail: str = ""


class Console:
    """Parses the serial output as it arrives, in chunks that split lines."""

    def __init__(self, start):
        self._start = start
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._partial = ""
        self.checks = []
        self.lines = []
        self.done_status = None
        self.init_after = None
        self.done_after = None

    def feed(self, data):
        text = self._partial + self._decoder.decode(data)
        *complete, self._partial = text.split("\n")
        for line in complete:
            self._line(line.rstrip("\r"))

    def finish(self):
        if self._partial:
            self._line(self._partial.rstrip("\r"))
            self._partial = ""

    def _line(self, line):
        self.lines.append(line)
        now = time.monotonic() - self._start
        match = RESULT.search(line)
        if match:
            self.checks.append(Check(match.group(1), match.group(2), match.group(3) or ""))
        elif INIT.search(line) and self.init_after is None:
            self.init_after = now
        elif DONE.search(line) and self.done_status is None:
            self.done_status = int(DONE.search(line).group(1))
            self.done_after = now


@dataclass
class Outcome:
    name: str
    kernel: str
    accel: str
    log_path: str
    checks: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    tail: list = field(default_factory=list)
    timings: dict = field(default_factory=dict)
    qemu_status: int = None

    def add(self, name, status, detail=""):
        """A check made on the host (after or around the boot)."""
        if status not in ("PASS", "FAIL", "SKIP"):
            raise ValueError(f"status must be PASS, FAIL or SKIP, not {status!r}")
        self.checks.append(Check(name, status, detail))

    def count(self, status):
        return sum(1 for check in self.checks if check.status == status)

    def exit_code(self):
        if self.problems or self.count("FAIL"):
            return EXIT_FAIL
        if self.count("PASS"):
            return EXIT_PASS
        return EXIT_SKIP if self.count("SKIP") else EXIT_FAIL

    def report(self, out):
        """A readable summary; when skipped, first a line 'SKIP: <reasons>'."""
        code = self.exit_code()
        if code == EXIT_SKIP:
            print("SKIP: " + "; ".join(f"{c.name}: {c.detail}" for c in self.checks), file=out)
        timing = ", ".join(f"{key} {value:.1f} s" for key, value in self.timings.items())
        print(f"{self.name}: kernel {self.kernel}, {self.accel}; {timing}", file=out)
        for check in self.checks:
            print(f"  {check.status} {check.name}" + (f": {check.detail}" if check.detail else ""),
                  file=out)
        for problem in self.problems:
            print(f"  FAIL {problem}", file=out)
        if code == EXIT_FAIL and self.tail:
            print("last console lines:", file=out)
            for line in self.tail:
                print(f"  | {line}", file=out)
        print(f"console log: {self.log_path}", file=out)
        print(f"{self.count('PASS')} passed, {self.count('FAIL') + len(self.problems)} failed, "
              f"{self.count('SKIP')} skipped", file=out)
        return code

# SPDX-License-Identifier: BSD-3-Clause
"""Run one boot as a test: summary on stdout, exit status 0 pass, 1 fail,
77 skip (meson's convention), 128+N when a signal N stopped it."""
import sys
import traceback

from .guest import Guest, Interrupted
from .host import Skip
from .results import EXIT_FAIL, EXIT_SKIP


def run(script, *, before=None, after=None, out=sys.stdout, **options):
    """Boot `script` in a guest (options: see Guest) and report.

    before(guest): called once the kernel, initramfs and /dev/shm files are
    ready and QEMU has not started (e.g. to fill guest.bar_path).
    after(guest, outcome): called once QEMU has stopped and the files still
    exist; add host-side checks with outcome.add(name, status, detail)."""
    try:
        with Guest(script, **options) as guest:
            if before:
                before(guest)
            outcome = guest.run()
            if after:
                after(guest, outcome)
            return outcome.report(out)
    except Skip as skip:
        print(f"SKIP: {skip}", file=out)
        return EXIT_SKIP
    except Interrupted as stop:
        print(f"FAIL: {stop}; QEMU stopped and files removed", file=out)
        return 128 + stop.signum
    except KeyboardInterrupt:
        print("FAIL: interrupted; QEMU stopped and files removed", file=out)
        return 130
    except (FileNotFoundError, ValueError) as err:  # a missing file, a bad option
        print(f"FAIL: {err}", file=out)
        return EXIT_FAIL
    except Exception:  # any other host-side failure fails the test, with its trace
        traceback.print_exc(file=out)
        return EXIT_FAIL

# SPDX-License-Identifier: BSD-3-Clause
"""The host side of a guest test while the guest runs (the role the device
model plays later): prepare the BAR, say ready, stay until the bench stops
it with SIGTERM."""
import os
import signal
from pathlib import Path


def serve(prepare):
    """Call prepare(bar_path, bar_size), create the ready file, wait for SIGTERM.

    SIGTERM is blocked first, so a stop that arrives while preparing is
    kept for the wait instead of killing the process half-way.
    """
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    prepare(os.environ["WCNIC_GUEST_BAR"], int(os.environ["WCNIC_GUEST_BAR_SIZE"]))
    Path(os.environ["WCNIC_GUEST_READY"]).touch()
    signal.sigwait({signal.SIGTERM})
    print("stopped by SIGTERM", flush=True)
    return 0

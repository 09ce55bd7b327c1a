# SPDX-License-Identifier: BSD-3-Clause
"""guestbench: boot a Debian kernel under QEMU with a guest script, the VFIO
modules and host programs, and collect the script's results from the serial
console. See doc/guest-bench.md."""
from .companion import serve as serve_companion
from .guest import DEFAULT_BAR_SIZE, DEFAULT_RAM_MB, DEFAULT_TIMEOUT, Guest, Interrupted
from .headers import fetch_headers
from .host import Skip
from .kernel import DEFAULT_SERIES, SERIES, VFIO_MODULES, fetch
from .results import Outcome
from .runner import run

__all__ = ["DEFAULT_BAR_SIZE", "DEFAULT_RAM_MB", "DEFAULT_SERIES", "DEFAULT_TIMEOUT", "Guest",
           "Interrupted", "Outcome", "SERIES", "Skip", "VFIO_MODULES", "fetch", "fetch_headers",
           "run", "serve_companion"]

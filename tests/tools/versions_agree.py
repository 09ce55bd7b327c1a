#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""versions_agree.py VERSION DKMS_CONF: the module's version (dkms.conf's
PACKAGE_VERSION, which DKMS reads literally) is the project's (VERSION)."""
import re
import sys
from pathlib import Path


def main(argv):
    version, dkms_conf = argv[1], Path(argv[2])
    found = re.search(r'^PACKAGE_VERSION="([^"]*)"', dkms_conf.read_text(encoding="utf-8"), re.M)
    module = found.group(1) if found else None
    if module != version:
        print(f"FAIL {dkms_conf}: PACKAGE_VERSION {module!r}, the project's version is "
              f"{version!r} (VERSION)")
        return 1
    print(f"ok   the module's version is the project's: {version}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

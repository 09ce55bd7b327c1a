#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""app/platforms/debian.py on made-up machines: which release a system is,
and which archive entries setup derives from apt's own configuration.

usage: test_debian.py
Every case writes an /etc tree into a temporary folder; nothing on this
machine is read or changed. Exit 0 pass, 1 fail.
"""
import os
import sys
import tempfile
from pathlib import Path

import debian
from check import Check

OS_RELEASES = {
    "bookworm": 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nVERSION_ID="12"\nID=debian\n',
    "trixie": 'PRETTY_NAME="Debian GNU/Linux 13 (trixie)"\nVERSION_ID="13"\nID=debian\n',
    "sid": 'PRETTY_NAME="Debian GNU/Linux forky/sid"\nVERSION_CODENAME=forky\nID=debian\n',
}
UNSUPPORTED = {
    "Debian 11": 'PRETTY_NAME="Debian GNU/Linux 11 (bullseye)"\nVERSION_ID="11"\nID=debian\n',
    "Ubuntu": 'PRETTY_NAME="Ubuntu 24.04 LTS"\nVERSION_ID="24.04"\nID=ubuntu\nID_LIKE=debian\n',
    "testing without sid": 'PRETTY_NAME="Debian GNU/Linux forky"\nID=debian\n',
}

# A machine with a deb822 file (one disabled stanza), a one-line list with
# options, and an unrelated third-party source.
DEB822 = """\
Types: deb
URIs: http://mirror.example/debian
Suites: bookworm bookworm-updates
Components: main contrib
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://mirror.example/debian
Suites: bookworm-backports
Components: main
Enabled: no
"""
ONE_LINE = """\
# security, as the installer writes it
deb [arch=amd64 signed-by=/usr/share/keyrings/sec.gpg] http://sec.example/debian-security bookworm-security main
deb-src http://mirror.example/debian bookworm main
"""
THIRD_PARTY = "deb https://vendor.example/apt stable-vendor main\n"


def make_etc(top, os_release, sources):
    etc = Path(top) / "etc"
    (etc / "apt" / "sources.list.d").mkdir(parents=True)
    (etc / "os-release").write_text(os_release, encoding="utf-8")
    for name, text in sources.items():
        (etc / "apt" / name).write_text(text, encoding="utf-8")
    return str(etc / "os-release")


def fields(stanzas):
    """deb822 text -> list of dicts, one per stanza."""
    return [dict(line.split(": ", 1) for line in stanza.splitlines() if ": " in line)
            for stanza in stanzas.strip().split("\n\n")]


def main():
    check = Check()
    with tempfile.TemporaryDirectory() as top:
        for release, text in OS_RELEASES.items():
            path = make_etc(os.path.join(top, release), text, {})
            found = debian.current_release(path)
            check.that(found == release, f"os-release of {release} -> {found}")
        for what, text in UNSUPPORTED.items():
            path = make_etc(os.path.join(top, what.replace(" ", "-")), text, {})
            try:
                debian.current_release(path)
                check.that(False, f"{what} refused")
            except debian.Unsupported as err:
                check.that("supported: Debian 12 (bookworm), Debian 13 (trixie) and sid"
                           in str(err), f"{what} refused with the supported list: {err}")

        root = os.path.join(top, "machine")
        make_etc(root, OS_RELEASES["bookworm"],
                 {"sources.list": ONE_LINE, "sources.list.d/debian.sources": DEB822,
                  "sources.list.d/vendor.list": THIRD_PARTY,
                  "sources.list.d/old.list.disabled": "deb http://nowhere.example x y\n"})

        src = fields(debian.deb_src_stanzas("bookworm", root))
        check.that([s["Types"] for s in src] == ["deb-src", "deb-src"],
                   f"deb-src stanzas only: {[s['Types'] for s in src]}")
        check.that({s["URIs"]: s["Suites"] for s in src} ==
                   {"http://sec.example/debian-security": "bookworm-security",
                    "http://mirror.example/debian": "bookworm bookworm-updates"},
                   f"deb-src for the machine's own mirrors and suites, security included: {src}")
        check.that(all("vendor" not in s["URIs"] and "nowhere" not in s["URIs"] for s in src),
                   "third-party and disabled sources left out")
        signed = {s["URIs"]: s.get("Signed-By") for s in src}
        check.that(signed["http://sec.example/debian-security"] == "/usr/share/keyrings/sec.gpg"
                   and signed["http://mirror.example/debian"] ==
                   "/usr/share/keyrings/debian-archive-keyring.gpg",
                   f"each entry keeps its keyring: {signed}")
        check.that(all("bookworm-backports" not in s["Suites"] for s in src),
                   "a stanza with 'Enabled: no' is left out")

        mirror = debian.mirror("bookworm", root)
        check.that(mirror == "http://mirror.example/debian", f"mirror of the main suite: {mirror}")

        trixie = fields(debian.sources_for("trixie", "bookworm", root))
        check.that({s["URIs"]: s["Suites"] for s in trixie} ==
                   {"http://sec.example/debian-security": "trixie-security",
                    "http://mirror.example/debian": "trixie trixie-updates"},
                   f"a trixie root's sources come from the same mirrors: {trixie}")
        sid = fields(debian.sources_for("sid", "bookworm", root))
        check.that([(s["URIs"], s["Suites"]) for s in sid] ==
                   [("http://mirror.example/debian", "sid")],
                   f"a sid root has its main suite only: {sid}")

        backports = fields(debian.backports_stanza("bookworm", root))
        check.that(backports[0]["URIs"] == "http://mirror.example/debian" and
                   backports[0]["Suites"] == "bookworm-backports",
                   f"backports from the main suite's mirror: {backports}")

        # A trixie root made from this machine (debian_root writes sources_for
        # into it): its backports suite, for a newer guest kernel, comes from
        # the same mirror, with the same keyring.
        trixie_root = os.path.join(top, "trixie-root")
        make_etc(trixie_root, OS_RELEASES["trixie"], {
            "sources.list.d/debian.sources": debian.sources_for("trixie", "bookworm", root)})
        root_backports = fields(debian.backports_stanza("trixie", trixie_root))
        check.that([(s["URIs"], s["Suites"], s.get("Signed-By")) for s in root_backports] ==
                   [("http://mirror.example/debian", "trixie-backports",
                     "/usr/share/keyrings/debian-archive-keyring.gpg")],
                   f"a trixie root's backports from the machine's mirror: {root_backports}")

        aliases = os.path.join(top, "aliases")
        make_etc(aliases, OS_RELEASES["sid"],
                 {"sources.list": "deb http://mirror.example/debian unstable main\n"})
        check.that(debian.mirror("sid", aliases) == "http://mirror.example/debian",
                   "'unstable' counts as sid's main suite")

        empty = os.path.join(top, "empty")
        make_etc(empty, OS_RELEASES["trixie"], {"sources.list": THIRD_PARTY})
        try:
            debian.deb_src_stanzas("trixie", empty)
            check.that(False, "no Debian entry: an error")
        except LookupError as err:
            check.that("no 'deb' entry for Debian trixie" in str(err),
                       f"no Debian entry: an error naming the release ({err})")
    return 1 if check.failures else 0


if __name__ == "__main__":
    sys.exit(main())

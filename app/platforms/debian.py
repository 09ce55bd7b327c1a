# SPDX-License-Identifier: BSD-3-Clause
"""The Debian releases the project supports, and the machine's own apt sources.

Everything that needs a package archive (deb-src entries for the DPDK source
package, a backports suite for a newer guest kernel, the mirror a Debian root
is bootstrapped from) takes its address from the entries apt is already
configured with, never from a literal: users sit behind mirrors and proxies.

Run as a program it answers the setup script (./wcnic):
  debian.py release            codename of this machine's release, or exit 3
                               with a line naming the supported ones
  debian.py deb-src            deb822 deb-src stanzas for this release's suites
  debian.py sources TARGET     deb822 deb stanzas for release TARGET, from this
                               machine's mirrors (what a root of TARGET uses)
  debian.py mirror             the URI this release's main suite comes from
"""
import glob
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field

# codename -> (os-release VERSION_ID, names apt users give its main suite,
# whether it has -updates/-security suites).
RELEASES = {
    "bookworm": ("12", ("bookworm", "oldstable"), True),
    "trixie": ("13", ("trixie", "stable"), True),
    "sid": (None, ("sid", "unstable"), False),
}
SUPPORTED = "Debian 12 (bookworm), Debian 13 (trixie) and sid"
STABLE_SUFFIXES = ("-updates", "-security")


class Unsupported(Exception):
    """This machine runs a system the project does not support."""


def current_release(os_release="/etc/os-release"):
    """The supported release this machine runs (its codename)."""
    fields = {}
    try:
        with open(os_release, encoding="utf-8") as text:
            for line in text:
                key, sep, value = line.strip().partition("=")
                if sep:
                    fields[key] = value.strip('"')
    except OSError as err:
        raise Unsupported(f"cannot read {os_release}: {err}") from err
    name = fields.get("PRETTY_NAME", "an unknown system")
    if fields.get("ID") != "debian":
        raise Unsupported(f"this is {name}; supported: {SUPPORTED}")
    version = fields.get("VERSION_ID")
    for codename, (version_id, _, _) in RELEASES.items():
        if version_id and version == version_id:
            return codename
    # Unstable (and testing, which shares its base-files) has no VERSION_ID
    # and names itself "<next>/sid".
    if version is None and "sid" in name:
        return "sid"
    raise Unsupported(f"this is {name}; supported: {SUPPORTED}")


@dataclass
class Entry:
    """One apt source: deb822 fields; one-line entries are converted."""
    types: list
    uris: list
    suites: list
    components: list
    options: dict = field(default_factory=dict)   # Signed-By, Architectures, ...

    def render(self, types, suites):
        lines = [f"Types: {types}", f"URIs: {' '.join(self.uris)}",
                 f"Suites: {' '.join(suites)}", f"Components: {' '.join(self.components)}"]
        lines += [f"{key}: {value}" for key, value in self.options.items()]
        return "\n".join(lines) + "\n"


def _parse_deb822(text):
    for stanza in re.split(r"\n\s*\n", text):
        fields, key = {}, None
        for line in stanza.splitlines():
            if line.startswith("#") or not line.strip():
                continue
            if line[0].isspace() and key:
                fields[key] += "\n" + line.strip()
                continue
            key, _, value = line.partition(":")
            key = key.strip()
            fields[key] = value.strip()
        if not fields.get("Types") or fields.pop("Enabled", "yes").lower() == "no":
            continue
        yield Entry(fields.pop("Types").split(), fields.pop("URIs", "").split(),
                    fields.pop("Suites", "").split(), fields.pop("Components", "").split(),
                    fields)


_OPTION_NAMES = {"signed-by": "Signed-By", "arch": "Architectures", "trusted": "Trusted"}


def _parse_one_line(text):
    for line in text.splitlines():
        words = line.split("#", 1)[0].split()
        if len(words) < 3 or words[0] not in ("deb", "deb-src"):
            continue
        options = {}
        rest = words[1:]
        if rest[0].startswith("["):
            opts = []
            while rest:
                word = rest.pop(0)
                opts.append(word.strip("[]"))
                if word.endswith("]"):
                    break
            for opt in filter(None, opts):
                key, _, value = opt.partition("=")
                options[_OPTION_NAMES.get(key, key)] = value
        if len(rest) < 2:
            continue
        yield Entry([words[0]], [rest[0]], [rest[1]], rest[2:], options)


def read_sources(root="/"):
    """Every enabled entry of apt's configuration below root."""
    etc = os.path.join(root, "etc/apt")
    entries = []
    for path in [os.path.join(etc, "sources.list")] + sorted(
            glob.glob(os.path.join(etc, "sources.list.d", "*.list"))):
        if os.path.isfile(path):
            with open(path, encoding="utf-8") as text:
                entries += _parse_one_line(text.read())
    for path in sorted(glob.glob(os.path.join(etc, "sources.list.d", "*.sources"))):
        with open(path, encoding="utf-8") as text:
            entries += _parse_deb822(text.read())
    return entries


def _suite_parts(suite, release):
    """(main-suite alias, suffix) when suite belongs to release, else None."""
    for alias in RELEASES[release][1]:
        if suite == alias or (suite.startswith(alias + "-") and
                              suite[len(alias):] in STABLE_SUFFIXES + ("-backports",)):
            return alias, suite[len(alias):]
    return None


def release_entries(release, root="/"):
    """The 'deb' entries of release's own suites, reduced to those suites."""
    found = []
    for entry in read_sources(root):
        suites = [s for s in entry.suites if _suite_parts(s, release)]
        if "deb" in entry.types and suites:
            found.append(Entry(["deb"], entry.uris, suites, entry.components, entry.options))
    if not found:
        raise LookupError(f"apt has no 'deb' entry for Debian {release} "
                          f"(looked in {os.path.join(root, 'etc/apt')})")
    return found


def deb_src_stanzas(release, root="/"):
    """deb-src entries mirroring the deb entries of release (updates and security too)."""
    return "\n".join(e.render("deb-src", e.suites) for e in release_entries(release, root))


def mirror(release, root="/"):
    """The URI the release's main suite comes from."""
    for entry in release_entries(release, root):
        if any(_suite_parts(s, release)[1] == "" for s in entry.suites):
            return entry.uris[0]
    raise LookupError(f"apt has no entry for Debian {release}'s main suite")


def sources_for(target, release, root="/"):
    """deb822 'deb' entries for target built from this machine's entries of release:
    the same mirrors, the target's suites (sid has only its main suite)."""
    has_stable_suites = RELEASES[target][2]
    stanzas = []
    for entry in release_entries(release, root):
        suites = []
        for suite in entry.suites:
            _, suffix = _suite_parts(suite, release)
            if suffix == "" or (has_stable_suites and suffix in STABLE_SUFFIXES):
                suites.append(target + suffix)
        if suites:
            stanzas.append(entry.render("deb", suites))
    return "\n".join(stanzas)


def backports_stanza(release, root="/"):
    """A deb entry for release-backports on the mirror of its main suite."""
    main = next(e for e in release_entries(release, root)
                if any(_suite_parts(s, release)[1] == "" for s in e.suites))
    return main.render("deb", [release + "-backports"])


# apt settings on how to reach the archive (proxies, whether an archive's
# Release file may be past its Valid-Until date, as on snapshot mirrors): a
# root bootstrapped from this machine's mirror needs the same to reach it.
ACCESS_SETTINGS = re.compile(r'^Acquire::(Check-Valid-Until|Check-Date|(http|https|ftp)::Proxy\S*) ')


def access_settings():
    """This machine's apt settings on reaching the archive, as apt.conf lines."""
    dump = subprocess.run(["apt-config", "dump"], capture_output=True, text=True, check=False)
    return "".join(line + "\n" for line in dump.stdout.splitlines()
                   if ACCESS_SETTINGS.match(line))


def main(argv):
    try:
        release = current_release()
        if argv == ["release"]:
            print(release)
        elif argv == ["deb-src"]:
            print(deb_src_stanzas(release), end="")
        elif argv == ["mirror"]:
            print(mirror(release))
        elif len(argv) == 2 and argv[0] == "sources" and argv[1] in RELEASES:
            print(sources_for(argv[1], release), end="")
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except Unsupported as err:
        print(f"unsupported system: {err}", file=sys.stderr)
        return 3
    except LookupError as err:
        print(err, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

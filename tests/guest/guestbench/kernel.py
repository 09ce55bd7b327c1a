# SPDX-License-Identifier: BSD-3-Clause
"""Guest kernels from Debian's archive, unpacked into the cache (.deps/guest/).

Nothing is installed: the host's /boot, /lib/modules and package database stay
as they are. `apt-get download` fetches the packages, which are unpacked into
folders named by the kernel ABI (the /lib/modules name, e.g. 6.1.0-56-amd64),
so a second run downloads nothing. The ABI is not written down anywhere: it is
read from the linux-image-amd64 metapackage, because the archive moves on and
drops superseded kernels.

A series of another Debian release than this machine's is looked up and
downloaded by apt in a Debian root of that release (host.Apt); its packages
land in the same cache.
"""
import json
import lzma
import os
import re
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import elf
from .host import CACHE, Apt, HostError, Skip, brief, cache_lock, find_program, is_root, run


@dataclass(frozen=True)
class Series:
    """Where Debian publishes a kernel series."""
    release: str    # whose apt knows it; a root of it builds its modules
    suite: str      # the suite of that release it comes from
    abi: str        # a regular expression its ABIs match

    @property
    def backports(self):
        return self.suite.endswith("-backports")


# Kernel series a guest can boot. The ABIs carry the Debian release they were
# built for (+deb12, +deb13, +deb14 for sid) from 6.12 on: that is what tells
# trixie's 6.12 from bookworm-backports' in the cache.
SERIES = {
    "6.1": Series("bookworm", "bookworm", r"6\.1\.0-\d+-amd64"),
    "6.12": Series("bookworm", "bookworm-backports", r"6\.12\.\d+\+deb12-amd64"),
    "6.12+deb13": Series("trixie", "trixie", r"6\.12\.\d+\+deb13-amd64"),
    "7.3": Series("trixie", "trixie-backports", r"7\.3\.\d+\+deb13-amd64"),
    "7.2": Series("sid", "sid", r"7\.2\.\d+\+deb14-amd64"),
}
DEFAULT_SERIES = "6.1"

# What a VFIO guest loads; dependencies (irqbypass, vfio, vfio_virqfd on 6.1,
# vfio_pci_core) follow from each module's own 'depends' list.
VFIO_MODULES = ("vfio_iommu_type1", "vfio_pci")

DEBS = CACHE / "debs"


def _series_of(abi):
    return next((s for s, info in SERIES.items() if re.fullmatch(info.abi, abi)), None)


def _abi_key(abi):
    return [int(n) for n in re.findall(r"\d+", abi)]


def _version_gt(a, b):
    return subprocess.run(["dpkg", "--compare-versions", a, "gt", b],
                          check=False).returncode == 0


def _candidates(apt, series):
    """(metapackage version, ABI) pairs apt knows for a series, newest first."""
    try:
        text = apt.run(["apt-cache", "show", "linux-image-amd64"])
    except HostError:
        return []
    pattern = re.compile(r"linux-image-(" + SERIES[series].abi + ")")
    found = []
    for stanza in text.split("\n\n"):
        fields = dict(line.split(": ", 1) for line in stanza.splitlines()
                      if ": " in line and not line.startswith(" "))
        for dep in re.split(r"[,|]", fields.get("Depends", "")):
            match = pattern.fullmatch(dep.split()[0]) if dep.strip() else None
            if match:
                found.append((fields["Version"], match.group(1)))
    newest_first = []
    for item in found:
        pos = next((i for i, other in enumerate(newest_first) if _version_gt(item[0], other[0])),
                   len(newest_first))
        newest_first.insert(pos, item)
    return newest_first


def _current_abi(apt, series):
    """The ABI linux-image-amd64 points to for a series; None when apt cannot tell."""
    found = _candidates(apt, series)
    if not found and is_root():
        # A backports series needs that suite; any series may need fresh lists.
        if SERIES[series].backports:
            apt.add_backports()
        try:
            apt.update()
        except HostError:
            return None
        found = _candidates(apt, series)
    return found[0][1] if found else None


def _cached_deb(package):
    """The newest .deb of a package in the cache; HostError when there is none."""
    debs = sorted(DEBS.glob(f"{package}_*.deb"), key=os.path.getmtime)
    if not debs:
        raise HostError(f"no {package} package in {DEBS}")
    return debs[-1]


def download(apt, package):
    """apt-get download a package into the cache once; return the .deb path."""
    if not any(DEBS.glob(f"{package}_*.deb")):
        DEBS.mkdir(parents=True, exist_ok=True)
        apt.share(DEBS)
        apt.run(["apt-get", "download", "-q", package], cwd=DEBS.resolve())
    return _cached_deb(package)


def _members(deb):
    """Stream the files of a .deb: (path inside the package, tar member, tar)."""
    with subprocess.Popen(["dpkg-deb", "--fsys-tarfile", str(deb)],
                          stdout=subprocess.PIPE) as proc:
        with tarfile.open(fileobj=proc.stdout, mode="r|") as tar:
            for member in tar:
                if member.isfile():
                    yield member.name.removeprefix("./"), member, tar
        if proc.wait() != 0:
            raise HostError(f"dpkg-deb --fsys-tarfile {deb} failed")


def _module_bytes(path, raw):
    return lzma.decompress(raw) if path.endswith(".xz") else raw


def _pvh_vmlinux(bzimage):
    """The ELF kernel inside a bzImage (xz: 6.1, zstd: 6.12 and 7.x), or None.

    QEMU boots such an ELF straight through its PVH entry point: under TCG
    that saves the guest decompressing itself, half of a boot."""
    setup_sects = bzimage[0x1F1] or 4
    offset, length = struct.unpack_from("<II", bzimage, 0x248)
    start = (setup_sects + 1) * 512 + offset
    # The payload ends with the uncompressed size, which no decompressor wants.
    payload = bzimage[start:start + length - 4]
    vmlinux = None
    if payload.startswith(b"\xfd7zXZ\0"):
        vmlinux = lzma.decompress(payload, format=lzma.FORMAT_XZ)
    elif payload.startswith(b"\x28\xb5\x2f\xfd") and find_program("zstd"):
        vmlinux = subprocess.run(["zstd", "-dc"], input=payload, capture_output=True,
                                 check=False).stdout
    return vmlinux if vmlinux and elf.is_elf(vmlinux) else None


class Kernel:
    """One cached kernel: its boot image, an index of its modules, modules on demand."""

    def __init__(self, abi):
        self.abi = abi
        self.series = _series_of(abi)
        self.dir = CACHE / f"kernel-{abi}"
        self._index_path = self.dir / "index.json"
        self._index = None

    @property
    def image(self):
        """What QEMU's -kernel gets: the PVH-bootable vmlinux when the kernel
        has one (CONFIG_PVH), else the bzImage."""
        vmlinux = self.dir / "vmlinux"
        return vmlinux if vmlinux.exists() else self.dir / "vmlinuz"

    @property
    def complete(self):
        return self._index_path.exists()

    def _packages(self, get):
        """The kernel's .deb files, each from get(package): linux-image-<abi> and
        what it depends on that is named for the ABI. From 7.x on Debian's
        linux-image-<abi> is a metapackage: the kernel is in linux-binary-<abi>,
        the modules in linux-modules-<abi>, config and modules.builtin in
        linux-base-<abi>."""
        image = get(f"linux-image-{self.abi}")
        depends = run(["dpkg-deb", "--field", str(image), "Depends"])
        names = {alt.split()[0] for alt in re.split(r"[,|]", depends) if alt.strip()}
        return [image, *(get(name) for name in sorted(names)
                         if name.startswith("linux-") and name.endswith("-" + self.abi))]

    def download(self, apt):
        """Download the kernel's packages that are not cached yet."""
        self._packages(lambda package: download(apt, package))

    def _files(self):
        """Every file of the kernel's cached packages: (path, tar member, tar)."""
        for deb in self._packages(_cached_deb):
            yield from _members(deb)

    @property
    def index(self):
        if self._index is None:
            self._index = json.loads(self._index_path.read_text(encoding="utf-8"))
        return self._index

    def unpack(self):
        """Write the boot image and the module index from the packages (once)."""
        # Up to 6.x the image and config are in /boot; 7.x has all of it in
        # /usr/lib/modules/<abi>/ (vmlinuz, config).
        where = re.compile(r"(?:usr/)?lib/modules/{0}/(.+)|boot/(vmlinuz|config)-{0}".format(
            re.escape(self.abi)))
        tmp = Path(tempfile.mkdtemp(prefix=f".kernel-{self.abi}.", dir=CACHE))
        tmp.chmod(0o755)
        try:
            modules, builtin, bzimage, pvh = {}, [], None, False
            for path, member, tar in self._files():
                found = where.fullmatch(path)
                name = found and (found.group(1) or found.group(2))
                if name == "vmlinuz":
                    bzimage = tar.extractfile(member).read()
                elif name == "config":
                    pvh = b"\nCONFIG_PVH=y\n" in tar.extractfile(member).read()
                elif name == "modules.builtin":
                    builtin = [elf.module_name(line) for line in
                               tar.extractfile(member).read().decode().split()]
                elif name and re.search(r"\.ko(\.xz)?$", path):
                    data = _module_bytes(path, tar.extractfile(member).read())
                    modules[elf.module_name(path)] = {
                        "path": path, "depends": elf.depends(data)}
            if not bzimage or not modules:
                raise HostError(f"the packages of {self.abi} have no vmlinuz or no modules")
            vmlinux = _pvh_vmlinux(bzimage) if pvh else None
            if vmlinux:
                (tmp / "vmlinux").write_bytes(vmlinux)
            else:
                (tmp / "vmlinuz").write_bytes(bzimage)
            (tmp / "modules").mkdir()
            with open(tmp / "index.json", "w", encoding="utf-8") as out:
                json.dump({"modules": modules, "builtin": builtin}, out, indent=1)
            shutil.rmtree(self.dir, ignore_errors=True)
            tmp.rename(self.dir)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def load_order(self, names):
        """Modules to insmod for `names`, dependencies first; built-ins left out."""
        mods, builtin = self.index["modules"], set(self.index["builtin"])
        order = []

        def visit(name):
            name = name.replace("-", "_")
            if name in builtin or name in order:
                return
            if name not in mods:
                raise ValueError(f"kernel {self.abi} has no module {name}")
            for dep in mods[name]["depends"]:
                visit(dep)
            order.append(name)

        for name in names:
            visit(name)
        return order

    def modules(self, names=VFIO_MODULES):
        """Uncompressed .ko files for `names` and their dependencies, in load order."""
        order = self.load_order(names)
        files = [self.dir / "modules" / f"{name}.ko" for name in order]
        missing = {self.index["modules"][n]["path"]: f for n, f in zip(order, files)
                   if not f.exists()}
        if missing:
            with cache_lock():
                for path, member, tar in self._files():
                    if path in missing:
                        tmp = missing[path].with_suffix(".tmp")
                        tmp.write_bytes(_module_bytes(path, tar.extractfile(member).read()))
                        tmp.rename(missing[path])
        return files


def _cached(series):
    kernels = [Kernel(d.name.removeprefix("kernel-")) for d in CACHE.glob("kernel-*")]
    kernels = [k for k in kernels if k.series == series and k.complete]
    return sorted(kernels, key=lambda k: _abi_key(k.abi), reverse=True)


def _download_newest(apt, series):
    """(kernel, None) for the newest kernel apt names, unpacked; (None, why) when
    that fails. The caller holds the cache lock."""
    suite = SERIES[series].suite
    problem = f"apt knows no linux-image-amd64 for {series} ({suite})"
    if SERIES[series].backports and not is_root():
        problem += f"; run once as root to add {suite} to apt's sources"
    for attempt in range(2):
        abi = _current_abi(apt, series)
        if not abi:
            break
        kernel = Kernel(abi)
        try:
            kernel.download(apt)
            if not kernel.complete:
                kernel.unpack()
            kernel.modules()
            return kernel, None
        except HostError as err:
            problem = brief(str(err))
        if attempt or not is_root():
            break
        # Stale lists name a kernel the archive has dropped: refresh, retry.
        try:
            apt.update()
        except HostError:
            break
    return None, problem


def fetch(series=DEFAULT_SERIES):
    """The newest kernel of a series, downloaded and unpacked at most once.

    Falls back to the newest cached kernel of the series when the archive
    cannot provide it; raises Skip when there is none."""
    if series not in SERIES:
        raise ValueError(f"kernel series {series!r} unknown; choose from {', '.join(SERIES)}")
    try:
        with Apt(SERIES[series].release) as apt:
            found = _candidates(apt, series)
            if found and Kernel(found[0][1]).complete:
                # Nothing to write: no lock, so that a read-only cache serves other users.
                return Kernel(found[0][1])
            with cache_lock():
                kernel, problem = _download_newest(apt, series)
    except Skip as unusable:
        kernel, problem = None, str(unusable)
    if kernel:
        return kernel
    cached = _cached(series)
    if cached:
        print(f"note: using cached kernel {cached[0].abi}: {problem}", file=sys.stderr)
        return cached[0]
    raise Skip(f"cannot fetch a {series} guest kernel: {problem}")

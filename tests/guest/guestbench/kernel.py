# SPDX-License-Identifier: BSD-3-Clause
"""Guest kernels from Debian's archive, unpacked into the cache (.deps/guest/).

Nothing is installed: the host's /boot, /lib/modules and package database stay
as they are. `apt-get download` fetches the packages, which are unpacked into
folders named by the kernel ABI (the /lib/modules name, e.g. 6.1.0-56-amd64),
so a second run downloads nothing. The ABI is not written down anywhere: it is
read from the linux-image-amd64 metapackage, because the archive moves on and
drops superseded kernels.
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
from pathlib import Path

from . import elf
from .host import (CACHE, HostError, Skip, add_backports_source, apt_update, cache_lock,
                   find_program, is_root, run)

# Kernel series a guest can boot, and where Debian 12 publishes them.
SERIES = {
    "6.1": "bookworm (bookworm-security)",
    "6.12": "bookworm-backports",
}
DEFAULT_SERIES = "6.1"

# What a VFIO guest loads; dependencies (irqbypass, vfio, vfio_virqfd on 6.1,
# vfio_pci_core) follow from each module's own 'depends' list.
VFIO_MODULES = ("vfio_iommu_type1", "vfio_pci")

DEBS = CACHE / "debs"


def _series_of(abi):
    return next((s for s in SERIES if abi.startswith(s + ".")), None)


def _abi_key(abi):
    return [int(n) for n in re.findall(r"\d+", abi)]


def _version_gt(a, b):
    return subprocess.run(["dpkg", "--compare-versions", a, "gt", b],
                          check=False).returncode == 0


def _candidates(series):
    """(metapackage version, ABI) pairs apt knows for a series, newest first."""
    try:
        text = run(["apt-cache", "show", "linux-image-amd64"])
    except HostError:
        return []
    pattern = re.compile(r"linux-image-(" + re.escape(series) + r"\.\S+-amd64)")
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


def _current_abi(series):
    """The ABI linux-image-amd64 points to for a series; None when apt cannot tell."""
    found = _candidates(series)
    if not found and is_root():
        # 6.12 needs the backports suite; any series may need fresh lists.
        if series == "6.12":
            add_backports_source()
        try:
            apt_update()
        except HostError:
            return None
        found = _candidates(series)
    return found[0][1] if found else None


def _download(package):
    """apt-get download a package into the cache once; return the .deb path."""
    DEBS.mkdir(parents=True, exist_ok=True)
    debs = sorted(DEBS.glob(f"{package}_*.deb"), key=os.path.getmtime)
    if not debs:
        run(["apt-get", "download", "-q", package], cwd=DEBS)
        debs = sorted(DEBS.glob(f"{package}_*.deb"), key=os.path.getmtime)
    if not debs:
        raise HostError(f"apt-get download {package} left no .deb in {DEBS}")
    return debs[-1]


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
    """The ELF kernel inside a bzImage (xz: 6.1, zstd: 6.12), or None.

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

    @property
    def deb(self):
        return _download(f"linux-image-{self.abi}")

    @property
    def index(self):
        if self._index is None:
            self._index = json.loads(self._index_path.read_text(encoding="utf-8"))
        return self._index

    def unpack(self):
        """Write the boot image and the module index from the image package (once)."""
        prefix = re.compile(r"(?:usr/)?lib/modules/" + re.escape(self.abi) + r"/(.+)")
        tmp = Path(tempfile.mkdtemp(prefix=f".kernel-{self.abi}.", dir=CACHE))
        tmp.chmod(0o755)
        try:
            modules, builtin, bzimage, pvh = {}, [], None, False
            for path, member, tar in _members(self.deb):
                inner = prefix.fullmatch(path)
                if path == f"boot/vmlinuz-{self.abi}":
                    bzimage = tar.extractfile(member).read()
                elif path == f"boot/config-{self.abi}":
                    pvh = b"\nCONFIG_PVH=y\n" in tar.extractfile(member).read()
                elif inner and inner.group(1) == "modules.builtin":
                    builtin = [elf.module_name(line) for line in
                               tar.extractfile(member).read().decode().split()]
                elif inner and re.search(r"\.ko(\.xz)?$", path):
                    data = _module_bytes(path, tar.extractfile(member).read())
                    modules[elf.module_name(path)] = {
                        "path": path, "depends": elf.depends(data)}
            if not bzimage or not modules:
                raise HostError(f"{self.deb} has no vmlinuz or no modules for {self.abi}")
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
                for path, member, tar in _members(self.deb):
                    if path in missing:
                        tmp = missing[path].with_suffix(".tmp")
                        tmp.write_bytes(_module_bytes(path, tar.extractfile(member).read()))
                        tmp.rename(missing[path])
        return files


def _cached(series):
    kernels = [Kernel(d.name.removeprefix("kernel-")) for d in CACHE.glob("kernel-*")]
    kernels = [k for k in kernels if k.series == series and k.complete]
    return sorted(kernels, key=lambda k: _abi_key(k.abi), reverse=True)


def _brief(text):
    """First and last line of a command's failure (the command, then the cause)."""
    lines = text.strip().splitlines() or [""]
    return lines[0] if len(lines) == 1 else f"{lines[0]} ... {lines[-1]}"


def _download_newest(series):
    """(kernel, None) for the newest kernel apt names, unpacked; (None, why) when
    that fails. The caller holds the cache lock."""
    problem = f"apt knows no linux-image-amd64 for {series} ({SERIES[series]})"
    if series == "6.12" and not is_root():
        problem += "; run once as root to add bookworm-backports to apt's sources"
    for attempt in range(2):
        abi = _current_abi(series)
        if not abi:
            break
        kernel = Kernel(abi)
        try:
            if not kernel.complete:
                kernel.unpack()
            kernel.modules()
            return kernel, None
        except HostError as err:
            problem = _brief(str(err))
        if attempt or not is_root():
            break
        # Stale lists name a kernel the archive has dropped: refresh, retry.
        try:
            apt_update()
        except HostError:
            break
    return None, problem


def fetch(series=DEFAULT_SERIES):
    """The newest kernel of a series, downloaded and unpacked at most once.

    Falls back to the newest cached kernel of the series when the archive
    cannot provide it; raises Skip when there is none."""
    if series not in SERIES:
        raise ValueError(f"kernel series {series!r} unknown; choose from {', '.join(SERIES)}")
    found = _candidates(series)
    if found and Kernel(found[0][1]).complete:
        # Nothing to write: no lock, so that a read-only cache serves other users.
        return Kernel(found[0][1])
    try:
        with cache_lock():
            kernel, problem = _download_newest(series)
    except Skip as unwritable:
        kernel, problem = None, str(unwritable)
    if kernel:
        return kernel
    cached = _cached(series)
    if cached:
        print(f"note: using cached kernel {cached[0].abi}: {problem}", file=sys.stderr)
        return cached[0]
    raise Skip(f"cannot fetch a {series} guest kernel: {problem}")


class Headers:
    """linux-headers-<abi> and its -common and kbuild packages, unpacked (not
    installed) so that out-of-tree modules build with `make -C build_dir M=...`."""

    def __init__(self, kernel):
        self.abi = kernel.abi
        self.root = CACHE / f"headers-{kernel.abi}"
        self.build_dir = self.root / "usr" / "src" / f"linux-headers-{kernel.abi}"

    def make_command(self, module_dir, *targets):
        # Module BTF needs pahole and a vmlinux; 6.12's headers ship a vmlinux
        # but the host may lack pahole, and module BTF only serves BPF tools.
        return ["make", "-C", str(self.build_dir), f"M={Path(module_dir).resolve()}",
                "CONFIG_DEBUG_INFO_BTF_MODULES=", *(targets or ("modules",))]

    def unpack(self):
        package = f"linux-headers-{self.abi}"
        deps = re.findall(r"Depends: (linux-(?:headers|kbuild)-\S+)",
                          run(["apt-cache", "depends", package]))
        tmp = Path(tempfile.mkdtemp(prefix=f".headers-{self.abi}.", dir=CACHE))
        tmp.chmod(0o755)
        try:
            for name in (package, *deps):
                run(["dpkg-deb", "-x", str(_download(name)), str(tmp)])
            # The arch Makefile includes the -common tree by absolute path.
            makefile = tmp / self.build_dir.relative_to(self.root) / "Makefile"
            text = makefile.read_text(encoding="utf-8")
            makefile.write_text(re.sub(r"^include /", f"include {self.root}/", text,
                                       flags=re.M), encoding="utf-8")
            (tmp / ".complete").touch()
            shutil.rmtree(self.root, ignore_errors=True)
            tmp.rename(self.root)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


def fetch_headers(kernel):
    """Headers matching a fetched kernel, unpacked once; raises Skip when the
    archive cannot provide them."""
    headers = Headers(kernel)
    if (headers.root / ".complete").exists():
        return headers
    with cache_lock():
        if not (headers.root / ".complete").exists():
            try:
                headers.unpack()
            except HostError as err:
                raise Skip(f"cannot fetch linux-headers-{kernel.abi}: "
                           f"{_brief(str(err))}") from err
    return headers

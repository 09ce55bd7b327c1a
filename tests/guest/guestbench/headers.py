# SPDX-License-Identifier: BSD-3-Clause
"""Headers of a guest kernel, and out-of-tree module builds against them.

A kernel of this machine's release: linux-headers-<abi> and the packages it
depends on named linux-headers-* and linux-kbuild-* are unpacked, not
installed, into the cache (installing needs root, and for 6.12 drags in the
image package); modules build with this machine's compiler.

A kernel of another release: its headers ask for that release's compiler
(gcc-14 on trixie, gcc-16 on sid), which this machine does not have. So
linux-headers-<abi> is installed with apt in a Debian root of that release,
which brings the compiler, and modules build inside the root, their folder
shown there at its own path.
"""
import re
import shutil
import tempfile
from pathlib import Path

from .host import CACHE, Apt, HostError, Skip, brief, cache_lock, find_program, run
from .kernel import SERIES, download


def make_command(build_dir, module_dir, *targets):
    """`make -C build_dir M=module_dir`, with W=1 (the module builds without a
    warning at that level: doc/vfio-module.md)."""
    # Module BTF needs pahole and a vmlinux; 6.12's headers ship a vmlinux
    # but the host may lack pahole, and module BTF only serves BPF tools.
    return ["make", "-C", str(build_dir), f"M={Path(module_dir).resolve()}", "W=1",
            "CONFIG_DEBUG_INFO_BTF_MODULES=", *(targets or ("modules",))]


class Headers:
    """Headers unpacked in the cache; modules build on this machine."""

    def __init__(self, kernel, apt):
        self.abi, self.apt = kernel.abi, apt
        self.dir = CACHE / f"headers-{kernel.abi}"
        self.build_dir = self.dir / "usr" / "src" / f"linux-headers-{kernel.abi}"

    def make_command(self, module_dir, *targets):
        return make_command(self.build_dir, module_dir, *targets)

    def make(self, module_dir):
        """Build the module in module_dir; make's output, HostError when it fails."""
        return run(self.make_command(module_dir), merged=True)

    def prepare(self):
        """Unpack once; Skip when this machine lacks a program the build runs."""
        if not (self.dir / ".complete").exists():
            with cache_lock(), self.apt:
                if not (self.dir / ".complete").exists():
                    self._unpack()
        variables = (self.build_dir / ".kernelvariables").read_text(encoding="utf-8")
        compiler = re.search(r"^CC\s*=.*?(gcc-\d+)\s*$", variables, re.M)
        missing = [program for program in ("make", compiler.group(1) if compiler else "gcc")
                   if not find_program(program)]
        if missing:
            raise Skip(f"{', '.join(missing)} not found: cannot build modules for {self.abi} "
                       "(see config/guest-packages.txt)")

    def _unpack(self):
        package = f"linux-headers-{self.abi}"
        deps = re.findall(r"Depends: (linux-(?:headers|kbuild)-\S+)",
                          self.apt.run(["apt-cache", "depends", package]))
        tmp = Path(tempfile.mkdtemp(prefix=f".headers-{self.abi}.", dir=CACHE))
        tmp.chmod(0o755)
        try:
            for name in (package, *deps):
                run(["dpkg-deb", "-x", str(download(self.apt, name)), str(tmp)])
            # The arch Makefile includes the -common tree by absolute path.
            makefile = tmp / self.build_dir.relative_to(self.dir) / "Makefile"
            text = makefile.read_text(encoding="utf-8")
            makefile.write_text(re.sub(r"^include /", f"include {self.dir}/", text,
                                       flags=re.M), encoding="utf-8")
            (tmp / ".complete").touch()
            shutil.rmtree(self.dir, ignore_errors=True)
            tmp.rename(self.dir)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


class RootHeaders:
    """Headers installed in a Debian root of the kernel's release; modules
    build there."""

    def __init__(self, kernel, apt):
        self.abi, self.apt = kernel.abi, apt
        self.inside = Path("/usr/src") / f"linux-headers-{kernel.abi}"
        self.build_dir = apt.top / self.inside.relative_to("/")

    def make_command(self, module_dir, *targets):
        return ["chroot", str(self.apt.top), *make_command(self.inside, module_dir, *targets)]

    def make(self, module_dir):
        """Build the module in module_dir; make's output, HostError when it fails."""
        with self.apt:
            self.apt.share(module_dir)
            return self.apt.run(make_command(self.inside, module_dir), merged=True)

    def prepare(self):
        """Install what the build needs, once: the headers, which pull in their
        compiler, and make and binutils, which a minimal root lacks (without
        `as` every compiler-option probe of kbuild fails, then the build)."""
        with self.apt:
            missing = [package for package in (f"linux-headers-{self.abi}", "make", "binutils")
                       if not self.apt.installed(package)]
            if missing:
                self.apt.install(*missing)


def fetch_headers(kernel):
    """Headers for building modules against a fetched kernel, made ready once;
    raises Skip when they cannot be had."""
    apt = Apt(SERIES[kernel.series].release)
    headers = (Headers if apt.root is None else RootHeaders)(kernel, apt)
    try:
        headers.prepare()
    except HostError as err:
        raise Skip(f"cannot fetch linux-headers-{kernel.abi}: {brief(str(err))}") from err
    return headers

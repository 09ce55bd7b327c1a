# SPDX-License-Identifier: BSD-3-Clause
"""The guest's initramfs: busybox, /init, kernel modules, the guest script, and
host programs with every shared library they load, at the same paths.

Kept uncompressed: decompressing under TCG costs guest time on every boot
(0.7 s more before /init for a 69 MB archive through gzip -1).
"""
import os
import shlex
import subprocess
from pathlib import Path

from . import cpio
from .host import find_program
from .elf import is_dynamic, is_elf

HERE = Path(__file__).resolve().parent.parent
INIT = HERE / "init.sh"
GUEST_LIB = HERE / "guest-lib.sh"

# Guest paths the init script and guest-lib.sh agree on.
GUEST_DIR = "/wcnic"
GUEST_SCRIPT = f"{GUEST_DIR}/guest-script"
GUEST_ENV = f"{GUEST_DIR}/env"

BASE_DIRS = ("/bin", "/sbin", "/usr/bin", "/usr/sbin", "/proc", "/sys", "/dev", "/tmp",
             "/run", "/var", "/etc", "/root", GUEST_DIR, f"{GUEST_DIR}/modules")

# The x86-64 dynamic loader; programs name it as their interpreter.
LOADER = "/lib64/ld-linux-x86-64.so.2"

# Where the guest's dynamic loader looks without being told (Debian x86-64).
LOADER_DIRS = {"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64",
               "/lib", "/usr/lib"}


def parse_include(spec):
    """'SRC' or 'SRC=DEST': a host file or folder and its guest path (default: the same)."""
    src, sep, dest = str(spec).partition("=")
    src_path = Path(src)
    dest = dest if sep else str(src_path.absolute())
    if not dest.startswith("/"):
        raise ValueError(f"guest path must be absolute: {spec}")
    if not src_path.exists():
        raise FileNotFoundError(f"no such file to include: {src}")
    return src_path, os.path.normpath(dest)


def shared_libraries(path):
    """Host paths of the shared objects (and the loader) a dynamic ELF file needs.

    Asks the dynamic loader itself, as ldd(1) does, without ldd's shell
    wrapper: eight times faster over a folder of plugins."""
    proc = subprocess.run([LOADER, "--list", str(Path(path).absolute())], capture_output=True,
                          text=True, check=False)
    if proc.returncode != 0:
        raise FileNotFoundError(f"{LOADER} --list {path}: {proc.stderr.strip()}")
    libs = []
    for line in proc.stdout.splitlines():
        # "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)", "/lib64/ld-... (0x...)",
        # "linux-vdso.so.1 (0x...)" (in the kernel, no file)
        name, arrow, target = line.strip().partition(" => ")
        resolved = (target if arrow else name).split(" (")[0].strip()
        if resolved.startswith("/"):
            libs.append(resolved)
    return libs


class Image:
    """Files and symbolic links by guest path; written as one cpio archive."""

    def __init__(self):
        self._files = {}
        self._links = {}

    def add(self, dest, src=None, data=None, perm=None):
        if data is None:
            data = Path(src).read_bytes()
            perm = perm if perm is not None else Path(src).stat().st_mode & 0o777
        self._files[dest] = (data, 0o644 if perm is None else perm)

    def add_link(self, dest, target):
        self._links[dest] = target

    def add_program(self, src, dest):
        """A file at dest; when it is dynamically linked, its libraries at their host paths."""
        self.add(dest, src)
        data = self._files[dest][0]
        if not (is_elf(data) and is_dynamic(data)):
            return
        for lib in shared_libraries(src):
            if lib not in self._files:
                self.add(lib, lib)

    def include(self, spec):
        src, dest = parse_include(spec)
        if not src.is_dir():
            self.add_program(src, dest)
            return
        for root, _, names in os.walk(src, followlinks=True):
            for name in sorted(names):
                path = Path(root) / name
                guest_path = os.path.join(dest, str(path.relative_to(src)))
                target = os.path.realpath(path)
                if path.is_symlink() and os.path.isfile(target):
                    # Folders of plugins link to libraries: keep one copy,
                    # at its host path, like the loader would find it.
                    self.add_program(target, target)
                    self.add_link(guest_path, target)
                else:
                    self.add_program(path, guest_path)

    def extra_library_dirs(self):
        """Folders of included libraries the guest's loader would not search."""
        return sorted({os.path.dirname(p) for p in [*self._files, *self._links]
                       if ".so" in os.path.basename(p) and os.path.dirname(p) not in LOADER_DIRS})

    def write(self, out_path):
        dirs = set()
        for path in (*BASE_DIRS, *map(os.path.dirname, [*self._files, *self._links])):
            while path != "/":
                dirs.add(path)
                path = os.path.dirname(path)
        with open(out_path, "wb") as out:
            writer = cpio.Writer(out)
            # "." sets the mode of the root, else world-writable, which
            # programs that check their plugin paths (DPDK's EAL) refuse.
            writer.directory(".")
            for directory in sorted(dirs):
                writer.directory(directory.lstrip("/"), 0o1777 if directory == "/tmp" else 0o755)
            # The kernel opens /dev/console for init's stdio before /init runs.
            writer.char_device("dev/console", 5, 1)
            for dest in sorted(self._files):
                data, perm = self._files[dest]
                writer.file(dest.lstrip("/"), data, perm)
            for dest in sorted(self._links):
                writer.symlink(dest.lstrip("/"), self._links[dest])
            writer.close()
        return len(self._files) + len(self._links)


def env_file(env):
    return "".join(f"export {name}={shlex.quote(str(value))}\n"
                   for name, value in sorted(env.items())).encode()


def build(out_path, script, modules, includes=(), env=None):
    """Write the initramfs; return the number of files in it.

    script: host path of the guest script (run by /init as 'sh');
    modules: .ko files in load order; includes: 'SRC[=DEST]' specs;
    env: variables the guest script sees."""
    busybox = find_program("busybox")
    image = Image()
    image.add_program(busybox, "/bin/busybox")
    image.add("/init", INIT, perm=0o755)
    image.add(f"{GUEST_DIR}/guest-lib.sh", GUEST_LIB)
    image.add(GUEST_SCRIPT, script, perm=0o755)
    for module in modules:
        image.add(f"{GUEST_DIR}/modules/{Path(module).name}", module)
    image.add(f"{GUEST_DIR}/modules.list",
              data="".join(Path(m).stem + "\n" for m in modules).encode())
    for spec in includes:
        image.include(spec)
    env = dict(env or {})
    extra = image.extra_library_dirs()
    if extra:
        env.setdefault("LD_LIBRARY_PATH", ":".join(extra))
    image.add(GUEST_ENV, data=env_file(env))
    return image.write(out_path)

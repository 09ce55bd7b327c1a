# SPDX-License-Identifier: BSD-3-Clause
"""What the bench reads from ELF files (x86-64: ELF64, little-endian).

Kernel modules: the .modinfo section (what modinfo(8) prints). The host may
lack kmod, and a guest kernel's modules.dep only exists once depmod ran on an
installed kernel, so module dependencies come from here.
Programs and libraries: whether they are dynamically linked.
"""
import struct

ELF_MAGIC = b"\x7fELF"
PT_DYNAMIC = 2


def is_elf(data):
    return data[:4] == ELF_MAGIC and data[4:6] == b"\x02\x01"


def is_dynamic(data):
    """True when the file has a dynamic section, i.e. loads shared libraries."""
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    return any(struct.unpack_from("<I", data, phoff + i * phentsize)[0] == PT_DYNAMIC
               for i in range(phnum))


def modinfo(data):
    """Return the .modinfo key=value pairs of a kernel module.

    A key may repeat (alias=, parm=); the values of a key are kept in order."""
    if not is_elf(data):
        raise ValueError("not an ELF64 little-endian module")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)

    def section(index):
        base = shoff + index * shentsize
        name, = struct.unpack_from("<I", data, base)
        offset, size = struct.unpack_from("<QQ", data, base + 0x18)
        return name, offset, size

    _, names_off, _ = section(shstrndx)
    for index in range(shnum):
        name, offset, size = section(index)
        end = data.index(b"\0", names_off + name)
        if data[names_off + name:end] == b".modinfo":
            info = {}
            for entry in data[offset:offset + size].split(b"\0"):
                key, sep, value = entry.decode("utf-8", "replace").partition("=")
                if sep:
                    info.setdefault(key, []).append(value)
            return info
    raise ValueError("no .modinfo section")


def depends(data):
    """Names of the modules this module needs loaded first."""
    values = modinfo(data).get("depends", [""])
    return [name for name in values[0].split(",") if name]


def module_name(path):
    """Kernel module name of a file name: 'vfio-pci.ko.xz' -> 'vfio_pci'."""
    base = path.rsplit("/", 1)[-1].removesuffix(".xz")
    return base.removesuffix(".ko").replace("-", "_")

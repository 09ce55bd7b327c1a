# SPDX-License-Identifier: BSD-3-Clause
"""A writer for the cpio "newc" format the kernel unpacks as its initramfs.

Written here rather than run through cpio(1) so that entries need no staging
folder and device nodes need no root: an entry is a header, a name and data.
"""
import stat

MAGIC = b"070701"


def _pad(length):
    return b"\0" * (-length % 4)


class Writer:
    """Entries in the order added; parents must come before their children
    (the kernel does not create missing folders)."""

    def __init__(self, out):
        self._out = out
        self._ino = 0

    def _entry(self, name, mode, data=b"", nlink=1, rdev=(0, 0)):
        self._ino += 1
        encoded = name.encode() + b"\0"
        fields = (self._ino, mode, 0, 0, nlink, 0, len(data), 0, 0, rdev[0], rdev[1],
                  len(encoded), 0)
        header = MAGIC + b"".join(b"%08X" % value for value in fields)
        self._out.write(header + encoded + _pad(len(header) + len(encoded)))
        self._out.write(data + _pad(len(data)))

    def directory(self, name, perm=0o755):
        self._entry(name, stat.S_IFDIR | perm, nlink=2)

    def file(self, name, data, perm=0o644):
        self._entry(name, stat.S_IFREG | perm, data)

    def symlink(self, name, target):
        self._entry(name, stat.S_IFLNK | 0o777, target.encode())

    def char_device(self, name, major, minor, perm=0o600):
        self._entry(name, stat.S_IFCHR | perm, rdev=(major, minor))

    def close(self):
        self._entry("TRAILER!!!", 0)

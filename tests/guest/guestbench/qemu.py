# SPDX-License-Identifier: BSD-3-Clause
"""The QEMU command line of a test guest.

q35 with an emulated Intel IOMMU, because Debian's kernels build VFIO without
no-IOMMU mode: vfio-pci only binds behind an IOMMU. Interrupt remapping on,
or VFIO_SET_IOMMU fails with EPERM ("unsafe interrupts"). Guest RAM and the
ivshmem BAR are files in /dev/shm shared with the host, so a host process (the
device model) can reach both while the guest runs.
"""
import os

from .host import find_program

KERNEL_CMDLINE = ("console=ttyS0 panic=-1 intel_iommu=on "
                  # Kernel messages arrive while the script runs (the TSC
                  # clocksource switch, errors) and would cut result lines in
                  # two; /init prints the kernel log when a check fails.
                  "loglevel=3 "
                  # The boot-time check that the IO-APIC timer ticks counts
                  # ticks in a TSC-timed window: on a loaded host TCG delivers
                  # too few, and with interrupt remapping the kernel then
                  # panics ("timer doesn't work through Interrupt-remapped
                  # IO-APIC"; seen once in a suite run beside other work).
                  "no_timer_check")

# The ivshmem device's id, for QMP commands (device_del).
IVSHMEM_ID = "wcnic-ivshmem"

# Opt-in variable for hardware virtualisation (see accelerator()).
KVM_VARIABLE = "WCNIC_GUEST_KVM"


def _cpu_flags():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def accelerator():
    """['-accel', 'tcg', '-cpu', 'max'] unless KVM is asked for and real.

    /dev/kvm alone proves nothing: some hosts offer a software KVM module
    that stock Debian kernels do not boot under. Only VMX or SVM in the CPU
    flags, plus WCNIC_GUEST_KVM=1, select KVM."""
    if (os.environ.get(KVM_VARIABLE) == "1" and _cpu_flags() & {"vmx", "svm"}
            and os.access("/dev/kvm", os.R_OK | os.W_OK)):
        return ["-accel", "kvm", "-cpu", "host"]
    return ["-accel", "tcg", "-cpu", "max"]


def command(image, initrd, ram_path, ram_mb, bar_path, bar_size, name, cpus=1, append="",
            devices=(), ivshmem_bus=None, qmp_path=None):
    """argv for one boot; the serial console is QEMU's stdout.

    devices: extra -device arguments (a bridge, say); ivshmem_bus: the bus
    id to put the ivshmem device on (default: the root complex); qmp_path:
    a Unix socket QEMU serves QMP on (none by default).
    """
    cmdline = KERNEL_CMDLINE + (" " + append if append else "")
    ivshmem = (f"ivshmem-plain,memdev=bar,id={IVSHMEM_ID}"
               + (f",bus={ivshmem_bus}" if ivshmem_bus else ""))
    qmp = ["-qmp", f"unix:{qmp_path},server=on,wait=off"] if qmp_path else []
    extra = [arg for device in devices for arg in ("-device", device)]
    return [
        find_program("qemu-system-x86_64"),
        "-name", name,
        *accelerator(),
        "-smp", str(cpus),
        "-m", f"{ram_mb}M",
        "-nographic", "-nodefaults", "-serial", "stdio", "-no-reboot",
        "-machine", "q35,kernel-irqchip=split,memory-backend=ram",
        "-object", f"memory-backend-file,id=ram,share=on,mem-path={ram_path},size={ram_mb}M",
        "-device", "intel-iommu,intremap=on",
        "-object", f"memory-backend-file,id=bar,share=on,mem-path={bar_path},size={bar_size}",
        *qmp,
        *extra,
        "-device", ivshmem,
        "-kernel", str(image),
        "-initrd", str(initrd),
        "-append", cmdline,
    ]

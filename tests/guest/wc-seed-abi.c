/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wc-seed-abi: a VFIO user written only against the seed RFC's ABI
 * ("vfio: Introduce mmap maple tree", kvm list, 2025-08-04, patch 8/9),
 * with its own copy of the definitions below and no header of this
 * project: what a program written for that RFC would do.
 *
 *   wc-seed-abi BDF REGION OFFSET WORD [CMD [ARG...]]
 *
 * Opens the device through its IOMMU group, reads the region's info, asks
 * for write-combining, maps the whole region, reads its first 8 bytes,
 * stores WORD over the 64-byte line at OFFSET and fences, then runs CMD
 * while the mapping is held (the guest script reads the PAT list there).
 * Prints key=value lines; exits with CMD's status, 0 without CMD, 1 when
 * a step failed (with "error=<step>: <reason>"), 2 on bad usage.
 *
 * Built static: the guest has busybox and nothing else.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/types.h>
#include <linux/vfio.h>

/* The RFC's UAPI, as its patch 8/9 adds it to include/uapi/linux/vfio.h. */
struct vfio_mmap_attrs {
	__u64 offset;
	__u32 attrs;
#define VFIO_MMAP_ATTR_WRITE_COMBINE (1 << 0)
};

#define VFIO_DEVICE_SET_MMAP_ATTRS _IO(VFIO_TYPE, VFIO_BASE + 21)

_Static_assert(VFIO_DEVICE_SET_MMAP_ATTRS == 0x3B79, "the RFC's ioctl number");
_Static_assert(sizeof(struct vfio_mmap_attrs) == 16, "the RFC's struct, tail padding included");

/* Report a failed step with errno's reason; -1 for open_device(). */
static int fail(const char *step)
{
	printf("error=%s: %s\n", step, strerror(errno));
	return -1;
}

/* The same, as main()'s exit status. */
static int failed(const char *step)
{
	fail(step);
	return 1;
}

static int open_device(const char *bdf)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char link[PATH_MAX], target[PATH_MAX], group_path[64];
	int container, group, device;
	ssize_t n;

	snprintf(link, sizeof(link), "/sys/bus/pci/devices/%s/iommu_group", bdf);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return fail("iommu_group link");
	target[n] = '\0';
	snprintf(group_path, sizeof(group_path), "/dev/vfio/%s", basename(target));

	container = open("/dev/vfio/vfio", O_RDWR);
	if (container < 0)
		return fail("open /dev/vfio/vfio");
	group = open(group_path, O_RDWR);
	if (group < 0)
		return fail("open group");
	if (ioctl(group, VFIO_GROUP_GET_STATUS, &status) ||
	    !(status.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		errno = errno ? errno : EBUSY;
		return fail("group not viable");
	}
	if (ioctl(group, VFIO_GROUP_SET_CONTAINER, &container))
		return fail("VFIO_GROUP_SET_CONTAINER");
	if (ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		return fail("VFIO_SET_IOMMU");
	device = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	if (device < 0)
		return fail("VFIO_GROUP_GET_DEVICE_FD");
	/* The container and group stay open with the device until exit. */
	return device;
}

static int parse_u64(const char *text, uint64_t *value)
{
	char *end;

	errno = 0;
	*value = strtoull(text, &end, 0);
	return errno || end == text || *end ? -1 : 0;
}

static int run_held(char **argv)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return failed("fork");
	if (pid == 0) {
		execvp(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return failed("waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
	struct vfio_region_info info = { .argsz = sizeof(info) };
	struct vfio_mmap_attrs attrs = { .attrs = VFIO_MMAP_ATTR_WRITE_COMBINE };
	uint64_t region, offset, word;
	volatile uint64_t *bar;
	int device;

	if (argc < 5 || parse_u64(argv[2], &region) || region > UINT32_MAX ||
	    parse_u64(argv[3], &offset) || offset % 64 || parse_u64(argv[4], &word)) {
		fprintf(stderr, "usage: wc-seed-abi BDF REGION OFFSET WORD [CMD [ARG...]]\n"
				"  OFFSET: a multiple of 64 inside the region\n");
		return 2;
	}
	info.index = (__u32)region;

	device = open_device(argv[1]);
	if (device < 0)
		return 1;
	if (ioctl(device, VFIO_DEVICE_GET_REGION_INFO, &info))
		return failed("VFIO_DEVICE_GET_REGION_INFO");
	printf("region_offset=0x%" PRIx64 "\nregion_size=0x%" PRIx64 "\n",
	       (uint64_t)info.offset, (uint64_t)info.size);
	if (offset + 64 > info.size) {
		errno = ERANGE;
		return failed("OFFSET beyond the region");
	}

	attrs.offset = info.offset;
	if (ioctl(device, VFIO_DEVICE_SET_MMAP_ATTRS, &attrs))
		return failed("VFIO_DEVICE_SET_MMAP_ATTRS");
	printf("set_mmap_attrs=ok\n");

	bar = mmap(NULL, info.size, PROT_READ | PROT_WRITE, MAP_SHARED, device,
		   (off_t)info.offset);
	if (bar == MAP_FAILED)
		return failed("mmap");
	printf("read=0x%016" PRIx64 "\n", bar[0]);
	for (unsigned int i = 0; i < 8; i++)
		bar[offset / 8 + i] = word;
	/* The line leaves the write-combining buffer before anyone looks. */
	__asm__ volatile("sfence" ::: "memory");
	printf("written=0x%016" PRIx64 "\n", word);

	return argc > 5 ? run_held(argv + 5) : 0;
}

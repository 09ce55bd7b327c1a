/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The mapping chain and the report, end to end, against a simulated
 * vfio-pci device: the test links with -Wl,--wrap for ioctl, mmap and
 * mmap64 (the name mmap() has under -D_FILE_OFFSET_BITS=64), so the
 * library's ioctl() and mmap() calls on the adopted device fd (an fd
 * of /dev/null) reach the fake below, which answers as the seed kernel
 * does (REGION_INFO with argsz growth and capability chains,
 * SET_MMAP_ATTRS refusing regions whose info was not read on the fd).
 * Every other call goes to the real functions. sysfs and the PAT list
 * come from a fake tree.
 *
 * What this cannot show: how a real kernel behaves. That is for the tests
 * run inside a guest with a real vfio-pci device.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "fake_tree.h"
#include "vfio_mmap_attrs.h"
#include "vfiowc_priv.h"
#include "test_check.h"

#define BDF "0000:00:04.0"
#define NUM_REGIONS 9u
#define BAR_SIZE 0x4000u
#define BAR2_PHYS 0xfe000000ull
#define OFFSET(index) ((uint64_t)(index) << 40)   /* vfio-pci's region offsets */

int __real_ioctl(int fd, unsigned long request, ...);
int __wrap_ioctl(int fd, unsigned long request, ...);
typedef void *mmap_fn(void *addr, size_t len, int prot, int flags, int fd, off_t off);
mmap_fn __real_mmap, __wrap_mmap, __real_mmap64, __wrap_mmap64;

/* The simulated device and what the library asked of it. */
static struct {
	int fd;                      /* the adopted fd; -1 when none */
	int attrs_errno;             /* SET_MMAP_ATTRS answer (0: accept) */
	int mmap_errno;              /* device mmap answer (0: map) */
	int sysfs_mmap_errno;        /* mmap of any other fd (0: real mmap) */
	bool queried[NUM_REGIONS];   /* REGION_INFO seen on this fd */
	unsigned int region_info_calls, attrs_calls, mmap_calls, sysfs_mmaps;
	struct vfio_mmap_attrs last_attrs;
	off_t last_mmap_offset;
	size_t last_mmap_len;
	void *last_mmap_addr;
	int last_mmap_flags;
	bool ignore_hint;            /* place mappings anywhere, as kernels before 4.17 */
} fake = { .fd = -1 };

static struct fake_tree tree;

#define RWM (VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE | VFIO_REGION_INFO_FLAG_MMAP)

/* The full answer for a region; returns its length. Region 0 has a sparse
 * mmap cap (the MSI-X table page left out), region 2 a type cap and the
 * MSI-X mappable cap, region 7 is config space, the rest are empty. */
static size_t build_region(unsigned int index, uint8_t *buf, size_t size)
{
	struct vfio_region_info info = { .index = index, .offset = OFFSET(index) };
	size_t total = sizeof(info);

	memset(buf, 0, size);
	if (index == 0 || index == 2) {
		info.flags = RWM | VFIO_REGION_INFO_FLAG_CAPS;
		info.size = BAR_SIZE;
		info.cap_offset = sizeof(info);
	} else if (index == 7) {
		info.flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
		info.size = 256;
	}
	if (index == 0) {
		struct vfio_region_info_cap_sparse_mmap sp = {
			.header = { .id = VFIO_REGION_INFO_CAP_SPARSE_MMAP, .version = 1 },
			.nr_areas = 2,
		};
		struct vfio_region_sparse_mmap_area areas[2] = { { 0x0, 0x1000 }, { 0x2000, 0x2000 } };

		memcpy(buf + total, &sp, sizeof(sp));
		memcpy(buf + total + sizeof(sp), areas, sizeof(areas));
		total += sizeof(sp) + sizeof(areas);
	} else if (index == 2) {
		struct vfio_region_info_cap_type type = {
			.header = { .id = VFIO_REGION_INFO_CAP_TYPE, .version = 1,
				    .next = sizeof(info) + sizeof(type) },
		};
		struct vfio_info_cap_header msix = { .id = VFIO_REGION_INFO_CAP_MSIX_MAPPABLE,
						     .version = 1 };

		memcpy(buf + total, &type, sizeof(type));
		memcpy(buf + total + sizeof(type), &msix, sizeof(msix));
		total += sizeof(type) + sizeof(msix);
	}
	memcpy(buf, &info, sizeof(info));
	return total;
}

static int region_info(struct vfio_region_info *user)
{
	uint8_t answer[256];
	size_t total;

	fake.region_info_calls++;
	if (user->argsz < sizeof(*user) || user->index >= NUM_REGIONS) {
		errno = EINVAL;
		return -1;
	}
	total = build_region(user->index, answer, sizeof(answer));
	fake.queried[user->index] = true;
	if (user->argsz < total) {
		/* Too small for the chain: say how much is needed, no chain. */
		struct vfio_region_info *info = (struct vfio_region_info *)answer;

		info->argsz = (uint32_t)total;
		info->cap_offset = 0;
		memcpy(user, answer, sizeof(*user));
		return 0;
	}
	((struct vfio_region_info *)answer)->argsz = user->argsz;
	memcpy(user, answer, total);
	return 0;
}

static int set_mmap_attrs(const struct vfio_mmap_attrs *a)
{
	uint64_t index = a->offset >> 40;

	fake.attrs_calls++;
	fake.last_attrs = *a;
	if (fake.attrs_errno != 0) {
		errno = fake.attrs_errno;
		return -1;
	}
	/* The seed's EINVAL cases: no entry (info not read on this fd),
	 * unknown bits. */
	if (index >= NUM_REGIONS || !fake.queried[index] ||
	    (a->attrs & ~(uint32_t)VFIO_MMAP_ATTR_WRITE_COMBINE)) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int __wrap_ioctl(int fd, unsigned long request, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (fd != fake.fd || fd < 0)
		return __real_ioctl(fd, request, arg);
	switch (request) {
	case VFIO_DEVICE_GET_INFO: {
		struct vfio_device_info *info = arg;

		info->flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
		info->num_regions = NUM_REGIONS;
		info->num_irqs = 5;
		return 0;
	}
	case VFIO_DEVICE_GET_REGION_INFO:
		return region_info(arg);
	case VFIO_DEVICE_SET_MMAP_ATTRS:
		return set_mmap_attrs(arg);
	default:
		errno = ENOTTY;
		return -1;
	}
}

static void *fake_mmap(mmap_fn *real, void *addr, size_t len, int prot, int flags, int fd,
		       off_t off)
{
	if (fd >= 0 && fd == fake.fd) {
		fake.mmap_calls++;
		fake.last_mmap_offset = off;
		fake.last_mmap_len = len;
		fake.last_mmap_addr = addr;
		fake.last_mmap_flags = flags;
		if (fake.ignore_hint) {
			addr = NULL;
			flags &= ~MAP_FIXED_NOREPLACE;
		}
		if (fake.mmap_errno != 0) {
			errno = fake.mmap_errno;
			return MAP_FAILED;
		}
		/* Where the library asked, as the kernel would place it. */
		return real(addr, len, prot,
			    MAP_PRIVATE | MAP_ANONYMOUS | (flags & MAP_FIXED_NOREPLACE), -1, 0);
	}
	if (fd >= 0) {
		fake.sysfs_mmaps++;
		if (fake.sysfs_mmap_errno != 0) {
			errno = fake.sysfs_mmap_errno;
			return MAP_FAILED;
		}
	}
	return real(addr, len, prot, flags, fd, off);
}

void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return fake_mmap(__real_mmap, addr, len, prot, flags, fd, off);
}

void *__wrap_mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return fake_mmap(__real_mmap64, addr, len, prot, flags, fd, off);
}

/* ---- scenario plumbing ---- */

static void set_pat(const char *text)
{
	if (text == NULL)
		unlink(tree.pat);
	else
		CHECK(fake_tree_file(&tree, "pat_memtype_list", text), "write the PAT list");
}

static void set_resource_wc(bool present)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/bus/pci/devices/" BDF "/resource2_wc", tree.sysfs);
	if (!present) {
		unlink(path);
		return;
	}
	fd = open(path, O_RDWR | O_CREAT, 0600);
	CHECK(fd >= 0 && ftruncate(fd, BAR_SIZE) == 0, "create resource2_wc");
	close(fd);
}

static struct vfiowc_dev *adopt(void)
{
	struct vfiowc_opts o = { .sysfs_root = tree.sysfs, .dev_root = tree.dev,
				 .pat_list = tree.pat };
	struct vfiowc_error err = { 0 };
	struct vfiowc_dev *dev;
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	memset(&fake, 0, sizeof(fake));
	fake.fd = fd;
	dev = vfiowc_adopt_fd(fd, BDF, &o, &err);
	CHECK(dev != NULL, "adopt the fake device: %s", err.msg);
	return dev;
}

static void release(struct vfiowc_dev *dev)
{
	int fd = fake.fd;

	vfiowc_close(dev);
	/* An adopted fd is the caller's: still open after close. */
	CHECK(fcntl(fd, F_GETFD) >= 0, "vfiowc_close closed the adopted fd");
	close(fd);
	fake.fd = -1;
}

static int map(struct vfiowc_dev *dev, unsigned int region, uint64_t offset, uint64_t length,
	       enum vfiowc_attr attr, unsigned int flags, struct vfiowc_mapping *m,
	       struct vfiowc_error *err)
{
	memset(err, 0, sizeof(*err));
	return vfiowc_map_region(dev, region, offset, length, attr, flags, m, err);
}

#define HAS(text, fragment) (strstr((text), (fragment)) != NULL)

static const char pat_wc[] = "PAT: [mem 0x00000000fe000000-0x00000000fe004000] write-combining\n";
static const char pat_ucm[] = "PAT: [mem 0x00000000fe000000-0x00000000fe004000] uncached-minus\n";

/* ---- scenarios ---- */

static void test_uapi_wc(void)
{
	struct vfiowc_dev *dev = adopt();
	struct vfiowc_mapping m, w;
	struct vfiowc_error err;
	const struct vfiowc_report *r = &m.report;

	set_pat(pat_wc);
	CHECK(map(dev, 2, 0, 0, VFIOWC_ATTR_WC, 0, &m, &err) == 0, "uapi wc: %s", err.msg);
	CHECK(m.addr != NULL && m.length == BAR_SIZE && m.region == 2 && m.offset == 0,
	      "uapi wc: mapping %p 0x%zx", m.addr, m.length);
	CHECK(fake.attrs_calls == 1 && fake.last_attrs.offset == OFFSET(2) &&
	      fake.last_attrs.attrs == VFIO_MMAP_ATTR_WRITE_COMBINE,
	      "uapi wc: SET_MMAP_ATTRS calls %u offset 0x%llx attrs %u", fake.attrs_calls,
	      (unsigned long long)fake.last_attrs.offset, fake.last_attrs.attrs);
	CHECK(fake.mmap_calls == 1 && (uint64_t)fake.last_mmap_offset == OFFSET(2) &&
	      fake.last_mmap_len == BAR_SIZE, "uapi wc: mmap of the device fd");
	CHECK(r->asked == VFIOWC_ATTR_WC && r->obtained == VFIOWC_ATTR_WC &&
	      r->method == VFIOWC_METHOD_UAPI && r->verified == VFIOWC_MT_WC && !r->mismatch,
	      "uapi wc: report %s/%s/%s/%s", vfiowc_attr_name(r->obtained),
	      vfiowc_method_name(r->method), vfiowc_memtype_name(r->verified), r->detail);
	CHECK(r->reason[0] == '\0', "uapi wc: no fallback reason, got '%s'", r->reason);
	CHECK(r->phys_known && r->phys_start == BAR2_PHYS && r->phys_end == BAR2_PHYS + BAR_SIZE,
	      "uapi wc: phys 0x%llx-0x%llx", (unsigned long long)r->phys_start,
	      (unsigned long long)r->phys_end);
	/* The answer came in two REGION_INFO calls: argsz had to grow. */
	CHECK(fake.region_info_calls == 2, "uapi wc: %u REGION_INFO calls", fake.region_info_calls);

	/* A second window of the same BAR, same type: fine. */
	CHECK(map(dev, 2, 0x1000, 0x1000, VFIOWC_ATTR_WC, 0, &w, &err) == 0, "window: %s", err.msg);
	CHECK((uint64_t)fake.last_mmap_offset == OFFSET(2) + 0x1000 && w.length == 0x1000,
	      "window: mmap offset 0x%llx", (unsigned long long)fake.last_mmap_offset);
	CHECK(w.report.phys_start == BAR2_PHYS + 0x1000 && w.report.phys_end == BAR2_PHYS + 0x2000,
	      "window: phys range");

	/* The other type, after the BAR was mapped: refused before the kernel is asked. */
	unsigned int calls = fake.attrs_calls;
	struct vfiowc_mapping u;

	CHECK(map(dev, 2, 0, 0, VFIOWC_ATTR_UC, 0, &u, &err) == -EBUSY && err.errnum == EBUSY,
	      "uc after wc: %s", err.msg);
	CHECK(HAS(err.msg, BDF ": region 2 already mapped wc in this open"), "uc after wc: %s",
	      err.msg);
	CHECK(fake.attrs_calls == calls && u.addr == NULL && u.report.method == VFIOWC_METHOD_NONE,
	      "uc after wc: nothing asked, nothing mapped");

	CHECK(vfiowc_unmap(&m) == 0 && m.addr == NULL, "unmap");
	CHECK(vfiowc_unmap(&m) == 0, "second unmap is a no-op");
	CHECK(vfiowc_unmap(&w) == 0, "unmap window");
	/* Unmapping does not free the BAR's type: still refused. */
	CHECK(map(dev, 2, 0, 0, VFIOWC_ATTR_UC, 0, &u, &err) == -EBUSY, "uc after unmap");
	release(dev);
}

/* A mapping at a chosen address lands there, or fails with EEXIST when
 * the range is taken, with the BAR's type left free. */
static void test_map_at(void)
{
	struct vfiowc_dev *dev = adopt();
	struct vfiowc_mapping m, again;
	struct vfiowc_error err;
	void *free_range, *taken;

	set_pat(pat_wc);
	/* A range known to be free: reserved, then given back. */
	free_range = mmap(NULL, BAR_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(free_range != MAP_FAILED && munmap(free_range, BAR_SIZE) == 0, "find a free range");
	memset(&err, 0, sizeof(err));
	CHECK(vfiowc_map_region_at(dev, 2, 0, 0, VFIOWC_ATTR_WC, 0, free_range, &m, &err) == 0,
	      "map at a free address: %s", err.msg);
	CHECK(m.addr == free_range && m.report.obtained == VFIOWC_ATTR_WC,
	      "mapped at %p, asked %p", m.addr, free_range);
	CHECK(fake.last_mmap_addr == free_range && (fake.last_mmap_flags & MAP_FIXED_NOREPLACE),
	      "the kernel was asked for that address only (%p, flags 0x%x)", fake.last_mmap_addr,
	      fake.last_mmap_flags);

	/* The same address again: taken by the first mapping. */
	taken = m.addr;
	memset(&err, 0, sizeof(err));
	CHECK(vfiowc_map_region_at(dev, 2, 0, 0, VFIOWC_ATTR_WC, 0, taken, &again, &err) == -EEXIST &&
	      err.errnum == EEXIST && again.addr == NULL, "map at a taken address: %d %s",
	      err.errnum, err.msg);
	CHECK(HAS(err.msg, "is in use in this process"), "the reason names the address: %s", err.msg);
	CHECK(vfiowc_unmap(&m) == 0, "unmap");

	/* A kernel that takes the address as a mere hint places the mapping
	 * elsewhere when the address is taken (here by a placeholder). */
	CHECK(mmap(taken, BAR_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
		   -1, 0) == taken, "placeholder at %p", taken);
	fake.ignore_hint = true;
	memset(&err, 0, sizeof(err));
	CHECK(vfiowc_map_region_at(dev, 2, 0, 0, VFIOWC_ATTR_WC, 0, taken, &again, &err) == -EEXIST &&
	      again.addr == NULL, "a mapping placed elsewhere is undone: %s", err.msg);
	fake.ignore_hint = false;
	munmap(taken, BAR_SIZE);
	release(dev);
}

static void test_uapi_downgraded(void)
{
	struct vfiowc_dev *dev = adopt();
	struct vfiowc_mapping m;
	struct vfiowc_error err;
	const struct vfiowc_report *r = &m.report;

	set_pat(pat_ucm);
	CHECK(map(dev, 2, 0, 0, VFIOWC_ATTR_WC, 0, &m, &err) == 0, "downgraded: %s", err.msg);
	CHECK(r->method == VFIOWC_METHOD_UAPI && r->obtained == VFIOWC_ATTR_UC &&
	      r->verified == VFIOWC_MT_UC_MINUS && r->mismatch,
	      "downgraded: obtained %s verified %s mismatch %d", vfiowc_attr_name(r->obtained),
	      vfiowc_memtype_name(r->verified), r->mismatch);
	CHECK(strncmp(r->detail, "MISMATCH: ", 10) == 0 && HAS(r->detail, "uncached-minus") &&
	      HAS(r->detail, "obtained=uc"), "downgraded: detail '%s'", r->detail);
	vfiowc_unmap(&m);
	release(dev);
}

static void test_conflict_and_reverify(void)
{
	struct vfiowc_dev *dev = adopt();
	struct vfiowc_mapping m;
	struct vfiowc_error err;
	const struct vfiowc_report *r = &m.report;

	set_pat(NULL);
	CHECK(map(dev, 2, 0, 0, VFIOWC_ATTR_WC, 0, &m, &err) == 0, "reverify: %s", err.msg);
	CHECK(r->obtained == VFIOWC_ATTR_WC && r->verified == VFIOWC_MT_UNVERIFIED &&
	      HAS(r->detail, "cannot read"), "unverified: UAPI's word stands: %s", r->detail);

	set_pat("PAT: [mem 0x00000000fe000000-0x00000000fe004000] write-combining\n"
		"PAT: [mem 0x00000000fe000000-0x00000000fe001000] uncached-minus\n");
	vfiowc_verify(dev, &m);
	CHECK(r->verified == VFIOWC_MT_CONFLICT && r->obtained == VFIOWC_ATTR_UC && r->mismatch,
	      "conflict: %s %s", vfiowc_memtype_name(r->verified), r->detail);
	CHECK(HAS(r->detail, "write-combining and uncached-minus"), "conflict detail: %s",
	      r->detail);

	set_pat(pat_wc);
	vfiowc_verify(dev, &m);
	CHECK(r->verified == VFIOWC_MT_WC && r->obtained == VFIOWC_ATTR_WC && !r->mismatch,
	      "reverified: %s", r->detail);
	vfiowc_unmap(&m);
	release(dev);
}

static void test_no_uapi(void)
{
	struct vfiowc_dev *dev = adopt();
	struct vfiowc_mapping m;
	struct vfiowc_error err;
	const struct vfiowc_report *r = &m.report;

	set_pat(NULL);
	fake.attrs_errno = ENOTTY;
	CHECK(map(dev, 2, 0, 0, VFIOWC_ATTR_WC, 0, &m, &err) == 0, "no uapi: %s", err.msg);
	CHECK(r->method == VFIOWC_METHOD_VFIO_MMAP && r->obtained == VFIOWC_ATTR_UC &&
	      !r->mismatch, "no uapi: %s/%s", vfiowc_method_name(r->method),
	      vfiowc_attr_name(r->obtained));
	CHECK(HAS(r->reason, "VFIO_DEVICE_SET_MMAP_ATTRS: ENOTTY: this kernel has no mmap-attrs UAPI") &&
	      HAS(r->reason, "resource2_wc not tried (not allowed by the caller)"),
	      "no uapi: reason '%s'", r->reason);
	CHECK(fake.sysfs_mmaps == 0 && fake.mmap_calls == 1, "no uapi: plain VFIO mmap only");

	/* Same request again: same chain, same answer (not EBUSY). */
	struct vfiowc_mapping again, uc;

	CHECK(map(dev, 2, 0, 0x1000, VFIOWC_ATTR_WC, 0, &again, &err) == 0 &&
	      again.report.obtained == VFIOWC_ATTR_UC, "wc again after fallback: %s", err.msg);
	/* Asking for what the first mapping obtained is fine too. */
	CHECK(map(dev, 2, 0, 0x1000, VFIOWC_ATTR_UC, 0, &uc, &err) == 0 &&
	      uc.report.method == VFIOWC_METHOD_VFIO_MMAP, "uc after fallback: %s", err.msg);
	vfiowc_unmap(&m);
	vfiowc_unmap(&again);
	vfiowc_unmap(&uc);
	release(dev);
}

static void test_sysfs_wc(void)
{
	struct vfiowc_dev *dev;
	struct vfiowc_mapping m;
	struct vfiowc_error err;
	const struct vfiowc_report *r = &m.report;

	/* The kernel refuses WC for the region (EINVAL), resource2_wc there:
	 * WC through sysfs, and the reason says what the kernel refused. */
	dev = adopt();
	set_pat(pat_wc);
	set_resource_wc(true);
	fake.attrs_errno = EINVAL;
	CHECK(map(dev, 2, 0, 0, VFIOWC_ATTR_WC, VFIOWC_MAP_ALLOW_SYSFS_WC, &m, &err) == 0,
	      "sysfs-wc: %s", err.msg);
	CHECK(r->method == VFIOWC_METHOD_SYSFS_WC && r->obtained == VFIOWC_ATTR_WC &&
	      r->verified == VFIOWC_MT_WC && !r->mismatch, "sysfs-wc: %s/%s/%s",
	      vfiowc_method_name(r->method), vfiowc_attr_name(r->obtained), r->detail);
	CHECK(HAS(r->reason, "EINVAL: the kernel refused this memory type for region 2"),
	      "sysfs-wc reason: %s",
	      r->reason);
	CHECK(fake.sysfs_mmaps == 1 && fake.mmap_calls == 0, "sysfs-wc: no VFIO mmap");
	vfiowc_unmap(&m);
	release(dev);

	/* The kernel refuses the sysfs mmap while VFIO holds the BAR. */
	dev = adopt();
	set_pat(NULL);
	fake.attrs_errno = ENOTTY;
	fake.sysfs_mmap_errno = EINVAL;
	CHECK(map(dev, 2, 0, 0, VFIOWC_ATTR_WC, VFIOWC_MAP_ALLOW_SYSFS_WC, &m, &err) == 0,
	      "strict devmem: %s", err.msg);
	CHECK(r->method == VFIOWC_METHOD_VFIO_MMAP && r->obtained == VFIOWC_ATTR_UC,
	      "strict devmem: falls back to UC");
	CHECK(HAS(r->reason, "CONFIG_IO_STRICT_DEVMEM") && HAS(r->reason, "resource2_wc"),
	      "strict devmem reason: %s", r->reason);
	vfiowc_unmap(&m);
	release(dev);

	/* Not a prefetchable BAR: no resource2_wc at all. */
	dev = adopt();
	set_resource_wc(false);
	fake.attrs_errno = ENOTTY;
	CHECK(map(dev, 2, 0, 0, VFIOWC_ATTR_WC, VFIOWC_MAP_ALLOW_SYSFS_WC, &m, &err) == 0,
	      "no resource2_wc: %s", err.msg);
	CHECK(r->method == VFIOWC_METHOD_VFIO_MMAP && HAS(r->reason, "resource2_wc absent") &&
	      HAS(r->reason, "not a prefetchable memory BAR"), "no resource2_wc reason: %s",
	      r->reason);
	vfiowc_unmap(&m);
	release(dev);
}

static void test_uc(void)
{
	struct vfiowc_dev *dev = adopt();
	struct vfiowc_mapping m;
	struct vfiowc_error err;
	const struct vfiowc_report *r = &m.report;

	set_pat(pat_ucm);
	set_resource_wc(true);
	CHECK(map(dev, 2, 0, 0, VFIOWC_ATTR_UC, VFIOWC_MAP_ALLOW_SYSFS_WC, &m, &err) == 0,
	      "uc: %s", err.msg);
	CHECK(fake.attrs_calls == 1 && fake.last_attrs.attrs == 0, "uc: attrs=0 sent explicitly");
	CHECK(r->method == VFIOWC_METHOD_UAPI && r->obtained == VFIOWC_ATTR_UC &&
	      r->verified == VFIOWC_MT_UC_MINUS && !r->mismatch, "uc: report %s", r->detail);
	CHECK(fake.sysfs_mmaps == 0, "uc: never through resource_wc");
	vfiowc_unmap(&m);
	release(dev);

	dev = adopt();
	fake.attrs_errno = ENOTTY;
	CHECK(map(dev, 2, 0, 0, VFIOWC_ATTR_UC, VFIOWC_MAP_ALLOW_SYSFS_WC, &m, &err) == 0,
	      "uc without uapi: %s", err.msg);
	CHECK(r->method == VFIOWC_METHOD_VFIO_MMAP && r->obtained == VFIOWC_ATTR_UC &&
	      HAS(r->reason, "ENOTTY") && fake.sysfs_mmaps == 0, "uc without uapi: %s", r->reason);
	vfiowc_unmap(&m);
	release(dev);
}

static void test_errors(void)
{
	struct vfiowc_dev *dev = adopt();
	struct vfiowc_mapping m;
	struct vfiowc_error err;

	set_pat(NULL);
	/* The kernel says the BAR already has another type: an error, no UC fallback. */
	fake.attrs_errno = EBUSY;
	CHECK(map(dev, 2, 0, 0, VFIOWC_ATTR_WC, VFIOWC_MAP_ALLOW_SYSFS_WC, &m, &err) == -EBUSY &&
	      err.errnum == EBUSY, "attrs EBUSY: %d", err.errnum);
	CHECK(HAS(err.msg, BDF ": region 2: VFIO_DEVICE_SET_MMAP_ATTRS (wc): the BAR is already "
		  "mapped with another memory type"), "attrs EBUSY message: %s", err.msg);
	CHECK(m.addr == NULL && fake.mmap_calls == 0 && fake.sysfs_mmaps == 0 &&
	      m.report.method == VFIOWC_METHOD_NONE, "attrs EBUSY: nothing mapped");

	/* Any other refusal is an error too, not a reason to fall back. */
	fake.attrs_errno = EPERM;
	CHECK(map(dev, 2, 0, 0, VFIOWC_ATTR_WC, 0, &m, &err) == -EPERM &&
	      HAS(err.msg, "VFIO_DEVICE_SET_MMAP_ATTRS (wc) failed"), "attrs EPERM: %s", err.msg);
	CHECK(fake.mmap_calls == 0, "attrs EPERM: no mmap");

	fake.attrs_errno = 0;
	fake.mmap_errno = EBUSY;
	CHECK(map(dev, 2, 0, 0, VFIOWC_ATTR_WC, 0, &m, &err) == -EBUSY &&
	      HAS(err.msg, "region 2: mmap (wc): the BAR is already mapped"), "mmap EBUSY: %s",
	      err.msg);
	fake.mmap_errno = ENOMEM;
	CHECK(map(dev, 2, 0x1000, 0, VFIOWC_ATTR_WC, 0, &m, &err) == -ENOMEM &&
	      HAS(err.msg, "mmap of region 2 window 0x1000+0x3000 failed"), "mmap ENOMEM: %s",
	      err.msg);
	CHECK(m.addr == NULL && m.report.method == VFIOWC_METHOD_NONE, "failed mmap leaves nothing");
	fake.mmap_errno = 0;

	/* Region checks, with the library's own words. */
	unsigned int calls = fake.region_info_calls;

	CHECK(map(dev, 9, 0, 0, VFIOWC_ATTR_WC, 0, &m, &err) == -EINVAL &&
	      strcmp(err.msg, BDF ": region 9 out of range (device has 9 regions)") == 0,
	      "region 9: %s", err.msg);
	CHECK(fake.region_info_calls == calls, "region 9: the kernel was not asked");
	CHECK(map(dev, 7, 0, 0, VFIOWC_ATTR_WC, 0, &m, &err) == -EINVAL &&
	      strcmp(err.msg, BDF ": region 7 not mmap-able") == 0, "region 7: %s", err.msg);
	CHECK(map(dev, 1, 0, 0, VFIOWC_ATTR_WC, 0, &m, &err) == -EINVAL &&
	      HAS(err.msg, "region 1 is empty"), "region 1: %s", err.msg);
	CHECK(map(dev, 0, 0, 0, VFIOWC_ATTR_WC, 0, &m, &err) == -EINVAL &&
	      HAS(err.msg, "not inside one mmap-able area"), "sparse region, whole: %s", err.msg);
	CHECK(map(dev, 2, 0, 0, (enum vfiowc_attr)5, 0, &m, &err) == -EINVAL &&
	      HAS(err.msg, "unknown memory attribute 5"), "bad attr: %s", err.msg);
	CHECK(map(dev, 2, 0, 0, VFIOWC_ATTR_WC, 0x10, &m, &err) == -EINVAL &&
	      HAS(err.msg, "unknown map flags 0x10"), "bad flags: %s", err.msg);
	CHECK(fake.mmap_calls == 2, "only the two mmap failures reached mmap (%u)", fake.mmap_calls);

	/* A sparse area maps. */
	CHECK(map(dev, 0, 0x2000, 0, VFIOWC_ATTR_WC, 0, &m, &err) == 0 && m.length == 0x2000,
	      "sparse area: %s", err.msg);
	vfiowc_unmap(&m);
	release(dev);
}

static void test_region_info(void)
{
	struct vfiowc_dev *dev = adopt();
	struct vfiowc_region r;
	struct vfiowc_error err = { 0 };

	CHECK(vfiowc_num_regions(dev) == NUM_REGIONS && vfiowc_device_fd(dev) == fake.fd &&
	      vfiowc_container_fd(dev) == -1 && strcmp(vfiowc_bdf(dev), BDF) == 0, "accessors");
	CHECK(vfiowc_region_info(dev, 0, &r, &err) == 0 && r.sparse && r.nr_areas == 2 &&
	      r.areas[1].offset == 0x2000 && r.areas[1].size == 0x2000 && !r.msix_mappable,
	      "region 0 info: %s", err.msg);
	CHECK(vfiowc_region_info(dev, 2, &r, &err) == 0 && !r.sparse && r.msix_mappable &&
	      r.mmappable && r.size == BAR_SIZE && r.offset == OFFSET(2), "region 2 info: %s",
	      err.msg);
	CHECK(vfiowc_region_info(dev, 9, &r, &err) == -EINVAL &&
	      HAS(err.msg, "region 9 out of range (device has 9 regions)"), "region 9 info");
	release(dev);
}

int main(void)
{
	if (!fake_tree_init(&tree) || !fake_tree_pci_device(&tree, BDF, "vfio-pci", 7) ||
	    !fake_tree_file(&tree, "sys/bus/pci/devices/" BDF "/resource",
			    "0x00000000febf0000 0x00000000febf3fff 0x0000000000040200\n"
			    "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
			    "0x00000000fe000000 0x00000000fe003fff 0x000000000014220c\n"
			    "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
			    "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
			    "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
			    "0x0000000000000000 0x0000000000000000 0x0000000000000000\n")) {
		fprintf(stderr, "cannot build the fake tree: %s\n", strerror(errno));
		return 1;
	}
	test_uapi_wc();
	test_map_at();
	test_uapi_downgraded();
	test_conflict_and_reverify();
	test_no_uapi();
	test_sysfs_wc();
	test_uc();
	test_errors();
	test_region_info();
	fake_tree_remove(&tree);
	return test_exit_status("vfiowc_map_mock");
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Mapping a window of a region with a requested memory attribute, through
 * the fallback chain: mmap-attrs UAPI, then (opt-in) sysfs resourceN_wc,
 * then the plain VFIO mmap. Falling back is only for "this route does not
 * exist here"; a route that exists and refuses (EBUSY above all) is an
 * error, because quietly mapping UC instead would hide the problem.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/vfio.h>
/* The UAPI header shared with the kernel module (drivers/vfio/uapi). */
#include <vfio_mmap_attrs.h>

#include "vfiowc_priv.h"

static uint64_t round_up(uint64_t v, uint64_t page)
{
	return (v + page - 1) / page * page;
}

static void describe_areas(const struct vfiowc_region *r, char *buf, size_t size)
{
	buf[0] = '\0';
	for (unsigned int i = 0; i < r->nr_areas; i++)
		vfiowc_text_append(buf, size, "0x%" PRIx64 "+0x%" PRIx64,
				   r->areas[i].offset, r->areas[i].size);
	if (r->nr_areas == 0)
		snprintf(buf, size, "none");
}

/* Whether [offset, offset + len) lies in the area, taken as whole pages
 * as the kernel does. */
static bool area_holds(const struct vfiowc_sparse_area *a, uint64_t offset, uint64_t len,
		       uint64_t page_size)
{
	uint64_t end;

	if (a->size > UINT64_MAX - page_size ||
	    __builtin_add_overflow(a->offset, round_up(a->size, page_size), &end))
		return false;
	return offset >= a->offset && offset < end && len <= end - offset;
}

int vfiowc_window_check(const struct vfiowc_region *r, uint64_t offset, uint64_t *length,
			uint64_t page_size, const char *who, struct vfiowc_error *err)
{
	uint64_t span, len;

	if (r->size == 0)
		return vfiowc_fail(err, EINVAL, who, "region %u is empty (size 0: an unimplemented BAR)",
				   r->index);
	if (!r->mmappable)
		return vfiowc_fail(err, EINVAL, who, "region %u not mmap-able", r->index);
	if (!r->readable && !r->writable)
		return vfiowc_fail(err, EINVAL, who, "region %u is neither readable nor writable",
				   r->index);
	if (r->size > UINT64_MAX - page_size)
		return vfiowc_fail(err, EINVAL, who, "region %u size 0x%" PRIx64 " is absurd",
				   r->index, r->size);
	/* vfio-pci lets a BAR smaller than a page be mapped as a whole page. */
	span = round_up(r->size, page_size);
	if (offset % page_size != 0)
		return vfiowc_fail(err, EINVAL, who, "region %u: window offset 0x%" PRIx64
				   " is not page-aligned", r->index, offset);
	if (offset >= span)
		return vfiowc_fail(err, EINVAL, who, "region %u: window offset 0x%" PRIx64
				   " beyond the region (0x%" PRIx64 " bytes)", r->index, offset, r->size);
	if (*length > span - offset)
		return vfiowc_fail(err, EINVAL, who, "region %u: window 0x%" PRIx64 "+0x%" PRIx64
				   " exceeds the region (0x%" PRIx64 " bytes)",
				   r->index, offset, *length, r->size);
	len = *length == 0 ? span - offset : round_up(*length, page_size);
	if (len > SIZE_MAX)
		return vfiowc_fail(err, EINVAL, who, "region %u: window too large for this process",
				   r->index);
	if (r->sparse) {
		bool inside = false;

		for (unsigned int i = 0; i < r->nr_areas && !inside; i++)
			inside = area_holds(&r->areas[i], offset, len, page_size);
		if (!inside) {
			char areas[VFIOWC_TEXT_MAX / 2];

			describe_areas(r, areas, sizeof(areas));
			return vfiowc_fail(err, EINVAL, who, "region %u: window 0x%" PRIx64 "+0x%" PRIx64
					   " is not inside one mmap-able area (areas: %s)",
					   r->index, offset, len, areas);
		}
	}
	*length = len;
	return 0;
}

/* The memory type of a BAR is fixed by its first mapping in an open (the
 * PAT trap, doc/libvfiowc.md): a request for another type cannot be met,
 * whatever the kernel would say. Repeating the first request, or asking
 * for what it obtained, is fine. */
static int check_first_mapping(const struct vfiowc_dev *dev, unsigned int region,
			       enum vfiowc_attr attr, struct vfiowc_error *err)
{
	const struct vfiowc_region_state *s = &dev->regions[region];

	if (!s->mapped || attr == s->asked || attr == s->obtained)
		return 0;
	return vfiowc_fail(err, EBUSY, dev->bdf,
			   "region %u already mapped %s in this open: a BAR's memory type is fixed "
			   "by its first mapping; close and reopen the device to map it %s",
			   region, vfiowc_attr_name(s->obtained), vfiowc_attr_name(attr));
}

static int busy(const struct vfiowc_dev *dev, unsigned int region, const char *step,
		enum vfiowc_attr attr, struct vfiowc_error *err)
{
	return vfiowc_fail(err, EBUSY, dev->bdf,
			   "region %u: %s (%s): the BAR is already mapped with another memory type "
			   "in this open; choose the type before the first mapping",
			   region, step, vfiowc_attr_name(attr));
}

/*
 * Method 1. Returns 1 when the kernel accepted the attribute, 0 when it
 * has no such UAPI (the reason goes to the report), <0 on error.
 *
 * UC is asked for explicitly too (attrs = 0) rather than relying on the
 * default: attributes live per open file, so an earlier WC request on this
 * fd (by an adopting caller, say) would otherwise make a "UC" mapping WC.
 */
static int try_uapi(const struct vfiowc_dev *dev, const struct vfiowc_region *r,
		    enum vfiowc_attr attr, struct vfiowc_report *rep, struct vfiowc_error *err)
{
	struct vfio_mmap_attrs a = {
		.offset = r->offset,
		.attrs = attr == VFIOWC_ATTR_WC ? VFIO_MMAP_ATTR_WRITE_COMBINE : 0,
	};
	char name[32];
	int e;

	if (ioctl(dev->device_fd, VFIO_DEVICE_SET_MMAP_ATTRS, &a) == 0)
		return 1;
	e = errno;
	switch (e) {
	case ENOTTY:
		vfiowc_text_append(rep->reason, sizeof(rep->reason),
				   "VFIO_DEVICE_SET_MMAP_ATTRS: %s: this kernel has no mmap-attrs UAPI",
				   vfiowc_errno_name(e, name, sizeof(name)));
		return 0;
	case EINVAL:
		/* A kernel with the UAPI refuses WC for this region (drivers/vfio:
		 * not prefetchable memory, or it holds the MSI-X table); the
		 * uncached fallback is still right. */
		vfiowc_text_append(rep->reason, sizeof(rep->reason),
				   "VFIO_DEVICE_SET_MMAP_ATTRS: %s: the kernel refused this memory type for "
				   "region %u (not prefetchable memory, or it holds the MSI-X table)",
				   vfiowc_errno_name(e, name, sizeof(name)), r->index);
		return 0;
	case EBUSY:
		return busy(dev, r->index, "VFIO_DEVICE_SET_MMAP_ATTRS", attr, err);
	default:
		return vfiowc_fail(err, e, dev->bdf, "region %u: VFIO_DEVICE_SET_MMAP_ATTRS (%s) failed: %s",
				   r->index, vfiowc_attr_name(attr), strerror(e));
	}
}

/*
 * mmap at the caller's address when it chose one (at != NULL), and only
 * there: MAP_FIXED_NOREPLACE fails with EEXIST when the range is in use,
 * and a kernel older than 4.17 takes the flag as a mere hint, so the
 * address it gave is checked too.
 */
static void *mmap_at(void *at, size_t length, int prot, int fd, off_t offset)
{
	void *addr = mmap(at, length, prot, MAP_SHARED | (at != NULL ? MAP_FIXED_NOREPLACE : 0),
			  fd, offset);

	if (addr != MAP_FAILED && at != NULL && addr != at) {
		munmap(addr, length);
		errno = EEXIST;
		return MAP_FAILED;
	}
	return addr;
}

/* Methods 1 and 3 end here: mmap of the device fd. */
static int map_vfio(const struct vfiowc_dev *dev, const struct vfiowc_region *r,
		    enum vfiowc_attr attr, void *at, struct vfiowc_mapping *m,
		    struct vfiowc_error *err)
{
	int prot = (r->readable ? PROT_READ : 0) | (r->writable ? PROT_WRITE : 0);
	void *addr = mmap_at(at, m->length, prot, dev->device_fd, (off_t)(r->offset + m->offset));

	if (addr == MAP_FAILED) {
		int e = errno;

		if (e == EBUSY)
			return busy(dev, r->index, "mmap", attr, err);
		if (e == EEXIST)
			return vfiowc_fail(err, e, dev->bdf, "region %u: the address %p asked for "
					   "its mapping is in use in this process", r->index, at);
		return vfiowc_fail(err, e, dev->bdf, "mmap of region %u window 0x%" PRIx64 "+0x%zx failed: %s",
				   r->index, m->offset, m->length, strerror(e));
	}
	m->addr = addr;
	return 0;
}

/*
 * Method 2: sysfs resourceN_wc, only when the caller allows it. True when
 * mapped; false when this route is unavailable, with the reason in the
 * report. Every failure here is a fallback: the route is an opt-in extra,
 * not something the caller relies on.
 */
static bool try_sysfs_wc(const struct vfiowc_dev *dev, unsigned int flags, void *at,
			 struct vfiowc_mapping *m)
{
	char *reason = m->report.reason;
	size_t rsize = sizeof(m->report.reason);
	char path[PATH_MAX];
	struct stat st;
	void *addr;
	int fd, e;

	if (!(flags & VFIOWC_MAP_ALLOW_SYSFS_WC)) {
		vfiowc_text_append(reason, rsize, "sysfs resource%u_wc not tried (not allowed by "
				   "the caller)", m->region);
		return false;
	}
	if (m->region >= VFIO_PCI_ROM_REGION_INDEX) {
		vfiowc_text_append(reason, rsize, "sysfs resource_wc: region %u is not a BAR", m->region);
		return false;
	}
	if (vfiowc_path(path, sizeof(path), "%s/bus/pci/devices/%s/resource%u_wc",
			dev->sysfs_root, dev->bdf, m->region) < 0) {
		vfiowc_text_append(reason, rsize, "sysfs resource%u_wc: path too long", m->region);
		return false;
	}
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		if (e == ENOENT)
			vfiowc_text_append(reason, rsize, "%s absent: BAR %u is not a prefetchable "
					   "memory BAR", path, m->region);
		else if (e == EACCES || e == EPERM)
			vfiowc_text_append(reason, rsize, "%s: permission denied (root only)", path);
		else
			vfiowc_text_append(reason, rsize, "%s: %s", path, strerror(e));
		return false;
	}
	/* sysfs resource files have a real st_size (lseek(SEEK_END) says 0). */
	if (fstat(fd, &st) != 0 || st.st_size <= 0 ||
	    m->offset + m->length > round_up((uint64_t)st.st_size, (uint64_t)sysconf(_SC_PAGESIZE))) {
		vfiowc_text_append(reason, rsize, "%s: window beyond its size", path);
		close(fd);
		return false;
	}
	addr = mmap_at(at, m->length, PROT_READ | PROT_WRITE, fd, (off_t)m->offset);
	e = errno;
	close(fd);   /* the mapping holds its own reference */
	if (addr == MAP_FAILED) {
		if (e == EINVAL)
			vfiowc_text_append(reason, rsize, "mmap of %s refused (EINVAL): the kernel "
					   "forbids it while VFIO holds the BAR (CONFIG_IO_STRICT_DEVMEM)",
					   path);
		else
			vfiowc_text_append(reason, rsize, "mmap of %s failed: %s", path, strerror(e));
		return false;
	}
	m->addr = addr;
	return true;
}

int vfiowc_map_region(struct vfiowc_dev *dev, unsigned int region, uint64_t offset,
		      uint64_t length, enum vfiowc_attr attr, unsigned int flags,
		      struct vfiowc_mapping *m, struct vfiowc_error *err)
{
	return vfiowc_map_region_at(dev, region, offset, length, attr, flags, NULL, m, err);
}

int vfiowc_map_region_at(struct vfiowc_dev *dev, unsigned int region, uint64_t offset,
			 uint64_t length, enum vfiowc_attr attr, unsigned int flags, void *at,
			 struct vfiowc_mapping *m, struct vfiowc_error *err)
{
	struct vfiowc_region_state *state;
	struct vfiowc_region r;
	int ret;

	memset(m, 0, sizeof(*m));
	if (attr != VFIOWC_ATTR_UC && attr != VFIOWC_ATTR_WC)
		return vfiowc_fail(err, EINVAL, dev->bdf, "unknown memory attribute %d", (int)attr);
	if (flags & ~VFIOWC_MAP_ALLOW_SYSFS_WC)
		return vfiowc_fail(err, EINVAL, dev->bdf, "unknown map flags 0x%x", flags);
	/* Also the UAPI's precondition: region info read on this fd. */
	ret = vfiowc_region_info(dev, region, &r, err);
	if (ret < 0)
		return ret;
	ret = vfiowc_window_check(&r, offset, &length, (uint64_t)sysconf(_SC_PAGESIZE), dev->bdf, err);
	if (ret < 0)
		return ret;
	ret = check_first_mapping(dev, region, attr, err);
	if (ret < 0)
		return ret;

	m->region = region;
	m->offset = offset;
	m->length = (size_t)length;
	m->report.asked = attr;
	ret = try_uapi(dev, &r, attr, &m->report, err);
	if (ret < 0)
		return ret;
	if (ret == 1)
		m->report.method = VFIOWC_METHOD_UAPI;
	else if (attr == VFIOWC_ATTR_WC && try_sysfs_wc(dev, flags, at, m))
		m->report.method = VFIOWC_METHOD_SYSFS_WC;
	else
		m->report.method = VFIOWC_METHOD_VFIO_MMAP;
	if (m->report.method != VFIOWC_METHOD_SYSFS_WC) {
		ret = map_vfio(dev, &r, attr, at, m, err);
		if (ret < 0) {
			m->report.method = VFIOWC_METHOD_NONE;
			return ret;
		}
	}

	vfiowc_verify(dev, m);
	state = &dev->regions[region];
	if (!state->mapped) {
		state->mapped = true;
		state->asked = attr;
		state->obtained = m->report.obtained;
	}
	return 0;
}

int vfiowc_unmap(struct vfiowc_mapping *m)
{
	if (m->addr == NULL)
		return 0;
	if (munmap(m->addr, m->length) != 0)
		return -errno;
	m->addr = NULL;
	return 0;
}

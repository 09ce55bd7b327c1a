/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Region information: VFIO_DEVICE_GET_REGION_INFO and its capability
 * chain (sparse mmap areas, MSI-X mappable).
 *
 * The chain comes from the kernel as offsets into a buffer we sized; the
 * parser treats it as untrusted: every read is bounds-checked, and every
 * "next" offset must point past the end of the capability before it, so a
 * chain can neither leave the buffer nor loop.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/vfio.h>

#include "vfiowc_priv.h"

/* vfio-pci answers are well under a page; this bounds a bad argsz. */
#define REGION_INFO_MAX (64u * 1024u)

/* The kernel may grow its answer between two calls (it does not today);
 * a few retries absorb that without spinning forever. */
#define REGION_INFO_ATTEMPTS 3

static int malformed(struct vfiowc_error *err, const char *who, unsigned int index,
		     uint32_t off, const char *what)
{
	return vfiowc_fail(err, EPROTO, who,
			   "region %u: malformed capability chain: capability at offset %u %s",
			   index, off, what);
}

/* Parse the sparse mmap capability at off; *end is where it stops. */
static int parse_sparse(const uint8_t *buf, size_t len, uint32_t off, uint16_t version,
			const char *who, struct vfiowc_region *out, size_t *end,
			struct vfiowc_error *err)
{
	struct vfio_region_info_cap_sparse_mmap sp;
	size_t room;

	if (len - off < sizeof(sp))
		return malformed(err, who, out->index, off, "(sparse mmap) is truncated");
	if (version < 1)
		return malformed(err, who, out->index, off, "(sparse mmap) has version 0");
	if (out->sparse)
		return malformed(err, who, out->index, off, "is a second sparse mmap capability");
	memcpy(&sp, buf + off, sizeof(sp));
	room = (len - off - sizeof(sp)) / sizeof(struct vfio_region_sparse_mmap_area);
	if (sp.nr_areas > room)
		return malformed(err, who, out->index, off,
				 "(sparse mmap) lists more areas than the answer holds");
	if (sp.nr_areas > VFIOWC_MAX_SPARSE_AREAS)
		return vfiowc_fail(err, E2BIG, who,
				   "region %u lists %u sparse mmap areas; libvfiowc handles at most %u",
				   out->index, sp.nr_areas, VFIOWC_MAX_SPARSE_AREAS);
	for (uint32_t i = 0; i < sp.nr_areas; i++) {
		struct vfio_region_sparse_mmap_area a;

		memcpy(&a, buf + off + sizeof(sp) + i * sizeof(a), sizeof(a));
		if (a.size > UINT64_MAX - a.offset)
			return malformed(err, who, out->index, off,
					 "(sparse mmap) has an area that wraps around");
		out->areas[i].offset = a.offset;
		out->areas[i].size = a.size;
	}
	out->sparse = true;
	out->nr_areas = sp.nr_areas;
	*end = off + sizeof(sp) + (size_t)sp.nr_areas * sizeof(struct vfio_region_sparse_mmap_area);
	return 0;
}

int vfiowc_region_parse(const void *buf, size_t len, const char *who,
			struct vfiowc_region *out, struct vfiowc_error *err)
{
	const uint8_t *bytes = buf;
	struct vfio_region_info info;
	/* Where the next capability may start: after everything seen so far. */
	size_t min_off = sizeof(info);
	uint32_t off;

	memset(out, 0, sizeof(*out));
	if (len < sizeof(info))
		return vfiowc_fail(err, EPROTO, who, "region info answer too short (%zu bytes)", len);
	memcpy(&info, bytes, sizeof(info));
	out->index = info.index;
	out->readable = info.flags & VFIO_REGION_INFO_FLAG_READ;
	out->writable = info.flags & VFIO_REGION_INFO_FLAG_WRITE;
	out->mmappable = info.flags & VFIO_REGION_INFO_FLAG_MMAP;
	out->size = info.size;
	out->offset = info.offset;
	if (!(info.flags & VFIO_REGION_INFO_FLAG_CAPS))
		return 0;

	/* cap_offset 0: the chain did not fit the buffer (or is empty). */
	for (off = info.cap_offset; off != 0;) {
		struct vfio_info_cap_header hdr;
		size_t end = (size_t)off + sizeof(hdr);
		int ret;

		if (off < min_off)
			return malformed(err, who, out->index, off,
					 "points back into the answer (loop or overlap)");
		if (off > len || len - off < sizeof(hdr))
			return malformed(err, who, out->index, off, "is outside the answer");
		memcpy(&hdr, bytes + off, sizeof(hdr));
		switch (hdr.id) {
		case VFIO_REGION_INFO_CAP_SPARSE_MMAP:
			ret = parse_sparse(bytes, len, off, hdr.version, who, out, &end, err);
			if (ret < 0)
				return ret;
			break;
		case VFIO_REGION_INFO_CAP_MSIX_MAPPABLE:
			out->msix_mappable = true;
			break;
		default:
			/* Other capabilities (type, NVLink, ...) do not matter here. */
			break;
		}
		min_off = end;
		off = hdr.next;
	}
	return 0;
}

int vfiowc_region_info(struct vfiowc_dev *dev, unsigned int index,
		       struct vfiowc_region *out, struct vfiowc_error *err)
{
	struct vfio_region_info *info = NULL;
	size_t size = sizeof(*info);
	int ret;

	if (index >= dev->num_regions)
		return vfiowc_fail(err, EINVAL, dev->bdf, "region %u out of range (device has %u regions)",
				   index, dev->num_regions);
	for (unsigned int attempt = 1;; attempt++) {
		struct vfio_region_info *grown = realloc(info, size);

		if (grown == NULL) {
			free(info);
			return vfiowc_fail(err, ENOMEM, dev->bdf, "region %u: out of memory", index);
		}
		info = grown;
		memset(info, 0, size);
		info->argsz = (uint32_t)size;
		info->index = index;
		if (ioctl(dev->device_fd, VFIO_DEVICE_GET_REGION_INFO, info) != 0) {
			ret = errno;
			free(info);
			return vfiowc_fail(err, ret, dev->bdf,
					   "VFIO_DEVICE_GET_REGION_INFO for region %u failed: %s",
					   index, strerror(ret));
		}
		if (info->argsz <= size)
			break;
		if (attempt == REGION_INFO_ATTEMPTS || info->argsz > REGION_INFO_MAX) {
			ret = vfiowc_fail(err, EPROTO, dev->bdf,
					  "region %u: the kernel asks for a %u-byte region info buffer",
					  index, info->argsz);
			free(info);
			return ret;
		}
		size = info->argsz;
	}
	/* The kernel writes at most argsz bytes; the rest of our buffer is
	 * zero, so the whole buffer is the answer. */
	ret = vfiowc_region_parse(info, size, dev->bdf, out, err);
	free(info);
	if (ret == 0 && out->index != index)
		ret = vfiowc_fail(err, EPROTO, dev->bdf, "region info for %u answered for region %u",
				  index, out->index);
	return ret;
}

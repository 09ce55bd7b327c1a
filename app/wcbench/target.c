/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The memory the patterns write, and its memory type.
 *
 *  - anonymous: private anonymous pages, populated up front. Ordinary RAM
 *    is always write-back, so the type needs no verification.
 *  - vfio: a window of a region, mapped by libvfiowc with the asked
 *    attribute; its report says what the mapping obtained and what the
 *    kernel's PAT list shows.
 *  - sysfs: a window of /sys/bus/pci/devices/BDF/resourceN (the kernel maps
 *    it uncached) or resourceN_wc (write-combining), checked against the
 *    PAT list by libvfiowc (vfiowc_verify_window()).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vfiowc.h"
#include "wcbench.h"

static int fail(char *err, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, size, fmt, ap);
	va_end(ap);
	return -1;
}

static int open_anon(struct wcb_target *t, char *err, size_t size)
{
	/* MAP_POPULATE: page faults must not land in the first timed runs. */
	void *p = mmap(NULL, WCB_WINDOW_BYTES, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	if (p == MAP_FAILED)
		return fail(err, size, "anonymous mapping of %u bytes failed: %s",
			    WCB_WINDOW_BYTES, strerror(errno));
	t->map_addr = t->base = p;
	t->map_len = WCB_WINDOW_BYTES;
	snprintf(t->name, sizeof(t->name), "anonymous memory, %u KiB", WCB_WINDOW_BYTES / 1024);
	t->asked = t->obtained = "wb";
	t->method = "anonymous";
	t->verified = vfiowc_memtype_name(VFIOWC_MT_WB);
	t->verified_known = true;
	snprintf(t->detail, sizeof(t->detail), "anonymous memory is RAM: always write-back");
	return 0;
}

/* Copy libvfiowc's report into the target's fields. */
static void take_vfio_report(struct wcb_target *t)
{
	const struct vfiowc_report *r = &t->vm.report;

	t->asked = vfiowc_attr_name(r->asked);
	t->obtained = vfiowc_attr_name(r->obtained);
	t->method = vfiowc_method_name(r->method);
	t->verified = vfiowc_memtype_name(r->verified);
	t->verified_known = vfiowc_memtype_verified(r->verified);
	t->mismatch = r->mismatch;
	t->is_wc = r->obtained == VFIOWC_ATTR_WC;
	snprintf(t->reason, sizeof(t->reason), "%s", r->reason);
	snprintf(t->detail, sizeof(t->detail), "%s", r->detail);
}

static int open_vfio(struct wcb_target *t, const struct wcb_options *o, char *err, size_t size)
{
	struct vfiowc_error verr = { 0 };
	struct vfiowc_region region;

	t->dev = vfiowc_open(o->bdf, NULL, &verr);
	if (t->dev == NULL)
		return fail(err, size, "%s", verr.msg);
	/* Region info does not touch the BAR, so it may come before the
	 * mapping that fixes the BAR's memory type. */
	if (vfiowc_region_info(t->dev, o->region, &region, &verr) < 0)
		return fail(err, size, "%s", verr.msg);
	if (!region.writable)
		return fail(err, size, "%s: region %u is read-only: nothing to time",
			    vfiowc_bdf(t->dev), o->region);
	if (region.size < WCB_WINDOW_BYTES || o->offset > region.size - WCB_WINDOW_BYTES)
		return fail(err, size,
			    "%s: region %u has 0x%" PRIx64 " bytes: wcbench needs 0x%x from offset "
			    "0x%" PRIx64, vfiowc_bdf(t->dev), o->region, region.size,
			    WCB_WINDOW_BYTES, o->offset);
	if (vfiowc_map_region(t->dev, o->region, o->offset, WCB_WINDOW_BYTES, o->attr,
			      o->allow_sysfs_wc ? VFIOWC_MAP_ALLOW_SYSFS_WC : 0, &t->vm, &verr) < 0)
		return fail(err, size, "%s", verr.msg);
	t->vfio_mapped = true;
	t->base = t->vm.addr;
	snprintf(t->name, sizeof(t->name), "%s region %u (VFIO), window 0x%" PRIx64 "+0x%x",
		 vfiowc_bdf(t->dev), o->region, o->offset, WCB_WINDOW_BYTES);
	take_vfio_report(t);
	return 0;
}

/* What the kernel's PAT list says about the sysfs window, by libvfiowc's
 * rule for what a mapping obtained. */
static void verify_sysfs(struct wcb_target *t)
{
	bool wc_file = strcmp(t->asked, "wc") == 0;
	struct vfiowc_report r = {
		.asked = wc_file ? VFIOWC_ATTR_WC : VFIOWC_ATTR_UC,
		/* resourceN_wc claims WC. Plain resourceN is mapped uncached
		 * (pgprot_noncached), the same claim as a plain VFIO mmap. */
		.method = wc_file ? VFIOWC_METHOD_SYSFS_WC : VFIOWC_METHOD_VFIO_MMAP,
	};
	struct vfiowc_error verr;

	if (vfiowc_verify_window(t->sysfs_bdf, NULL, t->bar, t->offset, WCB_WINDOW_BYTES, &r,
				 &verr) < 0) {
		/* open_sysfs() checked the address: only memory can run out. */
		snprintf(t->detail, sizeof(t->detail), "not verified: %.480s", verr.msg);
		t->obtained = t->asked;
		t->verified = vfiowc_memtype_name(VFIOWC_MT_UNVERIFIED);
		t->verified_known = false;
		t->mismatch = false;
		t->is_wc = wc_file;
		return;
	}
	snprintf(t->detail, sizeof(t->detail), "%s", r.detail);
	t->obtained = vfiowc_attr_name(r.obtained);
	t->verified = vfiowc_memtype_name(r.verified);
	t->verified_known = vfiowc_memtype_verified(r.verified);
	t->mismatch = r.mismatch;
	t->is_wc = r.obtained == VFIOWC_ATTR_WC;
}

static int open_sysfs(struct wcb_target *t, const struct wcb_options *o, char *err, size_t size)
{
	const char *path = o->sysfs_path, *base = strrchr(path, '/');
	unsigned int bar;
	bool wc_file;
	struct stat st;
	char *dir;
	int consumed = -1, fd;
	void *p;

	base = base != NULL ? base + 1 : path;
	if (sscanf(base, "resource%u%n", &bar, &consumed) != 1 || consumed < 0 ||
	    (base[consumed] != '\0' && strcmp(base + consumed, "_wc") != 0) || base == path)
		return fail(err, size, "--sysfs: '%s' is not a PCI resource file "
			    "(expected /sys/bus/pci/devices/BDF/resourceN or resourceN_wc)", path);
	t->bar = bar;
	t->offset = o->offset;
	wc_file = base[consumed] != '\0';
	/* The folder holding resourceN is named after the device's address. */
	dir = strndup(path, (size_t)(base - 1 - path));
	if (dir == NULL)
		return fail(err, size, "out of memory");
	snprintf(t->sysfs_bdf, sizeof(t->sysfs_bdf), "%s",
		 strrchr(dir, '/') != NULL ? strrchr(dir, '/') + 1 : dir);
	free(dir);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return fail(err, size, "%s: %s%s", path, strerror(errno),
			    errno == EACCES ? " (resource files are root's)" : "");
	/* sysfs resource files report no size to lseek(); fstat() has it. */
	if (fstat(fd, &st) != 0 || (uint64_t)st.st_size < WCB_WINDOW_BYTES ||
	    o->offset > (uint64_t)st.st_size - WCB_WINDOW_BYTES) {
		close(fd);
		return fail(err, size,
			    "%s has %jd bytes: wcbench needs 0x%x from offset 0x%" PRIx64, path,
			    (intmax_t)st.st_size, WCB_WINDOW_BYTES, o->offset);
	}
	p = mmap(NULL, WCB_WINDOW_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)o->offset);
	close(fd);   /* the mapping keeps the file */
	if (p == MAP_FAILED)
		return fail(err, size, "mmap of %s failed: %s%s", path, strerror(errno),
			    errno == EINVAL ? " (a VFIO user holds the BAR, "
					      "CONFIG_IO_STRICT_DEVMEM, or _wc of a "
					      "non-prefetchable BAR)" : "");
	t->map_addr = t->base = p;
	t->map_len = WCB_WINDOW_BYTES;
	snprintf(t->name, sizeof(t->name), "%s, window 0x%" PRIx64 "+0x%x", path, o->offset,
		 WCB_WINDOW_BYTES);
	t->asked = wc_file ? "wc" : "uc";
	t->method = wc_file ? "sysfs-wc" : "sysfs";
	verify_sysfs(t);
	return 0;
}

int wcb_target_open(struct wcb_target *t, const struct wcb_options *o, char *err, size_t size)
{
	int ret = -1;

	*t = (struct wcb_target){ .kind = o->target };
	switch (o->target) {
	case WCB_TARGET_ANON: ret = open_anon(t, err, size); break;
	case WCB_TARGET_VFIO: ret = open_vfio(t, o, err, size); break;
	case WCB_TARGET_SYSFS: ret = open_sysfs(t, o, err, size); break;
	}
	if (ret != 0)
		wcb_target_close(t);
	return ret;
}

void wcb_target_verify(struct wcb_target *t)
{
	switch (t->kind) {
	case WCB_TARGET_ANON:
		break;
	case WCB_TARGET_VFIO:
		vfiowc_verify(t->dev, &t->vm);
		take_vfio_report(t);
		break;
	case WCB_TARGET_SYSFS:
		verify_sysfs(t);
		break;
	}
}

void wcb_target_close(struct wcb_target *t)
{
	if (t->vfio_mapped)
		vfiowc_unmap(&t->vm);
	vfiowc_close(t->dev);
	if (t->map_addr != NULL)
		munmap(t->map_addr, t->map_len);
	*t = (struct wcb_target){ .kind = t->kind };
}

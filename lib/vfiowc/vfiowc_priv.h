/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libvfiowc internals: the device handle and the pure functions (parsers,
 * decisions) that the unit tests call directly. Not installed.
 */
#ifndef VFIOWC_PRIV_H
#define VFIOWC_PRIV_H

#include <stdarg.h>

#include "vfiowc.h"

/* "DDDDDDDD:BB:DD.F" plus NUL: PCI domains can be wider than 4 digits */
#define VFIOWC_BDF_LEN 17

/* The first mapping of a region in this open: it fixes the BAR's type. */
struct vfiowc_region_state {
	bool mapped;
	enum vfiowc_attr asked;
	enum vfiowc_attr obtained;
};

struct vfiowc_dev {
	char bdf[VFIOWC_BDF_LEN];
	int device_fd;
	int group_fd;       /* -1 when adopted */
	int container_fd;   /* -1 when adopted */
	bool adopted;       /* device_fd belongs to the caller */
	unsigned int num_regions;
	struct vfiowc_region_state *regions;   /* num_regions entries */
	char *sysfs_root;
	char *dev_root;
	char *pat_list;
};

/* ---- vfiowc_open.c ---- */

/* A handle that knows the device's paths and holds no file descriptor. */
struct vfiowc_dev *vfiowc_dev_new(const char *bdf, const struct vfiowc_opts *opts,
				  struct vfiowc_error *err);

/* ---- vfiowc_error.c ---- */

/* Fill err (when not NULL) with errnum and "who: <fmt>" (no prefix when
 * who is NULL); return -errnum. */
int vfiowc_fail(struct vfiowc_error *err, int errnum, const char *who, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Append "<fmt>" to the NUL-terminated text in buf, after "; " when buf is
 * not empty. Truncates silently at size. */
void vfiowc_text_append(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Short errno name ("ENOTTY"), or "errno N" in buf. */
const char *vfiowc_errno_name(int errnum, char *buf, size_t size);

/* ---- vfiowc_sysfs.c ---- */

/* snprintf into a path buffer; -ENAMETOOLONG when it does not fit. */
int vfiowc_path(char *out, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Read a whole file into a NUL-terminated malloc'ed buffer; sysfs and
 * debugfs files report no size, so this reads until EOF; -EFBIG when the
 * file reaches max bytes. */
int vfiowc_read_file(const char *path, size_t max, char **text, size_t *len);

/* Accept "DDDD:BB:DD.F" (4 to 8 domain digits) or "BB:DD.F", write the
 * full, lower-case form to out. -EINVAL for anything else: the result is
 * used in paths, so nothing but that shape may pass. */
int vfiowc_bdf_normalize(const char *in, char out[VFIOWC_BDF_LEN]);

/* Line `bar` of a sysfs `resource` file ("0xstart 0xend 0xflags"): 0 and
 * [*start, *end) (end exclusive), -ENOENT when the line is absent, -EINVAL
 * when it does not parse, -ERANGE when the BAR is unassigned (all zero). */
int vfiowc_resource_parse(const char *text, unsigned int bar, uint64_t *start, uint64_t *end);

/* The sysfs checks before VFIO is touched: the device exists, is bound to
 * vfio-pci and has an IOMMU group, whose number goes to *group. */
int vfiowc_sysfs_check(const char *sysfs_root, const char *bdf, unsigned int *group,
		       struct vfiowc_error *err);

/* Physical [*start, *end) of BAR `bar` from sysfs; on failure a negative
 * errno and the reason in why. */
int vfiowc_bar_phys(const struct vfiowc_dev *dev, unsigned int bar, uint64_t *start,
		    uint64_t *end, char *why, size_t why_size);

/* ---- vfiowc_region.c ---- */

/* Parse a VFIO_DEVICE_GET_REGION_INFO answer: len valid bytes at buf (the
 * fixed struct, then the capability chain). Never reads outside
 * [buf, buf + len); a malformed chain is -EPROTO with a message. */
int vfiowc_region_parse(const void *buf, size_t len, const char *who,
			struct vfiowc_region *out, struct vfiowc_error *err);

/* ---- vfiowc_pat.c ---- */

struct vfiowc_pat_result {
	enum vfiowc_memtype type;     /* UNVERIFIED never; NONE, CONFLICT or a type */
	enum vfiowc_memtype first;    /* type of the first overlapping entry */
	enum vfiowc_memtype other;    /* first type disagreeing with it (CONFLICT) */
	unsigned int overlapping;     /* entries overlapping the range */
	unsigned int skipped;         /* lines that did not parse */
};

/* Scan the text of pat_memtype_list for entries overlapping [start, end). */
void vfiowc_pat_scan(const char *text, size_t len, uint64_t start, uint64_t end,
		     struct vfiowc_pat_result *res);

/* ---- vfiowc_report.c ---- */

/* From r->asked, r->method and r->verified, set r->obtained and
 * r->mismatch. The rule that never reports unearned WC lives here. */
void vfiowc_report_decide(struct vfiowc_report *r);

/* ---- vfiowc_map.c ---- */

/* Check a window against a region and round *length to pages (0: to the
 * end of the region). Pure: no device needed. */
int vfiowc_window_check(const struct vfiowc_region *r, uint64_t offset, uint64_t *length,
			uint64_t page_size, const char *who, struct vfiowc_error *err);

#endif /* VFIOWC_PRIV_H */

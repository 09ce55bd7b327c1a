/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The report: what a mapping obtained, decided from what the method
 * claims and what the PAT list shows.
 *
 * The rule: a mapping is reported WC only when the method granted WC (the
 * mmap-attrs UAPI or sysfs resourceN_wc) and the PAT list, if readable,
 * does not contradict it, or when the PAT list itself shows WC. A readable
 * PAT list always wins: it is what the CPU uses, whatever any interface
 * said. A conflict never counts as WC.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vfiowc_priv.h"

/* A busy host's list is well under a megabyte; this bounds a bad one. */
#define PAT_LIST_MAX (64u * 1024u * 1024u)

const char *vfiowc_attr_name(enum vfiowc_attr a)
{
	switch (a) {
	case VFIOWC_ATTR_UC: return "uc";
	case VFIOWC_ATTR_WC: return "wc";
	}
	return "?";
}

const char *vfiowc_method_name(enum vfiowc_method m)
{
	switch (m) {
	case VFIOWC_METHOD_NONE: return "none";
	case VFIOWC_METHOD_UAPI: return "uapi";
	case VFIOWC_METHOD_SYSFS_WC: return "sysfs-wc";
	case VFIOWC_METHOD_VFIO_MMAP: return "vfio-mmap";
	}
	return "?";
}

/* The concrete types use the kernel's own names: the PAT parser matches
 * list lines against these strings. */
bool vfiowc_memtype_verified(enum vfiowc_memtype t)
{
	return t != VFIOWC_MT_UNVERIFIED && t != VFIOWC_MT_NONE && t != VFIOWC_MT_CONFLICT;
}

const char *vfiowc_memtype_name(enum vfiowc_memtype t)
{
	switch (t) {
	case VFIOWC_MT_UNVERIFIED: return "unverified";
	case VFIOWC_MT_NONE: return "none";
	case VFIOWC_MT_CONFLICT: return "conflict";
	case VFIOWC_MT_WB: return "write-back";
	case VFIOWC_MT_WC: return "write-combining";
	case VFIOWC_MT_UC_MINUS: return "uncached-minus";
	case VFIOWC_MT_UC: return "uncached";
	case VFIOWC_MT_WT: return "write-through";
	case VFIOWC_MT_WP: return "write-protect";
	}
	return "?";
}

/* What the method alone says the mapping is. */
static enum vfiowc_attr claimed_attr(const struct vfiowc_report *r)
{
	switch (r->method) {
	case VFIOWC_METHOD_UAPI:
		return r->asked;   /* the kernel accepted exactly what was asked */
	case VFIOWC_METHOD_SYSFS_WC:
		return VFIOWC_ATTR_WC;
	case VFIOWC_METHOD_NONE:
	case VFIOWC_METHOD_VFIO_MMAP:
		break;
	}
	return VFIOWC_ATTR_UC;   /* vfio-pci maps with pgprot_noncached */
}

/* Whether a verified type is what a claim implies. */
static bool type_matches(enum vfiowc_memtype t, enum vfiowc_attr claimed)
{
	if (claimed == VFIOWC_ATTR_WC)
		return t == VFIOWC_MT_WC;
	return t == VFIOWC_MT_UC || t == VFIOWC_MT_UC_MINUS;
}

void vfiowc_report_decide(struct vfiowc_report *r)
{
	enum vfiowc_attr claimed = claimed_attr(r);

	switch (r->verified) {
	case VFIOWC_MT_UNVERIFIED:
	case VFIOWC_MT_NONE:
		r->obtained = claimed;
		r->mismatch = false;
		return;
	case VFIOWC_MT_CONFLICT:
		r->obtained = VFIOWC_ATTR_UC;
		r->mismatch = true;
		return;
	case VFIOWC_MT_WB:
	case VFIOWC_MT_WC:
	case VFIOWC_MT_UC_MINUS:
	case VFIOWC_MT_UC:
	case VFIOWC_MT_WT:
	case VFIOWC_MT_WP:
		break;
	}
	r->obtained = r->verified == VFIOWC_MT_WC ? VFIOWC_ATTR_WC : VFIOWC_ATTR_UC;
	r->mismatch = !type_matches(r->verified, claimed);
}

/* Fill r->verified and r->detail from the PAT list for the mapping's
 * physical range. */
static void look_up_pat(const struct vfiowc_dev *dev, struct vfiowc_report *r)
{
	struct vfiowc_pat_result res;
	char *text;
	size_t len;
	int ret;

	ret = vfiowc_read_file(dev->pat_list, PAT_LIST_MAX, &text, &len);
	if (ret < 0) {
		snprintf(r->detail, sizeof(r->detail), "cannot read %s: %s%s", dev->pat_list,
			 strerror(-ret),
			 ret == -ENOENT ? " (debugfs not mounted, or not x86)" :
			 ret == -EACCES || ret == -EPERM ? " (root only)" : "");
		return;
	}
	vfiowc_pat_scan(text, len, r->phys_start, r->phys_end, &res);
	free(text);
	r->verified = res.type;
	if (res.type == VFIOWC_MT_NONE)
		snprintf(r->detail, sizeof(r->detail), "%s has no entry for 0x%" PRIx64 "-0x%" PRIx64,
			 dev->pat_list, r->phys_start, r->phys_end);
	else if (res.type == VFIOWC_MT_CONFLICT)
		snprintf(r->detail, sizeof(r->detail),
			 "%u entries of %s overlap 0x%" PRIx64 "-0x%" PRIx64 " and disagree: %s and %s",
			 res.overlapping, dev->pat_list, r->phys_start, r->phys_end,
			 vfiowc_memtype_name(res.first), vfiowc_memtype_name(res.other));
	else
		snprintf(r->detail, sizeof(r->detail),
			 "%u entries of %s overlap 0x%" PRIx64 "-0x%" PRIx64 ": %s",
			 res.overlapping, dev->pat_list, r->phys_start, r->phys_end,
			 vfiowc_memtype_name(res.type));
	if (res.skipped != 0)
		vfiowc_text_append(r->detail, sizeof(r->detail), "%u lines did not parse",
				   res.skipped);
}

void vfiowc_verify(const struct vfiowc_dev *dev, struct vfiowc_mapping *m)
{
	struct vfiowc_report *r = &m->report;
	uint64_t bar_start, bar_end;

	r->verified = VFIOWC_MT_UNVERIFIED;
	r->phys_known = false;
	r->phys_start = r->phys_end = 0;
	r->detail[0] = '\0';
	if (vfiowc_bar_phys(dev, m->region, &bar_start, &bar_end, r->detail,
			    sizeof(r->detail)) == 0) {
		r->phys_known = true;
		r->phys_start = bar_start + m->offset;
		r->phys_end = r->phys_start + m->length;
		look_up_pat(dev, r);
	}
	vfiowc_report_decide(r);
	if (r->mismatch) {
		char seen[VFIOWC_TEXT_MAX];

		memcpy(seen, r->detail, sizeof(seen));
		snprintf(r->detail, sizeof(r->detail),
			 "MISMATCH: %s should give %s but the PAT list shows %s, so obtained=%s; %s",
			 vfiowc_method_name(r->method), vfiowc_attr_name(claimed_attr(r)),
			 vfiowc_memtype_name(r->verified), vfiowc_attr_name(r->obtained), seen);
	}
}

int vfiowc_verify_window(const char *bdf, const struct vfiowc_opts *opts, unsigned int bar,
			 uint64_t offset, uint64_t length, struct vfiowc_report *r,
			 struct vfiowc_error *err)
{
	struct vfiowc_mapping m = {
		.length = length, .region = bar, .offset = offset, .report = *r,
	};
	struct vfiowc_dev *dev = vfiowc_dev_new(bdf, opts, err);

	if (dev == NULL)
		return err != NULL ? -err->errnum : -EINVAL;
	vfiowc_verify(dev, &m);
	vfiowc_close(dev);
	*r = m.report;
	return 0;
}

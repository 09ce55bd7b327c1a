/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The report decision, for every combination of asked attribute, method
 * and verified memory type. The rule under test: a mapping is reported WC
 * only when the method granted WC and the PAT list does not contradict it,
 * or when the PAT list shows WC; a readable PAT list always decides.
 *
 * Two layers: hand-written rows for the cases that matter most (each one a
 * statement someone could check against doc/libvfiowc.md), then every
 * combination against the invariants. Last, vfiowc_verify_window() (a
 * mapping made without libvfiowc) on a fake sysfs tree.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fake_tree.h"
#include "vfiowc_priv.h"
#include "test_check.h"

#define UC VFIOWC_ATTR_UC
#define WC VFIOWC_ATTR_WC

static const enum vfiowc_attr attrs[] = { UC, WC };
static const enum vfiowc_method methods[] = {
	VFIOWC_METHOD_NONE, VFIOWC_METHOD_UAPI, VFIOWC_METHOD_SYSFS_WC, VFIOWC_METHOD_VFIO_MMAP,
};
static const enum vfiowc_memtype types[] = {
	VFIOWC_MT_UNVERIFIED, VFIOWC_MT_NONE, VFIOWC_MT_CONFLICT, VFIOWC_MT_WB, VFIOWC_MT_WC,
	VFIOWC_MT_UC_MINUS, VFIOWC_MT_UC, VFIOWC_MT_WT, VFIOWC_MT_WP,
};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static struct vfiowc_report decide(enum vfiowc_attr asked, enum vfiowc_method method,
				   enum vfiowc_memtype verified)
{
	struct vfiowc_report r;

	memset(&r, 0, sizeof(r));
	r.asked = asked;
	r.method = method;
	r.verified = verified;
	/* Start from the wrong answer, so a decision that forgets to set a
	 * field shows. */
	r.obtained = WC;
	r.mismatch = true;
	vfiowc_report_decide(&r);
	return r;
}

static void test_rows(void)
{
	static const struct {
		enum vfiowc_attr asked;
		enum vfiowc_method method;
		enum vfiowc_memtype verified;
		enum vfiowc_attr obtained;
		bool mismatch;
		const char *why;
	} rows[] = {
		{ WC, VFIOWC_METHOD_UAPI, VFIOWC_MT_WC, WC, false, "UAPI granted, PAT agrees" },
		{ WC, VFIOWC_METHOD_UAPI, VFIOWC_MT_UNVERIFIED, WC, false, "UAPI granted, no PAT list" },
		{ WC, VFIOWC_METHOD_UAPI, VFIOWC_MT_NONE, WC, false, "UAPI granted, no PAT entry" },
		{ WC, VFIOWC_METHOD_UAPI, VFIOWC_MT_UC_MINUS, UC, true, "the PAT trap: silently downgraded" },
		{ WC, VFIOWC_METHOD_UAPI, VFIOWC_MT_CONFLICT, UC, true, "conflict is never WC" },
		{ WC, VFIOWC_METHOD_SYSFS_WC, VFIOWC_MT_UNVERIFIED, WC, false, "sysfs-wc granted" },
		{ WC, VFIOWC_METHOD_SYSFS_WC, VFIOWC_MT_UC_MINUS, UC, true, "sysfs-wc downgraded" },
		{ WC, VFIOWC_METHOD_VFIO_MMAP, VFIOWC_MT_UNVERIFIED, UC, false, "fallback is UC" },
		{ WC, VFIOWC_METHOD_VFIO_MMAP, VFIOWC_MT_UC_MINUS, UC, false, "fallback, PAT agrees" },
		{ WC, VFIOWC_METHOD_VFIO_MMAP, VFIOWC_MT_WC, WC, true, "vfio-pci patched to map WC" },
		{ UC, VFIOWC_METHOD_UAPI, VFIOWC_MT_UNVERIFIED, UC, false, "UC through the UAPI" },
		{ UC, VFIOWC_METHOD_UAPI, VFIOWC_MT_UC_MINUS, UC, false, "UC, PAT agrees" },
		{ UC, VFIOWC_METHOD_UAPI, VFIOWC_MT_UC, UC, false, "UC (strong), PAT agrees" },
		{ UC, VFIOWC_METHOD_UAPI, VFIOWC_MT_WC, WC, true, "asked UC, PAT says WC: report WC" },
		{ UC, VFIOWC_METHOD_VFIO_MMAP, VFIOWC_MT_WB, UC, true, "a cached BAR is never UC-as-claimed" },
		{ UC, VFIOWC_METHOD_VFIO_MMAP, VFIOWC_MT_CONFLICT, UC, true, "conflict is loud for UC too" },
	};

	for (size_t i = 0; i < COUNT(rows); i++) {
		struct vfiowc_report r = decide(rows[i].asked, rows[i].method, rows[i].verified);

		CHECK(r.obtained == rows[i].obtained && r.mismatch == rows[i].mismatch,
		      "row %zu (%s): asked %s via %s, verified %s -> obtained %s mismatch %d, want %s %d",
		      i, rows[i].why, vfiowc_attr_name(rows[i].asked),
		      vfiowc_method_name(rows[i].method), vfiowc_memtype_name(rows[i].verified),
		      vfiowc_attr_name(r.obtained), r.mismatch, vfiowc_attr_name(rows[i].obtained),
		      rows[i].mismatch);
	}
}

static bool grants_wc(enum vfiowc_attr asked, enum vfiowc_method m)
{
	return (m == VFIOWC_METHOD_UAPI && asked == WC) || m == VFIOWC_METHOD_SYSFS_WC;
}

static bool readable(enum vfiowc_memtype t)
{
	return t != VFIOWC_MT_UNVERIFIED && t != VFIOWC_MT_NONE;
}

static void test_every_combination(void)
{
	unsigned int n = 0;

	for (size_t a = 0; a < COUNT(attrs); a++)
		for (size_t m = 0; m < COUNT(methods); m++)
			for (size_t t = 0; t < COUNT(types); t++) {
				struct vfiowc_report r = decide(attrs[a], methods[m], types[t]);
				bool granted = grants_wc(attrs[a], methods[m]);
				const char *asked = vfiowc_attr_name(attrs[a]);
				const char *method = vfiowc_method_name(methods[m]);
				const char *type = vfiowc_memtype_name(types[t]);

				n++;
				/* Never WC that neither the method granted nor the PAT list shows. */
				CHECK(r.obtained == UC || granted || types[t] == VFIOWC_MT_WC,
				      "%s/%s/%s: unearned WC", asked, method, type);
				/* A concrete verified type decides. */
				if (readable(types[t]))
					CHECK(r.obtained == (types[t] == VFIOWC_MT_WC ? WC : UC),
					      "%s/%s/%s: obtained %s ignores the PAT list", asked,
					      method, type, vfiowc_attr_name(r.obtained));
				/* Without a verdict the method's claim stands, silently. */
				else
					CHECK(r.obtained == (granted ? WC : UC) && !r.mismatch,
					      "%s/%s/%s: unverified must keep the claim", asked, method,
					      type);
				/* A WC claim the PAT list contradicts is always loud. */
				if (granted && readable(types[t]) && types[t] != VFIOWC_MT_WC)
					CHECK(r.mismatch && r.obtained == UC,
					      "%s/%s/%s: contradicted WC must be a loud UC", asked,
					      method, type);
				if (types[t] == VFIOWC_MT_CONFLICT)
					CHECK(r.mismatch && r.obtained == UC, "%s/%s/%s: conflict",
					      asked, method, type);
			}
	CHECK(n == 72, "%u combinations", n);
}

static void test_names(void)
{
	const char *seen[COUNT(types)];

	CHECK(strcmp(vfiowc_attr_name(UC), "uc") == 0 && strcmp(vfiowc_attr_name(WC), "wc") == 0,
	      "attribute names");
	CHECK(strcmp(vfiowc_method_name(VFIOWC_METHOD_UAPI), "uapi") == 0 &&
	      strcmp(vfiowc_method_name(VFIOWC_METHOD_SYSFS_WC), "sysfs-wc") == 0 &&
	      strcmp(vfiowc_method_name(VFIOWC_METHOD_VFIO_MMAP), "vfio-mmap") == 0 &&
	      strcmp(vfiowc_method_name(VFIOWC_METHOD_NONE), "none") == 0, "method names");
	CHECK(strcmp(vfiowc_memtype_name(VFIOWC_MT_WC), "write-combining") == 0 &&
	      strcmp(vfiowc_memtype_name(VFIOWC_MT_UC_MINUS), "uncached-minus") == 0 &&
	      strcmp(vfiowc_memtype_name(VFIOWC_MT_UNVERIFIED), "unverified") == 0,
	      "memory type names");
	for (size_t i = 0; i < COUNT(types); i++) {
		seen[i] = vfiowc_memtype_name(types[i]);
		CHECK(strcmp(seen[i], "?") != 0, "type %zu has no name", i);
		for (size_t j = 0; j < i; j++)
			CHECK(strcmp(seen[i], seen[j]) != 0, "types %zu and %zu share '%s'", i, j,
			      seen[i]);
	}
	for (size_t i = 0; i < COUNT(types); i++)
		CHECK(vfiowc_memtype_verified(types[i]) ==
		      (types[i] != VFIOWC_MT_UNVERIFIED && types[i] != VFIOWC_MT_NONE &&
		       types[i] != VFIOWC_MT_CONFLICT), "%s verified?", vfiowc_memtype_name(types[i]));
	CHECK(strcmp(vfiowc_attr_name((enum vfiowc_attr)7), "?") == 0, "unknown attribute");
	CHECK(strcmp(vfiowc_method_name((enum vfiowc_method)9), "?") == 0, "unknown method");
	CHECK(strcmp(vfiowc_memtype_name((enum vfiowc_memtype)99), "?") == 0, "unknown type");
}

/* A resourceN_wc mapping of BAR 2 at 0xfe000000, checked by its window. */
static void test_verify_window(void)
{
	static const char bdf[] = "0000:00:04.0";
	struct vfiowc_opts opts;
	struct vfiowc_report r;
	struct vfiowc_error err;
	struct fake_tree tree;

	if (!fake_tree_init(&tree)) {
		CHECK(false, "cannot build the fake tree: %s", strerror(errno));
		return;
	}
	opts = (struct vfiowc_opts){ .sysfs_root = tree.sysfs, .pat_list = tree.pat };
	CHECK(fake_tree_pci_device(&tree, bdf, NULL, -1) &&
	      fake_tree_file(&tree, "sys/bus/pci/devices/0000:00:04.0/resource",
			     "0x00000000febf0000 0x00000000febf3fff 0x0000000000040200\n"
			     "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
			     "0x00000000fe000000 0x00000000feffffff 0x000000000014220c\n") &&
	      fake_tree_file(&tree, "pat_memtype_list",
			     "PAT: [mem 0x00000000fe000000-0x00000000fe020000] write-combining\n"),
	      "fake tree");

	r = (struct vfiowc_report){ .asked = WC, .method = VFIOWC_METHOD_SYSFS_WC };
	CHECK(vfiowc_verify_window(bdf, &opts, 2, 0x10000, 0x10000, &r, &err) == 0, "verify: %s",
	      err.msg);
	CHECK(r.obtained == WC && r.verified == VFIOWC_MT_WC && !r.mismatch && r.phys_known &&
	      r.phys_start == 0xfe010000 && r.phys_end == 0xfe020000, "WC window: %s", r.detail);

	/* The window past the WC entry: the list has nothing for it, so the
	 * method's claim stands, unverified. */
	r = (struct vfiowc_report){ .asked = WC, .method = VFIOWC_METHOD_SYSFS_WC };
	CHECK(vfiowc_verify_window(bdf, &opts, 2, 0x100000, 0x1000, &r, &err) == 0, "verify");
	CHECK(r.verified == VFIOWC_MT_NONE && r.obtained == WC && !r.mismatch, "no entry: %s",
	      r.detail);

	CHECK(fake_tree_file(&tree, "pat_memtype_list",
			     "PAT: [mem 0x00000000fe000000-0x00000000ff000000] uncached-minus\n"),
	      "PAT list");
	r = (struct vfiowc_report){ .asked = WC, .method = VFIOWC_METHOD_SYSFS_WC };
	CHECK(vfiowc_verify_window(bdf, &opts, 2, 0, 0x1000, &r, &err) == 0, "verify");
	CHECK(r.obtained == UC && r.verified == VFIOWC_MT_UC_MINUS && r.mismatch &&
	      strstr(r.detail, "MISMATCH") != NULL, "downgraded window: %s", r.detail);

	CHECK(vfiowc_verify_window("not-a-bdf", &opts, 2, 0, 0x1000, &r, &err) == -EINVAL &&
	      err.errnum == EINVAL, "bad address: %d", err.errnum);
	fake_tree_remove(&tree);
}

int main(void)
{
	test_rows();
	test_every_combination();
	test_names();
	test_verify_window();
	return test_exit_status("vfiowc_report");
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wcbench's pure parts: the statistics, the hypervisor and emulator
 * classification, the warnings each situation must produce, and the
 * values the option parser stores. No timing is involved.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_check.h"
#include "wcbench.h"

static void test_stats(void)
{
	double one[] = { 7 }, four[] = { 4, 1, 3, 2 }, many[200];
	struct wcb_stats s;

	wcb_stats_compute(one, 1, &s);
	CHECK(s.min == 7 && s.median == 7 && s.p99 == 7, "one sample: %g %g %g", s.min, s.median,
	      s.p99);
	wcb_stats_compute(four, 4, &s);
	CHECK(s.min == 1 && s.median == 2.5 && s.p99 == 4, "four samples: %g %g %g", s.min,
	      s.median, s.p99);
	/* 100 samples 1..100 in reverse: the 99th percentile is the 99th. */
	for (unsigned int i = 0; i < 100; i++)
		many[i] = 100 - i;
	wcb_stats_compute(many, 100, &s);
	CHECK(s.min == 1 && s.median == 50.5 && s.p99 == 99, "100 samples: %g %g %g", s.min,
	      s.median, s.p99);
	/* 101 samples: rank ceil(99.99) = 100. */
	for (unsigned int i = 0; i < 101; i++)
		many[i] = (i * 37) % 101 + 1;   /* a permutation of 1..101 */
	wcb_stats_compute(many, 101, &s);
	CHECK(s.min == 1 && s.median == 51 && s.p99 == 100, "101 samples: %g %g %g", s.min,
	      s.median, s.p99);
	for (unsigned int i = 0; i < 200; i++)
		many[i] = i + 1;
	wcb_stats_compute(many, 200, &s);
	CHECK(s.p99 == 198, "200 samples: p99 %g, want 198", s.p99);
}

static struct wcb_platform platform(const char *model, bool bit, const char *signature,
				    const char *sys_hv, const char *dmi)
{
	struct wcb_platform p = { .hypervisor_bit = bit, .invariant_tsc = true,
				  .invariant_tsc_known = true };

	snprintf(p.cpu_model, sizeof(p.cpu_model), "%s", model);
	snprintf(p.hv_signature, sizeof(p.hv_signature), "%s", signature);
	snprintf(p.sys_hypervisor, sizeof(p.sys_hypervisor), "%s", sys_hv);
	snprintf(p.dmi, sizeof(p.dmi), "%s", dmi);
	wcb_platform_classify(&p);
	return p;
}

static bool same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static void test_classify(void)
{
	static const struct {
		const char *what, *model, *signature, *sys_hv, *dmi;
		bool bit;
		const char *name;
		bool virtualized, emulator;
	} cases[] = {
		{ "bare metal", "Intel(R) Xeon(R)", "", "", "Dell Inc. PowerEdge R750", false,
		  NULL, false, false },
		{ "bare metal, no DMI", "AMD EPYC 7763", "", "", "", false, NULL, false, false },
		{ "TCG by signature", "QEMU TCG CPU version 2.5+", "TCGTCGTCGTCG", "",
		  "QEMU Standard PC (Q35 + ICH9, 2009)", true, "QEMU TCG", true, true },
		{ "TCG by model only", "QEMU TCG CPU version 2.5+", "", "", "", false,
		  "QEMU TCG", true, true },
		{ "KVM", "AMD EPYC", "KVMKVMKVM", "", "", true, "KVM", true, false },
		{ "Hyper-V", "Intel(R) Xeon(R)", "Microsoft Hv", "", "", true, "Hyper-V", true,
		  false },
		{ "unknown signature", "x", "ABCDEFGHIJKL", "", "", true, "unknown hypervisor",
		  true, false },
		{ "hidden signature, DMI says QEMU", "x", "", "", "QEMU Standard PC", false,
		  "unnamed hypervisor", true, false },
		{ "Xen through /sys/hypervisor", "x", "", "xen", "", false, "Xen", true, false },
		{ "other /sys/hypervisor", "x", "", "s390", "", false, "unnamed hypervisor", true,
		  false },
		{ "hypervisor bit only", "x", "", "", "", true, "unnamed hypervisor", true,
		  false },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct wcb_platform p = platform(cases[i].model, cases[i].bit, cases[i].signature,
						 cases[i].sys_hv, cases[i].dmi);

		CHECK(same(p.hv_name, cases[i].name), "%s: hypervisor '%s', want '%s'",
		      cases[i].what, p.hv_name ? p.hv_name : "(none)",
		      cases[i].name ? cases[i].name : "(none)");
		CHECK(p.virtualized == cases[i].virtualized, "%s: virtualized %d", cases[i].what,
		      p.virtualized);
		CHECK(p.emulator == cases[i].emulator, "%s: emulator %d", cases[i].what,
		      p.emulator);
	}
	CHECK(wcb_hypervisor_name("KVMKVMKVM") != NULL, "KVM's signature is known");
	CHECK(wcb_hypervisor_name("KVMKVMKV") == NULL, "a truncated signature is not");
}

static struct wcb_target target(enum wcb_target_kind kind, const char *asked,
				const char *obtained, bool verified_known, bool mismatch)
{
	struct wcb_target t = { .kind = kind, .asked = asked, .obtained = obtained,
				.verified = verified_known ? "uncached-minus" : "unverified",
				.verified_known = verified_known, .mismatch = mismatch };

	snprintf(t.reason, sizeof(t.reason), "%s",
		 strcmp(asked, obtained) != 0 ? "VFIO_DEVICE_SET_MMAP_ATTRS: ENOTTY" : "");
	snprintf(t.detail, sizeof(t.detail), "%s", mismatch ? "MISMATCH: seen" : "seen");
	return t;
}

/* How many warnings contain `needle`. */
static unsigned int count(const struct wcb_warnings *w, const char *needle)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < w->n; i++)
		n += strstr(w->text[i], needle) != NULL;
	return n;
}

static void test_warnings(void)
{
	struct wcb_platform metal = platform("Intel(R) Xeon(R)", false, "", "", ""),
			    tcg = platform("QEMU TCG CPU version 2.5+", true, "TCGTCGTCGTCG", "",
					   "QEMU Standard PC"),
			    kvm = platform("AMD EPYC", true, "KVMKVMKVM", "", "");
	struct wcb_results res = { .cpu_first = 1, .cpu_last = 1 };
	struct wcb_target anon = target(WCB_TARGET_ANON, "wb", "wb", true, false),
			  wc_got_uc = target(WCB_TARGET_VFIO, "wc", "uc", true, false),
			  uc = target(WCB_TARGET_VFIO, "uc", "uc", true, false),
			  unverified = target(WCB_TARGET_SYSFS, "wc", "wc", false, false),
			  mismatch = target(WCB_TARGET_VFIO, "uc", "wc", true, true);
	struct wcb_warnings w;

	wcb_warnings_collect(&metal, &anon, &res, &w);
	CHECK(w.n == 0, "bare metal, anonymous memory: %u warnings, first: %s", w.n,
	      w.n ? w.text[0] : "");

	wcb_warnings_collect(&tcg, &wc_got_uc, &res, &w);
	CHECK(count(&w, "emulator that does not model memory types") == 1,
	      "TCG is named an emulator (%u warnings)", w.n);
	CHECK(count(&w, "write-combining asked but uncached obtained") == 1,
	      "WC asked, UC obtained is said");
	CHECK(count(&w, "ENOTTY") == 1, "the fallback reason is quoted");

	wcb_warnings_collect(&tcg, &uc, &res, &w);
	CHECK(count(&w, "emulator") == 1 && w.n == 1, "TCG, UC asked: only the emulator (%u)",
	      w.n);

	wcb_warnings_collect(&kvm, &uc, &res, &w);
	CHECK(count(&w, "hypervisor (KVM)") == 1 && count(&w, "disable write-combining") == 1,
	      "KVM with a device target: WC may be disabled");
	wcb_warnings_collect(&kvm, &anon, &res, &w);
	CHECK(count(&w, "hypervisor (KVM)") == 1 && count(&w, "write-combining") == 0,
	      "KVM with anonymous memory: no memory-type claim");

	wcb_warnings_collect(&metal, &unverified, &res, &w);
	CHECK(count(&w, "memory type not verified") == 1, "unverified is said");
	wcb_warnings_collect(&metal, &mismatch, &res, &w);
	CHECK(count(&w, "contradicts") == 1, "a mismatch is said");

#if defined(__x86_64__)
	metal.invariant_tsc = false;
	wcb_warnings_collect(&metal, &anon, &res, &w);
	CHECK(count(&w, "no invariant TSC") == 1, "a TSC that is not invariant is said");
	metal.invariant_tsc = true;
#endif
	res.cpu_last = 0;
	wcb_warnings_collect(&metal, &anon, &res, &w);
	CHECK(count(&w, "moved from CPU 1 to CPU 0") == 1, "a migration is said");
}

static int parse(struct wcb_options *o, char **argv)
{
	FILE *sink = fopen("/dev/null", "w");
	int argc = 0, ret;

	while (argv[argc] != NULL)
		argc++;
	ret = wcb_options_parse(argc, argv, o, sink, sink);
	fclose(sink);
	return ret;
}

static void test_options(void)
{
	struct wcb_options o;

	CHECK(parse(&o, (char *[]){ "wcbench", NULL }) == 0, "no options");
	CHECK(o.target == WCB_TARGET_ANON && o.nb_bursts == 4 && o.bursts[3] == 64 &&
	      o.nb_entry_sizes == 2 && o.doorbell_bytes == 4 && o.cpu == -1 &&
	      o.format == WCB_FMT_TABLE && o.plot == NULL, "defaults");
	for (unsigned int i = 0; i < WCB_PAT_COUNT; i++)
		CHECK(o.patterns[i], "pattern %s on by default", wcb_pattern_name(i));
	for (unsigned int v = 0; v < WC_STORE_VARIANT_COUNT; v++)
		CHECK(o.stores[v], "store %s asked by default", wc_store_variant_name(v));

	CHECK(parse(&o, (char *[]){ "wcbench", "--burst", "64,8,8", "--entry-size", "256",
				    "--store", "avx2,u64", "--pattern", "burst", "--format",
				    "json", "--cpu", "0", "--doorbell-bytes", "8", NULL }) == 0,
	      "a full command line");
	CHECK(o.nb_bursts == 2 && o.bursts[0] == 64 && o.bursts[1] == 8, "bursts deduplicated");
	CHECK(o.nb_entry_sizes == 1 && o.entry_sizes[0] == 256, "one entry size");
	CHECK(o.stores[WC_STORE_AVX2] && o.stores[WC_STORE_U64] && !o.stores[WC_STORE_SSE2],
	      "the named stores only");
	CHECK(o.patterns[WCB_PAT_BURST] && !o.patterns[WCB_PAT_LINE], "the named pattern only");
	CHECK(o.format == WCB_FMT_JSON && o.cpu == 0 && o.doorbell_bytes == 8, "the rest");

	CHECK(parse(&o, (char *[]){ "wcbench", "--vfio", "0000:00:01.0", "--attr", "uc",
				    "--region", "0", "--offset", "0x10000", NULL }) == 0,
	      "a VFIO target");
	CHECK(o.target == WCB_TARGET_VFIO && o.attr == VFIOWC_ATTR_UC && o.region == 0 &&
	      o.offset == 0x10000, "VFIO target values");

	CHECK(parse(&o, (char *[]){ "wcbench", "--help", NULL }) == 1, "--help");
	CHECK(parse(&o, (char *[]){ "wcbench", "--burst", "257", NULL }) == 2, "burst too big");
	CHECK(parse(&o, (char *[]){ "wcbench", "--burst", "1,", NULL }) == 2, "empty item");
	CHECK(parse(&o, (char *[]){ "wcbench", "--sysfs", "x", "--vfio", "y", NULL }) == 2,
	      "two targets");
}

int main(void)
{
	test_stats();
	test_classify();
	test_warnings();
	test_options();
	return test_exit_status("wcbench_core");
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wc_store_best() must pick the first supported variant in the order
 * movdir64b > avx512 > avx2 > sse2 > u64 (the reasons for that order are
 * in lib/wcstore/wc_store.c).
 *
 * Two checks: against the library's own support answers (no variant
 * ranked above the chosen one is supported), and on x86-64 against an
 * independent probe, the compiler's __builtin_cpu_supports(), which also
 * accounts for the register state the OS enables. The second catches a probe that
 * is wrong in a way the first cannot see.
 */
#include <stddef.h>
#include <stdio.h>
#if defined(__x86_64__)
#include <cpuid.h>
#endif

#include "wc_store.h"
#include "test_check.h"

static const enum wc_store_variant order[] = {
	WC_STORE_MOVDIR64B,
	WC_STORE_AVX512,
	WC_STORE_AVX2,
	WC_STORE_SSE2,
	WC_STORE_U64,
};
#define ORDER_LEN (sizeof(order) / sizeof(order[0]))

/* What the CPU offers, as GCC's run-time feature detection sees it. */
static bool reference_supports(enum wc_store_variant v)
{
#if defined(__x86_64__)
	__builtin_cpu_init();
	switch (v) {
	case WC_STORE_U64:
		return true;
	case WC_STORE_SSE2:
		return __builtin_cpu_supports("sse2");
	case WC_STORE_AVX2:
		return __builtin_cpu_supports("avx") && __builtin_cpu_supports("avx2");
	case WC_STORE_AVX512:
		return __builtin_cpu_supports("avx512f");
	case WC_STORE_MOVDIR64B: {
		/* Read the bit directly: not every compiler's
		 * __builtin_cpu_supports() knows "movdir64b" (clang 14 does not). */
		unsigned int eax, ebx, ecx, edx;

		return __get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) && (ecx & (1u << 28));
	}
	case WC_STORE_VARIANT_COUNT:
		break;
	}
	return false;
#else
	return v == WC_STORE_U64;
#endif
}

int main(void)
{
	enum wc_store_variant best = wc_store_best();
	enum wc_store_variant expected = WC_STORE_VARIANT_COUNT;
	const char *why;

	CHECK(ORDER_LEN == WC_STORE_VARIANT_COUNT, "order[] does not list every variant");

	for (size_t i = 0; i < ORDER_LEN; i++) {
		enum wc_store_variant v = order[i];
		bool lib = wc_store_variant_supported(v, &why);
		bool ref = reference_supports(v);

		printf("%-10s %s%s%s\n", wc_store_variant_name(v),
		       lib ? "supported" : "unsupported", lib ? "" : ": ", lib ? "" : why);
		CHECK(lib == ref, "%s: library says %s, __builtin_cpu_supports says %s",
		      wc_store_variant_name(v), lib ? "yes" : "no", ref ? "yes" : "no");
		CHECK((wc_store_copy_fn(v) != NULL) == lib,
		      "%s: copy function presence disagrees with support", wc_store_variant_name(v));
		if (expected == WC_STORE_VARIANT_COUNT && ref)
			expected = v;
	}

	printf("best: %s\n", wc_store_variant_name(best));
	CHECK(best == expected, "best is %s, expected %s", wc_store_variant_name(best),
	      wc_store_variant_name(expected));

	/* Independent of the reference: nothing ranked above best is usable. */
	for (size_t i = 0; i < ORDER_LEN && order[i] != best; i++)
		CHECK(!wc_store_variant_supported(order[i], NULL),
		      "%s is supported and ranks above best %s",
		      wc_store_variant_name(order[i]), wc_store_variant_name(best));
	CHECK(wc_store_variant_supported(best, NULL), "best is unsupported");
	CHECK(wc_store_variant_supported(WC_STORE_U64, NULL), "u64 must always be supported");
	CHECK(!wc_store_variant_supported(WC_STORE_VARIANT_COUNT, &why) && why != NULL,
	      "out-of-range variant reported supported or without a reason");
	CHECK(wc_store_best() == best, "wc_store_best() changed between calls");

	return test_exit_status("dispatch");
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Variant names, the portable u64 variant, and the run-time dispatch.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "wc_store_priv.h"

static const char *const variant_names[WC_STORE_VARIANT_COUNT] = {
	[WC_STORE_U64]       = "u64",
	[WC_STORE_SSE2]      = "sse2",
	[WC_STORE_AVX2]      = "avx2",
	[WC_STORE_AVX512]    = "avx512",
	[WC_STORE_MOVDIR64B] = "movdir64b",
};

const char *wc_store_variant_name(enum wc_store_variant v)
{
	if ((unsigned int)v >= WC_STORE_VARIANT_COUNT)
		return NULL;
	return variant_names[v];
}

int wc_store_variant_from_name(const char *name, enum wc_store_variant *out)
{
	if (name == NULL)
		return -EINVAL;
	for (unsigned int v = 0; v < WC_STORE_VARIANT_COUNT; v++) {
		if (strcmp(name, variant_names[v]) == 0) {
			*out = (enum wc_store_variant)v;
			return 0;
		}
	}
	return -EINVAL;
}

/*
 * Portable variant: eight 8-byte stores per line, in address order.
 *
 * volatile keeps exactly these stores: the compiler may not merge them
 * into wider ones, split them, reorder them among themselves or drop one
 * it considers dead (nothing in this program reads device memory back).
 * On an x86 WC mapping, ordinary stores combine in the WC buffer just like
 * non-temporal ones, so eight consecutive stores still fill one line; they
 * are equally weakly ordered, hence the same fence rule. Source words are
 * read with memcpy because src may be unaligned.
 */
static void wc_copy_lines_u64(void *dst, const void *src, unsigned int nb_lines)
{
	volatile uint64_t *d = dst;
	const unsigned char *s = src;
	const size_t words = (size_t)nb_lines * (WC_STORE_LINE / sizeof(uint64_t));

	for (size_t i = 0; i < words; i++) {
		uint64_t w;

		memcpy(&w, s + i * sizeof(w), sizeof(w));
		d[i] = w;
	}
}

static const wc_copy_lines_fn variant_fns[WC_STORE_VARIANT_COUNT] = {
	[WC_STORE_U64]       = wc_copy_lines_u64,
#if defined(__x86_64__)
	[WC_STORE_SSE2]      = wc_copy_lines_sse2,
	[WC_STORE_AVX2]      = wc_copy_lines_avx2,
	[WC_STORE_AVX512]    = wc_copy_lines_avx512,
	[WC_STORE_MOVDIR64B] = wc_copy_lines_movdir64b,
#endif
};

wc_copy_lines_fn wc_store_copy_fn(enum wc_store_variant v)
{
	if (!wc_store_variant_supported(v, NULL))
		return NULL;
	return variant_fns[v];
}

/*
 * Preference order, first supported wins:
 *
 *  movdir64b  one 64-byte write transaction per line, guaranteed by the
 *             architecture for any destination memory type, UC included.
 *             It does not depend on WC buffer behaviour at all, and it
 *             touches no vector registers.
 *  avx512     one store fills the whole WC buffer: the line is complete
 *             the moment that store retires, leaving no window in which
 *             an eviction (interrupt, buffer pressure) splits it.
 *  avx2       two stores per line; a short window.
 *  sse2       four stores per line.
 *  u64        eight ordinary stores per line; the only choice off x86.
 *
 * On CPUs where 512-bit instructions lower the core clock, a caller that
 * measures a loss can pick avx2 explicitly with wc_store_copy_fn().
 */
static const enum wc_store_variant preference[] = {
	WC_STORE_MOVDIR64B,
	WC_STORE_AVX512,
	WC_STORE_AVX2,
	WC_STORE_SSE2,
	WC_STORE_U64,
};

/* -1 until decided; afterwards the chosen variant. Racing first calls
 * decide the same thing. */
static int best_variant = -1;

enum wc_store_variant wc_store_best(void)
{
	int best = __atomic_load_n(&best_variant, __ATOMIC_RELAXED);

	if (best < 0) {
		/* U64 is always supported, so the loop always stops. */
		for (size_t i = 0; i < sizeof(preference) / sizeof(preference[0]); i++) {
			if (wc_store_variant_supported(preference[i], NULL)) {
				best = (int)preference[i];
				break;
			}
		}
		__atomic_store_n(&best_variant, best, __ATOMIC_RELAXED);
	}
	return (enum wc_store_variant)best;
}

/*
 * wc_copy_lines() calls through copy_lines_impl, which starts out as a
 * resolver: the first call replaces the pointer with the best variant's
 * function and forwards to it. From then on every call is a single
 * indirect call, with no feature test or branch on the path.
 */
static void copy_lines_resolve(void *dst, const void *src, unsigned int nb_lines);

static wc_copy_lines_fn copy_lines_impl = copy_lines_resolve;

static void copy_lines_resolve(void *dst, const void *src, unsigned int nb_lines)
{
	wc_copy_lines_fn fn = wc_store_copy_fn(wc_store_best());

	__atomic_store_n(&copy_lines_impl, fn, __ATOMIC_RELAXED);
	fn(dst, src, nb_lines);
}

void wc_copy_lines(void *dst, const void *src, unsigned int nb_lines)
{
	__atomic_load_n(&copy_lines_impl, __ATOMIC_RELAXED)(dst, src, nb_lines);
}

int wc_copy_lines_checked(enum wc_store_variant v, void *dst, const void *src,
			  unsigned int nb_lines)
{
	wc_copy_lines_fn fn;

	if ((unsigned int)v >= WC_STORE_VARIANT_COUNT || dst == NULL || src == NULL ||
	    (uintptr_t)dst % WC_STORE_LINE != 0 || nb_lines == 0)
		return -EINVAL;
	fn = wc_store_copy_fn(v);
	if (fn == NULL)
		return -ENOTSUP;
	fn(dst, src, nb_lines);
	return 0;
}

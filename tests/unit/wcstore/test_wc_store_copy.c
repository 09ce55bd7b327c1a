/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Copy test for one store variant, named on the command line.
 *
 * Supported variant: every line count in line_counts[] is copied from
 * every source misalignment 0..63 into an aligned destination framed by
 * guard regions; the copied bytes must match and no guard byte may
 * change. The checked entry point's argument errors, the default
 * dispatch and the name round trip are checked too.
 * Unsupported variant: the library must refuse it (-ENOTSUP, no copy
 * function) and the test then exits with EXIT_SKIP after printing
 * "SKIP: <variant>: <reason>".
 *
 * The guard regions are not redundant with AddressSanitizer: ASan checks
 * the vector loads but not stores made through the non-temporal and
 * MOVDIR64B builtins, so only the guards catch a store past the end.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wc_barrier.h"
#include "wc_store.h"
#include "test_check.h"

#define MAX_LINES   16u
#define GUARD_BYTES 256u   /* each side of the destination */
#define BODY_BYTES  (MAX_LINES * WC_STORE_LINE)
#define ARENA_BYTES (GUARD_BYTES + BODY_BYTES + GUARD_BYTES)

static const unsigned int line_counts[] = { 1, 2, 3, 4, 7, 16 };

/*
 * Destination arena: [guard][body][guard]. The copy target is the start of
 * the body, 64-aligned. Guard bytes hold a position-dependent pattern so a
 * stray write of any value is unlikely to go unnoticed.
 */
struct arena {
	uint8_t *dst_arena;   /* ARENA_BYTES, 64-aligned */
	uint8_t *src_arena;   /* WC_STORE_LINE + BODY_BYTES, 64-aligned */
};

static uint8_t guard_byte(size_t i)
{
	return (uint8_t)(0xA5u ^ (i * 13u));
}

static uint8_t src_byte(unsigned int seed, size_t i)
{
	return (uint8_t)(seed * 31u + i * 7u + 1u);
}

static uint8_t *body(const struct arena *a)
{
	return a->dst_arena + GUARD_BYTES;
}

/* The whole arena, body included, to the guard pattern: for calls that
 * must not write anything. */
static void arena_guard_all(struct arena *a)
{
	for (size_t i = 0; i < ARENA_BYTES; i++)
		a->dst_arena[i] = guard_byte(i);
}

/* The len bytes about to be written to the complement of the source they
 * will receive, so that a byte the copy skips cannot match by luck;
 * everything else, the rest of the body included, to the guard pattern. */
static void arena_reset(struct arena *a, unsigned int seed, size_t len)
{
	arena_guard_all(a);
	for (size_t i = 0; i < len; i++)
		body(a)[i] = (uint8_t)~src_byte(seed, i);
}

static void fill_src(uint8_t *src, unsigned int seed, size_t len)
{
	for (size_t i = 0; i < len; i++)
		src[i] = src_byte(seed, i);
}

/* Every byte outside [body, body + len) still holds its guard pattern.
 * Returns false after reporting the first damaged byte. */
static bool guards_intact(const struct arena *a, size_t len, const char *what)
{
	for (size_t i = 0; i < ARENA_BYTES; i++) {
		if (i >= GUARD_BYTES && i < GUARD_BYTES + len)
			continue;
		if (a->dst_arena[i] != guard_byte(i)) {
			CHECK(a->dst_arena[i] == guard_byte(i),
			      "%s: byte at dst%+ld changed to 0x%02x", what,
			      (long)i - (long)GUARD_BYTES, a->dst_arena[i]);
			return false;
		}
	}
	return true;
}

/*
 * A way to copy: through a copy function pointer, or through
 * wc_copy_lines_checked() for a variant (fn == NULL).
 */
struct copier {
	const char *name;
	wc_copy_lines_fn fn;
	enum wc_store_variant variant;
};

static void run_copy(const struct copier *c, void *dst, const void *src, unsigned int n)
{
	if (c->fn != NULL) {
		c->fn(dst, src, n);
	} else {
		int rc = wc_copy_lines_checked(c->variant, dst, src, n);

		CHECK(rc == 0, "%s: wc_copy_lines_checked(%u lines) = %d", c->name, n, rc);
	}
	/* As a real caller would before the doorbell; also what makes the
	 * non-temporal stores globally visible. */
	wc_barrier_entries_before_doorbell();
}

/* Copy every line count from every source offset 0..63 (0 is the aligned
 * case, 1..63 the unaligned ones). */
static void check_copies(struct arena *a, const struct copier *c)
{
	unsigned int seed = 0;

	for (size_t k = 0; k < sizeof(line_counts) / sizeof(line_counts[0]); k++) {
		unsigned int n = line_counts[k];
		size_t len = (size_t)n * WC_STORE_LINE;

		for (unsigned int off = 0; off < WC_STORE_LINE; off++) {
			uint8_t *src = a->src_arena + off;
			char what[96];

			seed++;
			snprintf(what, sizeof(what), "%s: %u line(s), src offset %u",
				 c->name, n, off);
			fill_src(src, seed, len);
			arena_reset(a, seed, len);
			run_copy(c, body(a), src, n);
			if (memcmp(body(a), src, len) != 0) {
				size_t i = 0;

				while (body(a)[i] == src[i])
					i++;
				CHECK(memcmp(body(a), src, len) == 0,
				      "%s: byte %zu is 0x%02x, expected 0x%02x",
				      what, i, body(a)[i], src[i]);
				return;
			}
			if (!guards_intact(a, len, what))
				return;
		}
	}
}

/* Calls that must fail without writing anything. */
static void check_rejected(struct arena *a, enum wc_store_variant v, const char *name)
{
	static const unsigned int misalign[] = { 1, 8, 16, 32, 63 };
	const uint8_t *src = a->src_arena;
	int rc;

	arena_guard_all(a);

	for (size_t k = 0; k < sizeof(misalign) / sizeof(misalign[0]); k++) {
		rc = wc_copy_lines_checked(v, body(a) + misalign[k], src, 1);
		CHECK(rc == -EINVAL, "%s: dst misaligned by %u: got %d, expected -EINVAL",
		      name, misalign[k], rc);
	}
	rc = wc_copy_lines_checked(v, body(a), src, 0);
	CHECK(rc == -EINVAL, "%s: nb_lines 0: got %d, expected -EINVAL", name, rc);
	rc = wc_copy_lines_checked(v, NULL, src, 1);
	CHECK(rc == -EINVAL, "%s: NULL dst: got %d, expected -EINVAL", name, rc);
	rc = wc_copy_lines_checked(v, body(a), NULL, 1);
	CHECK(rc == -EINVAL, "%s: NULL src: got %d, expected -EINVAL", name, rc);
	rc = wc_copy_lines_checked(WC_STORE_VARIANT_COUNT, body(a), src, 1);
	CHECK(rc == -EINVAL, "unknown variant: got %d, expected -EINVAL", rc);

	wc_barrier_entries_before_doorbell();
	guards_intact(a, 0, "rejected calls");
}

/* An unsupported variant is refused everywhere: no function, -ENOTSUP
 * from the checked copy (after argument errors), nothing written. */
static void check_unsupported(struct arena *a, enum wc_store_variant v)
{
	const char *name = wc_store_variant_name(v);
	const char *why = NULL;
	int rc;

	CHECK(!wc_store_variant_supported(v, &why), "%s: expected unsupported", name);
	CHECK(why != NULL && why[0] != '\0', "%s: unsupported without a reason", name);
	CHECK(wc_store_copy_fn(v) == NULL, "%s: unsupported but has a copy function", name);

	arena_guard_all(a);
	rc = wc_copy_lines_checked(v, body(a), a->src_arena, 1);
	CHECK(rc == -ENOTSUP, "%s: got %d, expected -ENOTSUP", name, rc);
	rc = wc_copy_lines_checked(v, body(a) + 8, a->src_arena, 1);
	CHECK(rc == -EINVAL, "%s: misaligned dst: got %d, expected -EINVAL first", name, rc);
	wc_barrier_entries_before_doorbell();
	guards_intact(a, 0, "unsupported variant");
}

static void check_names(void)
{
	static const char *const bad_names[] = { "", "avx", "AVX2", "u64 ", "movdir64" };
	enum wc_store_variant out;

	for (unsigned int v = 0; v < WC_STORE_VARIANT_COUNT; v++) {
		const char *name = wc_store_variant_name((enum wc_store_variant)v);
		int rc;

		CHECK(name != NULL, "variant %u has no name", v);
		if (name == NULL)
			continue;
		out = WC_STORE_VARIANT_COUNT;
		rc = wc_store_variant_from_name(name, &out);
		CHECK(rc == 0 && out == (enum wc_store_variant)v,
		      "round trip of \"%s\": rc %d, variant %d, expected %u", name, rc,
		      (int)out, v);
	}
	CHECK(wc_store_variant_name(WC_STORE_VARIANT_COUNT) == NULL,
	      "out-of-range variant has a name");
	for (size_t i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++) {
		int rc = wc_store_variant_from_name(bad_names[i], &out);

		CHECK(rc == -EINVAL, "name \"%s\": got %d, expected -EINVAL", bad_names[i], rc);
	}
	CHECK(wc_store_variant_from_name(NULL, &out) == -EINVAL, "NULL name accepted");
}

static void check_best(void)
{
	enum wc_store_variant best = wc_store_best();
	const char *why = NULL;

	CHECK(wc_store_variant_supported(best, &why),
	      "best variant %s is unsupported: %s", wc_store_variant_name(best), why);
	CHECK(why == NULL, "supported variant with a reason: %s", why);
	CHECK(wc_store_copy_fn(best) != NULL, "best variant has no copy function");
	CHECK(wc_store_best() == best, "wc_store_best() changed between calls");
}

int main(int argc, char **argv)
{
	enum wc_store_variant v;
	wc_copy_lines_fn fn;
	struct arena a;
	const char *why;

	if (argc != 2 || wc_store_variant_from_name(argv[1], &v) != 0) {
		fprintf(stderr, "usage: %s u64|sse2|avx2|avx512|movdir64b\n", argv[0]);
		return 1;
	}
	a.dst_arena = aligned_alloc(WC_STORE_LINE, ARENA_BYTES);
	a.src_arena = aligned_alloc(WC_STORE_LINE, WC_STORE_LINE + BODY_BYTES);
	if (a.dst_arena == NULL || a.src_arena == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}

	if (!wc_store_variant_supported(v, &why)) {
		check_unsupported(&a, v);
		if (test_failures == 0)
			printf("SKIP: %s: %s\n", argv[1], why);
		free(a.dst_arena);
		free(a.src_arena);
		return test_failures == 0 ? EXIT_SKIP : test_exit_status(argv[1]);
	}

	check_names();
	check_best();

	fn = wc_store_copy_fn(v);
	CHECK(fn != NULL, "%s: supported but no copy function", argv[1]);
	if (fn != NULL)
		check_copies(&a, &(struct copier){ argv[1], fn, v });
	check_copies(&a, &(struct copier){ "checked", NULL, v });
	check_copies(&a, &(struct copier){ "wc_copy_lines", wc_copy_lines, v });

	check_rejected(&a, v, argv[1]);
	for (unsigned int u = 0; u < WC_STORE_VARIANT_COUNT; u++) {
		if (!wc_store_variant_supported((enum wc_store_variant)u, NULL))
			check_unsupported(&a, (enum wc_store_variant)u);
	}

	free(a.dst_arena);
	free(a.src_arena);
	return test_exit_status(argv[1]);
}

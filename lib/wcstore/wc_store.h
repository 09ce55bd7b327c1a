/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Whole-line stores into write-combined (WC) device memory.
 *
 * A wcnic TX push entry is handed to the device by writing whole, aligned
 * 64-byte lines into the BAR. This library copies 1..N such lines with the
 * widest store the running CPU offers and provides the fences that order
 * those stores against the doorbell write that follows them.
 *
 * Why whole lines: a WC buffer that is evicted while only partly written
 * leaves the CPU as a series of partial writes (8-byte chunks or smaller)
 * with no guaranteed order among them (Intel SDM vol. 3A, "Buffering of
 * Write Combining Memory Locations", 11.3.1 in older editions). A full
 * buffer leaves as one burst. Writing every byte of a line, back to back,
 * gives the CPU the best chance to send the line as one transaction, and
 * the device never acts on a line before the doorbell anyway.
 *
 * Usage on a hot path:
 *
 *	wc_copy_lines_fn copy = wc_store_copy_fn(wc_store_best());  // once, at setup
 *	...
 *	for each entry in the burst:
 *		copy(bar_slot, entry, lines);          // no fence inside
 *	wc_barrier_before_doorbell(needs_fence);       // wc_barrier.h, rule 1 or 2
 *	write the doorbell;
 *	wc_barrier_flush_wc_store();                   // on a WC mapping, rule 3
 *
 * The copy functions DO NOT FENCE. Their stores may be weakly ordered
 * (wc_doorbell_needs_store_fence() says when): the ordering rules and the
 * fences are in wc_barrier.h. Batching is the point: one fence per burst,
 * not one per line or per entry.
 */
#ifndef WC_STORE_H
#define WC_STORE_H

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bytes per line; every copy moves whole lines of this size. */
#define WC_STORE_LINE 64u

/*
 * Store variants, in increasing store width. The enum order is not the
 * preference order: wc_store_best() documents that.
 */
enum wc_store_variant {
	WC_STORE_U64,       /* portable: 8 volatile 8-byte stores per line */
	WC_STORE_SSE2,      /* 4 x 16-byte non-temporal stores (MOVNTDQ) */
	WC_STORE_AVX2,      /* 2 x 32-byte non-temporal stores (VMOVNTDQ ymm) */
	WC_STORE_AVX512,    /* 1 x 64-byte non-temporal store (VMOVNTDQ zmm) */
	WC_STORE_MOVDIR64B, /* 1 x 64-byte direct store (MOVDIR64B) */
	WC_STORE_VARIANT_COUNT
};

/*
 * Copy nb_lines whole lines from src to dst.
 * Preconditions (not checked; see wc_copy_lines_checked()):
 *  - dst is WC_STORE_LINE-aligned (MOVDIR64B faults otherwise, and the
 *    vector variants use aligned stores);
 *  - nb_lines >= 1;
 *  - src has any alignment and does not overlap dst.
 * No fence is issued: see wc_barrier.h.
 */
typedef void (*wc_copy_lines_fn)(void *dst, const void *src, unsigned int nb_lines);

/* Short name ("u64", "sse2", "avx2", "avx512", "movdir64b"); NULL if v is
 * not a variant. */
const char *wc_store_variant_name(enum wc_store_variant v);

/* Inverse of wc_store_variant_name(): 0 and *out set, or -EINVAL for an
 * unknown name (exact, case-sensitive match). */
int wc_store_variant_from_name(const char *name, enum wc_store_variant *out);

/*
 * Whether this CPU and OS can run variant v: the instruction set (CPUID)
 * and, for the YMM/ZMM variants, the register state the OS has enabled
 * (XCR0 via XGETBV). The answer is probed once per variant and cached.
 * On false, *why_not (if why_not is not NULL) gets a static human-readable
 * reason; on true it is set to NULL.
 */
bool wc_store_variant_supported(enum wc_store_variant v, const char **why_not);

/* The preferred supported variant; decided on the first call, constant
 * afterwards. Always returns a supported variant (WC_STORE_U64 at worst). */
enum wc_store_variant wc_store_best(void);

/* Copy function of variant v, or NULL if v is unknown or unsupported.
 * Hot paths look this up once and call through the pointer. */
wc_copy_lines_fn wc_store_copy_fn(enum wc_store_variant v);

/* Copy with the wc_store_best() variant. The choice is resolved on the
 * first call; later calls cost one indirect call. */
void wc_copy_lines(void *dst, const void *src, unsigned int nb_lines);

/*
 * Checked copy for tests and tools. Returns 0 after copying, or, with
 * nothing written:
 *  -EINVAL   v unknown, dst or src NULL, dst not WC_STORE_LINE-aligned,
 *            or nb_lines == 0;
 *  -ENOTSUP  v is valid but this CPU/OS cannot run it.
 * Argument errors are reported before -ENOTSUP so that a bad call fails
 * the same way on every machine. No fence is issued.
 */
int wc_copy_lines_checked(enum wc_store_variant v, void *dst, const void *src,
			  unsigned int nb_lines);

#ifdef __cplusplus
}
#endif

#endif /* WC_STORE_H */

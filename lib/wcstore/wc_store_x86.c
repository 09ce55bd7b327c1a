/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * x86-64 line copies: non-temporal SSE2/AVX2/AVX-512 stores and MOVDIR64B.
 *
 * The file is built with baseline x86-64 flags; each function enables its
 * own instruction set with a target attribute, so nothing here may run
 * before the CPU probe (wc_store_cpu.c) has approved the variant.
 *
 * Every variant loads the whole source line before storing any of it, so
 * the stores of one line issue back to back: a cache miss on the source
 * cannot leave a line half written in a WC buffer, where an eviction would
 * split it into partial writes.
 *
 * Loads are unaligned (src has any alignment); stores are aligned, which
 * the non-temporal store forms and MOVDIR64B require (dst is 64-aligned).
 * Non-temporal stores bypass the caches and use the WC buffers even when
 * the destination is write-back memory, which is why the unit tests can
 * exercise them on ordinary heap buffers.
 *
 * GCC emits VZEROUPPER on return from the AVX functions, so callers built
 * without AVX pay no SSE/AVX transition penalty.
 */
#if !defined(__x86_64__)
#error "wc_store_x86.c is for x86-64 builds only"
#endif

#include <stddef.h>
#include <immintrin.h>

#include "wc_store_priv.h"

/* Lines are addressed by their byte offset, off = index * WC_STORE_LINE;
 * keep it in one place so the loops only differ in the store instruction.
 * One offset for source and destination lets the compiler keep a single
 * induction variable, so a line costs its loads and stores plus three loop
 * instructions (the TX push path copies two lines per small packet). */
static inline char *line_dst(void *dst, size_t off)
{
	return (char *)dst + off;
}

static inline const char *line_src(const void *src, size_t off)
{
	return (const char *)src + off;
}

static inline size_t lines_end(unsigned int nb_lines)
{
	return (size_t)nb_lines * WC_STORE_LINE;
}

/* Four 16-byte MOVNTDQ per line. SSE2 is part of the x86-64 baseline. */
void wc_copy_lines_sse2(void *dst, const void *src, unsigned int nb_lines)
{
	for (size_t off = 0; off < lines_end(nb_lines); off += WC_STORE_LINE) {
		const __m128i_u *s = (const __m128i_u *)line_src(src, off);
		__m128i *d = (__m128i *)line_dst(dst, off);
		__m128i v0 = _mm_loadu_si128(s + 0);
		__m128i v1 = _mm_loadu_si128(s + 1);
		__m128i v2 = _mm_loadu_si128(s + 2);
		__m128i v3 = _mm_loadu_si128(s + 3);

		_mm_stream_si128(d + 0, v0);
		_mm_stream_si128(d + 1, v1);
		_mm_stream_si128(d + 2, v2);
		_mm_stream_si128(d + 3, v3);
	}
}

/* Two 32-byte VMOVNTDQ per line. */
__attribute__((target("avx2")))
void wc_copy_lines_avx2(void *dst, const void *src, unsigned int nb_lines)
{
	for (size_t off = 0; off < lines_end(nb_lines); off += WC_STORE_LINE) {
		const __m256i_u *s = (const __m256i_u *)line_src(src, off);
		__m256i *d = (__m256i *)line_dst(dst, off);
		__m256i v0 = _mm256_loadu_si256(s + 0);
		__m256i v1 = _mm256_loadu_si256(s + 1);

		_mm256_stream_si256(d + 0, v0);
		_mm256_stream_si256(d + 1, v1);
	}
}

/* One 64-byte VMOVNTDQ per line: the WC buffer is full after one store. */
__attribute__((target("avx512f")))
void wc_copy_lines_avx512(void *dst, const void *src, unsigned int nb_lines)
{
	for (size_t off = 0; off < lines_end(nb_lines); off += WC_STORE_LINE) {
		__m512i v = _mm512_loadu_si512(line_src(src, off));

		_mm512_stream_si512((__m512i *)line_dst(dst, off), v);
	}
}

/*
 * One MOVDIR64B per line. The instruction reads 64 bytes from src (any
 * alignment, not atomically) and writes them to the 64-aligned dst as a
 * single 64-byte write, whatever the destination memory type: on UC
 * memory too, where every other variant becomes 4..8 separate writes.
 */
__attribute__((target("movdir64b")))
void wc_copy_lines_movdir64b(void *dst, const void *src, unsigned int nb_lines)
{
	for (size_t off = 0; off < lines_end(nb_lines); off += WC_STORE_LINE)
		_movdir64b(line_dst(dst, off), line_src(src, off));
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A 128-byte push entry written straight from a frame into its ring slot,
 * one writer per non-temporal store variant (x86-64 only): the header
 * comes from a register, the frame's bytes from the mbuf, and nothing
 * passes through the queue's stage (push_direct_full_run()).
 *
 * Line 0 is the header and the frame's first 48 bytes, line 1 the next 64
 * bytes: the writer reads 112 bytes from the frame's start (the entry's
 * inline room), so the caller makes sure the mbuf's buffer holds them
 * (PUSH_DIRECT_READ). Bytes past the frame are the buffer's (memory the
 * device may read by DMA anyway); the device reads inline_len bytes only.
 *
 * Each writer loads the whole of a line before storing any of it, as the
 * line copiers of wc_store do (wc_copy_lines_avx2()): the stores of one
 * line then issue back to back, and a cache miss on the frame cannot leave
 * a line half written in a WC buffer, where an eviction would split it.
 * The stores are those of the queue's variant, so the fences the variant
 * needs (wc_doorbell_needs_store_fence()) are the ones the doorbell takes.
 *
 * The AVX writers carry their own target attribute: only burst functions
 * built for that instruction set (PUSH_BURST_DIRECT()) inline them, and
 * those run only on queues whose variant the CPU probe approved.
 */
#ifndef WCNIC_PUSH_DIRECT_H
#define WCNIC_PUSH_DIRECT_H

#include <stdint.h>

#include <rte_common.h>

#if !defined(RTE_ARCH_X86_64)
#error "wcnic_push_direct.h is for x86-64 builds only"
#endif

#include <immintrin.h>

static __rte_always_inline void
push_direct_sse2(uint8_t *slot, uint64_t hdr_word, const uint8_t *frame)
{
	const __m128i *src = (const __m128i *)frame;
	__m128i *dst = (__m128i *)slot;
	__m128i a0 = _mm_cvtsi64_si128((long long)hdr_word); /* hdr[1] (cookie) 0 */
	__m128i a1 = _mm_loadu_si128(src + 0);
	__m128i a2 = _mm_loadu_si128(src + 1);
	__m128i a3 = _mm_loadu_si128(src + 2);
	__m128i b0, b1, b2, b3;

	_mm_stream_si128(dst + 0, a0);
	_mm_stream_si128(dst + 1, a1);
	_mm_stream_si128(dst + 2, a2);
	_mm_stream_si128(dst + 3, a3);
	b0 = _mm_loadu_si128(src + 3);
	b1 = _mm_loadu_si128(src + 4);
	b2 = _mm_loadu_si128(src + 5);
	b3 = _mm_loadu_si128(src + 6);
	_mm_stream_si128(dst + 4, b0);
	_mm_stream_si128(dst + 5, b1);
	_mm_stream_si128(dst + 6, b2);
	_mm_stream_si128(dst + 7, b3);
}

/* The entry's first 32 bytes: the header, then the frame's first 16. */
static __rte_always_inline __attribute__((target("avx2"))) __m256i
push_direct_head32(uint64_t hdr_word, const uint8_t *frame)
{
	return _mm256_inserti128_si256(
		_mm256_castsi128_si256(_mm_cvtsi64_si128((long long)hdr_word)),
		_mm_loadu_si128((const __m128i *)frame), 1);
}

static __rte_always_inline __attribute__((target("avx2"))) void
push_direct_avx2(uint8_t *slot, uint64_t hdr_word, const uint8_t *frame)
{
	__m256i *dst = (__m256i *)slot;
	__m256i a0 = push_direct_head32(hdr_word, frame);
	__m256i a1 = _mm256_loadu_si256((const __m256i *)(frame + 16));
	__m256i b0, b1;

	_mm256_stream_si256(dst + 0, a0);
	_mm256_stream_si256(dst + 1, a1);
	b0 = _mm256_loadu_si256((const __m256i *)(frame + 48));
	b1 = _mm256_loadu_si256((const __m256i *)(frame + 80));
	_mm256_stream_si256(dst + 2, b0);
	_mm256_stream_si256(dst + 3, b1);
}

static __rte_always_inline __attribute__((target("avx512f"))) void
push_direct_avx512(uint8_t *slot, uint64_t hdr_word, const uint8_t *frame)
{
	__m512i *dst = (__m512i *)slot;
	__m512i a = _mm512_inserti64x4(_mm512_castsi256_si512(push_direct_head32(hdr_word, frame)),
				       _mm256_loadu_si256((const __m256i *)(frame + 16)), 1);
	__m512i b;

	_mm512_stream_si512(dst + 0, a);
	b = _mm512_loadu_si512(frame + 48);
	_mm512_stream_si512(dst + 1, b);
}

#endif /* WCNIC_PUSH_DIRECT_H */

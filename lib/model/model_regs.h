/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Access to memory the model shares with a driver: the BAR and granted
 * host memory.
 *
 * The driver writes these words from another CPU (or process) at any
 * time, so every access to a word the protocol synchronises on is an
 * __atomic operation: a plain access could be torn, repeated or cached in
 * a register by the compiler. Ordering is relaxed unless a function's name
 * says otherwise; the callers that need acquire or release say why.
 *
 * Every field is little-endian (wcnic_hw.h) and the model stores host
 * words as they are, so it builds for little-endian hosts only.
 */
#ifndef MODEL_REGS_H
#define MODEL_REGS_H

#include <stdint.h>
#include <string.h>

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the wcnic device model assumes a little-endian host"
#endif

static inline uint32_t *reg32(uint8_t *bar, uint32_t off)
{
	return (uint32_t *)(void *)(bar + off);
}

static inline uint64_t *reg64(uint8_t *bar, uint32_t off)
{
	return (uint64_t *)(void *)(bar + off);
}

static inline uint32_t bar_rd32(uint8_t *bar, uint32_t off)
{
	return __atomic_load_n(reg32(bar, off), __ATOMIC_RELAXED);
}

static inline uint64_t bar_rd64(uint8_t *bar, uint32_t off)
{
	return __atomic_load_n(reg64(bar, off), __ATOMIC_RELAXED);
}

/*
 * Acquire load: a register whose new value announces data the driver
 * wrote before it (a doorbell announces entries/descriptors/buffers,
 * CONTROL or Q CONTROL announces the configuration it enables). Reads
 * after this one cannot be satisfied from before it, so the model sees
 * that data at least as new as the register.
 */
static inline uint32_t bar_rd32_acquire(uint8_t *bar, uint32_t off)
{
	return __atomic_load_n(reg32(bar, off), __ATOMIC_ACQUIRE);
}

static inline void bar_wr32(uint8_t *bar, uint32_t off, uint32_t v)
{
	__atomic_store_n(reg32(bar, off), v, __ATOMIC_RELAXED);
}

static inline void bar_wr64(uint8_t *bar, uint32_t off, uint64_t v)
{
	__atomic_store_n(reg64(bar, off), v, __ATOMIC_RELAXED);
}

/* Clear len bytes (a multiple of 8) of registers, word by word. */
static inline void bar_zero(uint8_t *bar, uint32_t off, uint32_t len)
{
	uint32_t end = off + len;

	for (; off < end; off += sizeof(uint64_t))
		bar_wr64(bar, off, 0);
}

/*
 * Release store: a status word the driver polls before it reads other
 * words the model wrote (STATUS.READY after the reset values, STATUS.ERROR
 * after ERROR_*, Q STATUS after Q ERROR). Everything stored before it is
 * visible to a driver that observes the new value.
 */
static inline void bar_wr32_release(uint8_t *bar, uint32_t off, uint32_t v)
{
	__atomic_store_n(reg32(bar, off), v, __ATOMIC_RELEASE);
}

/*
 * One consistent copy of shared bytes (a push entry, a descriptor, frame
 * headers). The compiler barrier after the copy matters: without it the
 * compiler may drop the local copy and read the source again later
 * (memcpy forwarding), and the driver may have changed the source in
 * between; validating one version and acting on another is exactly what
 * the copy is for.
 */
static inline void shm_snapshot(void *dst, const void *src, size_t len)
{
	memcpy(dst, src, len);
	__asm__ __volatile__("" ::: "memory");
}

#endif /* MODEL_REGS_H */

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ordering rules between the CPU and a device that reads entries from
 * a BAR or from host memory after a doorbell, and writes completions into
 * host memory. Each rule is one function here, with its reason; drivers,
 * tools and tests call these functions, and the device specification
 * (section 14) and doc/wc-store.md refer to them by name.
 *
 * What decides the rule is the kind of store and the memory type it lands
 * in:
 *   - host memory (write-back, coherent): DMA descriptors, and the
 *     in-process device's "BAR";
 *   - a BAR mapped write-combining (WC): stores wait in WC buffers, merge,
 *     and leave in any order, also after younger stores;
 *   - a BAR mapped uncached (UC): each store a separate transaction, in
 *     program order.
 * and the store instruction: plain stores (the u64 line copier, DMA
 * descriptors, the doorbell) follow the memory type; x86 non-temporal
 * vector stores (sse2, avx2, avx512) are weakly ordered to host and WC
 * memory and follow the UC protocol on UC memory; MOVDIR64B is weakly
 * ordered whatever the memory type, UC included (Intel SDM, MOVDIR64B).
 *
 * On x86 the store fence is SFENCE and the I/O barriers are compiler
 * barriers (TSO already orders them). On AArch64 the store fence is
 * DSB ST, the I/O write barrier DMB OSHST and the I/O read barrier
 * DMB OSHLD, as DPDK's rte_wmb(), rte_io_wmb() and rte_io_rmb() there.
 * Other CPUs get a sequentially consistent fence, known to order
 * cacheable memory only: a port must check it against the platform's
 * device-memory rules.
 */
#ifndef WC_BARRIER_H
#define WC_BARRIER_H

#include <stdbool.h>

#include "wc_sim.h"
#include "wc_store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where stores land. */
enum wc_mem_type {
	WC_MEM_HOST, /* write-back host memory */
	WC_MEM_WC,   /* a BAR mapped write-combining */
	WC_MEM_UC,   /* a BAR mapped uncached */
};

/*
 * Whether the stores that a doorbell announces can become visible after
 * the doorbell itself unless a store fence separates them (rule 1 below),
 * or keep program order so that an I/O write barrier is enough (rule 2).
 * entries: the store the line copier (or plain code: WC_STORE_U64) uses;
 * entry_mem, doorbell_mem: where the entries and the doorbell land.
 * Chosen once per queue, not per burst.
 */
static inline bool
wc_doorbell_needs_store_fence(enum wc_store_variant entries, enum wc_mem_type entry_mem,
			      enum wc_mem_type doorbell_mem)
{
	/* A WC doorbell may leave its buffer before earlier stores. */
	if (doorbell_mem == WC_MEM_WC || entry_mem == WC_MEM_WC)
		return true;
	switch (entries) {
	case WC_STORE_MOVDIR64B:
		return true;
	case WC_STORE_SSE2:
	case WC_STORE_AVX2:
	case WC_STORE_AVX512:
		return entry_mem == WC_MEM_HOST;
	default:
		return false;
	}
}

/* The store fence: earlier stores of every kind before later stores, and
 * partly filled WC buffers drained; the simulated ones too (wc_sim.h),
 * so that tests on simulated write-combining see every fence the code
 * makes, and only those. */
static inline void
wc_store_fence_insn(void)
{
#if defined(__x86_64__)
	__asm__ volatile("sfence" ::: "memory");
#elif defined(__aarch64__)
	__asm__ volatile("dsb st" ::: "memory");
#else
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
	if (__builtin_expect(wc_sim_active(), 0))
		wc_sim_fence();
}

/*
 * Rule 1, weakly ordered entries before their doorbell: every entry line,
 * descriptor or buffer byte a doorbell announces is visible to the device
 * before the doorbell. Without it the device may read stale entries. Once
 * per doorbell, after the last entry store, never per entry.
 */
static inline void
wc_barrier_entries_before_doorbell(void)
{
	wc_store_fence_insn();
}

/*
 * Rule 2, program-ordered entries before their doorbell (host-memory
 * descriptors or plain or UC-protocol entry stores, with a UC doorbell):
 * the CPU keeps the stores in order (x86) or a lighter I/O write barrier
 * does (AArch64); the compiler must not move them either.
 */
static inline void
wc_barrier_io_write(void)
{
#if defined(__x86_64__)
	__asm__ volatile("" ::: "memory");
#elif defined(__aarch64__)
	__asm__ volatile("dmb oshst" ::: "memory");
#else
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
}

/* Rule 1 or 2 as wc_doorbell_needs_store_fence() chose for the queue. */
static inline void
wc_barrier_before_doorbell(bool needs_store_fence)
{
	if (needs_store_fence)
		wc_barrier_entries_before_doorbell();
	else
		wc_barrier_io_write();
}

/*
 * Rule 3, a store to a WC mapping out now: the doorbell (or a control
 * register write) leaves its WC buffer at once instead of waiting for an
 * eviction that may come only at the next interrupt, and later stores (the
 * next burst's entry lines, the next control write that depends on this
 * one) cannot combine or pass ahead of it. Once per burst after the last
 * doorbell; after each control write that a later write or read depends
 * on. A UC store is not buffered: nothing is needed after it.
 */
static inline void
wc_barrier_flush_wc_store(void)
{
	wc_store_fence_insn();
}

/*
 * Rule 4, device-written host memory: after reading the flag or index the
 * device writes last (a completion's phase bit, the TX head), and before
 * reading what it covers (the completion's length, the frame, the slots it
 * frees). The device writes them in that order (release); this keeps our
 * reads in the same order: a compiler barrier on x86, DMB OSHLD on AArch64
 * (an acquire load orders only inner-shareable observers).
 */
static inline void
wc_barrier_device_read(void)
{
#if defined(__x86_64__)
	__asm__ volatile("" ::: "memory");
#elif defined(__aarch64__)
	__asm__ volatile("dmb oshld" ::: "memory");
#else
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
}

#ifdef __cplusplus
}
#endif

#endif /* WC_BARRIER_H */

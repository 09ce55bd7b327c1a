/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reading the time stamp counter around a timed loop.
 *
 * A timed loop of stores is only over when its stores have left the core:
 * a store retires into the store buffer (or a WC buffer) long before the
 * write reaches memory or the device. The Intel SDM (vol. 2B, RDTSC) gives
 * the sequence for "RDTSC only after all previous instructions have
 * executed and all previous loads and stores are globally visible":
 * MFENCE; LFENCE; RDTSC. MFENCE waits for every earlier store, WC and
 * non-temporal ones included, to become globally visible; LFENCE keeps
 * RDTSC from executing before MFENCE has completed. The LFENCE after RDTSC
 * keeps the loop's first stores from starting before the counter is read.
 * (On AMD, LFENCE is dispatch-serializing as the SDM describes once the
 * kernel sets it so, which Linux does for Spectre mitigation.)
 *
 * Off x86-64 the counter is CLOCK_MONOTONIC in nanoseconds behind a full
 * fence: coarser, but honest, and reported as "clock_gettime".
 */
#ifndef WCBENCH_TSC_H
#define WCBENCH_TSC_H

#include <stdint.h>
#include <time.h>

#if defined(__x86_64__)
#include <x86intrin.h>

static inline uint64_t wcb_tsc_read(void)
{
	uint64_t t;

	__asm__ volatile("mfence\n\tlfence" ::: "memory");
	t = __rdtsc();
	__asm__ volatile("lfence" ::: "memory");
	return t;
}
#define WCB_COUNTER_NAME "rdtsc"
#else
static inline uint64_t wcb_tsc_read(void)
{
	struct timespec ts;

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
#define WCB_COUNTER_NAME "clock_gettime"
#endif

#endif /* WCBENCH_TSC_H */

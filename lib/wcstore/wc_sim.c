/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The write-combining simulator (wc_sim.h): regions, the per-thread WC
 * buffers, and how buffers leave.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wc_sim.h"

#define SIM_REGIONS_MAX 8u
#define LINE            WC_STORE_LINE
#define PIECE           8u
#define PIECES          (LINE / PIECE)

struct sim_region {
	struct wc_sim_params p;
	uint64_t generation;        /* changes at every attach and detach */
	wc_copy_lines_fn lines_fn;
	struct wc_sim_stats stats;  /* updated with atomic adds */
};

/* One WC buffer: a line, the bytes stored into it, and its age. */
struct sim_buffer {
	bool used;
	unsigned int region;
	uint64_t generation;
	uintptr_t line;
	uint64_t mask;              /* bit i: byte i of the line was stored */
	uint64_t seq;               /* when its first store was made */
	uint8_t data[LINE];
};

/* A CPU core's buffers: the thread that stores. */
struct sim_cpu {
	struct sim_buffer buf[WC_SIM_BUFFERS_MAX];
	uint64_t rng;
	uint64_t next_seq;
};

static struct sim_region regions[SIM_REGIONS_MAX];
static pthread_mutex_t regions_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned int threads_seen;
static __thread struct sim_cpu cpu;

int wc_sim_regions;

static struct sim_region *
region_at(uintptr_t addr, unsigned int *index)
{
	for (unsigned int i = 0; i < SIM_REGIONS_MAX; i++) {
		const struct wc_sim_params *p = &regions[i].p;
		uintptr_t base = (uintptr_t)__atomic_load_n(&p->base, __ATOMIC_ACQUIRE);

		if (base != 0 && addr - base < p->len) {
			if (index != NULL)
				*index = i;
			return &regions[i];
		}
	}
	return NULL;
}

/* A store into memory nobody simulates is a bug of the caller's wiring:
 * letting it through would hide exactly what the simulator is for. */
static struct sim_region *
region_of_store(uintptr_t addr, unsigned int *index)
{
	struct sim_region *r = region_at(addr, index);

	if (r == NULL) {
		fprintf(stderr, "wc_sim: store to %#lx, outside every simulated region\n",
			(unsigned long)addr);
		abort();
	}
	return r;
}

/* xorshift64*: order only, no statistics are drawn from it. */
static unsigned int
sim_random(unsigned int below, const struct sim_region *r)
{
	if (cpu.rng == 0)
		cpu.rng = (r->p.seed ^ (0x9E3779B97F4A7C15ull *
					(__atomic_add_fetch(&threads_seen, 1, __ATOMIC_RELAXED)))) | 1;
	cpu.rng ^= cpu.rng >> 12;
	cpu.rng ^= cpu.rng << 25;
	cpu.rng ^= cpu.rng >> 27;
	return (unsigned int)((cpu.rng * 0x2545F4914F6CDD1Dull) >> 32) % below;
}

static void
count(uint64_t *counter, uint64_t n)
{
	__atomic_add_fetch(counter, n, __ATOMIC_RELAXED);
}

static bool
older_store_buffered(const struct sim_buffer *b)
{
	for (unsigned int i = 0; i < WC_SIM_BUFFERS_MAX; i++)
		if (cpu.buf[i].used && &cpu.buf[i] != b && cpu.buf[i].seq < b->seq)
			return true;
	return false;
}

/* Write one piece (bytes `mask` of the 8 at off) as the device would
 * receive it: one access for a naturally aligned 4- or 8-byte piece. */
static void
write_piece(const struct sim_buffer *b, unsigned int off, uint8_t mask)
{
	uint8_t *dst = (uint8_t *)b->line + off;

	if (mask == 0xFF) {
		uint64_t v;

		memcpy(&v, b->data + off, sizeof(v));
		__atomic_store_n((uint64_t *)dst, v, __ATOMIC_RELAXED);
	} else if (mask == 0x0F || mask == 0xF0) {
		unsigned int at = mask == 0x0F ? 0 : 4;
		uint32_t v;

		memcpy(&v, b->data + off + at, sizeof(v));
		__atomic_store_n((uint32_t *)(dst + at), v, __ATOMIC_RELAXED);
	} else {
		for (unsigned int i = 0; i < PIECE; i++)
			if (mask & (1u << i))
				__atomic_store_n(dst + i, b->data[off + i], __ATOMIC_RELAXED);
	}
}

/* Buffer b leaves the CPU: whole, or as its pieces in arbitrary order. */
static void
deliver(struct sim_buffer *b)
{
	struct sim_region *r = &regions[b->region];
	unsigned int order[PIECES], n = 0;
	uintptr_t lines_start;

	b->used = false;
	/* Detached since it was stored: the memory may be gone. */
	if (__atomic_load_n(&r->generation, __ATOMIC_ACQUIRE) != b->generation)
		return;
	if (b->mask == UINT64_MAX) {
		memcpy((void *)b->line, b->data, LINE);
		__atomic_thread_fence(__ATOMIC_RELEASE);
		count(&r->stats.whole_lines, 1);
		if (older_store_buffered(b))
			count(&r->stats.overtakes, 1);
		return;
	}
	lines_start = (uintptr_t)r->p.base + r->p.lines_off;
	if (b->line - lines_start < r->p.lines_len)
		count(&r->stats.torn_lines, 1);
	for (unsigned int i = 0; i < PIECES; i++)
		if ((uint8_t)(b->mask >> (i * PIECE)) != 0)
			order[n++] = i;
	for (unsigned int left = n; left > 0; left--) {
		unsigned int pick = sim_random(left, r), piece = order[pick];

		order[pick] = order[left - 1];
		write_piece(b, piece * PIECE, (uint8_t)(b->mask >> (piece * PIECE)));
		__atomic_thread_fence(__ATOMIC_RELEASE);
		count(&r->stats.pieces, 1);
		/* Still to come: the line's other pieces, or older lines. */
		if (left > 1 || older_store_buffered(b)) {
			count(&r->stats.overtakes, 1);
			if (r->p.observe != NULL)
				r->p.observe(r->p.ctx);
		}
	}
}

static unsigned int
buffers_used(void)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < WC_SIM_BUFFERS_MAX; i++)
		n += cpu.buf[i].used;
	return n;
}

/* The used buffer number k (0-based), in buffer order. */
static struct sim_buffer *
used_buffer(unsigned int k)
{
	for (unsigned int i = 0; i < WC_SIM_BUFFERS_MAX; i++)
		if (cpu.buf[i].used && k-- == 0)
			return &cpu.buf[i];
	return NULL;
}

/* Bytes `mask` of data into the line at `line`: merged into its buffer,
 * or into a free one, evicting an arbitrary one when none is free. */
static void
buffer_put(uintptr_t line, const uint8_t *data, uint64_t mask)
{
	unsigned int index, limit;
	struct sim_region *r = region_of_store(line, &index);
	struct sim_buffer *b = NULL;

	limit = r->p.buffers;
	for (unsigned int i = 0; i < WC_SIM_BUFFERS_MAX && b == NULL; i++)
		if (cpu.buf[i].used && cpu.buf[i].line == line)
			b = &cpu.buf[i];
	if (b == NULL) {
		unsigned int used = buffers_used();

		while (used >= limit) {
			deliver(used_buffer(sim_random(used, r)));
			count(&r->stats.evictions, 1);
			used--;
		}
		for (unsigned int i = 0; b == NULL; i++)
			if (!cpu.buf[i].used)
				b = &cpu.buf[i];
		b->used = true;
		b->region = index;
		b->generation = __atomic_load_n(&r->generation, __ATOMIC_ACQUIRE);
		b->line = line;
		b->mask = 0;
		b->seq = cpu.next_seq++;
	}
	for (unsigned int i = 0; i < LINE; i++)
		if (mask & (UINT64_C(1) << i))
			b->data[i] = data[i];
	b->mask |= mask;
}

void
wc_sim_store(volatile void *dst, const void *src, unsigned int len)
{
	uintptr_t addr = (uintptr_t)dst, line = addr & ~(uintptr_t)(LINE - 1);
	unsigned int off = (unsigned int)(addr - line);
	uint8_t data[LINE];

	if (len == 0 || off + len > LINE) {
		fprintf(stderr, "wc_sim: a store of %u bytes at %#lx crosses a line\n", len,
			(unsigned long)addr);
		abort();
	}
	memcpy(data + off, src, len);
	buffer_put(line, data,
		   (len == LINE ? UINT64_MAX : ((UINT64_C(1) << len) - 1)) << off);
}

void
wc_sim_copy_lines(void *dst, const void *src, unsigned int nb_lines)
{
	struct sim_region *r = region_of_store((uintptr_t)dst, NULL);
	uint8_t zeros[LINE] __attribute__((aligned(LINE)));
	uint8_t ones[LINE] __attribute__((aligned(LINE)));

	for (unsigned int l = 0; l < nb_lines; l++) {
		uint64_t mask = 0;

		/* Which bytes the variant's stores cover: those that reach
		 * both a zeroed and a filled scratch line alike. */
		memset(zeros, 0, sizeof(zeros));
		memset(ones, 0xFF, sizeof(ones));
		r->lines_fn(zeros, (const uint8_t *)src + l * LINE, 1);
		r->lines_fn(ones, (const uint8_t *)src + l * LINE, 1);
		__atomic_thread_fence(__ATOMIC_SEQ_CST); /* its weakly ordered stores, read back */
		for (unsigned int i = 0; i < LINE; i++)
			if (zeros[i] == ones[i])
				mask |= UINT64_C(1) << i;
		if (mask != 0)
			buffer_put((uintptr_t)dst + l * LINE, zeros, mask);
	}
}

void
wc_sim_fence(void)
{
	unsigned int used = buffers_used();

	for (; used > 0; used--) {
		struct sim_buffer *b = used_buffer(0);

		b = used_buffer(sim_random(used, &regions[b->region]));
		deliver(b);
	}
}

int
wc_sim_attach(const struct wc_sim_params *p)
{
	unsigned int free_slot = SIM_REGIONS_MAX;
	uintptr_t base = (uintptr_t)p->base;
	int ret = 0;

	if (p->base == NULL || p->len == 0 || base % LINE != 0 || p->lines_off % LINE != 0 ||
	    p->lines_len % LINE != 0 || p->lines_off > p->len ||
	    p->lines_len > p->len - p->lines_off || p->buffers > WC_SIM_BUFFERS_MAX)
		return -EINVAL;
	if (wc_store_copy_fn(p->lines_variant) == NULL)
		return -ENOTSUP;
	pthread_mutex_lock(&regions_lock);
	for (unsigned int i = 0; i < SIM_REGIONS_MAX; i++) {
		uintptr_t b = (uintptr_t)regions[i].p.base;

		if (b == 0) {
			free_slot = free_slot < i ? free_slot : i;
		} else if (base < b + regions[i].p.len && b < base + p->len) {
			ret = -EEXIST;
			break;
		}
	}
	if (ret == 0 && free_slot == SIM_REGIONS_MAX)
		ret = -ENOSPC;
	if (ret == 0) {
		struct sim_region *r = &regions[free_slot];

		r->p = *p;
		r->p.base = NULL; /* published last */
		if (r->p.buffers == 0)
			r->p.buffers = WC_SIM_BUFFERS_DEFAULT;
		r->lines_fn = wc_store_copy_fn(p->lines_variant);
		memset(&r->stats, 0, sizeof(r->stats));
		__atomic_add_fetch(&r->generation, 1, __ATOMIC_RELEASE);
		__atomic_store_n(&r->p.base, p->base, __ATOMIC_RELEASE);
		__atomic_add_fetch(&wc_sim_regions, 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&regions_lock);
	return ret;
}

void
wc_sim_detach(void *base)
{
	unsigned int index;
	struct sim_region *r;

	pthread_mutex_lock(&regions_lock);
	r = region_at((uintptr_t)base, &index);
	if (r != NULL && r->p.base == base) {
		for (unsigned int i = 0; i < WC_SIM_BUFFERS_MAX; i++)
			if (cpu.buf[i].used && cpu.buf[i].region == index)
				deliver(&cpu.buf[i]);
		__atomic_add_fetch(&r->generation, 1, __ATOMIC_RELEASE);
		__atomic_store_n(&r->p.base, NULL, __ATOMIC_RELEASE);
		__atomic_sub_fetch(&wc_sim_regions, 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&regions_lock);
}

int
wc_sim_stats(const void *base, struct wc_sim_stats *out)
{
	const struct sim_region *r = region_at((uintptr_t)base, NULL);

	if (r == NULL || r->p.base != base)
		return -ENOENT;
	out->whole_lines = __atomic_load_n(&r->stats.whole_lines, __ATOMIC_RELAXED);
	out->pieces = __atomic_load_n(&r->stats.pieces, __ATOMIC_RELAXED);
	out->torn_lines = __atomic_load_n(&r->stats.torn_lines, __ATOMIC_RELAXED);
	out->evictions = __atomic_load_n(&r->stats.evictions, __ATOMIC_RELAXED);
	out->overtakes = __atomic_load_n(&r->stats.overtakes, __ATOMIC_RELAXED);
	return 0;
}

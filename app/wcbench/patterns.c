/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The timed patterns, written into the target as a wcnic driver writes its
 * BAR (queue 0's doorbell, queue 0's push ring):
 *
 *  doorbell  one doorbell store (4 or 8 bytes); with the fence, followed
 *            by wc_barrier_flush_wc_store(), which a WC mapping needs so
 *            that the doorbell leaves its WC buffer now.
 *  line      one whole 64-byte line with one store variant, to the next
 *            line of the push ring; with the fence, followed by
 *            wc_barrier_entries_before_doorbell().
 *  burst     N entries of 128 or 256 bytes to the next ring slots with one
 *            store variant, wc_barrier_entries_before_doorbell(), one
 *            doorbell, and on a WC mapping wc_barrier_flush_wc_store():
 *            the sequence of wcnic's TX push path (wc_barrier.h).
 *
 * One sample times `iterations` operations back to back between two
 * fenced counter reads (tsc.h) and divides: the result includes draining
 * every store the operations issued. Each row takes one untimed warm-up
 * sample, then `runs` samples.
 */
#include <sched.h>
#include <stdlib.h>

#include "tsc.h"
#include "wc_barrier.h"
#include "wcbench.h"

#define LINE WC_STORE_LINE
#define RING_LINES (WCB_RING_BYTES / LINE)
_Static_assert((RING_LINES & (RING_LINES - 1)) == 0, "ring positions wrap with a mask");
_Static_assert(WCB_BURST_MAX * WCNIC_PUSH_ENTRY_256 <= WCB_RING_BYTES, "a burst fits the ring");

#define ALWAYS_INLINE static inline __attribute__((always_inline))

struct bench {
	uint8_t *doorbell;
	uint8_t *ring;
	const uint8_t *src;         /* WCB_BURST_MAX largest entries */
	unsigned int doorbell_bytes;
	bool flush_doorbell;        /* the target is WC */
	uint16_t seq;               /* doorbell sequence, as the device wants */
	uint16_t tail;              /* producer index, free-running */
	unsigned int line;          /* next ring line of the line pattern */
	unsigned int slot;          /* next ring slot of the burst pattern */
};

/* A doorbell in wcnic's format (wcnic_hw.h): sequence and producer index.
 * The 8-byte form stores the same value zero-extended. */
ALWAYS_INLINE void ring_doorbell(struct bench *b, unsigned int width)
{
	uint32_t v = WCNIC_DB_VALUE(++b->seq, b->tail);

	if (width == 8)
		*(volatile uint64_t *)b->doorbell = v;
	else
		*(volatile uint32_t *)b->doorbell = v;
}

/* Instantiated with constant width and flush, so the timed loop has no
 * branch but its own. */
ALWAYS_INLINE uint64_t time_doorbells(struct bench *b, unsigned int ops, unsigned int width,
				      bool flush)
{
	uint64_t t0 = wcb_tsc_read();

	for (unsigned int i = 0; i < ops; i++) {
		b->tail++;
		ring_doorbell(b, width);
		if (flush)
			wc_barrier_flush_wc_store();
	}
	return wcb_tsc_read() - t0;
}

static uint64_t sample_doorbell(struct bench *b, unsigned int ops, bool flush)
{
	if (b->doorbell_bytes == 8)
		return flush ? time_doorbells(b, ops, 8, true) : time_doorbells(b, ops, 8, false);
	return flush ? time_doorbells(b, ops, 4, true) : time_doorbells(b, ops, 4, false);
}

ALWAYS_INLINE uint64_t time_lines(struct bench *b, unsigned int ops, wc_copy_lines_fn copy,
				  bool fence)
{
	uint64_t t0 = wcb_tsc_read();

	for (unsigned int i = 0; i < ops; i++) {
		copy(b->ring + (size_t)b->line * LINE, b->src, 1);
		b->line = (b->line + 1) & (RING_LINES - 1);
		if (fence)
			wc_barrier_entries_before_doorbell();
	}
	return wcb_tsc_read() - t0;
}

static uint64_t sample_line(struct bench *b, unsigned int ops, wc_copy_lines_fn copy, bool fence)
{
	return fence ? time_lines(b, ops, copy, true) : time_lines(b, ops, copy, false);
}

static uint64_t sample_burst(struct bench *b, unsigned int ops, wc_copy_lines_fn copy,
			     unsigned int entry_bytes, unsigned int burst)
{
	unsigned int lines = entry_bytes / LINE, slots = WCB_RING_BYTES / entry_bytes;
	uint64_t t0;

	b->slot &= slots - 1;   /* the previous row may have used smaller entries */
	t0 = wcb_tsc_read();

	for (unsigned int i = 0; i < ops; i++) {
		for (unsigned int e = 0; e < burst; e++) {
			copy(b->ring + (size_t)b->slot * entry_bytes,
			     b->src + (size_t)e * entry_bytes, lines);
			b->slot = (b->slot + 1) & (slots - 1);
		}
		b->tail = (uint16_t)(b->tail + burst);
		/* The full fence whatever the target, so that every row times
		 * the same sequence: wcnic's TX push path on a WC BAR. */
		wc_barrier_entries_before_doorbell();
		ring_doorbell(b, b->doorbell_bytes);
		if (b->flush_doorbell)
			wc_barrier_flush_wc_store();
	}
	return wcb_tsc_read() - t0;
}

static uint64_t sample_row(struct bench *b, const struct wcb_row *row, unsigned int ops)
{
	wc_copy_lines_fn copy = row->pattern == WCB_PAT_DOORBELL ? NULL :
				wc_store_copy_fn(row->store);

	switch (row->pattern) {
	case WCB_PAT_DOORBELL:
		return sample_doorbell(b, ops, row->fence);
	case WCB_PAT_LINE:
		return sample_line(b, ops, copy, row->fence);
	case WCB_PAT_BURST:
	case WCB_PAT_COUNT:
		break;
	}
	return sample_burst(b, ops, copy, row->entry_bytes, row->burst);
}

static void measure(struct bench *b, struct wcb_row *row, const struct wcb_options *o,
		    double *samples)
{
	sample_row(b, row, o->iterations);   /* warm-up: TLB, caches, branch history */
	for (unsigned int r = 0; r < o->runs; r++)
		samples[r] = (double)sample_row(b, row, o->iterations) / o->iterations;
	wcb_stats_compute(samples, o->runs, &row->cycles);
}

bool wcb_row_has_doorbell(const struct wcb_row *r)
{
	return r->pattern != WCB_PAT_LINE;
}

bool wcb_row_has_entries(const struct wcb_row *r)
{
	return r->pattern != WCB_PAT_DOORBELL;
}

unsigned int wcb_row_entries(const struct wcb_row *r)
{
	return r->pattern == WCB_PAT_DOORBELL ? 0 : r->burst;
}

/* Count a row, and store it when rows is not NULL (the counting pass). */
static void add_row(struct wcb_row *rows, unsigned int *n, struct wcb_row row)
{
	if (rows != NULL)
		rows[*n] = row;
	(*n)++;
}

/* The rows the options ask for, in report order; the burst rows of one
 * store variant and entry size are consecutive (plot.c relies on it). */
static unsigned int plan_rows(const struct wcb_options *o, const struct wcb_results *res,
			      struct wcb_row *rows)
{
	unsigned int n = 0;

	if (o->patterns[WCB_PAT_DOORBELL]) {
		add_row(rows, &n, (struct wcb_row){ .pattern = WCB_PAT_DOORBELL, .fence = false });
		add_row(rows, &n, (struct wcb_row){ .pattern = WCB_PAT_DOORBELL, .fence = true });
	}
	for (enum wc_store_variant v = 0; v < WC_STORE_VARIANT_COUNT; v++) {
		if (!res->store_run[v])
			continue;
		for (int fence = 0; fence < 2 && o->patterns[WCB_PAT_LINE]; fence++)
			add_row(rows, &n, (struct wcb_row){ .pattern = WCB_PAT_LINE, .store = v,
							    .fence = fence, .entry_bytes = LINE,
							    .burst = 1 });
		for (unsigned int e = 0; e < o->nb_entry_sizes && o->patterns[WCB_PAT_BURST]; e++)
			for (unsigned int i = 0; i < o->nb_bursts; i++)
				add_row(rows, &n, (struct wcb_row){
					.pattern = WCB_PAT_BURST, .store = v, .fence = true,
					.entry_bytes = o->entry_sizes[e], .burst = o->bursts[i] });
	}
	return n;
}

static int compare_uint(const void *a, const void *b)
{
	unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;

	return (x > y) - (x < y);
}

int wcb_run(const struct wcb_options *o, const struct wcb_target *t, struct wcb_results *res,
	    char *err, size_t size)
{
	struct wcb_options sorted = *o;
	struct bench b = {
		.doorbell = t->base + WCB_DOORBELL_OFF,
		.ring = t->base + WCB_RING_OFF,
		.doorbell_bytes = o->doorbell_bytes,
		.flush_doorbell = t->is_wc,
	};
	bool any_store = false;
	uint8_t *src;
	double *samples;

	*res = (struct wcb_results){ .cpu_first = sched_getcpu() };
	for (unsigned int v = 0; v < WC_STORE_VARIANT_COUNT; v++) {
		const char *why;

		if (!o->stores[v])
			continue;
		res->store_run[v] = wc_store_variant_supported(v, &why);
		res->store_skipped[v] = res->store_run[v] ? NULL : why;
		any_store |= res->store_run[v];
	}
	if (!any_store && (o->patterns[WCB_PAT_LINE] || o->patterns[WCB_PAT_BURST])) {
		snprintf(err, size, "--store: none of the asked store variants runs on this CPU");
		return -1;
	}
	/* The plot draws burst sizes left to right. */
	qsort(sorted.bursts, sorted.nb_bursts, sizeof(sorted.bursts[0]), compare_uint);

	res->nb_rows = plan_rows(&sorted, res, NULL);
	res->rows = calloc(res->nb_rows, sizeof(*res->rows));
	samples = calloc(o->runs, sizeof(*samples));
	src = aligned_alloc(LINE, WCB_BURST_MAX * WCNIC_PUSH_ENTRY_256);
	if (res->rows == NULL || samples == NULL || src == NULL) {
		free(samples);
		free(src);
		snprintf(err, size, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < WCB_BURST_MAX * WCNIC_PUSH_ENTRY_256; i++)
		src[i] = (uint8_t)(i * 7 + 1);
	b.src = src;
	plan_rows(&sorted, res, res->rows);
	for (unsigned int i = 0; i < res->nb_rows; i++)
		measure(&b, &res->rows[i], o, samples);
	free(samples);
	free(src);
	res->cpu_last = sched_getcpu();
	return 0;
}

void wcb_results_free(struct wcb_results *res)
{
	free(res->rows);
	res->rows = NULL;
	res->nb_rows = 0;
}

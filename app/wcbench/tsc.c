/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Counter frequency, measured against CLOCK_MONOTONIC.
 *
 * Each end of the interval is a (clock, counter) pair taken as close
 * together as possible: the counter read is bracketed by two clock reads
 * and the tightest of a few tries is kept, its clock time being the middle
 * of the bracket. The interval is spun, not slept: a TSC that is not
 * invariant may stop or slow down in a sleep state.
 */
#include <errno.h>
#include <time.h>

#include "tsc.h"
#include "wcbench.h"

#define PAIR_TRIES 5

static int clock_ns(double *ns)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return -errno;
	*ns = (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
	return 0;
}

static int clock_counter_pair(double *ns, uint64_t *ticks)
{
	double best = -1;

	for (unsigned int i = 0; i < PAIR_TRIES; i++) {
		double before = 0, after = 0;
		uint64_t t;
		int ret;

		ret = clock_ns(&before);
		t = wcb_tsc_read();
		if (ret == 0)
			ret = clock_ns(&after);
		if (ret != 0)
			return ret;
		if (best < 0 || after - before < best) {
			best = after - before;
			*ns = (before + after) / 2;
			*ticks = t;
		}
	}
	return 0;
}

int wcb_tsc_calibrate(struct wcb_tsc *t, unsigned int ms)
{
	double ns0 = 0, ns1 = 0, now = 0;
	uint64_t c0 = 0, c1 = 0;
	int ret = clock_counter_pair(&ns0, &c0);

	if (ret != 0)
		return ret;
	do {
		ret = clock_ns(&now);
		if (ret != 0)
			return ret;
	} while (now - ns0 < ms * 1e6);
	ret = clock_counter_pair(&ns1, &c1);
	if (ret != 0)
		return ret;
	if (ns1 <= ns0 || c1 <= c0)
		return -ERANGE;
	t->hz = (double)(c1 - c0) * 1e9 / (ns1 - ns0);
	t->calib_ms = (ns1 - ns0) / 1e6;
	t->counter = WCB_COUNTER_NAME;
	return 0;
}

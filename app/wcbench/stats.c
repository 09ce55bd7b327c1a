/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Summary of the samples of one row: minimum, median, 99th percentile.
 *
 * The minimum is the cost with the least interference; the median is the
 * typical cost; the 99th percentile shows how bad the tail is on this
 * machine (interrupts, other tenants, frequency changes). The percentile
 * is the nearest-rank one, always an observed sample, never interpolated.
 */
#include <stdlib.h>

#include "wcbench.h"

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void wcb_stats_compute(double *samples, unsigned int n, struct wcb_stats *s)
{
	unsigned int rank99;

	qsort(samples, n, sizeof(samples[0]), compare_double);
	s->min = samples[0];
	s->median = n % 2 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2;
	/* Nearest rank: the smallest sample with at least 99% of the samples
	 * at or below it: rank ceil(99 n / 100), counted from 1, in integers
	 * so that no rounding of 0.99 moves it. */
	rank99 = (unsigned int)((99ull * n + 99) / 100);
	s->p99 = samples[rank99 - 1];
}

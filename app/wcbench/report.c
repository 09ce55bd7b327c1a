/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the three output formats share.
 */
#include "wcbench.h"

double wcb_ns(const struct wcb_report *r, double ticks)
{
	return ticks * 1e9 / r->tsc->hz;
}

const char *wcb_row_store(const struct wcb_row *r)
{
	return r->pattern == WCB_PAT_DOORBELL ? "-" : wc_store_variant_name(r->store);
}

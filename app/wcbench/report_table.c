/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The readable report: where it ran, the memory type, one line per row,
 * then the warnings.
 */
#include "wcbench.h"

static void print_stat(FILE *f, const struct wcb_report *r, bool present, double ticks)
{
	if (present)
		fprintf(f, " %9.2f", wcb_ns(r, ticks));
	else
		fprintf(f, " %9s", "-");
}

static void print_row(FILE *f, const struct wcb_report *r, const struct wcb_row *row)
{
	bool db = wcb_row_has_doorbell(row), en = wcb_row_has_entries(row);
	double per = en ? (double)wcb_row_entries(row) : 1;

	fprintf(f, "%-8s %-9s %-5s", wcb_pattern_name(row->pattern), wcb_row_store(row),
		row->fence ? "yes" : "no");
	if (row->pattern == WCB_PAT_DOORBELL)
		fprintf(f, " %5s %5s |", "-", "-");
	else
		fprintf(f, " %5u %5u |", row->entry_bytes, row->burst);
	print_stat(f, r, db, row->cycles.min);
	print_stat(f, r, db, row->cycles.median);
	print_stat(f, r, db, row->cycles.p99);
	fprintf(f, " |");
	print_stat(f, r, en, row->cycles.min / per);
	print_stat(f, r, en, row->cycles.median / per);
	print_stat(f, r, en, row->cycles.p99 / per);
	fprintf(f, " |");
	if (db)
		fprintf(f, " %10.1f", row->cycles.median);
	else
		fprintf(f, " %10s", "-");
	if (en)
		fprintf(f, " %10.1f\n", row->cycles.median / per);
	else
		fprintf(f, " %10s\n", "-");
}

static void print_stores(FILE *f, const struct wcb_results *res)
{
	bool skipped = false;

	fprintf(f, "%-14s", "stores");
	for (unsigned int v = 0; v < WC_STORE_VARIANT_COUNT; v++)
		if (res->store_run[v])
			fprintf(f, " %s", wc_store_variant_name(v));
	for (unsigned int v = 0; v < WC_STORE_VARIANT_COUNT; v++) {
		if (res->store_skipped[v] == NULL)
			continue;
		fprintf(f, "%s %s (%s)", skipped ? "," : "; skipped:", wc_store_variant_name(v),
			res->store_skipped[v]);
		skipped = true;
	}
	fputc('\n', f);
}

void wcb_report_table(FILE *f, const struct wcb_report *r)
{
	const struct wcb_platform *p = r->platform;
	const struct wcb_target *t = r->target;
	const struct wcb_options *o = r->opts;
	char where[512];

	wcb_platform_where(p, where, sizeof(where));
	fprintf(f, "wcbench: doorbell and push latency\n");
	fprintf(f, "%-14s %s\n", "cpu", p->cpu_model);
	fprintf(f, "%-14s %s\n", "hypervisor", where);
	fprintf(f, "%-14s %s at %.2f MHz (against CLOCK_MONOTONIC over %.0f ms); "
		"invariant TSC %s; clocksource %s\n", "counter", r->tsc->counter,
		r->tsc->hz / 1e6, r->tsc->calib_ms,
		p->invariant_tsc ? "yes" : "no", p->clocksource);
	fprintf(f, "%-14s %s\n", "target", t->name);
	fprintf(f, "%-14s asked %s, obtained %s, verified %s (method %s)\n", "memory type",
		t->asked, t->obtained, t->verified, t->method);
	if (t->reason[0] != '\0')
		fprintf(f, "%-14s %s\n", "fallback", t->reason);
	fprintf(f, "%-14s %s\n", "verification", t->detail);
	fprintf(f, "%-14s %u-byte store at +0x%x; push ring at +0x%x\n", "doorbell",
		o->doorbell_bytes, WCB_DOORBELL_OFF, WCB_RING_OFF);
	fprintf(f, "%-14s %u runs of %u operations; ", "samples", o->runs, o->iterations);
	if (o->cpu >= 0)
		fprintf(f, "pinned to CPU %d\n", o->cpu);
	else
		fprintf(f, "not pinned (CPU %d at start, %d at end)\n", r->results->cpu_first,
			r->results->cpu_last);
	print_stores(f, r->results);
	fprintf(f, "\nper doorbell: one doorbell store, or one whole burst; "
		"per entry: one line, or one burst entry\n");
	fprintf(f, "%-8s %-9s %-5s %5s %5s | %29s | %29s |   %s\n", "", "", "", "", "",
		"ns per doorbell      ", "ns per entry         ", "cycles (median)");
	fprintf(f, "%-8s %-9s %-5s %5s %5s | %9s %9s %9s | %9s %9s %9s | %10s %10s\n", "pattern",
		"store", "fence", "entry", "burst", "min", "median", "p99", "min", "median", "p99",
		"doorbell", "entry");
	for (unsigned int i = 0; i < r->results->nb_rows; i++)
		print_row(f, r, &r->results->rows[i]);
	if (r->warnings->n != 0)
		fputc('\n', f);
	for (unsigned int i = 0; i < r->warnings->n; i++)
		fprintf(f, "WARNING: %s\n", r->warnings->text[i]);
}

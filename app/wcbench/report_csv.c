/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CSV (RFC 4180): a header line, then one line per row. Every line also
 * carries where it was measured (CPU, hypervisor, counter rate, memory
 * type), so files from several machines can be concatenated and still say
 * where each figure comes from. A figure a row does not have (per entry
 * of a doorbell row, per doorbell of a line row) is an empty field.
 * Warnings go to stderr only.
 */
#include "wcbench.h"

static void csv_text(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* min, median, p99 in ticks then in ns; empty fields when absent. */
static void csv_stats(FILE *f, const struct wcb_report *r, bool present,
		      const struct wcb_stats *s, double divisor)
{
	if (!present) {
		fputs(",,,,,,", f);
		return;
	}
	fprintf(f, ",%.3f,%.3f,%.3f", s->min / divisor, s->median / divisor, s->p99 / divisor);
	fprintf(f, ",%.3f,%.3f,%.3f", wcb_ns(r, s->min / divisor), wcb_ns(r, s->median / divisor),
		wcb_ns(r, s->p99 / divisor));
}

void wcb_report_csv(FILE *f, const struct wcb_report *r)
{
	const struct wcb_platform *p = r->platform;
	const struct wcb_target *t = r->target;
	char where[512];

	wcb_platform_where(p, where, sizeof(where));
	fputs("pattern,store,fence,entry_bytes,burst,doorbell_bytes,runs,iterations,"
	      "doorbell_cycles_min,doorbell_cycles_median,doorbell_cycles_p99,"
	      "doorbell_ns_min,doorbell_ns_median,doorbell_ns_p99,"
	      "entry_cycles_min,entry_cycles_median,entry_cycles_p99,"
	      "entry_ns_min,entry_ns_median,entry_ns_p99,"
	      "counter_hz,invariant_tsc,cpu_model,hypervisor,emulator,"
	      "target,asked,obtained,verified,method\n", f);
	for (unsigned int i = 0; i < r->results->nb_rows; i++) {
		const struct wcb_row *row = &r->results->rows[i];
		bool en = wcb_row_has_entries(row);

		fprintf(f, "%s,%s,%s,%u,%u,%u,%u,%u", wcb_pattern_name(row->pattern),
			wcb_row_store(row), row->fence ? "yes" : "no", row->entry_bytes,
			wcb_row_entries(row), r->opts->doorbell_bytes, r->opts->runs,
			r->opts->iterations);
		csv_stats(f, r, wcb_row_has_doorbell(row), &row->cycles, 1);
		csv_stats(f, r, en, &row->cycles, en ? wcb_row_entries(row) : 1);
		fprintf(f, ",%.0f,%s,", r->tsc->hz, p->invariant_tsc ? "yes" : "no");
		csv_text(f, p->cpu_model);
		fputc(',', f);
		csv_text(f, where);
		fprintf(f, ",%s,", p->emulator ? "yes" : "no");
		csv_text(f, t->name);
		fprintf(f, ",%s,%s,%s,%s\n", t->asked, t->obtained, t->verified, t->method);
	}
}

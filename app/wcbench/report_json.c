/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * JSON: one object with where it ran, the memory type, the settings, one
 * object per row and the warnings. Indented, with every scalar of the
 * header objects on a line of its own, so that line tools (grep in a
 * guest without Python) can read it too. A figure a row does not have is
 * null.
 */
#include "json_text.h"
#include "wcbench.h"

static void json_key_str(FILE *f, const char *indent, const char *key, const char *value,
			 bool last)
{
	fprintf(f, "%s\"%s\": ", indent, key);
	if (value != NULL)
		json_write_string(f, value);
	else
		fputs("null", f);
	fputs(last ? "\n" : ",\n", f);
}

static void json_key_bool(FILE *f, const char *indent, const char *key, bool value, bool last)
{
	fprintf(f, "%s\"%s\": %s%s\n", indent, key, value ? "true" : "false", last ? "" : ",");
}

static void json_stats(FILE *f, const struct wcb_report *r, bool present,
		       const struct wcb_stats *s, double divisor)
{
	if (!present) {
		fputs("null", f);
		return;
	}
	fprintf(f, "{\"cycles\": {\"min\": %.3f, \"median\": %.3f, \"p99\": %.3f}, ",
		s->min / divisor, s->median / divisor, s->p99 / divisor);
	fprintf(f, "\"ns\": {\"min\": %.3f, \"median\": %.3f, \"p99\": %.3f}}",
		wcb_ns(r, s->min / divisor), wcb_ns(r, s->median / divisor),
		wcb_ns(r, s->p99 / divisor));
}

static void json_platform(FILE *f, const struct wcb_report *r)
{
	const struct wcb_platform *p = r->platform;
	char where[512];

	wcb_platform_where(p, where, sizeof(where));
	fputs("  \"platform\": {\n", f);
	json_key_str(f, "    ", "cpu_model", p->cpu_model, false);
	json_key_str(f, "    ", "hypervisor", p->hv_name, false);
	json_key_str(f, "    ", "hypervisor_evidence", where, false);
	json_key_bool(f, "    ", "hypervisor_bit", p->hypervisor_bit, false);
	json_key_str(f, "    ", "hypervisor_signature", p->hv_signature, false);
	json_key_str(f, "    ", "sys_hypervisor", p->sys_hypervisor, false);
	json_key_str(f, "    ", "dmi", p->dmi, false);
	json_key_bool(f, "    ", "virtualized", p->virtualized, false);
	json_key_bool(f, "    ", "emulator", p->emulator, false);
	json_key_bool(f, "    ", "invariant_tsc", p->invariant_tsc, false);
	json_key_str(f, "    ", "clocksource", p->clocksource, true);
	fputs("  },\n", f);
	fputs("  \"counter\": {\n", f);
	json_key_str(f, "    ", "name", r->tsc->counter, false);
	fprintf(f, "    \"hz\": %.0f,\n", r->tsc->hz);
	json_key_str(f, "    ", "calibrated_against", "CLOCK_MONOTONIC", false);
	fprintf(f, "    \"calibration_ms\": %.1f\n", r->tsc->calib_ms);
	fputs("  },\n", f);
}

static void json_target(FILE *f, const struct wcb_report *r)
{
	const struct wcb_target *t = r->target;
	static const char *const kinds[] = {
		[WCB_TARGET_ANON] = "anonymous",
		[WCB_TARGET_VFIO] = "vfio",
		[WCB_TARGET_SYSFS] = "sysfs",
	};

	fputs("  \"target\": {\n", f);
	json_key_str(f, "    ", "kind", kinds[t->kind], false);
	json_key_str(f, "    ", "name", t->name, false);
	fprintf(f, "    \"doorbell_offset\": %u,\n", WCB_DOORBELL_OFF);
	fprintf(f, "    \"doorbell_bytes\": %u,\n", r->opts->doorbell_bytes);
	fprintf(f, "    \"ring_offset\": %u,\n", WCB_RING_OFF);
	fprintf(f, "    \"ring_bytes\": %u\n", WCB_RING_BYTES);
	fputs("  },\n", f);
	fputs("  \"memory_type\": {\n", f);
	json_key_str(f, "    ", "asked", t->asked, false);
	json_key_str(f, "    ", "obtained", t->obtained, false);
	json_key_str(f, "    ", "verified", t->verified, false);
	json_key_bool(f, "    ", "verified_known", t->verified_known, false);
	json_key_str(f, "    ", "method", t->method, false);
	json_key_bool(f, "    ", "mismatch", t->mismatch, false);
	json_key_str(f, "    ", "reason", t->reason, false);
	json_key_str(f, "    ", "detail", t->detail, true);
	fputs("  },\n", f);
}

static void json_settings(FILE *f, const struct wcb_report *r)
{
	const struct wcb_results *res = r->results;
	bool first = true;

	fputs("  \"settings\": {\n", f);
	fprintf(f, "    \"runs\": %u,\n    \"iterations\": %u,\n", r->opts->runs,
		r->opts->iterations);
	if (r->opts->cpu >= 0)
		fprintf(f, "    \"pinned_cpu\": %d,\n", r->opts->cpu);
	else
		fputs("    \"pinned_cpu\": null,\n", f);
	fprintf(f, "    \"cpu_first\": %d,\n    \"cpu_last\": %d\n", res->cpu_first,
		res->cpu_last);
	fputs("  },\n", f);
	fputs("  \"stores\": {\n    \"run\": [", f);
	for (unsigned int v = 0; v < WC_STORE_VARIANT_COUNT; v++) {
		if (!res->store_run[v])
			continue;
		fputs(first ? "" : ", ", f);
		json_write_string(f, wc_store_variant_name(v));
		first = false;
	}
	fputs("],\n    \"skipped\": [", f);
	first = true;
	for (unsigned int v = 0; v < WC_STORE_VARIANT_COUNT; v++) {
		if (res->store_skipped[v] == NULL)
			continue;
		fputs(first ? "\n      {\"name\": " : ",\n      {\"name\": ", f);
		json_write_string(f, wc_store_variant_name(v));
		fputs(", \"reason\": ", f);
		json_write_string(f, res->store_skipped[v]);
		fputc('}', f);
		first = false;
	}
	fputs(first ? "]\n  },\n" : "\n    ]\n  },\n", f);
}

static void json_row(FILE *f, const struct wcb_report *r, const struct wcb_row *row, bool last)
{
	bool en = wcb_row_has_entries(row);

	fprintf(f, "    {\"pattern\": \"%s\", \"store\": ", wcb_pattern_name(row->pattern));
	if (row->pattern == WCB_PAT_DOORBELL)
		fputs("null", f);
	else
		json_write_string(f, wc_store_variant_name(row->store));
	fprintf(f, ", \"fence\": %s, \"entry_bytes\": %u, \"burst\": %u,\n     \"per_doorbell\": ",
		row->fence ? "true" : "false", row->entry_bytes, wcb_row_entries(row));
	json_stats(f, r, wcb_row_has_doorbell(row), &row->cycles, 1);
	fputs(",\n     \"per_entry\": ", f);
	json_stats(f, r, en, &row->cycles, en ? wcb_row_entries(row) : 1);
	fputs(last ? "}\n" : "},\n", f);
}

void wcb_report_json(FILE *f, const struct wcb_report *r)
{
	fputs("{\n  \"tool\": \"wcbench\",\n", f);
	json_platform(f, r);
	json_target(f, r);
	json_settings(f, r);
	fputs("  \"results\": [\n", f);
	for (unsigned int i = 0; i < r->results->nb_rows; i++)
		json_row(f, r, &r->results->rows[i], i + 1 == r->results->nb_rows);
	fputs("  ],\n  \"warnings\": [", f);
	for (unsigned int i = 0; i < r->warnings->n; i++) {
		fputs(i == 0 ? "\n    " : ",\n    ", f);
		json_write_string(f, r->warnings->text[i]);
	}
	fputs(r->warnings->n != 0 ? "\n  ]\n}\n" : "]\n}\n", f);
}

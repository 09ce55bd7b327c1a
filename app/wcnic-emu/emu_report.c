/* SPDX-License-Identifier: BSD-3-Clause */
/* wcnic-emu's counters as JSON and as a table: see emu_report.h. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "emu_report.h"
#include "file_atomic.h"
#include "json_text.h"

static const char *json_bool(bool b)
{
	return b ? "true" : "false";
}

static void json_counters(FILE *f, const uint64_t cnt[WCNIC_CNT_NUM])
{
	unsigned int c;

	for (c = 0; c < WCNIC_CNT_NUM; c++)
		fprintf(f, "%s\"%s\": %" PRIu64, c == 0 ? "" : ", ",
			wcnic_counter_name((enum wcnic_counter)c), cnt[c]);
}

static void json_ram(FILE *f, const struct emu *e)
{
	const struct guest_mem_piece *piece[2] = { &e->layout.low, &e->layout.high };
	bool first = true;
	unsigned int i;

	fprintf(f, "  \"ram\": {\"path\": ");
	json_write_string(f, e->cfg.ram_path);
	fprintf(f, ", \"size\": %" PRIu64 ", \"pieces\": [", e->ram.len);
	for (i = 0; i < 2; i++) {
		if (piece[i]->len == 0)
			continue;
		fprintf(f, "%s{\"gpa\": %" PRIu64 ", \"file_offset\": %" PRIu64 ", \"size\": %"
			PRIu64 "}", first ? "" : ", ", piece[i]->gpa, piece[i]->file_off,
			piece[i]->len);
		first = false;
	}
	fprintf(f, "]},\n");
}

static void json_device(FILE *f, const struct wcnic_model_stats *s)
{
	fprintf(f, "  \"device\": {\"status\": %" PRIu32 ", \"ready\": %s, \"enabled\": %s, "
		"\"error\": %s, \"num_queues\": %" PRIu32 ", \"resets\": %" PRIu64 ",\n",
		s->status, json_bool(s->status & WCNIC_STS_READY),
		json_bool(s->status & WCNIC_STS_ENABLED), json_bool(s->status & WCNIC_STS_ERROR),
		s->num_queues, s->resets);
	fprintf(f, "             \"error_code\": \"%s\", \"error_queue\": ",
		wcnic_error_name(s->error_code));
	/* null: no error yet, or one not tied to a queue. */
	if (s->error_code == WCNIC_ERR_NONE || s->error_queue == WCNIC_ERROR_QUEUE_NONE)
		fprintf(f, "null");
	else
		fprintf(f, "%" PRIu32, s->error_queue);
	fprintf(f, ", \"error_info\": %" PRIu64 "},\n", s->error_info);
}

static void json_queues(FILE *f, const struct emu *e, const struct wcnic_model_stats *s)
{
	unsigned int q;

	fprintf(f, "  \"queues\": [\n");
	for (q = 0; q < e->cfg.params.max_queues; q++) {
		uint32_t st = s->queue_status[q];

		fprintf(f, "    {\"queue\": %u, \"tx_running\": %s, \"rx_running\": %s, "
			"\"tx_stopped_error\": %s, \"rx_stopped_error\": %s, \"error\": \"%s\",\n     ",
			q, json_bool(st & WCNIC_QSTS_TX_RUNNING), json_bool(st & WCNIC_QSTS_RX_RUNNING),
			json_bool(st & WCNIC_QSTS_TX_STOPPED_ERR),
			json_bool(st & WCNIC_QSTS_RX_STOPPED_ERR), wcnic_error_name(s->queue_error[q]));
		json_counters(f, s->queue[q]);
		fprintf(f, "}%s\n", q + 1 < e->cfg.params.max_queues ? "," : "");
	}
	fprintf(f, "  ],\n");
}

static void json_tap(FILE *f, const struct emu_tap *t)
{
	if (t == NULL) {
		fprintf(f, "  \"tap\": null\n");
		return;
	}
	fprintf(f, "  \"tap\": {\"name\": ");
	json_write_string(f, t->name);
	fprintf(f, ", \"tx_frames\": %" PRIu64 ", \"tx_bytes\": %" PRIu64 ", \"tx_dropped\": %"
		PRIu64 ", \"rx_frames\": %" PRIu64 ", \"rx_bytes\": %" PRIu64 ", \"rx_dropped\": %"
		PRIu64 "}\n", t->tx_frames, t->tx_bytes, t->tx_dropped, t->rx_frames, t->rx_bytes,
		t->rx_dropped);
}

static void json_document(FILE *f, const struct emu *e, const struct wcnic_model_stats *s)
{
	unsigned int code;

	fprintf(f, "{\n  \"version\": 1,\n  \"backend\": \"%s\",\n", emu_backend_name(&e->cfg));
	fprintf(f, "  \"bar\": {\"path\": ");
	json_write_string(f, e->cfg.bar_path);
	fprintf(f, ", \"size\": %" PRIu64 "},\n", e->bar.len);
	json_ram(f, e);
	json_device(f, s);
	fprintf(f, "  \"total\": {");
	json_counters(f, s->total);
	fprintf(f, "},\n  \"errors_by_code\": {");
	for (code = WCNIC_ERR_NONE + 1; code <= WCNIC_ERR_MAX; code++)
		fprintf(f, "%s\"%s\": %" PRIu64, code == 1 ? "" : ", ", wcnic_error_name(code),
			s->errors_by_code[code]);
	fprintf(f, "},\n");
	json_queues(f, e, s);
	json_tap(f, e->tap);
	fprintf(f, "}\n");
}

struct json_args {
	const struct emu *e;
	const struct wcnic_model_stats *s;
};

static void fill_json(FILE *f, void *arg)
{
	const struct json_args *a = arg;

	json_document(f, a->e, a->s);
}

int emu_report_json(const struct emu *e, const struct wcnic_model_stats *s, const char *path)
{
	struct json_args args = { .e = e, .s = s };
	const char *step;

	/* Tests poll for the file: it appears whole or not at all. */
	if (file_write_atomic(path, fill_json, &args, &step) != 0) {
		fprintf(stderr, "wcnic-emu: --stats-json %s: cannot %s it: %s\n", path, step,
			strerror(errno));
		return -1;
	}
	return 0;
}

static bool queue_active(const uint64_t cnt[WCNIC_CNT_NUM])
{
	unsigned int c;

	for (c = 0; c < WCNIC_CNT_NUM; c++)
		if (cnt[c] != 0)
			return true;
	return false;
}

void emu_report_print(const struct emu *e, const struct wcnic_model_stats *s, FILE *f)
{
	unsigned int c, q;

	/* One column for the total and one per queue that did anything. */
	fprintf(f, "wcnic-emu: counters since start (backend %s)\n  %-12s %14s",
		emu_backend_name(&e->cfg), "", "total");
	for (q = 0; q < e->cfg.params.max_queues; q++)
		if (queue_active(s->queue[q]))
			fprintf(f, " %13s%u", "queue ", q);
	fputc('\n', f);
	for (c = 0; c < WCNIC_CNT_NUM; c++) {
		fprintf(f, "  %-12s %14" PRIu64, wcnic_counter_name((enum wcnic_counter)c),
			s->total[c]);
		for (q = 0; q < e->cfg.params.max_queues; q++)
			if (queue_active(s->queue[q]))
				fprintf(f, " %14" PRIu64, s->queue[q][c]);
		fputc('\n', f);
	}
	fprintf(f, "  device: %s%s%s, %" PRIu64 " reset(s) by the driver\n",
		s->status & WCNIC_STS_READY ? "ready" : "not ready",
		s->status & WCNIC_STS_ENABLED ? ", enabled" : "",
		s->status & WCNIC_STS_ERROR ? ", error" : "", s->resets);
	if (s->error_code != WCNIC_ERR_NONE) {
		fprintf(f, "  first error since the last reset: %s", wcnic_error_name(s->error_code));
		if (s->error_queue != WCNIC_ERROR_QUEUE_NONE)
			fprintf(f, " on queue %" PRIu32, s->error_queue);
		fprintf(f, ", info 0x%" PRIx64 "\n", s->error_info);
	}
	for (c = WCNIC_ERR_NONE + 1; c <= WCNIC_ERR_MAX; c++)
		if (s->errors_by_code[c] != 0)
			fprintf(f, "  errors %-15s %" PRIu64 "\n", wcnic_error_name(c),
				s->errors_by_code[c]);
	if (e->tap != NULL)
		fprintf(f, "  tap %s: to it %" PRIu64 " frames (%" PRIu64 " bytes), %" PRIu64
			" dropped; from it %" PRIu64 " frames (%" PRIu64 " bytes), %" PRIu64
			" not taken by the device\n", e->tap->name, e->tap->tx_frames,
			e->tap->tx_bytes, e->tap->tx_dropped, e->tap->rx_frames, e->tap->rx_bytes,
			e->tap->rx_dropped);
}

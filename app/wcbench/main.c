/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wcbench: time WC doorbells and TX entry pushes, and say where the
 * figures were taken. See wcbench.h for the parts, doc/wcbench.md for the
 * meaning of the numbers.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "wcbench.h"

/* Long enough for a rate good to about 1e-5 with microsecond clock reads,
 * short enough to go unnoticed. */
#define CALIBRATION_MS 100u

static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) == 0)
		return 0;
	fprintf(stderr, "wcbench: --cpu %d: cannot pin to it: %s%s\n", cpu, strerror(errno),
		errno == EINVAL ? " (no such CPU, or not in this process's allowed set)" : "");
	return -1;
}

static void print_report(const struct wcb_report *r)
{
	switch (r->opts->format) {
	case WCB_FMT_TABLE:
		wcb_report_table(stdout, r);
		return;
	case WCB_FMT_CSV:
		wcb_report_csv(stdout, r);
		break;
	case WCB_FMT_JSON:
		wcb_report_json(stdout, r);
		break;
	}
	/* The table prints its warnings; CSV has no place for them. */
	for (unsigned int i = 0; i < r->warnings->n; i++)
		fprintf(stderr, "wcbench: WARNING: %s\n", r->warnings->text[i]);
}

static int run(const struct wcb_options *o)
{
	struct wcb_platform platform;
	struct wcb_results results;
	struct wcb_warnings warnings;
	struct wcb_target target;
	struct wcb_tsc tsc;
	struct wcb_report report = {
		.opts = o, .platform = &platform, .tsc = &tsc, .target = &target,
		.results = &results, .warnings = &warnings,
	};
	char err[WCB_TEXT_MAX];
	int ret;

	if (o->cpu >= 0 && pin(o->cpu) != 0)
		return 1;
	wcb_platform_probe(&platform);
	ret = wcb_tsc_calibrate(&tsc, CALIBRATION_MS);
	if (ret != 0) {
		fprintf(stderr, "wcbench: cannot calibrate the counter against "
			"CLOCK_MONOTONIC: %s\n", strerror(-ret));
		return 1;
	}
	if (wcb_target_open(&target, o, err, sizeof(err)) != 0) {
		fprintf(stderr, "wcbench: %s\n", err);
		return 1;
	}
	if (wcb_run(o, &target, &results, err, sizeof(err)) != 0) {
		fprintf(stderr, "wcbench: %s\n", err);
		wcb_results_free(&results);
		wcb_target_close(&target);
		return 1;
	}
	/* The type again, now that the window has been written. */
	wcb_target_verify(&target);
	wcb_warnings_collect(&platform, &target, &results, &warnings);
	print_report(&report);
	ret = 0;
	if (o->plot != NULL && wcb_plot_write(&report, o->plot, err, sizeof(err)) != 0) {
		fprintf(stderr, "wcbench: %s\n", err);
		ret = 1;
	}
	wcb_results_free(&results);
	wcb_target_close(&target);
	if (fflush(stdout) != 0) {
		fprintf(stderr, "wcbench: writing the report failed: %s\n", strerror(errno));
		ret = 1;
	}
	return ret;
}

int main(int argc, char **argv)
{
	struct wcb_options o;
	const char *why;

	switch (wcb_options_parse(argc, argv, &o, stdout, stderr)) {
	case 0:
		break;
	case 1:
		return 0;   /* --help */
	default:
		return 2;
	}
	/* Before any measuring: a missing gnuplot should not cost a whole run. */
	if (o.plot != NULL && !wcb_plot_available(&why)) {
		fprintf(stderr, "wcbench: --plot: %s\n", why);
		return 1;
	}
	return run(&o);
}

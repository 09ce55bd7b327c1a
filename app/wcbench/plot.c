/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * --plot: a PNG of the burst sweep, drawn by gnuplot (Debian package
 * gnuplot-nox). x: entries per doorbell; y: ns per entry, the median with
 * a bar from min to p99; one line per store variant and entry size. The
 * title says where it ran and the memory type, so a chart cannot be taken
 * for what it is not. The data goes inline (gnuplot data blocks), so no
 * temporary file is left behind.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wcbench.h"

static const unsigned char png_signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

bool wcb_plot_available(const char **why)
{
	const char *path = getenv("PATH");
	char dir[4096], exe[4200];

	while (path != NULL && *path != '\0') {
		size_t len = strcspn(path, ":");

		if (len > 0 && len < sizeof(dir)) {
			memcpy(dir, path, len);
			dir[len] = '\0';
			snprintf(exe, sizeof(exe), "%s/gnuplot", dir);
			if (access(exe, X_OK) == 0)
				return true;
		}
		path += len + (path[len] == ':');
	}
	*why = "gnuplot not found in PATH: install Debian's gnuplot-nox "
	       "(apt-get install gnuplot-nox)";
	return false;
}

/* A gnuplot double-quoted string: backslash and quote escaped, a newline
 * written as \n (gnuplot reads one command per line). */
static void gp_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '\n')
			fputs("\\n", f);
		else if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s >= 0x20)
			fputc(*s, f);
	}
	fputc('"', f);
}

/* Whether row i is the first of a series: the burst rows of one store
 * variant and entry size, which patterns.c plans consecutively. */
static bool starts_series(const struct wcb_results *res, unsigned int i)
{
	const struct wcb_row *row = &res->rows[i], *prev = i != 0 ? &res->rows[i - 1] : NULL;

	return row->pattern == WCB_PAT_BURST &&
	       (prev == NULL || prev->pattern != WCB_PAT_BURST || prev->store != row->store ||
		prev->entry_bytes != row->entry_bytes);
}

/* One data block per series: burst, median, min, p99 (ns per entry). */
static unsigned int write_data(FILE *gp, const struct wcb_report *r)
{
	const struct wcb_results *res = r->results;
	unsigned int series = 0;

	for (unsigned int i = 0; i < res->nb_rows; i++) {
		const struct wcb_row *row = &res->rows[i];
		double n = row->burst;

		if (row->pattern != WCB_PAT_BURST)
			continue;
		if (starts_series(res, i)) {
			fprintf(gp, "%s$s%u << EOD\n", series == 0 ? "" : "EOD\n", series);
			series++;
		}
		fprintf(gp, "%u %.4f %.4f %.4f\n", row->burst, wcb_ns(r, row->cycles.median / n),
			wcb_ns(r, row->cycles.min / n), wcb_ns(r, row->cycles.p99 / n));
	}
	if (series != 0)
		fputs("EOD\n", gp);
	return series;
}

static void write_plot_command(FILE *gp, const struct wcb_report *r)
{
	const struct wcb_results *res = r->results;
	unsigned int series = 0;

	fputs("plot ", gp);
	for (unsigned int i = 0; i < res->nb_rows; i++) {
		const struct wcb_row *row = &res->rows[i];
		char title[64];

		if (!starts_series(res, i))
			continue;
		snprintf(title, sizeof(title), "%s, %u-byte entries",
			 wc_store_variant_name(row->store), row->entry_bytes);
		fprintf(gp, "%s$s%u using 1:2:3:4 with yerrorlines title ", series == 0 ? "" : ", ",
			series);
		gp_str(gp, title);
		series++;
	}
	fputc('\n', gp);
}

static bool is_png(const char *path)
{
	unsigned char head[sizeof(png_signature)];
	FILE *f = fopen(path, "rb");
	bool ok;

	if (f == NULL)
		return false;
	ok = fread(head, 1, sizeof(head), f) == sizeof(head) &&
	     memcmp(head, png_signature, sizeof(head)) == 0;
	fclose(f);
	return ok;
}

int wcb_plot_write(const struct wcb_report *r, const char *png, char *err, size_t size)
{
	const struct wcb_target *t = r->target;
	char title[1600], where[512];
	FILE *gp;
	int status;

	if (remove(png) != 0 && errno != ENOENT) {
		snprintf(err, size, "--plot: cannot replace %s: %s", png, strerror(errno));
		return -1;
	}
	gp = popen("gnuplot", "w");
	if (gp == NULL) {
		snprintf(err, size, "--plot: cannot start gnuplot: %s", strerror(errno));
		return -1;
	}
	wcb_platform_where(r->platform, where, sizeof(where));
	snprintf(title, sizeof(title), "%s; hypervisor: %s\n%s: asked %s, obtained %s, verified %s",
		 r->platform->cpu_model, where, t->name, t->asked, t->obtained, t->verified);
	fputs("set terminal pngcairo size 1100,700 noenhanced\nset output ", gp);
	gp_str(gp, png);
	fputs("\nset title ", gp);
	gp_str(gp, title);
	fputs("\nset xlabel 'entries per doorbell'\n"
	      "set ylabel 'ns per entry (median; bar: min to p99)'\n"
	      "set logscale x 2\nset grid\nset key outside right top\n"
	      "set yrange [0:*]\n", gp);
	write_data(gp, r);
	write_plot_command(gp, r);
	status = pclose(gp);
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(err, size, "--plot: gnuplot failed (status %d; its messages are above)",
			 status == -1 ? -1 : WIFEXITED(status) ? WEXITSTATUS(status) : 128);
		return -1;
	}
	if (!is_png(png)) {
		snprintf(err, size, "--plot: gnuplot did not write a PNG to %s", png);
		return -1;
	}
	return 0;
}

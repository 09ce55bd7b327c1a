/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wcbench: what a doorbell and a pushed TX entry cost on a given mapping.
 *
 * The program maps a target (anonymous memory, a VFIO BAR through
 * libvfiowc, or a sysfs resource file), times three patterns on it with
 * the TSC, and reports the figures together with where they were taken:
 * the CPU, any hypervisor or emulator, and the memory type the mapping
 * really got. doc/wcbench.md explains the numbers.
 *
 * This header holds the types shared by the program's files; each file
 * does one thing (options, platform, target, patterns, stats, warnings,
 * one file per output format, the plot).
 */
#ifndef WCBENCH_H
#define WCBENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vfiowc.h"
#include "wc_store.h"
#include "wcnic_hw.h"

/* ---- the window the patterns write (wcnic's BAR layout, queue 0) ---- */

/* Doorbell of TX queue 0: a u32 in the doorbell page. */
#define WCB_DOORBELL_OFF     WCNIC_DB_TX_OFF(0)
/* Push ring of TX queue 0: entries and single lines cycle through it. */
#define WCB_RING_OFF         WCNIC_PUSH_RING_OFF(0)
#define WCB_RING_BYTES       WCNIC_PUSH_RING_BYTES
/* Bytes of the target the patterns touch, from the window start. */
#define WCB_WINDOW_BYTES     (WCB_RING_OFF + WCB_RING_BYTES)

/* Most entries per doorbell: a burst of the largest entries fills the
 * ring once, so no burst overwrites its own entries before the fence. */
#define WCB_BURST_MAX        (WCB_RING_BYTES / WCNIC_PUSH_ENTRY_256)
#define WCB_MAX_BURSTS       16   /* distinct burst sizes per run */
#define WCB_MAX_ENTRY_SIZES  2    /* 128 and 256 */
#define WCB_MAX_WARNINGS     16
#define WCB_TEXT_MAX         VFIOWC_TEXT_MAX

/* ---- options ---- */

enum wcb_target_kind {
	WCB_TARGET_ANON,    /* anonymous write-back memory (default) */
	WCB_TARGET_VFIO,    /* a BAR through libvfiowc */
	WCB_TARGET_SYSFS,   /* a sysfs resourceN or resourceN_wc file */
};

enum wcb_pattern {
	WCB_PAT_DOORBELL,   /* one doorbell store */
	WCB_PAT_LINE,       /* one 64-byte line */
	WCB_PAT_BURST,      /* N entries, one fence, one doorbell */
	WCB_PAT_COUNT
};

enum wcb_format {
	WCB_FMT_TABLE,
	WCB_FMT_CSV,
	WCB_FMT_JSON,
};

struct wcb_options {
	enum wcb_target_kind target;
	const char *bdf;             /* --vfio */
	unsigned int region;         /* --region */
	enum vfiowc_attr attr;       /* --attr */
	bool allow_sysfs_wc;         /* --allow-sysfs-wc */
	const char *sysfs_path;      /* --sysfs */
	uint64_t offset;             /* --offset: window start in the region or file */

	bool patterns[WCB_PAT_COUNT];             /* --pattern */
	bool stores[WC_STORE_VARIANT_COUNT];      /* --store: asked for */
	unsigned int bursts[WCB_MAX_BURSTS];      /* --burst */
	unsigned int nb_bursts;
	unsigned int entry_sizes[WCB_MAX_ENTRY_SIZES];   /* --entry-size */
	unsigned int nb_entry_sizes;
	unsigned int doorbell_bytes;              /* --doorbell-bytes: 4 or 8 */

	unsigned int runs;           /* --runs: samples per row */
	unsigned int iterations;     /* --iterations: operations per sample */
	int cpu;                     /* --cpu; -1: not pinned */

	enum wcb_format format;      /* --format */
	const char *plot;            /* --plot FILE.png; NULL: none */
};

/* Fill o from argv. Returns 0 to run, 1 when --help was printed, 2 after
 * printing a usage error to err. */
int wcb_options_parse(int argc, char **argv, struct wcb_options *o, FILE *out, FILE *err);

const char *wcb_pattern_name(enum wcb_pattern p);
const char *wcb_format_name(enum wcb_format f);

/* ---- where it runs ---- */

struct wcb_platform {
	char cpu_model[64];          /* CPUID brand string, else /proc/cpuinfo */
	bool hypervisor_bit;         /* CPUID.1:ECX[31] */
	char hv_signature[13];       /* CPUID 0x40000000 vendor, "" when none */
	char sys_hypervisor[32];     /* /sys/hypervisor/type, "" when absent */
	char dmi[128];               /* "<sys_vendor> <product_name>", "" when absent */
	char clocksource[32];        /* the kernel's current clocksource */
	bool invariant_tsc_known;    /* CPUID leaf 0x80000007 exists */
	bool invariant_tsc;          /* CPUID.80000007H:EDX[8] */

	/* Decided by wcb_platform_classify() from the fields above. */
	const char *hv_name;         /* static: "KVM", "QEMU TCG", ...; NULL: none seen */
	bool virtualized;            /* some evidence of a hypervisor */
	bool emulator;               /* an emulator that ignores memory types (TCG) */
};

/* Read everything from the CPU, sysfs and DMI, then classify. */
void wcb_platform_probe(struct wcb_platform *p);
/* Set hv_name, virtualized and emulator from the raw fields (pure). */
void wcb_platform_classify(struct wcb_platform *p);
/* Name of a CPUID hypervisor signature, NULL when unknown (pure). */
const char *wcb_hypervisor_name(const char *signature);
/* One line: "QEMU TCG (CPUID 0x40000000 \"TCGTCGTCGTCG\"; DMI QEMU ...)" or
 * "none seen (...)". */
void wcb_platform_where(const struct wcb_platform *p, char *buf, size_t size);

/* ---- the time stamp counter ---- */

struct wcb_tsc {
	double hz;                   /* counts per second */
	double calib_ms;             /* length of the calibration */
	const char *counter;         /* "rdtsc", or "clock_gettime" off x86 */
};

/* Calibrate the counter against CLOCK_MONOTONIC over about ms
 * milliseconds. 0, or -errno when the clock fails. */
int wcb_tsc_calibrate(struct wcb_tsc *t, unsigned int ms);

/* ---- the target ---- */

struct wcb_target {
	enum wcb_target_kind kind;
	char name[WCB_TEXT_MAX];     /* what was mapped, for people */
	uint8_t *base;               /* window start: WCB_WINDOW_BYTES usable */
	bool is_wc;                  /* obtained write-combining: flush doorbells */

	/* The memory type: what was asked, what the mapping got and what the
	 * kernel's PAT list says (libvfiowc's report, or its equivalent). */
	const char *asked;           /* "wb", "uc", "wc" */
	const char *obtained;
	const char *method;          /* "anonymous", "uapi", "vfio-mmap", "sysfs-wc", "sysfs" */
	const char *verified;        /* a libvfiowc memory-type name */
	bool verified_known;         /* verified names a real type */
	bool mismatch;
	char reason[WCB_TEXT_MAX];   /* why earlier methods were not used */
	char detail[WCB_TEXT_MAX];   /* what the verification saw */

	/* sysfs targets: where the verification looks. */
	char sysfs_bdf[32];          /* the device's address, from the path */
	unsigned int bar;
	uint64_t offset;

	/* What to undo. */
	void *map_addr;
	size_t map_len;
	struct vfiowc_dev *dev;
	struct vfiowc_mapping vm;
	bool vfio_mapped;
};

/* Map the target the options name. 0, or -1 with a message in err. */
int wcb_target_open(struct wcb_target *t, const struct wcb_options *o, char *err, size_t size);
/* Read the memory type again after the target was written: some kernels
 * reserve a user mapping's type only at its first fault. */
void wcb_target_verify(struct wcb_target *t);
void wcb_target_close(struct wcb_target *t);

/* ---- measurements ---- */

struct wcb_stats {
	double min, median, p99;
};

/* Sort n samples in place and summarise them. n >= 1. p99 is the
 * nearest-rank 99th percentile: with fewer than 100 samples, the largest. */
void wcb_stats_compute(double *samples, unsigned int n, struct wcb_stats *s);

struct wcb_row {
	enum wcb_pattern pattern;
	enum wc_store_variant store;   /* not used by WCB_PAT_DOORBELL */
	bool fence;
	unsigned int entry_bytes;      /* 0 doorbell, 64 line, 128/256 burst */
	unsigned int burst;            /* entries per doorbell; 0 doorbell, 1 line */
	struct wcb_stats cycles;       /* counter ticks per operation */
};

/* Per doorbell (doorbell and burst rows) and per entry (line and burst
 * rows): false when the row has none. */
bool wcb_row_has_doorbell(const struct wcb_row *r);
bool wcb_row_has_entries(const struct wcb_row *r);
unsigned int wcb_row_entries(const struct wcb_row *r);

struct wcb_results {
	struct wcb_row *rows;
	unsigned int nb_rows;
	bool store_run[WC_STORE_VARIANT_COUNT];        /* measured */
	const char *store_skipped[WC_STORE_VARIANT_COUNT];   /* asked, not runnable: why */
	int cpu_first, cpu_last;       /* sched_getcpu() before and after */
};

/* Run every row the options ask for. 0, or -1 with a message in err. */
int wcb_run(const struct wcb_options *o, const struct wcb_target *t, struct wcb_results *res,
	    char *err, size_t size);
void wcb_results_free(struct wcb_results *res);

/* ---- warnings ---- */

struct wcb_warnings {
	char text[WCB_MAX_WARNINGS][WCB_TEXT_MAX];
	unsigned int n;
};

/* Everything that makes the figures mean less than they seem to (pure). */
void wcb_warnings_collect(const struct wcb_platform *p, const struct wcb_target *t,
			  const struct wcb_results *res, struct wcb_warnings *w);

/* ---- output ---- */

struct wcb_report {
	const struct wcb_options *opts;
	const struct wcb_platform *platform;
	const struct wcb_tsc *tsc;
	const struct wcb_target *target;
	const struct wcb_results *results;
	const struct wcb_warnings *warnings;
};

/* Counter ticks to nanoseconds. */
double wcb_ns(const struct wcb_report *r, double ticks);
/* "store" column: the variant's name, "-" for doorbell rows. */
const char *wcb_row_store(const struct wcb_row *r);

void wcb_report_table(FILE *f, const struct wcb_report *r);
void wcb_report_csv(FILE *f, const struct wcb_report *r);
void wcb_report_json(FILE *f, const struct wcb_report *r);

/* ---- plot ---- */

/* Whether gnuplot can be started; *why when not. */
bool wcb_plot_available(const char **why);
/* A PNG of the burst rows: burst size against ns per entry, one line per
 * store variant and entry size. 0, or -1 with a message in err. */
int wcb_plot_write(const struct wcb_report *r, const char *png, char *err, size_t size);

#endif /* WCBENCH_H */

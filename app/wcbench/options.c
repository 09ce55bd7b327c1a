/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wcbench's command line. Every option is documented in usage(); a bad
 * one is named in the error together with what it accepts, and gives exit
 * status 2.
 */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parse_num.h"
#include "wcbench.h"

#define DEFAULT_RUNS        101u   /* enough samples for a 99th percentile */
#define DEFAULT_ITERATIONS  100u
#define MAX_RUNS            1000000u
#define MAX_ITERATIONS      100000000u

static const char *const pattern_names[WCB_PAT_COUNT] = {
	[WCB_PAT_DOORBELL] = "doorbell",
	[WCB_PAT_LINE] = "line",
	[WCB_PAT_BURST] = "burst",
};

const char *wcb_pattern_name(enum wcb_pattern p)
{
	return (unsigned int)p < WCB_PAT_COUNT ? pattern_names[p] : "?";
}

const char *wcb_format_name(enum wcb_format f)
{
	switch (f) {
	case WCB_FMT_TABLE: return "table";
	case WCB_FMT_CSV: return "csv";
	case WCB_FMT_JSON: return "json";
	}
	return "?";
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: wcbench [options]\n"
		"Time doorbell stores and TX entry pushes on a memory mapping, and say\n"
		"where the figures were taken (CPU, hypervisor, memory type).\n"
		"\n"
		"Target (default: anonymous write-back memory, no root needed):\n"
		"  --vfio BDF            a BAR of the PCI device BDF (bound to vfio-pci),\n"
		"                        mapped through libvfiowc\n"
		"  --region N            the VFIO region (BAR) index (default %u, wcnic's BAR)\n"
		"  --attr uc|wc          memory type to ask libvfiowc for (default wc)\n"
		"  --allow-sysfs-wc      let libvfiowc fall back to sysfs resourceN_wc\n"
		"  --sysfs FILE          a sysfs resource file instead:\n"
		"                        /sys/bus/pci/devices/BDF/resourceN or resourceN_wc\n"
		"  --offset N            start of the window in the region or file\n"
		"                        (page-aligned; default 0). The window is %u KiB:\n"
		"                        doorbell at +0x%x, push ring at +0x%x\n"
		"\n"
		"What to time:\n"
		"  --pattern LIST        doorbell,line,burst (default: all three)\n"
		"  --store LIST          store variants for lines and bursts:\n"
		"                        u64,sse2,avx2,avx512,movdir64b or all (default all;\n"
		"                        variants this CPU lacks are skipped, with the reason)\n"
		"  --burst LIST          entries per doorbell, 1..%u (default 1,8,32,64)\n"
		"  --entry-size LIST     push entry bytes, 128 and/or 256 (default 128,256)\n"
		"  --doorbell-bytes 4|8  width of the doorbell store (default 4: wcnic's\n"
		"                        doorbell is a u32)\n"
		"\n"
		"How long:\n"
		"  --runs N              samples per row: min, median, p99 over them\n"
		"                        (default %u)\n"
		"  --iterations N        operations timed together in one sample (default %u)\n"
		"  --cpu N               pin to CPU N (default: not pinned)\n"
		"\n"
		"Output:\n"
		"  --format table|csv|json\n"
		"                        output (default table); with csv and json the\n"
		"                        warnings go to stderr (json also lists them)\n"
		"  --plot FILE.png       also write a PNG of the burst sweep (burst size\n"
		"                        against ns per entry) with gnuplot\n"
		"  -h, --help            this text\n"
		"\n"
		"Exit status: 0 done, 1 the target or the plot failed, 2 bad usage.\n",
		WCNIC_IVSHMEM_BAR, WCB_WINDOW_BYTES / 1024, WCB_DOORBELL_OFF, WCB_RING_OFF,
		WCB_BURST_MAX, DEFAULT_RUNS, DEFAULT_ITERATIONS);
}

/* A bad option: name it, say what it accepts. Returns 2. */
static int bad(FILE *err, const char *option, const char *value, const char *accepted)
{
	if (value != NULL)
		fprintf(err, "wcbench: %s: '%s' is not accepted: %s\n", option, value, accepted);
	else
		fprintf(err, "wcbench: %s: %s\n", option, accepted);
	fprintf(err, "Try 'wcbench --help'.\n");
	return 2;
}

/* Decimal number in [min, max], nothing else. */
static bool parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *v)
{
	uint64_t n;

	if (!parse_uint64(s, 10, &n) || n < min || n > max)
		return false;
	*v = (unsigned long)n;
	return true;
}

/*
 * Split a comma-separated list and hand each item to one(item, ctx).
 * A list with an empty item ("1,,8", "") is refused.
 */
static bool for_each_item(const char *list, bool (*one)(const char *item, void *ctx), void *ctx)
{
	char item[64];
	const char *p = list;

	for (;;) {
		size_t len = strcspn(p, ",");

		if (len == 0 || len >= sizeof(item))
			return false;
		memcpy(item, p, len);
		item[len] = '\0';
		if (!one(item, ctx))
			return false;
		if (p[len] == '\0')
			return true;
		p += len + 1;
	}
}

static bool one_pattern(const char *item, void *ctx)
{
	struct wcb_options *o = ctx;

	for (unsigned int i = 0; i < WCB_PAT_COUNT; i++) {
		if (strcmp(item, pattern_names[i]) == 0) {
			o->patterns[i] = true;
			return true;
		}
	}
	return false;
}

static bool one_store(const char *item, void *ctx)
{
	struct wcb_options *o = ctx;
	enum wc_store_variant v;

	if (strcmp(item, "all") == 0) {
		for (unsigned int i = 0; i < WC_STORE_VARIANT_COUNT; i++)
			o->stores[i] = true;
		return true;
	}
	if (wc_store_variant_from_name(item, &v) != 0)
		return false;
	o->stores[v] = true;
	return true;
}

static bool one_burst(const char *item, void *ctx)
{
	struct wcb_options *o = ctx;
	unsigned long n;

	if (!parse_uint(item, 1, WCB_BURST_MAX, &n) || o->nb_bursts == WCB_MAX_BURSTS)
		return false;
	for (unsigned int i = 0; i < o->nb_bursts; i++)
		if (o->bursts[i] == n)
			return true;
	o->bursts[o->nb_bursts++] = (unsigned int)n;
	return true;
}

static bool one_entry_size(const char *item, void *ctx)
{
	struct wcb_options *o = ctx;
	unsigned int size;

	if (strcmp(item, "128") == 0)
		size = WCNIC_PUSH_ENTRY_128;
	else if (strcmp(item, "256") == 0)
		size = WCNIC_PUSH_ENTRY_256;
	else
		return false;
	for (unsigned int i = 0; i < o->nb_entry_sizes; i++)
		if (o->entry_sizes[i] == size)
			return true;
	o->entry_sizes[o->nb_entry_sizes++] = size;
	return true;
}

static void set_defaults(struct wcb_options *o)
{
	static const unsigned int bursts[] = { 1, 8, 32, 64 };

	*o = (struct wcb_options){
		.target = WCB_TARGET_ANON,
		.region = WCNIC_IVSHMEM_BAR,
		.attr = VFIOWC_ATTR_WC,
		.doorbell_bytes = 4,
		.runs = DEFAULT_RUNS,
		.iterations = DEFAULT_ITERATIONS,
		.cpu = -1,
		.format = WCB_FMT_TABLE,
	};
	for (unsigned int i = 0; i < sizeof(bursts) / sizeof(bursts[0]); i++)
		o->bursts[o->nb_bursts++] = bursts[i];
	o->entry_sizes[o->nb_entry_sizes++] = WCNIC_PUSH_ENTRY_128;
	o->entry_sizes[o->nb_entry_sizes++] = WCNIC_PUSH_ENTRY_256;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && strcmp(s + n - m, suffix) == 0;
}

/* Combinations that each option alone cannot judge. */
static int check_together(const struct wcb_options *o, const char *vfio_only, bool offset_set,
			  FILE *err)
{
	bool any_store = false, any_pattern = false;

	if (o->bdf != NULL && o->sysfs_path != NULL)
		return bad(err, "--vfio", NULL, "cannot be combined with --sysfs: pick one target");
	if (vfio_only != NULL && o->bdf == NULL)
		return bad(err, vfio_only, NULL, "only applies to a VFIO target: add --vfio BDF");
	if (offset_set && o->target == WCB_TARGET_ANON)
		return bad(err, "--offset", NULL, "only applies to --vfio or --sysfs targets");
	for (unsigned int i = 0; i < WCB_PAT_COUNT; i++)
		any_pattern |= o->patterns[i];
	for (unsigned int i = 0; i < WC_STORE_VARIANT_COUNT; i++)
		any_store |= o->stores[i];
	if (!any_pattern)
		return bad(err, "--pattern", NULL, "no pattern selected");
	if (!any_store)
		return bad(err, "--store", NULL, "no store variant selected");
	if (o->plot != NULL && !o->patterns[WCB_PAT_BURST])
		return bad(err, "--plot", NULL,
			   "plots the burst sweep: --pattern must include burst");
	return 0;
}

int wcb_options_parse(int argc, char **argv, struct wcb_options *o, FILE *out, FILE *err)
{
	enum { O_VFIO = 256, O_REGION, O_ATTR, O_SYSFS_WC, O_SYSFS, O_OFFSET, O_PATTERN, O_STORE,
	       O_BURST, O_ENTRY, O_DB_BYTES, O_RUNS, O_ITER, O_CPU, O_FORMAT, O_PLOT };
	static const struct option longopts[] = {
		{ "vfio", required_argument, NULL, O_VFIO },
		{ "region", required_argument, NULL, O_REGION },
		{ "attr", required_argument, NULL, O_ATTR },
		{ "allow-sysfs-wc", no_argument, NULL, O_SYSFS_WC },
		{ "sysfs", required_argument, NULL, O_SYSFS },
		{ "offset", required_argument, NULL, O_OFFSET },
		{ "pattern", required_argument, NULL, O_PATTERN },
		{ "store", required_argument, NULL, O_STORE },
		{ "burst", required_argument, NULL, O_BURST },
		{ "entry-size", required_argument, NULL, O_ENTRY },
		{ "doorbell-bytes", required_argument, NULL, O_DB_BYTES },
		{ "runs", required_argument, NULL, O_RUNS },
		{ "iterations", required_argument, NULL, O_ITER },
		{ "cpu", required_argument, NULL, O_CPU },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "plot", required_argument, NULL, O_PLOT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool patterns_set = false, stores_set = false, offset_set = false;
	bool bursts_set = false, sizes_set = false;
	const char *vfio_only = NULL;   /* an option that needs --vfio */
	unsigned long n;
	int opt;

	set_defaults(o);
	opterr = 0;   /* the messages below name the option and what it takes */
	optind = 1;
	while ((opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		/* The option just read, for the two errors getopt detects. */
		const char *name = argv[optind - 1];

		switch (opt) {
		case O_VFIO:
			o->target = WCB_TARGET_VFIO;
			o->bdf = optarg;
			break;
		case O_REGION:
			vfio_only = "--region";
			if (!parse_uint(optarg, 0, UINT32_MAX, &n))
				return bad(err, "--region", optarg,
					   "a region index (0, 1, 2, ...)");
			o->region = (unsigned int)n;
			break;
		case O_ATTR:
			vfio_only = "--attr";
			if (strcmp(optarg, "uc") == 0)
				o->attr = VFIOWC_ATTR_UC;
			else if (strcmp(optarg, "wc") == 0)
				o->attr = VFIOWC_ATTR_WC;
			else
				return bad(err, "--attr", optarg, "uc or wc");
			break;
		case O_SYSFS_WC:
			vfio_only = "--allow-sysfs-wc";
			o->allow_sysfs_wc = true;
			break;
		case O_SYSFS:
			o->target = WCB_TARGET_SYSFS;
			o->sysfs_path = optarg;
			break;
		case O_OFFSET:
			offset_set = true;
			if (!parse_uint64(optarg, 0, &o->offset) ||
			    o->offset % (uint64_t)sysconf(_SC_PAGESIZE) != 0)
				return bad(err, "--offset", optarg,
					   "a page-aligned byte offset (0, 0x10000, ...)");
			break;
		case O_PATTERN:
			if (!patterns_set)
				memset(o->patterns, 0, sizeof(o->patterns));
			patterns_set = true;
			if (!for_each_item(optarg, one_pattern, o))
				return bad(err, "--pattern", optarg,
					   "a comma-separated list of doorbell, line, burst");
			break;
		case O_STORE:
			if (!stores_set)
				memset(o->stores, 0, sizeof(o->stores));
			stores_set = true;
			if (!for_each_item(optarg, one_store, o))
				return bad(err, "--store", optarg,
					   "all, or a comma-separated list of u64, sse2, avx2, "
					   "avx512, movdir64b");
			break;
		case O_BURST:
			if (!bursts_set)
				o->nb_bursts = 0;
			bursts_set = true;
			if (!for_each_item(optarg, one_burst, o)) {
				char what[96];

				snprintf(what, sizeof(what),
					 "a comma-separated list of at most %u numbers 1..%u",
					 WCB_MAX_BURSTS, WCB_BURST_MAX);
				return bad(err, "--burst", optarg, what);
			}
			break;
		case O_ENTRY:
			if (!sizes_set)
				o->nb_entry_sizes = 0;
			sizes_set = true;
			if (!for_each_item(optarg, one_entry_size, o))
				return bad(err, "--entry-size", optarg,
					   "128, 256 or 128,256 (wcnic's push entry sizes)");
			break;
		case O_DB_BYTES:
			if (strcmp(optarg, "4") != 0 && strcmp(optarg, "8") != 0)
				return bad(err, "--doorbell-bytes", optarg, "4 or 8");
			o->doorbell_bytes = (unsigned int)(optarg[0] - '0');
			break;
		case O_RUNS:
			if (!parse_uint(optarg, 1, MAX_RUNS, &n))
				return bad(err, "--runs", optarg, "a number 1..1000000");
			o->runs = (unsigned int)n;
			break;
		case O_ITER:
			if (!parse_uint(optarg, 1, MAX_ITERATIONS, &n))
				return bad(err, "--iterations", optarg, "a number 1..100000000");
			o->iterations = (unsigned int)n;
			break;
		case O_CPU:
			if (!parse_uint(optarg, 0, CPU_SETSIZE - 1, &n))
				return bad(err, "--cpu", optarg, "a CPU number (0, 1, ...)");
			o->cpu = (int)n;
			break;
		case O_FORMAT:
			if (strcmp(optarg, "table") == 0)
				o->format = WCB_FMT_TABLE;
			else if (strcmp(optarg, "csv") == 0)
				o->format = WCB_FMT_CSV;
			else if (strcmp(optarg, "json") == 0)
				o->format = WCB_FMT_JSON;
			else
				return bad(err, "--format", optarg, "table, csv or json");
			break;
		case O_PLOT:
			if (!ends_with(optarg, ".png"))
				return bad(err, "--plot", optarg, "a file name ending in .png");
			o->plot = optarg;
			break;
		case 'h':
			usage(out);
			return 1;
		case ':':
			return bad(err, name, NULL, "needs a value");
		default:
			if (optopt > 0 && optopt < 256) {   /* an unknown short option */
				char shortopt[3] = { '-', (char)optopt, '\0' };

				return bad(err, shortopt, NULL, "unknown option");
			}
			return bad(err, name, NULL, "unknown option");
		}
	}
	if (optind < argc)
		return bad(err, argv[optind], NULL,
			   "unexpected argument: wcbench takes only options");
	if (!patterns_set)
		for (unsigned int i = 0; i < WCB_PAT_COUNT; i++)
			o->patterns[i] = true;
	if (!stores_set)
		one_store("all", o);
	return check_together(o, vfio_only, offset_set, err);
}

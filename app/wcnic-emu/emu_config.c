/* SPDX-License-Identifier: BSD-3-Clause */
/* wcnic-emu's command line and environment: see emu_config.h. */
#include <ctype.h>
#include <getopt.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu_config.h"
#include "parse_num.h"

#define PROG "wcnic-emu"

/* Longest interface name Linux accepts (IFNAMSIZ - 1). */
#define TAP_NAME_MAX 15u

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " [options]\n"
		"Plays the wcnic device behind a QEMU ivshmem-plain BAR: maps the BAR file and the\n"
		"guest's RAM file (q35 layout) and serves the guest's driver until SIGINT/SIGTERM.\n"
		"\n"
		"Files (an option wins over the guest bench's variable):\n"
		"  --bar PATH           the ivshmem BAR file (WCNIC_GUEST_BAR); at least %u bytes\n"
		"  --ram PATH           the guest RAM file (WCNIC_GUEST_RAM)\n"
		"  --ram-size SIZE      guest RAM bytes, as QEMU's -m (WCNIC_GUEST_RAM_SIZE;\n"
		"                       default: the file's size); suffixes K, M, G, T\n"
		"  --ready-file PATH    created once the device is ready (WCNIC_GUEST_READY),\n"
		"                       removed at exit\n"
		"  --stats-json PATH    counters as JSON, written at exit and on SIGUSR1\n"
		"\n"
		"The wire:\n"
		"  --backend NAME       sink (default): TX checked as IPv4/UDP and dropped, no RX;\n"
		"                       loopback: TX of queue q received on queue q;\n"
		"                       gen: RX filled with generated UDP frames, TX as sink;\n"
		"                       tap: bridge to a Linux TAP interface (needs --tap)\n"
		"  --tap NAME           the TAP interface (implies --backend tap): guest TX is\n"
		"                       written to it, frames read from it are received on\n"
		"                       queue 0. Creating an interface needs CAP_NET_ADMIN; an\n"
		"                       existing one made with 'ip tuntap add dev NAME mode tap\n"
		"                       user USER' needs none\n"
		"\n"
		"Device parameters (what the registers report):\n"
		"  --queues N           queue pairs offered, 1..%u (default %u)\n"
		"  --tx-burst-max N     TX entries one doorbell may announce, 1..%u (default 64)\n"
		"  --max-mtu N          largest MTU, %u..%u (default 9000); also --mtu\n"
		"  --max-ring-size N    largest host ring, power of two %u..%u (default 4096)\n"
		"  --gen-frame-len N    gen back end frame bytes, %u..%u (default 64)\n"
		"  --link-speed N       Mbit/s reported (default 100000)\n"
		"  --features MASK      WCNIC_F_* bits offered, a subset of 0x%" PRIx64 " (default all)\n"
		"  --mac MAC            MAC address after reset (default 02:77:63:6e:69:63)\n"
		"\n"
		"  --quiet              print errors only\n"
		"  --verbose            also print the memory layout and back end events\n"
		"  --help, --version\n"
		"\n"
		"Exit status: 0 stopped by SIGINT/SIGTERM, 1 could not start (or write the\n"
		"stats), 2 bad option.\n",
		WCNIC_BAR_MIN_SIZE, WCNIC_MAX_QUEUES, WCNIC_MAX_QUEUES, WCNIC_MAX_RING_SIZE,
		WCNIC_MIN_MTU, WCNIC_MODEL_MAX_MTU, WCNIC_MIN_RING_SIZE, WCNIC_MAX_RING_SIZE,
		WCNIC_MODEL_GEN_MIN_LEN, WCNIC_MAX_FRAME_LEN, (uint64_t)WCNIC_MODEL_ALL_FEATURES);
}

/* A byte count with an optional binary suffix K, M, G or T (either case). */
static bool parse_size(const char *s, uint64_t *v)
{
	static const char suffixes[] = "KMGT";
	size_t len = strlen(s);
	const char *sfx = len != 0 ? strchr(suffixes, toupper((unsigned char)s[len - 1])) : NULL;
	unsigned int shift = 0;
	char num[32];

	if (len == 0 || len >= sizeof(num))
		return false;
	memcpy(num, s, len + 1);
	if (sfx != NULL && *sfx != '\0') {
		shift = 10u * (unsigned int)(sfx - suffixes + 1);
		num[len - 1] = '\0';
	}
	if (!parse_uint64(num, 0, v) || (shift != 0 && *v > (UINT64_MAX >> shift)))
		return false;
	*v <<= shift;
	return true;
}

/* Six hex pairs separated by colons, nothing else. */
static bool parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int i;

	if (strlen(s) != 17)
		return false;
	for (i = 0; i < 17; i++)
		if (i % 3 == 2 ? s[i] != ':' : !isxdigit((unsigned char)s[i]))
			return false;
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)strtoul(s + 3 * i, NULL, 16);
	return true;
}

enum {
	O_BAR = 256, O_RAM, O_RAM_SIZE, O_READY, O_STATS, O_BACKEND, O_TAP, O_QUEUES,
	O_BURST, O_MTU, O_RING, O_GEN_LEN, O_SPEED, O_FEATURES, O_MAC, O_QUIET, O_VERBOSE,
	O_VERSION,
};

/* The 32-bit device parameters: option, field, inclusive range. */
static const struct num_opt {
	int id;
	const char *name;
	size_t field;
	uint32_t min, max;
	bool pow2;
} num_opts[] = {
	{ O_QUEUES, "--queues", offsetof(struct wcnic_model_params, max_queues),
	  1, WCNIC_MAX_QUEUES, false },
	{ O_BURST, "--tx-burst-max", offsetof(struct wcnic_model_params, tx_burst_max),
	  1, WCNIC_MAX_RING_SIZE, false },
	{ O_MTU, "--max-mtu", offsetof(struct wcnic_model_params, max_mtu),
	  WCNIC_MIN_MTU, WCNIC_MODEL_MAX_MTU, false },
	{ O_RING, "--max-ring-size", offsetof(struct wcnic_model_params, max_ring_size),
	  WCNIC_MIN_RING_SIZE, WCNIC_MAX_RING_SIZE, true },
	{ O_GEN_LEN, "--gen-frame-len", offsetof(struct wcnic_model_params, gen_frame_len),
	  WCNIC_MODEL_GEN_MIN_LEN, WCNIC_MAX_FRAME_LEN, false },
	{ O_SPEED, "--link-speed", offsetof(struct wcnic_model_params, link_speed),
	  0, UINT32_MAX, false },
};

static int bad(const char *what, const char *value, const char *expected)
{
	fprintf(stderr, PROG ": %s: '%s' is not %s\n", what, value, expected);
	return EMU_EXIT_USAGE;
}

static int set_num(struct wcnic_model_params *p, int id, const char *arg)
{
	const struct num_opt *o = num_opts;
	uint64_t v;

	while (o->id != id)
		o++;
	if (!parse_uint64(arg, 0, &v))
		return bad(o->name, arg, "a number");
	if (v < o->min || v > o->max || (o->pow2 && (v & (v - 1)) != 0)) {
		fprintf(stderr, PROG ": %s: %" PRIu64 " is out of range (%s%u..%u)\n", o->name, v,
			o->pow2 ? "a power of two, " : "", o->min, o->max);
		return EMU_EXIT_USAGE;
	}
	*(uint32_t *)(void *)((char *)p + o->field) = (uint32_t)v;
	return 0;
}

/* --backend NAME; "tap" is the model's external back end. */
static int set_backend(struct emu_config *c, const char *arg, bool *tap)
{
	*tap = strcmp(arg, "tap") == 0;
	if (*tap || wcnic_backend_from_name(arg, &c->params.backend) == 0)
		return 0;
	return bad("--backend", arg, "sink, loopback, gen or tap");
}

/* Options not given come from the guest bench's environment. */
static int from_environment(struct emu_config *c, bool ram_size_given)
{
	const char *v;

	if (c->bar_path == NULL)
		c->bar_path = getenv("WCNIC_GUEST_BAR");
	if (c->ram_path == NULL)
		c->ram_path = getenv("WCNIC_GUEST_RAM");
	if (c->ready_path == NULL)
		c->ready_path = getenv("WCNIC_GUEST_READY");
	v = getenv("WCNIC_GUEST_RAM_SIZE");
	if (!ram_size_given && v != NULL && (!parse_size(v, &c->ram_size) || c->ram_size == 0))
		return bad("WCNIC_GUEST_RAM_SIZE", v, "a size in bytes");
	if (c->bar_path == NULL || *c->bar_path == '\0') {
		fprintf(stderr, PROG ": no BAR file: give --bar PATH (or set WCNIC_GUEST_BAR)\n");
		return EMU_EXIT_USAGE;
	}
	if (c->ram_path == NULL || *c->ram_path == '\0') {
		fprintf(stderr, PROG ": no guest RAM file: give --ram PATH (or set "
			"WCNIC_GUEST_RAM)\n");
		return EMU_EXIT_USAGE;
	}
	return 0;
}

int emu_config_parse(int argc, char **argv, struct emu_config *c)
{
	static const struct option longopts[] = {
		{ "bar", required_argument, NULL, O_BAR },
		{ "ram", required_argument, NULL, O_RAM },
		{ "ram-size", required_argument, NULL, O_RAM_SIZE },
		{ "ready-file", required_argument, NULL, O_READY },
		{ "stats-json", required_argument, NULL, O_STATS },
		{ "backend", required_argument, NULL, O_BACKEND },
		{ "tap", required_argument, NULL, O_TAP },
		{ "queues", required_argument, NULL, O_QUEUES },
		{ "tx-burst-max", required_argument, NULL, O_BURST },
		{ "max-mtu", required_argument, NULL, O_MTU },
		{ "mtu", required_argument, NULL, O_MTU },
		{ "max-ring-size", required_argument, NULL, O_RING },
		{ "gen-frame-len", required_argument, NULL, O_GEN_LEN },
		{ "link-speed", required_argument, NULL, O_SPEED },
		{ "features", required_argument, NULL, O_FEATURES },
		{ "mac", required_argument, NULL, O_MAC },
		{ "quiet", no_argument, NULL, O_QUIET },
		{ "verbose", no_argument, NULL, O_VERBOSE },
		{ "version", no_argument, NULL, O_VERSION },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool backend_tap = false, backend_given = false, ram_size_given = false;
	bool quiet = false, verbose = false;
	int opt, ret = 0;

	memset(c, 0, sizeof(*c));
	wcnic_model_params_init(&c->params);
	c->verbosity = EMU_NORMAL;
	opterr = 0;  /* the messages below name the option */
	while (ret == 0 && (opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (opt) {
		case O_BAR: c->bar_path = optarg; break;
		case O_RAM: c->ram_path = optarg; break;
		case O_READY: c->ready_path = optarg; break;
		case O_STATS: c->stats_path = optarg; break;
		case O_RAM_SIZE:
			ram_size_given = true;
			if (!parse_size(optarg, &c->ram_size) || c->ram_size == 0)
				ret = bad("--ram-size", optarg, "a size in bytes (K, M, G, T allowed)");
			break;
		case O_BACKEND:
			backend_given = true;
			ret = set_backend(c, optarg, &backend_tap);
			break;
		case O_TAP:
			c->tap_name = optarg;
			if (*optarg == '\0' || strlen(optarg) > TAP_NAME_MAX || strchr(optarg, '/') ||
			    strchr(optarg, ' '))
				ret = bad("--tap", optarg, "an interface name (1..15 characters)");
			break;
		case O_FEATURES: {
			uint64_t f;

			if (!parse_uint64(optarg, 0, &f) || (f & ~(uint64_t)WCNIC_MODEL_ALL_FEATURES) != 0)
				ret = bad("--features", optarg, "a subset of the WCNIC_F_* bits (see --help)");
			else
				c->params.dev_features = f;
			break;
		}
		case O_MAC:
			if (!parse_mac(optarg, c->params.mac))
				ret = bad("--mac", optarg, "a MAC address like 02:00:00:00:00:01");
			break;
		case O_QUIET: quiet = true; break;
		case O_VERBOSE: verbose = true; break;
		case O_VERSION: printf(PROG " (wcnic device interface %u.%u)\n",
				       WCNIC_VERSION_MAJOR, WCNIC_VERSION_MINOR); return -1;
		case 'h': usage(stdout); return -1;
		case ':':
			fprintf(stderr, PROG ": %s needs a value (see --help)\n", argv[optind - 1]);
			return EMU_EXIT_USAGE;
		case '?':
			fprintf(stderr, PROG ": unknown option '%s' (see --help)\n", argv[optind - 1]);
			return EMU_EXIT_USAGE;
		default:
			ret = set_num(&c->params, opt, optarg);
			break;
		}
	}
	if (ret != 0)
		return ret;
	if (optind < argc) {
		fprintf(stderr, PROG ": unexpected argument '%s' (see --help)\n", argv[optind]);
		return EMU_EXIT_USAGE;
	}
	if (quiet && verbose) {
		fprintf(stderr, PROG ": --quiet and --verbose exclude each other\n");
		return EMU_EXIT_USAGE;
	}
	c->verbosity = quiet ? EMU_QUIET : verbose ? EMU_VERBOSE : EMU_NORMAL;
	if (backend_given && !backend_tap && c->tap_name != NULL) {
		fprintf(stderr, PROG ": --tap %s needs --backend tap, not --backend %s\n",
			c->tap_name, wcnic_backend_name(c->params.backend));
		return EMU_EXIT_USAGE;
	}
	if (backend_tap && c->tap_name == NULL) {
		fprintf(stderr, PROG ": --backend tap needs --tap NAME\n");
		return EMU_EXIT_USAGE;
	}
	if (c->tap_name != NULL)
		c->params.backend = WCNIC_BACKEND_EXTERNAL;
	return from_environment(c, ram_size_given);
}

const char *emu_backend_name(const struct emu_config *c)
{
	return c->tap_name != NULL ? "tap" : wcnic_backend_name(c->params.backend);
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wcnic-emu's configuration: command-line options, and the guest bench's
 * environment (WCNIC_GUEST_*) for what the options leave out.
 */
#ifndef EMU_CONFIG_H
#define EMU_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "wcnic_model.h"

enum emu_verbosity { EMU_QUIET, EMU_NORMAL, EMU_VERBOSE };

struct emu_config {
	const char *bar_path;
	const char *ram_path;
	uint64_t ram_size;          /* 0: the RAM file's size */
	const char *tap_name;       /* back end tap: the interface; else NULL */
	const char *ready_path;     /* NULL: none */
	const char *stats_path;     /* NULL: none */
	enum emu_verbosity verbosity;
	struct wcnic_model_params params;  /* backend EXTERNAL for tap */
};

/* Exit statuses of wcnic-emu. */
#define EMU_EXIT_OK     0
#define EMU_EXIT_FAIL   1  /* could not start, or could not write the stats */
#define EMU_EXIT_USAGE  2  /* bad option or environment value */

/*
 * Fill c from argv and the environment. Returns 0 to run, EMU_EXIT_USAGE
 * after printing why on stderr, or -1 when --help or --version was
 * printed (exit 0).
 */
int emu_config_parse(int argc, char **argv, struct emu_config *c);

/* The back end's name as the user gives it: sink, loopback, gen or tap. */
const char *emu_backend_name(const struct emu_config *c);

#endif /* EMU_CONFIG_H */

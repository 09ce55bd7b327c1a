/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Minimal checking for unit tests: a failed CHECK prints where
 * and why, and the test keeps going so that one run reports every failure;
 * check_exit_code() turns the tally into the process exit status.
 */
#ifndef UNIT_CHECK_H
#define UNIT_CHECK_H

#include <stdio.h>

/* Exit status meson reports as "skipped". */
#define EXIT_SKIP 77

static unsigned int check_failures;

#define CHECK(cond, ...)                                                      \
	do {                                                                  \
		if (!(cond)) {                                                \
			fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, \
				#cond);                                       \
			fprintf(stderr, __VA_ARGS__);                         \
			fputc('\n', stderr);                                  \
			check_failures++;                                     \
		}                                                             \
	} while (0)

static inline int check_exit_code(const char *test)
{
	if (check_failures != 0) {
		fprintf(stderr, "%s: %u check(s) failed\n", test, check_failures);
		return 1;
	}
	printf("%s: all checks passed\n", test);
	return 0;
}

#endif /* UNIT_CHECK_H */

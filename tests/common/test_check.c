/* SPDX-License-Identifier: BSD-3-Clause */
/* The checks every C test uses: see test_check.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "test_check.h"

unsigned int test_failures;
static unsigned int checks;
static unsigned int tests_passed, tests_failed;
/* Where a failed REQUIRE goes inside test_run(); NULL outside. */
static jmp_buf *test_jump;
static void (*cleanup_fn)(void *);
static void *cleanup_arg;

void test_on_require(void (*fn)(void *), void *arg)
{
	cleanup_fn = fn;
	cleanup_arg = arg;
}

void test_check_passed(void)
{
	__atomic_fetch_add(&checks, 1, __ATOMIC_RELAXED);
}

void test_check_failed(const char *file, int line, const char *cond, const char *fmt, ...)
{
	va_list ap;

	__atomic_fetch_add(&checks, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&test_failures, 1, __ATOMIC_RELAXED);
	/* What the test printed so far comes first, whatever collects both. */
	fflush(stdout);
	fprintf(stderr, "FAIL %s:%d: %s: ", file, line, cond);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void test_end(void)
{
	void (*fn)(void *) = cleanup_fn;

	cleanup_fn = NULL;
	if (fn != NULL)
		fn(cleanup_arg);
	if (test_jump != NULL) {
		fprintf(stderr, "     (required: the test ends here)\n");
		longjmp(*test_jump, 1);
	}
	fprintf(stderr, "%s: required check failed, stopping (%u failure(s))\n",
		program_invocation_short_name, test_failures);
	exit(1);
}

void test_run(const char *name, void (*fn)(void))
{
	unsigned int before = test_failures;
	jmp_buf jump;

	test_jump = &jump;
	if (setjmp(jump) == 0)
		fn();
	test_jump = NULL;
	cleanup_fn = NULL;
	if (test_failures == before) {
		tests_passed++;
		printf("ok   %s\n", name);
	} else {
		tests_failed++;
		printf("FAIL %s\n", name);
	}
	fflush(stdout);
}

int test_exit_status(const char *name)
{
	const char *prog = name != NULL ? name : program_invocation_short_name;

	if (tests_passed + tests_failed != 0)
		printf("%s: %u test(s) passed, %u failed\n", prog, tests_passed, tests_failed);
	if (test_failures != 0) {
		fflush(stdout);
		fprintf(stderr, "%s: %u of %u check(s) failed\n", prog, test_failures, checks);
		return 1;
	}
	printf("%s: all %u check(s) passed\n", prog, checks);
	return 0;
}

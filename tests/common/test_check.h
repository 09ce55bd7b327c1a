/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The checks every C test uses.
 *
 *   CHECK(cond, fmt, ...)    a failure is recorded (file:line, the condition,
 *                            the message) and the test goes on, so that one
 *                            run reports every failure.
 *   CHECK_EQ(a, b)           CHECK that two integers are equal, printing both.
 *   REQUIRE(cond, fmt, ...)  a failure is recorded and ends the current test:
 *                            inside test_run(), that test function (the runner
 *                            goes on with the next one); elsewhere the process,
 *                            with exit status 1. For conditions later code
 *                            depends on (a pointer it dereferences, a frame it
 *                            reads, a thread it joins). Call it only from the
 *                            thread running the test.
 *
 * A program of several test functions runs each with TEST_RUN(fn); every
 * program ends with return test_exit_status(name), which prints the
 * summary and turns the failure count into the exit status. EXIT_SKIP is
 * the exit status meson reports as skipped.
 */
#ifndef TEST_CHECK_H
#define TEST_CHECK_H

#include <stdint.h>

/* Exit status meson reports as "skipped". */
#define EXIT_SKIP 77

/* Failed CHECKs and REQUIREs so far, in the whole program. */
extern unsigned int test_failures;

/* Counts one evaluated check; records and prints a failed one. */
void test_check_failed(const char *file, int line, const char *cond, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void test_check_passed(void);
/* Ends the current test after a failed REQUIRE (see above). */
void test_end(void) __attribute__((noreturn));

#define CHECK(cond, ...)                                                           \
	do {                                                                       \
		if (cond)                                                          \
			test_check_passed();                                       \
		else                                                               \
			test_check_failed(__FILE__, __LINE__, #cond, __VA_ARGS__); \
	} while (0)

#define REQUIRE(cond, ...)                                                         \
	do {                                                                       \
		if (cond) {                                                        \
			test_check_passed();                                       \
		} else {                                                           \
			test_check_failed(__FILE__, __LINE__, #cond, __VA_ARGS__); \
			test_end();                                                \
		}                                                                  \
	} while (0)

#define CHECK_EQ(a, b)                                                             \
	CHECK((uint64_t)(a) == (uint64_t)(b), "%s = %#llx, expected %s = %#llx", #a,     \
	      (unsigned long long)(a), #b, (unsigned long long)(b))

/* What a failed REQUIRE runs before it ends the test (fn NULL: nothing),
 * e.g. stopping a thread that uses the test's memory. One at a time;
 * test_run() forgets it when the test function returns. */
void test_on_require(void (*fn)(void *), void *arg);

/* Runs one test function, prints "ok   name" or "FAIL name". */
void test_run(const char *name, void (*fn)(void));
#define TEST_RUN(fn) test_run(#fn, fn)

/* Prints the summary under name (NULL: the program's name), the tests run
 * and the checks: 0 when nothing failed, else 1. */
int test_exit_status(const char *name);

#endif /* TEST_CHECK_H */

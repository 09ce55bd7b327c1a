/* SPDX-License-Identifier: BSD-3-Clause */
/* The guest checkers' result lines, BAR accessors and ioctl (guest_check.h). */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/vfio.h>
#include <vfio_mmap_attrs.h>

#include "guest_check.h"
#include "vfiowc_priv.h"
#include "wc_barrier.h"

#define PAT_LIST "/sys/kernel/debug/x86/pat_memtype_list"

__thread bool result_quiet;
static atomic_uint failed;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

void result(const char *name, const char *status, const char *fmt, ...)
{
	va_list ap;

	if (strcmp(status, "FAIL") == 0)
		atomic_fetch_add(&failed, 1);
	else if (result_quiet && strcmp(status, "PASS") == 0)
		return;
	pthread_mutex_lock(&out_lock);
	printf("%s %s", name, status);
	if (fmt && *fmt) {
		putchar(' ');
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	}
	putchar('\n');
	fflush(stdout);
	pthread_mutex_unlock(&out_lock);
}

void pass(const char *name)
{
	result(name, "PASS", NULL);
}

void expect_errno(const char *name, int got, int want)
{
	if (got == want)
		pass(name);
	else
		result(name, "FAIL", "got %s, expected %s", got ? strerror(got) : "success",
		       want ? strerror(want) : "success");
}

unsigned int failures(void)
{
	return atomic_load(&failed);
}

int set_attrs(int fd, uint64_t offset, uint32_t attrs)
{
	struct vfio_mmap_attrs a = { .offset = offset, .attrs = attrs };

	return ioctl(fd, VFIO_DEVICE_SET_MMAP_ATTRS, &a) == 0 ? 0 : errno;
}

const char *pat_memtype(uint64_t start, uint64_t end)
{
	struct vfiowc_pat_result res;
	size_t len;
	char *text;

	if (vfiowc_read_file(PAT_LIST, 1 << 24, &text, &len) < 0)
		return "unreadable";
	vfiowc_pat_scan(text, len, start, end, &res);
	free(text);
	return vfiowc_memtype_name(res.type);
}

/* The SIGBUS catcher: armed only inside the accessors below, per thread. */
static __thread sigjmp_buf bus_error;
static __thread volatile int bus_armed;

static void on_sigbus(int sig)
{
	if (!bus_armed) {
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	siglongjmp(bus_error, 1);
}

void catch_sigbus(void)
{
	struct sigaction sa = { .sa_handler = on_sigbus };

	sigaction(SIGBUS, &sa, NULL);
}

bool load_word(const volatile uint64_t *p, uint64_t *value)
{
	bool ok = false;

	if (sigsetjmp(bus_error, 1) == 0) {
		bus_armed = 1;
		*value = *p;
		ok = true;
	}
	bus_armed = 0;
	return ok;
}

bool store_line(volatile uint64_t *line, uint64_t word)
{
	bool ok = false;

	if (sigsetjmp(bus_error, 1) == 0) {
		bus_armed = 1;
		for (unsigned int i = 0; i < 8; i++)
			line[i] = word;
		wc_barrier_flush_wc_store();
		ok = true;
	}
	bus_armed = 0;
	return ok;
}

void expect_word(const char *name, const volatile uint64_t *p, uint64_t want)
{
	uint64_t got;

	if (!load_word(p, &got))
		result(name, "FAIL", "SIGBUS reading the mapping");
	else if (got != want)
		result(name, "FAIL", "read 0x%016" PRIx64 ", expected 0x%016" PRIx64, got, want);
	else
		pass(name);
}

int region_info(struct vfiowc_dev *dev, unsigned int index, struct vfiowc_region *r)
{
	struct vfiowc_error err;

	if (vfiowc_region_info(dev, index, r, &err) == 0)
		return 0;
	result("region-info", "FAIL", "%s", err.msg);
	return -1;
}

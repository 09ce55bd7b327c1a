/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfiowc_open() against this machine's real sysfs:
 *   absent  an address no machine has (0000:ff:1f.7) -> ENODEV, named;
 *   bound   0000:00:01.0, bound to some driver other than vfio-pci ->
 *           EBUSY, "not bound to vfio-pci (driver: <that driver>)".
 * A machine that cannot show the case (the device exists, is missing, or
 * is bound to vfio-pci) makes the test skip, saying why.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vfiowc.h"
#include "test_check.h"

#define ABSENT "0000:ff:1f.7"
#define BOUND "0000:00:01.0"

static int skip(const char *why)
{
	printf("SKIP: %s\n", why);
	return EXIT_SKIP;
}

static int test_absent(void)
{
	struct vfiowc_error err = { 0 };
	struct vfiowc_dev *dev;

	if (access("/sys/bus/pci/devices/" ABSENT, F_OK) == 0)
		return skip("this machine has a device at " ABSENT);
	dev = vfiowc_open(ABSENT, NULL, &err);
	CHECK(dev == NULL, "opened " ABSENT);
	vfiowc_close(dev);
	CHECK(err.errnum == ENODEV, "errno %d, want ENODEV (%s)", err.errnum, err.msg);
	CHECK(strncmp(err.msg, ABSENT ": no such PCI device", strlen(ABSENT ": no such PCI device")) == 0,
	      "message: %s", err.msg);
	printf("%s\n", err.msg);
	return test_exit_status("vfiowc_open_host absent");
}

static int test_bound(void)
{
	char target[PATH_MAX], want[PATH_MAX + 64];
	struct vfiowc_error err = { 0 };
	struct vfiowc_dev *dev;
	const char *driver;
	ssize_t n;

	if (access("/sys/bus/pci/devices/" BOUND, F_OK) != 0)
		return skip("this machine has no PCI device " BOUND);
	n = readlink("/sys/bus/pci/devices/" BOUND "/driver", target, sizeof(target) - 1);
	if (n < 0)
		return skip(BOUND " is not bound to any driver");
	target[n] = '\0';
	driver = strrchr(target, '/') ? strrchr(target, '/') + 1 : target;
	if (strcmp(driver, "vfio-pci") == 0)
		return skip(BOUND " is bound to vfio-pci here");

	dev = vfiowc_open(BOUND, NULL, &err);
	CHECK(dev == NULL, "opened " BOUND " bound to %s", driver);
	vfiowc_close(dev);
	snprintf(want, sizeof(want), BOUND ": not bound to vfio-pci (driver: %s)", driver);
	CHECK(err.errnum == EBUSY, "errno %d, want EBUSY (%s)", err.errnum, err.msg);
	CHECK(strcmp(err.msg, want) == 0, "message '%s', want '%s'", err.msg, want);
	printf("%s\n", err.msg);
	return test_exit_status("vfiowc_open_host bound");
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "absent") == 0)
		return test_absent();
	if (argc == 2 && strcmp(argv[1], "bound") == 0)
		return test_bound();
	fprintf(stderr, "usage: %s absent|bound\n", argv[0]);
	return 1;
}

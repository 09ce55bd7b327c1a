/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PCI addresses and the kernel's text files: the sysfs checks done before
 * VFIO is opened, and a BAR's physical address for the PAT verification.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "vfiowc_priv.h"

/* The PCI resource file is a few hundred bytes; this bounds a bad one. */
#define RESOURCE_FILE_MAX (64u * 1024u)
/* Its lines are 56 characters. */
#define RESOURCE_LINE_MAX 128

int vfiowc_path(char *out, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, size, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return 0;
}

int vfiowc_read_file(const char *path, size_t max, char **text, size_t *len)
{
	size_t cap = 4096, used = 0;
	char *buf = NULL;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n;

		if (buf == NULL || used + 1 >= cap) {
			char *grown;

			if (buf != NULL)
				cap *= 2;
			if (cap > max + 1)
				cap = max + 1;
			if (used + 1 >= cap) {
				ret = -EFBIG;
				break;
			}
			grown = realloc(buf, cap);
			if (grown == NULL) {
				ret = -ENOMEM;
				break;
			}
			buf = grown;
		}
		n = read(fd, buf + used, cap - 1 - used);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			break;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	close(fd);
	if (ret < 0) {
		free(buf);
		return ret;
	}
	buf[used] = '\0';
	*text = buf;
	*len = used;
	return 0;
}

static size_t hex_run(const char *s)
{
	size_t n = 0;

	while (isxdigit((unsigned char)s[n]))
		n++;
	return n;
}

int vfiowc_bdf_normalize(const char *in, char out[VFIOWC_BDF_LEN])
{
	unsigned long domain = 0, bus, slot;
	const char *p = in;
	size_t n;

	if (in == NULL)
		return -EINVAL;
	n = hex_run(p);
	/* A domain is there when the first field is followed by "BB:". */
	if (p[n] == ':' && hex_run(p + n + 1) == 2 && p[n + 3] == ':') {
		if (n < 4 || n > 8)
			return -EINVAL;
		domain = strtoul(p, NULL, 16);
		p += n + 1;
		n = hex_run(p);
	}
	if (n != 2 || p[2] != ':' || hex_run(p + 3) != 2 || p[5] != '.' ||
	    p[6] < '0' || p[6] > '7' || p[7] != '\0')
		return -EINVAL;
	bus = strtoul(p, NULL, 16);
	slot = strtoul(p + 3, NULL, 16);
	if (slot > 0x1f)
		return -EINVAL;
	snprintf(out, VFIOWC_BDF_LEN, "%04lx:%02lx:%02lx.%c", domain, bus, slot, p[6]);
	return 0;
}

int vfiowc_resource_parse(const char *text, unsigned int bar, uint64_t *start, uint64_t *end)
{
	uint64_t s, e, flags;
	const char *line = text;
	char copy[RESOURCE_LINE_MAX], tail = '\0';
	size_t n;

	for (unsigned int i = 0; i < bar; i++) {
		line = strchr(line, '\n');
		if (line == NULL)
			return -ENOENT;
		line++;
	}
	if (*line == '\0')
		return -ENOENT;
	/* Parse a copy of this line alone: scanf's blanks would match a
	 * newline and take numbers from the next line. */
	n = strcspn(line, "\n");
	if (n >= sizeof(copy))
		return -EINVAL;
	memcpy(copy, line, n);
	copy[n] = '\0';
	/* Exactly three numbers, then the end of the line. */
	if (sscanf(copy, "%" SCNx64 " %" SCNx64 " %" SCNx64 "%c", &s, &e, &flags, &tail) != 3)
		return -EINVAL;
	if (s == 0 && e == 0)
		return -ERANGE;
	if (e < s || e == UINT64_MAX)
		return -EINVAL;
	*start = s;
	*end = e + 1;
	return 0;
}

/* The last component of a symlink's target ("vfio-pci", "7"). */
static int link_name(const char *path, char *out, size_t size)
{
	char target[PATH_MAX];
	const char *base;
	ssize_t n;

	n = readlink(path, target, sizeof(target));
	if (n < 0)
		return -errno;
	if ((size_t)n >= sizeof(target))
		return -ENAMETOOLONG;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base != NULL ? base + 1 : target;
	if (strlen(base) >= size)
		return -ENAMETOOLONG;
	strcpy(out, base);
	return 0;
}

int vfiowc_sysfs_check(const char *sysfs_root, const char *bdf, unsigned int *group,
		       struct vfiowc_error *err)
{
	char dir[PATH_MAX], path[PATH_MAX], name[NAME_MAX + 1];
	struct stat st;
	char *endp;
	unsigned long g;
	int ret;

	if (vfiowc_path(dir, sizeof(dir), "%s/bus/pci/devices/%s", sysfs_root, bdf) < 0)
		return vfiowc_fail(err, ENAMETOOLONG, bdf, "sysfs path too long");
	if (stat(dir, &st) != 0) {
		if (errno == ENOENT)
			return vfiowc_fail(err, ENODEV, bdf, "no such PCI device (%s absent)", dir);
		return vfiowc_fail(err, errno, bdf, "cannot stat %s: %s", dir, strerror(errno));
	}

	if (vfiowc_path(path, sizeof(path), "%s/driver", dir) < 0)
		return vfiowc_fail(err, ENAMETOOLONG, bdf, "sysfs path too long");
	ret = link_name(path, name, sizeof(name));
	if (ret == -ENOENT)
		return vfiowc_fail(err, ENODEV, bdf, "not bound to any driver; bind it to vfio-pci");
	if (ret < 0)
		return vfiowc_fail(err, -ret, bdf, "cannot read %s: %s", path, strerror(-ret));
	if (strcmp(name, "vfio-pci") != 0)
		return vfiowc_fail(err, EBUSY, bdf, "not bound to vfio-pci (driver: %s)", name);

	if (vfiowc_path(path, sizeof(path), "%s/iommu_group", dir) < 0)
		return vfiowc_fail(err, ENAMETOOLONG, bdf, "sysfs path too long");
	ret = link_name(path, name, sizeof(name));
	if (ret == -ENOENT)
		return vfiowc_fail(err, ENODEV, bdf,
				   "no IOMMU group (%s absent): the IOMMU is off "
				   "(boot with intel_iommu=on or amd_iommu=on)", path);
	if (ret < 0)
		return vfiowc_fail(err, -ret, bdf, "cannot read %s: %s", path, strerror(-ret));
	errno = 0;
	g = strtoul(name, &endp, 10);
	if (errno != 0 || endp == name || *endp != '\0' || !isdigit((unsigned char)name[0]) ||
	    g > UINT_MAX)
		return vfiowc_fail(err, EPROTO, bdf, "unexpected IOMMU group link target '%s'", name);
	*group = (unsigned int)g;
	return 0;
}

int vfiowc_bar_phys(const struct vfiowc_dev *dev, unsigned int bar, uint64_t *start,
		    uint64_t *end, char *why, size_t why_size)
{
	char path[PATH_MAX];
	char *text;
	size_t len;
	int ret;

	if (bar >= VFIO_PCI_ROM_REGION_INDEX) {
		snprintf(why, why_size, "region %u is not a BAR", bar);
		return -EINVAL;
	}
	ret = vfiowc_path(path, sizeof(path), "%s/bus/pci/devices/%s/resource",
			  dev->sysfs_root, dev->bdf);
	if (ret == 0)
		ret = vfiowc_read_file(path, RESOURCE_FILE_MAX, &text, &len);
	if (ret < 0) {
		snprintf(why, why_size, "cannot read %s: %s", path, strerror(-ret));
		return ret;
	}
	ret = vfiowc_resource_parse(text, bar, start, end);
	free(text);
	if (ret == -ERANGE)
		snprintf(why, why_size, "BAR %u has no address in %s", bar, path);
	else if (ret < 0)
		snprintf(why, why_size, "line %u of %s does not parse", bar, path);
	return ret;
}

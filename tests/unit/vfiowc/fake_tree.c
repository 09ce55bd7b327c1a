/* SPDX-License-Identifier: BSD-3-Clause */
/* Fake kernel file trees: see fake_tree.h. */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fake_tree.h"

static bool join(char *out, size_t size, const struct fake_tree *t, const char *rel)
{
	int n = snprintf(out, size, "%s/%s", t->root, rel);

	return n > 0 && (size_t)n < size;
}

/* mkdir -p of every directory above path. */
static bool make_parents(char *path)
{
	for (char *p = strchr(path + 1, '/'); p != NULL; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(path, 0755) != 0 && errno != EEXIST) {
			*p = '/';
			return false;
		}
		*p = '/';
	}
	return true;
}

bool fake_tree_init(struct fake_tree *t)
{
	const char *tmp = getenv("TMPDIR");

	if (tmp == NULL || tmp[0] == '\0')
		tmp = "/tmp";
	if (snprintf(t->root, sizeof(t->root), "%s/vfiowc-test-XXXXXX", tmp) >= (int)sizeof(t->root) ||
	    mkdtemp(t->root) == NULL)
		return false;
	return join(t->sysfs, sizeof(t->sysfs), t, "sys") && join(t->dev, sizeof(t->dev), t, "dev") &&
	       join(t->pat, sizeof(t->pat), t, "pat_memtype_list") && fake_tree_dir(t, "sys") &&
	       fake_tree_dir(t, "dev");
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void fake_tree_remove(struct fake_tree *t)
{
	if (t->root[0] != '\0')
		nftw(t->root, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

bool fake_tree_dir(const struct fake_tree *t, const char *rel)
{
	char path[PATH_MAX];

	return join(path, sizeof(path), t, rel) && make_parents(path) &&
	       (mkdir(path, 0755) == 0 || errno == EEXIST);
}

bool fake_tree_file(const struct fake_tree *t, const char *rel, const char *content)
{
	char path[PATH_MAX];
	FILE *f;
	bool ok;

	if (!join(path, sizeof(path), t, rel) || !make_parents(path))
		return false;
	f = fopen(path, "w");
	if (f == NULL)
		return false;
	ok = fputs(content, f) >= 0;
	return fclose(f) == 0 && ok;
}

bool fake_tree_link(const struct fake_tree *t, const char *rel, const char *target)
{
	char path[PATH_MAX];

	return join(path, sizeof(path), t, rel) && make_parents(path) && symlink(target, path) == 0;
}

bool fake_tree_pci_device(const struct fake_tree *t, const char *bdf, const char *driver,
			  int group)
{
	char rel[PATH_MAX], target[PATH_MAX];

	snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s", bdf);
	if (!fake_tree_dir(t, rel))
		return false;
	if (driver != NULL) {
		snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s/driver", bdf);
		snprintf(target, sizeof(target), "../../../bus/pci/drivers/%s", driver);
		if (!fake_tree_link(t, rel, target))
			return false;
	}
	if (group >= 0) {
		snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s/iommu_group", bdf);
		snprintf(target, sizeof(target), "../../../kernel/iommu_groups/%d", group);
		if (!fake_tree_link(t, rel, target))
			return false;
	}
	return true;
}

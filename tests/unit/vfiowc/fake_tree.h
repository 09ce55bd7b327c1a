/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fake kernel file trees for the libvfiowc tests: a temporary directory
 * standing in for /sys, /dev and debugfs, so open() and the verification
 * can be driven into every error without a kernel.
 */
#ifndef FAKE_TREE_H
#define FAKE_TREE_H

#include <limits.h>
#include <stdbool.h>

/* Short enough that any path built from one fits PATH_MAX. */
#define FAKE_TREE_PATH_MAX 512

struct fake_tree {
	char root[FAKE_TREE_PATH_MAX];
	char sysfs[FAKE_TREE_PATH_MAX];   /* root/sys */
	char dev[FAKE_TREE_PATH_MAX];     /* root/dev */
	char pat[FAKE_TREE_PATH_MAX];     /* root/pat_memtype_list (not created) */
};

/* A fresh, empty tree under $TMPDIR (or /tmp); false on failure. */
bool fake_tree_init(struct fake_tree *t);
/* Remove everything under t->root. */
void fake_tree_remove(struct fake_tree *t);

/* Create a file (and its parent directories) relative to t->root with the
 * given content; false on failure. */
bool fake_tree_file(const struct fake_tree *t, const char *rel, const char *content);
/* Create a directory (and parents) relative to t->root. */
bool fake_tree_dir(const struct fake_tree *t, const char *rel);
/* Create a symlink rel -> target (target taken as is). */
bool fake_tree_link(const struct fake_tree *t, const char *rel, const char *target);

/* The PCI device directory sys/bus/pci/devices/<bdf>, with a driver link
 * when driver is not NULL and an iommu_group link when group >= 0. */
bool fake_tree_pci_device(const struct fake_tree *t, const char *bdf, const char *driver,
			  int group);

#endif /* FAKE_TREE_H */

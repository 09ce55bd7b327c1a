/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the guest checkers (wc-uapi-check, wc-verify-check, wc-dmabuf-check,
 * wc-lifecycle-check) share: their result lines, "NAME PASS|FAIL|SKIP|INFO
 * [why]", which guest-wc-lib.sh's wc_run_checks reports, guarded BAR
 * accesses, and the mmap-attribute ioctl.
 */
#ifndef GUEST_CHECK_H
#define GUEST_CHECK_H

#include <stdbool.h>
#include <stdint.h>

/* Print one result line (any thread); a FAIL is counted. */
void result(const char *name, const char *status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void pass(const char *name);
/* PASS when the errno (0: success) is the one expected, else FAIL saying both. */
void expect_errno(const char *name, int got, int want);
/* FAIL lines so far: the checker's exit status is 1 when there are any. */
unsigned int failures(void);
/* While set in a thread, its PASS lines are not printed (long loops). */
extern __thread bool result_quiet;

/* What the kernel's PAT list (pat_memtype_list) says about the physical
 * range start..end: a memory type's name, "none", "conflict" or
 * "unreadable". */
const char *pat_memtype(uint64_t start, uint64_t end);

/*
 * Accesses to a BAR mapping that survive SIGBUS (a revoked mapping, memory
 * disabled, the device gone) once catch_sigbus() has run; a SIGBUS
 * anywhere else still ends the process. load_word() is one 64-bit load,
 * store_line() one whole 64-byte line of word then the write-combining
 * flush (wc_barrier_flush_wc_store()), so the line is in the BAR before
 * the host looks; both false on SIGBUS. expect_word() reports NAME PASS
 * when the load gives want, else FAIL with what it got.
 */
void catch_sigbus(void);
bool load_word(const volatile uint64_t *p, uint64_t *value);
bool store_line(volatile uint64_t *line, uint64_t word);
void expect_word(const char *name, const volatile uint64_t *p, uint64_t want);

/* vfiowc_region_info(), a FAIL line "region-info" when it fails: 0 or -1.
 * With drivers/vfio it also creates the region's entry. */
struct vfiowc_dev;
struct vfiowc_region;
int region_info(struct vfiowc_dev *dev, unsigned int index, struct vfiowc_region *r);

/* VFIO_DEVICE_SET_MMAP_ATTRS on the device fd: 0 or the errno. */
int set_attrs(int fd, uint64_t offset, uint32_t attrs);

#endif /* GUEST_CHECK_H */

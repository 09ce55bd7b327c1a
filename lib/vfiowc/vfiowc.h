/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libvfiowc: map a PCI BAR through VFIO write-combined (WC) where the
 * kernel can do it, uncached (UC) where it cannot, and say which one the
 * mapping really got.
 *
 * Typical use:
 *
 *	struct vfiowc_error err;
 *	struct vfiowc_mapping m;
 *	struct vfiowc_dev *dev = vfiowc_open("0000:00:04.0", NULL, &err);
 *
 *	if (dev == NULL)
 *		die("%s", err.msg);
 *	if (vfiowc_map_region(dev, 2, 0, 0, VFIOWC_ATTR_WC, 0, &m, &err) < 0)
 *		die("%s", err.msg);
 *	if (m.report.obtained == VFIOWC_ATTR_WC)
 *		use the WC fast path;
 *	...
 *	vfiowc_unmap(&m);
 *	vfiowc_close(dev);
 *
 * The memory type of a BAR is fixed by its first mapping in an open of the
 * device (see doc/libvfiowc.md, "The PAT trap"): choose it before anything
 * maps, reads or writes the BAR, including pread()/pwrite() on the device
 * fd.
 *
 * Errors: functions that can fail return a negative errno (or NULL) and,
 * when err is not NULL, fill it with the positive errno and a message that
 * names the device and the failed step. The library keeps no global state;
 * a device handle must not be used by two threads at once.
 */
#ifndef VFIOWC_H
#define VFIOWC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define VFIOWC_API __attribute__((visibility("default")))
#else
#define VFIOWC_API
#endif

/* Size of every text buffer in the structures below, NUL included. */
#define VFIOWC_TEXT_MAX 512

/* Most sparse mmap areas a region may list (vfio-pci uses at most two). */
#define VFIOWC_MAX_SPARSE_AREAS 16

struct vfiowc_error {
	int errnum;                  /* positive errno; 0 when no error */
	char msg[VFIOWC_TEXT_MAX];   /* "<BDF>: <step>: <why>" */
};

/*
 * Where the library looks for the kernel's files. A NULL options pointer,
 * or a NULL field, selects the default. Tests point these at fake trees.
 */
struct vfiowc_opts {
	const char *sysfs_root;  /* default "/sys" */
	const char *dev_root;    /* default "/dev" */
	const char *pat_list;    /* default "/sys/kernel/debug/x86/pat_memtype_list" */
};

struct vfiowc_dev;   /* opaque */

/*
 * Open the PCI device at bdf ("DDDD:BB:DD.F", or "BB:DD.F" for domain 0)
 * through its VFIO group: the device must be bound to vfio-pci and its
 * IOMMU group viable. The library creates and owns a Type1 container, the
 * group fd and the device fd; vfiowc_close() closes them.
 * The VFIO device cdev / iommufd interface is not supported yet.
 */
VFIOWC_API struct vfiowc_dev *vfiowc_open(const char *bdf, const struct vfiowc_opts *opts,
					  struct vfiowc_error *err);

/*
 * Use a VFIO device fd the caller already has, e.g. from DPDK's
 * rte_vfio_setup_device(), so that the caller's container and DMA mappings
 * stay in effect. bdf names the device (sysfs look-ups and messages).
 * The fd stays the caller's: the library never closes it, and the caller
 * must keep it open until vfiowc_close(). Mappings the caller made of a
 * BAR before adopting fix that BAR's memory type (see the PAT trap).
 */
VFIOWC_API struct vfiowc_dev *vfiowc_adopt_fd(int device_fd, const char *bdf,
					      const struct vfiowc_opts *opts,
					      struct vfiowc_error *err);

/* Close what the library opened (not an adopted fd) and free dev. Live
 * mappings stay valid until vfiowc_unmap(). NULL is accepted. */
VFIOWC_API void vfiowc_close(struct vfiowc_dev *dev);

VFIOWC_API int vfiowc_device_fd(const struct vfiowc_dev *dev);
/* The Type1 container, for VFIO_IOMMU_MAP_DMA; -1 for an adopted fd. */
VFIOWC_API int vfiowc_container_fd(const struct vfiowc_dev *dev);
VFIOWC_API const char *vfiowc_bdf(const struct vfiowc_dev *dev);
VFIOWC_API unsigned int vfiowc_num_regions(const struct vfiowc_dev *dev);

struct vfiowc_sparse_area {
	uint64_t offset;   /* within the region */
	uint64_t size;
};

struct vfiowc_region {
	unsigned int index;
	bool readable, writable, mmappable;
	uint64_t size;
	uint64_t offset;          /* of the region in the device fd */
	bool msix_mappable;       /* VFIO_REGION_INFO_CAP_MSIX_MAPPABLE */
	bool sparse;              /* only the areas below may be mmapped */
	unsigned int nr_areas;
	struct vfiowc_sparse_area areas[VFIOWC_MAX_SPARSE_AREAS];
};

/* VFIO_DEVICE_GET_REGION_INFO with its capability chain. */
VFIOWC_API int vfiowc_region_info(struct vfiowc_dev *dev, unsigned int index,
				  struct vfiowc_region *out, struct vfiowc_error *err);

enum vfiowc_attr {
	VFIOWC_ATTR_UC,   /* stores are not combined (uncached, uncached-minus) */
	VFIOWC_ATTR_WC,   /* write-combining */
};

enum vfiowc_method {
	VFIOWC_METHOD_NONE,       /* nothing mapped */
	VFIOWC_METHOD_UAPI,       /* VFIO_DEVICE_SET_MMAP_ATTRS, then VFIO mmap */
	VFIOWC_METHOD_SYSFS_WC,   /* sysfs resourceN_wc */
	VFIOWC_METHOD_VFIO_MMAP,  /* plain VFIO mmap: uncached */
};

/* Memory type as /sys/kernel/debug/x86/pat_memtype_list shows it. */
enum vfiowc_memtype {
	VFIOWC_MT_UNVERIFIED,   /* list unreadable, or no physical address known */
	VFIOWC_MT_NONE,         /* list read; no entry overlaps the mapping */
	VFIOWC_MT_CONFLICT,     /* overlapping entries disagree */
	VFIOWC_MT_WB,           /* write-back */
	VFIOWC_MT_WC,           /* write-combining */
	VFIOWC_MT_UC_MINUS,     /* uncached-minus */
	VFIOWC_MT_UC,           /* uncached */
	VFIOWC_MT_WT,           /* write-through */
	VFIOWC_MT_WP,           /* write-protect */
};

struct vfiowc_report {
	enum vfiowc_attr asked;
	/*
	 * WC only when the method granted WC (UAPI or sysfs-wc) and the PAT
	 * list does not contradict it, or when the PAT list shows WC. A
	 * readable PAT list always wins over the method's claim.
	 */
	enum vfiowc_attr obtained;
	enum vfiowc_method method;
	enum vfiowc_memtype verified;
	bool mismatch;            /* the PAT list contradicts the method: read detail */
	bool phys_known;
	uint64_t phys_start;      /* physical range of the mapping, end exclusive */
	uint64_t phys_end;
	char reason[VFIOWC_TEXT_MAX];   /* why earlier methods were not used; "" if none */
	char detail[VFIOWC_TEXT_MAX];   /* what the verification saw */
};

struct vfiowc_mapping {
	void *addr;               /* NULL when not mapped */
	size_t length;
	unsigned int region;
	uint64_t offset;          /* of the window within the region */
	struct vfiowc_report report;
};

/* Also try sysfs resourceN_wc when the kernel has no mmap-attrs UAPI. */
#define VFIOWC_MAP_ALLOW_SYSFS_WC (1u << 0)

/*
 * Map [offset, offset + length) of a region, asking for attr. offset must
 * be page-aligned; length 0 means up to the page-aligned end of the
 * region, otherwise it is rounded up to whole pages. The window must lie
 * inside one sparse mmap area when the region lists them.
 *
 * The methods, in order:
 *  1. VFIO_DEVICE_SET_MMAP_ATTRS on the device fd, then VFIO mmap. ENOTTY
 *     or EINVAL mean the kernel has no such UAPI: go on, noting why.
 *  2. Asking WC with VFIOWC_MAP_ALLOW_SYSFS_WC: mmap of sysfs
 *     resourceN_wc (root, prefetchable BARs only).
 *  3. Plain VFIO mmap (UC).
 * EBUSY (the BAR is already mapped with another type in this open, by
 * this handle or by the kernel) is an error, never a fallback.
 * On success m is filled, m->report included; the verification is done
 * once here and can be repeated with vfiowc_verify().
 */
VFIOWC_API int vfiowc_map_region(struct vfiowc_dev *dev, unsigned int region,
				 uint64_t offset, uint64_t length, enum vfiowc_attr attr,
				 unsigned int flags, struct vfiowc_mapping *m,
				 struct vfiowc_error *err);

/*
 * vfiowc_map_region() at a chosen address: the mapping lands at exactly
 * `at` (page-aligned), or the call fails with EEXIST when something of
 * this process is already there. For processes that share pointers into
 * the BAR, such as a DPDK secondary process mapping a BAR where its
 * primary has it. at == NULL is vfiowc_map_region().
 */
VFIOWC_API int vfiowc_map_region_at(struct vfiowc_dev *dev, unsigned int region,
				    uint64_t offset, uint64_t length, enum vfiowc_attr attr,
				    unsigned int flags, void *at, struct vfiowc_mapping *m,
				    struct vfiowc_error *err);

/*
 * Read the PAT list again and update m->report (verified, obtained,
 * mismatch, detail). Worth doing after the first access: some kernels
 * reserve the user mapping's memory type only when it first faults.
 */
VFIOWC_API void vfiowc_verify(const struct vfiowc_dev *dev, struct vfiowc_mapping *m);

/*
 * The same check for a mapping made without libvfiowc, e.g. of a sysfs
 * resourceN or resourceN_wc file: [offset, offset + length) of BAR bar of
 * the device at bdf. The caller sets r->asked and r->method (what the
 * mapping should have given: VFIOWC_METHOD_SYSFS_WC for resourceN_wc,
 * VFIOWC_METHOD_VFIO_MMAP for an uncached one); the rest of r is filled as
 * by vfiowc_verify(). Returns 0, or a negative errno for a bad bdf.
 */
VFIOWC_API int vfiowc_verify_window(const char *bdf, const struct vfiowc_opts *opts,
				    unsigned int bar, uint64_t offset, uint64_t length,
				    struct vfiowc_report *r, struct vfiowc_error *err);

/* munmap; m->addr becomes NULL. The BAR keeps its memory type until the
 * device is closed. */
VFIOWC_API int vfiowc_unmap(struct vfiowc_mapping *m);

/* True when t is one memory type the PAT list showed for the whole
 * mapping: not unverified, none or conflict. */
VFIOWC_API bool vfiowc_memtype_verified(enum vfiowc_memtype t);

/* "uc", "wc" */
VFIOWC_API const char *vfiowc_attr_name(enum vfiowc_attr a);
/* "none", "uapi", "sysfs-wc", "vfio-mmap" */
VFIOWC_API const char *vfiowc_method_name(enum vfiowc_method m);
/* the PAT list's names ("write-combining", ...), or "unverified",
 * "none", "conflict" */
VFIOWC_API const char *vfiowc_memtype_name(enum vfiowc_memtype t);

#ifdef __cplusplus
}
#endif

#endif /* VFIOWC_H */

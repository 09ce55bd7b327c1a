/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Public API of the net_wcnic poll-mode driver.
 *
 * An application can ask a port which memory type its device BAR got and
 * which TX mode it runs, for instance to refuse to run a latency test on a
 * port that fell back to an uncached mapping.
 */
#ifndef RTE_PMD_WCNIC_H
#define RTE_PMD_WCNIC_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_compat.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Memory type of the CPU mapping of the device BAR. */
enum rte_pmd_wcnic_mem_type {
	RTE_PMD_WCNIC_MEM_UC = 0,  /* uncached: every store its own transaction */
	RTE_PMD_WCNIC_MEM_WC = 1,  /* write-combining: whole lines leave as one burst */
};

enum rte_pmd_wcnic_tx_mode {
	RTE_PMD_WCNIC_TX_PUSH = 0, /* descriptors and headers pushed into the BAR */
	RTE_PMD_WCNIC_TX_DMA = 1,  /* descriptors in host memory, doorbell only */
};

struct rte_pmd_wcnic_port_info {
	enum rte_pmd_wcnic_mem_type mem_type;  /* what the mapping got */
	bool mem_type_verified;     /* confirmed by the kernel (PAT list / UAPI) */
	char mem_type_source[64];   /* how mem_type was established */
	enum rte_pmd_wcnic_tx_mode tx_mode;
	uint16_t push_entry_size;   /* bytes per push entry (push mode) */
	uint16_t tx_burst_max;      /* entries the device takes per doorbell */
};

/*
 * Fill info for a net_wcnic port.
 * Returns 0, -ENODEV for an invalid port, -ENOTSUP for a port of another
 * driver, -EINVAL for a NULL info.
 */
__rte_experimental
int rte_pmd_wcnic_get_port_info(uint16_t port_id, struct rte_pmd_wcnic_port_info *info);

/* "uncached" / "write-combining". */
__rte_experimental
const char *rte_pmd_wcnic_mem_type_name(enum rte_pmd_wcnic_mem_type type);
/* "push" / "dma". */
__rte_experimental
const char *rte_pmd_wcnic_tx_mode_name(enum rte_pmd_wcnic_tx_mode mode);

#ifdef __cplusplus
}
#endif

#endif /* RTE_PMD_WCNIC_H */

/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>

#include "rte_pmd_wcnic.h"
#include "wcnic_ethdev.h"

int
rte_pmd_wcnic_get_port_info(uint16_t port_id, struct rte_pmd_wcnic_port_info *info)
{
	struct rte_eth_dev *dev;

	if (!rte_eth_dev_is_valid_port(port_id))
		return -ENODEV;
	if (info == NULL)
		return -EINVAL;
	dev = &rte_eth_devices[port_id];
	if (!wcnic_ethdev_is_ours(dev))
		return -ENOTSUP;
	*info = wcnic_adapter(dev)->info;
	return 0;
}

const char *
rte_pmd_wcnic_mem_type_name(enum rte_pmd_wcnic_mem_type type)
{
	return type == RTE_PMD_WCNIC_MEM_WC ? "write-combining" : "uncached";
}

const char *
rte_pmd_wcnic_tx_mode_name(enum rte_pmd_wcnic_tx_mode mode)
{
	return mode == RTE_PMD_WCNIC_TX_PUSH ? "push" : "dma";
}

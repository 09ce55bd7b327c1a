/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Telemetry commands of net_wcnic, next to ethdev's own (/ethdev/list,
 * /ethdev/info):
 *
 *   /wcnic/list            the port ids of net_wcnic ports
 *   /wcnic/info,<port_id>  what such a port runs on: the BAR's memory type,
 *                          whether the kernel verified it and how it was
 *                          established, the TX mode, store variant, push
 *                          entry size, per-doorbell budget, and the device's
 *                          firmware and interface versions
 *
 * They are registered from a constructor, once per process whether the
 * driver is a plugin or linked in, and answer from the telemetry thread.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_telemetry.h>

#include "wcnic_info.h"
#include "wcnic_log.h"

#define WCNIC_TEL_LIST "/wcnic/list"
#define WCNIC_TEL_INFO "/wcnic/info"

static int
tel_list(const char *cmd __rte_unused, const char *params __rte_unused,
	 struct rte_tel_data *d)
{
	struct rte_pmd_wcnic_port_info info;
	uint16_t port_id;

	rte_tel_data_start_array(d, RTE_TEL_INT_VAL);
	RTE_ETH_FOREACH_DEV(port_id)
		if (rte_pmd_wcnic_get_port_info(port_id, &info) == 0)
			rte_tel_data_add_array_int(d, port_id);
	return 0;
}

/* The port id of "/wcnic/info,<port_id>": digits only, a valid port. */
static int
tel_port_id(const char *params, uint16_t *port_id)
{
	unsigned long id;
	char *end;

	if (params == NULL || !isdigit((unsigned char)params[0])) {
		WCNIC_LOG(ERR, "telemetry " WCNIC_TEL_INFO ": expected a port id (" WCNIC_TEL_INFO
			  ",<port_id>), got '%s'", params == NULL ? "" : params);
		return -EINVAL;
	}
	errno = 0;
	id = strtoul(params, &end, 10);
	if (errno != 0 || *end != '\0' || id >= RTE_MAX_ETHPORTS) {
		WCNIC_LOG(ERR, "telemetry " WCNIC_TEL_INFO ": '%s' is not a port id", params);
		return -EINVAL;
	}
	*port_id = (uint16_t)id;
	return 0;
}

static int
tel_info(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	struct rte_pmd_wcnic_port_info info;
	const struct wcnic_adapter *ad;
	struct wcnic_versions v;
	const char *store;
	char text[32];
	uint16_t port_id;
	int ret;

	if (tel_port_id(params, &port_id) != 0)
		return -EINVAL;
	ret = rte_pmd_wcnic_get_port_info(port_id, &info);
	if (ret == -ENODEV) {
		WCNIC_LOG(ERR, "telemetry " WCNIC_TEL_INFO ": no port %u", port_id);
		return -EINVAL;
	}
	if (ret != 0) {
		WCNIC_LOG(ERR, "telemetry " WCNIC_TEL_INFO ": port %u (%s) is not a net_wcnic port",
			  port_id, rte_eth_devices[port_id].data->name);
		return -EINVAL;
	}
	ad = rte_eth_devices[port_id].data->dev_private;
	store = wcnic_info_wc_store_name(ad);
	wcnic_info_versions(ad, &v);

	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_int(d, "port_id", port_id);
	rte_tel_data_add_dict_string(d, "name", rte_eth_devices[port_id].data->name);
	rte_tel_data_add_dict_string(d, "mem_type", rte_pmd_wcnic_mem_type_name(info.mem_type));
	rte_tel_data_add_dict_int(d, "mem_type_verified", info.mem_type_verified);
	rte_tel_data_add_dict_string(d, "mem_type_source", info.mem_type_source);
	rte_tel_data_add_dict_string(d, "tx_mode", rte_pmd_wcnic_tx_mode_name(info.tx_mode));
	rte_tel_data_add_dict_string(d, "tx_mode_asked",
				     wcnic_tx_mode_request_name(ad->args.tx_mode));
	/* DMA mode has neither: its descriptors are plain stores to host memory. */
	rte_tel_data_add_dict_string(d, "wc_store", store != NULL ? store : "none");
	rte_tel_data_add_dict_int(d, "push_entry_size",
				  info.tx_mode == RTE_PMD_WCNIC_TX_PUSH ? info.push_entry_size : 0);
	rte_tel_data_add_dict_int(d, "tx_burst_max", info.tx_burst_max);
	if (v.has_fw_version)
		wcnic_info_fw_version_text(v.fw_version, text, sizeof(text));
	rte_tel_data_add_dict_string(d, "fw_version", v.has_fw_version ? text : "none");
	snprintf(text, sizeof(text), "%u.%u", v.interface_major, v.interface_minor);
	rte_tel_data_add_dict_string(d, "interface_version", text);
	return 0;
}

/* DPDK 22.11 refuses a help text of 64 bytes or more. */
static void
tel_register(const char *cmd, telemetry_cb fn, const char *help)
{
	int ret = rte_telemetry_register_cmd(cmd, fn, help);

	if (ret != 0)
		WCNIC_LOG(WARNING, "cannot register the telemetry command %s: %s", cmd,
			  strerror(-ret));
}

RTE_INIT(wcnic_telemetry_register)
{
	tel_register(WCNIC_TEL_LIST, tel_list, "Returns the port ids of net_wcnic ports. "
		     "Takes no parameters");
	tel_register(WCNIC_TEL_INFO, tel_info, "Returns net_wcnic TX and BAR facts. "
		     "Parameters: int port_id");
}

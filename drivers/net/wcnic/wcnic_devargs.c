/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_kvargs.h>

#include "wcnic_compat.h"
#include "wcnic_devargs.h"
#include "wcnic_hw.h"
#include "wcnic_log.h"

static const char *const wcnic_valid_args[] = {
	WCNIC_ARG_TX_MODE, WCNIC_ARG_QUEUES, WCNIC_ARG_ENTRY_SIZE,
	WCNIC_ARG_BACKEND, WCNIC_ARG_MAC, WCNIC_ARG_DEV_BURST, WCNIC_ARG_WC_STORE,
	WCNIC_ARG_FAULT, WCNIC_ARG_WC_SIM, WCNIC_ARG_INTERFACE, WCNIC_ARG_GEN, NULL,
};

static const char *const tx_mode_names[] = {
	[WCNIC_TX_REQ_AUTO] = "auto",
	[WCNIC_TX_REQ_PUSH] = "push",
	[WCNIC_TX_REQ_DMA] = "dma",
};

const char *
wcnic_tx_mode_request_name(enum wcnic_tx_mode_request req)
{
	return req < RTE_DIM(tx_mode_names) ? tx_mode_names[req] : "?";
}

/* A bare key ("queues" without "=N") reaches the handlers as a NULL value. */
static bool
has_value(const char *key, const char *value)
{
	if (value != NULL && value[0] != '\0')
		return true;
	WCNIC_LOG(ERR, "%s: a value is required (%s=...)", key, key);
	return false;
}

static int
parse_tx_mode(const char *key, const char *value, void *opaque)
{
	enum wcnic_tx_mode_request *mode = opaque;
	unsigned int i;

	if (!has_value(key, value))
		return -EINVAL;
	for (i = 0; i < RTE_DIM(tx_mode_names); i++) {
		if (strcmp(value, tx_mode_names[i]) == 0) {
			*mode = i;
			return 0;
		}
	}
	WCNIC_LOG(ERR, "%s=%s: expected auto, push or dma", key, value);
	return -EINVAL;
}

/* Strict decimal: digits only, no sign, no trailing characters. */
static int
parse_uint(const char *value, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(value, &end, 10);
	return (value[0] >= '0' && value[0] <= '9' && *end == '\0' && errno == 0) ? 0 : -EINVAL;
}

/* A count from 1 to max, for a uint16_t argument. */
static int
parse_count(const char *key, const char *value, unsigned int max, uint16_t *out)
{
	unsigned long v;

	if (!has_value(key, value))
		return -EINVAL;
	if (parse_uint(value, &v) != 0 || v < 1 || v > max) {
		WCNIC_LOG(ERR, "%s=%s: expected a number from 1 to %u", key, value, max);
		return -EINVAL;
	}
	*out = (uint16_t)v;
	return 0;
}

static int
parse_queues(const char *key, const char *value, void *opaque)
{
	return parse_count(key, value, WCNIC_MAX_QUEUES, opaque);
}

static int
parse_dev_burst(const char *key, const char *value, void *opaque)
{
	return parse_count(key, value, WCNIC_MAX_RING_SIZE, opaque);
}

/* A store variant this CPU can run. */
static int
parse_wc_store(const char *key, const char *value, void *opaque)
{
	struct wcnic_devargs *args = opaque;
	const char *why_not = NULL;

	if (!has_value(key, value))
		return -EINVAL;
	if (wc_store_variant_from_name(value, &args->wc_store) != 0) {
		WCNIC_LOG(ERR, "%s=%s: expected u64, sse2, avx2, avx512 or movdir64b", key, value);
		return -EINVAL;
	}
	if (!wc_store_variant_supported(args->wc_store, &why_not)) {
		WCNIC_LOG(ERR, "%s=%s: not on this CPU: %s", key, value, why_not);
		return -ENOTSUP;
	}
	args->wc_store_set = true;
	return 0;
}

static int
parse_entry_size(const char *key, const char *value, void *opaque)
{
	unsigned long v;

	if (!has_value(key, value))
		return -EINVAL;
	if (parse_uint(value, &v) != 0 ||
	    (v != WCNIC_PUSH_ENTRY_128 && v != WCNIC_PUSH_ENTRY_256)) {
		WCNIC_LOG(ERR, "%s=%s: expected %u or %u", key, value,
			  WCNIC_PUSH_ENTRY_128, WCNIC_PUSH_ENTRY_256);
		return -EINVAL;
	}
	*(uint16_t *)opaque = (uint16_t)v;
	return 0;
}

static int
parse_backend(const char *key, const char *value, void *opaque)
{
	if (!has_value(key, value))
		return -EINVAL;
	if (wcnic_backend_from_name(value, opaque) != 0) {
		WCNIC_LOG(ERR, "%s=%s: expected sink, loopback or gen", key, value);
		return -EINVAL;
	}
	return 0;
}

static int
parse_mac(const char *key, const char *value, void *opaque)
{
	struct wcnic_devargs *args = opaque;

	if (!has_value(key, value))
		return -EINVAL;
	if (rte_ether_unformat_addr(value, &args->mac) != 0 ||
	    !rte_is_valid_assigned_ether_addr(&args->mac)) {
		WCNIC_LOG(ERR, "%s=%s: expected a unicast MAC address xx:xx:xx:xx:xx:xx",
			  key, value);
		return -EINVAL;
	}
	args->mac_set = true;
	return 0;
}

/*
 * fault=KIND:N: the in-process device plays a fault after N transmitted
 * packets (error: TX ring 0 stops with a device error; wedge: the device
 * stops answering), for testing how applications recover.
 */
static int
parse_fault(const char *key, const char *value, void *opaque)
{
	struct wcnic_devargs *args = opaque;
	const char *colon;
	char kind[16];
	unsigned long n;

	if (!has_value(key, value))
		return -EINVAL;
	colon = strchr(value, ':');
	if (colon == NULL || (size_t)(colon - value) >= sizeof(kind) ||
	    parse_uint(colon + 1, &n) != 0)
		goto bad;
	memcpy(kind, value, (size_t)(colon - value));
	kind[colon - value] = '\0';
	if (wcnic_model_fault_from_name(kind, &args->fault) != 0 ||
	    args->fault == WCNIC_FAULT_NONE)
		goto bad;
	args->fault_after_tx = n;
	return 0;
bad:
	WCNIC_LOG(ERR, "%s=%s: expected error:<packets> or wedge:<packets>", key, value);
	return -EINVAL;
}

/* wc_sim=SEED: the in-process BAR behind simulated write-combining. */
static int
parse_wc_sim(const char *key, const char *value, void *opaque)
{
	struct wcnic_devargs *args = opaque;
	unsigned long seed;

	if (!has_value(key, value))
		return -EINVAL;
	if (parse_uint(value, &seed) != 0) {
		WCNIC_LOG(ERR, "%s=%s: expected a seed, a decimal number", key, value);
		return -EINVAL;
	}
	args->wc_sim = true;
	args->wc_sim_seed = seed;
	return 0;
}

static void
devargs_defaults(struct wcnic_devargs *args)
{
	memset(args, 0, sizeof(*args));
	args->tx_mode = WCNIC_TX_REQ_AUTO;
	args->queues = 0; /* every queue pair the device offers */
	args->entry_size = WCNIC_PUSH_ENTRY_128;
	args->backend = WCNIC_BACKEND_SINK;
	args->interface_minor = WCNIC_VERSION_MINOR;
}

/* The device interface the in-process model implements: 1.0 or this one. */
static int
parse_interface(const char *key, const char *value, void *opaque)
{
	uint32_t *minor = opaque;

	if (!has_value(key, value))
		return -EINVAL;
	if (strcmp(value, "1.0") == 0) {
		*minor = 0;
		return 0;
	}
	if (strcmp(value, RTE_STR(WCNIC_VERSION_MAJOR) "." RTE_STR(WCNIC_VERSION_MINOR)) == 0) {
		*minor = WCNIC_VERSION_MINOR;
		return 0;
	}
	WCNIC_LOG(ERR, "%s=%s: expected 1.0 or %u.%u", key, value, WCNIC_VERSION_MAJOR,
		  WCNIC_VERSION_MINOR);
	return -EINVAL;
}

/* The gen back end's frames: IPv4/UDP only, or the mixed kinds (gen_mix). */
static int
parse_gen(const char *key, const char *value, void *opaque)
{
	bool *mix = opaque;

	if (!has_value(key, value))
		return -EINVAL;
	if (strcmp(value, "udp") == 0 || strcmp(value, "mix") == 0) {
		*mix = strcmp(value, "mix") == 0;
		return 0;
	}
	WCNIC_LOG(ERR, "%s=%s: expected udp or mix", key, value);
	return -EINVAL;
}

int
wcnic_devargs_parse(const struct rte_devargs *devargs, bool vdev,
		    struct wcnic_devargs *args)
{
	struct rte_kvargs *kvlist;
	int ret;

	devargs_defaults(args);
	if (devargs == NULL || devargs->args == NULL || devargs->args[0] == '\0')
		return 0;

	kvlist = rte_kvargs_parse(devargs->args, wcnic_valid_args);
	if (kvlist == NULL) {
		WCNIC_LOG(ERR, "%s: cannot parse \"%s\"; accepted: %s",
			  devargs->name, devargs->args, WCNIC_DEVARGS_HELP);
		return -EINVAL;
	}
	if (!vdev && (rte_kvargs_count(kvlist, WCNIC_ARG_BACKEND) != 0 ||
		      rte_kvargs_count(kvlist, WCNIC_ARG_DEV_BURST) != 0 ||
		      rte_kvargs_count(kvlist, WCNIC_ARG_FAULT) != 0 ||
		      rte_kvargs_count(kvlist, WCNIC_ARG_WC_SIM) != 0 ||
		      rte_kvargs_count(kvlist, WCNIC_ARG_INTERFACE) != 0 ||
		      rte_kvargs_count(kvlist, WCNIC_ARG_GEN) != 0)) {
		WCNIC_LOG(ERR, "%s: %s=, %s=, %s=, %s=, %s= and %s= apply to the in-process device "
			  "(net_wcnic vdev) only", devargs->name, WCNIC_ARG_BACKEND,
			  WCNIC_ARG_DEV_BURST, WCNIC_ARG_FAULT, WCNIC_ARG_WC_SIM,
			  WCNIC_ARG_INTERFACE, WCNIC_ARG_GEN);
		ret = -EINVAL;
		goto out;
	}
	ret = wcnic_kvargs_process(kvlist, WCNIC_ARG_TX_MODE, parse_tx_mode, &args->tx_mode);
	if (ret == 0)
		ret = wcnic_kvargs_process(kvlist, WCNIC_ARG_QUEUES, parse_queues, &args->queues);
	if (ret == 0)
		ret = wcnic_kvargs_process(kvlist, WCNIC_ARG_ENTRY_SIZE, parse_entry_size,
					   &args->entry_size);
	if (ret == 0)
		ret = wcnic_kvargs_process(kvlist, WCNIC_ARG_BACKEND, parse_backend, &args->backend);
	if (ret == 0)
		ret = wcnic_kvargs_process(kvlist, WCNIC_ARG_MAC, parse_mac, args);
	if (ret == 0)
		ret = wcnic_kvargs_process(kvlist, WCNIC_ARG_DEV_BURST, parse_dev_burst,
					   &args->dev_burst_max);
	if (ret == 0)
		ret = wcnic_kvargs_process(kvlist, WCNIC_ARG_WC_STORE, parse_wc_store, args);
	if (ret == 0)
		ret = wcnic_kvargs_process(kvlist, WCNIC_ARG_FAULT, parse_fault, args);
	if (ret == 0)
		ret = wcnic_kvargs_process(kvlist, WCNIC_ARG_WC_SIM, parse_wc_sim, args);
	if (ret == 0)
		ret = wcnic_kvargs_process(kvlist, WCNIC_ARG_INTERFACE, parse_interface,
					   &args->interface_minor);
	if (ret == 0)
		ret = wcnic_kvargs_process(kvlist, WCNIC_ARG_GEN, parse_gen, &args->gen_mix);
	if (ret != 0)
		ret = -EINVAL;
out:
	rte_kvargs_free(kvlist);
	return ret;
}

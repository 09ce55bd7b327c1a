/* SPDX-License-Identifier: BSD-3-Clause */
/* Device arguments of net_wcnic: parsing and validation. */
#ifndef WCNIC_DEVARGS_H
#define WCNIC_DEVARGS_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_devargs.h>
#include <rte_ether.h>

#include "wc_store.h"
#include "wcnic_model.h"

#define WCNIC_ARG_TX_MODE     "tx_mode"
#define WCNIC_ARG_QUEUES      "queues"
#define WCNIC_ARG_ENTRY_SIZE  "entry_size"
#define WCNIC_ARG_BACKEND     "backend"
#define WCNIC_ARG_MAC         "mac"
#define WCNIC_ARG_DEV_BURST   "dev_burst_max"
#define WCNIC_ARG_WC_STORE    "wc_store"
#define WCNIC_ARG_FAULT       "fault"
#define WCNIC_ARG_WC_SIM      "wc_sim"
#define WCNIC_ARG_INTERFACE   "interface"
#define WCNIC_ARG_GEN         "gen"

/* What the user asked for; the mode a port runs also depends on its BAR. */
enum wcnic_tx_mode_request {
	WCNIC_TX_REQ_AUTO,   /* push on a write-combining BAR, DMA otherwise */
	WCNIC_TX_REQ_PUSH,
	WCNIC_TX_REQ_DMA,
};

struct wcnic_devargs {
	enum wcnic_tx_mode_request tx_mode;
	uint16_t queues;             /* queue pairs the port offers; 0: all the device has */
	uint16_t entry_size;         /* push entry bytes: 128 or 256 */
	enum wcnic_backend backend;  /* in-process device model only */
	uint16_t dev_burst_max;      /* in-process model: TX_BURST_MAX, 0 = default */
	enum wcnic_model_fault fault; /* in-process model: a fault to play ... */
	uint64_t fault_after_tx;     /* ... after this many packets */
	bool wc_sim;                 /* in-process model: simulated WC BAR (wc_sim.h) */
	uint64_t wc_sim_seed;        /* ... its eviction order */
	uint32_t interface_minor;    /* in-process model: device interface 1.<this> */
	bool gen_mix;                /* in-process model: gen back end's mixed frames */
	bool wc_store_set;
	enum wc_store_variant wc_store; /* push-mode line stores; default: widest */
	bool mac_set;
	struct rte_ether_addr mac;
};

/*
 * Parse a device's arguments into args, starting from the defaults.
 * vdev says whether the device is the in-process model (backend=,
 * dev_burst_max=, fault=, wc_sim=, interface= and gen= are only meaningful there). Returns 0, or -EINVAL after
 * logging which argument is wrong and what is accepted.
 */
int wcnic_devargs_parse(const struct rte_devargs *devargs, bool vdev,
			struct wcnic_devargs *args);

/* The devargs strings for RTE_PMD_REGISTER_PARAM_STRING: PCI devices take
 * the port's arguments, the in-process device also the model's. */
#define WCNIC_DEVARGS_PCI_HELP \
	WCNIC_ARG_TX_MODE "=auto|push|dma " \
	WCNIC_ARG_QUEUES "=<1-8> " \
	WCNIC_ARG_ENTRY_SIZE "=128|256 " \
	WCNIC_ARG_MAC "=<xx:xx:xx:xx:xx:xx> " \
	WCNIC_ARG_WC_STORE "=u64|sse2|avx2|avx512|movdir64b"
#define WCNIC_DEVARGS_HELP \
	WCNIC_DEVARGS_PCI_HELP " " \
	WCNIC_ARG_BACKEND "=sink|loopback|gen " \
	WCNIC_ARG_DEV_BURST "=<1-32768> " \
	WCNIC_ARG_FAULT "=error:<packets>|wedge:<packets> " \
	WCNIC_ARG_WC_SIM "=<seed> " \
	WCNIC_ARG_INTERFACE "=1.0|1.1 " \
	WCNIC_ARG_GEN "=udp|mix"

const char *wcnic_tx_mode_request_name(enum wcnic_tx_mode_request req);

/*
 * The line store push entries are written with: wc_store= if given, the
 * widest this CPU has otherwise. One answer for the queues, the simulated
 * BAR and what the port reports about itself.
 */
static inline enum wc_store_variant
wcnic_devargs_wc_store(const struct wcnic_devargs *args)
{
	return args->wc_store_set ? args->wc_store : wc_store_best();
}

#endif /* WCNIC_DEVARGS_H */

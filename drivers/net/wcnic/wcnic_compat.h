/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What differs between the DPDK releases net_wcnic builds against (22.11,
 * 24.11, 25.11): every release guard of the driver is here, and the .c
 * files use the helpers below instead.
 */
#ifndef WCNIC_COMPAT_H
#define WCNIC_COMPAT_H

#include <stdint.h>

#include <ethdev_driver.h>
#include <rte_kvargs.h>
#include <rte_thread.h>
#include <rte_version.h>

/*
 * The device model's control thread. 23.11 removed rte_ctrl_thread_create()
 * (pthread_t, void * entry) for rte_thread_create_control() (rte_thread_t,
 * uint32_t entry). Entry functions return wcnic_thread_ret_t and return 0.
 */
#if RTE_VERSION >= RTE_VERSION_NUM(23, 11, 0, 0)
typedef rte_thread_t wcnic_thread_t;
typedef uint32_t wcnic_thread_ret_t;

static inline int
wcnic_ctrl_thread_create(wcnic_thread_t *thread, const char *name,
			 wcnic_thread_ret_t (*fn)(void *), void *arg)
{
	return rte_thread_create_control(thread, name, fn, arg);
}

static inline void
wcnic_thread_join(wcnic_thread_t thread)
{
	rte_thread_join(thread, NULL);
}
#else
#include <pthread.h>

typedef pthread_t wcnic_thread_t;
typedef void *wcnic_thread_ret_t;

static inline int
wcnic_ctrl_thread_create(wcnic_thread_t *thread, const char *name,
			 wcnic_thread_ret_t (*fn)(void *), void *arg)
{
	return rte_ctrl_thread_create(thread, name, NULL, fn, arg);
}

static inline void
wcnic_thread_join(wcnic_thread_t thread)
{
	pthread_join(thread, NULL);
}
#endif

/*
 * Per-queue counters. 25.11 moved q_ipackets[] and friends out of struct
 * rte_eth_stats into struct eth_queue_stats, a third stats_get argument
 * that may be NULL; before, they are fields of the stats themselves.
 * wcnic_qstats_t is whichever holds them (same field names). The
 * stats_get operation is declared with WCNIC_QSTATS_PARAM after its stats
 * parameter, and passes WCNIC_QSTATS_ARG on as the wcnic_qstats_t *.
 */
#if RTE_VERSION >= RTE_VERSION_NUM(25, 11, 0, 0)
typedef struct eth_queue_stats wcnic_qstats_t;
#define WCNIC_QSTATS_PARAM , struct eth_queue_stats *qstats
#define WCNIC_QSTATS_ARG qstats
#else
typedef struct rte_eth_stats wcnic_qstats_t;
#define WCNIC_QSTATS_PARAM
#define WCNIC_QSTATS_ARG stats
#endif

/*
 * dev_supported_ptypes_get: 24.03 gave it a second parameter, where the
 * driver puts how many packet types its list has (the list needs no
 * RTE_PTYPE_UNKNOWN at its end any more); before, the list ends with
 * RTE_PTYPE_UNKNOWN. The operation is declared with WCNIC_PTYPES_PARAM
 * after its dev parameter, and hands WCNIC_PTYPES_COUNT, a size_t *, to
 * whatever fills in the list.
 */
#if RTE_VERSION >= RTE_VERSION_NUM(24, 3, 0, 0)
#define WCNIC_PTYPES_PARAM , size_t *no_of_elements
#define WCNIC_PTYPES_COUNT no_of_elements
#else
#define WCNIC_PTYPES_PARAM
#define WCNIC_PTYPES_COUNT (&(size_t){ 0 })
#endif

/*
 * Devargs handlers see a bare key ("queues" without "=N") as a NULL value
 * and explain what is missing. 24.11 made rte_kvargs_process() refuse a
 * bare key silently, before any handler runs; rte_kvargs_process_opt(),
 * new in 24.11, behaves as rte_kvargs_process() did before.
 */
static inline int
wcnic_kvargs_process(const struct rte_kvargs *kvlist, const char *key, arg_handler_t handler,
		     void *opaque)
{
#if RTE_VERSION >= RTE_VERSION_NUM(24, 11, 0, 0)
	return rte_kvargs_process_opt(kvlist, key, handler, opaque);
#else
	return rte_kvargs_process(kvlist, key, handler, opaque);
#endif
}

/*
 * Fast-path functions the driver does not implement (queue counts,
 * descriptor status, TX prepare, mbuf recycling). Before 25.11 ethdev
 * checks them for NULL (-ENOTSUP, or nothing to prepare); 25.11 calls them
 * unchecked and gives a port its dummies when the primary allocates it,
 * not when a secondary process attaches to it, where an unset one is a
 * call to address 0 (dpdk-proc-info --show-port asks rte_eth_rx_queue_count()).
 * A secondary process's port gets the dummies here.
 */
static inline void
wcnic_fast_path_dummies(struct rte_eth_dev *dev)
{
#if RTE_VERSION >= RTE_VERSION_NUM(25, 11, 0, 0)
	if (dev->tx_pkt_prepare == NULL)
		dev->tx_pkt_prepare = rte_eth_tx_pkt_prepare_dummy;
	if (dev->rx_queue_count == NULL)
		dev->rx_queue_count = rte_eth_queue_count_dummy;
	if (dev->tx_queue_count == NULL)
		dev->tx_queue_count = rte_eth_queue_count_dummy;
	if (dev->rx_descriptor_status == NULL)
		dev->rx_descriptor_status = rte_eth_descriptor_status_dummy;
	if (dev->tx_descriptor_status == NULL)
		dev->tx_descriptor_status = rte_eth_descriptor_status_dummy;
	if (dev->recycle_tx_mbufs_reuse == NULL)
		dev->recycle_tx_mbufs_reuse = rte_eth_recycle_tx_mbufs_reuse_dummy;
	if (dev->recycle_rx_descriptors_refill == NULL)
		dev->recycle_rx_descriptors_refill = rte_eth_recycle_rx_descriptors_refill_dummy;
#else
	RTE_SET_USED(dev);
#endif
}

/*
 * 25.11: rte_vfio.h no longer includes <linux/vfio.h>, which declares the
 * struct vfio_device_info that rte_vfio_setup_device() takes.
 */
#include <linux/vfio.h>

#endif /* WCNIC_COMPAT_H */

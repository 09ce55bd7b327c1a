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
 * 25.11: rte_vfio.h no longer includes <linux/vfio.h>, which declares the
 * struct vfio_device_info that rte_vfio_setup_device() takes.
 */
#include <linux/vfio.h>

#endif /* WCNIC_COMPAT_H */

/* SPDX-License-Identifier: BSD-3-Clause */
/* net_wcnic logging: one rte_log type, pmd.net.wcnic. */
#ifndef WCNIC_LOG_H
#define WCNIC_LOG_H

#include <rte_log.h>

extern int wcnic_logtype;

#define WCNIC_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, wcnic_logtype, "net_wcnic: " fmt "\n", ##__VA_ARGS__)

#endif /* WCNIC_LOG_H */

/* SPDX-License-Identifier: BSD-3-Clause */
/* The device control path (wcnic_dev.c): handshakes, CONTROL, errors, TX mode. */
#ifndef WCNIC_DEV_H
#define WCNIC_DEV_H

#include "wcnic_ethdev.h"

/*
 * Reset the device and read its limits. On a timeout the adapter is marked
 * wedged: the device may still be using host memory, so nothing it was
 * given may be freed. Limits the driver cannot work with: -EIO.
 */
int wcnic_dev_reset(struct wcnic_adapter *ad);

/*
 * What makes the limits read by wcnic_dev_reset() unusable, or NULL: no
 * queue; a ring size the driver cannot mask indices with or below the
 * smallest ring; an MTU below Ethernet's minimum; a per-doorbell budget of
 * 0, with which every TX burst would loop forever.
 */
const char *wcnic_dev_limits_problem(const struct wcnic_adapter *ad);

/* CONTROL.ENABLE with flags; on a refusal or a rejected ring, log, disable, -EIO. */
int wcnic_dev_enable(struct wcnic_adapter *ad, uint16_t port_id, uint32_t flags);

/* Clear CONTROL.ENABLE and wait until the device stops touching host memory
 * (resetting it if it does not); non-zero only when the device is wedged. */
int wcnic_dev_disable(struct wcnic_adapter *ad, uint16_t port_id);

/* Set or clear one CONTROL bit; the driver keeps the register's value. */
void wcnic_dev_control_bit(struct wcnic_adapter *ad, uint32_t bit, bool on);

/* Log the device's error registers and every queue it stopped. */
void wcnic_dev_log_error(const struct wcnic_adapter *ad, uint16_t port_id);

/* Log a device error once, the first time it is seen (polled from stats/link). */
void wcnic_dev_check_error(struct wcnic_adapter *ad, uint16_t port_id);

/* An error code for a reader, "bad_iova (DMA address outside granted
 * memory)", in buf; returns buf. */
const char *wcnic_dev_error_text(uint32_t code, char *buf, size_t size);

/* Pick the TX mode from tx_mode=, the features offered and the BAR's memory
 * type; -ENOTSUP when what was asked cannot run on this device. */
int wcnic_dev_choose_tx_mode(struct wcnic_adapter *ad, const char *name);

/* DRV_FEATURES for the chosen TX mode, plus the receive features the port
 * uses (WCNIC_F_RX_SCATTER, WCNIC_F_RSS) where the device offers them. */
uint64_t wcnic_dev_features_for_mode(const struct wcnic_adapter *ad, uint64_t rx_features);

#endif /* WCNIC_DEV_H */

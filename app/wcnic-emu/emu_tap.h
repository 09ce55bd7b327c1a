/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The tap back end: the device's port is a Linux TAP interface. Frames the
 * guest transmits (any queue) are written to the interface, where the host
 * stack, tcpdump or a bridge see them; frames the host sends out of the
 * interface are read and received by the guest on queue 0 (the device has
 * no receive-side scaling). It plugs into the model as its external back
 * end (struct wcnic_backend_ops) and runs on the model's poll thread.
 */
#ifndef EMU_TAP_H
#define EMU_TAP_H

#include <stdbool.h>
#include <stdint.h>

#include "wcnic_model.h"

/* Largest frame a read from the interface can return (its MTU may be up
 * to 64 KiB); the device itself takes frames up to WCNIC_MAX_FRAME_LEN. */
#define EMU_TAP_READ_MAX 65536u

struct emu_tap {
	int fd;
	char name[16];
	uint64_t tx_frames, tx_bytes;  /* guest -> interface, written */
	uint64_t tx_dropped;           /* guest frames the interface refused */
	uint64_t rx_frames, rx_bytes;  /* interface -> guest, read */
	uint64_t rx_dropped;           /* read but not taken by the device */
	int tx_errno, rx_errno;        /* last error reported, to say it once */
	uint8_t frame[EMU_TAP_READ_MAX];
};

extern const struct wcnic_backend_ops emu_tap_ops;

/*
 * Attach to the TAP interface name, creating it if it does not exist (it
 * then goes away at exit). verbose: say so on stdout. Returns 0, or -1
 * after printing why on stderr (with what to do: CAP_NET_ADMIN, or
 * 'ip tuntap add ... user').
 */
int emu_tap_open(struct emu_tap *t, const char *name, bool verbose);
void emu_tap_close(struct emu_tap *t);

#endif /* EMU_TAP_H */

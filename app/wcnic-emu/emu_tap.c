/* SPDX-License-Identifier: BSD-3-Clause */
/* The tap back end: see emu_tap.h. */
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "emu_tap.h"

/* Say what went wrong the first time, and again only when it changes:
 * a port that is down refuses every frame, one line is enough. */
static void report_once(const struct emu_tap *t, int *last, int err, const char *what)
{
	if (err == *last)
		return;
	*last = err;
	fprintf(stderr, "wcnic-emu: tap %s: %s: %s", t->name, what, strerror(err));
	if (err == EIO)
		fprintf(stderr, " (is the interface up? ip link set dev %s up)", t->name);
	fputc('\n', stderr);
}

static void tap_tx(void *ctx, unsigned int qi, const uint8_t *frame, uint32_t len)
{
	struct emu_tap *t = ctx;
	ssize_t n = write(t->fd, frame, len);

	(void)qi;
	if (n == (ssize_t)len) {
		t->tx_frames++;
		t->tx_bytes += len;
		return;
	}
	/* A port that is down (EIO) or a full queue (EAGAIN) drops the frame,
	 * as a wire without a peer would: the guest's TX goes on. */
	t->tx_dropped++;
	report_once(t, &t->tx_errno, n < 0 ? errno : EMSGSIZE, "frames from the guest dropped");
}

static unsigned int tap_rx_poll(void *ctx, struct wcnic_model *m, unsigned int qi,
				unsigned int room)
{
	struct emu_tap *t = ctx;
	unsigned int n;

	if (qi != 0)
		return 0;
	for (n = 0; n < room; n++) {
		ssize_t len = read(t->fd, t->frame, sizeof(t->frame));

		if (len < 0) {
			if (errno != EAGAIN && errno != EINTR)
				report_once(t, &t->rx_errno, errno, "cannot read frames");
			break;
		}
		t->rx_frames++;
		t->rx_bytes += (uint64_t)len;
		/* The device counts its own drops (RX_OVERSIZE, ...); this
		 * counts frames read from the interface it did not take. */
		if (!wcnic_model_rx(m, 0, t->frame, (uint32_t)len))
			t->rx_dropped++;
	}
	return n;
}

const struct wcnic_backend_ops emu_tap_ops = {
	.tx = tap_tx,
	.rx_poll = tap_rx_poll,
};

static const char *attach_hint(int err)
{
	switch (err) {
	case EPERM:
	case EACCES:
		return "creating a TAP interface needs CAP_NET_ADMIN (run as root); as another "
		       "user, create it first: ip tuntap add dev NAME mode tap user USER";
	case EBUSY:
		return "another process holds it (a single-queue TAP has one reader)";
	case EINVAL:
		return "an interface of that name exists and is not a single-queue TAP";
	default:
		return "";
	}
}

int emu_tap_open(struct emu_tap *t, const char *name, bool verbose)
{
	struct ifreq ifr;

	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "%s", name);
	/* Non-blocking: the poll loop must never wait for the interface. */
	t->fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (t->fd < 0) {
		fprintf(stderr, "wcnic-emu: --tap %s: cannot open /dev/net/tun: %s%s\n", name,
			strerror(errno), errno == ENOENT ? " (load the tun module)" : "");
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	/* Plain Ethernet frames: no packet-information header before them. */
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(t->fd, TUNSETIFF, &ifr) != 0) {
		int err = errno;

		fprintf(stderr, "wcnic-emu: --tap %s: cannot attach: %s%s%s\n", name, strerror(err),
			*attach_hint(err) != '\0' ? ": " : "", attach_hint(err));
		close(t->fd);
		t->fd = -1;
		return -1;
	}
	if (verbose)
		printf("wcnic-emu: tap %s attached (bring it up: ip link set dev %s up)\n", name,
		       name);
	return 0;
}

void emu_tap_close(struct emu_tap *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}

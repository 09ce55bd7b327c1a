/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wc-lifecycle-check: drivers/vfio (vfio-pci with VFIO_DEVICE_SET_MMAP_ATTRS)
 * under concurrency and lifecycle abuse, inside a test guest.
 *
 *   wc-lifecycle-check stress BDF SECONDS
 *   wc-lifecycle-check fork BDF HOST_WORD GUEST_WORD
 *   wc-lifecycle-check scm BDF HOST_WORD GUEST_WORD
 *   wc-lifecycle-check once BDF TAG
 *   wc-lifecycle-check hold BDF READY_FILE SECONDS [ASK_WORD]
 *
 * BAR2 must be a prefetchable memory BAR whose first 8 bytes the host set
 * to HOST_WORD (stress, once and hold need no host word). One line per
 * check on stdout, "NAME PASS", "NAME FAIL why" or "NAME SKIP why"; other
 * lines are information. Exit status 1 when a check failed, 2 on bad usage.
 *
 * stress: for SECONDS, rounds of half a second, each a fresh open (every
 * other one first mapped WC) with five threads on it: SET_MMAP_ATTRS WC and back, mmap/munmap of BAR2
 * with a load and a store, pread/pwrite on BAR2 and BAR0,
 * VFIO_DEVICE_IOEVENTFD add/kick/delete on BAR0 and BAR2, and
 * VFIO_DEVICE_RESET. Every call must answer success or an errno the UAPI
 * documents for it; after each round the BAR has one memory type, mapping
 * it gives that type, and the PAT list has no entry once it is closed;
 * after the last, a new open obtains WC.
 *
 * fork: a WC mapping inherited by a child, which writes GUEST_WORD over
 * BAR2 bytes 0x3000..0x303f; the parent sees it, the mapping stays WC and
 * usable after the child exits, and its PAT entry goes with the close.
 *
 * scm: the device fd passed over a Unix socket (SCM_RIGHTS) to a process
 * that never opened the device, the sender closing its own copy first; the
 * receiver asks WC, maps, writes GUEST_WORD over bytes 0x3040..0x307f.
 *
 * once: open, WC, map, check the PAT list, store and load back, close,
 * check the PAT entry is gone (names prefixed with TAG).
 *
 * hold: open, WC, map, store GUEST-independent bytes, register the
 * device-request eventfd, create READY_FILE, and wait up to SECONDS for
 * the kernel to ask for the device back (unbind, hot-unplug; ASK_WORD, when
 * given, is stored at BAR2 0x1010 first, for the host to see); then try
 * the mapping once more, report what happened, unmap and close.
 *
 * Built static: the guest has busybox and nothing else.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/pci_regs.h>
#include <linux/vfio.h>
#include <vfio_mmap_attrs.h>

#include "guest_check.h"
#include "vfiowc_priv.h"
#include "wc_barrier.h"

#define BAR 2
#define FORK_LINE 0x3000
#define SCM_LINE 0x3040
#define ONCE_LINE 0x3080
#define HOLD_LINE 0x30c0
#define STRESS_AT 0x4000		/* what the stress threads touch */

struct setup {
	const char *bdf;
	uint64_t host_word, guest_word;
	uint64_t bar_start, bar_end;	/* BAR2's physical range, end exclusive */
	uint64_t bar_offset;		/* its mmap offset on the device fd */
	uint64_t bar0_offset;
	size_t bar_size;
};

static struct vfiowc_dev *open_dev(const char *bdf)
{
	struct vfiowc_error err;
	struct vfiowc_dev *dev = vfiowc_open(bdf, NULL, &err);

	if (!dev)
		result("open", "FAIL", "%s", err.msg);
	return dev;
}

/* BAR2's place, read in an open that then maps nothing. */
static int find_bar(struct setup *s)
{
	struct vfiowc_dev *dev = open_dev(s->bdf);
	struct vfiowc_region r;
	char why[VFIOWC_TEXT_MAX];
	int ret = -1;

	if (!dev)
		return -1;
	if (region_info(dev, BAR, &r) == 0) {
		s->bar_offset = r.offset;
		s->bar_size = (size_t)r.size;
		if (region_info(dev, 0, &r) == 0) {
			s->bar0_offset = r.offset;
			if (vfiowc_bar_phys(dev, BAR, &s->bar_start, &s->bar_end, why,
					    sizeof(why)) == 0)
				ret = 0;
			else
				result("bar-phys", "FAIL", "%s", why);
		}
	}
	vfiowc_close(dev);
	return ret;
}

/* What pat_memtype_list says about BAR2: a type, "none" or "conflict". */
static const char *bar_memtype(const struct setup *s)
{
	return pat_memtype(s->bar_start, s->bar_end);
}

static bool expect_memtype(const char *name, const struct setup *s, const char *want)
{
	const char *got = bar_memtype(s);

	if (strcmp(got, want) == 0) {
		pass(name);
		return true;
	}
	result(name, "FAIL", "pat_memtype_list says %s for BAR%d, expected %s", got, BAR, want);
	return false;
}

static volatile uint64_t *map_bar(int fd, const struct setup *s, size_t length, uint64_t at,
				  int *err)
{
	void *p = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		       (off_t)(s->bar_offset + at));

	*err = p == MAP_FAILED ? errno : 0;
	return p == MAP_FAILED ? NULL : p;
}

/* ---- stress ---- */

enum { T_ATTRS, T_MMAP, T_RW, T_IOEVENTFD, T_RESET, T_COUNT };
static const char *const thread_names[T_COUNT] = {
	"attrs", "mmap", "rw", "ioeventfd", "reset",
};

struct stress {
	const struct setup *s;
	int fd;
	atomic_bool stop;
	/* per thread: calls that succeeded, were refused as documented, failed */
	atomic_ulong ok[T_COUNT], refused[T_COUNT], bad[T_COUNT];
	atomic_int first_bad[T_COUNT];	/* the first unexpected errno */
};

static void count(struct stress *st, int t, int err, bool refused)
{
	if (!err) {
		atomic_fetch_add(&st->ok[t], 1);
	} else if (refused) {
		atomic_fetch_add(&st->refused[t], 1);
	} else {
		int none = 0;

		atomic_fetch_add(&st->bad[t], 1);
		atomic_compare_exchange_strong(&st->first_bad[t], &none, err);
	}
}

/* WC on and off: success, or EBUSY once something fixed the type. */
static void *stress_attrs(void *arg)
{
	struct stress *st = arg;

	for (unsigned int i = 0; !st->stop; i++) {
		int err = set_attrs(st->fd, st->s->bar_offset + (i & 0xf) * 4096, i & 1);

		count(st, T_ATTRS, err, err == EBUSY);
	}
	return NULL;
}

/*
 * mmap of part of BAR2, a load and a store through it, munmap. mmap may
 * refuse with EBUSY (the entry asks the type the BAR is not fixed to). A
 * SIGBUS would mean the memory enable bit was off: nothing here clears it.
 */
static void *stress_mmap(void *arg)
{
	struct stress *st = arg;
	const size_t len = 4 * 4096;

	catch_sigbus();
	while (!st->stop) {
		volatile uint64_t *p;
		uint64_t v;
		int err;

		p = map_bar(st->fd, st->s, len, STRESS_AT, &err);
		count(st, T_MMAP, err, err == EBUSY);
		if (!p)
			continue;
		if (!load_word(p, &v) || !store_line(p + 8, v ^ 1))
			count(st, T_MMAP, EFAULT, false);
		munmap((void *)p, len);
	}
	return NULL;
}

/* pread/pwrite through the device fd, on BAR2 and on BAR0's first register. */
static void *stress_rw(void *arg)
{
	struct stress *st = arg;
	uint64_t w = 0;
	uint32_t r;

	for (unsigned int i = 0; !st->stop; i++) {
		off_t at = (off_t)(st->s->bar_offset + STRESS_AT + 0x100);
		ssize_t n = i & 1 ? pwrite(st->fd, &w, sizeof(w), at) : pread(st->fd, &w, sizeof(w), at);
		int err = n == sizeof(w) ? 0 : n < 0 ? errno : EIO;

		/* BAR2 not used yet, its kernel mapping WC (attrs): the first
		 * access must make it uncached, which is refused while another
		 * thread sets up an ioeventfd (doc/vfio-module.md). */
		count(st, T_RW, err, err == EBUSY);
		n = pread(st->fd, &r, sizeof(r), (off_t)st->s->bar0_offset);
		count(st, T_RW, n == sizeof(r) ? 0 : n < 0 ? errno : EIO, false);
	}
	return NULL;
}

static int ioeventfd(int fd, uint64_t offset, int efd)
{
	struct vfio_device_ioeventfd req = {
		.argsz = sizeof(req),
		.flags = VFIO_DEVICE_IOEVENTFD_32,
		.offset = offset,
		.data = 0x600DF00D,
		.fd = efd,
	};

	return ioctl(fd, VFIO_DEVICE_IOEVENTFD, &req) == 0 ? 0 : errno;
}

/*
 * Add an ioeventfd on BAR0 or BAR2, kick it (the kernel then writes through
 * its mapping of that BAR), delete it. Adding is refused with EBUSY on a
 * write-combined BAR; deleting one that is not there is ENODEV.
 */
static void *stress_ioeventfd(void *arg)
{
	struct stress *st = arg;
	int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	uint64_t one = 1;

	if (efd < 0) {
		count(st, T_IOEVENTFD, errno, false);
		return NULL;
	}
	for (unsigned int i = 0; !st->stop; i++) {
		uint64_t at = i & 1 ? st->s->bar_offset + STRESS_AT + 0x200 : st->s->bar0_offset + 4;
		int err = ioeventfd(st->fd, at, efd);

		count(st, T_IOEVENTFD, err, err == EBUSY);
		if (write(efd, &one, sizeof(one)) != sizeof(one) && errno != EAGAIN)
			count(st, T_IOEVENTFD, errno, false);
		err = ioeventfd(st->fd, at, -1);
		count(st, T_IOEVENTFD, err, err == ENODEV);
	}
	close(efd);
	return NULL;
}

static void *stress_reset(void *arg)
{
	struct stress *st = arg;
	struct timespec pause = { .tv_nsec = 20 * 1000 * 1000 };

	while (!st->stop) {
		count(st, T_RESET, ioctl(st->fd, VFIO_DEVICE_RESET) ? errno : 0, false);
		nanosleep(&pause, NULL);
	}
	return NULL;
}

/*
 * After the threads: the BAR has one type, and maps with it. Returns the
 * type (1 WC, 0 UC), -1 on failure.
 */
static int check_final_state(int fd, const struct setup *s, unsigned int round)
{
	volatile uint64_t *p;
	int wc = set_attrs(fd, s->bar_offset, VFIO_MMAP_ATTR_WRITE_COMBINE);
	int uc, err, ret = -1;

	if (wc && wc != EBUSY) {
		result("stress-final-attrs", "FAIL", "round %u: WC asked: %s", round, strerror(wc));
		return -1;
	}
	uc = set_attrs(fd, s->bar_offset, 0);
	if (!wc && !uc)
		wc = set_attrs(fd, s->bar_offset, VFIO_MMAP_ATTR_WRITE_COMBINE);
	if (wc && uc) {
		result("stress-final-attrs", "FAIL", "round %u: both WC (%s) and UC (%s) refused",
		       round, strerror(wc), strerror(uc));
		return -1;
	}
	if (!wc && set_attrs(fd, s->bar_offset, VFIO_MMAP_ATTR_WRITE_COMBINE)) {
		result("stress-final-attrs", "FAIL", "round %u: WC accepted, then refused", round);
		return -1;
	}
	p = map_bar(fd, s, s->bar_size, 0, &err);
	if (!p) {
		result("stress-final-mmap", "FAIL", "round %u: %s", round, strerror(err));
		return -1;
	}
	if (strcmp(bar_memtype(s), wc ? "uncached-minus" : "write-combining"))
		result("stress-final-pat", "FAIL", "round %u: pat_memtype_list says %s for BAR%d, "
		       "expected %s", round, bar_memtype(s), BAR,
		       wc ? "uncached-minus" : "write-combining");
	else
		ret = !wc;
	munmap((void *)p, s->bar_size);
	return ret;
}

/*
 * One round: a fresh open, the threads for `ms` milliseconds, the final
 * state, the close. The type of the round (1 WC, 0 UC), -1 on failure.
 */
static int stress_round(struct stress *st, const struct setup *s, unsigned int round,
			unsigned int ms)
{
	void *(*const fn[T_COUNT])(void *) = {
		stress_attrs, stress_mmap, stress_rw, stress_ioeventfd, stress_reset,
	};
	struct timespec pause = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
	struct vfiowc_dev *dev = open_dev(s->bdf);
	struct vfiowc_region r;
	pthread_t t[T_COUNT];
	int type = -1, started;

	if (!dev)
		return -1;
	st->fd = vfiowc_device_fd(dev);
	if (region_info(dev, BAR, &r) || region_info(dev, 0, &r)) {
		vfiowc_close(dev);
		return -1;
	}
	/*
	 * Even rounds start with a write-combined mmap, so the threads race on
	 * a WC BAR; odd rounds leave the first use to whichever thread wins.
	 */
	if (!(round & 1)) {
		volatile uint64_t *p;
		int err = set_attrs(st->fd, s->bar_offset, VFIO_MMAP_ATTR_WRITE_COMBINE);

		p = err ? NULL : map_bar(st->fd, s, 4096, 0, &err);
		if (!p)
			result("stress-round-wc-first", "FAIL", "round %u: %s", round, strerror(err));
		else
			munmap((void *)p, 4096);
	}
	st->stop = false;
	for (started = 0; started < T_COUNT; started++)
		if (pthread_create(&t[started], NULL, fn[started], st)) {
			result("stress-threads", "FAIL", "pthread_create failed");
			break;
		}
	if (started == T_COUNT)
		nanosleep(&pause, NULL);
	st->stop = true;
	for (int i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	if (started == T_COUNT)
		type = check_final_state(st->fd, s, round);
	vfiowc_close(dev);
	if (strcmp(bar_memtype(s), "none")) {
		result("stress-closed-pat-none", "FAIL", "round %u: after the close "
		       "pat_memtype_list says %s for BAR%d", round, bar_memtype(s), BAR);
		type = -1;
	}
	return type;
}

static void check_stress(struct setup *s, unsigned int seconds)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	struct stress st = { .s = s };
	unsigned int rounds = seconds * 2, types[2] = { 0, 0 }, failed = 0;
	struct vfiowc_dev *dev;
	struct vfiowc_region r;
	uint64_t word = 0;

	/* The host word, read before anything: the threads write elsewhere. */
	dev = open_dev(s->bdf);
	if (!dev)
		return;
	st.fd = vfiowc_device_fd(dev);
	if (region_info(dev, BAR, &r) ||
	    pread(st.fd, &word, sizeof(word), (off_t)s->bar_offset) != sizeof(word))
		result("stress-host-word", "FAIL", "pread: %s", strerror(errno));
	if (ioctl(st.fd, VFIO_DEVICE_GET_INFO, &info) || !(info.flags & VFIO_DEVICE_FLAGS_RESET))
		result("stress-reset-offered", "FAIL", "the device offers no reset here");
	vfiowc_close(dev);
	s->host_word = word;

	result_quiet = true;
	for (unsigned int round = 0; round < rounds; round++) {
		int type = stress_round(&st, s, round, 500);

		if (type < 0)
			failed++;
		else
			types[type]++;
	}
	result_quiet = false;
	for (int i = 0; i < T_COUNT; i++) {
		char name[64];

		snprintf(name, sizeof(name), "stress-%s-answers", thread_names[i]);
		if (st.bad[i])
			result(name, "FAIL", "%lu unexpected answers (first: %s); %lu ok, %lu refused",
			       (unsigned long)st.bad[i], strerror(st.first_bad[i]),
			       (unsigned long)st.ok[i], (unsigned long)st.refused[i]);
		else if (!st.ok[i])
			result(name, "FAIL", "no call succeeded (%lu refused)",
			       (unsigned long)st.refused[i]);
		else
			result(name, "PASS", "%lu ok, %lu refused as documented",
			       (unsigned long)st.ok[i], (unsigned long)st.refused[i]);
	}
	if (failed)
		result("stress-rounds", "FAIL", "%u of %u rounds failed (above)", failed, rounds);
	else
		result("stress-rounds", "PASS", "%u rounds: the BAR ended write-combining in %u, "
		       "uncached-minus in %u, one type each, none after the close", rounds,
		       types[1], types[0]);

	/* A new open after all that starts clean: WC is obtained. */
	dev = open_dev(s->bdf);
	if (!dev)
		return;
	st.fd = vfiowc_device_fd(dev);
	if (region_info(dev, BAR, &r) == 0) {
		volatile uint64_t *p;
		int err = set_attrs(st.fd, s->bar_offset, VFIO_MMAP_ATTR_WRITE_COMBINE);

		expect_errno("stress-reopen-wc", err, 0);
		p = map_bar(st.fd, s, s->bar_size, 0, &err);
		expect_errno("stress-reopen-mmap", err, 0);
		if (p) {
			expect_word("stress-reopen-reads-host-word", p, s->host_word);
			expect_memtype("stress-reopen-pat-write-combining", s, "write-combining");
			munmap((void *)p, s->bar_size);
		}
	}
	vfiowc_close(dev);
	expect_memtype("stress-reopen-closed-pat-none", s, "none");
}

/* ---- fork, scm, once ---- */

/* A fresh open with BAR2 asked and mapped WC; NULL after reporting why. */
static volatile uint64_t *open_wc(const char *tag, const struct setup *s, struct vfiowc_dev **dev)
{
	struct vfiowc_region r;
	volatile uint64_t *p;
	char name[64];
	int err;

	*dev = open_dev(s->bdf);
	if (!*dev)
		return NULL;
	if (region_info(*dev, BAR, &r))
		return NULL;
	snprintf(name, sizeof(name), "%s-wc-attrs", tag);
	expect_errno(name, set_attrs(vfiowc_device_fd(*dev), s->bar_offset,
				     VFIO_MMAP_ATTR_WRITE_COMBINE), 0);
	p = map_bar(vfiowc_device_fd(*dev), s, s->bar_size, 0, &err);
	snprintf(name, sizeof(name), "%s-wc-mmap", tag);
	expect_errno(name, err, 0);
	if (p) {
		snprintf(name, sizeof(name), "%s-pat-write-combining", tag);
		expect_memtype(name, s, "write-combining");
	}
	return p;
}

static void check_fork(const struct setup *s)
{
	struct vfiowc_dev *dev;
	volatile uint64_t *bar = open_wc("fork", s, &dev);
	int status, fd;
	pid_t child;

	if (!bar)
		return;
	fd = vfiowc_device_fd(dev);
	child = fork();
	if (child < 0) {
		result("fork", "FAIL", "fork: %s", strerror(errno));
		return;
	}
	if (child == 0) {
		/* The inherited mapping: reads the host, writes for the parent. */
		uint64_t v;

		if (!load_word(bar, &v) || v != s->host_word || !store_line(bar + FORK_LINE / 8,
									    s->guest_word))
			_exit(3);
		_exit(0);
	}
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status))
		result("fork-child-uses-mapping", "FAIL", "child status 0x%x (3: the mapping "
		       "did not read the host word or could not be written)", status);
	else
		pass("fork-child-uses-mapping");
	expect_word("fork-parent-sees-child-line", bar + FORK_LINE / 8 + 7, s->guest_word);
	expect_word("fork-mapping-after-child-exit", bar, s->host_word);
	if (!store_line(bar + FORK_LINE / 8 + 8, ~s->guest_word))
		result("fork-store-after-child-exit", "FAIL", "SIGBUS");
	else
		expect_word("fork-store-after-child-exit", bar + FORK_LINE / 8 + 15, ~s->guest_word);
	expect_memtype("fork-pat-still-write-combining", s, "write-combining");
	/* The child's exit closed its copies only: the open and its type remain. */
	expect_errno("fork-open-kept-type", set_attrs(fd, s->bar_offset, 0), EBUSY);
	munmap((void *)bar, s->bar_size);
	expect_memtype("fork-unmapped-pat-write-combining", s, "write-combining");
	vfiowc_close(dev);
	expect_memtype("fork-closed-pat-none", s, "none");
}

static int send_fd(int sock, int fd)
{
	char byte = 'F';
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	memset(&u, 0, sizeof(u));
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

static int recv_fd(int sock)
{
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *c;
	int fd;

	if (recvmsg(sock, &msg, 0) != 1)
		return -1;
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof(int)))
		return -1;
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

/*
 * The receiver, forked before the device was opened: it asks for WC
 * (GET_REGION_INFO first, as the tree wants), maps and writes.
 */
static int scm_receiver(int sock, const struct setup *s)
{
	struct vfio_region_info info = { .argsz = sizeof(info), .index = BAR };
	volatile uint64_t *bar;
	int fd = recv_fd(sock), err;

	if (fd < 0) {
		result("scm-receive-fd", "FAIL", "recvmsg: %s", strerror(errno));
		return 1;
	}
	pass("scm-receive-fd");
	expect_errno("scm-receiver-region-info",
		     ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, &info) ? errno : 0, 0);
	expect_errno("scm-receiver-wc-attrs",
		     set_attrs(fd, s->bar_offset, VFIO_MMAP_ATTR_WRITE_COMBINE), 0);
	bar = map_bar(fd, s, s->bar_size, 0, &err);
	expect_errno("scm-receiver-wc-mmap", err, 0);
	if (bar) {
		expect_memtype("scm-receiver-pat-write-combining", s, "write-combining");
		expect_word("scm-receiver-reads-host-word", bar, s->host_word);
		if (!store_line(bar + SCM_LINE / 8, s->guest_word))
			result("scm-receiver-writes", "FAIL", "SIGBUS");
		else
			expect_word("scm-receiver-writes", bar + SCM_LINE / 8 + 7, s->guest_word);
		munmap((void *)bar, s->bar_size);
	}
	close(fd);
	return failures() ? 1 : 0;
}

static void check_scm(const struct setup *s)
{
	struct vfiowc_dev *dev;
	int sv[2], status;
	pid_t child;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
		result("scm-socketpair", "FAIL", "%s", strerror(errno));
		return;
	}
	fflush(stdout);
	child = fork();
	if (child < 0) {
		result("scm-fork", "FAIL", "%s", strerror(errno));
		return;
	}
	if (child == 0) {
		close(sv[0]);
		_exit(scm_receiver(sv[1], s));
	}
	close(sv[1]);
	dev = open_dev(s->bdf);
	if (!dev) {
		close(sv[0]);
		waitpid(child, &status, 0);
		return;
	}
	if (send_fd(sv[0], vfiowc_device_fd(dev)))
		result("scm-send-fd", "FAIL", "sendmsg: %s", strerror(errno));
	else
		pass("scm-send-fd");
	/* Only the fd in flight, then the receiver's, keeps the device open. */
	vfiowc_close(dev);
	close(sv[0]);
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status))
		result("scm-receiver-exit", "FAIL", "receiver status 0x%x", status);
	else
		pass("scm-receiver-exit");
	expect_memtype("scm-closed-pat-none", s, "none");
}

static void check_once(const char *tag, const struct setup *s)
{
	struct vfiowc_dev *dev;
	volatile uint64_t *bar = open_wc(tag, s, &dev);
	char name[64];

	if (bar) {
		snprintf(name, sizeof(name), "%s-store-reads-back", tag);
		if (!store_line(bar + ONCE_LINE / 8, s->bar_start ^ 0x0DDBA11))
			result(name, "FAIL", "SIGBUS");
		else
			expect_word(name, bar + ONCE_LINE / 8 + 7, s->bar_start ^ 0x0DDBA11);
		munmap((void *)bar, s->bar_size);
	}
	if (dev)
		vfiowc_close(dev);
	snprintf(name, sizeof(name), "%s-closed-pat-none", tag);
	expect_memtype(name, s, "none");
}

/* ---- hold ---- */

static int request_eventfd(int fd)
{
	/* struct vfio_irq_set and its one eventfd (the flexible data[]): a
	 * buffer, as a struct with a flexible array cannot be nested. */
	union {
		struct vfio_irq_set set;
		uint8_t bytes[sizeof(struct vfio_irq_set) + sizeof(int32_t)];
	} req;
	int32_t efd = eventfd(0, EFD_CLOEXEC);

	if (efd < 0)
		return -1;
	memset(&req, 0, sizeof(req));
	req.set.argsz = sizeof(req);
	req.set.flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	req.set.index = VFIO_PCI_REQ_IRQ_INDEX;
	req.set.start = 0;
	req.set.count = 1;
	memcpy(req.set.data, &efd, sizeof(efd));
	if (ioctl(fd, VFIO_DEVICE_SET_IRQS, &req)) {
		close(efd);
		return -1;
	}
	return efd;
}

/* Where hold writes ASK_WORD: the host side of the test watches it. */
#define HOLD_ASK 0x1010

static void check_hold(const struct setup *s, const char *ready, unsigned int seconds,
		       uint64_t ask)
{
	struct vfiowc_dev *dev;
	volatile uint64_t *bar = open_wc("hold", s, &dev);
	struct pollfd pfd;
	uint64_t v;
	int efd, n;
	FILE *f;

	if (!bar)
		return;
	catch_sigbus();
	if (!store_line(bar + HOLD_LINE / 8, s->bar_start))
		result("hold-store", "FAIL", "SIGBUS");
	else
		expect_word("hold-store", bar + HOLD_LINE / 8 + 7, s->bar_start);
	efd = request_eventfd(vfiowc_device_fd(dev));
	if (efd < 0) {
		result("hold-request-eventfd", "FAIL", "VFIO_DEVICE_SET_IRQS (REQ): %s",
		       strerror(errno));
		return;
	}
	pass("hold-request-eventfd");
	f = fopen(ready, "w");
	if (f)
		fclose(f);
	if (ask) {
		bar[HOLD_ASK / 8] = ask;
		wc_barrier_flush_wc_store();
	}
	pfd = (struct pollfd){ .fd = efd, .events = POLLIN };
	n = poll(&pfd, 1, (int)seconds * 1000);
	if (n == 1)
		pass("hold-device-requested");
	else
		result("hold-device-requested", "FAIL", "no request from the kernel in %u s", seconds);
	/* The kernel asked: the mapping until we let go (information). */
	if (load_word(bar + HOLD_LINE / 8 + 7, &v))
		printf("hold-access-after-request %s\n", v == s->bar_start ? "reads-back" : "differs");
	else
		printf("hold-access-after-request SIGBUS\n");
	munmap((void *)bar, s->bar_size);
	close(efd);
	vfiowc_close(dev);
	pass("hold-released");
}

static int parse_u64(const char *text, uint64_t *value)
{
	char *end;

	errno = 0;
	*value = strtoull(text, &end, 0);
	return errno || end == text || *end ? -1 : 0;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: wc-lifecycle-check stress BDF SECONDS\n"
		"       wc-lifecycle-check fork|scm BDF HOST_WORD GUEST_WORD\n"
		"       wc-lifecycle-check once BDF TAG\n"
		"       wc-lifecycle-check hold BDF READY_FILE SECONDS [ASK_WORD]\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct setup s = { 0 };
	const char *mode = argc > 1 ? argv[1] : "";
	uint64_t n = 0;

	if (argc < 3)
		return usage();
	s.bdf = argv[2];
	if ((strcmp(mode, "stress") == 0 && (argc != 4 || parse_u64(argv[3], &n) || !n)) ||
	    ((strcmp(mode, "fork") == 0 || strcmp(mode, "scm") == 0) &&
	     (argc != 5 || parse_u64(argv[3], &s.host_word) || parse_u64(argv[4], &s.guest_word))) ||
	    (strcmp(mode, "once") == 0 && argc != 4) ||
	    (strcmp(mode, "hold") == 0 && ((argc != 5 && argc != 6) || parse_u64(argv[4], &n) ||
					  !n || (argc == 6 && parse_u64(argv[5], &s.guest_word)))))
		return usage();
	if (strcmp(mode, "stress") && strcmp(mode, "fork") && strcmp(mode, "scm") &&
	    strcmp(mode, "once") && strcmp(mode, "hold"))
		return usage();
	if (find_bar(&s))
		return 1;
	catch_sigbus();
	if (strcmp(mode, "stress") == 0)
		check_stress(&s, (unsigned int)n);
	else if (strcmp(mode, "fork") == 0)
		check_fork(&s);
	else if (strcmp(mode, "scm") == 0)
		check_scm(&s);
	else if (strcmp(mode, "once") == 0)
		check_once(argv[3], &s);
	else
		check_hold(&s, argv[3], (unsigned int)n, s.guest_word);
	return failures() ? 1 : 0;
}

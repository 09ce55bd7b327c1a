/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wcnic-emu: the wcnic device model as a host process, the hardware
 * behind a QEMU guest's ivshmem-plain device. It maps the BAR file and
 * the guest's RAM file, grants the device the RAM at its q35
 * guest-physical addresses (emu_guest_mem.h), becomes the device and
 * polls it on this one thread until SIGINT or SIGTERM. SIGUSR1 writes the
 * counters on the way. doc/wcnic-emu.md has the whole story.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file_atomic.h"
#include "emu.h"
#include "emu_report.h"

/*
 * The signal handlers only set flags. wake makes wcnic_model_run() return
 * (it is lock-free, so storing it in a handler is safe); the main loop
 * then looks at the other two. A signal that lands between the loop's
 * checks and the next wcnic_model_run() still finds wake set, so none is
 * lost.
 */
static atomic_bool wake;
static volatile sig_atomic_t stop_signal;
static volatile sig_atomic_t dump_pending;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		dump_pending = 1;
	else
		stop_signal = sig;
	atomic_store_explicit(&wake, true, memory_order_release);
}

static int install_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGUSR1 };
	struct sigaction sa;
	unsigned int i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		if (sigaction(sigs[i], &sa, NULL) != 0) {
			fprintf(stderr, "wcnic-emu: cannot handle signal %d: %s\n", sigs[i],
				strerror(errno));
			return -1;
		}
	}
	return 0;
}

static void fill_ready_file(FILE *f, void *arg)
{
	(void)arg;
	fprintf(f, "%ld\n", (long)getpid());
}

/* The ready file appears complete or not at all: the bench polls for it. */
static int write_ready_file(const char *path)
{
	const char *step;

	if (file_write_atomic(path, fill_ready_file, NULL, &step) != 0) {
		fprintf(stderr, "wcnic-emu: ready file %s: cannot %s it: %s\n", path, step,
			strerror(errno));
		return -1;
	}
	return 0;
}

static int map_files(struct emu *e)
{
	int ret;

	if (emu_file_map("--bar", e->cfg.bar_path, 0, WCNIC_BAR_MIN_SIZE, &e->bar) != 0 ||
	    emu_file_map("--ram", e->cfg.ram_path, e->cfg.ram_size, 1, &e->ram) != 0)
		return -1;
	ret = guest_mem_grant(&e->dma, e->ram.addr, e->ram.len, &e->layout);
	if (ret != 0) {
		fprintf(stderr, "wcnic-emu: --ram %s: %" PRIu64 " bytes of guest RAM: %s\n",
			e->cfg.ram_path, e->ram.len,
			ret == -EINVAL ? "q35 would place its top in the AMD HyperTransport hole "
					 "below 1 TiB, not supported" : strerror(-ret));
		return -1;
	}
	return 0;
}

static void print_setup(const struct emu *e)
{
	const struct wcnic_model_params *p = &e->cfg.params;

	printf("wcnic-emu: pid %ld, device ready, backend %s\n", (long)getpid(),
	       emu_backend_name(&e->cfg));
	printf("  BAR %s: %" PRIu64 " bytes\n", e->cfg.bar_path, e->bar.len);
	printf("  RAM %s: %" PRIu64 " bytes, guest-physical [0, 0x%" PRIx64 ")", e->cfg.ram_path,
	       e->ram.len, e->layout.low.len);
	if (e->layout.high.len != 0)
		printf(" and [0x%" PRIx64 ", 0x%" PRIx64 ") from file offset 0x%" PRIx64,
		       e->layout.high.gpa, guest_mem_gpa_end(&e->layout), e->layout.high.file_off);
	printf("\n");
	if (e->cfg.verbosity < EMU_VERBOSE)
		return;
	printf("  BAR mapped at %p, RAM at %p\n", (void *)e->bar.addr, (void *)e->ram.addr);
	printf("  queues %u, tx_burst_max %u, max_mtu %u, max_ring_size %u, link %u Mbit/s,"
	       " features 0x%" PRIx64 ", mac %02x:%02x:%02x:%02x:%02x:%02x\n",
	       p->max_queues, p->tx_burst_max, p->max_mtu, p->max_ring_size, p->link_speed,
	       p->dev_features, p->mac[0], p->mac[1], p->mac[2], p->mac[3], p->mac[4], p->mac[5]);
	if (p->backend == WCNIC_BACKEND_GEN)
		printf("  gen frames of %u bytes\n", p->gen_frame_len);
	if (e->cfg.ready_path != NULL)
		printf("  ready file %s\n", e->cfg.ready_path);
}

/* Counters to the JSON file (or, without one, to stdout). */
static int report(const struct emu *e, bool final)
{
	struct wcnic_model_stats s;

	wcnic_model_stats(e->model, &s);
	if (final && e->cfg.verbosity != EMU_QUIET)
		emu_report_print(e, &s, stdout);
	if (e->cfg.stats_path != NULL)
		return emu_report_json(e, &s, e->cfg.stats_path);
	if (!final)
		emu_report_print(e, &s, stdout);
	return 0;
}

/* Poll the device until a stop signal, serving SIGUSR1 on the way. */
static int serve(struct emu *e)
{
	int ret = 0;

	for (;;) {
		wcnic_model_run(e->model, &wake);
		atomic_store_explicit(&wake, false, memory_order_relaxed);
		if (stop_signal != 0)
			break;
		if (dump_pending) {
			dump_pending = 0;
			if (report(e, false) != 0)
				ret = -1;
			fflush(stdout);
		}
	}
	if (e->cfg.verbosity != EMU_QUIET)
		printf("wcnic-emu: stopped by %s\n", strsignal(stop_signal));
	if (report(e, true) != 0)
		ret = -1;
	return ret;
}

static int run(struct emu *e)
{
	if (map_files(e) != 0)
		return EMU_EXIT_FAIL;
	if (e->cfg.tap_name != NULL) {
		e->tap = malloc(sizeof(*e->tap));
		if (e->tap == NULL || emu_tap_open(e->tap, e->cfg.tap_name,
						   e->cfg.verbosity == EMU_VERBOSE) != 0) {
			if (e->tap == NULL)
				fprintf(stderr, "wcnic-emu: out of memory\n");
			return EMU_EXIT_FAIL;
		}
		e->cfg.params.ext_ops = &emu_tap_ops;
		e->cfg.params.ext_ctx = e->tap;
	}
	if (install_signals() != 0)
		return EMU_EXIT_FAIL;
	e->model = wcnic_model_create(e->bar.addr, e->bar.len, &e->dma, &e->cfg.params);
	if (e->model == NULL) {
		fprintf(stderr, "wcnic-emu: cannot create the device: %s\n", strerror(errno));
		return EMU_EXIT_FAIL;
	}
	if (e->cfg.verbosity != EMU_QUIET)
		print_setup(e);
	if (e->cfg.ready_path != NULL && write_ready_file(e->cfg.ready_path) != 0)
		return EMU_EXIT_FAIL;
	fflush(stdout);
	return serve(e) == 0 ? EMU_EXIT_OK : EMU_EXIT_FAIL;
}

int main(int argc, char **argv)
{
	struct emu *e = calloc(1, sizeof(*e));
	int ret;

	if (e == NULL) {
		fprintf(stderr, "wcnic-emu: out of memory\n");
		return EMU_EXIT_FAIL;
	}
	wcnic_dma_map_init(&e->dma);
	ret = emu_config_parse(argc, argv, &e->cfg);
	if (ret == 0)
		ret = run(e);
	else if (ret < 0)
		ret = EMU_EXIT_OK;  /* --help or --version */
	/* The device is gone: so is the readiness it announced. */
	if (e->model != NULL && e->cfg.ready_path != NULL)
		unlink(e->cfg.ready_path);
	wcnic_model_destroy(e->model);
	if (e->tap != NULL)
		emu_tap_close(e->tap);
	free(e->tap);
	emu_file_unmap(&e->ram);
	emu_file_unmap(&e->bar);
	free(e);
	return ret;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The net_wcnic virtual device: the wcnic device model runs in this
 * process, on a DPDK control thread (never on a forwarding lcore), over a
 * BAR that is ordinary host memory.
 *
 * Device addresses are virtual addresses here: the model shares our
 * address space, so the driver hands it VAs, and the model's DMA map grants
 * the virtual area of every DPDK memory segment list, reserved or backed.
 * Granting the whole reservation, not the pages backed so far, is what an
 * IOVA=VA IOMMU setup does too: pages DPDK backs later, frees or merges
 * into larger heap blocks are all covered without a grant per event, and
 * a buffer never straddles two grants. The driver only hands the device
 * buffers in backed memory.
 *
 * The BAR lives in a DPDK memzone: secondary processes (dpdk-proc-info,
 * dpdk-dumpcap) see it at the same address and read its registers and
 * counters as the primary does; only the primary runs the device.
 *
 * Memory type: the BAR is write-back memory, not device memory. The push
 * path writes it with non-temporal stores, which the CPU orders like
 * write-combining stores (weakly, until an SFENCE), so for the driver's
 * ordering rules the mapping behaves as write-combining and counts as such
 * for tx_mode=auto; it is reported as not verified by the kernel.
 */
#include <inttypes.h>
#include <stdatomic.h>
#include <string.h>

#include <bus_vdev_driver.h>
#include <ethdev_vdev.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_memory.h>
#include <rte_memzone.h>
#include <rte_pause.h>

#include "wcnic_compat.h"
#include "wcnic_ethdev.h"
#include "wcnic_log.h"
#include "wcnic_model.h"
#include "wc_sim.h"

#define WCNIC_VDEV_BAR_SIZE (1u << 20)  /* the layout needs 576 KiB */

struct wcnic_vdev {
	void *bar;
	const struct rte_memzone *bar_mz;
	bool bar_simulated;  /* attached to the write-combining simulator */
	struct wcnic_model *model;
	wcnic_thread_t thread;
	bool thread_started;
	atomic_bool stop;
	char name[RTE_DEV_NAME_MAX_LEN];
	struct wcnic_dma_map dma;  /* large: kept last */
};

static int
grant_segment_list(const struct rte_memseg_list *msl, void *arg)
{
	struct wcnic_vdev *vd = arg;
	int ret;

	if (msl->base_va == NULL || msl->len == 0)
		return 0;
	ret = wcnic_dma_grant(&vd->dma, (uint64_t)(uintptr_t)msl->base_va, msl->base_va,
			      msl->len);
	if (ret != 0) {
		WCNIC_LOG(ERR, "%s: cannot let the device reach %zu bytes at %p: %s",
			  vd->name, msl->len, msl->base_va, strerror(-ret));
		return -1;
	}
	return 0;
}

/*
 * The simulator's observe callback (wc_sim_params): a register write left
 * the simulated WC buffers ahead of older stores. Return once the model
 * thread has run a whole pass since, so it has acted on the write before
 * anything else arrives, as a real device could; at most 100 ms, in case
 * the thread is stopping.
 */
static void
vdev_observe(void *arg)
{
	struct wcnic_vdev *vd = arg;
	uint64_t seen = wcnic_model_polls(vd->model);
	uint64_t deadline = rte_get_timer_cycles() + rte_get_timer_hz() / 10;

	while (wcnic_model_polls(vd->model) < seen + 2 && rte_get_timer_cycles() < deadline)
		rte_pause();
}

/* wc_sim=: the BAR behind simulated write-combining, push rings written
 * in whole lines only (doc/device-spec.md, 8.3). */
static int
vdev_simulate_wc(struct wcnic_vdev *vd, const struct wcnic_devargs *args)
{
	const struct wc_sim_params p = {
		.base = vd->bar,
		.len = WCNIC_VDEV_BAR_SIZE,
		.lines_off = WCNIC_PUSH_AREA_OFF,
		.lines_len = (size_t)WCNIC_MAX_QUEUES * WCNIC_PUSH_RING_BYTES,
		.seed = args->wc_sim_seed,
		.lines_variant = wcnic_devargs_wc_store(args),
		.observe = vdev_observe,
		.ctx = vd,
	};
	int ret = wc_sim_attach(&p);

	if (ret != 0) {
		WCNIC_LOG(ERR, "%s: cannot simulate write-combining: %s", vd->name, strerror(-ret));
		return ret;
	}
	vd->bar_simulated = true;
	return 0;
}

static wcnic_thread_ret_t
model_thread(void *arg)
{
	struct wcnic_vdev *vd = arg;

	wcnic_model_run(vd->model, &vd->stop);
	return 0;
}

/* Everything DPDK can allocate was granted at probe. */
static int
vdev_dma_prepare(struct wcnic_adapter *ad __rte_unused)
{
	return 0;
}

static void
vdev_teardown(struct wcnic_vdev *vd)
{
	if (vd == NULL)
		return;
	if (vd->thread_started) {
		atomic_store(&vd->stop, true);
		wcnic_thread_join(vd->thread);
	}
	if (vd->bar_simulated)
		wc_sim_detach(vd->bar);
	wcnic_model_destroy(vd->model);
	rte_memzone_free(vd->bar_mz);
	rte_free(vd);
}

static void
vdev_close(struct wcnic_adapter *ad)
{
	vdev_teardown(ad->transport);
	ad->transport = NULL;
}

static const struct wcnic_transport_ops vdev_ops = {
	.dma_prepare = vdev_dma_prepare,
	.close = vdev_close,
};

static struct wcnic_vdev *
vdev_device_create(const char *name, const struct wcnic_devargs *args)
{
	struct wcnic_model_params params;
	struct wcnic_vdev *vd;
	char thread_name[RTE_MAX_THREAD_NAME_LEN];
	char mz_name[RTE_MEMZONE_NAMESIZE];

	vd = rte_zmalloc("wcnic_vdev", sizeof(*vd), RTE_CACHE_LINE_SIZE);
	if (vd == NULL)
		return NULL;
	snprintf(vd->name, sizeof(vd->name), "%s", name);
	wcnic_dma_map_init(&vd->dma);

	/* Shared memory, so secondary processes can read the registers. */
	snprintf(mz_name, sizeof(mz_name), "wcnic_bar_%.20s", name);
	vd->bar_mz = rte_memzone_reserve_aligned(mz_name, WCNIC_VDEV_BAR_SIZE, SOCKET_ID_ANY, 0,
						 RTE_PGSIZE_4K);
	if (vd->bar_mz == NULL) {
		WCNIC_LOG(ERR, "%s: no memory for the BAR (memzone %s): %s", name, mz_name,
			  rte_strerror(rte_errno));
		goto fail;
	}
	vd->bar = vd->bar_mz->addr;
	/* A memzone may hold what a previous user left: the model clears the
	 * pages it defines, the rest starts at zero too. */
	memset(vd->bar, 0, WCNIC_VDEV_BAR_SIZE);
	wcnic_model_params_init(&params);
	params.backend = args->backend;
	if (args->dev_burst_max != 0)
		params.tx_burst_max = args->dev_burst_max;
	params.fault = args->fault;
	params.fault_after_tx = args->fault_after_tx;
	params.interface_minor = args->interface_minor;
	params.gen_mix = args->gen_mix;
	vd->model = wcnic_model_create(vd->bar, WCNIC_VDEV_BAR_SIZE, &vd->dma, &params);
	if (vd->model == NULL)
		goto fail;

	if (rte_memseg_list_walk(grant_segment_list, vd) != 0)
		goto fail;
	if (args->wc_sim && vdev_simulate_wc(vd, args) != 0)
		goto fail;

	snprintf(thread_name, sizeof(thread_name), "wcnic-%s", name);
	if (wcnic_ctrl_thread_create(&vd->thread, thread_name, model_thread, vd) != 0)
		goto fail;
	vd->thread_started = true;
	return vd;
fail:
	WCNIC_LOG(ERR, "%s: cannot start the in-process device model", name);
	vdev_teardown(vd);
	return NULL;
}

static int
wcnic_vdev_probe(struct rte_vdev_device *vdev)
{
	const char *name = rte_vdev_device_name(vdev);
	struct wcnic_devargs args;
	char detail[48];
	struct wcnic_adapter *ad;
	struct rte_eth_dev *dev;
	int ret;

	/* A secondary process looks at the primary's port; the device model
	 * and its thread stay the primary's, the BAR is in a memzone. */
	if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
		dev = rte_eth_dev_attach_secondary(name);
		if (dev == NULL) {
			WCNIC_LOG(ERR, "%s: the primary process has no such port", name);
			return -ENODEV;
		}
		wcnic_ethdev_attach_secondary(dev, &vdev->device);
		return 0;
	}
	ret = wcnic_devargs_parse(vdev->device.devargs, true, &args);
	if (ret != 0)
		return ret;

	dev = rte_eth_vdev_allocate(vdev, sizeof(*ad));
	if (dev == NULL)
		return -ENOMEM;
	ad = wcnic_adapter(dev);
	ad->args = args;
	ad->ops = &vdev_ops;
	ad->dma_addr_is_va = true;
	ad->transport = vdev_device_create(name, &args);
	if (ad->transport == NULL) {
		rte_eth_dev_release_port(dev);
		return -ENOMEM;
	}
	ad->bar.base = ((struct wcnic_vdev *)ad->transport)->bar;
	ad->bar.len = WCNIC_VDEV_BAR_SIZE;
	ad->bar.simulated = args.wc_sim;
	ad->info.mem_type = RTE_PMD_WCNIC_MEM_WC;
	ad->info.mem_type_verified = false;
	if (args.wc_sim)
		snprintf(ad->info.mem_type_source, sizeof(ad->info.mem_type_source),
			 "in-process model, simulated WC, seed %" PRIu64,
			 args.wc_sim_seed);
	else
		snprintf(ad->info.mem_type_source, sizeof(ad->info.mem_type_source),
			 "in-process device model (host memory)");

	snprintf(detail, sizeof(detail), "backend %s, ", wcnic_backend_name(args.backend));
	return wcnic_ethdev_probe_finish(dev, name, detail);
}

static int
wcnic_vdev_remove(struct rte_vdev_device *vdev)
{
	return wcnic_ethdev_remove(rte_vdev_device_name(vdev));
}

static struct rte_vdev_driver wcnic_vdev_driver = {
	.probe = wcnic_vdev_probe,
	.remove = wcnic_vdev_remove,
};

RTE_PMD_REGISTER_VDEV(net_wcnic, wcnic_vdev_driver);
RTE_PMD_REGISTER_PARAM_STRING(net_wcnic, WCNIC_DEVARGS_HELP);

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
 * Memory type: the BAR is write-back memory, not device memory. The push
 * path writes it with non-temporal stores, which the CPU orders like
 * write-combining stores (weakly, until an SFENCE), so for the driver's
 * ordering rules the mapping behaves as write-combining and counts as such
 * for tx_mode=auto; it is reported as not verified by the kernel.
 */
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>

#include <bus_vdev_driver.h>
#include <ethdev_vdev.h>
#include <rte_memory.h>

#include "wcnic_compat.h"
#include "wcnic_ethdev.h"
#include "wcnic_log.h"
#include "wcnic_model.h"

#define WCNIC_VDEV_BAR_SIZE (1u << 20)  /* the layout needs 576 KiB */

struct wcnic_vdev {
	void *bar;
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
	wcnic_model_destroy(vd->model);
	if (vd->bar != NULL)
		munmap(vd->bar, WCNIC_VDEV_BAR_SIZE);
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

	vd = rte_zmalloc("wcnic_vdev", sizeof(*vd), RTE_CACHE_LINE_SIZE);
	if (vd == NULL)
		return NULL;
	snprintf(vd->name, sizeof(vd->name), "%s", name);
	wcnic_dma_map_init(&vd->dma);

	vd->bar = mmap(NULL, WCNIC_VDEV_BAR_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (vd->bar == MAP_FAILED) {
		vd->bar = NULL;
		goto fail;
	}
	wcnic_model_params_init(&params);
	params.backend = args->backend;
	if (args->dev_burst_max != 0)
		params.tx_burst_max = args->dev_burst_max;
	params.fault = args->fault;
	params.fault_after_tx = args->fault_after_tx;
	vd->model = wcnic_model_create(vd->bar, WCNIC_VDEV_BAR_SIZE, &vd->dma, &params);
	if (vd->model == NULL)
		goto fail;

	if (rte_memseg_list_walk(grant_segment_list, vd) != 0)
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

	if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
		WCNIC_LOG(ERR, "%s: secondary processes are not supported", name);
		return -ENOTSUP;
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
	ad->info.mem_type = RTE_PMD_WCNIC_MEM_WC;
	ad->info.mem_type_verified = false;
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

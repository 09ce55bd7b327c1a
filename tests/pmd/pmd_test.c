/* SPDX-License-Identifier: BSD-3-Clause */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>

#include "pmd_test.h"
#include "rte_pmd_wcnic.h"

/* The test's pool (pmd_test_pool()), checked by pmd_test_finish(). */
static struct rte_mempool *test_pool;

/*
 * The device model's own arguments (backend=, dev_burst_max=) configure the
 * in-process model; on a PCI device the model is wcnic-emu, which the
 * caller started with the matching options. Returns the port's arguments.
 */
static void
port_devargs(const char *devargs, char *out, size_t size)
{
	char copy[256], *save = NULL, *kv;
	size_t len = 0;

	snprintf(copy, sizeof(copy), "%s", devargs);
	out[0] = '\0';
	for (kv = strtok_r(copy, ",", &save); kv != NULL; kv = strtok_r(NULL, ",", &save)) {
		if (strncmp(kv, "backend=", 8) == 0 || strncmp(kv, "dev_burst_max=", 14) == 0)
			continue;
		len += (size_t)snprintf(out + len, size - len, "%s%s", len ? "," : "", kv);
		if (len >= size)
			break;
	}
}

void
pmd_test_eal_init(const char *prog, const char *devargs)
{
	const char *pci = getenv(PMD_TEST_PCI_VARIABLE), *expect_mem;
	char dev[256], prefix[64], port_args[256];
	char *vdev_eal[] = { (char *)(uintptr_t)prog, "-l", "0", "--no-pci", "--no-huge", "-m", "256",
			     "--no-shconf", "--no-telemetry", prefix, "--vdev", dev,
			     "--log-level=pmd.net.wcnic:info" };
	/* A PCI device: hugepages, and physical addresses for the device model
	 * behind the ivshmem carrier (doc/pci-path.md). */
	char *pci_eal[] = { (char *)(uintptr_t)prog, "-l", "0", "--iova-mode=pa", "-m", "128",
			    "--no-shconf", "--no-telemetry", prefix, "-a", dev,
			    "--log-level=pmd.net.wcnic:info" };
	struct rte_pmd_wcnic_port_info info;
	int ret;

	snprintf(prefix, sizeof(prefix), "--file-prefix=wcnic_t%d", (int)getpid());
	if (pci != NULL && pci[0] != '\0') {
		port_devargs(devargs, port_args, sizeof(port_args));
		snprintf(dev, sizeof(dev), "%s,%s", pci, port_args);
		ret = rte_eal_init((int)RTE_DIM(pci_eal), pci_eal);
	} else {
		snprintf(dev, sizeof(dev), "net_wcnic0,%s", devargs);
		ret = rte_eal_init((int)RTE_DIM(vdev_eal), vdev_eal);
	}
	REQUIRE(ret >= 0, "EAL init with device %s", dev);
	/* Also what makes the linker keep the driver this program links. */
	REQUIRE(rte_pmd_wcnic_get_port_info(0, &info) == 0, "port 0 is not a net_wcnic port");
	expect_mem = getenv(PMD_TEST_EXPECT_MEM_VARIABLE);
	if (expect_mem != NULL && expect_mem[0] != '\0')
		CHECK(strcmp(rte_pmd_wcnic_mem_type_name(info.mem_type), expect_mem) == 0 &&
		      info.mem_type_verified, "BAR memory type %s (%s, %s), expected %s, verified",
		      rte_pmd_wcnic_mem_type_name(info.mem_type), info.mem_type_source,
		      info.mem_type_verified ? "verified" : "not verified", expect_mem);
}

struct rte_mempool *
pmd_test_pool(unsigned int n)
{
	test_pool = rte_pktmbuf_pool_create("pmd_test", n, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	return test_pool;
}

struct rte_mbuf *
pmd_test_frame(struct rte_mempool *mp, uint32_t len, uint16_t seg_max,
	       uint8_t (*byte)(uint32_t i, const void *ctx), const void *ctx)
{
	struct rte_mbuf *head = NULL, *tail = NULL;
	uint32_t off = 0;

	while (off < len) {
		uint16_t chunk = (uint16_t)RTE_MIN(len - off, (uint32_t)seg_max);
		struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
		uint8_t *p;
		uint32_t i;

		if (m == NULL) {
			rte_pktmbuf_free(head);
			return NULL;
		}
		p = (uint8_t *)rte_pktmbuf_append(m, chunk);
		for (i = 0; i < chunk; i++)
			p[i] = byte(off + i, ctx);
		if (head == NULL) {
			head = m;
		} else {
			tail->next = m;
			head->nb_segs++;
			head->pkt_len += chunk;
		}
		tail = m;
		off += chunk;
	}
	return head;
}

int
pmd_test_port_start(uint16_t port, struct rte_mempool *mp, uint16_t nb_desc,
		    uint64_t tx_offloads, uint16_t mtu)
{
	struct rte_eth_conf conf = { .txmode.offloads = tx_offloads, .rxmode.mtu = mtu };

	if (mp == NULL || rte_eth_dev_configure(port, 1, 1, &conf) != 0 ||
	    rte_eth_rx_queue_setup(port, 0, nb_desc, 0, NULL, mp) != 0 ||
	    rte_eth_tx_queue_setup(port, 0, nb_desc, 0, NULL) != 0)
		return -1;
	return rte_eth_dev_start(port);
}

uint64_t
pmd_test_xstat(uint16_t port, const char *name)
{
	uint64_t id, value = UINT64_MAX;

	if (rte_eth_xstats_get_id_by_name(port, name, &id) == 0)
		rte_eth_xstats_get_by_id(port, &id, &value, 1);
	return value;
}

int
pmd_test_finish(uint16_t port)
{
	char runtime_dir[PATH_MAX];

	rte_eth_dev_stop(port);
	rte_eth_dev_close(port);
	/* Every mbuf the driver took, for RX buffers or TX, is given back by close. */
	if (test_pool != NULL)
		CHECK(rte_mempool_in_use_count(test_pool) == 0,
		      "%u mbufs still in use after the port closed",
		      rte_mempool_in_use_count(test_pool));
	/* EAL leaves its runtime folder behind (empty with --no-shconf and
	 * --no-telemetry). */
	snprintf(runtime_dir, sizeof(runtime_dir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	rmdir(runtime_dir);
	return test_exit_status(NULL);
}

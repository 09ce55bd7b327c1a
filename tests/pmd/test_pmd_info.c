/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What net_wcnic reports about a port (firmware version, burst modes,
 * private dump) in the cases testpmd cannot reach: a port over a version
 * 1.0 device (the device model made as one), ethdev's contract for a
 * firmware-version buffer too small, an uncached or simulated BAR, a port
 * receiving in scattered mode, queues not set up, an error code of a later
 * interface version. The ethdev operations are called as ethdev calls
 * them, on a port made up around the device model's BAR; no EAL.
 *
 *   fw-version    the version strings and the too-small-buffer contract
 *   burst-modes   the TX and RX burst mode strings, and which push queues
 *                 write direct entries (wcnic_push_direct_for())
 *   dump          the private dump of a 1.0 device reporting an error
 */
#include <stdlib.h>
#include <string.h>

#include "test_check.h"
#include "wcnic_ethdev.h"
#include "wcnic_model.h"

/* A port around a device model: what the ethdev operations are handed. */
struct info_port {
	struct wcnic_dma_map dma;
	struct wcnic_model *model;
	struct wcnic_adapter ad;
	struct rte_eth_dev_data data;
	struct rte_eth_dev dev;
};

static struct info_port *
port_create(uint32_t interface_minor)
{
	struct info_port *p = calloc(1, sizeof(*p));
	struct wcnic_model_params params;

	REQUIRE(p != NULL, "out of memory");
	wcnic_model_params_init(&params);
	params.interface_minor = interface_minor;
	wcnic_dma_map_init(&p->dma);
	p->ad.bar.len = WCNIC_BAR_MIN_SIZE;
	p->ad.bar.base = aligned_alloc(4096, WCNIC_BAR_MIN_SIZE);
	REQUIRE(p->ad.bar.base != NULL, "out of memory");
	p->model = wcnic_model_create(p->ad.bar.base, WCNIC_BAR_MIN_SIZE, &p->dma, &params);
	REQUIRE(p->model != NULL, "wcnic_model_create failed");
	p->ad.dev_features = wcnic_bar_read64(&p->ad.bar, WCNIC_REG_DEV_FEATURES);
	p->ad.args.queues = 1;
	p->ad.args.entry_size = WCNIC_PUSH_ENTRY_128;
	p->ad.info.tx_mode = RTE_PMD_WCNIC_TX_PUSH;
	p->ad.info.push_entry_size = WCNIC_PUSH_ENTRY_128;
	p->ad.info.tx_burst_max = 64;
	snprintf(p->ad.info.mem_type_source, sizeof(p->ad.info.mem_type_source), "made up");
	snprintf(p->data.name, sizeof(p->data.name), "net_wcnic9");
	p->data.port_id = 9;
	p->data.mtu = RTE_ETHER_MTU;
	p->data.dev_private = &p->ad;
	p->dev.data = &p->data;
	p->dev.dev_ops = &wcnic_eth_dev_ops;
	return p;
}

static void
port_destroy(struct info_port *p)
{
	wcnic_model_destroy(p->model);
	free(p->ad.bar.base);
	free(p);
}

/* ------------------------------------------------------------ fw-version */

static int
fw_version(struct info_port *p, char *buf, size_t size)
{
	return p->dev.dev_ops->fw_version_get(&p->dev, buf, size);
}

static void
fw_version_of_interface_1_1(void)
{
	struct info_port *p = port_create(1);
	char want[64], buf[64];

	snprintf(want, sizeof(want), "%u.%u.%u (interface 1.1)", WCNIC_MODEL_FW_VERSION >> 24,
		 (WCNIC_MODEL_FW_VERSION >> 16) & 0xff, WCNIC_MODEL_FW_VERSION & 0xffff);
	CHECK_EQ(fw_version(p, buf, sizeof(buf)), 0);
	CHECK(strcmp(buf, want) == 0, "'%s', expected '%s'", buf, want);

	/* The encoding's fields at their widest. */
	*(uint32_t *)(p->ad.bar.base + WCNIC_REG_FW_VERSION) = WCNIC_FW_VERSION(255, 254, 65535);
	CHECK_EQ(fw_version(p, buf, sizeof(buf)), 0);
	CHECK(strcmp(buf, "255.254.65535 (interface 1.1)") == 0, "'%s'", buf);
	port_destroy(p);
}

static void
fw_version_of_interface_1_0(void)
{
	struct info_port *p = port_create(0);
	char buf[64];

	CHECK_EQ(fw_version(p, buf, sizeof(buf)), 0);
	CHECK(strcmp(buf, "interface 1.0") == 0, "'%s', expected 'interface 1.0'", buf);
	/* FW_VERSION is reserved on 1.0: whatever it holds is not a version. */
	*(uint32_t *)(p->ad.bar.base + WCNIC_REG_FW_VERSION) = WCNIC_FW_VERSION(9, 9, 9);
	CHECK_EQ(fw_version(p, buf, sizeof(buf)), 0);
	CHECK(strcmp(buf, "interface 1.0") == 0, "'%s': the reserved register was read", buf);
	port_destroy(p);
}

/* rte_eth_dev_fw_version_get(): a buffer too small gets the size the whole
 * string needs, its NUL included, and holds as much as fits. */
static void
fw_version_buffer_too_small(void)
{
	struct info_port *p = port_create(1);
	char whole[64], buf[64];
	int len;

	REQUIRE(fw_version(p, whole, sizeof(whole)) == 0, "version");
	len = (int)strlen(whole);
	CHECK_EQ(fw_version(p, NULL, 0), len + 1);
	memset(buf, 'x', sizeof(buf));
	CHECK_EQ(fw_version(p, buf, 1), len + 1);
	CHECK(buf[0] == '\0', "1-byte buffer: '%c'", buf[0]);
	memset(buf, 'x', sizeof(buf));
	CHECK_EQ(fw_version(p, buf, (size_t)len), len + 1);
	CHECK(strncmp(buf, whole, len - 1) == 0 && buf[len - 1] == '\0',
	      "truncated to '%s' of '%s'", buf, whole);
	CHECK_EQ(fw_version(p, buf, (size_t)len + 1), 0);
	CHECK(strcmp(buf, whole) == 0, "'%s' with room for it", buf);
	port_destroy(p);
}

static int
fw_version_cases(void)
{
	TEST_RUN(fw_version_of_interface_1_1);
	TEST_RUN(fw_version_of_interface_1_0);
	TEST_RUN(fw_version_buffer_too_small);
	return test_exit_status("fw-version");
}

/* ----------------------------------------------------------- burst-modes */

static struct wcnic_txq fake_txq;
static struct wcnic_rxq fake_rxq;

static const char *
tx_mode_text(struct info_port *p, struct rte_eth_burst_mode *mode)
{
	memset(mode, 0, sizeof(*mode));
	CHECK_EQ(p->dev.dev_ops->tx_burst_mode_get(&p->dev, 0, mode), 0);
	return mode->info;
}

/* A push-mode port and queue as the burst mode string describes them. */
static const struct {
	enum rte_pmd_wcnic_mem_type mem_type;
	bool simulated;
	enum wc_store_variant store;
	enum wcnic_push_direct direct;
	uint16_t entry_size;
	uint16_t burst_max;
	const char *text;
} push_modes[] = {
	{ RTE_PMD_WCNIC_MEM_UC, false, WC_STORE_U64, WCNIC_PUSH_DIRECT_NONE, 128, 64,
	  "push, uncached BAR, u64 stores, 128 B entries, 64 per doorbell" },
	{ RTE_PMD_WCNIC_MEM_WC, true, WC_STORE_SSE2, WCNIC_PUSH_DIRECT_NONE, 256, 1,
	  "push, write-combining (simulated) BAR, sse2 stores, 256 B entries, 1 per doorbell" },
	{ RTE_PMD_WCNIC_MEM_WC, false, WC_STORE_AVX2, WCNIC_PUSH_DIRECT_AVX2, 128, 1,
	  "push, write-combining BAR, avx2 stores (direct), 128 B entries, 1 per doorbell" },
};

static void
tx_burst_modes(void)
{
	struct info_port *p = port_create(1);
	struct rte_eth_burst_mode mode;
	const char *s;
	unsigned int i;

	/* A queue not set up has no burst mode. */
	CHECK_EQ(p->dev.dev_ops->tx_burst_mode_get(&p->dev, 0, &mode), -EINVAL);
	p->ad.txqs[0] = &fake_txq;

	p->ad.args.wc_store_set = true;
	for (i = 0; i < RTE_DIM(push_modes); i++) {
		p->ad.info.mem_type = push_modes[i].mem_type;
		p->ad.bar.simulated = push_modes[i].simulated;
		p->ad.args.wc_store = push_modes[i].store;
		fake_txq.push_direct = push_modes[i].direct;
		p->ad.info.push_entry_size = push_modes[i].entry_size;
		p->ad.info.tx_burst_max = push_modes[i].burst_max;
		s = tx_mode_text(p, &mode);
		CHECK(strcmp(s, push_modes[i].text) == 0, "'%s', want '%s'", s, push_modes[i].text);
	}

	/* Without wc_store= the widest store the CPU has. */
	p->ad.args.wc_store_set = false;
	s = tx_mode_text(p, &mode);
	CHECK(strstr(s, wc_store_variant_name(wc_store_best())) != NULL, "'%s' names %s", s,
	      wc_store_variant_name(wc_store_best()));

	p->ad.bar.simulated = false;
	p->ad.info.mem_type = RTE_PMD_WCNIC_MEM_UC;
	p->ad.info.tx_mode = RTE_PMD_WCNIC_TX_DMA;
	p->ad.info.tx_burst_max = 8;
	s = tx_mode_text(p, &mode);
	CHECK(strcmp(s, "dma, 16 B descriptors in host memory, uncached BAR doorbell, "
		     "8 per doorbell") == 0, "'%s'", s);
	port_destroy(p);
}

static void
rx_burst_modes(void)
{
	struct info_port *p = port_create(1);
	struct rte_eth_burst_mode mode;

	memset(&mode, 0, sizeof(mode));
	CHECK_EQ(p->dev.dev_ops->rx_burst_mode_get(&p->dev, 0, &mode), -EINVAL);
	p->ad.rxqs[0] = &fake_rxq;
	CHECK_EQ(p->dev.dev_ops->rx_burst_mode_get(&p->dev, 0, &mode), 0);
	CHECK(strcmp(mode.info, "scalar") == 0, "'%s'", mode.info);
	p->data.scattered_rx = 1;
	CHECK_EQ(p->dev.dev_ops->rx_burst_mode_get(&p->dev, 0, &mode), 0);
	CHECK(strcmp(mode.info, "scalar scattered") == 0, "'%s'", mode.info);
	port_destroy(p);
}

/*
 * Direct entries: each non-temporal variant its own writer on x86-64, with
 * 128-byte entries on a BAR that is not simulated; the stage otherwise.
 */
static void
push_direct_choice(void)
{
	static const struct {
		enum wc_store_variant store;
		enum wcnic_push_direct direct;
	} x86[] = {
		{ WC_STORE_U64, WCNIC_PUSH_DIRECT_NONE },
		{ WC_STORE_SSE2, WCNIC_PUSH_DIRECT_SSE2 },
		{ WC_STORE_AVX2, WCNIC_PUSH_DIRECT_AVX2 },
		{ WC_STORE_AVX512, WCNIC_PUSH_DIRECT_AVX512 },
		{ WC_STORE_MOVDIR64B, WCNIC_PUSH_DIRECT_NONE },
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(x86); i++) {
		enum wcnic_push_direct want = x86[i].direct;

#if !defined(RTE_ARCH_X86_64)
		want = WCNIC_PUSH_DIRECT_NONE;
#endif
		CHECK(wcnic_push_direct_for(x86[i].store, WCNIC_PUSH_ENTRY_128, false) == want,
		      "%s stores, 128 B entries", wc_store_variant_name(x86[i].store));
		CHECK(wcnic_push_direct_for(x86[i].store, WCNIC_PUSH_ENTRY_256, false) ==
		      WCNIC_PUSH_DIRECT_NONE, "%s stores, 256 B entries",
		      wc_store_variant_name(x86[i].store));
		CHECK(wcnic_push_direct_for(x86[i].store, WCNIC_PUSH_ENTRY_128, true) ==
		      WCNIC_PUSH_DIRECT_NONE, "%s stores, simulated BAR",
		      wc_store_variant_name(x86[i].store));
	}
}

static int
burst_mode_cases(void)
{
	TEST_RUN(tx_burst_modes);
	TEST_RUN(push_direct_choice);
	TEST_RUN(rx_burst_modes);
	return test_exit_status("burst-modes");
}

/* ------------------------------------------------------------------ dump */

/* The dump of a made-up port, in a string to free. */
static char *
dump_text(struct info_port *p)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	REQUIRE(f != NULL, "open_memstream");
	CHECK_EQ(p->dev.dev_ops->eth_dev_priv_dump(&p->dev, f), 0);
	fclose(f);
	printf("%s", text);
	return text;
}

static void
dump_of_interface_1_0(void)
{
	struct info_port *p = port_create(0);
	uint8_t *bar = p->ad.bar.base;
	char *text;

	/* A device of a later version reports an error code this driver
	 * does not know, on no queue. */
	*(uint32_t *)(bar + WCNIC_REG_ERROR_CODE) = 99;
	*(uint32_t *)(bar + WCNIC_REG_ERROR_QUEUE) = WCNIC_ERROR_QUEUE_NONE;
	*(uint64_t *)(bar + WCNIC_REG_ERROR_INFO) = 0x1234;
	*(uint32_t *)(bar + WCNIC_REG_STATUS) = WCNIC_STS_READY | WCNIC_STS_ERROR;
	p->ad.dev_features |= UINT64_C(1) << 40;
	text = dump_text(p);
	CHECK(strstr(text, "net_wcnic port 9 (net_wcnic9)") != NULL, "port named");
	CHECK(strstr(text, "interface 1.0, firmware none") != NULL, "no firmware version on 1.0");
	CHECK(strstr(text, "BAR: uncached, not verified by the kernel, established by: made up; ")
	      != NULL, "BAR");
	CHECK(strstr(text, "TX mode: push (asked auto), ") != NULL, "TX mode");
	/* A 1.0 device offers no RX scatter. */
	CHECK(strstr(text, "device features: 0x1000000003f (tx_push tx_dma push_entry_128 "
		     "push_entry_256 multi_seg promisc bit 40)") != NULL, "device features");
	CHECK(strstr(text, "device STATUS: 0x5 (ready error)") != NULL, "STATUS");
	CHECK(strstr(text, "device error: 99 unknown (not an error code of this interface), "
		     "queue none, info 0x1234") != NULL, "error");
	CHECK(strstr(text, "    dev_tx_packets 0\n") != NULL, "device counters");
	free(text);
	port_destroy(p);
}

static int
dump_cases(void)
{
	TEST_RUN(dump_of_interface_1_0);
	return test_exit_status("dump");
}

int
main(int argc, char **argv)
{
	const char *c = argc > 1 ? argv[1] : "";

	if (strcmp(c, "fw-version") == 0)
		return fw_version_cases();
	if (strcmp(c, "burst-modes") == 0)
		return burst_mode_cases();
	if (strcmp(c, "dump") == 0)
		return dump_cases();
	printf("usage: %s fw-version | burst-modes | dump\n", argv[0]);
	return 2;
}

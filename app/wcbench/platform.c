/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Where the benchmark runs: the CPU model, any hypervisor or emulator, and
 * whether the TSC is invariant.
 *
 * Three independent sources say whether a hypervisor is present, because
 * each can be missing: CPUID (the hypervisor bit, leaf 1 ECX bit 31, and
 * the vendor signature in leaf 0x40000000, which hypervisors may hide),
 * /sys/hypervisor (Xen), and the DMI system strings the firmware gives.
 * QEMU's TCG emulator shows its own signature "TCGTCGTCGTCG" and names the
 * CPU "QEMU TCG CPU version ..."; it does not model memory types at all,
 * so on it UC, WC and WB stores cost the same.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#if defined(__x86_64__)
#include <cpuid.h>
#endif

#include "vfiowc_priv.h"   /* vfiowc_text_append() */
#include "wcbench.h"

#define CPUID1_ECX_HYPERVISOR    (1u << 31)
#define CPUID_HV_LEAF            0x40000000u
#define CPUID_EXT_BRAND_FIRST    0x80000002u
#define CPUID_EXT_BRAND_LAST     0x80000004u
#define CPUID_EXT_POWER          0x80000007u
#define CPUID_POWER_EDX_INVTSC   (1u << 8)   /* Intel SDM vol. 3B, "Invariant TSC" */

struct hypervisor {
	const char *signature;   /* the 12 bytes of EBX, ECX, EDX, NULs dropped */
	const char *name;
	bool emulator;           /* does not model memory types */
};

static const struct hypervisor hypervisors[] = {
	{ "TCGTCGTCGTCG", "QEMU TCG", true },
	{ "KVMKVMKVM", "KVM", false },
	{ "Linux KVM Hv", "KVM (Hyper-V interface)", false },
	{ "Microsoft Hv", "Hyper-V", false },
	{ "VMwareVMware", "VMware", false },
	{ "XenVMMXenVMM", "Xen", false },
	{ "VBoxVBoxVBox", "VirtualBox", false },
	{ "bhyve bhyve ", "bhyve", false },
	{ " lrpepyh  vr", "Parallels", false },
	{ "ACRNACRNACRN", "ACRN", false },
	{ "QNXQVMBSQG", "QNX hypervisor", false },
	{ "EVMMEVMMEVMM", "Intel KGT", false },
};

/* DMI system strings that only virtual machines carry. */
static const char *const dmi_virtual[] = {
	"QEMU", "KVM", "VMware", "VirtualBox", "innotek", "Xen", "Virtual Machine", "Bochs",
	"Parallels", "Amazon EC2", "Google Compute Engine", "OpenStack", "BHYVE",
};

static const struct hypervisor *find_hypervisor(const char *signature)
{
	for (size_t i = 0; i < sizeof(hypervisors) / sizeof(hypervisors[0]); i++)
		if (strcmp(signature, hypervisors[i].signature) == 0)
			return &hypervisors[i];
	return NULL;
}

const char *wcb_hypervisor_name(const char *signature)
{
	const struct hypervisor *hv = find_hypervisor(signature);

	return hv != NULL ? hv->name : NULL;
}

static bool contains_nocase(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);

	for (; *haystack != '\0'; haystack++)
		if (strncasecmp(haystack, needle, n) == 0)
			return true;
	return false;
}

void wcb_platform_classify(struct wcb_platform *p)
{
	const struct hypervisor *hv;
	bool dmi_says_vm = false;

	for (size_t i = 0; i < sizeof(dmi_virtual) / sizeof(dmi_virtual[0]); i++)
		dmi_says_vm |= contains_nocase(p->dmi, dmi_virtual[i]);
	hv = find_hypervisor(p->hv_signature);
	if (hv != NULL)
		p->hv_name = hv->name;
	else if (p->hv_signature[0] != '\0')
		p->hv_name = "unknown hypervisor";
	else if (strcmp(p->sys_hypervisor, "xen") == 0)
		p->hv_name = "Xen";
	else if (p->hypervisor_bit || dmi_says_vm || p->sys_hypervisor[0] != '\0')
		p->hv_name = "unnamed hypervisor";
	else
		p->hv_name = NULL;
	/* TCG names itself in the signature, and in the CPU model in case a
	 * configuration hides the signature. */
	p->emulator = (hv != NULL && hv->emulator) || strstr(p->cpu_model, "QEMU TCG") != NULL;
	if (p->emulator)
		p->hv_name = "QEMU TCG";   /* the only emulator in the table */
	p->virtualized = p->hv_name != NULL;
}

void wcb_platform_where(const struct wcb_platform *p, char *buf, size_t size)
{
	char evidence[256] = "";

	if (p->hv_signature[0] != '\0')
		vfiowc_text_append(evidence, sizeof(evidence), "CPUID 0x40000000 \"%s\"",
				   p->hv_signature);
	else
		vfiowc_text_append(evidence, sizeof(evidence), "CPUID hypervisor bit %s",
				   p->hypervisor_bit ? "set" : "clear");
	if (p->sys_hypervisor[0] != '\0')
		vfiowc_text_append(evidence, sizeof(evidence), "/sys/hypervisor/type %s",
				   p->sys_hypervisor);
	if (p->dmi[0] != '\0')
		vfiowc_text_append(evidence, sizeof(evidence), "DMI %s", p->dmi);
	else
		vfiowc_text_append(evidence, sizeof(evidence), "no DMI");
	snprintf(buf, size, "%s (%s)", p->hv_name != NULL ? p->hv_name : "none seen", evidence);
}

/* First line of a small text file, trailing white space dropped; "" when
 * the file cannot be read. */
static void read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t len;

	buf[0] = '\0';
	if (f == NULL)
		return;
	if (fgets(buf, (int)size, f) == NULL)
		buf[0] = '\0';
	fclose(f);
	len = strlen(buf);
	while (len > 0 && isspace((unsigned char)buf[len - 1]))
		buf[--len] = '\0';
}

static void trim_spaces(char *s)
{
	size_t start = strspn(s, " "), len;

	memmove(s, s + start, strlen(s + start) + 1);
	len = strlen(s);
	while (len > 0 && s[len - 1] == ' ')
		s[--len] = '\0';
}

/* "model name" of /proc/cpuinfo: the only source off x86. */
static void cpuinfo_model(char *buf, size_t size)
{
	char line[256];
	FILE *f = fopen("/proc/cpuinfo", "r");

	snprintf(buf, size, "unknown");
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		char *colon = strchr(line, ':');

		if (colon != NULL && strncmp(line, "model name", 10) == 0) {
			snprintf(buf, size, "%s", colon + 1);
			buf[strcspn(buf, "\n")] = '\0';
			trim_spaces(buf);
			break;
		}
	}
	fclose(f);
}

#if defined(__x86_64__)
static void probe_cpuid(struct wcb_platform *p)
{
	unsigned int eax, ebx, ecx, edx, max_ext = __get_cpuid_max(0x80000000u, NULL);

	if (max_ext >= CPUID_EXT_BRAND_LAST) {
		unsigned int regs[12];

		for (unsigned int i = 0; i < 3; i++)
			__cpuid(CPUID_EXT_BRAND_FIRST + i, regs[4 * i], regs[4 * i + 1],
				regs[4 * i + 2], regs[4 * i + 3]);
		memcpy(p->cpu_model, regs, sizeof(regs));
		p->cpu_model[sizeof(regs)] = '\0';
		trim_spaces(p->cpu_model);
	}
	if (p->cpu_model[0] == '\0')
		cpuinfo_model(p->cpu_model, sizeof(p->cpu_model));
	if (max_ext >= CPUID_EXT_POWER) {
		__cpuid(CPUID_EXT_POWER, eax, ebx, ecx, edx);
		p->invariant_tsc_known = true;
		p->invariant_tsc = (edx & CPUID_POWER_EDX_INVTSC) != 0;
	}
	if (__get_cpuid(1, &eax, &ebx, &ecx, &edx))
		p->hypervisor_bit = (ecx & CPUID1_ECX_HYPERVISOR) != 0;
	/* Leaf 0x40000000 is only defined when the hypervisor bit is set; a
	 * bare-metal CPU answers it with an unrelated leaf's data. */
	if (p->hypervisor_bit) {
		unsigned int sig[3];

		__cpuid(CPUID_HV_LEAF, eax, sig[0], sig[1], sig[2]);
		memcpy(p->hv_signature, sig, sizeof(sig));
		p->hv_signature[sizeof(sig)] = '\0';
		/* Keep printable bytes only: the text goes into reports. */
		for (char *c = p->hv_signature; *c != '\0'; c++)
			if (!isprint((unsigned char)*c))
				*c = '?';
	}
}
#else
static void probe_cpuid(struct wcb_platform *p)
{
	cpuinfo_model(p->cpu_model, sizeof(p->cpu_model));
}
#endif

void wcb_platform_probe(struct wcb_platform *p)
{
	char vendor[64], product[64];

	*p = (struct wcb_platform){ 0 };
	probe_cpuid(p);
	read_line("/sys/hypervisor/type", p->sys_hypervisor, sizeof(p->sys_hypervisor));
	read_line("/sys/class/dmi/id/sys_vendor", vendor, sizeof(vendor));
	read_line("/sys/class/dmi/id/product_name", product, sizeof(product));
	snprintf(p->dmi, sizeof(p->dmi), "%s%s%s", vendor, vendor[0] && product[0] ? " " : "",
		 product);
	read_line("/sys/devices/system/clocksource/clocksource0/current_clocksource",
		  p->clocksource, sizeof(p->clocksource));
	if (p->clocksource[0] == '\0')
		snprintf(p->clocksource, sizeof(p->clocksource), "unknown");
	wcb_platform_classify(p);
}

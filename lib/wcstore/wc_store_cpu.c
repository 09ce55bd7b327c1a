/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Which store variants this CPU and OS can run.
 *
 * An instruction set is usable when the CPU reports it (CPUID) and, for
 * instructions on YMM/ZMM registers, the OS has enabled saving that
 * register state across context switches (XCR0, read with XGETBV, only
 * valid when CPUID reports OSXSAVE). A CPU with AVX-512 under an OS or
 * hypervisor that leaves ZMM state disabled faults on the first ZMM
 * instruction, so CPUID alone is not enough.
 *
 * CPUID is slow, and a VM exit under virtualisation, so each verdict is
 * probed once and cached. The probe is idempotent: two threads racing on
 * the first call compute the same answer and store the same pointer.
 */
#include <stddef.h>

#include "wc_store_priv.h"

/* Cached verdict per variant: NULL = not probed yet, verdict_ok = usable,
 * anything else = the reason it is not. */
static const char verdict_ok[] = "supported";
static const char verdict_unknown[] = "unknown variant";
static const char *verdict_cache[WC_STORE_VARIANT_COUNT];

#if defined(__x86_64__)

#include <cpuid.h>
#include <immintrin.h>

/* CPUID bits (Intel SDM vol. 2A, CPUID). */
#define CPUID1_ECX_OSXSAVE    (1u << 27)
#define CPUID1_ECX_AVX        (1u << 28)
#define CPUID7_EBX_AVX2       (1u << 5)
#define CPUID7_EBX_AVX512F    (1u << 16)
#define CPUID7_ECX_MOVDIR64B  (1u << 28)

/* XCR0 state components (Intel SDM vol. 1, 13.1). */
#define XCR0_SSE              (1u << 1)
#define XCR0_AVX              (1u << 2)   /* upper halves of YMM0-15 */
#define XCR0_OPMASK           (1u << 5)   /* k0-k7 */
#define XCR0_ZMM_HI256        (1u << 6)   /* upper halves of ZMM0-15 */
#define XCR0_HI16_ZMM         (1u << 7)   /* ZMM16-31 */
#define XCR0_YMM_STATE        (XCR0_SSE | XCR0_AVX)
#define XCR0_ZMM_STATE        (XCR0_YMM_STATE | XCR0_OPMASK | XCR0_ZMM_HI256 | XCR0_HI16_ZMM)

struct cpu_features {
	unsigned int leaf1_ecx;
	unsigned int leaf7_ebx;
	unsigned int leaf7_ecx;
	unsigned long long xcr0;   /* 0 unless the OS enabled XSAVE */
};

__attribute__((target("xsave")))
static unsigned long long read_xcr0(void)
{
	return _xgetbv(0);
}

static void read_cpu_features(struct cpu_features *f)
{
	unsigned int eax, ebx, ecx, edx;

	*f = (struct cpu_features){ 0 };
	/* __get_cpuid*() return 0 when the leaf is above the CPU's maximum;
	 * the features of a missing leaf are then all absent. */
	if (__get_cpuid(1, &eax, &ebx, &ecx, &edx))
		f->leaf1_ecx = ecx;
	if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) {
		f->leaf7_ebx = ebx;
		f->leaf7_ecx = ecx;
	}
	if (f->leaf1_ecx & CPUID1_ECX_OSXSAVE)
		f->xcr0 = read_xcr0();
}

static bool has_xcr0_state(const struct cpu_features *f, unsigned long long state)
{
	return (f->xcr0 & state) == state;
}

/* Returns verdict_ok or a static reason string. */
static const char *probe(enum wc_store_variant v)
{
	struct cpu_features f;

	switch (v) {
	case WC_STORE_U64:
	case WC_STORE_SSE2:
		/* SSE2 is architectural on x86-64 and every x86-64 OS saves XMM
		 * state: nothing to probe. */
		return verdict_ok;
	case WC_STORE_AVX2:
		/*
		 * The 32-byte VMOVNTDQ is an AVX instruction, but the variant is
		 * gated on AVX2: CPUs with AVX and no AVX2 (Sandy/Ivy Bridge,
		 * Bulldozer) split 32-byte stores in two and gain nothing over
		 * the SSE2 variant. The function is compiled for AVX2.
		 */
		read_cpu_features(&f);
		if (!(f.leaf1_ecx & CPUID1_ECX_AVX) || !(f.leaf7_ebx & CPUID7_EBX_AVX2))
			return "CPU lacks AVX2 (CPUID.1:ECX.AVX, CPUID.7.0:EBX.AVX2)";
		if (!has_xcr0_state(&f, XCR0_YMM_STATE))
			return "OS has not enabled YMM register state (XCR0)";
		return verdict_ok;
	case WC_STORE_AVX512:
		read_cpu_features(&f);
		if (!(f.leaf7_ebx & CPUID7_EBX_AVX512F))
			return "CPU lacks AVX512F (CPUID.7.0:EBX.AVX512F)";
		if (!has_xcr0_state(&f, XCR0_ZMM_STATE))
			return "OS has not enabled ZMM/opmask register state (XCR0)";
		return verdict_ok;
	case WC_STORE_MOVDIR64B:
		/* General-purpose registers only: no OS state to check. */
		read_cpu_features(&f);
		if (!(f.leaf7_ecx & CPUID7_ECX_MOVDIR64B))
			return "CPU lacks MOVDIR64B (CPUID.7.0:ECX.MOVDIR64B)";
		return verdict_ok;
	case WC_STORE_VARIANT_COUNT:
		break;
	}
	return verdict_unknown;
}

#else /* !__x86_64__ */

static const char *probe(enum wc_store_variant v)
{
	if (v == WC_STORE_U64)
		return verdict_ok;
	return "x86-64 only; this build has only the u64 variant";
}

#endif /* __x86_64__ */

bool wc_store_variant_supported(enum wc_store_variant v, const char **why_not)
{
	const char *verdict;

	if ((unsigned int)v >= WC_STORE_VARIANT_COUNT) {
		verdict = verdict_unknown;
	} else {
		verdict = __atomic_load_n(&verdict_cache[v], __ATOMIC_RELAXED);
		if (verdict == NULL) {
			verdict = probe(v);
			__atomic_store_n(&verdict_cache[v], verdict, __ATOMIC_RELAXED);
		}
	}
	if (why_not != NULL)
		*why_not = verdict == verdict_ok ? NULL : verdict;
	return verdict == verdict_ok;
}

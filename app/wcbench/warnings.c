/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * When the figures cannot mean what they seem to, say so plainly. Each
 * warning names the cause and what it does to the numbers.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "wcbench.h"

static void warn(struct wcb_warnings *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void warn(struct wcb_warnings *w, const char *fmt, ...)
{
	va_list ap;

	if (w->n == WCB_MAX_WARNINGS)
		return;
	va_start(ap, fmt);
	vsnprintf(w->text[w->n++], sizeof(w->text[0]), fmt, ap);
	va_end(ap);
}

void wcb_warnings_collect(const struct wcb_platform *p, const struct wcb_target *t,
			  const struct wcb_results *res, struct wcb_warnings *w)
{
	bool device = t->kind != WCB_TARGET_ANON;

	w->n = 0;
	if (p->emulator)
		warn(w, "running under %s, an emulator that does not model memory types: "
		     "uncached, write-combining and write-back stores cost the same here, and "
		     "every store is emulated; these numbers say nothing about real hardware",
		     p->hv_name);
	else if (p->virtualized && device)
		warn(w, "running under a hypervisor (%s): it decides the memory type the host "
		     "really uses for this BAR and may disable write-combining whatever the "
		     "guest asks or the PAT list shows, and it shares the CPU with other "
		     "guests; compare with bare metal before drawing conclusions", p->hv_name);
	else if (p->virtualized)
		warn(w, "running under a hypervisor (%s): it shares the CPU with other guests "
		     "and may interrupt any sample; compare with bare metal before drawing "
		     "conclusions", p->hv_name);
	if (!t->verified_known)
		warn(w, "memory type not verified (%s): the obtained type '%s' is only what the "
		     "mapping method claims", t->detail, t->obtained);
	if (t->mismatch)
		warn(w, "the PAT list contradicts the mapping method: %s", t->detail);
	if (device && strcmp(t->asked, "wc") == 0 && strcmp(t->obtained, "uc") == 0)
		warn(w, "write-combining asked but uncached obtained (%s): every figure here is "
		     "for uncached stores", t->reason[0] != '\0' ? t->reason : t->detail);
#if defined(__x86_64__)   /* elsewhere the counter is the clock itself */
	if (!p->invariant_tsc)
		warn(w, "no invariant TSC (CPUID 0x80000007 EDX[8] %s): the counter may change "
		     "rate with CPU frequency or stop in sleep states, so cycle and ns figures "
		     "may be off", p->invariant_tsc_known ? "clear" : "unavailable");
#endif
	if (res->cpu_first != res->cpu_last)
		warn(w, "the process moved from CPU %d to CPU %d during the run: pin it with --cpu",
		     res->cpu_first, res->cpu_last);
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wcnic-emu's counters: a JSON document for the test bench and scripts
 * (doc/wcnic-emu.md describes every field) and a table for people.
 */
#ifndef EMU_REPORT_H
#define EMU_REPORT_H

#include <stdio.h>

#include "emu.h"

/* Write the JSON document to path: to a temporary file in the same folder
 * first, then renamed over path, so a reader never sees half of it.
 * Returns 0, or -1 after printing why on stderr. */
int emu_report_json(const struct emu *e, const struct wcnic_model_stats *s, const char *path);

/* The totals, the queues that did anything, the device's error and the tap
 * counters, one item a line. */
void emu_report_print(const struct emu *e, const struct wcnic_model_stats *s, FILE *f);

#endif /* EMU_REPORT_H */

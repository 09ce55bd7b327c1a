/* SPDX-License-Identifier: BSD-3-Clause */
/* Numbers on the programs' command lines. */
#ifndef PARSE_NUM_H
#define PARSE_NUM_H

#include <stdbool.h>
#include <stdint.h>

/*
 * An unsigned number in base (as strtoull: 0 takes 0x hex and 0 octal
 * prefixes, 16 takes hex digits with or without 0x) and nothing else: no
 * sign, no blanks before or after, no overflow. false otherwise.
 */
bool parse_uint64(const char *s, int base, uint64_t *v);

#endif /* PARSE_NUM_H */

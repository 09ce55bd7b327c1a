/* SPDX-License-Identifier: BSD-3-Clause */
/* JSON text for the programs' machine-readable output. */
#ifndef JSON_TEXT_H
#define JSON_TEXT_H

#include <stdio.h>

/* s as a JSON string: quoted, with quotes, backslashes and control
 * characters escaped. Bytes >= 0x80 pass through (UTF-8 stays UTF-8). */
void json_write_string(FILE *f, const char *s);

#endif /* JSON_TEXT_H */

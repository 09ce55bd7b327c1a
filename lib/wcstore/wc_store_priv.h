/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Declarations shared by the wcstore sources; not installed, not for users.
 */
#ifndef WC_STORE_PRIV_H
#define WC_STORE_PRIV_H

#include "wc_store.h"

#if defined(__x86_64__)
/* wc_store_x86.c: the SIMD and MOVDIR64B variants. Each may only be called
 * once wc_store_variant_supported() has said yes for its variant: they use
 * instructions the baseline x86-64 CPU does not have. */
void wc_copy_lines_sse2(void *dst, const void *src, unsigned int nb_lines);
void wc_copy_lines_avx2(void *dst, const void *src, unsigned int nb_lines);
void wc_copy_lines_avx512(void *dst, const void *src, unsigned int nb_lines);
void wc_copy_lines_movdir64b(void *dst, const void *src, unsigned int nb_lines);
#endif

#endif /* WC_STORE_PRIV_H */

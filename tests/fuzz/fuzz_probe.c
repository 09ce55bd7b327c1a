/* SPDX-License-Identifier: BSD-3-Clause */
/* The smallest libFuzzer target: links only where clang has libFuzzer and
 * the sanitizer runtimes, which is what tests/fuzz/meson.build asks. */
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return size != 0 && data[0] == 0;
}

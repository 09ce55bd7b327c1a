/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wcnic-bar-rw: reach a PCI BAR from a guest through a sysfs resource file
 * (/sys/bus/pci/devices/BDF/resourceN or resourceN_wc) mapped with mmap.
 *
 *   wcnic-bar-rw FILE size                      print the BAR size
 *   wcnic-bar-rw FILE fill OFFSET LENGTH SEED   store the pattern
 *   wcnic-bar-rw FILE check OFFSET LENGTH SEED  compare with the pattern
 *   wcnic-bar-rw FILE hold CMD [ARG...]         run CMD while the BAR is mapped
 *
 * The pattern is one 32-bit little-endian word per 4 bytes: word i (counted
 * from the start of the BAR) is SEED ^ (i * 0x9E3779B1), so a host can
 * produce and check the same bytes in the shared-memory file behind the BAR.
 * OFFSET and LENGTH are multiples of 4. Stores and loads are single aligned
 * 32-bit accesses, as a driver would make them.
 *
 * Built static: the guest has busybox and nothing else.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static uint32_t pattern_word(uint32_t seed, uint64_t index)
{
	return seed ^ (uint32_t)(index * 0x9E3779B1u);
}

static int usage(void)
{
	fprintf(stderr, "usage: wcnic-bar-rw FILE size\n"
			"       wcnic-bar-rw FILE fill|check OFFSET LENGTH SEED\n"
			"       wcnic-bar-rw FILE hold CMD [ARG...]\n");
	return 2;
}

static int parse_u64(const char *text, uint64_t *value)
{
	char *end;

	errno = 0;
	*value = strtoull(text, &end, 0);
	return (errno || end == text || *end) ? -1 : 0;
}

static int run_held(char **argv)
{
	int status;
	pid_t pid = fork();

	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		execvp(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0) {
		perror("waitpid");
		return 1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int fill_or_check(volatile uint32_t *bar, int fill, uint64_t offset, uint64_t length,
			 uint32_t seed)
{
	for (uint64_t i = offset / 4; i < (offset + length) / 4; i++) {
		uint32_t want = pattern_word(seed, i);

		if (fill) {
			bar[i] = want;
		} else if (bar[i] != want) {
			printf("mismatch at offset 0x%" PRIx64 ": read 0x%08" PRIx32
			       ", expected 0x%08" PRIx32 "\n", i * 4, bar[i], want);
			return 1;
		}
	}
	printf("%s 0x%" PRIx64 " bytes at offset 0x%" PRIx64 ", seed 0x%08" PRIx32 "\n",
	       fill ? "filled" : "checked", length, offset, seed);
	return 0;
}

int main(int argc, char **argv)
{
	struct stat st;
	uint64_t offset = 0, length = 0, seed = 0;
	void *map;
	int fd, rc;

	if (argc < 3)
		return usage();
	const char *cmd = argv[2];
	int fill = !strcmp(cmd, "fill");

	if (fill || !strcmp(cmd, "check")) {
		if (argc != 6 || parse_u64(argv[3], &offset) || parse_u64(argv[4], &length) ||
		    parse_u64(argv[5], &seed) || offset % 4 || length % 4 || seed > UINT32_MAX)
			return usage();
	} else if (!(strcmp(cmd, "size") == 0 && argc == 3) &&
		   !(strcmp(cmd, "hold") == 0 && argc > 3)) {
		return usage();
	}

	fd = open(argv[1], O_RDWR | O_SYNC);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	/* sysfs resource files report their size only through fstat (lseek
	 * to the end gives 0). */
	if (fstat(fd, &st) < 0) {
		perror("fstat");
		return 1;
	}
	if (!strcmp(cmd, "size")) {
		printf("%lld\n", (long long)st.st_size);
		return 0;
	}
	if (offset + length > (uint64_t)st.st_size) {
		fprintf(stderr, "range 0x%" PRIx64 "+0x%" PRIx64 " beyond the BAR (0x%llx)\n",
			offset, length, (long long)st.st_size);
		return 1;
	}
	map = mmap(NULL, st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	if (!strcmp(cmd, "hold"))
		rc = run_held(argv + 3);
	else
		rc = fill_or_check(map, fill, offset, length, (uint32_t)seed);
	munmap(map, st.st_size);
	close(fd);
	return rc;
}

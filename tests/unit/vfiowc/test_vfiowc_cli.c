/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfiowc-map, run as a program (its path is the only argument): exit
 * status and key=value output on usage errors, a missing device, a device
 * bound elsewhere (fake tree), and --help.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fake_tree.h"
#include "test_check.h"

static const char *exe;

/* Run exe with args; its stdout in out, its exit status returned (-1 if
 * it did not exit normally). */
static int run(char *const args[], char *out, size_t size)
{
	size_t used = 0;
	int pipefd[2], status;
	pid_t pid;

	if (pipe(pipefd) != 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(pipefd[1], STDOUT_FILENO);
		close(pipefd[0]);
		close(pipefd[1]);
		execv(exe, args);
		_exit(127);
	}
	close(pipefd[1]);
	for (;;) {
		ssize_t n = read(pipefd[0], out + used, size - 1 - used);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		used += (size_t)n;
	}
	out[used] = '\0';
	close(pipefd[0]);
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static void expect(const char *what, char *const args[], int status, const char *line1,
		   const char *line2)
{
	char out[8192];
	int got = run(args, out, sizeof(out));

	CHECK(got == status, "%s: exit %d, want %d; output:\n%s", what, got, status, out);
	CHECK(line1 == NULL || strstr(out, line1) != NULL, "%s: no '%s' in:\n%s", what, line1, out);
	CHECK(line2 == NULL || strstr(out, line2) != NULL, "%s: no '%s' in:\n%s", what, line2, out);
}

int main(int argc, char **argv)
{
	struct fake_tree tree;
	char *e;

	if (argc != 2) {
		fprintf(stderr, "usage: %s PATH-TO-vfiowc-map\n", argv[0]);
		return 1;
	}
	exe = argv[1];
	e = (char *)exe;

	expect("no arguments", (char *[]){ e, NULL }, 2, NULL, NULL);
	expect("bad attribute", (char *[]){ e, "0000:00:04.0", "2", "xx", NULL }, 2, NULL, NULL);
	expect("bad region", (char *[]){ e, "0000:00:04.0", "two", "wc", NULL }, 2, NULL, NULL);
	expect("bad offset", (char *[]){ e, "--offset", "4k", "0000:00:04.0", "2", "wc", NULL }, 2,
	       NULL, NULL);
	expect("help", (char *[]){ e, "--help", NULL }, 0, "usage: vfiowc-map", "--allow-sysfs-wc");
	expect("bad address", (char *[]){ e, "0000:00:04", "2", "wc", NULL }, 1, "errno=EINVAL\n",
	       "error='0000:00:04': invalid PCI address");

	if (!fake_tree_init(&tree) ||
	    !fake_tree_pci_device(&tree, "0000:00:06.0", "virtio-pci", 3)) {
		fprintf(stderr, "cannot build the fake tree\n");
		return 1;
	}
	expect("absent device",
	       (char *[]){ e, "--sysfs-root", tree.sysfs, "0000:ff:1f.7", "2", "wc", NULL }, 1,
	       "errno=ENODEV\n", "error=0000:ff:1f.7: no such PCI device");
	expect("other driver, options after the operands",
	       (char *[]){ e, "0000:00:06.0", "2", "wc", "--allow-sysfs-wc", "--sysfs-root",
			   tree.sysfs, NULL },
	       1, "errno=EBUSY\n", "error=0000:00:06.0: not bound to vfio-pci (driver: virtio-pci)\n");
	fake_tree_remove(&tree);
	return test_exit_status("vfiowc_cli");
}

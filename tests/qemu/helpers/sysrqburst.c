// SPDX-License-Identifier: GPL-2.0
/*
 * sysrqburst: many writes to one file as fast as possible, for the sysrqmon QEMU tests.
 *
 *   sysrqburst [--count N] [--fifo PRIO] [--reopen] PATH VALUE...
 *     --count N    number of writes (default 100); write i writes VALUE[i % nvalues]
 *     --fifo PRIO  run as SCHED_FIFO PRIO first: on a one-CPU guest no normal task, the
 *                  kernel workqueue worker included, runs until the burst is over (within
 *                  the RT throttling budget, 0.95 s per second)
 *     --reopen     open, write and close for every write (default: one descriptor, pwrite
 *                  at offset 0)
 *
 * Prints "pid=P tid=T fdpath=F op=burst result=N" (N writes that succeeded, or the errno name
 * of the first failure) and exits 0 when all succeeded, 1 otherwise.
 */
#include "common.h"

#include <sched.h>

int main(int argc, char **argv)
{
	long count = 100, i, done = 0;
	int prio = 0, reopen = 0, fd = -1, a, err = 0;
	char fdpath[PATH_MAX] = "-";
	const char *path;

	for (a = 1; a < argc && argv[a][0] == '-'; a++) {
		if (!strcmp(argv[a], "--count") && a + 1 < argc)
			count = atol(argv[++a]);
		else if (!strcmp(argv[a], "--fifo") && a + 1 < argc)
			prio = atoi(argv[++a]);
		else if (!strcmp(argv[a], "--reopen"))
			reopen = 1;
		else
			break;
	}
	if (argc - a < 2) {
		fprintf(stderr, "usage: sysrqburst [--count N] [--fifo PRIO] [--reopen] PATH VALUE...\n");
		return 2;
	}
	path = argv[a++];
	if (prio) {
		struct sched_param sp = { .sched_priority = prio };

		if (sched_setscheduler(0, SCHED_FIFO, &sp)) {
			report(NULL, "sched_setscheduler", -1, errno);
			return 1;
		}
	}
	for (i = 0; i < count; i++) {
		const char *v = argv[a + i % (argc - a)];

		if (fd < 0) {
			fd = open(path, O_WRONLY | O_CLOEXEC);
			if (fd < 0) {
				err = errno;
				break;
			}
			fd_path(fd, fdpath, sizeof(fdpath));
		}
		if (pwrite(fd, v, strlen(v), 0) < 0) {
			err = errno;
			break;
		}
		done++;
		if (reopen) {
			close(fd);
			fd = -1;
		}
	}
	if (fd >= 0)
		close(fd);
	report(fdpath, "burst", err ? -1 : done, err);
	return err ? 1 : 0;
}

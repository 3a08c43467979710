// SPDX-License-Identifier: GPL-2.0
/*
 * benchop: timed loops for the sysrqmon benchmark (tests/bench), run inside the QEMU guest.
 *
 *   benchop [--fifo PRIO] [--warm N] open PATH N         N x open(O_RDONLY) + close
 *   benchop [--fifo PRIO] [--warm N] pwrite PATH VALUE N one O_WRONLY descriptor, N x pwrite at 0
 *   benchop [--fifo PRIO] [--warm N] owc PATH VALUE N    N x open(O_WRONLY) + write + close
 *   benchop [--fifo PRIO] loop N                         CPU-bound loop, N iterations
 *
 * The timed part is measured with CLOCK_MONOTONIC. Under `-icount shift=0,sleep=off` the
 * guest clock advances 1 ns per emulated instruction, so the figure is an instruction count.
 * Just before and just after the timed part, "@@WB" and "@@WE" lines go to the marker port
 * (/dev/ttyS1, if it opens) so that the host can time the same stretch on its own clock.
 * --warm N runs N untimed iterations first (default N/10).
 *
 * Output, one line: "call=OP n=N ns=TOTAL per_op=NS". Exit 0, or 1 when an operation failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static int mark_fd = -1;

/* tcdrain: the host must see the marker before the timed part starts (or right after it ends). */
static void mark(const char *s)
{
	if (mark_fd >= 0 && (write(mark_fd, s, strlen(s)) < 0 || tcdrain(mark_fd)))
		mark_fd = -1;
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void die(const char *what, const char *path)
{
	fprintf(stderr, "benchop: %s %s: %s\n", what, path, strerror(errno));
	exit(1);
}

static void do_open(const char *path, long n)
{
	long i;
	int fd;

	for (i = 0; i < n; i++) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			die("open", path);
		close(fd);
	}
}

static void do_pwrite(int fd, const char *path, const char *val, size_t len, long n)
{
	long i;

	for (i = 0; i < n; i++)
		if (pwrite(fd, val, len, 0) != (ssize_t)len)
			die("pwrite", path);
}

static void do_owc(const char *path, const char *val, size_t len, long n)
{
	long i;
	int fd;

	for (i = 0; i < n; i++) {
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			die("open", path);
		if (write(fd, val, len) != (ssize_t)len)
			die("write", path);
		close(fd);
	}
}

static volatile unsigned long sink;

static void do_loop(long n)
{
	unsigned long x = 88172645463325252UL;
	long i;

	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
	}
	sink = x;
}

static void usage(void)
{
	fprintf(stderr, "usage: benchop [--fifo PRIO] [--warm N] open PATH N | pwrite PATH VALUE N |"
		" owc PATH VALUE N | loop N\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *op, *path = NULL, *val = NULL;
	long n, warm = -1;
	long long t0, t1;
	int a = 1, prio = 0, fd = -1;
	size_t len = 0;

	for (; a < argc && argv[a][0] == '-'; a++) {
		if (!strcmp(argv[a], "--fifo") && a + 1 < argc)
			prio = atoi(argv[++a]);
		else if (!strcmp(argv[a], "--warm") && a + 1 < argc)
			warm = atol(argv[++a]);
		else
			usage();
	}
	if (a >= argc)
		usage();
	op = argv[a++];
	if (!strcmp(op, "open") && argc - a == 2) {
		path = argv[a];
	} else if ((!strcmp(op, "pwrite") || !strcmp(op, "owc")) && argc - a == 3) {
		path = argv[a];
		val = argv[a + 1];
		len = strlen(val);
	} else if (strcmp(op, "loop") || argc - a != 1) {
		usage();
	}
	n = atol(argv[argc - 1]);
	if (n <= 0)
		usage();
	if (warm < 0)
		warm = n / 10;
	if (prio) {
		struct sched_param sp = { .sched_priority = prio };

		if (sched_setscheduler(0, SCHED_FIFO, &sp))
			die("sched_setscheduler", "FIFO");
	}
	if (!strcmp(op, "pwrite")) {
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			die("open", path);
	}
	mark_fd = open("/dev/ttyS1", O_WRONLY | O_NOCTTY | O_CLOEXEC);

	switch (op[0]) {
	case 'o':
		if (op[1] == 'p') {
			do_open(path, warm);
			mark("@@WB\n");
			t0 = now_ns();
			do_open(path, n);
		} else {
			do_owc(path, val, len, warm);
			mark("@@WB\n");
			t0 = now_ns();
			do_owc(path, val, len, n);
		}
		break;
	case 'p':
		do_pwrite(fd, path, val, len, warm);
		mark("@@WB\n");
		t0 = now_ns();
		do_pwrite(fd, path, val, len, n);
		break;
	default:
		do_loop(warm);
		mark("@@WB\n");
		t0 = now_ns();
		do_loop(n);
		break;
	}
	t1 = now_ns();
	mark("@@WE\n");
	printf("call=%s n=%ld ns=%lld per_op=%.1f\n", op, n, t1 - t0, (double)(t1 - t0) / n);
	return 0;
}

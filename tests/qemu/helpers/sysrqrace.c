// SPDX-License-Identifier: GPL-2.0
/*
 * sysrqrace PATH GOOD BAD N [spin|sleep]
 *
 * Opens PATH for writing and writes the one-byte buffer N times (write(2), count 1) from the
 * main thread while a second thread flips the buffer's byte between GOOD and BAD as fast as
 * it can (and yields now and then, so that on one CPU both threads get slices). Tests that
 * the key the kernel dispatches, not the byte read at write entry, decides: with GOOD allowed
 * and BAD forbidden, BAD must never run.
 * Flipper modes: spin (default) stores BAD and GOOD with short busy loops in between; sleep
 * toggles the byte, then sleeps ~2 us (timer slack 1 ns): every wakeup is an interrupt that
 * lands at a random point of the writer's system call, and with full preemption the woken
 * flipper runs there at once, also between the kernel's two reads of the byte (one CPU).
 * Prints "pid=P tid=T fdpath=F op=race result=N writes=N ok=A eperm=E other=O flips=F"
 * (ok: writes that returned 1; eperm: refused at write entry); exit 0 unless the open fails.
 */
#include "common.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <sys/prctl.h>
#include <time.h>

static volatile char buf[1];
static atomic_int stop;
static char good, bad;
static unsigned long flips;

/*
 * A short busy loop between the stores: under QEMU's TCG an interrupt (and so a preemption)
 * is taken only between translation blocks, and a loop of two plain stores is one block that
 * always ends with GOOD in the buffer. The loops make each value last long enough to be seen.
 */
static void spin(unsigned int n)
{
	volatile unsigned int i;

	for (i = 0; i < n; i++)
		;
}

static void *sleeper(void *arg)
{
	struct timespec ts = { 0, 2000 };

	(void)arg;
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		buf[0] = buf[0] == good ? bad : good;
		flips++;
		nanosleep(&ts, NULL);
	}
	return NULL;
}

static void *flipper(void *arg)
{
	(void)arg;
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		buf[0] = bad;
		spin(20);
		buf[0] = good;
		spin(20);
		flips++;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	char fdpath[PATH_MAX];
	long n, i, ok = 0, eperm = 0, other = 0;
	pthread_t th;
	int fd;

	void *(*fn)(void *) = flipper;

	if (argc < 5 || argc > 6 || strlen(argv[2]) != 1 || strlen(argv[3]) != 1 ||
	    (argc == 6 && strcmp(argv[5], "spin") && strcmp(argv[5], "sleep"))) {
		fprintf(stderr, "usage: sysrqrace PATH GOOD BAD N [spin|sleep]\n");
		return 2;
	}
	if (argc == 6 && !strcmp(argv[5], "sleep"))
		fn = sleeper;
	good = argv[2][0];
	bad = argv[3][0];
	n = atol(argv[4]);
	buf[0] = good;
	fd = open(argv[1], O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		report(NULL, "open", -1, errno);
		return 1;
	}
	fd_path(fd, fdpath, sizeof(fdpath));
	if (pthread_create(&th, NULL, fn, NULL))
		return perror("pthread_create"), 1;
	for (i = 0; i < n; i++) {
		ssize_t r = write(fd, (const char *)buf, 1);

		if (r == 1)
			ok++;
		else if (r < 0 && errno == EPERM)
			eperm++;
		else
			other++;
		if (!(i & 15))
			sched_yield();
	}
	atomic_store(&stop, 1);
	pthread_join(th, NULL);
	printf("pid=%d tid=%d fdpath=%s op=race result=%ld writes=%ld ok=%ld eperm=%ld other=%ld flips=%lu\n",
	       getpid(), gettid_raw(), fdpath, n, n, ok, eperm, other, flips);
	return 0;
}

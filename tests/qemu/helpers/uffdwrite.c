// SPDX-License-Identifier: GPL-2.0
/*
 * uffdwrite [--serve CHAR] [--held DIR --go FILE] PATH
 *
 * Writes one byte to PATH (opened for writing) from a page that is registered with
 * userfaultfd (missing mode) and not populated yet, so nothing can read the byte without the
 * fault handler. A handler thread serves every fault with a page full of CHAR (default 'b'):
 * if the kernel reads the byte anyway, it reads CHAR.
 * --held: the page holds CHAR from the start, so a write-time check can read it. When the
 * hostile module's stall holds the writer after that check (DIR/stalled turns 1), a second
 * thread empties the page and lets the writer go on (DIR/release): the kernel's own read of
 * the byte then faults, and the handler serves it only once FILE exists. The writer waits
 * there asleep, for as long as the suite takes, where a stall must spin against a deadline.
 * The writer runs on CPU 0 and the other threads on CPU 1: under PREEMPT_RT a normal task's
 * sleep ends in the ktimers thread of the CPU it slept on, which the stall keeps from running.
 * Prints "pid=P tid=T fdpath=F op=write result=R faults=N" (faults: how often the handler was
 * asked); exit 0 on a successful write, 1 on error.
 */
#include "common.h"

#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

static int uffd;
static long page;
static char serve = 'b';
static const char *held, *go;
static atomic_int faults, stop;

static void keep_to_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		perror("uffdwrite: sched_setaffinity");
}

static int held_file(const char *name, char *buf, size_t len, int flags)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", held, name);
	fd = open(path, flags | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = flags == O_RDONLY ? read(fd, buf, len) : write(fd, buf, len);
	close(fd);
	return n < 0 ? -1 : 0;
}

/* Empties the page once the stall holds the writer past its check, then releases it. */
static void *unpopulate(void *area)
{
	char c = '0';

	while (!atomic_load(&stop) && (held_file("stalled", &c, 1, O_RDONLY) || c == '0'))
		usleep(1000);
	if (atomic_load(&stop))
		return NULL;
	if (madvise(area, page, MADV_DONTNEED))
		perror("uffdwrite: madvise");
	if (held_file("release", "1", 1, O_WRONLY))
		perror("uffdwrite: release");
	return NULL;
}

static void *handler(void *arg)
{
	char *src = arg;

	while (!atomic_load(&stop)) {
		struct pollfd pfd = { uffd, POLLIN, 0 };
		struct uffd_msg msg;
		struct uffdio_copy cp;

		if (poll(&pfd, 1, 100) <= 0)
			continue;
		if (read(uffd, &msg, sizeof(msg)) != sizeof(msg))
			continue;
		if (msg.event != UFFD_EVENT_PAGEFAULT)
			continue;
		atomic_fetch_add(&faults, 1);
		while (go && access(go, F_OK) && !atomic_load(&stop))
			usleep(1000);
		cp.dst = msg.arg.pagefault.address & ~((unsigned long long)page - 1);
		cp.src = (unsigned long)src;
		cp.len = page;
		cp.mode = 0;
		cp.copy = 0;
		if (ioctl(uffd, UFFDIO_COPY, &cp))
			perror("uffdwrite: UFFDIO_COPY");
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg;
	char fdpath[PATH_MAX], *area, *src;
	pthread_t th, zap;
	ssize_t res;
	int fd, e;

	for (; argc > 3 && !strncmp(argv[1], "--", 2); argv += 2, argc -= 2) {
		if (!strcmp(argv[1], "--serve"))
			serve = argv[2][0];
		else if (!strcmp(argv[1], "--held"))
			held = argv[2];
		else if (!strcmp(argv[1], "--go"))
			go = argv[2];
		else
			break;
	}
	if (argc != 2 || !held != !go) {
		fprintf(stderr, "usage: uffdwrite [--serve CHAR] [--held DIR --go FILE] PATH\n");
		return 2;
	}
	page = sysconf(_SC_PAGESIZE);
	uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0) {
		report(NULL, "userfaultfd", -1, errno);
		return 1;
	}
	if (ioctl(uffd, UFFDIO_API, &api)) {
		report(NULL, "uffdio_api", -1, errno);
		return 1;
	}
	area = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	src = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED || src == MAP_FAILED)
		return perror("mmap"), 1;
	memset(src, serve, page);
	if (held)
		memset(area, serve, page);
	reg.range.start = (unsigned long)area;
	reg.range.len = page;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg)) {
		report(NULL, "uffdio_register", -1, errno);
		return 1;
	}
	if (held)
		keep_to_cpu(1);
	if (pthread_create(&th, NULL, handler, src) ||
	    (held && pthread_create(&zap, NULL, unpopulate, area)))
		return perror("pthread_create"), 1;
	if (held)
		keep_to_cpu(0);

	fd = open(argv[1], O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		atomic_store(&stop, 1);
		pthread_join(th, NULL);
		report(NULL, "open", -1, e);
		return 1;
	}
	fd_path(fd, fdpath, sizeof(fdpath));
	res = write(fd, area, 1);
	e = errno;
	atomic_store(&stop, 1);
	pthread_join(th, NULL);
	if (held)
		pthread_join(zap, NULL);
	if (res >= 0)
		printf("pid=%d tid=%d fdpath=%s op=write result=%zd faults=%d\n", getpid(),
		       gettid_raw(), fdpath, res, atomic_load(&faults));
	else
		printf("pid=%d tid=%d fdpath=%s op=write result=%s faults=%d\n", getpid(),
		       gettid_raw(), fdpath, errname(e), atomic_load(&faults));
	return res < 0;
}

/* SPDX-License-Identifier: GPL-2.0 */
/* Shared bits of the static test helpers run inside the QEMU guest. */
#ifndef SYSRQMON_TEST_COMMON_H
#define SYSRQMON_TEST_COMMON_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static inline const char *errname(int e)
{
	const char *n = strerrorname_np(e);

	return n ? n : "E?";
}

static inline pid_t gettid_raw(void)
{
	return (pid_t)syscall(SYS_gettid);
}

/* What the opener sees as the file's path: readlink of /proc/self/fd/N. */
static inline void fd_path(int fd, char *buf, size_t len)
{
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, buf, len - 1);
	if (n < 0)
		n = snprintf(buf, len, "?%s", errname(errno));
	buf[n] = '\0';
}

/* One line the shell tests parse: "pid=P tid=T fdpath=... op=OP result=N|ENAME". */
static inline void report(const char *fdpath, const char *op, long res, int err)
{
	if (res >= 0)
		printf("pid=%d tid=%d fdpath=%s op=%s result=%ld\n", getpid(), gettid_raw(),
		       fdpath ? fdpath : "-", op, res);
	else
		printf("pid=%d tid=%d fdpath=%s op=%s result=%s\n", getpid(), gettid_raw(),
		       fdpath ? fdpath : "-", op, errname(err));
	fflush(stdout);
}

#endif

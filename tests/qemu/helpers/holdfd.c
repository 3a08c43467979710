// SPDX-License-Identifier: GPL-2.0
/*
 * holdfd PATH DATA READYFILE GOFILE [TIMEOUT_S]
 *
 * Opens PATH for writing, creates READYFILE (containing its pid), waits until GOFILE exists
 * (up to TIMEOUT_S seconds, default 60), then writes DATA through the descriptor it opened
 * at the start. Tests a descriptor opened before the module was loaded and written after.
 * Prints "pid=P tid=T fdpath=F op=write result=R"; exit 0 on success, 1 on error.
 */
#include "common.h"

#include <time.h>

int main(int argc, char **argv)
{
	char fdpath[PATH_MAX], buf[32];
	int fd, rfd, timeout = 60, i;
	ssize_t res;

	if (argc < 5 || argc > 6) {
		fprintf(stderr, "usage: holdfd PATH DATA READYFILE GOFILE [TIMEOUT_S]\n");
		return 2;
	}
	if (argc == 6)
		timeout = atoi(argv[5]);
	fd = open(argv[1], O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		report(NULL, "open", -1, errno);
		return 1;
	}
	fd_path(fd, fdpath, sizeof(fdpath));
	rfd = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (rfd < 0)
		return perror("ready file"), 1;
	i = snprintf(buf, sizeof(buf), "%d\n", getpid());
	if (write(rfd, buf, (size_t)i) != i)
		return perror("ready file"), 1;
	close(rfd);

	for (i = 0; i < timeout * 20 && access(argv[4], F_OK); i++) {
		struct timespec ts = { 0, 50 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
	if (access(argv[4], F_OK)) {
		fprintf(stderr, "holdfd: %s did not appear\n", argv[4]);
		return 1;
	}
	res = write(fd, argv[2], strlen(argv[2]));
	report(fdpath, "write", res, errno);
	return res < 0;
}

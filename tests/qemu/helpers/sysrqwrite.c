// SPDX-License-Identifier: GPL-2.0
/*
 * sysrqwrite: write DATA to PATH with a chosen system call, for the sysrqmon QEMU tests.
 *
 *   sysrqwrite [options] PATH DATA
 *     --method write|writev|pwritev2|io_uring|io_uring_writev
 *                      writev, pwritev2 (offset -1, flags 0) and io_uring_writev put every
 *                      byte of DATA in its own iovec (the trigger file runs one command per
 *                      iovec); io_uring submits one IORING_OP_WRITE of the whole DATA.
 *     --comm NAME      prctl(PR_SET_NAME) before anything else (hostile comm tests)
 *     --comm-hex HEX   the same, NAME given as hex bytes (for newlines and control bytes)
 *     --dirfd DIR      open DIR (O_PATH|O_DIRECTORY) and openat(dirfd, PATH)
 *     --reopen         open PATH with O_PATH (no file-open hook runs), then open
 *                      /proc/self/fd/N for writing and write through that
 *     --ruid N         setresuid(N, -1, -1) first: real uid N, effective uid stays 0
 *     --thread         do the open and the write in a second thread (tid != pid)
 *     --open-only      open (access from --access) and close, no write
 *     --access r|w|rw  access mode of the open (default w)
 *
 * Prints "pid=P tid=T fdpath=F op=OP result=R" (R = bytes written or an errno name, F = what
 * readlink(/proc/self/fd/N) says) and exits 0 on success, 1 on error, 2 on usage errors.
 */
#include "common.h"

#include <getopt.h>
#include <liburing.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/uio.h>

static const char *method = "write";
static const char *dirpath;
static const char *path;
static const char *data;
static int reopen, open_only, use_thread;
static int access_mode = O_WRONLY;
static int status = 1;

static int do_uring(int fd, const char *buf, size_t len, int vectored)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	struct iovec iov[256];
	size_t i, n = len < 256 ? len : 256;
	int ret;

	ret = io_uring_queue_init(4, &ring, 0);
	if (ret < 0)
		return ret;
	sqe = io_uring_get_sqe(&ring);
	if (vectored) {
		for (i = 0; i < n; i++) {
			iov[i].iov_base = (void *)(buf + i);
			iov[i].iov_len = 1;
		}
		io_uring_prep_writev(sqe, fd, iov, n, -1);
	} else {
		io_uring_prep_write(sqe, fd, buf, len, -1);
	}
	ret = io_uring_submit(&ring);
	if (ret >= 0)
		ret = io_uring_wait_cqe(&ring, &cqe);
	if (ret >= 0) {
		ret = cqe->res;
		io_uring_cqe_seen(&ring, cqe);
	}
	io_uring_queue_exit(&ring);
	return ret;
}

static void *run(void *arg)
{
	char fdpath[PATH_MAX];
	struct iovec iov[256];
	size_t len = strlen(data), i, n;
	const char *op = "open";
	int fd, dfd, flags = access_mode | O_CLOEXEC;
	long res;

	(void)arg;
	if (dirpath) {
		dfd = open(dirpath, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0) {
			report(NULL, "open-dir", -1, errno);
			return NULL;
		}
		fd = openat(dfd, path, flags);
	} else if (reopen) {
		char link[64];
		int pfd = open(path, O_PATH | O_CLOEXEC);

		if (pfd < 0) {
			report(NULL, "open-path", -1, errno);
			return NULL;
		}
		snprintf(link, sizeof(link), "/proc/self/fd/%d", pfd);
		fd = open(link, flags);
		op = "reopen";
	} else {
		fd = open(path, flags);
	}
	if (fd < 0) {
		report(NULL, op, -1, errno);
		return NULL;
	}
	fd_path(fd, fdpath, sizeof(fdpath));
	if (open_only) {
		report(fdpath, op, 0, 0);
		close(fd);
		status = 0;
		return NULL;
	}

	n = len < 256 ? len : 256;
	for (i = 0; i < n; i++) {
		iov[i].iov_base = (void *)(data + i);
		iov[i].iov_len = 1;
	}
	errno = 0;
	if (!strcmp(method, "write")) {
		res = write(fd, data, len);
	} else if (!strcmp(method, "writev")) {
		res = writev(fd, iov, n);
	} else if (!strcmp(method, "pwritev2")) {
		res = pwritev2(fd, iov, n, -1, 0);
	} else if (!strcmp(method, "io_uring") || !strcmp(method, "io_uring_writev")) {
		res = do_uring(fd, data, len, !strcmp(method, "io_uring_writev"));
		if (res < 0) {
			errno = (int)-res;
			res = -1;
		}
	} else {
		fprintf(stderr, "sysrqwrite: unknown method %s\n", method);
		exit(2);
	}
	report(fdpath, method, res, errno);
	close(fd);
	status = res < 0;
	return NULL;
}

static int set_comm(const char *name)
{
	char comm[17] = "";

	strncpy(comm, name, 16);
	return prctl(PR_SET_NAME, comm, 0, 0, 0);
}

static int unhex(const char *hex, char *out, size_t outlen)
{
	size_t i = 0;
	unsigned int b;

	while (hex[0] && hex[1] && i + 1 < outlen) {
		if (sscanf(hex, "%2x", &b) != 1)
			return -1;
		out[i++] = (char)b;
		hex += 2;
	}
	out[i] = '\0';
	return *hex ? -1 : 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "method", required_argument, NULL, 'm' },
		{ "comm", required_argument, NULL, 'c' },
		{ "comm-hex", required_argument, NULL, 'x' },
		{ "dirfd", required_argument, NULL, 'd' },
		{ "reopen", no_argument, NULL, 'r' },
		{ "ruid", required_argument, NULL, 'u' },
		{ "thread", no_argument, NULL, 't' },
		{ "open-only", no_argument, NULL, 'o' },
		{ "access", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	char comm[64];
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			method = optarg;
			break;
		case 'c':
			if (set_comm(optarg))
				return perror("prctl"), 1;
			break;
		case 'x':
			if (unhex(optarg, comm, sizeof(comm)) || set_comm(comm))
				return fprintf(stderr, "sysrqwrite: bad --comm-hex\n"), 2;
			break;
		case 'd':
			dirpath = optarg;
			break;
		case 'r':
			reopen = 1;
			break;
		case 'u':
			if (setresuid((uid_t)atoi(optarg), (uid_t)-1, (uid_t)-1))
				return perror("setresuid"), 1;
			break;
		case 't':
			use_thread = 1;
			break;
		case 'o':
			open_only = 1;
			break;
		case 'a':
			access_mode = !strcmp(optarg, "r") ? O_RDONLY :
				      !strcmp(optarg, "rw") ? O_RDWR : O_WRONLY;
			break;
		default:
			return 2;
		}
	}
	if (argc - optind != 2 && !(open_only && argc - optind == 1)) {
		fprintf(stderr, "usage: sysrqwrite [options] PATH DATA\n");
		return 2;
	}
	path = argv[optind];
	data = open_only ? "" : argv[optind + 1];

	if (use_thread) {
		pthread_t th;

		if (pthread_create(&th, NULL, run, NULL) || pthread_join(th, NULL))
			return perror("pthread"), 1;
	} else {
		run(NULL);
	}
	return status;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * fdpass PATH DATA READYFILE GOFILE [TIMEOUT_S]
 *
 * A descriptor received over a unix socket: forks a receiver (comm "fdrecv", its own
 * descriptor table), then the sender opens PATH for writing, creates READYFILE (containing
 * "SENDER_PID RECEIVER_PID"), waits until GOFILE exists (GOFILE "-": no wait; up to TIMEOUT_S
 * seconds, default 60) and sends the descriptor with SCM_RIGHTS, closing its own copy. The
 * receiver writes DATA through the descriptor it received.
 * The receiver prints "pid=P tid=T fdpath=F op=write result=R" (P is the receiver); exit 0 on
 * success, 1 on error (the sender exits with the receiver's status).
 */
#include "common.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>

static int receive(int sock, const char *data)
{
	char fdpath[PATH_MAX], byte;
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	ssize_t res;
	int fd;

	prctl(PR_SET_NAME, "fdrecv", 0, 0, 0);
	if (recvmsg(sock, &msg, 0) <= 0) {
		report(NULL, "recvmsg", -1, errno);
		return 1;
	}
	cm = CMSG_FIRSTHDR(&msg);
	if (byte == 'E')
		return 1;	/* the sender could not open PATH and reports it */
	if (!cm || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS) {
		report(NULL, "recvmsg", -1, EPROTO);
		return 1;
	}
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	fd_path(fd, fdpath, sizeof(fdpath));
	res = write(fd, data, strlen(data));
	report(fdpath, "write", res, errno);
	close(fd);
	return res < 0;
}

int main(int argc, char **argv)
{
	char cbuf[CMSG_SPACE(sizeof(int))], buf[64];
	struct iovec iov = { "F", 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	int sv[2], fd, rfd, timeout = 60, i, st;
	pid_t child;

	if (argc < 5 || argc > 6) {
		fprintf(stderr, "usage: fdpass PATH DATA READYFILE GOFILE [TIMEOUT_S]\n");
		return 2;
	}
	if (argc == 6)
		timeout = atoi(argv[5]);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return perror("socketpair"), 1;
	fflush(stdout);
	child = fork();
	if (child < 0)
		return perror("fork"), 1;
	if (!child) {
		close(sv[0]);
		_exit(receive(sv[1], argv[2]));
	}
	close(sv[1]);

	fd = open(argv[1], O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;

		/* tell the receiver there is nothing, report the open failure ourselves */
		if (write(sv[0], "E", 1) < 0)
			perror("fdpass: socket");
		waitpid(child, NULL, 0);
		report(NULL, "open", -1, e);
		return 1;
	}
	rfd = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (rfd < 0)
		return perror("ready file"), 1;
	i = snprintf(buf, sizeof(buf), "%d %d\n", getpid(), child);
	if (write(rfd, buf, (size_t)i) != i)
		return perror("ready file"), 1;
	close(rfd);

	if (strcmp(argv[4], "-")) {
		for (i = 0; i < timeout * 20 && access(argv[4], F_OK); i++) {
			struct timespec ts = { 0, 50 * 1000 * 1000 };

			nanosleep(&ts, NULL);
		}
		if (access(argv[4], F_OK)) {
			fprintf(stderr, "fdpass: %s did not appear\n", argv[4]);
			kill(child, SIGKILL);
			return 1;
		}
	}
	cm = (struct cmsghdr *)cbuf;
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	if (sendmsg(sv[0], &msg, 0) != 1)
		return perror("sendmsg"), 1;
	close(fd);
	if (waitpid(child, &st, 0) < 0)
		return perror("waitpid"), 1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

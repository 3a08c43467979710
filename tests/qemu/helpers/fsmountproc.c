// SPDX-License-Identifier: GPL-2.0
/*
 * fsmountproc [--open-only] RELPATH DATA
 *
 * Creates a detached procfs instance with fsopen("proc") / fsconfig(CMD_CREATE) / fsmount()
 * (never attached to any directory), opens RELPATH relative to it with openat(mntfd, ...),
 * e.g. "sysrq-trigger" or "sys/kernel/sysrq", and writes DATA.
 * Prints "pid=P tid=T fdpath=F op=write result=R"; exit 0 on success, 1 on error.
 */
#include "common.h"

#ifndef __NR_fsopen
#define __NR_fsopen 430
#endif
#ifndef __NR_fsconfig
#define __NR_fsconfig 431
#endif
#ifndef __NR_fsmount
#define __NR_fsmount 432
#endif
#define FSOPEN_CLOEXEC_ 0x00000001
#define FSCONFIG_CMD_CREATE_ 6
#define FSMOUNT_CLOEXEC_ 0x00000001

int main(int argc, char **argv)
{
	char fdpath[PATH_MAX];
	int open_only = 0, fsfd, mntfd, fd;
	ssize_t res;

	if (argc > 1 && !strcmp(argv[1], "--open-only")) {
		open_only = 1;
		argv++;
		argc--;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: fsmountproc [--open-only] RELPATH DATA\n");
		return 2;
	}
	fsfd = (int)syscall(__NR_fsopen, "proc", FSOPEN_CLOEXEC_);
	if (fsfd < 0) {
		report(NULL, "fsopen", -1, errno);
		return 1;
	}
	if (syscall(__NR_fsconfig, fsfd, FSCONFIG_CMD_CREATE_, NULL, NULL, 0) < 0) {
		report(NULL, "fsconfig", -1, errno);
		return 1;
	}
	mntfd = (int)syscall(__NR_fsmount, fsfd, FSMOUNT_CLOEXEC_, 0);
	if (mntfd < 0) {
		report(NULL, "fsmount", -1, errno);
		return 1;
	}
	fd = openat(mntfd, argv[1], O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		report(NULL, "openat", -1, errno);
		return 1;
	}
	fd_path(fd, fdpath, sizeof(fdpath));
	if (open_only) {
		report(fdpath, "open", 0, 0);
		return 0;
	}
	res = write(fd, argv[2], strlen(argv[2]));
	report(fdpath, "write", res, errno);
	return res < 0;
}

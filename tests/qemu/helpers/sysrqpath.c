// SPDX-License-Identifier: GPL-2.0
/*
 * sysrqpath: one write into PATH by a chosen system call, through a descriptor obtained a
 * chosen way; the evasion matrix of the sysrqmon QEMU tests (docs/evasion-matrix.md).
 *
 *   sysrqpath [--via METHOD] [--fd HOW] [--count N] [--threads N] [--ready FILE --go FILE]
 *             [--timeout S] PATH DATA
 *
 *   --via    write (default), writev, pwrite64, pwritev2[:none|hipri|dsync|sync|append|nowait],
 *            io_uring_write, io_uring_writev, io_uring_write_fixed, splice, sendfile,
 *            copy_file_range (source: a tmpfs file), copy_file_range_proc (source: a file of
 *            the same procfs, kernel.hostname set to DATA in a new UTS namespace),
 *            aio (IOCB_CMD_PWRITE),
 *            aio_pwritev (IOCB_CMD_PWRITEV); open_r / open_w: each "write" is an open
 *            (O_RDONLY / O_WRONLY) and close of PATH, no write (event storms; --fd is ignored)
 *            The vectored methods put one byte of DATA in each iovec: "h7" on the trigger is
 *            two commands in one call, "438" on the sysctl one value in three pieces.
 *            Offsets are 0 (pwrite64, pwritev2, io_uring, aio): sysctl_writes_strict.
 *   --fd     open (default): open(PATH, O_WRONLY) here
 *            exec: open without O_CLOEXEC, fork, the child execs this program again, which
 *                  writes through the inherited descriptor (SYSRQPATH_FD in its environment)
 *            fork: open, fork, the child writes
 *            scm: a forked child receives the descriptor over a unix socket (SCM_RIGHTS)
 *                 from the parent, which closes its copy; the child writes
 *            pidfd_getfd: a forked child opens PATH and waits; the parent takes the
 *                 descriptor with pidfd_open + pidfd_getfd and writes
 *            dup3: open, dup3() to 100 with O_CLOEXEC, close the original, write via 100
 *            dupfd: open, fcntl(F_DUPFD, 200), close the original, write via the copy
 *            proc_self: open O_RDONLY, then open("/proc/self/fd/N", O_WRONLY): a new open
 *            proc_pid: a forked child opens O_RDONLY and waits; the parent opens
 *                 "/proc/CHILD/fd/N" O_WRONLY (a new open through another process's table)
 *   --count N     N writes through the descriptor (lseek to 0 before each; default 1)
 *   --threads N   N threads of the writer each make --count writes on the shared descriptor
 *   --ready F --go F  after the descriptor is obtained (and before the first write) create F
 *                 (containing "WRITER_PID OPENER_PID"), then wait until GO exists (--timeout,
 *                 default 60 s): the caller may switch the module's mode in between.
 *   --comm NAME   prctl(PR_SET_NAME) in the writer
 *   --writer-uid N  the writer drops to uid/gid N (no groups, no capabilities) once it has
 *                 the descriptor, before the write: a descriptor root opened, used by nobody
 *
 * Prints one line, from the writer:
 *   pid=P tid=T fdpath=F op=VIA/HOW result=R opener=O ok=A eperm=E other=X err=FIRST
 * (P the writer's tgid, O the process that opened the file, R bytes written by the last write
 * or the errno name of the first failure; ok/eperm/other count the writes). Exit 0 when every
 * write succeeded, 1 otherwise, 2 on usage errors.
 */
#include "common.h"

#include <liburing.h>
#include <linux/aio_abi.h>
#include <pthread.h>
#include <signal.h>
#include <grp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <sched.h>
#include <time.h>

#ifndef RWF_HIPRI
#define RWF_HIPRI 0x1
#define RWF_DSYNC 0x2
#define RWF_SYNC 0x4
#define RWF_NOWAIT 0x8
#define RWF_APPEND 0x10
#endif

static const char *via = "write", *how = "open", *path, *data;
static const char *ready_file, *go_file, *comm;
static long count = 1, timeout_s = 60;
static int writer_uid = -1;
static int nthreads = 1, opener_pid;
static char fdpath[PATH_MAX] = "-";

struct tally {
	long ok, eperm, other, last;
	int first_err;
};

static struct tally total;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static int nvec(struct iovec *iov)
{
	size_t i, n = strlen(data);

	for (i = 0; i < n && i < 64; i++) {
		iov[i].iov_base = (void *)(data + i);
		iov[i].iov_len = 1;
	}
	return (int)i;
}

static int rwf_flags(const char *m)
{
	const char *f = strchr(m, ':');

	if (!f || !strcmp(f + 1, "none"))
		return 0;
	f++;
	if (!strcmp(f, "hipri"))
		return RWF_HIPRI;
	if (!strcmp(f, "dsync"))
		return RWF_DSYNC;
	if (!strcmp(f, "sync"))
		return RWF_SYNC;
	if (!strcmp(f, "append"))
		return RWF_APPEND;
	if (!strcmp(f, "nowait"))
		return RWF_NOWAIT;
	return -1;
}

static long do_uring(int fd, int kind)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	struct iovec iov[64], reg;
	char *fixed;
	size_t len = strlen(data);
	long ret;

	ret = io_uring_queue_init(4, &ring, 0);
	if (ret < 0)
		return ret;
	sqe = io_uring_get_sqe(&ring);
	if (kind == 1) {
		io_uring_prep_writev(sqe, fd, iov, nvec(iov), 0);
	} else if (kind == 2) {
		/* page-aligned anonymous memory: what buffer registration pins best */
		fixed = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (fixed == MAP_FAILED) {
			ret = -errno;
			goto out;
		}
		memcpy(fixed, data, len);
		reg.iov_base = fixed;
		reg.iov_len = 4096;
		ret = io_uring_register_buffers(&ring, &reg, 1);
		if (ret < 0) {
			fprintf(stderr, "sysrqpath: io_uring_register_buffers: %s\n", errname((int)-ret));
			goto out;
		}
		io_uring_prep_write_fixed(sqe, fd, fixed, len, 0, 0);
	} else {
		io_uring_prep_write(sqe, fd, data, len, 0);
	}
	ret = io_uring_submit(&ring);
	if (ret >= 0) {
		ret = io_uring_wait_cqe(&ring, &cqe);
		if (ret >= 0) {
			ret = cqe->res;
			io_uring_cqe_seen(&ring, cqe);
		}
	}
out:
	io_uring_queue_exit(&ring);
	return ret;
}

static long do_aio(int fd, int vec)
{
	aio_context_t ctx = 0;
	struct iocb cb, *cbs[1] = { &cb };
	struct io_event ev;
	struct iovec iov[64];
	long ret;

	if (syscall(SYS_io_setup, 4, &ctx) < 0)
		return -errno;
	memset(&cb, 0, sizeof(cb));
	cb.aio_fildes = fd;
	cb.aio_offset = 0;
	if (vec) {
		cb.aio_lio_opcode = IOCB_CMD_PWRITEV;
		cb.aio_buf = (unsigned long)iov;
		cb.aio_nbytes = nvec(iov);
	} else {
		cb.aio_lio_opcode = IOCB_CMD_PWRITE;
		cb.aio_buf = (unsigned long)data;
		cb.aio_nbytes = strlen(data);
	}
	ret = syscall(SYS_io_submit, ctx, 1, cbs);
	if (ret < 0) {
		ret = -errno;
	} else if (syscall(SYS_io_getevents, ctx, 1, 1, &ev, NULL) == 1) {
		ret = ev.res;
	} else {
		ret = -errno;
	}
	syscall(SYS_io_destroy, ctx);
	return ret;
}

/* A source file holding DATA: on tmpfs (another superblock) or this procfs's /proc/self/comm. */
static int source_file(int proc)
{
	char name[64];
	int fd;

	if (proc) {
		/*
		 * A file of the same procfs that can be spliced from: kernel.hostname, set to
		 * DATA in a UTS namespace of our own (the guest's hostname is left alone). It
		 * reads back as DATA plus a newline.
		 */
		if (unshare(CLONE_NEWUTS) < 0 || sethostname(data, strlen(data)) < 0)
			return -1;
		return open("/proc/sys/kernel/hostname", O_RDONLY);
	}
	snprintf(name, sizeof(name), "/tmp/sysrqpath.%d.%d", getpid(), gettid_raw());
	fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return -1;
	unlink(name);
	if (write(fd, data, strlen(data)) < 0)
		return -1;
	lseek(fd, 0, SEEK_SET);
	return fd;
}

/* One write by the chosen method: bytes, or -errno. */
static long write_once(int fd)
{
	size_t len = strlen(data);
	struct iovec iov[64];
	long ret = -EINVAL;
	int flags, src, p[2];
	loff_t off = 0, off2 = 0;
	off_t soff = 0;

	if (!strncmp(via, "open_", 5)) {
		src = open(path, (via[5] == 'r' ? O_RDONLY : O_WRONLY) | O_CLOEXEC);
		if (src < 0)
			return -errno;
		close(src);
		return 0;
	}
	if (count > 1 || nthreads > 1)
		lseek(fd, 0, SEEK_SET);
	errno = 0;
	if (!strcmp(via, "write")) {
		ret = write(fd, data, len);
	} else if (!strcmp(via, "writev")) {
		ret = writev(fd, iov, nvec(iov));
	} else if (!strcmp(via, "pwrite64")) {
		ret = pwrite(fd, data, len, 0);
	} else if (!strncmp(via, "pwritev2", 8)) {
		flags = rwf_flags(via);
		ret = pwritev2(fd, iov, nvec(iov), 0, flags);
	} else if (!strcmp(via, "io_uring_write")) {
		return do_uring(fd, 0);
	} else if (!strcmp(via, "io_uring_writev")) {
		return do_uring(fd, 1);
	} else if (!strcmp(via, "io_uring_write_fixed")) {
		return do_uring(fd, 2);
	} else if (!strcmp(via, "aio")) {
		return do_aio(fd, 0);
	} else if (!strcmp(via, "aio_pwritev")) {
		return do_aio(fd, 1);
	} else if (!strcmp(via, "splice")) {
		if (pipe(p) < 0 || write(p[1], data, len) != (ssize_t)len)
			return -errno;
		ret = splice(p[0], NULL, fd, NULL, len, 0);
		if (ret < 0)
			ret = -errno;
		close(p[0]);
		close(p[1]);
		return ret;
	} else if (!strcmp(via, "sendfile")) {
		src = source_file(0);
		if (src < 0)
			return -errno;
		ret = sendfile(fd, src, &soff, len);
		if (ret < 0)
			ret = -errno;
		close(src);
		return ret;
	} else if (!strncmp(via, "copy_file_range", 15)) {
		src = source_file(!strcmp(via, "copy_file_range_proc"));
		if (src < 0)
			return -errno;
		ret = copy_file_range(src, &off, fd, &off2, len, 0);
		if (ret < 0)
			ret = -errno;
		close(src);
		return ret;
	}
	if (ret < 0)
		ret = -errno;
	return ret;
}

static void *writer(void *arg)
{
	int fd = (int)(long)arg;
	struct tally t = { 0 };
	long i, r;

	for (i = 0; i < count; i++) {
		r = write_once(fd);
		if (r >= 0) {
			t.ok++;
			t.last = r;
		} else {
			if (r == -EPERM)
				t.eperm++;
			else
				t.other++;
			if (!t.first_err)
				t.first_err = (int)-r;
		}
	}
	pthread_mutex_lock(&lock);
	total.ok += t.ok;
	total.eperm += t.eperm;
	total.other += t.other;
	total.last = t.last;
	if (!total.first_err)
		total.first_err = t.first_err;
	pthread_mutex_unlock(&lock);
	return NULL;
}

static void wait_go(void)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	long waited = 0;
	FILE *f;

	if (!ready_file)
		return;
	f = fopen(ready_file, "w");
	if (f) {
		fprintf(f, "%d %d\n", getpid(), opener_pid);
		fclose(f);
	}
	while (go_file && access(go_file, F_OK) && waited < timeout_s * 100) {
		nanosleep(&ts, NULL);
		waited++;
	}
}

static int fail_setup(const char *what);

/* The writer: write through fd, print the report line, return the exit status. */
static int write_and_report(int fd)
{
	pthread_t th[64];
	char op[128];
	int i;

	if (comm)
		prctl(PR_SET_NAME, comm);
	fd_path(fd, fdpath, sizeof(fdpath));
	if (writer_uid >= 0 &&
	    (setgroups(0, NULL) || setresgid(writer_uid, writer_uid, writer_uid) ||
	     setresuid(writer_uid, writer_uid, writer_uid)))
		return fail_setup("setuid");
	wait_go();
	if (nthreads <= 1) {
		writer((void *)(long)fd);
	} else {
		for (i = 0; i < nthreads; i++)
			pthread_create(&th[i], NULL, writer, (void *)(long)fd);
		for (i = 0; i < nthreads; i++)
			pthread_join(th[i], NULL);
	}
	snprintf(op, sizeof(op), "%s/%s", via, how);
	if (total.first_err && count == 1 && nthreads <= 1)
		printf("pid=%d tid=%d fdpath=%s op=%s result=%s", getpid(), gettid_raw(), fdpath, op,
		       errname(total.first_err));
	else if (count == 1 && nthreads <= 1)
		printf("pid=%d tid=%d fdpath=%s op=%s result=%ld", getpid(), gettid_raw(), fdpath, op,
		       total.last);
	else
		printf("pid=%d tid=%d fdpath=%s op=%s result=%ld", getpid(), gettid_raw(), fdpath, op,
		       total.ok);
	printf(" opener=%d ok=%ld eperm=%ld other=%ld err=%s\n", opener_pid, total.ok, total.eperm,
	       total.other, total.first_err ? errname(total.first_err) : "-");
	fflush(stdout);
	return (total.eperm || total.other) ? 1 : 0;
}

static int fail_setup(const char *what)
{
	int e = errno;

	printf("pid=%d tid=%d fdpath=- op=%s/%s result=%s opener=%d ok=0 eperm=%d other=%d err=%s setup=%s\n",
	       getpid(), gettid_raw(), via, how, errname(e), opener_pid, e == EPERM, e != EPERM,
	       errname(e), what);
	fflush(stdout);
	return 1;
}

static int wait_child(pid_t c)
{
	int st;

	if (waitpid(c, &st, 0) < 0)
		return 1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

/* A child that holds PATH open (O_RDONLY or O_WRONLY) and sends the fd number up a pipe. */
static pid_t holder(int flags, int *fdnum)
{
	int p[2], fd;
	pid_t c;

	if (pipe(p) < 0)
		return -1;
	fflush(stdout);
	c = fork();
	if (c == 0) {
		close(p[0]);
		fd = open(path, flags);
		if (fd < 0)
			fd = -errno;
		if (write(p[1], &fd, sizeof(fd)) != sizeof(fd))
			_exit(1);
		pause();
		_exit(0);
	}
	close(p[1]);
	if (c < 0 || read(p[0], fdnum, sizeof(*fdnum)) != sizeof(*fdnum))
		*fdnum = -EIO;
	close(p[0]);
	return c;
}

int main(int argc, char **argv)
{
	char link[64], *env;
	int a, fd, nfd, sv[2], rc;
	pid_t c;

	for (a = 1; a < argc && argv[a][0] == '-'; a++) {
		if (!strcmp(argv[a], "--via") && a + 1 < argc)
			via = argv[++a];
		else if (!strcmp(argv[a], "--fd") && a + 1 < argc)
			how = argv[++a];
		else if (!strcmp(argv[a], "--count") && a + 1 < argc)
			count = atol(argv[++a]);
		else if (!strcmp(argv[a], "--threads") && a + 1 < argc)
			nthreads = atoi(argv[++a]);
		else if (!strcmp(argv[a], "--ready") && a + 1 < argc)
			ready_file = argv[++a];
		else if (!strcmp(argv[a], "--go") && a + 1 < argc)
			go_file = argv[++a];
		else if (!strcmp(argv[a], "--timeout") && a + 1 < argc)
			timeout_s = atol(argv[++a]);
		else if (!strcmp(argv[a], "--comm") && a + 1 < argc)
			comm = argv[++a];
		else if (!strcmp(argv[a], "--writer-uid") && a + 1 < argc)
			writer_uid = atoi(argv[++a]);
		else
			break;
	}
	if (argc - a != 2 || nthreads < 1 || nthreads > 64 || count < 1 ||
	    (strncmp(via, "pwritev2", 8) == 0 && rwf_flags(via) < 0)) {
		fprintf(stderr, "usage: sysrqpath [--via METHOD] [--fd HOW] [--count N] [--threads N] "
				"[--ready FILE --go FILE] [--timeout S] [--comm NAME] [--writer-uid N] PATH DATA\n");
		return 2;
	}
	path = argv[a];
	data = argv[a + 1];
	opener_pid = getpid();

	/* the exec'd child of --fd exec */
	env = getenv("SYSRQPATH_FD");
	if (env) {
		fd = atoi(env);
		env = getenv("SYSRQPATH_OPENER");
		opener_pid = env ? atoi(env) : 0;
		unsetenv("SYSRQPATH_FD");
		return write_and_report(fd);
	}

	if (!strncmp(via, "open_", 5))
		return write_and_report(-1);
	if (!strcmp(how, "open")) {
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			return fail_setup("open");
		return write_and_report(fd);
	}
	if (!strcmp(how, "exec") || !strcmp(how, "fork")) {
		fd = open(path, O_WRONLY);
		if (fd < 0)
			return fail_setup("open");
		fflush(stdout);
		c = fork();
		if (c < 0)
			return fail_setup("fork");
		if (c == 0) {
			if (!strcmp(how, "fork"))
				_exit(write_and_report(fd));
			char self[PATH_MAX], num[16], op[16];
			ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

			if (n < 0)
				_exit(1);
			self[n] = '\0';
			snprintf(num, sizeof(num), "%d", fd);
			snprintf(op, sizeof(op), "%d", opener_pid);
			setenv("SYSRQPATH_FD", num, 1);
			setenv("SYSRQPATH_OPENER", op, 1);
			execv(self, argv);
			_exit(1);
		}
		close(fd);
		return wait_child(c);
	}
	if (!strcmp(how, "scm")) {
		char byte = 0, cbuf[CMSG_SPACE(sizeof(int))];
		struct iovec iov = { &byte, 1 };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
				      .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
		struct cmsghdr *cm;

		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
			return fail_setup("socketpair");
		fflush(stdout);
		c = fork();
		if (c == 0) {
			close(sv[0]);
			if (recvmsg(sv[1], &msg, 0) < 0)
				_exit(fail_setup("recvmsg"));
			cm = CMSG_FIRSTHDR(&msg);
			if (!cm || cm->cmsg_type != SCM_RIGHTS) {
				/* the parent's open failed: it sent the errno as the byte */
				errno = byte ? byte : EIO;
				_exit(fail_setup("open"));
			}
			memcpy(&fd, CMSG_DATA(cm), sizeof(int));
			opener_pid = getppid();
			_exit(write_and_report(fd));
		}
		close(sv[1]);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0) {
			byte = (char)errno;
			msg.msg_control = NULL;
			msg.msg_controllen = 0;
		} else {
			cm = CMSG_FIRSTHDR(&msg);
			cm->cmsg_level = SOL_SOCKET;
			cm->cmsg_type = SCM_RIGHTS;
			cm->cmsg_len = CMSG_LEN(sizeof(int));
			memcpy(CMSG_DATA(cm), &fd, sizeof(int));
		}
		if (sendmsg(sv[0], &msg, 0) < 0)
			perror("sendmsg");
		if (fd >= 0)
			close(fd);
		return wait_child(c);
	}
	if (!strcmp(how, "pidfd_getfd") || !strcmp(how, "proc_pid")) {
		int pidfd, num;

		c = holder(!strcmp(how, "proc_pid") ? O_RDONLY : O_WRONLY, &num);
		if (c < 0)
			return fail_setup("fork");
		opener_pid = c;
		if (num < 0) {
			errno = -num;
			rc = fail_setup("holder-open");
		} else if (!strcmp(how, "proc_pid")) {
			snprintf(link, sizeof(link), "/proc/%d/fd/%d", c, num);
			opener_pid = getpid();
			fd = open(link, O_WRONLY | O_CLOEXEC);
			rc = fd < 0 ? fail_setup("reopen") : write_and_report(fd);
		} else {
			pidfd = (int)syscall(SYS_pidfd_open, c, 0);
			fd = pidfd < 0 ? -1 : (int)syscall(SYS_pidfd_getfd, pidfd, num, 0);
			rc = fd < 0 ? fail_setup("pidfd_getfd") : write_and_report(fd);
		}
		kill(c, SIGKILL);
		waitpid(c, NULL, 0);
		return rc;
	}
	if (!strcmp(how, "dup3") || !strcmp(how, "dupfd")) {
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			return fail_setup("open");
		nfd = !strcmp(how, "dup3") ? dup3(fd, 100, O_CLOEXEC) : fcntl(fd, F_DUPFD, 200);
		if (nfd < 0)
			return fail_setup(how);
		close(fd);
		return write_and_report(nfd);
	}
	if (!strcmp(how, "proc_self")) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return fail_setup("open-r");
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		nfd = open(link, O_WRONLY | O_CLOEXEC);
		if (nfd < 0)
			return fail_setup("reopen");
		close(fd);
		return write_and_report(nfd);
	}
	fprintf(stderr, "sysrqpath: unknown --fd %s\n", how);
	return 2;
}

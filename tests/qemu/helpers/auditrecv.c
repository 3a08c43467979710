// SPDX-License-Identifier: GPL-2.0
/*
 * auditrecv: receive the kernel's audit records the way auditd does, for the sysrqmon QEMU
 * tests (the guest has no auditd).
 *
 *   auditrecv [--backlog N] [--ready FILE] OUT
 *       Register as the audit daemon over NETLINK_AUDIT (AUDIT_SET with AUDIT_STATUS_PID, our
 *       pid, and AUDIT_STATUS_ENABLED, 1; with AUDIT_STATUS_BACKLOG_LIMIT N, default 8192 as
 *       auditd's rules set it), create FILE once the kernel has acknowledged, then append
 *       every record to OUT as auditd writes audit.log (log_format RAW):
 *           type=NAME msg=audit(SEC.MSEC:SERIAL): FIELDS
 *       one line each, written at once. NAME as auditd spells it (KERNEL_OTHER for 1316),
 *       UNKNOWN[N] for a type it would not know; end-of-event records (1320) are not written,
 *       as auditd does not write them. SIGTERM or SIGINT: unregister (pid 0), exit 0.
 *   auditrecv --enable 0|1
 *       AUDIT_SET enabled (what `auditctl -e` does), then print the status as --status does.
 *   auditrecv --status
 *       AUDIT_GET: "enabled=E pid=P lost=L backlog=B backlog_limit=N rate_limit=R failure=F".
 *
 * Exit status: 0 ok, 1 error (message on stderr), 2 usage.
 */
#include "common.h"

#include <linux/audit.h>
#include <linux/netlink.h>
#include <signal.h>
#include <sys/socket.h>

/* The kernel's MAX_AUDIT_MESSAGE_LENGTH (kernel/audit.h): no record is longer. */
#define RECORD_MAX	8970

static volatile sig_atomic_t stop;

static const struct {
	int type;
	const char *name;
} type_names[] = {
	{ AUDIT_SYSCALL, "SYSCALL" },
	{ AUDIT_PATH, "PATH" },
	{ AUDIT_IPC, "IPC" },
	{ AUDIT_SOCKETCALL, "SOCKETCALL" },
	{ AUDIT_CONFIG_CHANGE, "CONFIG_CHANGE" },
	{ AUDIT_SOCKADDR, "SOCKADDR" },
	{ AUDIT_CWD, "CWD" },
	{ AUDIT_EXECVE, "EXECVE" },
	{ AUDIT_KERNEL_OTHER, "KERNEL_OTHER" },
	{ AUDIT_FD_PAIR, "FD_PAIR" },
	{ AUDIT_OBJ_PID, "OBJ_PID" },
	{ AUDIT_TTY, "TTY" },
	{ AUDIT_EOE, "EOE" },
	{ AUDIT_BPRM_FCAPS, "BPRM_FCAPS" },
	{ AUDIT_CAPSET, "CAPSET" },
	{ AUDIT_MMAP, "MMAP" },
	{ AUDIT_NETFILTER_PKT, "NETFILTER_PKT" },
	{ AUDIT_NETFILTER_CFG, "NETFILTER_CFG" },
	{ AUDIT_SECCOMP, "SECCOMP" },
	{ AUDIT_PROCTITLE, "PROCTITLE" },
	{ AUDIT_FEATURE_CHANGE, "FEATURE_CHANGE" },
	{ AUDIT_REPLACE, "REPLACE" },
	{ AUDIT_KERN_MODULE, "KERN_MODULE" },
	{ AUDIT_FANOTIFY, "FANOTIFY" },
	{ AUDIT_TIME_INJOFFSET, "TIME_INJOFFSET" },
	{ AUDIT_TIME_ADJNTPVAL, "TIME_ADJNTPVAL" },
	{ AUDIT_BPF, "BPF" },
	{ AUDIT_EVENT_LISTENER, "EVENT_LISTENER" },
	{ AUDIT_AVC, "AVC" },
	{ AUDIT_ANOM_PROMISCUOUS, "ANOM_PROMISCUOUS" },
	{ AUDIT_ANOM_ABEND, "ANOM_ABEND" },
	{ AUDIT_ANOM_LINK, "ANOM_LINK" },
	{ AUDIT_KERNEL, "KERNEL" },
};

static void type_name(int type, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (type_names[i].type == type) {
			snprintf(buf, len, "%s", type_names[i].name);
			return;
		}
	snprintf(buf, len, "UNKNOWN[%d]", type);
}

static int audit_socket(void)
{
	struct sockaddr_nl addr = { .nl_family = AF_NETLINK };
	int fd, size = 4 << 20;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
	if (fd < 0) {
		fprintf(stderr, "auditrecv: socket(NETLINK_AUDIT): %s\n", strerror(errno));
		return -1;
	}
	/* A burst must not overflow us: auditd would be as fast as a tmpfs write. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		fprintf(stderr, "auditrecv: bind: %s\n", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

struct request {
	struct nlmsghdr nlh;
	struct audit_status s;
};

static int send_status(int fd, int type, const struct audit_status *s, int flags)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct request req;

	memset(&req, 0, sizeof(req));
	req.nlh.nlmsg_len = NLMSG_LENGTH(sizeof(req.s));
	req.nlh.nlmsg_type = type;
	req.nlh.nlmsg_flags = NLM_F_REQUEST | flags;
	req.nlh.nlmsg_seq = 1;
	if (s)
		req.s = *s;
	if (sendto(fd, &req, req.nlh.nlmsg_len, 0, (struct sockaddr *)&kernel,
		   sizeof(kernel)) < 0) {
		fprintf(stderr, "auditrecv: send: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Wait for the answer to our request: an error/ack (returns its errno, 0 for an ack) or,
 * with @st, an AUDIT_GET reply. Records that arrive meanwhile are handed to @record.
 */
static int wait_answer(int fd, struct audit_status *st, void (*record)(struct nlmsghdr *, int))
{
	char buf[RECORD_MAX + NLMSG_HDRLEN];
	struct nlmsghdr *nlh;
	ssize_t n;

	for (;;) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "auditrecv: recv: %s\n", strerror(errno));
			return -errno;
		}
		nlh = (struct nlmsghdr *)buf;
		if (n < (ssize_t)NLMSG_HDRLEN)
			continue;
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			struct nlmsgerr *e = NLMSG_DATA(nlh);

			return e->error;
		}
		if (st && nlh->nlmsg_type == AUDIT_GET) {
			memcpy(st, NLMSG_DATA(nlh), sizeof(*st));
			return 0;
		}
		if (record)
			record(nlh, (int)n);
	}
}

static int get_status(int fd, struct audit_status *st)
{
	if (send_status(fd, AUDIT_GET, NULL, 0))
		return -1;
	return wait_answer(fd, st, NULL);
}

static void print_status(const struct audit_status *st)
{
	printf("enabled=%u pid=%u lost=%u backlog=%u backlog_limit=%u rate_limit=%u failure=%u\n",
	       st->enabled, st->pid, st->lost, st->backlog, st->backlog_limit, st->rate_limit,
	       st->failure);
}

static int out_fd = -1;

/*
 * A kernel record: nlmsg_len is the payload's length there (audit_log_end() sets it so), and
 * the payload is "audit(SEC.MSEC:SERIAL): FIELDS" without a newline.
 */
static void write_record(struct nlmsghdr *nlh, int n)
{
	char name[32], line[RECORD_MAX + 64];
	const char *data = NLMSG_DATA(nlh);
	size_t len = (size_t)n - NLMSG_HDRLEN;
	int l;

	if (nlh->nlmsg_type == AUDIT_EOE || nlh->nlmsg_type < AUDIT_FIRST_USER_MSG)
		return;
	if (nlh->nlmsg_len < len)
		len = nlh->nlmsg_len;
	len = strnlen(data, len);
	type_name(nlh->nlmsg_type, name, sizeof(name));
	l = snprintf(line, sizeof(line), "type=%s msg=%.*s\n", name, (int)len, data);
	if (l > (int)sizeof(line) - 1)
		l = sizeof(line) - 1;
	if (write(out_fd, line, l) != l)
		fprintf(stderr, "auditrecv: write: %s\n", strerror(errno));
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int daemon_mode(const char *out, const char *ready, unsigned int backlog)
{
	struct audit_status s = { 0 };
	struct sigaction sa = { .sa_handler = on_signal };
	char buf[RECORD_MAX + NLMSG_HDRLEN];
	int fd, err;
	ssize_t n;

	out_fd = open(out, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (out_fd < 0) {
		fprintf(stderr, "auditrecv: %s: %s\n", out, strerror(errno));
		return 1;
	}
	fd = audit_socket();
	if (fd < 0)
		return 1;
	/* No SA_RESTART: a signal ends the recv() below. */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	s.mask = AUDIT_STATUS_PID | AUDIT_STATUS_ENABLED | AUDIT_STATUS_BACKLOG_LIMIT;
	s.pid = getpid();
	s.enabled = 1;
	s.backlog_limit = backlog;
	if (send_status(fd, AUDIT_SET, &s, NLM_F_ACK))
		return 1;
	err = wait_answer(fd, NULL, write_record);
	if (err) {
		fprintf(stderr, "auditrecv: AUDIT_SET pid: %s\n", strerror(-err));
		return 1;
	}
	if (ready) {
		int r = open(ready, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

		if (r >= 0)
			close(r);
	}

	while (!stop) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "auditrecv: recv: %s\n", strerror(errno));
			return 1;
		}
		if (n >= (ssize_t)NLMSG_HDRLEN)
			write_record((struct nlmsghdr *)buf, (int)n);
	}

	/* Unregister, as auditd does on its way out. */
	memset(&s, 0, sizeof(s));
	s.mask = AUDIT_STATUS_PID;
	if (!send_status(fd, AUDIT_SET, &s, NLM_F_ACK))
		wait_answer(fd, NULL, write_record);
	close(fd);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: auditrecv [--backlog N] [--ready FILE] OUT\n"
			"       auditrecv --enable 0|1\n"
			"       auditrecv --status\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *ready = NULL;
	unsigned int backlog = 8192;
	struct audit_status st;
	int a, fd, err;

	if (argc == 2 && !strcmp(argv[1], "--status")) {
		fd = audit_socket();
		if (fd < 0 || get_status(fd, &st))
			return 1;
		print_status(&st);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "--enable")) {
		struct audit_status s = { .mask = AUDIT_STATUS_ENABLED };

		if (strcmp(argv[2], "0") && strcmp(argv[2], "1"))
			return usage();
		s.enabled = argv[2][0] == '1';
		fd = audit_socket();
		if (fd < 0 || send_status(fd, AUDIT_SET, &s, NLM_F_ACK))
			return 1;
		err = wait_answer(fd, NULL, NULL);
		if (err) {
			fprintf(stderr, "auditrecv: AUDIT_SET enabled: %s\n", strerror(-err));
			return 1;
		}
		if (get_status(fd, &st))
			return 1;
		print_status(&st);
		return 0;
	}
	for (a = 1; a < argc && argv[a][0] == '-'; a++) {
		if (!strcmp(argv[a], "--ready") && a + 1 < argc)
			ready = argv[++a];
		else if (!strcmp(argv[a], "--backlog") && a + 1 < argc)
			backlog = (unsigned int)strtoul(argv[++a], NULL, 0);
		else
			return usage();
	}
	if (argc - a != 1)
		return usage();
	return daemon_mode(argv[a], ready, backlog);
}

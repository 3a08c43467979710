// SPDX-License-Identifier: GPL-2.0
/*
 * nlbench: a minimal raw generic-netlink listener of sysrqmon events, for the benchmark in
 * tests/bench (run inside the QEMU guest, as root: joining the "events" group needs it).
 *
 *   nlbench latency PATH VALUE N
 *       Join the group, open PATH for writing, then N times: pwrite VALUE at offset 0, note
 *       CLOCK_REALTIME when the write returns, block until the event of that write arrives
 *       (kind sysctl or trigger), note the time again. Prints percentiles of
 *       "ret" (receipt - write returned) and "hook" (receipt - SYSRQMON_ATTR_TIME_NS, the
 *       CLOCK_REALTIME the module took in the hook), in ns.
 *   nlbench listen READYFILE
 *       Join the group, write "ready" to READYFILE, count events until SIGINT/SIGTERM, then
 *       print "events=N gaps=G missing=M enobufs=E" (a gap is a jump in SYSRQMON_ATTR_SEQ;
 *       missing adds up the sequence numbers skipped; enobufs counts socket overruns).
 *
 * Exit 0, or 1 on an error (family not found, a receive timeout of 10 s, a failed write).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "sysrqmon.h"

#define BUF_SIZE 65536

static char buf[BUF_SIZE] __attribute__((aligned(NLMSG_ALIGNTO)));

static void die(const char *what)
{
	fprintf(stderr, "nlbench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static long long realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static struct nlattr *nla_next(struct nlattr *a, int *rem)
{
	int len = NLA_ALIGN(a->nla_len);

	*rem -= len;
	return (struct nlattr *)((char *)a + len);
}

static int nla_ok(const struct nlattr *a, int rem)
{
	return rem >= (int)sizeof(*a) && a->nla_len >= sizeof(*a) && a->nla_len <= rem;
}

#define nla_data(a) ((void *)((char *)(a) + NLA_HDRLEN))
#define nla_type(a) ((a)->nla_type & NLA_TYPE_MASK)

static void put_attr(struct nlmsghdr *nh, int type, const void *data, int len)
{
	struct nlattr *a = (struct nlattr *)((char *)nh + NLMSG_ALIGN(nh->nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy(nla_data(a), data, len);
	nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + NLA_ALIGN(a->nla_len);
}

/* Resolve the family and the id of its "events" group; returns the socket. */
static int open_joined(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct nlmsghdr *nh = (struct nlmsghdr *)buf;
	struct genlmsghdr *gh;
	struct nlattr *a, *g, *ga;
	int fd, rem, grem, garem, group = -1, family = -1;
	ssize_t n;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
		die("netlink socket");
	memset(buf, 0, 256);
	nh->nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	nh->nlmsg_type = GENL_ID_CTRL;
	nh->nlmsg_flags = NLM_F_REQUEST;
	nh->nlmsg_seq = 1;
	gh = NLMSG_DATA(nh);
	gh->cmd = CTRL_CMD_GETFAMILY;
	gh->version = 1;
	put_attr(nh, CTRL_ATTR_FAMILY_NAME, SYSRQMON_GENL_NAME, sizeof(SYSRQMON_GENL_NAME));
	if (send(fd, nh, nh->nlmsg_len, 0) < 0)
		die("send GETFAMILY");
	n = recv(fd, buf, sizeof(buf), 0);
	if (n < 0)
		die("recv GETFAMILY");
	if (!NLMSG_OK(nh, n) || nh->nlmsg_type == NLMSG_ERROR) {
		fprintf(stderr, "nlbench: family %s not found\n", SYSRQMON_GENL_NAME);
		exit(1);
	}
	rem = nh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	for (a = (struct nlattr *)((char *)NLMSG_DATA(nh) + GENL_HDRLEN); nla_ok(a, rem);
	     a = nla_next(a, &rem)) {
		if (nla_type(a) == CTRL_ATTR_FAMILY_ID)
			family = *(uint16_t *)nla_data(a);
		if (nla_type(a) != CTRL_ATTR_MCAST_GROUPS)
			continue;
		grem = a->nla_len - NLA_HDRLEN;
		for (g = nla_data(a); nla_ok(g, grem); g = nla_next(g, &grem)) {
			const char *name = NULL;
			int id = -1;

			garem = g->nla_len - NLA_HDRLEN;
			for (ga = nla_data(g); nla_ok(ga, garem); ga = nla_next(ga, &garem)) {
				if (nla_type(ga) == CTRL_ATTR_MCAST_GRP_NAME)
					name = nla_data(ga);
				else if (nla_type(ga) == CTRL_ATTR_MCAST_GRP_ID)
					id = *(uint32_t *)nla_data(ga);
			}
			if (name && !strcmp(name, SYSRQMON_MCGRP_EVENTS))
				group = id;
		}
	}
	if (family < 0 || group < 0) {
		fprintf(stderr, "nlbench: no group %s in family %s\n", SYSRQMON_MCGRP_EVENTS,
			SYSRQMON_GENL_NAME);
		exit(1);
	}
	if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group)))
		die("NETLINK_ADD_MEMBERSHIP");
	return fd;
}

struct event {
	uint64_t seq;
	uint64_t time_ns;
	int kind;
};

/*
 * Receive one datagram and call fn for each event in it. Returns the number of bytes, 0 on
 * EAGAIN (non-blocking) or -1 with errno (ENOBUFS: the socket overran).
 */
static ssize_t recv_events(int fd, int flags, void (*fn)(const struct event *ev, void *ctx),
			   void *ctx)
{
	struct nlmsghdr *nh;
	ssize_t n;
	int len;

	n = recv(fd, buf, sizeof(buf), flags);
	if (n < 0)
		return errno == EAGAIN && (flags & MSG_DONTWAIT) ? 0 : -1;
	len = n;
	for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, len); nh = NLMSG_NEXT(nh, len)) {
		struct genlmsghdr *gh = NLMSG_DATA(nh);
		struct event ev = { .kind = -1 };
		struct nlattr *a;
		int rem;

		if (nh->nlmsg_type < NLMSG_MIN_TYPE || gh->cmd != SYSRQMON_CMD_EVENT)
			continue;
		rem = nh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
		for (a = (struct nlattr *)((char *)gh + GENL_HDRLEN); nla_ok(a, rem);
		     a = nla_next(a, &rem)) {
			if (nla_type(a) == SYSRQMON_ATTR_SEQ)
				memcpy(&ev.seq, nla_data(a), 8);
			else if (nla_type(a) == SYSRQMON_ATTR_TIME_NS)
				memcpy(&ev.time_ns, nla_data(a), 8);
			else if (nla_type(a) == SYSRQMON_ATTR_KIND)
				ev.kind = *(uint8_t *)nla_data(a);
		}
		fn(&ev, ctx);
	}
	return n;
}

/* ---- latency ---- */

struct wait_ctx {
	int found;
	uint64_t time_ns;
};

static void on_latency_event(const struct event *ev, void *ctx)
{
	struct wait_ctx *w = ctx;

	if (!w->found && (ev->kind == SYSRQMON_KIND_SYSCTL || ev->kind == SYSRQMON_KIND_TRIGGER)) {
		w->found = 1;
		w->time_ns = ev->time_ns;
	}
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

static long long pct(long long *v, long n, int p)
{
	long i = (n * p + 99) / 100 - 1;

	return v[i < 0 ? 0 : i];
}

static int latency(const char *path, const char *val, long n)
{
	struct timeval tv = { .tv_sec = 10 };
	long long *ret_lat, *hook_lat, t_ret, t_rcv;
	size_t len = strlen(val);
	struct wait_ctx w = { 0 };
	int fd, wfd;
	long i;

	fd = open_joined();
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		die("SO_RCVTIMEO");
	ret_lat = calloc(n, sizeof(*ret_lat));
	hook_lat = calloc(n, sizeof(*hook_lat));
	if (!ret_lat || !hook_lat)
		die("calloc");
	wfd = open(path, O_WRONLY | O_CLOEXEC);
	if (wfd < 0)
		die(path);
	for (i = -5; i < n; i++) {
		/* Whatever came before (the open event, the previous write's extras). */
		while (recv_events(fd, MSG_DONTWAIT, on_latency_event, &w) > 0)
			;
		w.found = 0;
		if (pwrite(wfd, val, len, 0) != (ssize_t)len)
			die("pwrite");
		t_ret = realtime_ns();
		while (!w.found)
			if (recv_events(fd, 0, on_latency_event, &w) < 0)
				die("recv event");
		t_rcv = realtime_ns();
		if (i < 0)
			continue;
		ret_lat[i] = t_rcv - t_ret;
		hook_lat[i] = t_rcv - (long long)w.time_ns;
	}
	qsort(ret_lat, n, sizeof(*ret_lat), cmp_ll);
	qsort(hook_lat, n, sizeof(*hook_lat), cmp_ll);
	printf("n=%ld ret_p50=%lld ret_p99=%lld ret_max=%lld hook_p50=%lld hook_p99=%lld hook_max=%lld\n",
	       n, pct(ret_lat, n, 50), pct(ret_lat, n, 99), ret_lat[n - 1],
	       pct(hook_lat, n, 50), pct(hook_lat, n, 99), hook_lat[n - 1]);
	return 0;
}

/* ---- listen ---- */

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

struct count_ctx {
	unsigned long long events, gaps, missing, last;
};

static void on_count_event(const struct event *ev, void *ctx)
{
	struct count_ctx *c = ctx;

	if (c->events && ev->seq != c->last + 1) {
		c->gaps++;
		if (ev->seq > c->last)
			c->missing += ev->seq - c->last - 1;
	}
	c->last = ev->seq;
	c->events++;
}

static int listen_count(const char *ready)
{
	struct count_ctx c = { 0 };
	unsigned long long enobufs = 0;
	struct sigaction sa = { .sa_handler = on_signal };
	FILE *f;
	int fd;

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	fd = open_joined();
	f = fopen(ready, "w");
	if (!f || fputs("ready\n", f) < 0 || fclose(f))
		die(ready);
	while (!stop) {
		if (recv_events(fd, 0, on_count_event, &c) >= 0)
			continue;
		if (errno == ENOBUFS)
			enobufs++;
		else if (errno != EINTR)
			die("recv");
	}
	printf("events=%llu gaps=%llu missing=%llu enobufs=%llu\n", c.events, c.gaps, c.missing,
	       enobufs);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "latency") && atol(argv[4]) > 0)
		return latency(argv[2], argv[3], atol(argv[4]));
	if (argc == 3 && !strcmp(argv[1], "listen"))
		return listen_count(argv[2]);
	fprintf(stderr, "usage: nlbench latency PATH VALUE N | nlbench listen READYFILE\n");
	return 2;
}

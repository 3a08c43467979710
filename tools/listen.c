// SPDX-License-Identifier: GPL-2.0
/*
 * sysrqmonctl listen: every event as it happens, in the format asked for,
 * until --count events, --timeout, a signal or the module's unload. With
 * --ship, as the shipping consumer: the kernel keeps each event until this
 * listener has room for it, instead of multicasting it once.
 */
#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "fleet.h"
#include "netlink.h"
#include "output.h"
#include "subcommands.h"

/* Datagrams read per wakeup before signals and the timeout are checked. */
#define DRAIN_BATCH		64
/* Longest --timeout, in seconds (about 31 years). */
#define SMON_TIMEOUT_MAX_S	1000000000ull

static const char cap_hint[] =
	"needs CAP_SYS_ADMIN in the initial user namespace";

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

int smon_parse_count(const char *s, uint64_t *count)
{
	unsigned long long v;
	char *end;

	if (!all_digits(s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v == 0 || v > UINT64_MAX / 2)
		return -1;
	*count = v;
	return 0;
}

int smon_parse_timeout(const char *s, uint64_t *ns)
{
	unsigned long long secs = 0, frac = 0;
	unsigned int digits = 0;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		secs = secs * 10 + (unsigned int)(*p - '0');
		if (secs > SMON_TIMEOUT_MAX_S)
			return -1;
	}
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		for (; isdigit((unsigned char)*p); p++) {
			if (++digits > 9)
				return -1;
			frac = frac * 10 + (unsigned int)(*p - '0');
		}
		for (; digits < 9; digits++)
			frac *= 10;
	}
	if (*p)
		return -1;
	*ns = secs * 1000000000ull + frac;
	return 0;
}

int smon_listen_parse(int argc, char **argv, struct smon_listen_args *a,
		      char *err, size_t errlen)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "format", required_argument, NULL, 'f' },
		{ "metrics", required_argument, NULL, 'm' },
		{ "count", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "ship", no_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	int c, f;

	memset(a, 0, sizeof(*a));
	optind = 0;
	while ((c = smon_getopt(argc, argv, opts, err, errlen)) > 0) {
		switch (c) {
		case 'j':
			a->format = SMON_FMT_JSON;
			break;
		case 'f':
			if (!optarg)
				return smon_fail(err, errlen,
						 "--format needs a value");
			f = smon_format_parse(optarg);
			if (f < 0)
				return smon_fail(err, errlen,
						 "--format must be text, json, export or journal, not '%s'",
						 optarg);
			a->format = (enum smon_format)f;
			break;
		case 'm':
			if (!optarg || !*optarg)
				return smon_fail(err, errlen,
						 "--metrics needs a file name");
			a->metrics_file = optarg;
			break;
		case 'c':
			if (!optarg)
				return smon_fail(err, errlen,
						 "--count needs a value");
			if (smon_parse_count(optarg, &a->count))
				return smon_fail(err, errlen,
						 "--count needs a positive integer, not '%s'",
						 optarg);
			a->has_count = true;
			break;
		case 't':
			if (!optarg)
				return smon_fail(err, errlen,
						 "--timeout needs a value");
			if (optarg[0] == '-')
				return smon_fail(err, errlen,
						 "--timeout must not be negative");
			if (smon_parse_timeout(optarg, &a->timeout_ns))
				return smon_fail(err, errlen,
						 "--timeout needs seconds (e.g. 5 or 0.5), not '%s'",
						 optarg);
			a->has_timeout = true;
			break;
		case 's':
			a->ship = true;
			break;
		}
	}
	return c;
}

struct listen_ctx {
	const struct smon_listen_args *args;
	struct smon_output out;
	uint64_t events;
	uint64_t metrics_seen;		/* out.seen when FILE was written */
	bool metrics_failed;		/* said once, then quiet */
	bool done;
	bool failed;
	bool unloaded;			/* the family went away */
};

/* listen --metrics FILE: rewritten when something new was seen. */
static void write_listener_metrics(struct listen_ctx *c, bool force)
{
	struct strbuf sb;
	int err;

	if (!c->args->metrics_file || (!force && c->out.seen == c->metrics_seen))
		return;
	sb_init(&sb);
	smon_output_metrics(&c->out, &sb);
	err = sb.oom ? -ENOMEM :
	      smon_write_atomic(c->args->metrics_file, sb_str(&sb), sb.len);
	sb_free(&sb);
	if (!err) {
		c->metrics_seen = c->out.seen;
		c->metrics_failed = false;
	} else if (!c->metrics_failed) {
		/* Events matter more than metrics: keep listening. */
		fprintf(stderr, PROG ": writing %s: %s\n",
			c->args->metrics_file, strerror(-err));
		c->metrics_failed = true;
	}
}

static bool on_event(const struct smon_event *ev, void *arg)
{
	struct listen_ctx *c = arg;

	if (!smon_output_event(&c->out, ev))
		c->failed = true;
	c->events++;
	if (c->args->has_count && c->events >= c->args->count)
		c->done = true;
	return !c->done && !c->failed;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * Reads what is pending, a batch or @all of it; false when listening must
 * stop on an error.
 */
static bool drain(struct smon_nl *nl, struct listen_ctx *c, bool all)
{
	struct smon_lost lost;
	int i, err;

	for (i = 0; (all || i < DRAIN_BATCH) && !c->done && !c->failed; i++) {
		smon_output_hold(&c->out);
		err = smon_nl_recv_events(nl, on_event, c);
		if (!smon_output_release(&c->out))
			return false;
		switch (err) {
		case 0:
		case -EINTR:
			break;
		case -EAGAIN:
			return true;
		case -ENOBUFS:
			smon_lost_overrun(&c->out.lost, &lost);
			if (!smon_output_lost(&c->out, &lost))
				c->failed = true;
			break;
		case -EBADMSG:
			fprintf(stderr, PROG ": skipped a malformed event\n");
			break;
		default:
			fprintf(stderr, PROG ": receiving events: %s\n",
				strerror(-err));
			return false;
		}
	}
	return !c->failed;
}

/* --ship: why the socket did not become the shipping consumer. */
static int ship_refused(int err)
{
	if (err == -EPERM || err == -EACCES) {
		fprintf(stderr,
			PROG ": permission denied: the shipping consumer %s\n",
			cap_hint);
		return SMON_EXIT_PERM;
	}
	if (err == -EBUSY)
		fprintf(stderr,
			PROG ": another listener is the shipping consumer (listen --ship, %s)\n",
			"sysrqmon.service");
	else if (err == -EOPNOTSUPP || err == -EINVAL)
		fprintf(stderr,
			PROG ": the loaded module has no shipping consumer (too old)\n");
	else
		fprintf(stderr, PROG ": becoming the shipping consumer: %s\n",
			strerror(-err));
	return SMON_EXIT_ERROR;
}

/*
 * Opens the socket and joins "events", or with --ship becomes the
 * shipping consumer; the exit code after saying why not.
 */
static int subscribe(struct smon_nl *nl, const struct smon_listen_args *a)
{
	int err, rc;

	rc = smon_cli_open(nl, a->format == SMON_FMT_JSON ? "listen" : NULL);
	if (rc)
		return rc;
	err = a->ship ? smon_nl_ship(nl) : smon_nl_subscribe(nl);
	if (!err)
		return SMON_EXIT_OK;
	smon_nl_close(nl);
	if (a->ship)
		return ship_refused(err);
	if (err == -EPERM || err == -EACCES) {
		fprintf(stderr,
			PROG ": permission denied: joining the \"%s\" group %s\n",
			SYSRQMON_MCGRP_EVENTS, cap_hint);
		return SMON_EXIT_PERM;
	}
	if (err == -ENOENT)
		fprintf(stderr, PROG ": family \"%s\" has no \"%s\" group\n",
			SYSRQMON_GENL_NAME, SYSRQMON_MCGRP_EVENTS);
	else
		fprintf(stderr, PROG ": joining \"%s\": %s\n",
			SYSRQMON_MCGRP_EVENTS, strerror(-err));
	return SMON_EXIT_ERROR;
}

/*
 * Polls the socket and the signalfd @sfd until --count, --timeout, a
 * signal, the unload or an error; false on an error.
 */
static bool listen_loop(struct smon_nl *nl, int sfd, struct listen_ctx *c,
			bool *timed_out)
{
	const struct smon_listen_args *a = c->args;
	struct signalfd_siginfo si;
	struct timespec ts, *tsp;
	uint64_t deadline = 0, now;
	struct pollfd pfd[3];
	bool ok = true;
	int gone;

	pfd[0].fd = smon_nl_fd(nl);
	pfd[0].events = POLLIN;
	pfd[1].fd = sfd;
	pfd[1].events = POLLIN;
	pfd[2].fd = smon_nl_watch_fd(nl);
	pfd[2].events = POLLIN;
	if (a->has_timeout)
		deadline = now_ns() + a->timeout_ns;

	while (ok && !c->done) {
		tsp = NULL;
		if (a->has_timeout) {
			now = now_ns();
			if (now >= deadline) {
				*timed_out = true;
				break;
			}
			ts.tv_sec = (time_t)((deadline - now) / 1000000000u);
			ts.tv_nsec = (long)((deadline - now) % 1000000000u);
			tsp = &ts;
		}
		if (ppoll(pfd, 3, tsp, NULL) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, PROG ": poll: %s\n", strerror(errno));
			return false;
		}
		/* A stop request wins over events that came with it. */
		if (pfd[1].revents &&
		    read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
			break;
		if (pfd[0].revents)
			ok = drain(nl, c, false);
		if (ok && pfd[2].revents) {
			gone = smon_nl_family_gone(nl);
			if (gone < 0) {
				fprintf(stderr, PROG ": watching the family: %s\n",
					strerror(-gone));
				ok = false;
			} else if (gone) {
				/* Nothing more will come: the rest, then stop. */
				ok = drain(nl, c, true);
				c->unloaded = true;
				break;
			}
		}
		write_listener_metrics(c, false);
	}
	return ok;
}

int listen_main(int argc, char **argv)
{
	struct smon_listen_args args;
	struct listen_ctx c = { .args = &args };
	bool timed_out = false, ok;
	struct smon_nl nl;
	sigset_t stopset;
	char msg[256];
	int rc, sfd;

	if (smon_listen_parse(argc, argv, &args, msg, sizeof(msg)))
		return smon_usage_error("%s", msg);
	rc = subscribe(&nl, &args);
	if (rc)
		return rc;

	/*
	 * SIGINT and SIGTERM stay blocked and are read from a signalfd that
	 * is polled next to the socket: no handler runs, and a signal can
	 * never slip in between the check and the wait. They stay blocked
	 * until exit, so one that comes late cannot kill us on the way out.
	 */
	sigemptyset(&stopset);
	sigaddset(&stopset, SIGINT);
	sigaddset(&stopset, SIGTERM);
	sigprocmask(SIG_BLOCK, &stopset, NULL);
	sfd = signalfd(-1, &stopset, SFD_NONBLOCK | SFD_CLOEXEC);
	if (sfd < 0) {
		fprintf(stderr, PROG ": signalfd: %s\n", strerror(errno));
		smon_nl_close(&nl);
		return SMON_EXIT_ERROR;
	}

	smon_output_init(&c.out, args.format, stdout);
	write_listener_metrics(&c, true);
	ok = listen_loop(&nl, sfd, &c, &timed_out);
	close(sfd);
	smon_nl_close(&nl);

	/*
	 * Unloaded: 3 like any command without the module (systemd restarts
	 * the listener); 6 still wins when events were lost before.
	 */
	if (c.unloaded)
		fprintf(stderr, PROG ": the module was unloaded (module not loaded)\n");
	if (c.unloaded && !c.out.lost.records)
		rc = SMON_EXIT_NOT_LOADED;
	else if (!ok && !c.unloaded)
		rc = SMON_EXIT_ERROR;
	else if (c.out.lost.records)
		rc = SMON_EXIT_LOST;
	else if (timed_out && args.has_count)
		rc = SMON_EXIT_TIMEOUT;
	else
		rc = SMON_EXIT_OK;
	if (c.out.lost.records)
		fprintf(stderr,
			"%s: events were lost: %llu lost record(s), %llu event(s) known missing\n",
			PROG, (unsigned long long)c.out.lost.records,
			(unsigned long long)c.out.lost.events);
	smon_output_free(&c.out);
	if (timed_out && args.has_count && !c.done)
		fprintf(stderr, PROG ": timeout after %llu of %llu event(s)\n",
			(unsigned long long)c.events,
			(unsigned long long)args.count);
	return rc;
}

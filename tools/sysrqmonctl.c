// SPDX-License-Identifier: GPL-2.0
/*
 * sysrqmonctl: status, events and settings of the sysrqmon module.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "fleet.h"
#include "format.h"
#include "json.h"
#include "netlink.h"
#include "output.h"

#ifndef SYSRQMON_VERSION
#error "SYSRQMON_VERSION must come from the Makefile (../VERSION)"
#endif

#define PROG			"sysrqmonctl"
/* Datagrams read per wakeup before signals and the timeout are checked. */
#define DRAIN_BATCH		64
/* Longest module parameter value shown. */
#define PARAM_MAX		4096

static const char cap_hint[] =
	"needs CAP_SYS_ADMIN in the initial user namespace";

static const char *sysfs_root(void)
{
	const char *root = getenv("SYSRQMON_SYSFS");

	return root && *root ? root : "/sys";
}

/* The module's sysfs directory in @dir; true when it exists. */
static bool module_loaded(char *dir, size_t size)
{
	struct stat sb;
	int n;

	n = snprintf(dir, size, "%s/module/sysrqmon", sysfs_root());
	if (n < 0 || (size_t)n >= size)
		return false;
	return !stat(dir, &sb) && S_ISDIR(sb.st_mode);
}

static bool put_line(struct strbuf *sb);

static void not_loaded(void)
{
	fprintf(stderr, PROG ": module not loaded\n");
}

/*
 * --json without the module: still one JSON object on stdout (exit 3).
 * status: the status, {"loaded":false}; keys and listen: an error record.
 */
static void not_loaded_json(const char *type)
{
	struct json_obj o;
	struct strbuf sb;

	sb_init(&sb);
	json_begin(&o, &sb);
	if (!strcmp(type, "status")) {
		json_cstr(&o, "type", "status");
		json_cstr(&o, "source", "none");
		json_cstr(&o, "host", smon_host());
		json_bool(&o, "loaded", false);
	} else {
		json_cstr(&o, "type", "error");
		json_cstr(&o, "host", smon_host());
		json_cstr(&o, "command", type);
		json_cstr(&o, "error", "not-loaded");
		json_cstr(&o, "message", "module not loaded");
		json_u64(&o, "exit", SMON_EXIT_NOT_LOADED);
	}
	json_end(&o);
	put_line(&sb);
	sb_free(&sb);
}

/* Writes @sb and a newline to stdout; false on a write error. */
static bool put_line(struct strbuf *sb)
{
	if (sb->oom) {
		fprintf(stderr, PROG ": out of memory\n");
		return false;
	}
	sb_putc(sb, '\n');
	if (fwrite(sb_str(sb), 1, sb->len, stdout) != sb->len ||
	    fflush(stdout)) {
		fprintf(stderr, PROG ": writing output: %s\n", strerror(errno));
		return false;
	}
	return true;
}

/* Parameters first in this order, then the others alphabetically. */
static const char * const first_params[] = {
	"mode", "audit", "audit_records", "watch_reads"
};

static int param_rank(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(first_params); i++)
		if (!strcmp(name, first_params[i]))
			return (int)i;
	return (int)i;
}

static int param_cmp(const struct dirent **a, const struct dirent **b)
{
	int ra = param_rank((*a)->d_name), rb = param_rank((*b)->d_name);

	if (ra != rb)
		return ra - rb;
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int no_dots(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* Reads a parameter file; returns its length or a negative errno. */
static ssize_t read_param(int dirfd, const char *name, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size);
	if (n < 0)
		n = -errno;
	close(fd);
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	return n;
}

static int status_sysfs(const char *moddir, bool json)
{
	struct dirent **names = NULL;
	struct json_obj o, params;
	char dir[PATH_MAX], *buf;
	struct strbuf sb;
	int i, n, dirfd, rc = SMON_EXIT_OK;
	ssize_t len;

	n = snprintf(dir, sizeof(dir), "%s/parameters", moddir);
	if (n < 0 || (size_t)n >= sizeof(dir)) {
		fprintf(stderr, PROG ": %s: path too long\n", moddir);
		return SMON_EXIT_ERROR;
	}
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	n = dirfd < 0 ? -1 : scandir(dir, &names, no_dots, param_cmp);
	if (n < 0) {
		fprintf(stderr, PROG ": %s: %s\n", dir, strerror(errno));
		if (dirfd >= 0)
			close(dirfd);
		return SMON_EXIT_ERROR;
	}
	buf = malloc(PARAM_MAX);
	sb_init(&sb);
	if (json) {
		json_begin(&o, &sb);
		json_cstr(&o, "type", "status");
		json_cstr(&o, "source", "sysfs");
		json_cstr(&o, "host", smon_host());
		json_bool(&o, "loaded", true);
		json_key(&o, "parameters");
		json_begin(&params, &sb);
	} else {
		sb_printf(&sb, "module parameters (%s):\n", dir);
	}
	for (i = 0; i < n; i++) {
		const char *name = names[i]->d_name;

		len = buf ? read_param(dirfd, name, buf, PARAM_MAX) : -ENOMEM;
		if (json) {
			if (len < 0)
				json_null(&params, name);
			else
				json_str(&params, name, buf, (size_t)len);
		} else {
			sb_printf(&sb, "%-14s ", name);
			if (len < 0)
				sb_printf(&sb, "(unreadable: %s)",
					  strerror((int)-len));
			else
				smon_text_value(&sb, buf, (size_t)len);
			sb_putc(&sb, '\n');
		}
		free(names[i]);
	}
	free(names);
	free(buf);
	close(dirfd);
	if (json) {
		json_end(&params);
		json_end(&o);
	} else if (sb.len && sb.buf[sb.len - 1] == '\n') {
		sb.buf[--sb.len] = '\0';
	}
	if (!put_line(&sb))
		rc = SMON_EXIT_ERROR;
	sb_free(&sb);
	return rc;
}

static int cmd_status(const struct smon_cli *cli)
{
	char moddir[PATH_MAX];
	struct smon_status *st;
	struct smon_nl nl;
	struct strbuf sb;
	int err, rc;

	st = calloc(1, sizeof(*st));
	if (!st) {
		fprintf(stderr, PROG ": out of memory\n");
		return SMON_EXIT_ERROR;
	}
	err = smon_nl_open(&nl);
	if (!err) {
		err = smon_nl_get_status(&nl, st);
		smon_nl_close(&nl);
	}
	if (!err) {
		sb_init(&sb);
		if (cli->json) {
			smon_status_json(&sb, st);
		} else {
			smon_status_text(&sb, st);
			if (sb.len && sb.buf[sb.len - 1] == '\n')
				sb.buf[--sb.len] = '\0';
		}
		rc = put_line(&sb) ? SMON_EXIT_OK : SMON_EXIT_ERROR;
		sb_free(&sb);
		free(st);
		return rc;
	}
	free(st);

	/* No answer over netlink: what sysfs says, if the module is there. */
	if (!module_loaded(moddir, sizeof(moddir))) {
		not_loaded();
		if (cli->json)
			not_loaded_json("status");
		return SMON_EXIT_NOT_LOADED;
	}
	fprintf(stderr, PROG ": no status over netlink (%s), reading %s\n",
		err == -ENOENT ? "family not registered" : strerror(-err),
		moddir);
	return status_sysfs(moddir, cli->json);
}

struct listen_ctx {
	const struct smon_cli *cli;
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

	if (!c->cli->metrics_file || (!force && c->out.seen == c->metrics_seen))
		return;
	sb_init(&sb);
	smon_output_metrics(&c->out, &sb);
	err = sb.oom ? -ENOMEM :
	      smon_write_atomic(c->cli->metrics_file, sb_str(&sb), sb.len);
	sb_free(&sb);
	if (!err) {
		c->metrics_seen = c->out.seen;
		c->metrics_failed = false;
	} else if (!c->metrics_failed) {
		/* Events matter more than metrics: keep listening. */
		fprintf(stderr, PROG ": writing %s: %s\n",
			c->cli->metrics_file, strerror(-err));
		c->metrics_failed = true;
	}
}

static bool on_event(const struct smon_event *ev, void *arg)
{
	struct listen_ctx *c = arg;

	if (!smon_output_event(&c->out, ev))
		c->failed = true;
	c->events++;
	if (c->cli->has_count && c->events >= c->cli->count)
		c->done = true;
	return !c->done && !c->failed;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Reads what is pending; false when listening must stop on an error. */
static bool drain(struct smon_nl *nl, struct listen_ctx *c)
{
	struct smon_lost lost;
	int i, err;

	for (i = 0; i < DRAIN_BATCH && !c->done && !c->failed; i++) {
		err = smon_nl_recv_events(nl, on_event, c);
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
		case -ENODEV:
			c->unloaded = true;
			return false;
		default:
			fprintf(stderr, PROG ": receiving events: %s\n",
				strerror(-err));
			return false;
		}
	}
	return !c->failed;
}

static int cmd_listen(const struct smon_cli *cli)
{
	struct listen_ctx c = { .cli = cli };
	struct signalfd_siginfo si;
	struct timespec ts, *tsp;
	sigset_t stopset;
	uint64_t deadline = 0, now;
	bool timed_out = false, ok = true, stop = false;
	struct pollfd pfd[2];
	struct smon_nl nl;
	int err, rc, sfd;

	err = smon_nl_open(&nl);
	if (err == -ENOENT) {
		not_loaded();
		if (cli->format == SMON_FMT_JSON)
			not_loaded_json("listen");
		return SMON_EXIT_NOT_LOADED;
	}
	if (err) {
		fprintf(stderr, PROG ": generic netlink: %s\n", strerror(-err));
		return SMON_EXIT_ERROR;
	}
	err = smon_nl_subscribe(&nl);
	if (err) {
		smon_nl_close(&nl);
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

	smon_output_init(&c.out, cli->format, stdout);
	write_listener_metrics(&c, true);
	pfd[0].fd = smon_nl_fd(&nl);
	pfd[0].events = POLLIN;
	pfd[1].fd = sfd;
	pfd[1].events = POLLIN;
	if (cli->has_timeout)
		deadline = now_ns() + cli->timeout_ns;

	while (ok && !stop && !c.done) {
		tsp = NULL;
		if (cli->has_timeout) {
			now = now_ns();
			if (now >= deadline) {
				timed_out = true;
				break;
			}
			ts.tv_sec = (time_t)((deadline - now) / 1000000000u);
			ts.tv_nsec = (long)((deadline - now) % 1000000000u);
			tsp = &ts;
		}
		err = ppoll(pfd, 2, tsp, NULL);
		if (err < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, PROG ": poll: %s\n", strerror(errno));
			ok = false;
			break;
		}
		/* A stop request wins over events that came with it. */
		if (pfd[1].revents &&
		    read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
			stop = true;
			break;
		}
		if (pfd[0].revents)
			ok = drain(&nl, &c);
		write_listener_metrics(&c, false);
	}
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
	else if (timed_out && cli->has_count)
		rc = SMON_EXIT_TIMEOUT;
	else
		rc = SMON_EXIT_OK;
	if (c.out.lost.records)
		fprintf(stderr,
			"%s: events were lost: %llu lost record(s), %llu event(s) known missing\n",
			PROG, (unsigned long long)c.out.lost.records,
			(unsigned long long)c.out.lost.events);
	smon_output_free(&c.out);
	if (timed_out && cli->has_count && !c.done)
		fprintf(stderr, PROG ": timeout after %llu of %llu event(s)\n",
			(unsigned long long)c.events,
			(unsigned long long)cli->count);
	return rc;
}

/* Reports a refused or failed change; returns the exit code. */
static int config_error(struct smon_nl *nl, const char *what, int err)
{
	struct smon_status *st;
	bool locked = false;
	char msg[sizeof(nl->extack) + 2] = "";
	struct strbuf sb;

	if (nl->extack[0])
		snprintf(msg, sizeof(msg), ": %s", nl->extack);
	switch (err) {
	case -EPERM:
	case -EACCES:
		/*
		 * Root gets EPERM too once the configuration is locked. The
		 * kernel's message says which; without one, ask the status.
		 */
		if (!nl->extack[0]) {
			st = calloc(1, sizeof(*st));
			if (st && !smon_nl_get_status(nl, st) &&
			    smon_has(st->present, SYSRQMON_ATTR_LOCKED))
				locked = st->locked;
			free(st);
		}
		sb_init(&sb);
		smon_perm_message(&sb, nl->extack, locked);
		fprintf(stderr, PROG ": %s: %s\n", what, sb_str(&sb));
		sb_free(&sb);
		return SMON_EXIT_PERM;
	case -ENOENT:
		not_loaded();
		return SMON_EXIT_NOT_LOADED;
	case -EINVAL:
		fprintf(stderr, PROG ": %s: invalid argument%s\n", what, msg);
		return SMON_EXIT_ERROR;
	default:
		fprintf(stderr, PROG ": %s: %s%s\n", what, strerror(-err), msg);
		return SMON_EXIT_ERROR;
	}
}

static int cmd_config(const struct smon_cli *cli)
{
	struct smon_nl nl;
	char what[64];
	int err, rc = SMON_EXIT_OK;

	if (cli->cmd == SMON_CMD_LOCK)
		snprintf(what, sizeof(what), "lock");
	else if (cli->cmd == SMON_CMD_MODE)
		snprintf(what, sizeof(what), "mode");
	else
		snprintf(what, sizeof(what), "set %s", cli->setting);

	err = smon_nl_open(&nl);
	if (err == -ENOENT) {
		not_loaded();
		return SMON_EXIT_NOT_LOADED;
	}
	if (err) {
		fprintf(stderr, PROG ": generic netlink: %s\n", strerror(-err));
		return SMON_EXIT_ERROR;
	}
	if (cli->cmd == SMON_CMD_LOCK)
		err = smon_nl_lock(&nl);
	else if (cli->type == SMON_VAL_U8)
		err = smon_nl_set_u8(&nl, cli->attr, cli->u8);
	else if (cli->type == SMON_VAL_S32)
		err = smon_nl_set_s32(&nl, cli->attr, cli->s32);
	else
		err = smon_nl_set_str(&nl, cli->attr, cli->str);
	if (err)
		rc = config_error(&nl, what, err);
	smon_nl_close(&nl);
	return rc;
}

static int cmd_keys(const struct smon_cli *cli)
{
	struct smon_keys *keys;
	struct smon_nl nl;
	struct strbuf sb;
	int err, rc;

	err = smon_nl_open(&nl);
	if (err == -ENOENT) {
		not_loaded();
		if (cli->json)
			not_loaded_json("keys");
		return SMON_EXIT_NOT_LOADED;
	}
	if (err) {
		fprintf(stderr, PROG ": generic netlink: %s\n", strerror(-err));
		return SMON_EXIT_ERROR;
	}
	keys = calloc(1, sizeof(*keys));
	err = keys ? smon_nl_get_keys(&nl, keys) : -ENOMEM;
	if (err) {
		if (err == -EOPNOTSUPP)
			fprintf(stderr,
				PROG ": the loaded module does not list its keys (too old)\n");
		else
			fprintf(stderr, PROG ": keys: %s%s%s\n",
				strerror(-err), nl.extack[0] ? ": " : "",
				nl.extack);
		smon_nl_close(&nl);
		free(keys);
		return SMON_EXIT_ERROR;
	}
	smon_nl_close(&nl);
	sb_init(&sb);
	if (cli->json) {
		smon_keys_json(&sb, keys);
	} else {
		smon_keys_text(&sb, keys);
		if (sb.len && sb.buf[sb.len - 1] == '\n')
			sb.buf[--sb.len] = '\0';
	}
	rc = put_line(&sb) ? SMON_EXIT_OK : SMON_EXIT_ERROR;
	sb_free(&sb);
	free(keys);
	return rc;
}

/*
 * Metrics for Prometheus. A module that is not loaded is a state worth
 * scraping (sysrqmon_up 0), not an error: exit 0.
 */
static int cmd_metrics(const struct smon_cli *cli)
{
	struct smon_status *st;
	struct smon_nl nl;
	struct strbuf sb;
	int err, rc = SMON_EXIT_OK;

	st = calloc(1, sizeof(*st));
	if (!st) {
		fprintf(stderr, PROG ": out of memory\n");
		return SMON_EXIT_ERROR;
	}
	err = smon_nl_open(&nl);
	if (!err) {
		err = smon_nl_get_status(&nl, st);
		smon_nl_close(&nl);
	}
	if (err && err != -ENOENT) {
		fprintf(stderr, PROG ": status: %s\n", strerror(-err));
		rc = SMON_EXIT_ERROR;
	}
	sb_init(&sb);
	smon_metrics(&sb, err ? NULL : st, SYSRQMON_VERSION);
	free(st);
	if (sb.oom) {
		fprintf(stderr, PROG ": out of memory\n");
		sb_free(&sb);
		return SMON_EXIT_ERROR;
	}
	if (cli->output) {
		err = smon_write_atomic(cli->output, sb_str(&sb), sb.len);
		if (err) {
			fprintf(stderr, PROG ": writing %s: %s\n", cli->output,
				strerror(-err));
			rc = SMON_EXIT_ERROR;
		}
	} else if (fwrite(sb_str(&sb), 1, sb.len, stdout) != sb.len ||
		   fflush(stdout)) {
		fprintf(stderr, PROG ": writing output: %s\n", strerror(errno));
		rc = SMON_EXIT_ERROR;
	}
	sb_free(&sb);
	return rc;
}

int main(int argc, char **argv)
{
	struct smon_cli cli;
	char err[256];

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (smon_cli_parse(argc, argv, &cli, err, sizeof(err))) {
		fprintf(stderr, PROG ": %s\n", err);
		smon_cli_short_usage(stderr);
		return SMON_EXIT_USAGE;
	}
	switch (cli.cmd) {
	case SMON_CMD_HELP:
		smon_cli_usage(stdout);
		return SMON_EXIT_OK;
	case SMON_CMD_VERSION:
		printf(PROG " %s\n", SYSRQMON_VERSION);
		return SMON_EXIT_OK;
	case SMON_CMD_STATUS:
		return cmd_status(&cli);
	case SMON_CMD_LISTEN:
		return cmd_listen(&cli);
	case SMON_CMD_KEYS:
		return cmd_keys(&cli);
	case SMON_CMD_METRICS:
		return cmd_metrics(&cli);
	case SMON_CMD_MODE:
	case SMON_CMD_SET:
	case SMON_CMD_LOCK:
		return cmd_config(&cli);
	default:
		smon_cli_short_usage(stderr);
		return SMON_EXIT_USAGE;
	}
}

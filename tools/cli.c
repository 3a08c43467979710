// SPDX-License-Identifier: GPL-2.0
/*
 * sysrqmonctl: what every subcommand shares: exit codes, option parsing,
 * usage errors, and the messages and output lines they all write.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int smon_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

int smon_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return SMON_EXIT_USAGE;
}

static bool is_help(const char *a)
{
	return !strcmp(a, "-h") || !strcmp(a, "--help");
}

bool smon_cli_wants_help(int argc, char **argv)
{
	int i;

	/* --help anywhere wins, like most tools, except as a set VALUE. */
	for (i = 1; i < argc; i++) {
		if (i == 3 && !strcmp(argv[1], "set"))
			continue;
		if (is_help(argv[i]))
			return true;
	}
	return false;
}

/* The option @a names in full ("--name" or "--name=VALUE"), or NULL. */
static const struct option *spelled_out(const struct option *opts, int val,
					const char *a)
{
	size_t n;

	for (; opts->name; opts++) {
		if (opts->val != val)
			continue;
		n = strlen(opts->name);
		if (!strncmp(a, "--", 2) && !strncmp(a + 2, opts->name, n) &&
		    (!a[n + 2] || a[n + 2] == '='))
			return opts;
		return NULL;
	}
	return NULL;
}

int smon_getopt(int argc, char **argv, const struct option *opts,
		char *err, size_t errlen)
{
	int cur, c;

	/* No messages from getopt; "+": stop at the first non-option. */
	opterr = 0;
	cur = optind ? optind : 1;
	c = getopt_long(argc, argv, "+:", opts, NULL);
	if (c == -1) {
		/* getopt skips a "--" that ends the options: not here. */
		if (optind == cur + 1 && !strcmp(argv[cur], "--"))
			optind = cur;
		if (optind >= argc)
			return 0;
		cur = optind;
	} else if (c == ':') {
		/* A value is missing: the subcommand says which. */
		c = optopt;
		optarg = NULL;
	}
	if (c != '?' && c != -1 && spelled_out(opts, c, argv[cur]))
		return c;
	if (argv[cur][0] == '-')
		return smon_fail(err, errlen, "%s: unknown option '%s'",
				 argv[0], argv[cur]);
	return smon_fail(err, errlen, "%s: unexpected argument '%s'", argv[0],
			 argv[cur]);
}

int smon_json_parse(int argc, char **argv, bool *json, char *err,
		    size_t errlen)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	*json = false;
	optind = 0;
	while ((c = smon_getopt(argc, argv, opts, err, errlen)) > 0)
		*json = true;
	return c;
}

void smon_not_loaded(const char *json_cmd)
{
	struct json_obj o;
	struct strbuf sb;

	fprintf(stderr, PROG ": module not loaded\n");
	if (!json_cmd)
		return;
	/* --json without the module: still one JSON object on stdout. */
	sb_init(&sb);
	json_begin(&o, &sb);
	if (!strcmp(json_cmd, "status")) {
		json_cstr(&o, "type", "status");
		json_cstr(&o, "source", "none");
		json_cstr(&o, "host", smon_host());
		json_bool(&o, "loaded", false);
	} else {
		json_cstr(&o, "type", "error");
		json_cstr(&o, "host", smon_host());
		json_cstr(&o, "command", json_cmd);
		json_cstr(&o, "error", "not-loaded");
		json_cstr(&o, "message", "module not loaded");
		json_u64(&o, "exit", SMON_EXIT_NOT_LOADED);
	}
	json_end(&o);
	smon_print(&sb);
}

int smon_cli_open(struct smon_nl *nl, const char *json_cmd)
{
	int err = smon_nl_open(nl);

	if (err == -ENOENT) {
		smon_not_loaded(json_cmd);
		return SMON_EXIT_NOT_LOADED;
	}
	if (err) {
		fprintf(stderr, PROG ": generic netlink: %s\n", strerror(-err));
		return SMON_EXIT_ERROR;
	}
	return SMON_EXIT_OK;
}

int smon_print(struct strbuf *sb)
{
	int rc = SMON_EXIT_ERROR;

	if (sb->oom) {
		fprintf(stderr, PROG ": out of memory\n");
		goto out;
	}
	if (!sb->len || sb->buf[sb->len - 1] != '\n')
		sb_putc(sb, '\n');
	if (fwrite(sb_str(sb), 1, sb->len, stdout) != sb->len ||
	    fflush(stdout))
		fprintf(stderr, PROG ": writing output: %s\n", strerror(errno));
	else
		rc = SMON_EXIT_OK;
out:
	sb_free(sb);
	return rc;
}

struct smon_status *smon_cli_status(int *err)
{
	struct smon_status *st = calloc(1, sizeof(*st));

	if (!st) {
		fprintf(stderr, PROG ": out of memory\n");
		return NULL;
	}
	*err = smon_nl_query_status(st);
	return st;
}

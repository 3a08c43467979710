// SPDX-License-Identifier: GPL-2.0
/*
 * sysrqmonctl metrics [--output FILE]: Prometheus metrics of the module's
 * status, on stdout or written to FILE atomically (node_exporter's
 * textfile collector).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fleet.h"
#include "netlink.h"
#include "subcommands.h"

#ifndef SYSRQMON_VERSION
#error "SYSRQMON_VERSION must come from the Makefile (../VERSION)"
#endif

int smon_metrics_parse(int argc, char **argv, const char **output,
		       char *err, size_t errlen)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	*output = NULL;
	optind = 0;
	while ((c = smon_getopt(argc, argv, opts, err, errlen)) > 0) {
		if (!optarg || !*optarg)
			return smon_fail(err, errlen,
					 "--output needs a file name");
		*output = optarg;
	}
	return c;
}

/*
 * A module that is not loaded is a state worth scraping (sysrqmon_up 0),
 * not an error: exit 0.
 */
int metrics_main(int argc, char **argv)
{
	struct smon_status *st;
	const char *output;
	struct strbuf sb;
	char msg[256];
	int err, rc = SMON_EXIT_OK;

	if (smon_metrics_parse(argc, argv, &output, msg, sizeof(msg)))
		return smon_usage_error("%s", msg);
	st = smon_cli_status(&err);
	if (!st)
		return SMON_EXIT_ERROR;
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
	if (output) {
		err = smon_write_atomic(output, sb_str(&sb), sb.len);
		if (err) {
			fprintf(stderr, PROG ": writing %s: %s\n", output,
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

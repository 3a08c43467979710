// SPDX-License-Identifier: GPL-2.0
/*
 * sysrqmonctl: status, events and settings of the sysrqmon module. main()
 * finds the subcommand in subcommands[] and hands it its arguments; each
 * lives in a file of its own and parses them itself.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "subcommands.h"

#ifndef SYSRQMON_VERSION
#error "SYSRQMON_VERSION must come from the Makefile (../VERSION)"
#endif

/* Where the descriptions start in the help. */
#define DESC_COLUMN		27

static int help_main(int argc, char **argv);

/*
 * In the order of the help. @args and @description may wrap ('\n'): the
 * help indents their next lines under the first.
 */
static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *args;
	const char *description;
} subcommands[] = {
	{ "status", status_main, "[--json]",
	  "show version, settings, counters and hooks" },
	{ "listen", listen_main,
	  "[--format FORMAT] [--json] [--count N] [--timeout SEC]\n"
	  "[--metrics FILE]",
	  "print each event as it happens" },
	{ "keys", keys_main, "[--json]",
	  "list the live key table: help text, module,\n"
	  "handler and whether it changed since load" },
	{ "metrics", metrics_main, "[--output FILE]",
	  "Prometheus metrics on stdout, or written to\n"
	  "FILE atomically (node_exporter textfile)" },
	{ "mode", config_main, "monitor|deny|off", "switch the mode" },
	{ "set", config_main, "KEY VALUE",
	  "change a setting: audit 0|1, audit_records 0|1,\n"
	  "watch_reads 0|1, allowed_mask N, allowed_keys STRING,\n"
	  "deny_scope all|container, verify_ms 0|100-60000,\n"
	  "mode MODE" },
	{ "lock", config_main, "", "lock the configuration until reboot" },
	{ "help", help_main, "", "show this help" },
};

static const char usage_head[] =
"Usage: sysrqmonctl [-h|--help] [-V|--version]\n"
"       sysrqmonctl SUBCOMMAND [ARGS...]\n"
"\n"
"Subcommands:\n";

static const char usage_tail[] =
"\n"
"Options:\n"
"  -h, --help               show this help and exit\n"
"  -V, --version            show the version and exit\n"
"  --json                   one JSON object per line (listen: --format json)\n"
"  --format FORMAT          listen: text (default), json, export (systemd\n"
"                           Journal Export Format), journal (to journald)\n"
"  --output FILE            metrics: write FILE via a temporary file + rename\n"
"  --metrics FILE           listen: keep FILE (Prometheus) up to date with\n"
"                           the events seen, by kind and verdict\n"
"  --count N                listen: stop after N events\n"
"  --timeout SEC            listen: stop after SEC seconds (decimals allowed)\n"
"\n"
"Exit status: 0 success, 1 runtime error, 2 usage, 3 module not loaded,\n"
"4 permission denied (CAP_SYS_ADMIN, or locked), 5 --timeout before --count,\n"
"6 events were lost while listening.\n";

/*
 * Prints @s from column @indent, where the cursor is, and each line after
 * the first from there too; returns the column where it ends.
 */
static int put_wrapped(const char *s, int indent)
{
	const char *nl;

	while ((nl = strchr(s, '\n'))) {
		printf("%.*s\n%*s", (int)(nl - s), s, indent, "");
		s = nl + 1;
	}
	return indent + printf("%s", s);
}

static void usage(void)
{
	int width, indent;
	size_t i;

	fputs(usage_head, stdout);
	for (i = 0; i < ARRAY_SIZE(subcommands); i++) {
		indent = printf("  %s%s", subcommands[i].name,
				*subcommands[i].args ? " " : "");
		width = indent;
		if (*subcommands[i].args)
			width = put_wrapped(subcommands[i].args, indent);
		printf("%*s", width < DESC_COLUMN - 2 ? DESC_COLUMN - width : 2,
		       "");
		put_wrapped(subcommands[i].description, DESC_COLUMN);
		putchar('\n');
	}
	fputs(usage_tail, stdout);
}

/* After a usage error: the subcommands and where to read more. */
static void short_usage(void)
{
	size_t i;

	fputs("Usage: sysrqmonctl ", stderr);
	for (i = 0; i < ARRAY_SIZE(subcommands); i++)
		fprintf(stderr, "%s%s", i ? "|" : "", subcommands[i].name);
	fputs(" [ARGS...]\nSee 'sysrqmonctl help'.\n", stderr);
}

static int help_main(int argc, char **argv)
{
	if (argc > 1)
		return smon_usage_error("help: unexpected argument '%s'",
					argv[1]);
	usage();
	return SMON_EXIT_OK;
}

static int dispatch(int argc, char **argv)
{
	size_t i;

	if (argc < 2)
		return smon_usage_error("missing subcommand");
	if (smon_cli_wants_help(argc, argv))
		return help_main(1, argv);
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
		if (argc > 2)
			return smon_usage_error("unexpected argument '%s'",
						argv[2]);
		printf(PROG " %s\n", SYSRQMON_VERSION);
		return SMON_EXIT_OK;
	}
	for (i = 0; i < ARRAY_SIZE(subcommands); i++)
		if (!strcmp(argv[1], subcommands[i].name))
			return subcommands[i].fn(argc - 1, argv + 1);
	if (argv[1][0] == '-')
		return smon_usage_error("unknown option '%s'", argv[1]);
	return smon_usage_error("unknown subcommand '%s'", argv[1]);
}

int main(int argc, char **argv)
{
	int rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	rc = dispatch(argc, argv);
	if (rc == SMON_EXIT_USAGE)
		short_usage();
	return rc;
}

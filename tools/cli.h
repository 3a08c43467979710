/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sysrqmonctl: what every subcommand shares: exit codes, option parsing,
 * usage errors, and the messages and output lines they all write.
 */
#ifndef SYSRQMONCTL_CLI_H
#define SYSRQMONCTL_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

#include "json.h"
#include "netlink.h"

#define PROG			"sysrqmonctl"

/* Exit codes, see contract.md and sysrqmonctl(8). */
enum smon_exit {
	SMON_EXIT_OK		= 0,
	SMON_EXIT_ERROR		= 1,
	SMON_EXIT_USAGE		= 2,
	SMON_EXIT_NOT_LOADED	= 3,
	SMON_EXIT_PERM		= 4,
	SMON_EXIT_TIMEOUT	= 5,
	SMON_EXIT_LOST		= 6,
};

/*
 * getopt_long() over a subcommand's arguments (@argv[0] is its name), as
 * strict as the command line has always been: a long option is spelled
 * out (no abbreviations), "--" and "-" are not options, and a word that
 * is not an option is an error (no subcommand with options takes one).
 * Set optind to 0 before the first call. Returns the option's val, with
 * optarg NULL when its value is missing; 0 after the last argument; -1
 * with "SUBCOMMAND: unknown option '...'" or "...: unexpected argument
 * '...'" in @err.
 */
int smon_getopt(int argc, char **argv, const struct option *opts,
		char *err, size_t errlen);

/* The only option of status and keys, --json: 0, or -1 with @err. */
int smon_json_parse(int argc, char **argv, bool *json, char *err,
		    size_t errlen);

/* Formats a usage error into @err; returns -1. */
__printf(3, 4)
int smon_fail(char *err, size_t errlen, const char *fmt, ...);

/*
 * Prints "sysrqmonctl: MESSAGE" on stderr and returns SMON_EXIT_USAGE;
 * main() then adds the short usage (at most three lines in all).
 */
__printf(1, 2)
int smon_usage_error(const char *fmt, ...);

/* -h or --help anywhere on the command line, but as set's VALUE. */
bool smon_cli_wants_help(int argc, char **argv);

/*
 * "sysrqmonctl: module not loaded" on stderr; with @json_cmd (the
 * subcommand's name, for --json) also one JSON record on stdout: the
 * status {"loaded":false} for status, an error record for the others.
 */
void smon_not_loaded(const char *json_cmd);

/*
 * Opens the generic netlink socket; SMON_EXIT_OK, or the exit code after
 * saying why (smon_not_loaded(@json_cmd) when the family is absent).
 */
int smon_cli_open(struct smon_nl *nl, const char *json_cmd);

/*
 * Writes @sb to stdout, ending in a newline (added unless there), and
 * frees it. SMON_EXIT_OK, or SMON_EXIT_ERROR after saying why.
 */
int smon_print(struct strbuf *sb);

/*
 * The module's status over netlink (GET_STATUS), allocated, with 0 or
 * a negative errno in @err; NULL when out of memory (said on stderr).
 */
struct smon_status *smon_cli_status(int *err);

#endif /* SYSRQMONCTL_CLI_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sysrqmonctl: command line parsing and usage.
 */
#ifndef SYSRQMONCTL_CLI_H
#define SYSRQMONCTL_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "output.h"

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

enum smon_cmd {
	SMON_CMD_NONE,
	SMON_CMD_HELP,
	SMON_CMD_VERSION,
	SMON_CMD_STATUS,
	SMON_CMD_LISTEN,
	SMON_CMD_MODE,
	SMON_CMD_SET,
	SMON_CMD_LOCK,
	SMON_CMD_KEYS,
	SMON_CMD_METRICS,
};

enum smon_value_type {
	SMON_VAL_U8,
	SMON_VAL_S32,
	SMON_VAL_STR,
};

struct smon_cli {
	enum smon_cmd cmd;
	bool json;			/* status, keys; listen: --format json */
	enum smon_format format;	/* listen */
	const char *output;		/* metrics --output FILE, or NULL */
	const char *metrics_file;	/* listen --metrics FILE, or NULL */
	bool has_count;
	uint64_t count;
	bool has_timeout;
	uint64_t timeout_ns;
	/* mode and set: one SET_CONFIG attribute */
	const char *setting;		/* its name on the command line */
	int attr;			/* SYSRQMON_ATTR_x */
	enum smon_value_type type;
	uint8_t u8;
	int32_t s32;
	const char *str;
};

/*
 * Parses argv. Returns 0, or -1 with a message in @err (exit code 2).
 * Strings in @cli point into @argv.
 */
int smon_cli_parse(int argc, char *const argv[], struct smon_cli *cli,
		   char *err, size_t errlen);
void smon_cli_usage(FILE *f);
/* Two lines: the subcommands and "See 'sysrqmonctl help'." */
void smon_cli_short_usage(FILE *f);

/* Value parsers, 0 on success, -1 when the text is not acceptable. */
int smon_parse_count(const char *s, uint64_t *count);
int smon_parse_timeout(const char *s, uint64_t *ns);
int smon_parse_mask(const char *s, int32_t *mask);
int smon_parse_period(const char *s, int32_t *ms);

#endif /* SYSRQMONCTL_CLI_H */

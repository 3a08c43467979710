// SPDX-License-Identifier: GPL-2.0
/*
 * sysrqmonctl: command line parsing and usage.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "format.h"

/* Longest --timeout, in seconds (about 31 years). */
#define SMON_TIMEOUT_MAX_S	1000000000ull

static const char usage_text[] =
"Usage: sysrqmonctl [-h|--help] [-V|--version]\n"
"       sysrqmonctl SUBCOMMAND [ARGS...]\n"
"\n"
"Subcommands:\n"
"  status [--json]          show version, settings, counters and hooks\n"
"  listen [--format FORMAT] [--json] [--count N] [--timeout SEC]\n"
"         [--metrics FILE]  print each event as it happens\n"
"  keys [--json]            list the live key table: help text, module,\n"
"                           handler and whether it changed since load\n"
"  metrics [--output FILE]  Prometheus metrics on stdout, or written to\n"
"                           FILE atomically (node_exporter textfile)\n"
"  mode monitor|deny|off    switch the mode\n"
"  set KEY VALUE            change a setting: audit 0|1, audit_records 0|1,\n"
"                           watch_reads 0|1, allowed_mask N, allowed_keys STRING,\n"
"                           deny_scope all|container, verify_ms 0|100-60000,\n"
"                           mode MODE\n"
"  lock                     lock the configuration until reboot\n"
"  help                     show this help\n"
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

/* After a usage error: the short form, on stderr. */
static const char short_usage_text[] =
"Usage: sysrqmonctl status|listen|keys|metrics|mode|set|lock|help [ARGS...]\n"
"See 'sysrqmonctl help'.\n";

void smon_cli_usage(FILE *f)
{
	fputs(usage_text, f);
}

void smon_cli_short_usage(FILE *f)
{
	fputs(short_usage_text, f);
}

__printf(3, 4)
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

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

int smon_parse_mask(const char *s, int32_t *mask)
{
	long long v;
	char *end;

	/* Base 0 like the kernel: 16, 0x10, 020, -1. */
	if (!*s || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 0);
	if (errno || *end || v < INT32_MIN || v > INT32_MAX)
		return -1;
	*mask = (int32_t)v;
	return 0;
}

int smon_parse_period(const char *s, int32_t *ms)
{
	unsigned long v;
	char *end;

	/* The module's verify_ms: 0 (off) or 100 to 60000, base 0. */
	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end || (v && (v < 100 || v > 60000)))
		return -1;
	*ms = (int32_t)v;
	return 0;
}

enum setting_kind {
	SETTING_BOOL,
	SETTING_MODE,
	SETTING_SCOPE,
	SETTING_MASK,
	SETTING_STRING,
	SETTING_PERIOD,
};

static const struct {
	const char *name;
	int attr;
	enum setting_kind kind;
} settings[] = {
	{ "mode",		SYSRQMON_ATTR_MODE,		SETTING_MODE },
	{ "audit",		SYSRQMON_ATTR_AUDIT,		SETTING_BOOL },
	{ "audit_records",	SYSRQMON_ATTR_AUDIT_RECORDS,	SETTING_BOOL },
	{ "watch_reads",	SYSRQMON_ATTR_WATCH_READS,	SETTING_BOOL },
	{ "allowed_mask",	SYSRQMON_ATTR_ALLOWED_MASK,	SETTING_MASK },
	{ "allowed_keys",	SYSRQMON_ATTR_ALLOWED_KEYS,	SETTING_STRING },
	{ "deny_scope",		SYSRQMON_ATTR_DENY_SCOPE,	SETTING_SCOPE },
	{ "verify_ms",		SYSRQMON_ATTR_VERIFY_MS,	SETTING_PERIOD },
};

#define SYSRQ_KEY_CHARS \
	"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

static int parse_setting(const char *name, const char *value,
			 struct smon_cli *cli, char *err, size_t errlen)
{
	size_t i;
	int v;

	for (i = 0; i < ARRAY_SIZE(settings); i++)
		if (!strcmp(settings[i].name, name))
			break;
	if (i == ARRAY_SIZE(settings))
		return fail(err, errlen, "unknown setting '%s'", name);

	cli->setting = settings[i].name;
	cli->attr = settings[i].attr;
	switch (settings[i].kind) {
	case SETTING_BOOL:
		if (strcmp(value, "0") && strcmp(value, "1"))
			return fail(err, errlen, "%s must be 0 or 1, not '%s'",
				    name, value);
		cli->type = SMON_VAL_U8;
		cli->u8 = value[0] == '1';
		break;
	case SETTING_MODE:
		v = smon_mode_parse(value);
		if (v < 0)
			return fail(err, errlen,
				    "mode must be monitor, deny or off, not '%s'",
				    value);
		cli->type = SMON_VAL_U8;
		cli->u8 = (uint8_t)v;
		break;
	case SETTING_SCOPE:
		v = smon_scope_parse(value);
		if (v < 0)
			return fail(err, errlen,
				    "deny_scope must be all or container, not '%s'",
				    value);
		cli->type = SMON_VAL_U8;
		cli->u8 = (uint8_t)v;
		break;
	case SETTING_MASK:
		if (smon_parse_mask(value, &cli->s32))
			return fail(err, errlen,
				    "allowed_mask must be an integer (16, 0x10, 020, -1), not '%s'",
				    value);
		cli->type = SMON_VAL_S32;
		break;
	case SETTING_STRING:
		/* allowed_keys is the only string: SysRq command characters. */
		if (strspn(value, SYSRQ_KEY_CHARS) != strlen(value))
			return fail(err, errlen,
				    "%s takes SysRq command characters [0-9a-zA-Z], not '%s'",
				    name, value);
		if (strlen(value) > 62)
			return fail(err, errlen, "%s has at most 62 keys", name);
		cli->type = SMON_VAL_STR;
		cli->str = value;
		break;
	case SETTING_PERIOD:
		/* The module's range; a u32 on the wire, like an s32. */
		if (smon_parse_period(value, &cli->s32))
			return fail(err, errlen,
				    "verify_ms must be 0 (off) or 100 to 60000, not '%s'",
				    value);
		cli->type = SMON_VAL_S32;
		break;
	}
	return 0;
}

static bool is_help(const char *a)
{
	return !strcmp(a, "-h") || !strcmp(a, "--help");
}

/* "--name VALUE" or "--name=VALUE"; returns the value or NULL. */
static const char *opt_value(int argc, char *const argv[], int *i,
			     const char *name, bool *matched)
{
	size_t n = strlen(name);
	const char *a = argv[*i];

	*matched = false;
	if (strncmp(a, name, n))
		return NULL;
	if (a[n] == '=') {
		*matched = true;
		return a + n + 1;
	}
	if (a[n])
		return NULL;
	*matched = true;
	if (*i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

static int parse_listen(int argc, char *const argv[], int i,
			struct smon_cli *cli, char *err, size_t errlen)
{
	const char *v;
	bool m;
	int f;

	for (; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			cli->json = true;
			cli->format = SMON_FMT_JSON;
			continue;
		}
		v = opt_value(argc, argv, &i, "--format", &m);
		if (m) {
			if (!v)
				return fail(err, errlen,
					    "--format needs a value");
			f = smon_format_parse(v);
			if (f < 0)
				return fail(err, errlen,
					    "--format must be text, json, export or journal, not '%s'",
					    v);
			cli->format = (enum smon_format)f;
			cli->json = f == SMON_FMT_JSON;
			continue;
		}
		v = opt_value(argc, argv, &i, "--metrics", &m);
		if (m) {
			if (!v || !*v)
				return fail(err, errlen,
					    "--metrics needs a file name");
			cli->metrics_file = v;
			continue;
		}
		v = opt_value(argc, argv, &i, "--count", &m);
		if (m) {
			if (!v)
				return fail(err, errlen,
					    "--count needs a value");
			if (smon_parse_count(v, &cli->count))
				return fail(err, errlen,
					    "--count needs a positive integer, not '%s'",
					    v);
			cli->has_count = true;
			continue;
		}
		v = opt_value(argc, argv, &i, "--timeout", &m);
		if (m) {
			if (!v)
				return fail(err, errlen,
					    "--timeout needs a value");
			if (v[0] == '-')
				return fail(err, errlen,
					    "--timeout must not be negative");
			if (smon_parse_timeout(v, &cli->timeout_ns))
				return fail(err, errlen,
					    "--timeout needs seconds (e.g. 5 or 0.5), not '%s'",
					    v);
			cli->has_timeout = true;
			continue;
		}
		if (argv[i][0] == '-')
			return fail(err, errlen, "listen: unknown option '%s'",
				    argv[i]);
		return fail(err, errlen, "listen: unexpected argument '%s'",
			    argv[i]);
	}
	return 0;
}

static int parse_metrics(int argc, char *const argv[], int i,
			 struct smon_cli *cli, char *err, size_t errlen)
{
	const char *v;
	bool m;

	for (; i < argc; i++) {
		v = opt_value(argc, argv, &i, "--output", &m);
		if (m) {
			if (!v || !*v)
				return fail(err, errlen,
					    "--output needs a file name");
			cli->output = v;
			continue;
		}
		if (argv[i][0] == '-')
			return fail(err, errlen, "metrics: unknown option '%s'",
				    argv[i]);
		return fail(err, errlen, "metrics: unexpected argument '%s'",
			    argv[i]);
	}
	return 0;
}

int smon_cli_parse(int argc, char *const argv[], struct smon_cli *cli,
		   char *err, size_t errlen)
{
	const char *sub;
	int i;

	memset(cli, 0, sizeof(*cli));
	if (errlen)
		err[0] = '\0';
	if (argc < 2)
		return fail(err, errlen, "missing subcommand");

	/* --help anywhere wins, like most tools, except as a set VALUE. */
	for (i = 1; i < argc; i++) {
		if (i == 3 && !strcmp(argv[1], "set"))
			continue;
		if (is_help(argv[i])) {
			cli->cmd = SMON_CMD_HELP;
			return 0;
		}
	}

	sub = argv[1];
	if (!strcmp(sub, "help")) {
		if (argc > 2)
			return fail(err, errlen, "help: unexpected argument '%s'",
				    argv[2]);
		cli->cmd = SMON_CMD_HELP;
		return 0;
	}
	if (!strcmp(sub, "-V") || !strcmp(sub, "--version")) {
		if (argc > 2)
			return fail(err, errlen, "unexpected argument '%s'",
				    argv[2]);
		cli->cmd = SMON_CMD_VERSION;
		return 0;
	}

	if (!strcmp(sub, "status") || !strcmp(sub, "keys")) {
		cli->cmd = sub[0] == 's' ? SMON_CMD_STATUS : SMON_CMD_KEYS;
		for (i = 2; i < argc; i++) {
			if (!strcmp(argv[i], "--json"))
				cli->json = true;
			else if (argv[i][0] == '-')
				return fail(err, errlen,
					    "%s: unknown option '%s'", sub,
					    argv[i]);
			else
				return fail(err, errlen,
					    "%s: unexpected argument '%s'",
					    sub, argv[i]);
		}
		return 0;
	}
	if (!strcmp(sub, "metrics")) {
		cli->cmd = SMON_CMD_METRICS;
		return parse_metrics(argc, argv, 2, cli, err, errlen);
	}
	if (!strcmp(sub, "listen")) {
		cli->cmd = SMON_CMD_LISTEN;
		return parse_listen(argc, argv, 2, cli, err, errlen);
	}
	if (!strcmp(sub, "mode")) {
		cli->cmd = SMON_CMD_MODE;
		if (argc < 3)
			return fail(err, errlen,
				    "mode needs monitor, deny or off");
		if (argc > 3)
			return fail(err, errlen,
				    "mode: unexpected argument '%s'", argv[3]);
		return parse_setting("mode", argv[2], cli, err, errlen);
	}
	if (!strcmp(sub, "set")) {
		cli->cmd = SMON_CMD_SET;
		if (argc < 4)
			return fail(err, errlen, "set needs KEY and VALUE");
		if (argc > 4)
			return fail(err, errlen,
				    "set: unexpected argument '%s'", argv[4]);
		return parse_setting(argv[2], argv[3], cli, err, errlen);
	}
	if (!strcmp(sub, "lock")) {
		cli->cmd = SMON_CMD_LOCK;
		if (argc > 2)
			return fail(err, errlen,
				    "lock: unexpected argument '%s'", argv[2]);
		return 0;
	}
	if (sub[0] == '-')
		return fail(err, errlen, "unknown option '%s'", sub);
	return fail(err, errlen, "unknown subcommand '%s'", sub);
}

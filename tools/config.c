// SPDX-License-Identifier: GPL-2.0
/*
 * sysrqmonctl mode MODE, set KEY VALUE and lock: one setting changed, or
 * the configuration locked, over generic netlink (SET_CONFIG, LOCK).
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "netlink.h"
#include "subcommands.h"

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

/* Parsers of the numeric settings: 0, or -1 when @s is not acceptable. */
static int parse_bool(const char *s, int32_t *v)
{
	if (strcmp(s, "0") && strcmp(s, "1"))
		return -1;
	*v = s[0] == '1';
	return 0;
}

static int parse_mode(const char *s, int32_t *v)
{
	*v = smon_mode_parse(s);
	return *v < 0 ? -1 : 0;
}

static int parse_scope(const char *s, int32_t *v)
{
	*v = smon_scope_parse(s);
	return *v < 0 ? -1 : 0;
}

/* Each setting; a number unless SMON_VAL_STR (allowed_keys). */
static const struct {
	const char *name;
	int attr;
	enum smon_value_type type;
	int (*parse)(const char *s, int32_t *v);
	const char *choices;		/* "NAME must be CHOICES" */
} settings[] = {
	{ "mode", SYSRQMON_ATTR_MODE, SMON_VAL_U8, parse_mode,
	  "monitor, deny or off" },
	{ "audit", SYSRQMON_ATTR_AUDIT, SMON_VAL_U8, parse_bool, "0 or 1" },
	{ "audit_records", SYSRQMON_ATTR_AUDIT_RECORDS, SMON_VAL_U8,
	  parse_bool, "0 or 1" },
	{ "watch_reads", SYSRQMON_ATTR_WATCH_READS, SMON_VAL_U8, parse_bool,
	  "0 or 1" },
	{ "allowed_mask", SYSRQMON_ATTR_ALLOWED_MASK, SMON_VAL_S32,
	  smon_parse_mask, "an integer (16, 0x10, 020, -1)" },
	{ "allowed_keys", SYSRQMON_ATTR_ALLOWED_KEYS, SMON_VAL_STR, NULL,
	  NULL },
	{ "deny_scope", SYSRQMON_ATTR_DENY_SCOPE, SMON_VAL_U8, parse_scope,
	  "all or container" },
	/* The module's range; a u32 on the wire, like an s32. */
	{ "verify_ms", SYSRQMON_ATTR_VERIFY_MS, SMON_VAL_S32,
	  smon_parse_period, "0 (off) or 100 to 60000" },
};

#define SYSRQ_KEY_CHARS \
	"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

static int parse_setting(const char *name, const char *value,
			 struct smon_setting *s, char *err, size_t errlen)
{
	size_t i;
	int32_t v;

	for (i = 0; i < ARRAY_SIZE(settings); i++)
		if (!strcmp(settings[i].name, name))
			break;
	if (i == ARRAY_SIZE(settings))
		return smon_fail(err, errlen, "unknown setting '%s'", name);

	s->name = settings[i].name;
	s->attr = settings[i].attr;
	s->type = settings[i].type;
	if (s->type == SMON_VAL_STR) {
		/* allowed_keys is the only string: SysRq command characters. */
		if (strspn(value, SYSRQ_KEY_CHARS) != strlen(value))
			return smon_fail(err, errlen,
					 "%s takes SysRq command characters [0-9a-zA-Z], not '%s'",
					 name, value);
		if (strlen(value) > 62)
			return smon_fail(err, errlen, "%s has at most 62 keys",
					 name);
		s->str = value;
		return 0;
	}
	if (settings[i].parse(value, &v))
		return smon_fail(err, errlen, "%s must be %s, not '%s'", name,
				 settings[i].choices, value);
	if (s->type == SMON_VAL_U8)
		s->u8 = (uint8_t)v;
	else
		s->s32 = v;
	return 0;
}

void smon_perm_message(struct strbuf *sb, const char *extack, bool locked)
{
	/* The kernel's reason names the lock: it is the whole story. */
	if (extack && strstr(extack, "locked")) {
		sb_puts(sb, extack);
		return;
	}
	if (locked && (!extack || !*extack)) {
		sb_puts(sb, "the configuration is locked until reboot");
		return;
	}
	sb_puts(sb, "permission denied: needs CAP_SYS_ADMIN in the initial user namespace");
	/* Any other reason, unless it only repeats the capability. */
	if (extack && *extack && !strstr(extack, "CAP_SYS_ADMIN"))
		sb_printf(sb, " (%s)", extack);
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
		smon_not_loaded(NULL);
		return SMON_EXIT_NOT_LOADED;
	case -EINVAL:
		fprintf(stderr, PROG ": %s: invalid argument%s\n", what, msg);
		return SMON_EXIT_ERROR;
	default:
		fprintf(stderr, PROG ": %s: %s%s\n", what, strerror(-err), msg);
		return SMON_EXIT_ERROR;
	}
}

int smon_config_parse(int argc, char **argv, struct smon_setting *s,
		      char *err, size_t errlen)
{
	memset(s, 0, sizeof(*s));
	if (!strcmp(argv[0], "lock")) {
		s->name = "lock";
		if (argc > 1)
			return smon_fail(err, errlen,
					 "lock: unexpected argument '%s'",
					 argv[1]);
		return 0;
	}
	if (!strcmp(argv[0], "mode")) {
		if (argc < 2)
			return smon_fail(err, errlen,
					 "mode needs monitor, deny or off");
		if (argc > 2)
			return smon_fail(err, errlen,
					 "mode: unexpected argument '%s'",
					 argv[2]);
		return parse_setting("mode", argv[1], s, err, errlen);
	}
	if (argc < 3)
		return smon_fail(err, errlen, "set needs KEY and VALUE");
	if (argc > 3)
		return smon_fail(err, errlen, "set: unexpected argument '%s'",
				 argv[3]);
	return parse_setting(argv[1], argv[2], s, err, errlen);
}

/* mode, set and lock: no options, the arguments are the value. */
int config_main(int argc, char **argv)
{
	struct smon_setting s;
	struct smon_nl nl;
	char what[64], msg[256];
	int err, rc;

	if (smon_config_parse(argc, argv, &s, msg, sizeof(msg)))
		return smon_usage_error("%s", msg);
	if (!strcmp(argv[0], "set"))
		snprintf(what, sizeof(what), "set %s", s.name);
	else
		snprintf(what, sizeof(what), "%s", argv[0]);

	rc = smon_cli_open(&nl, NULL);
	if (rc)
		return rc;
	switch (s.type) {
	case SMON_VAL_NONE:
		err = smon_nl_lock(&nl);
		break;
	case SMON_VAL_U8:
		err = smon_nl_set_u8(&nl, s.attr, s.u8);
		break;
	case SMON_VAL_S32:
		err = smon_nl_set_s32(&nl, s.attr, s.s32);
		break;
	default:
		err = smon_nl_set_str(&nl, s.attr, s.str);
		break;
	}
	if (err)
		rc = config_error(&nl, what, err);
	smon_nl_close(&nl);
	return rc;
}

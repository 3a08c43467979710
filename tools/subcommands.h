/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sysrqmonctl's subcommands, one file each, dispatched from the table in
 * sysrqmonctl.c. Each gets its own arguments (argv[0] is its name) and
 * returns the exit code; on a usage error it says what is wrong in one
 * line (smon_usage_error()) and returns SMON_EXIT_USAGE. The parsers and
 * formatters below are exposed for the unit tests.
 */
#ifndef SYSRQMONCTL_SUBCOMMANDS_H
#define SYSRQMONCTL_SUBCOMMANDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "format.h"
#include "json.h"
#include "output.h"

int status_main(int argc, char **argv);
int listen_main(int argc, char **argv);
int keys_main(int argc, char **argv);
int metrics_main(int argc, char **argv);
/* mode, set and lock (argv[0] says which). */
int config_main(int argc, char **argv);

/* status.c: several lines of text or one JSON line (no trailing newline). */
void smon_status_text(struct strbuf *sb, const struct smon_status *st);
void smon_status_json(struct strbuf *sb, const struct smon_status *st);

/* keys.c: the key table, text lines or one JSON line (no trailing newline). */
void smon_keys_text(struct strbuf *sb, const struct smon_keys *keys);
void smon_keys_json(struct strbuf *sb, const struct smon_keys *keys);

/* listen.c */
struct smon_listen_args {
	enum smon_format format;
	const char *metrics_file;	/* --metrics FILE, or NULL */
	bool has_count;
	uint64_t count;
	bool has_timeout;
	uint64_t timeout_ns;
	bool ship;			/* --ship: be the shipping consumer */
};

int smon_listen_parse(int argc, char **argv, struct smon_listen_args *a,
		      char *err, size_t errlen);
/* 0 on success, -1 when the text is not acceptable. */
int smon_parse_count(const char *s, uint64_t *count);
int smon_parse_timeout(const char *s, uint64_t *ns);

/* metrics.c: --output FILE, or NULL for stdout. */
int smon_metrics_parse(int argc, char **argv, const char **output,
		       char *err, size_t errlen);

/* config.c: mode, set and lock; one SET_CONFIG attribute, or LOCK. */
enum smon_value_type {
	SMON_VAL_NONE,			/* lock */
	SMON_VAL_U8,
	SMON_VAL_S32,
	SMON_VAL_STR,
};

struct smon_setting {
	const char *name;		/* as on the command line */
	int attr;			/* SYSRQMON_ATTR_x */
	enum smon_value_type type;
	uint8_t u8;
	int32_t s32;
	const char *str;		/* points into argv */
};

/* "mode VALUE", "set KEY VALUE" or "lock": 0, or -1 and @err. */
int smon_config_parse(int argc, char **argv, struct smon_setting *s,
		      char *err, size_t errlen);
/* 0 on success, -1 when the text is not acceptable. */
int smon_parse_mask(const char *s, int32_t *mask);
int smon_parse_period(const char *s, int32_t *ms);

/*
 * What a refused change (EPERM/EACCES) tells the user, after "what: ":
 * the kernel's reason when the configuration is locked (from @extack, or
 * @locked when the kernel gave no message), else the missing capability.
 */
void smon_perm_message(struct strbuf *sb, const char *extack, bool locked);

#endif /* SYSRQMONCTL_SUBCOMMANDS_H */

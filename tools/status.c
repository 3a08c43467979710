// SPDX-License-Identifier: GPL-2.0
/*
 * sysrqmonctl status [--json]: the module's version, settings, counters
 * and hooks over netlink, or its parameters from sysfs when netlink does
 * not answer.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "netlink.h"
#include "subcommands.h"

/* Longest module parameter value shown. */
#define PARAM_MAX		4096

static void json_enum(struct json_obj *o, const char *key, const char *name,
		      unsigned int v)
{
	char buf[32];

	if (!name) {
		snprintf(buf, sizeof(buf), "unknown-%u", v);
		name = buf;
	}
	json_cstr(o, key, name);
}

static const char *kind_or_none(unsigned int kind)
{
	const char *name = smon_kind_name(kind);

	return name ? name : "none";
}

static bool st_has(const struct smon_status *st, unsigned int attr)
{
	return smon_has(st->present, attr);
}

/* The counts whose bit is set in @present, 0 to @max, by @name. */
static void text_counts(struct strbuf *sb, const char *title,
			uint32_t present, const char *(*name)(unsigned int),
			const uint64_t *v, unsigned int max)
{
	unsigned int i;

	sb_printf(sb, "%s:\n", title);
	for (i = 0; i <= max; i++)
		if (present & (1u << i))
			sb_printf(sb, "  %-13s %llu\n", name(i),
				  (unsigned long long)v[i]);
}

static void json_counts(struct json_obj *o, const char *key,
			uint32_t present, const char *(*name)(unsigned int),
			const uint64_t *v, unsigned int max)
{
	struct json_obj sub;
	unsigned int i;

	json_key(o, key);
	json_begin(&sub, o->sb);
	for (i = 0; i <= max; i++)
		if (present & (1u << i))
			json_u64(&sub, name(i), v[i]);
	json_end(&sub);
}

void smon_status_text(struct strbuf *sb, const struct smon_status *st)
{
	size_t h;

	if (st_has(st, SYSRQMON_ATTR_VERSION)) {
		sb_puts(sb, "version:       ");
		smon_text_value(sb, st->version, st->version_len);
		sb_putc(sb, '\n');
	}
	if (st_has(st, SYSRQMON_ATTR_INSTANCE))
		sb_printf(sb, "instance:      0x%016llx\n",
			  (unsigned long long)st->instance);
	if (st_has(st, SYSRQMON_ATTR_MODE)) {
		sb_puts(sb, "mode:          ");
		smon_text_enum(sb, smon_mode_name(st->mode), st->mode);
		sb_putc(sb, '\n');
	}
	if (st_has(st, SYSRQMON_ATTR_AUDIT))
		sb_printf(sb, "audit:         %u\n", st->audit);
	if (st_has(st, SYSRQMON_ATTR_AUDIT_RECORDS))
		sb_printf(sb, "audit_records: %u\n", st->audit_records);
	if (st_has(st, SYSRQMON_ATTR_WATCH_READS))
		sb_printf(sb, "watch_reads:   %u\n", st->watch_reads);
	if (st_has(st, SYSRQMON_ATTR_ALLOWED_MASK))
		sb_printf(sb, "allowed_mask:  %d\n", st->allowed_mask);
	if (st_has(st, SYSRQMON_ATTR_ALLOWED_KEYS)) {
		sb_puts(sb, "allowed_keys:  ");
		smon_text_value(sb, st->allowed_keys, st->allowed_keys_len);
		sb_putc(sb, '\n');
	}
	if (st_has(st, SYSRQMON_ATTR_DENY_SCOPE)) {
		sb_puts(sb, "deny_scope:    ");
		smon_text_enum(sb, smon_scope_name(st->deny_scope), st->deny_scope);
		sb_putc(sb, '\n');
	}
	if (st_has(st, SYSRQMON_ATTR_LOCKED))
		sb_printf(sb, "locked:        %s\n", st->locked ? "yes" : "no");
	if (st_has(st, SYSRQMON_ATTR_BUFFER_SIZE))
		sb_printf(sb, "buffer_size:   %u\n", st->buffer_size);
	if (st_has(st, SYSRQMON_ATTR_BUFFER_RESERVED))
		sb_printf(sb, "reserved:      %u\n", st->buffer_reserved);
	if (st_has(st, SYSRQMON_ATTR_SHIPPING))
		sb_printf(sb, "shipping:      %s\n", st->shipping ? "yes" : "no");
	if (st_has(st, SYSRQMON_ATTR_VERIFY_MS))
		sb_printf(sb, "verify_ms:     %u\n", st->verify_ms);
	if (st->counters_present)
		text_counts(sb, "counters", st->counters_present,
			    smon_counter_name, st->counters,
			    SYSRQMON_COUNTER_MAX);
	if (st->kinds_present)
		text_counts(sb, "events by kind", st->kinds_present,
			    kind_or_none, st->kind_counts, SYSRQMON_KIND_MAX);
	if (st_has(st, SYSRQMON_ATTR_HOOKS)) {
		sb_printf(sb, "hooks:%s\n",
			  st->hooks_truncated ? " (list truncated)" : "");
		for (h = 0; h < st->nr_hooks; h++) {
			const struct smon_hook *hk = &st->hooks[h];

			sb_puts(sb, "  ");
			if (smon_has(hk->present, SYSRQMON_HOOK_ATTR_NAME))
				smon_text_value(sb, hk->name, hk->name_len);
			else
				sb_putc(sb, '-');
			sb_puts(sb, " method=");
			if (smon_has(hk->present, SYSRQMON_HOOK_ATTR_METHOD))
				smon_text_enum(sb, smon_attach_name(hk->method),
					       hk->method);
			else
				sb_putc(sb, '-');
			if (smon_has(hk->present, SYSRQMON_HOOK_ATTR_ENFORCING))
				sb_printf(sb, " enforcing=%s",
					  hk->enforcing ? "yes" : "no");
			if (smon_has(hk->present, SYSRQMON_HOOK_ATTR_MISSED))
				sb_printf(sb, " missed=%llu",
					  (unsigned long long)hk->missed);
			sb_putc(sb, '\n');
		}
	}
}

void smon_status_json(struct strbuf *sb, const struct smon_status *st)
{
	char inst[19];
	struct json_obj o, sub;
	size_t h;

	json_begin(&o, sb);
	json_cstr(&o, "type", "status");
	json_cstr(&o, "source", "netlink");
	json_cstr(&o, "host", smon_host());
	json_bool(&o, "loaded", true);
	if (st_has(st, SYSRQMON_ATTR_VERSION))
		json_str(&o, "version", st->version, st->version_len);
	if (st_has(st, SYSRQMON_ATTR_INSTANCE)) {
		smon_instance_text(inst, st->instance);
		json_cstr(&o, "instance", inst);
	}
	if (st_has(st, SYSRQMON_ATTR_MODE))
		json_enum(&o, "mode", smon_mode_name(st->mode), st->mode);
	if (st_has(st, SYSRQMON_ATTR_AUDIT))
		json_u64(&o, "audit", st->audit);
	if (st_has(st, SYSRQMON_ATTR_AUDIT_RECORDS))
		json_u64(&o, "audit_records", st->audit_records);
	if (st_has(st, SYSRQMON_ATTR_WATCH_READS))
		json_u64(&o, "watch_reads", st->watch_reads);
	if (st_has(st, SYSRQMON_ATTR_ALLOWED_MASK))
		json_s64(&o, "allowed_mask", st->allowed_mask);
	if (st_has(st, SYSRQMON_ATTR_ALLOWED_KEYS))
		json_str(&o, "allowed_keys", st->allowed_keys,
			 st->allowed_keys_len);
	if (st_has(st, SYSRQMON_ATTR_DENY_SCOPE))
		json_enum(&o, "deny_scope", smon_scope_name(st->deny_scope),
			  st->deny_scope);
	if (st_has(st, SYSRQMON_ATTR_LOCKED))
		json_bool(&o, "locked", st->locked);
	if (st_has(st, SYSRQMON_ATTR_BUFFER_SIZE))
		json_u64(&o, "buffer_size", st->buffer_size);
	if (st_has(st, SYSRQMON_ATTR_BUFFER_RESERVED))
		json_u64(&o, "buffer_reserved", st->buffer_reserved);
	if (st_has(st, SYSRQMON_ATTR_SHIPPING))
		json_bool(&o, "shipping", st->shipping);
	if (st_has(st, SYSRQMON_ATTR_VERIFY_MS))
		json_u64(&o, "verify_ms", st->verify_ms);
	if (st_has(st, SYSRQMON_ATTR_COUNTERS))
		json_counts(&o, "counters", st->counters_present,
			    smon_counter_name, st->counters,
			    SYSRQMON_COUNTER_MAX);
	if (st_has(st, SYSRQMON_ATTR_KIND_COUNTS))
		json_counts(&o, "kind_counts", st->kinds_present, kind_or_none,
			    st->kind_counts, SYSRQMON_KIND_MAX);
	if (st_has(st, SYSRQMON_ATTR_HOOKS)) {
		json_array_begin(&o, "hooks");
		for (h = 0; h < st->nr_hooks; h++) {
			const struct smon_hook *hk = &st->hooks[h];

			json_item(&o, &sub, h);
			if (smon_has(hk->present, SYSRQMON_HOOK_ATTR_NAME))
				json_str(&sub, "name", hk->name, hk->name_len);
			if (smon_has(hk->present, SYSRQMON_HOOK_ATTR_METHOD))
				json_enum(&sub, "method",
					  smon_attach_name(hk->method),
					  hk->method);
			if (smon_has(hk->present, SYSRQMON_HOOK_ATTR_ENFORCING))
				json_bool(&sub, "enforcing", hk->enforcing);
			if (smon_has(hk->present, SYSRQMON_HOOK_ATTR_MISSED))
				json_u64(&sub, "missed", hk->missed);
			json_end(&sub);
		}
		json_array_end(&o);
		if (st->hooks_truncated)
			json_bool(&o, "hooks_truncated", true);
	}
	json_end(&o);
}

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
	int i, n, dirfd;
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
	}
	return smon_print(&sb);
}

int status_main(int argc, char **argv)
{
	char moddir[PATH_MAX], err[256];
	struct smon_status *st;
	struct strbuf sb;
	bool json;
	int rc;

	if (smon_json_parse(argc, argv, &json, err, sizeof(err)))
		return smon_usage_error("%s", err);
	st = smon_cli_status(&rc);
	if (!st)
		return SMON_EXIT_ERROR;
	if (!rc) {
		sb_init(&sb);
		if (json)
			smon_status_json(&sb, st);
		else
			smon_status_text(&sb, st);
		free(st);
		return smon_print(&sb);
	}
	free(st);

	/* No answer over netlink: what sysfs says, if the module is there. */
	if (!module_loaded(moddir, sizeof(moddir))) {
		smon_not_loaded(json ? "status" : NULL);
		return SMON_EXIT_NOT_LOADED;
	}
	fprintf(stderr, PROG ": no status over netlink (%s), reading %s\n",
		rc == -ENOENT ? "family not registered" : strerror(-rc),
		moddir);
	return status_sysfs(moddir, json);
}

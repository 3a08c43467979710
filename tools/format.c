// SPDX-License-Identifier: GPL-2.0
/*
 * sysrqmonctl: events and status as text lines and JSON lines, the
 * technique and severity tables, and lost-record detection.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fleet.h"
#include "format.h"
#include "sysrqmon_names.h"

static const char * const attach_names[] = {
	[SYSRQMON_ATTACH_NONE]		= "none",
	[SYSRQMON_ATTACH_FTRACE]	= "ftrace",
	[SYSRQMON_ATTACH_KPROBE]	= "kprobe",
};

static const char * const counter_names[] = {
	[SYSRQMON_COUNTER_GENERATED]	= "generated",
	[SYSRQMON_COUNTER_SENT]		= "sent",
	[SYSRQMON_COUNTER_NO_LISTENER]	= "no_listener",
	[SYSRQMON_COUNTER_DROPPED]	= "dropped",
	[SYSRQMON_COUNTER_QUEUED]	= "queued",
	[SYSRQMON_COUNTER_SUPPRESSED]	= "suppressed",
	[SYSRQMON_COUNTER_UNDECIDED]	= "undecided",
	[SYSRQMON_COUNTER_DRIFT]	= "drift",
	[SYSRQMON_COUNTER_TAMPER]	= "tamper",
	[SYSRQMON_COUNTER_RESTORED]	= "restored",
	[SYSRQMON_COUNTER_SHIPPED]	= "shipped",
	[SYSRQMON_COUNTER_DROPPED_CRITICAL] = "dropped_critical",
};

const char *smon_kind_name(unsigned int kind)
{
	return sysrqmon_name(sysrqmon_kind_names, ARRAY_SIZE(sysrqmon_kind_names),
			     kind);
}

const char *smon_verdict_name(unsigned int verdict)
{
	return sysrqmon_name(sysrqmon_verdict_names, ARRAY_SIZE(sysrqmon_verdict_names),
			     verdict);
}

const char *smon_target_name(unsigned int target)
{
	return sysrqmon_name(sysrqmon_target_names, ARRAY_SIZE(sysrqmon_target_names),
			     target);
}

const char *smon_source_name(unsigned int source)
{
	return sysrqmon_name(sysrqmon_source_names, ARRAY_SIZE(sysrqmon_source_names),
			     source);
}

const char *smon_mode_name(unsigned int mode)
{
	return sysrqmon_name(sysrqmon_mode_names, ARRAY_SIZE(sysrqmon_mode_names),
			     mode);
}

const char *smon_scope_name(unsigned int scope)
{
	return sysrqmon_name(sysrqmon_scope_names, ARRAY_SIZE(sysrqmon_scope_names),
			     scope);
}

const char *smon_attach_name(unsigned int method)
{
	return sysrqmon_name(attach_names, ARRAY_SIZE(attach_names), method);
}

const char *smon_counter_name(unsigned int counter)
{
	return sysrqmon_name(counter_names, ARRAY_SIZE(counter_names), counter);
}

const char *smon_op_name(unsigned int op)
{
	return sysrqmon_name(sysrqmon_op_names, ARRAY_SIZE(sysrqmon_op_names),
			     op);
}

static int lookup(const char * const *table, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (table[i] && !strcmp(table[i], s))
			return (int)i;
	return -1;
}

int smon_mode_parse(const char *s)
{
	return lookup(sysrqmon_mode_names, ARRAY_SIZE(sysrqmon_mode_names), s);
}

int smon_scope_parse(const char *s)
{
	return lookup(sysrqmon_scope_names, ARRAY_SIZE(sysrqmon_scope_names), s);
}

const char *smon_key_text(uint8_t key, char buf[5])
{
	static const char digits[] = "0123456789abcdef";

	if (key >= 0x21 && key <= 0x7e) {
		buf[0] = (char)key;
		buf[1] = '\0';
	} else {
		buf[0] = '\\';
		buf[1] = 'x';
		buf[2] = digits[key >> 4];
		buf[3] = digits[key & 0xf];
		buf[4] = '\0';
	}
	return buf;
}

void smon_format_time(struct strbuf *sb, uint64_t time_ns)
{
	time_t secs = (time_t)(time_ns / 1000000000u);
	char buf[64];
	struct tm tm;

	if (!gmtime_r(&secs, &tm) ||
	    !strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm)) {
		sb_puts(sb, "-");
		return;
	}
	sb_printf(sb, "%s.%09uZ", buf, (unsigned int)(time_ns % 1000000000u));
}

void smon_text_value(struct strbuf *sb, const void *data, size_t n)
{
	const unsigned char *p = data;
	bool bare = n > 0;
	size_t i;

	for (i = 0; i < n && bare; i++)
		if (p[i] < 0x21 || p[i] > 0x7e || p[i] == '"' ||
		    p[i] == '\\' || p[i] == '=')
			bare = false;
	if (bare) {
		sb_add(sb, p, n);
		return;
	}
	sb_putc(sb, '"');
	for (i = 0; i < n; i++) {
		if (p[i] == '"' || p[i] == '\\') {
			sb_putc(sb, '\\');
			sb_putc(sb, (char)p[i]);
		} else if (p[i] < 0x20 || p[i] > 0x7e) {
			sb_printf(sb, "\\x%02x", p[i]);
		} else {
			sb_putc(sb, (char)p[i]);
		}
	}
	sb_putc(sb, '"');
}

static bool has(const struct smon_event *ev, unsigned int attr)
{
	return smon_has(ev->present, attr);
}

void smon_text_enum(struct strbuf *sb, const char *name, unsigned int v)
{
	if (name)
		sb_puts(sb, name);
	else
		sb_printf(sb, "unknown-%u", v);
}

static void text_field(struct strbuf *sb, const char *key,
		       const struct smon_str *s)
{
	sb_printf(sb, " %s=", key);
	smon_text_value(sb, s->s, s->len);
}

void smon_event_text(struct strbuf *sb, const struct smon_event *ev)
{
	char kbuf[5];
	size_t i;

	if (has(ev, SYSRQMON_ATTR_TIME_NS))
		smon_format_time(sb, ev->time_ns);
	else
		sb_putc(sb, '-');
	sb_putc(sb, ' ');
	if (has(ev, SYSRQMON_ATTR_VERDICT)) {
		const char *v = smon_verdict_name(ev->verdict);

		if (v)
			for (i = 0; v[i]; i++)
				sb_putc(sb, (char)toupper((unsigned char)v[i]));
		else
			sb_printf(sb, "UNKNOWN-%u", ev->verdict);
	} else {
		sb_putc(sb, '-');
	}
	sb_putc(sb, ' ');
	if (has(ev, SYSRQMON_ATTR_KIND))
		smon_text_enum(sb, smon_kind_name(ev->kind), ev->kind);
	else
		sb_putc(sb, '-');

	/* What happened. */
	if (has(ev, SYSRQMON_ATTR_TARGET)) {
		sb_puts(sb, " target=");
		smon_text_enum(sb, smon_target_name(ev->target), ev->target);
	}
	if (has(ev, SYSRQMON_ATTR_FLAGS))
		sb_printf(sb, " flags=0x%x", ev->flags);
	if (has(ev, SYSRQMON_ATTR_KEY))
		sb_printf(sb, " key=%s", smon_key_text(ev->key, kbuf));
	if (has(ev, SYSRQMON_ATTR_ACTION))
		text_field(sb, "action", &ev->action);
	if (has(ev, SYSRQMON_ATTR_SOURCE)) {
		sb_puts(sb, " source=");
		smon_text_enum(sb, smon_source_name(ev->source), ev->source);
	}
	if (has(ev, SYSRQMON_ATTR_OLD_MASK))
		sb_printf(sb, " old_mask=%d", ev->old_mask);
	if (has(ev, SYSRQMON_ATTR_NEW_MASK))
		sb_printf(sb, " new_mask=%d", ev->new_mask);
	if (has(ev, SYSRQMON_ATTR_MASK))
		sb_printf(sb, " mask=%d", ev->mask);
	if (has(ev, SYSRQMON_ATTR_KEYS))
		text_field(sb, "keys", &ev->keys);
	if (has(ev, SYSRQMON_ATTR_OP)) {
		sb_puts(sb, " op=");
		smon_text_enum(sb, smon_op_name(ev->op), ev->op);
	}
	if (has(ev, SYSRQMON_ATTR_MODULE))
		text_field(sb, "module", &ev->module);
	if (has(ev, SYSRQMON_ATTR_HANDLER))
		text_field(sb, "handler", &ev->handler);
	if (has(ev, SYSRQMON_ATTR_HELP))
		text_field(sb, "help", &ev->help);
	if (has(ev, SYSRQMON_ATTR_WHAT))
		text_field(sb, "what", &ev->what);
	if (has(ev, SYSRQMON_ATTR_NAME))
		text_field(sb, "name", &ev->name);
	if (has(ev, SYSRQMON_ATTR_VALUE))
		text_field(sb, "value", &ev->value);
	if (has(ev, SYSRQMON_ATTR_SETTING))
		text_field(sb, "setting", &ev->setting);
	if (has(ev, SYSRQMON_ATTR_OLD))
		text_field(sb, "old", &ev->old);
	if (has(ev, SYSRQMON_ATTR_NEW))
		text_field(sb, "new", &ev->new);

	/* Who. */
	if (has(ev, SYSRQMON_ATTR_COMM))
		text_field(sb, "comm", &ev->comm);
	if (has(ev, SYSRQMON_ATTR_PID))
		sb_printf(sb, " pid=%u", ev->pid);
	if (has(ev, SYSRQMON_ATTR_UID))
		sb_printf(sb, " uid=%u", ev->uid);

	/* Where. */
	if (has(ev, SYSRQMON_ATTR_PATH))
		text_field(sb, "path", &ev->path);
	if (has(ev, SYSRQMON_ATTR_CONTAINED))
		sb_printf(sb, " container=%s", ev->contained ? "yes" : "no");

	if (has(ev, SYSRQMON_ATTR_TRUNCATED) && ev->truncated)
		sb_puts(sb, " truncated=1");
	sb_printf(sb, " severity=%s technique=%s", smon_severity(ev),
		  smon_technique(ev));
	if (has(ev, SYSRQMON_ATTR_SEQ))
		sb_printf(sb, " seq=%llu", (unsigned long long)ev->seq);
}

static struct smon_field *fl_add(struct smon_fields *fl, const char *key,
				 enum smon_field_type type)
{
	struct smon_field *f;

	/* SMON_MAX_FIELDS is above the number of members a record has. */
	if (fl->n >= SMON_MAX_FIELDS)
		return NULL;
	f = &fl->f[fl->n++];
	memset(f, 0, sizeof(*f));
	f->key = key;
	f->type = type;
	return f;
}

static void fl_str(struct smon_fields *fl, const char *key, const void *s,
		   size_t len)
{
	struct smon_field *f = fl_add(fl, key, SMON_FT_STR);

	if (f) {
		f->s = s;
		f->len = len;
	}
}

static void fl_cstr(struct smon_fields *fl, const char *key, const char *s)
{
	fl_str(fl, key, s, strlen(s));
}

static void fl_u64(struct smon_fields *fl, const char *key, uint64_t v)
{
	struct smon_field *f = fl_add(fl, key, SMON_FT_U64);

	if (f)
		f->u = v;
}

static void fl_s64(struct smon_fields *fl, const char *key, int64_t v)
{
	struct smon_field *f = fl_add(fl, key, SMON_FT_S64);

	if (f)
		f->i = v;
}

static void fl_bool(struct smon_fields *fl, const char *key, bool v)
{
	struct smon_field *f = fl_add(fl, key, SMON_FT_BOOL);

	if (f)
		f->b = v;
}

static void fl_null(struct smon_fields *fl, const char *key)
{
	fl_add(fl, key, SMON_FT_NULL);
}

/* The host name every record carries; gethostname() unless set. */
static char host_name[256];
static bool host_known;

void smon_set_host(const char *name)
{
	snprintf(host_name, sizeof(host_name), "%s", name);
	host_known = true;
}

const char *smon_host(void)
{
	if (!host_known) {
		if (gethostname(host_name, sizeof(host_name) - 1))
			host_name[0] = '\0';
		host_name[sizeof(host_name) - 1] = '\0';
		host_known = true;
	}
	return host_name;
}

/* "0x" and 16 lowercase hex digits: instance in every text sink. */
void smon_instance_text(char buf[19], uint64_t instance)
{
	snprintf(buf, 19, "0x%016llx", (unsigned long long)instance);
}

/* A scratch string of @fl, or NULL when all are taken. */
static char *fl_scratch(struct smon_fields *fl)
{
	if (fl->nr_scratch >= SMON_FIELD_SCRATCH)
		return NULL;
	return fl->scratch[fl->nr_scratch++];
}

static void fl_enum(struct smon_fields *fl, const char *key, const char *name,
		    unsigned int v)
{
	char *buf;

	if (!name) {
		buf = fl_scratch(fl);
		if (!buf)
			return;
		snprintf(buf, sizeof(fl->scratch[0]), "unknown-%u", v);
		name = buf;
	}
	fl_cstr(fl, key, name);
}

static void fl_ev_str(struct smon_fields *fl, const struct smon_event *ev,
		      unsigned int attr, const char *key,
		      const struct smon_str *s)
{
	if (has(ev, attr))
		fl_str(fl, key, s->s, s->len);
}

static void fl_ev_num(struct smon_fields *fl, const struct smon_event *ev,
		      unsigned int attr, const char *key, int64_t v)
{
	if (has(ev, attr))
		fl_s64(fl, key, v);
}

static void fl_time(struct smon_fields *fl, const char *key, uint64_t ns)
{
	char *buf = fl_scratch(fl);
	struct strbuf sb;

	if (!buf)
		return;
	sb_init(&sb);
	smon_format_time(&sb, ns);
	snprintf(buf, sizeof(fl->scratch[0]), "%s", sb_str(&sb));
	sb_free(&sb);
	fl_cstr(fl, key, buf);
}

void smon_event_fields(const struct smon_event *ev, struct smon_fields *fl)
{
	char *buf;

	memset(fl, 0, sizeof(*fl));
	fl_cstr(fl, "type", "event");
	fl_cstr(fl, "host", smon_host());
	if (has(ev, SYSRQMON_ATTR_SEQ))
		fl_u64(fl, "seq", ev->seq);
	if (has(ev, SYSRQMON_ATTR_INSTANCE)) {
		buf = fl_scratch(fl);
		if (buf) {
			smon_instance_text(buf, ev->instance);
			fl_cstr(fl, "instance", buf);
		}
	}
	if (has(ev, SYSRQMON_ATTR_TIME_NS))
		fl_time(fl, "time", ev->time_ns);
	if (has(ev, SYSRQMON_ATTR_KIND))
		fl_enum(fl, "event", smon_kind_name(ev->kind), ev->kind);
	if (has(ev, SYSRQMON_ATTR_VERDICT))
		fl_enum(fl, "verdict", smon_verdict_name(ev->verdict),
			ev->verdict);
	if (has(ev, SYSRQMON_ATTR_TARGET))
		fl_enum(fl, "target", smon_target_name(ev->target),
			ev->target);
	fl_ev_str(fl, ev, SYSRQMON_ATTR_PATH, "path", &ev->path);
	if (has(ev, SYSRQMON_ATTR_FLAGS)) {
		buf = fl_scratch(fl);
		if (buf) {
			snprintf(buf, sizeof(fl->scratch[0]), "0x%x",
				 ev->flags);
			fl_cstr(fl, "flags", buf);
		}
	}
	if (has(ev, SYSRQMON_ATTR_KEY))
		fl_str(fl, "key", &ev->key, 1);
	fl_ev_str(fl, ev, SYSRQMON_ATTR_ACTION, "action", &ev->action);
	if (has(ev, SYSRQMON_ATTR_SOURCE))
		fl_enum(fl, "source", smon_source_name(ev->source),
			ev->source);
	fl_ev_num(fl, ev, SYSRQMON_ATTR_OLD_MASK, "old_mask", ev->old_mask);
	fl_ev_num(fl, ev, SYSRQMON_ATTR_NEW_MASK, "new_mask", ev->new_mask);
	fl_ev_num(fl, ev, SYSRQMON_ATTR_MASK, "mask", ev->mask);
	fl_ev_str(fl, ev, SYSRQMON_ATTR_KEYS, "keys", &ev->keys);
	if (has(ev, SYSRQMON_ATTR_OP))
		fl_enum(fl, "op", smon_op_name(ev->op), ev->op);
	fl_ev_str(fl, ev, SYSRQMON_ATTR_MODULE, "module", &ev->module);
	fl_ev_str(fl, ev, SYSRQMON_ATTR_HANDLER, "handler", &ev->handler);
	fl_ev_str(fl, ev, SYSRQMON_ATTR_HELP, "help", &ev->help);
	fl_ev_str(fl, ev, SYSRQMON_ATTR_WHAT, "what", &ev->what);
	fl_ev_str(fl, ev, SYSRQMON_ATTR_NAME, "name", &ev->name);
	fl_ev_str(fl, ev, SYSRQMON_ATTR_VALUE, "value", &ev->value);
	fl_ev_str(fl, ev, SYSRQMON_ATTR_SETTING, "setting", &ev->setting);
	fl_ev_str(fl, ev, SYSRQMON_ATTR_OLD, "old", &ev->old);
	fl_ev_str(fl, ev, SYSRQMON_ATTR_NEW, "new", &ev->new);
	fl_ev_num(fl, ev, SYSRQMON_ATTR_PID, "pid", ev->pid);
	fl_ev_num(fl, ev, SYSRQMON_ATTR_TID, "tid", ev->tid);
	fl_ev_num(fl, ev, SYSRQMON_ATTR_PPID, "ppid", ev->ppid);
	fl_ev_num(fl, ev, SYSRQMON_ATTR_UID, "uid", ev->uid);
	fl_ev_num(fl, ev, SYSRQMON_ATTR_EUID, "euid", ev->euid);
	fl_ev_num(fl, ev, SYSRQMON_ATTR_GID, "gid", ev->gid);
	fl_ev_str(fl, ev, SYSRQMON_ATTR_COMM, "comm", &ev->comm);
	fl_ev_str(fl, ev, SYSRQMON_ATTR_EXE, "exe", &ev->exe);
	if (has(ev, SYSRQMON_ATTR_CGROUP_ID))
		fl_u64(fl, "cgroup_id", ev->cgroup_id);
	fl_ev_num(fl, ev, SYSRQMON_ATTR_PIDNS, "pidns", ev->pidns);
	fl_ev_num(fl, ev, SYSRQMON_ATTR_MNTNS, "mntns", ev->mntns);
	if (has(ev, SYSRQMON_ATTR_CONTAINED))
		fl_bool(fl, "container", ev->contained);
	fl_cstr(fl, "technique", smon_technique(ev));
	fl_cstr(fl, "severity", smon_severity(ev));
	if (has(ev, SYSRQMON_ATTR_TRUNCATED))
		fl_bool(fl, "truncated", ev->truncated);
}

void smon_fields_json(struct strbuf *sb, const struct smon_fields *fl)
{
	const struct smon_field *f;
	struct json_obj o;
	size_t i;

	json_begin(&o, sb);
	for (i = 0; i < fl->n; i++) {
		f = &fl->f[i];
		switch (f->type) {
		case SMON_FT_STR:
			json_str(&o, f->key, f->s, f->len);
			break;
		case SMON_FT_U64:
			json_u64(&o, f->key, f->u);
			break;
		case SMON_FT_S64:
			json_s64(&o, f->key, f->i);
			break;
		case SMON_FT_BOOL:
			json_bool(&o, f->key, f->b);
			break;
		case SMON_FT_NULL:
			json_null(&o, f->key);
			break;
		}
	}
	json_end(&o);
}

void smon_record_fields(const struct smon_event *ev,
			const struct smon_lost *lost, struct smon_fields *fl)
{
	if (ev)
		smon_event_fields(ev, fl);
	else
		smon_lost_fields(lost, fl);
}

void smon_record_text(struct strbuf *sb, const struct smon_event *ev,
		      const struct smon_lost *lost)
{
	if (ev)
		smon_event_text(sb, ev);
	else
		smon_lost_text(sb, lost);
}

void smon_record_json(struct strbuf *sb, const struct smon_event *ev,
		      const struct smon_lost *lost)
{
	struct smon_fields *fl = malloc(sizeof(*fl));

	if (!fl) {
		sb->oom = true;
		return;
	}
	smon_record_fields(ev, lost, fl);
	smon_fields_json(sb, fl);
	free(fl);
}

void smon_event_json(struct strbuf *sb, const struct smon_event *ev)
{
	smon_record_json(sb, ev, NULL);
}

static const char *lost_reason(const struct smon_lost *lost)
{
	return lost->reason == SMON_LOST_GAP ? "gap" : "overrun";
}

void smon_lost_text(struct strbuf *sb, const struct smon_lost *lost)
{
	sb_puts(sb, "LOST from_seq=");
	if (lost->from_known)
		sb_printf(sb, "%llu", (unsigned long long)lost->from_seq);
	else
		sb_putc(sb, '?');
	sb_puts(sb, " to_seq=");
	if (lost->to_known)
		sb_printf(sb, "%llu", (unsigned long long)lost->to_seq);
	else
		sb_putc(sb, '?');
	sb_printf(sb, " reason=%s", lost_reason(lost));
}

void smon_lost_fields(const struct smon_lost *lost, struct smon_fields *fl)
{
	memset(fl, 0, sizeof(*fl));
	fl_cstr(fl, "type", "lost");
	fl_cstr(fl, "host", smon_host());
	if (lost->from_known)
		fl_u64(fl, "from_seq", lost->from_seq);
	else
		fl_null(fl, "from_seq");
	if (lost->to_known)
		fl_u64(fl, "to_seq", lost->to_seq);
	else
		fl_null(fl, "to_seq");
	fl_cstr(fl, "reason", lost_reason(lost));
}

void smon_lost_json(struct strbuf *sb, const struct smon_lost *lost)
{
	smon_record_json(sb, NULL, lost);
}

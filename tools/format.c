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
#include "sysrqmon_fields.h"

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

/*
 * Where each field of sysrqmon_fields[] lives in struct smon_event, 0 for
 * none; its size follows from its type (field_size()).
 */
#define AT(field, member) \
	[SYSRQMON_F_##field] = offsetof(struct smon_event, member)

static const size_t where[SYSRQMON_F_COUNT] = {
	AT(SEQ, seq), AT(INSTANCE, instance), AT(TIME, time_ns),
	AT(KIND, kind), AT(VERDICT, verdict), AT(TARGET, target),
	AT(PATH, path), AT(FLAGS, flags), AT(KEY, key), AT(ACTION, action),
	AT(SOURCE, source), AT(OLD_MASK, old_mask), AT(NEW_MASK, new_mask),
	AT(MASK, mask), AT(KEYS, keys), AT(OP, op), AT(MODULE, module),
	AT(HANDLER, handler), AT(HELP, help), AT(WHAT, what), AT(NAME, name),
	AT(VALUE, value), AT(SETTING, setting), AT(OLD, old), AT(NEW, new),
	AT(PID, pid), AT(TID, tid), AT(PPID, ppid), AT(UID, uid),
	AT(EUID, euid), AT(GID, gid), AT(COMM, comm), AT(EXE, exe),
	AT(CGROUP_ID, cgroup_id), AT(PIDNS, pidns), AT(MNTNS, mntns),
	AT(CONTAINED, contained), AT(TRUNCATED, truncated),
};

static size_t field_size(unsigned int field)
{
	switch (sysrqmon_fields[field].type) {
	case SYSRQMON_FT_U64:
		return sizeof(uint64_t);
	case SYSRQMON_FT_U32:
	case SYSRQMON_FT_S32:
	case SYSRQMON_FT_HEX32:
		return sizeof(uint32_t);
	case SYSRQMON_FT_STRING:
		return sizeof(struct smon_str);
	default:
		return sizeof(uint8_t);
	}
}

bool smon_field_present(const struct smon_event *ev, unsigned int field)
{
	unsigned int attr = sysrqmon_fields[field].attr;

	/* offset 0 is @present: no field lives there */
	return attr && where[field] && has(ev, attr);
}

uint64_t smon_field_number(const struct smon_event *ev, unsigned int field)
{
	const char *p = (const char *)ev + where[field];
	uint32_t v32;
	uint64_t v64;

	switch (field_size(field)) {
	case 1:
		return *(const uint8_t *)p;
	case 4:
		memcpy(&v32, p, sizeof(v32));
		/* s32 fields come back sign-extended */
		if (sysrqmon_fields[field].type == SYSRQMON_FT_S32)
			return (uint64_t)(int64_t)(int32_t)v32;
		return v32;
	default:
		memcpy(&v64, p, sizeof(v64));
		return v64;
	}
}

const struct smon_str *smon_field_str(const struct smon_event *ev,
				      unsigned int field)
{
	return (const struct smon_str *)((const char *)ev +
					 where[field]);
}

void smon_field_set_number(struct smon_event *ev, unsigned int field,
			   uint64_t v)
{
	char *p = (char *)ev + where[field];
	uint32_t v32 = (uint32_t)v;
	uint8_t v8 = (uint8_t)v;

	switch (field_size(field)) {
	case 1:
		memcpy(p, &v8, 1);
		break;
	case 4:
		memcpy(p, &v32, 4);
		break;
	case 8:
		memcpy(p, &v, 8);
		break;
	}
}

void smon_field_set_str(struct smon_event *ev, unsigned int field,
			const char *str, size_t len)
{
	struct smon_str *p = (struct smon_str *)((char *)ev +
						  where[field]);

	p->s = str;
	p->len = len;
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

/* The fields a text line shows after its head, in its order. */
static const unsigned char text_fields[] = {
	SYSRQMON_F_TARGET, SYSRQMON_F_FLAGS, SYSRQMON_F_KEY, SYSRQMON_F_ACTION,
	SYSRQMON_F_SOURCE, SYSRQMON_F_OLD_MASK, SYSRQMON_F_NEW_MASK,
	SYSRQMON_F_MASK, SYSRQMON_F_KEYS, SYSRQMON_F_OP, SYSRQMON_F_MODULE,
	SYSRQMON_F_HANDLER, SYSRQMON_F_HELP, SYSRQMON_F_WHAT, SYSRQMON_F_NAME,
	SYSRQMON_F_VALUE, SYSRQMON_F_SETTING, SYSRQMON_F_OLD, SYSRQMON_F_NEW,
	SYSRQMON_F_COMM, SYSRQMON_F_PID, SYSRQMON_F_UID, SYSRQMON_F_PATH,
	SYSRQMON_F_CONTAINED,
};

static const char *field_enum_name(unsigned int field, uint64_t v)
{
	const struct sysrqmon_field_desc *f = &sysrqmon_fields[field];

	return sysrqmon_name(f->names, f->nr_names, v);
}

/* One field as " name=value", in the audit line's conventions. */
static void text_one(struct strbuf *sb, const struct smon_event *ev,
		     unsigned int field)
{
	const struct sysrqmon_field_desc *f = &sysrqmon_fields[field];
	uint64_t v;
	char kbuf[5];

	if (!smon_field_present(ev, field))
		return;
	if (f->type == SYSRQMON_FT_STRING) {
		text_field(sb, f->name, smon_field_str(ev, field));
		return;
	}
	v = smon_field_number(ev, field);
	sb_printf(sb, " %s=", f->name);
	switch (f->type) {
	case SYSRQMON_FT_ENUM:
		smon_text_enum(sb, field_enum_name(field, v), (unsigned int)v);
		break;
	case SYSRQMON_FT_HEX32:
		sb_printf(sb, "0x%x", (unsigned int)v);
		break;
	case SYSRQMON_FT_KEY:
		sb_puts(sb, smon_key_text((uint8_t)v, kbuf));
		break;
	case SYSRQMON_FT_S32:
		sb_printf(sb, "%d", (int)(int64_t)v);
		break;
	case SYSRQMON_FT_BOOL:
		sb_puts(sb, v ? "yes" : "no");
		break;
	default:
		sb_printf(sb, "%llu", (unsigned long long)v);
		break;
	}
}

void smon_event_text(struct strbuf *sb, const struct smon_event *ev)
{
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

	/* What happened, who, where: the table's fields in text order. */
	for (i = 0; i < ARRAY_SIZE(text_fields); i++)
		text_one(sb, ev, text_fields[i]);

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

/* One field as a JSON member: numbers as numbers, flags a hex string. */
static void json_one(struct smon_fields *fl, const struct smon_event *ev,
		     unsigned int field)
{
	const struct sysrqmon_field_desc *f = &sysrqmon_fields[field];
	const struct smon_str *str;
	char *buf;
	uint64_t v;

	if (!smon_field_present(ev, field))
		return;
	if (f->type == SYSRQMON_FT_STRING) {
		str = smon_field_str(ev, field);
		fl_str(fl, f->name, str->s, str->len);
		return;
	}
	v = smon_field_number(ev, field);
	switch (field) {
	case SYSRQMON_F_INSTANCE:
		buf = fl_scratch(fl);
		if (buf) {
			smon_instance_text(buf, v);
			fl_cstr(fl, f->name, buf);
		}
		return;
	case SYSRQMON_F_TIME:
		fl_time(fl, f->name, v);
		return;
	}
	switch (f->type) {
	case SYSRQMON_FT_ENUM:
		fl_enum(fl, f->name, field_enum_name(field, v), (unsigned int)v);
		break;
	case SYSRQMON_FT_HEX32:
		buf = fl_scratch(fl);
		if (buf) {
			snprintf(buf, sizeof(fl->scratch[0]), "0x%x",
				 (unsigned int)v);
			fl_cstr(fl, f->name, buf);
		}
		break;
	case SYSRQMON_FT_KEY:
		fl_str(fl, f->name, &ev->key, 1);
		break;
	case SYSRQMON_FT_U64:
		fl_u64(fl, f->name, v);
		break;
	case SYSRQMON_FT_BOOL:
		fl_bool(fl, f->name, v);
		break;
	default:
		fl_s64(fl, f->name, (int64_t)v);
		break;
	}
}

void smon_event_fields(const struct smon_event *ev, struct smon_fields *fl)
{
	unsigned int i;

	memset(fl, 0, sizeof(*fl));
	fl_cstr(fl, "type", "event");
	fl_cstr(fl, "host", smon_host());
	for (i = 0; i < SYSRQMON_F_COUNT; i++)
		if (i != SYSRQMON_F_TRUNCATED)
			json_one(fl, ev, i);
	fl_cstr(fl, "technique", smon_technique(ev));
	fl_cstr(fl, "severity", smon_severity(ev));
	json_one(fl, ev, SYSRQMON_F_TRUNCATED);
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

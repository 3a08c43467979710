// SPDX-License-Identifier: GPL-2.0
/*
 * The audit line: one key=value line per event in the kernel log.
 *
 * Values that could break a parser (blanks, quotes, '=', control bytes,
 * newlines in a comm or path) are quoted and escaped, so one event is always
 * exactly one line whatever a process names itself.
 *
 * The fields of an event, their order and where a long value is cut are
 * defined once, in sysrqmon_event_fields(); the audit record (audit_record.c)
 * is written from the same walk.
 */
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/ratelimit.h>
#include <linux/seq_buf.h>

#include "sysrqmon.h"
#include <uapi/sysrqmon_fields.h>

#define VALUE_MAX_LEN	256

/* Allowed events of the ordinary kinds may be held back, never silently. */
static DEFINE_RATELIMIT_STATE(audit_ratelimit, 5 * HZ, 200);
static atomic64_t suppressed_pending;

static bool byte_is_bare(unsigned char c)
{
	return c >= 0x21 && c <= 0x7e && c != '"' && c != '\\' && c != '=';
}

/*
 * Encode @src for the audit line into @dst, or only measure it when @dst is
 * NULL; *@kept receives how many bytes of @src the output holds, so that
 * other renderings of the value can keep the same bytes.
 */
static size_t encode_value(char *dst, size_t size, const char *src,
			   size_t *kept, bool *truncated)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t limit = min_t(size_t, size - 1, VALUE_MAX_LEN);
	size_t n = 0, i, elen;
	bool bare = *s != '\0';

	for (i = 0; s[i]; i++)
		if (!byte_is_bare(s[i]))
			bare = false;

	if (bare) {
		n = min(i, limit);
		if (n < i)
			*truncated = true;
		if (dst) {
			memcpy(dst, src, n);
			dst[n] = '\0';
		}
		*kept = n;
		return n;
	}

	if (dst)
		dst[n] = '"';
	n++;
	for (i = 0; s[i]; i++) {
		if (s[i] == '"' || s[i] == '\\')
			elen = 2;
		else if (s[i] < 0x20 || s[i] > 0x7e)
			elen = 4;
		else
			elen = 1;
		/* Room must stay for this escape and the closing quote. */
		if (n + elen + 1 > limit) {
			*truncated = true;
			break;
		}
		if (dst && elen == 2) {
			dst[n] = '\\';
			dst[n + 1] = s[i];
		} else if (dst && elen == 4) {
			dst[n] = '\\';
			dst[n + 1] = 'x';
			hex_byte_pack(dst + n + 2, s[i]);
		} else if (dst) {
			dst[n] = s[i];
		}
		n += elen;
	}
	if (dst) {
		dst[n] = '"';
		dst[n + 1] = '\0';
	}
	n++;
	*kept = i;
	return n;
}

/**
 * sysrqmon_audit_encode() - encode one value of an audit line
 * @dst: output buffer
 * @size: size of @dst, at least 4
 * @src: the raw value, NUL-terminated
 * @truncated: set to true if the encoded value had to be cut
 *
 * A value made only of printable bytes other than '"', '\' and '=' is
 * written bare; any other value (the empty one included) is double-quoted
 * with '\"', '\\' and '\xHH' for every byte outside 0x20-0x7e. The output
 * is cut on a whole escape so that it fits @size and %VALUE_MAX_LEN.
 *
 * Return: the length written, without the terminating NUL.
 */
size_t sysrqmon_audit_encode(char *dst, size_t size, const char *src,
			     bool *truncated)
{
	size_t kept;

	return encode_value(dst, size, src, &kept, truncated);
}
EXPORT_SYMBOL_IF_KUNIT(sysrqmon_audit_encode);

/*
 * One walk over an event's fields, for one output: the audit line, written
 * straight into @line (it is built in a hook, under a tight stack budget),
 * or @sink, which gets each field (the audit record, in the worker).
 */
struct field_walk {
	struct seq_buf *line;
	const struct sysrqmon_field_sink *sink;
	void *ctx;
	unsigned int out;	/* SYSRQMON_OUT_LINE or SYSRQMON_OUT_RECORD */
	bool truncated;
};

/* "name=" on the line, a space before every field but the first. */
static void line_name(struct seq_buf *s, const char *name)
{
	seq_buf_printf(s, "%s%s=", seq_buf_used(s) ? " " : "", name);
}

/* A number or a name from a fixed vocabulary, for a sink. */
static noinline void sink_number(struct field_walk *w, const char *name,
				 const char *fmt, u64 value)
{
	char text[24];

	snprintf(text, sizeof(text), fmt, value);
	w->sink->token(w->ctx, name, text);
}

static void put_name_token(struct field_walk *w, const char *name,
			   const char *value)
{
	if (w->line)
		sysrqmon_field_token(w->line, name, value);
	else
		w->sink->token(w->ctx, name, value);
}

/*
 * A string that may hold any byte. One that the line carries is cut once
 * here, where its line encoding reaches %VALUE_MAX_LEN, for every output:
 * the line's encoding goes straight into the line; a sink gets the raw
 * bytes the encoding holds. A string only the record carries (exe) is
 * whole.
 */
static void put_string(struct field_walk *w, const char *name,
		       const char *raw, bool on_line)
{
	size_t kept, room;
	char *p;

	if (!w->line) {
		if (on_line)
			encode_value(NULL, VALUE_MAX_LEN + 1, raw, &kept,
				     &w->truncated);
		else
			kept = strlen(raw);
		w->sink->string(w->ctx, name, raw, kept);
		return;
	}
	line_name(w->line, name);
	room = seq_buf_get_buf(w->line, &p);
	if (room < 4) {
		seq_buf_commit(w->line, -1);
		return;
	}
	seq_buf_commit(w->line, encode_value(p, room, raw, &kept,
					     &w->truncated));
}

/* Apart from put_field(), whose frame is on the path to the encoder. */
static noinline void put_number(struct field_walk *w, const char *name,
				unsigned int type, u64 v)
{
	const char *fmt = type == SYSRQMON_FT_HEX32 ? "0x%llx" :
			  type == SYSRQMON_FT_S32 ? "%lld" : "%llu";

	if (w->line) {
		line_name(w->line, name);
		seq_buf_printf(w->line, fmt, v);
	} else {
		sink_number(w, name, fmt, v);
	}
}

/* An enum's name, or the audit line's "-" (the kind's "none"). */
static const char *enum_name(const struct sysrqmon_field_desc *f,
			     unsigned int field, u64 value)
{
	return sysrqmon_name(f->names, f->nr_names, value) ?:
	       (field == SYSRQMON_F_KIND ? "none" : "-");
}

static void put_field(struct field_walk *w, const struct sysrqmon_event *ev,
		      unsigned int field, unsigned int kind_flags)
{
	const struct sysrqmon_field_desc *f = &sysrqmon_fields[field];
	const char *name = f->name;
	char key[2];
	u64 v;

	if (!sysrqmon_field_present(ev, field, kind_flags, w->out))
		return;
	if (w->out == SYSRQMON_OUT_RECORD && f->record)
		name = f->record;
	if (f->type == SYSRQMON_FT_STRING) {
		put_string(w, name, sysrqmon_field_string(ev, field),
			   f->flags & SYSRQMON_OUT_LINE);
		return;
	}
	v = sysrqmon_field_number(ev, field);
	switch (f->type) {
	case SYSRQMON_FT_KEY:
		key[0] = (char)v;
		key[1] = '\0';
		put_string(w, name, key, true);
		return;
	case SYSRQMON_FT_ENUM:
		put_name_token(w, name, enum_name(f, field, v));
		return;
	default:
		break;
	}
	put_number(w, name, f->type, v);
}

/*
 * The fields sysrqmon_fields[] gives @w's output, in line order: the head
 * every event has, the kind's own, truncated=1 (also when a value was cut
 * here), and seq last, so that a reader tells this instance's lines from
 * look-alikes that another kernel message made up (see the threat model).
 */
static void walk_fields(struct field_walk *w, const struct sysrqmon_event *ev)
{
	const unsigned char *kf = ev->kind <= SYSRQMON_KIND_MAX ?
				  sysrqmon_kind_fields[ev->kind] : NULL;
	size_t i;

	w->truncated = ev->truncated;
	for (i = 0; i < ARRAY_SIZE(sysrqmon_line_head); i++)
		put_field(w, ev, sysrqmon_line_head[i], 0);
	for (i = 0; kf && i < SYSRQMON_KIND_FIELDS && kf[i]; i++)
		put_field(w, ev, kf[i] & SYSRQMON_KF_FIELD,
			  kf[i] & ~SYSRQMON_KF_FIELD);
	if (w->truncated)
		put_name_token(w, "truncated", "1");
	put_field(w, ev, SYSRQMON_F_SEQ, 0);
}

/**
 * sysrqmon_event_fields() - walk an event's fields in audit line order
 * @ev: the event
 * @sink: receives each field
 * @ctx: passed to @sink
 *
 * The one definition of which fields an event has, in which order, and
 * where a long value is cut: the audit line and the audit record are both
 * written from it. A string is cut where its audit line encoding reaches
 * %VALUE_MAX_LEN bytes; @sink gets the raw bytes that encoding holds. A
 * cut adds the field truncated=1, as does an event whose strings were
 * already cut when it was recorded; seq=N always comes last.
 *
 * Context: any but NMI.
 */
void sysrqmon_event_fields(const struct sysrqmon_event *ev,
			   const struct sysrqmon_field_sink *sink, void *ctx)
{
	struct field_walk w = {
		.sink = sink,
		.ctx = ctx,
		.out = SYSRQMON_OUT_RECORD,
	};

	walk_fields(&w, ev);
}
EXPORT_SYMBOL_IF_KUNIT(sysrqmon_event_fields);

/**
 * sysrqmon_field_token() - append name=value to a line of fields
 * @ctx: the line, a &struct seq_buf
 * @name: the field's name
 * @value: its value, written as it is
 *
 * A space comes before every field but the first. What does not fit is
 * cut, and the buffer stays NUL-terminated (vsnprintf()).
 */
void sysrqmon_field_token(void *ctx, const char *name, const char *value)
{
	struct seq_buf *s = ctx;

	seq_buf_printf(s, "%s%s=%s", seq_buf_used(s) ? " " : "", name, value);
}

/* Cut by the last field, the text holds size - 1 bytes. */
static size_t fields_end(struct seq_buf *s, char *buf, size_t size)
{
	size_t len = min_t(size_t, seq_buf_used(s), size - 1);

	buf[len] = '\0';
	return len;
}

/**
 * sysrqmon_fields_format() - write an event's fields into a buffer
 * @ev: the event
 * @sink: writes each field; its context is @s
 * @s: set up here over @buf (a sink may find its own state around it)
 * @buf: receives the fields, NUL-terminated
 * @size: size of @buf, at least 1
 *
 * Return: the length written.
 */
size_t sysrqmon_fields_format(const struct sysrqmon_event *ev,
			      const struct sysrqmon_field_sink *sink,
			      struct seq_buf *s, char *buf, size_t size)
{
	seq_buf_init(s, buf, size);
	buf[0] = '\0';
	sysrqmon_event_fields(ev, sink, s);
	return fields_end(s, buf, size);
}

/* Written in place, with no buffer of its own: it runs in hooks. */
static __always_inline size_t audit_line(const struct sysrqmon_event *ev,
					 char *buf, size_t size)
{
	struct seq_buf s;
	struct field_walk w = { .line = &s, .out = SYSRQMON_OUT_LINE };

	seq_buf_init(&s, buf, size);
	buf[0] = '\0';
	walk_fields(&w, ev);
	return fields_end(&s, buf, size);
}

/**
 * sysrqmon_audit_line() - format an event's audit line, without the prefix
 * @ev: the event
 * @buf: receives the line, NUL-terminated
 * @size: size of @buf, %SYSRQMON_LINE_MAX holds any event
 *
 * Return: the length written.
 */
size_t sysrqmon_audit_line(const struct sysrqmon_event *ev, char *buf,
			   size_t size)
{
	return audit_line(ev, buf, size);
}
EXPORT_SYMBOL_IF_KUNIT(sysrqmon_audit_line);

/**
 * sysrqmon_audit_log() - write an event's audit line to the kernel log
 * @ev: the event
 * @line: where to build the line (the event's per-CPU slot)
 * @size: size of @line, %SYSRQMON_LINE_MAX
 *
 * Callable in any context but NMI. Events the policy always reports are
 * printed at once; others obey audit= (through the policy) and the rate
 * limit, and what the limit holds back is counted and reported as an
 * event=suppressed line once lines flow again.
 */
void sysrqmon_audit_log(const struct sysrqmon_event *ev, char *line,
			size_t size)
{
	s64 held;

	if (!ev->line)
		return;
	if (!ev->always) {
		if (!__ratelimit(&audit_ratelimit)) {
			sysrqmon_stats_inc(SYSRQMON_STAT_SUPPRESSED);
			atomic64_inc(&suppressed_pending);
			return;
		}
	}
	held = atomic64_xchg(&suppressed_pending, 0);
	if (held)
		pr_notice("sysrqmon: event=suppressed count=%lld\n", held);

	/* Inlined: one frame less above the hooked function. */
	audit_line(ev, line, size);
	pr_notice("sysrqmon: %s\n", line);
}

/**
 * sysrqmon_audit_init() - set up the audit line rate limit
 */
void sysrqmon_audit_init(void)
{
	/* We report what the limit held back ourselves, as an event. */
	ratelimit_set_flags(&audit_ratelimit, RATELIMIT_MSG_ON_RELEASE);
}

/**
 * sysrqmon_kind_name() - the audit name of an event kind
 * @kind: the kind
 *
 * Return: the name, "none" for an unknown kind.
 */
const char *sysrqmon_kind_name(int kind)
{
	/* a negative kind converts to a value past the table */
	return sysrqmon_name(sysrqmon_kind_names,
			     ARRAY_SIZE(sysrqmon_kind_names), kind) ?: "none";
}

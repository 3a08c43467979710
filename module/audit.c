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
#include <uapi/sysrqmon_names.h>

#define VALUE_MAX_LEN	256

/* Allowed events of the ordinary kinds may be held back, never silently. */
static DEFINE_RATELIMIT_STATE(audit_ratelimit, 5 * HZ, 200);
static atomic64_t suppressed_pending;

static const char *verdict_name(unsigned int verdict)
{
	return sysrqmon_name(sysrqmon_verdict_names,
			     ARRAY_SIZE(sysrqmon_verdict_names), verdict) ?:
	       "allowed";
}

static const char *target_name(unsigned int target)
{
	return sysrqmon_name(sysrqmon_target_names,
			     ARRAY_SIZE(sysrqmon_target_names), target) ?: "-";
}

static const char *source_name(unsigned int source)
{
	return sysrqmon_name(sysrqmon_source_names,
			     ARRAY_SIZE(sysrqmon_source_names), source) ?: "-";
}

static bool byte_is_bare(unsigned char c)
{
	return c >= 0x21 && c <= 0x7e && c != '"' && c != '\\' && c != '=';
}

/*
 * Encode @src for the audit line; *@kept receives how many bytes of @src
 * the output holds, so that other renderings of the value can keep the
 * same bytes.
 */
static size_t encode_value(char *dst, size_t size, const char *src,
			   size_t *kept, bool *truncated)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t limit = min_t(size_t, size - 1, VALUE_MAX_LEN);
	size_t n = 0, i;
	bool bare = *s != '\0';
	char esc[5];
	size_t elen;

	for (i = 0; s[i]; i++)
		if (!byte_is_bare(s[i]))
			bare = false;

	if (bare) {
		n = strscpy(dst, src, limit + 1);
		if ((ssize_t)n < 0) {
			n = limit;
			*truncated = true;
		}
		*kept = n;
		return n;
	}

	dst[n++] = '"';
	for (i = 0; s[i]; i++) {
		if (s[i] == '"' || s[i] == '\\') {
			esc[0] = '\\';
			esc[1] = s[i];
			elen = 2;
		} else if (s[i] < 0x20 || s[i] > 0x7e) {
			elen = snprintf(esc, sizeof(esc), "\\x%02x", s[i]);
		} else {
			esc[0] = s[i];
			elen = 1;
		}
		/* Room must stay for this escape and the closing quote. */
		if (n + elen + 1 > limit) {
			*truncated = true;
			break;
		}
		memcpy(dst + n, esc, elen);
		n += elen;
	}
	dst[n++] = '"';
	dst[n] = '\0';
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

/* One walk over an event's fields, for one output. */
struct field_walk {
	const struct sysrqmon_field_sink *sink;
	void *ctx;
	bool truncated;
};

/* A number or a name from a fixed vocabulary: never encoded. */
static __printf(3, 4) void put_token(struct field_walk *w, const char *name,
				     const char *fmt, ...)
{
	char value[24];
	va_list args;

	va_start(args, fmt);
	vscnprintf(value, sizeof(value), fmt, args);
	va_end(args);
	w->sink->token(w->ctx, name, value);
}

/* A string that may hold any byte: cut once here, for every output. */
static void put_string(struct field_walk *w, const char *name,
		       const char *raw)
{
	char enc[VALUE_MAX_LEN + 1];
	size_t kept;

	encode_value(enc, sizeof(enc), raw, &kept, &w->truncated);
	w->sink->string(w->ctx, name, enc, raw, kept);
}

static void put_key(struct field_walk *w, int key)
{
	char raw[2] = { (char)key, '\0' };

	put_string(w, "key", raw);
}

static void put_masks(struct field_walk *w, const struct sysrqmon_event *ev)
{
	put_token(w, "old_mask", "%d", ev->old_mask);
	put_token(w, "new_mask", "%d", ev->new_mask);
}

static void put_kind_fields(struct field_walk *w,
			    const struct sysrqmon_event *ev)
{
	switch (ev->kind) {
	case SYSRQMON_KIND_OPEN:
		put_token(w, "target", "%s", target_name(ev->target));
		put_string(w, "path", ev->path);
		put_token(w, "flags", "0x%x", ev->flags);
		break;
	case SYSRQMON_KIND_SYSCTL:
		put_masks(w, ev);
		break;
	case SYSRQMON_KIND_TRIGGER:
	case SYSRQMON_KIND_CONSOLE:
	case SYSRQMON_KIND_KERNEL:
		if (ev->key != SYSRQMON_KEY_NONE)
			put_key(w, ev->key);
		put_string(w, "action", ev->action);
		if (ev->kind == SYSRQMON_KIND_CONSOLE)
			put_token(w, "source", "%s", source_name(ev->source));
		if (ev->kind == SYSRQMON_KIND_KERNEL)
			put_string(w, "module", ev->module);
		break;
	case SYSRQMON_KIND_BASELINE:
		put_token(w, "mask", "%d", ev->new_mask);
		put_string(w, "keys", ev->keys);
		break;
	case SYSRQMON_KIND_TOGGLE:
		put_masks(w, ev);
		put_string(w, "module", ev->module);
		break;
	case SYSRQMON_KIND_KEYTABLE:
		put_token(w, "op", "%s", ev->op == SYSRQMON_OP_REGISTER ?
			  "register" : "unregister");
		put_key(w, ev->key);
		put_string(w, "module", ev->module);
		put_string(w, "handler", ev->handler);
		put_string(w, "help", ev->action);
		break;
	case SYSRQMON_KIND_PARAM:
		put_string(w, "name", ev->setting);
		put_string(w, "value", ev->new_value);
		break;
	case SYSRQMON_KIND_DRIFT:
		put_string(w, "what", ev->what);
		if (ev->key != SYSRQMON_KEY_NONE)
			put_key(w, ev->key);
		else
			put_masks(w, ev);
		put_token(w, "source", "%s", source_name(ev->source));
		break;
	case SYSRQMON_KIND_TAMPER:
		put_string(w, "what", ev->what);
		break;
	case SYSRQMON_KIND_CONFIG:
		put_string(w, "setting", ev->setting);
		put_string(w, "old", ev->old_value);
		put_string(w, "new", ev->new_value);
		break;
	default:
		break;
	}
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
 * %VALUE_MAX_LEN bytes; @sink gets that encoding and the raw bytes it
 * holds. A cut adds the field truncated=1, as does an event whose strings
 * were already cut when it was recorded; seq=N always comes last.
 *
 * Context: any but NMI.
 */
void sysrqmon_event_fields(const struct sysrqmon_event *ev,
			   const struct sysrqmon_field_sink *sink, void *ctx)
{
	struct field_walk w = {
		.sink = sink,
		.ctx = ctx,
		.truncated = ev->truncated,
	};

	put_token(&w, "event", "%s", sysrqmon_kind_name(ev->kind));
	put_token(&w, "verdict", "%s", verdict_name(ev->verdict));
	put_token(&w, "pid", "%d", ev->pid);
	put_token(&w, "tid", "%d", ev->tid);
	put_token(&w, "uid", "%u", ev->uid);
	put_token(&w, "euid", "%u", ev->euid);
	put_string(&w, "comm", ev->has_task ? ev->comm : "-");
	put_kind_fields(&w, ev);
	if (w.truncated)
		put_token(&w, "truncated", "1");
	/*
	 * Last, so that a reader tells this instance's lines from look-alikes
	 * that another kernel message made up (see the threat model).
	 */
	put_token(&w, "seq", "%llu", ev->seq);
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
	/* Cut by the last field, the text holds size - 1 bytes. */
	return min_t(size_t, seq_buf_used(s), size - 1);
}

static void line_string(void *ctx, const char *name, const char *enc,
			const char *raw, size_t len)
{
	sysrqmon_field_token(ctx, name, enc);
}

static const struct sysrqmon_field_sink line_sink = {
	.token = sysrqmon_field_token,
	.string = line_string,
};

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
	struct seq_buf s;

	return sysrqmon_fields_format(ev, &line_sink, &s, buf, size);
}
EXPORT_SYMBOL_IF_KUNIT(sysrqmon_audit_line);

/**
 * sysrqmon_audit_log() - write an event's audit line to the kernel log
 * @ev: the event
 *
 * Callable in any context but NMI. Events the policy always reports are
 * printed at once; others obey audit= (through the policy) and the rate
 * limit, and what the limit holds back is counted and reported as an
 * event=suppressed line once lines flow again.
 */
void sysrqmon_audit_log(const struct sysrqmon_event *ev)
{
	char line[SYSRQMON_LINE_MAX];
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

	sysrqmon_audit_line(ev, line, sizeof(line));
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

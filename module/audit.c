// SPDX-License-Identifier: GPL-2.0
/*
 * The audit line: one key=value line per event in the kernel log.
 *
 * Values that could break a parser (blanks, quotes, '=', control bytes,
 * newlines in a comm or path) are quoted and escaped, so one event is always
 * exactly one line whatever a process names itself.
 */
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/ratelimit.h>

#include "sysrqmon.h"

#define LINE_MAX_LEN	900
#define VALUE_MAX_LEN	256

/* Allowed events of the ordinary kinds may be held back, never silently. */
static DEFINE_RATELIMIT_STATE(audit_ratelimit, 5 * HZ, 200);
static atomic64_t suppressed_total;
static atomic64_t suppressed_pending;

static const char * const kind_names[] = {
	[SYSRQMON_KIND_NONE] = "none",
	[SYSRQMON_KIND_OPEN] = "open",
	[SYSRQMON_KIND_SYSCTL] = "sysctl",
	[SYSRQMON_KIND_TRIGGER] = "trigger",
	[SYSRQMON_KIND_CONSOLE] = "console",
	[SYSRQMON_KIND_CONFIG] = "config",
	[SYSRQMON_KIND_BASELINE] = "baseline",
	[SYSRQMON_KIND_TOGGLE] = "toggle",
	[SYSRQMON_KIND_KEYTABLE] = "keytable",
	[SYSRQMON_KIND_KERNEL] = "kernel",
	[SYSRQMON_KIND_PARAM] = "param",
	[SYSRQMON_KIND_DRIFT] = "drift",
	[SYSRQMON_KIND_TAMPER] = "tamper",
};

static const char * const target_names[] = {
	[SYSRQMON_TARGET_NONE] = "-",
	[SYSRQMON_TARGET_SYSRQ] = "sysrq",
	[SYSRQMON_TARGET_TRIGGER] = "sysrq-trigger",
};

static const char * const source_names[] = {
	[SYSRQMON_SOURCE_NONE] = "-",
	[SYSRQMON_SOURCE_KEYBOARD] = "keyboard",
	[SYSRQMON_SOURCE_SERIAL] = "serial",
	[SYSRQMON_SOURCE_RESET] = "reset",
	[SYSRQMON_SOURCE_VERIFY] = "verify",
};

static bool byte_is_bare(unsigned char c)
{
	return c >= 0x21 && c <= 0x7e && c != '"' && c != '\\' && c != '=';
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
	return n;
}
EXPORT_SYMBOL_FOR_SYSRQMON_TESTS(sysrqmon_audit_encode);

struct audit_line {
	char buf[LINE_MAX_LEN];
	size_t len;
	bool truncated;
};

static __printf(2, 3) void line_add(struct audit_line *line,
				    const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	line->len += vscnprintf(line->buf + line->len,
				sizeof(line->buf) - line->len, fmt, args);
	va_end(args);
}

static void line_add_value(struct audit_line *line, const char *name,
			   const char *value)
{
	char enc[VALUE_MAX_LEN + 1];

	sysrqmon_audit_encode(enc, sizeof(enc), value, &line->truncated);
	line_add(line, " %s=%s", name, enc);
}

static void line_add_key(struct audit_line *line, int key)
{
	char raw[2] = { (char)key, '\0' };

	line_add_value(line, "key", raw);
}

static void format_kind_fields(struct audit_line *line,
			       const struct sysrqmon_event *ev)
{
	switch (ev->kind) {
	case SYSRQMON_KIND_OPEN:
		line_add(line, " target=%s", target_names[ev->target]);
		line_add_value(line, "path", ev->path);
		line_add(line, " flags=0x%x", ev->flags);
		break;
	case SYSRQMON_KIND_SYSCTL:
		line_add(line, " old_mask=%d new_mask=%d",
			 ev->old_mask, ev->new_mask);
		break;
	case SYSRQMON_KIND_TRIGGER:
	case SYSRQMON_KIND_CONSOLE:
	case SYSRQMON_KIND_KERNEL:
		if (ev->key != SYSRQMON_KEY_NONE)
			line_add_key(line, ev->key);
		line_add_value(line, "action", ev->action);
		if (ev->kind == SYSRQMON_KIND_CONSOLE)
			line_add(line, " source=%s", source_names[ev->source]);
		if (ev->kind == SYSRQMON_KIND_KERNEL)
			line_add_value(line, "module", ev->module);
		break;
	case SYSRQMON_KIND_BASELINE:
		line_add(line, " mask=%d", ev->new_mask);
		line_add_value(line, "keys", ev->keys);
		break;
	case SYSRQMON_KIND_TOGGLE:
		line_add(line, " old_mask=%d new_mask=%d",
			 ev->old_mask, ev->new_mask);
		line_add_value(line, "module", ev->module);
		break;
	case SYSRQMON_KIND_KEYTABLE:
		line_add(line, " op=%s", ev->op == SYSRQMON_OP_REGISTER ?
			 "register" : "unregister");
		line_add_key(line, ev->key);
		line_add_value(line, "module", ev->module);
		line_add_value(line, "handler", ev->handler);
		line_add_value(line, "help", ev->action);
		break;
	case SYSRQMON_KIND_PARAM:
		line_add_value(line, "name", ev->setting);
		line_add_value(line, "value", ev->new_value);
		break;
	case SYSRQMON_KIND_DRIFT:
		line_add_value(line, "what", ev->what);
		if (ev->key != SYSRQMON_KEY_NONE)
			line_add_key(line, ev->key);
		else
			line_add(line, " old_mask=%d new_mask=%d",
				 ev->old_mask, ev->new_mask);
		line_add(line, " source=%s", source_names[ev->source]);
		break;
	case SYSRQMON_KIND_TAMPER:
		line_add_value(line, "what", ev->what);
		break;
	case SYSRQMON_KIND_CONFIG:
		line_add_value(line, "setting", ev->setting);
		line_add_value(line, "old", ev->old_value);
		line_add_value(line, "new", ev->new_value);
		break;
	default:
		break;
	}
}

/* Events an operator must always see, whatever the rate or audit=0. */
static bool event_is_mandatory(const struct sysrqmon_event *ev)
{
	switch (ev->kind) {
	case SYSRQMON_KIND_CONFIG:
	case SYSRQMON_KIND_TAMPER:
	case SYSRQMON_KIND_DRIFT:
	case SYSRQMON_KIND_KEYTABLE:
		return true;
	case SYSRQMON_KIND_TRIGGER:
	case SYSRQMON_KIND_CONSOLE:
	case SYSRQMON_KIND_KERNEL:
		if (sysrqmon_action_is_destructive(ev->action))
			return true;
		break;
	case SYSRQMON_KIND_BASELINE:
	case SYSRQMON_KIND_TOGGLE:
		return true;
	default:
		break;
	}
	return ev->verdict == SYSRQMON_VERDICT_DENIED;
}

/**
 * sysrqmon_audit_log() - write an event's audit line to the kernel log
 * @ev: the event
 *
 * Callable in any context but NMI. Mandatory events are printed at once;
 * others obey audit= and the rate limit, and what the limit holds back is
 * counted and reported as an event=suppressed line once lines flow again.
 */
void sysrqmon_audit_log(const struct sysrqmon_event *ev)
{
	struct audit_line line = { .len = 0 };
	char comm[TASK_COMM_LEN * 4 + 3];
	s64 held;

	if (!event_is_mandatory(ev)) {
		if (!READ_ONCE(sysrqmon_cfg.audit))
			return;
		if (!__ratelimit(&audit_ratelimit)) {
			atomic64_inc(&suppressed_total);
			atomic64_inc(&suppressed_pending);
			return;
		}
	}
	held = atomic64_xchg(&suppressed_pending, 0);
	if (held)
		pr_notice("sysrqmon: event=suppressed count=%lld\n", held);

	line.truncated = ev->truncated;
	sysrqmon_audit_encode(comm, sizeof(comm),
			      ev->has_task ? ev->comm : "-", &line.truncated);
	line_add(&line, "event=%s verdict=%s pid=%d tid=%d uid=%u euid=%u comm=%s",
		 kind_names[ev->kind],
		 ev->verdict == SYSRQMON_VERDICT_DENIED ? "denied" : "allowed",
		 ev->pid, ev->tid, ev->uid, ev->euid, comm);
	format_kind_fields(&line, ev);
	if (line.truncated)
		line_add(&line, " truncated=1");
	pr_notice("sysrqmon: %s\n", line.buf);
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
 * sysrqmon_audit_suppressed() - lines the rate limit held back so far
 *
 * Return: the count since load.
 */
u64 sysrqmon_audit_suppressed(void)
{
	return atomic64_read(&suppressed_total);
}

/**
 * sysrqmon_kind_name() - the audit name of an event kind
 * @kind: the kind
 *
 * Return: the name, "none" for an unknown kind.
 */
const char *sysrqmon_kind_name(int kind)
{
	if (kind < 0 || kind >= ARRAY_SIZE(kind_names))
		return "none";
	return kind_names[kind];
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The audit record: each event also goes to the Linux audit subsystem, as
 * one record of type AUDIT_KERNEL_OTHER (1316, "for use by 3rd party
 * modules") with the audit line's fields in audit's own vocabulary
 * (op, oflag, res, auid, ses, exe, key="sysrqmon": record_names[]), so that
 * auditd writes it to audit.log, ausearch -m KERNEL_OTHER finds it and
 * ausearch -i and the normaliser read each field with its audit meaning.
 *
 * auditd's parser splits a record on blanks and knows no quoting, so string
 * values follow the kernel's own convention for untrusted strings
 * (audit_log_untrustedstring(), which is not exported): "value" when every
 * byte is 0x21-0x7e and none is '"', else the bytes in upper-case hex,
 * unquoted. Numbers and names from a fixed vocabulary are written as on the
 * line. A string holds the same bytes as on the line, cut at the same place.
 *
 * Records are not held back by the line's rate limit: the audit subsystem
 * has its own (rate_limit, backlog_limit) and counts what it loses.
 */
#include <linux/audit.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "sysrqmon.h"

static bool audit_on(void)
{
#ifdef CONFIG_AUDIT
	return READ_ONCE(audit_enabled) != AUDIT_OFF;
#else
	return false;
#endif
}

static bool byte_needs_hex(unsigned char c)
{
	return c == '"' || c < 0x21 || c > 0x7e;
}

/**
 * sysrqmon_record_encode() - encode a string value for an audit record
 * @dst: output buffer
 * @size: size of @dst
 * @raw: the value's bytes
 * @len: how many of them
 *
 * The kernel's convention for untrusted strings: "value" when no byte is
 * '"' or outside 0x21-0x7e (the empty value is ""), else every byte as two
 * upper-case hex digits, unquoted. A value that does not fit @size is
 * written as the empty value.
 *
 * Return: the length written, without the terminating NUL.
 */
size_t sysrqmon_record_encode(char *dst, size_t size, const char *raw,
			      size_t len)
{
	const unsigned char *s = (const unsigned char *)raw;
	bool hex = false;
	char *p = dst;
	size_t i;

	for (i = 0; i < len; i++)
		if (byte_needs_hex(s[i]))
			hex = true;

	if (hex && 2 * len < size) {
		for (i = 0; i < len; i++)
			p = hex_byte_pack_upper(p, s[i]);
	} else if (!hex && len + 2 < size) {
		*p++ = '"';
		memcpy(p, raw, len);
		p += len;
		*p++ = '"';
	} else if (size >= 3) {
		*p++ = '"';
		*p++ = '"';
	}
	*p = '\0';
	return p - dst;
}
EXPORT_SYMBOL_FOR_SYSRQMON_TESTS(sysrqmon_record_encode);

/*
 * Where a field of the line has a meaning in audit's own vocabulary
 * (auparse's field table: ausearch -i, the normaliser, SIEM parsers), the
 * record says it audit's way; a name audit reads otherwise is renamed.
 * docs/contract.md has the whole mapping.
 */
static const struct {
	const char *line;
	const char *record;
} record_names[] = {
	{ "event", "op" },		/* audit's operation name */
	{ "flags", "oflag" },		/* open flags; audit's flags= is mmap's */
	{ "key", "sysrq_key" },		/* audit's key= is the rule key */
	{ "action", "sysrq_action" },	/* audit's action= is netfilter's */
	{ "name", "param" },		/* audit's name= is a file's path */
	{ "op", "keytable_op" },	/* op= now holds the event kind */
};

/* The audit rule key every record carries, for ausearch -k and SIEMs. */
#define RECORD_KEY	"sysrqmon"

struct record_text {
	const struct sysrqmon_event *ev;
	char *buf;
	size_t size;
	size_t len;
};

static const char *record_name(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(record_names); i++)
		if (!strcmp(name, record_names[i].line))
			return record_names[i].record;
	return name;
}

static __printf(3, 4) void record_put(struct record_text *rec,
				      const char *name, const char *fmt, ...)
{
	va_list args;

	rec->len += scnprintf(rec->buf + rec->len, rec->size - rec->len,
			      "%s%s=", rec->len ? " " : "", name);
	va_start(args, fmt);
	rec->len += vscnprintf(rec->buf + rec->len, rec->size - rec->len,
			       fmt, args);
	va_end(args);
}

static void record_put_string(struct record_text *rec, const char *name,
			      const char *raw, size_t len)
{
	record_put(rec, name, "%s", "");
	rec->len += sysrqmon_record_encode(rec->buf + rec->len,
					   rec->size - rec->len, raw, len);
}

/*
 * verdict becomes res (1 allowed, 0 denied), after seq; audit's subject
 * fields follow the line's: auid and ses after euid, exe after comm; every
 * record ends with key="sysrqmon".
 */
static void record_token(void *ctx, const char *name, const char *value)
{
	struct record_text *rec = ctx;
	const struct sysrqmon_event *ev = rec->ev;

	if (!strcmp(name, "verdict"))
		return;
	record_put(rec, record_name(name), "%s", value);
	if (!strcmp(name, "euid")) {
		record_put(rec, "auid", "%u", ev->auid);
		record_put(rec, "ses", "%u", ev->ses);
	} else if (!strcmp(name, "seq")) {
		record_put(rec, "res", "%d",
			   ev->verdict != SYSRQMON_VERDICT_DENIED);
		record_put(rec, "key", "\"%s\"", RECORD_KEY);
	}
}

static void record_string(void *ctx, const char *name, const char *enc,
			  const char *raw, size_t len)
{
	struct record_text *rec = ctx;
	const struct sysrqmon_event *ev = rec->ev;

	record_put_string(rec, record_name(name), raw, len);
	if (!strcmp(name, "comm") && ev->has_task && ev->exe[0])
		record_put_string(rec, "exe", ev->exe,
				  strnlen(ev->exe, sizeof(ev->exe)));
}

static const struct sysrqmon_field_sink record_sink = {
	.token = record_token,
	.string = record_string,
};

/**
 * sysrqmon_audit_record_format() - the fields of an event's audit record
 * @ev: the event
 * @buf: receives them, NUL-terminated
 * @size: size of @buf, at least 4; %SYSRQMON_RECORD_MAX holds any event
 *
 * The audit line's fields in its order, named and completed as audit
 * names them (record_names[], record_token()), with strings in the audit
 * subsystem's encoding (sysrqmon_record_encode()). The longest record is
 * an open event's, about 1300 bytes: the head with a hex comm and auid,
 * ses, then a 255-byte executable and a 255-byte path, both in hex.
 *
 * Return: the length written.
 */
size_t sysrqmon_audit_record_format(const struct sysrqmon_event *ev,
				    char *buf, size_t size)
{
	struct record_text rec = {
		.ev = ev, .buf = buf, .size = size, .len = 0,
	};

	buf[0] = '\0';
	sysrqmon_event_fields(ev, &record_sink, &rec);
	return rec.len;
}
EXPORT_SYMBOL_FOR_SYSRQMON_TESTS(sysrqmon_audit_record_format);

/**
 * sysrqmon_audit_record() - send an event to the audit subsystem
 * @ev: the event
 *
 * Only while the audit subsystem is enabled (audit=1 on the command line,
 * or auditctl -e 1), and for allowed events of the ordinary kinds only with
 * audit_records=1: the events the audit line always prints are always
 * sent. No audit context: the record stands alone (its own timestamp and
 * serial) instead of joining the record of the syscall current happens to
 * be in, which in interrupt context is not the actor's.
 *
 * Context: process, the queue's worker: the allocation is illegal where
 * hooks run under PREEMPT_RT. Never waits for audit's backlog, which would
 * hold the listeners' events behind a stuck auditd: when it is full the
 * record is lost and audit counts it (the lost counter of auditctl -s).
 */
void sysrqmon_audit_record(const struct sysrqmon_event *ev)
{
	struct audit_buffer *ab;
	char *body;

	if (!audit_on())
		return;
	if (!READ_ONCE(sysrqmon_cfg.audit_records) &&
	    !sysrqmon_event_mandatory(ev))
		return;

	/* Too big for the worker's stack; a failure loses it like audit's. */
	body = kmalloc(SYSRQMON_RECORD_MAX, GFP_NOWAIT | __GFP_NOWARN);
	if (!body)
		return;
	ab = audit_log_start(NULL, GFP_NOWAIT | __GFP_NOWARN,
			     AUDIT_KERNEL_OTHER);
	if (ab) {
		sysrqmon_audit_record_format(ev, body, SYSRQMON_RECORD_MAX);
		audit_log_format(ab, "%s", body);
		audit_log_end(ab);
	}
	kfree(body);
}

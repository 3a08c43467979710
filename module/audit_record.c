// SPDX-License-Identifier: GPL-2.0
/*
 * The audit record: each event also goes to the Linux audit subsystem, as
 * one record of type AUDIT_KERNEL_OTHER (1316, "for use by 3rd party
 * modules") with the audit line's fields in audit's own vocabulary
 * (op, oflag, res, auid, ses, exe, key="sysrqmon": the record names of
 * sysrqmon_fields[], include/uapi/sysrqmon_fields.h), so that
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
#include <linux/seq_buf.h>
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
EXPORT_SYMBOL_IF_KUNIT(sysrqmon_record_encode);

/* The audit rule key every record carries, for ausearch -k and SIEMs. */
#define RECORD_KEY	"\"sysrqmon\""

/* A record being written: the line's fields, renamed, and audit's own. */
struct record_text {
	struct seq_buf s;	/* first: the sink's context is &s */
	const struct sysrqmon_event *ev;
};

static void record_number(struct seq_buf *s, const char *name, u32 value)
{
	char text[12];

	snprintf(text, sizeof(text), "%u", value);
	sysrqmon_field_token(s, name, text);
}

/* name= and the value in the record's encoding, in place. */
static void record_encoded(struct seq_buf *s, const char *name,
			   const char *raw, size_t len)
{
	size_t room;
	char *p;

	sysrqmon_field_token(s, name, "");
	room = seq_buf_get_buf(s, &p);
	seq_buf_commit(s, room ? sysrqmon_record_encode(p, room, raw, len) : -1);
}

/*
 * The table's fields come in audit's vocabulary (sysrqmon_fields[]: the
 * record's names, audit's subject fields auid, ses and exe); the verdict
 * is res (1 allowed, 0 denied), after seq, and every record ends with
 * key="sysrqmon".
 */
static void record_token(void *ctx, const char *name, const char *value)
{
	struct record_text *rec = container_of(ctx, struct record_text, s);
	const struct sysrqmon_event *ev = rec->ev;

	sysrqmon_field_token(&rec->s, name, value);
	if (!strcmp(name, "seq")) {
		record_number(&rec->s, "res",
			      ev->verdict != SYSRQMON_VERDICT_DENIED);
		sysrqmon_field_token(&rec->s, "key", RECORD_KEY);
	}
}

static void record_string(void *ctx, const char *name, const char *raw,
			  size_t len)
{
	struct record_text *rec = container_of(ctx, struct record_text, s);

	record_encoded(&rec->s, name, raw, len);
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
 * The audit line's fields, in the same order, named in audit's vocabulary
 * (sysrqmon_fields[]) with audit's subject fields added, and strings in the
 * audit subsystem's encoding (sysrqmon_record_encode()).
 *
 * Return: the length written.
 */
size_t sysrqmon_audit_record_format(const struct sysrqmon_event *ev,
				    char *buf, size_t size)
{
	struct record_text rec = { .ev = ev };

	return sysrqmon_fields_format(ev, &record_sink, &rec.s, buf, size);
}
EXPORT_SYMBOL_IF_KUNIT(sysrqmon_audit_record_format);

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

	if (!ev->record || !audit_on())
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

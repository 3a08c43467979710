// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: audit-line value encoding of hostile strings (audit.c), and the
 * audit record written from the same fields (audit_record.c).
 */
#include <kunit/test.h>

#include "sysrqmon.h"

struct encode_case {
	const char *raw;
	const char *encoded;
};

static const struct encode_case encode_cases[] = {
	{ "sh", "sh" },
	{ "iou-wrk-42", "iou-wrk-42" },
	{ "/proc/sysrq-trigger", "/proc/sysrq-trigger" },
	{ "", "\"\"" },
	{ "a b", "\"a b\"" },
	{ "a\"b", "\"a\\\"b\"" },
	{ "x\\y", "\"x\\\\y\"" },
	{ "pid=1", "\"pid=1\"" },
	{ "evil\n", "\"evil\\x0a\"" },
	{ "\t\x1b[1m", "\"\\x09\\x1b[1m\"" },
	{ "\x7f\xff\xc3\xa9", "\"\\x7f\\xff\\xc3\\xa9\"" },
	{ "a\"b c\\d pid=1\n", "\"a\\\"b c\\\\d pid=1\\x0a\"" },
};

/* The encoded form is printable by design: it names the case. */
static void encode_case_desc(const struct encode_case *c, char *desc)
{
	strscpy(desc, c->encoded, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(encode, encode_cases, encode_case_desc);

static void encode_test(struct kunit *test)
{
	const struct encode_case *c = test->param_value;
	char out[300];
	bool cut = false;

	sysrqmon_audit_encode(out, sizeof(out), c->raw, &cut);
	KUNIT_EXPECT_STREQ(test, out, c->encoded);
	KUNIT_EXPECT_FALSE(test, cut);
}

static void encode_limit_test(struct kunit *test)
{
	char raw[400], out[400];
	size_t len;
	bool cut = false;

	memset(raw, 'a', sizeof(raw) - 1);
	raw[sizeof(raw) - 1] = '\0';
	len = sysrqmon_audit_encode(out, sizeof(out), raw, &cut);
	KUNIT_EXPECT_EQ(test, len, (size_t)256);
	KUNIT_EXPECT_EQ(test, strlen(out), len);
	KUNIT_EXPECT_TRUE(test, cut);

	/* Escapes are never cut in half, and the quote is always closed. */
	memset(raw, '\n', sizeof(raw) - 1);
	cut = false;
	len = sysrqmon_audit_encode(out, sizeof(out), raw, &cut);
	KUNIT_EXPECT_TRUE(test, cut);
	KUNIT_EXPECT_LE(test, len, (size_t)256);
	KUNIT_EXPECT_EQ(test, out[0], '"');
	KUNIT_EXPECT_EQ(test, out[len - 1], '"');
	KUNIT_EXPECT_EQ(test, (len - 2) % 4, (size_t)0);
	KUNIT_EXPECT_STREQ(test, out + len - 5, "\\x0a\"");

	/* A small buffer bounds the output too. */
	cut = false;
	len = sysrqmon_audit_encode(out, 8, "a b c d e f", &cut);
	KUNIT_EXPECT_TRUE(test, cut);
	KUNIT_EXPECT_STREQ(test, out, "\"a b c\"");
}

static const struct encode_case record_cases[] = {
	{ "sh", "\"sh\"" },
	{ "/proc/sysrq-trigger", "\"/proc/sysrq-trigger\"" },
	{ "", "\"\"" },
	{ "-", "\"-\"" },
	/* '=' and '\' do not split an audit field; blanks and '"' do. */
	{ "pid=1", "\"pid=1\"" },
	{ "x\\y", "\"x\\y\"" },
	{ "a b", "612062" },
	{ "a\"b", "612262" },
	{ "evil\n", "6576696C0A" },
	{ "\x7f\xff\xc3\xa9", "7FFFC3A9" },
	{ "a\"b c\\d pid=1\n", "61226220635C64207069643D310A" },
};

KUNIT_ARRAY_PARAM(record, record_cases, encode_case_desc);

static void record_encode_test(struct kunit *test)
{
	const struct encode_case *c = test->param_value;
	char out[300];

	sysrqmon_record_encode(out, sizeof(out), c->raw, strlen(c->raw));
	KUNIT_EXPECT_STREQ(test, out, c->encoded);
}

static void record_encode_len_test(struct kunit *test)
{
	char out[300];

	/* Only the first len bytes are the value. */
	sysrqmon_record_encode(out, sizeof(out), "abc def", 3);
	KUNIT_EXPECT_STREQ(test, out, "\"abc\"");
	sysrqmon_record_encode(out, sizeof(out), "a bc", 2);
	KUNIT_EXPECT_STREQ(test, out, "6120");
	/* What does not fit is the empty value, never a fragment. */
	KUNIT_EXPECT_EQ(test, sysrqmon_record_encode(out, 6, "a b", 3),
			(size_t)2);
	KUNIT_EXPECT_STREQ(test, out, "\"\"");
	KUNIT_EXPECT_EQ(test, sysrqmon_record_encode(out, 7, "a b", 3),
			(size_t)6);
	KUNIT_EXPECT_STREQ(test, out, "612062");
}

static void fill_trigger(struct sysrqmon_event *ev, const char *comm)
{
	memset(ev, 0, sizeof(*ev));
	ev->kind = SYSRQMON_KIND_TRIGGER;
	ev->has_task = true;
	ev->pid = 412;
	ev->tid = 413;
	ev->uid = 1000;
	strscpy(ev->comm, comm, sizeof(ev->comm));
	ev->act.key = 'h';
	strscpy(ev->act.action, "help", sizeof(ev->act.action));
	ev->seq = 17;
}

/* The line and the record carry the same fields, each in its encoding. */
static void fields_test(struct kunit *test)
{
	struct sysrqmon_event *ev;
	char *buf;

	ev = kunit_kzalloc(test, sizeof(*ev), GFP_KERNEL);
	buf = kunit_kzalloc(test, SYSRQMON_RECORD_MAX, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ev);
	KUNIT_ASSERT_NOT_NULL(test, buf);

	fill_trigger(ev, "a\"b c\\d pid=1\n");
	sysrqmon_audit_line(ev, buf, SYSRQMON_LINE_MAX);
	KUNIT_EXPECT_STREQ(test, buf,
			   "event=trigger verdict=allowed pid=412 tid=413 uid=1000 euid=0 comm=\"a\\\"b c\\\\d pid=1\\x0a\" key=h action=help seq=17");
	ev->auid = 1000;
	ev->ses = 3;
	ev->exe = "/usr/bin/a b";
	sysrqmon_audit_record_format(ev, buf, SYSRQMON_RECORD_MAX);
	KUNIT_EXPECT_STREQ(test, buf,
			   "op=trigger pid=412 tid=413 uid=1000 euid=0 auid=1000 ses=3 comm=61226220635C64207069643D310A exe=2F7573722F62696E2F612062 sysrq_key=\"h\" sysrq_action=\"help\" seq=17 res=1 key=\"sysrqmon\"");

	/* No task: comm is "-" on both. A blank key is hex in the record. */
	fill_trigger(ev, "");
	ev->has_task = false;
	ev->pid = 0;
	ev->tid = 0;
	ev->uid = 0;
	ev->act.key = ' ';
	ev->kind = SYSRQMON_KIND_CONSOLE;
	ev->act.source = SYSRQMON_SOURCE_KEYBOARD;
	sysrqmon_audit_line(ev, buf, SYSRQMON_LINE_MAX);
	KUNIT_EXPECT_STREQ(test, buf,
			   "event=console verdict=allowed pid=0 tid=0 uid=0 euid=0 comm=- key=\" \" action=help source=keyboard seq=17");
	ev->auid = (u32)-1;
	ev->ses = (u32)-1;
	ev->verdict = SYSRQMON_VERDICT_DENIED;
	sysrqmon_audit_record_format(ev, buf, SYSRQMON_RECORD_MAX);
	KUNIT_EXPECT_STREQ(test, buf,
			   "op=console pid=0 tid=0 uid=0 euid=0 auid=4294967295 ses=4294967295 comm=\"-\" sysrq_key=20 sysrq_action=\"help\" source=keyboard seq=17 res=0 key=\"sysrqmon\"");
}

/*
 * @got must be @head, @escape 63 times (63 escapes of 4 bytes and the
 * quotes fit 256 bytes, 64 do not), then @tail. @want is scratch space.
 */
static void expect_cut(struct kunit *test, char *want, const char *got,
		       const char *head, const char *escape, const char *tail)
{
	int i;

	strscpy(want, head, 1024);
	for (i = 0; i < 63; i++)
		strcat(want, escape);
	strcat(want, tail);
	KUNIT_EXPECT_STREQ(test, got, want);
}

/* A value cut on the line is cut at the same byte in the record. */
static void fields_cut_test(struct kunit *test)
{
	struct sysrqmon_event *ev;
	char *buf, *want;

	ev = kunit_kzalloc(test, sizeof(*ev), GFP_KERNEL);
	buf = kunit_kzalloc(test, 1024, GFP_KERNEL);
	want = kunit_kzalloc(test, 1024, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ev);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, want);

	ev->kind = SYSRQMON_KIND_OPEN;
	ev->has_task = true;
	strscpy(ev->comm, "sh", sizeof(ev->comm));
	ev->target = SYSRQMON_TARGET_TRIGGER;
	ev->open.flags = 0x8241;
	memset(ev->open.path, '\n', sizeof(ev->open.path) - 1);

	sysrqmon_audit_line(ev, buf, SYSRQMON_LINE_MAX);
	expect_cut(test, want, buf,
		   "event=open verdict=allowed pid=0 tid=0 uid=0 euid=0 comm=sh target=sysrq-trigger path=\"",
		   "\\x0a", "\" flags=0x8241 truncated=1 seq=0");
	sysrqmon_audit_record_format(ev, buf, 1024);
	expect_cut(test, want, buf,
		   "op=open pid=0 tid=0 uid=0 euid=0 auid=0 ses=0 comm=\"sh\" target=sysrq-trigger path=",
		   "0A", " oflag=0x8241 truncated=1 seq=0 res=1 key=\"sysrqmon\"");
}

static struct kunit_case audit_test_cases[] = {
	KUNIT_CASE_PARAM(encode_test, encode_gen_params),
	KUNIT_CASE(encode_limit_test),
	KUNIT_CASE_PARAM(record_encode_test, record_gen_params),
	KUNIT_CASE(record_encode_len_test),
	KUNIT_CASE(fields_test),
	KUNIT_CASE(fields_cut_test),
	{}
};

static struct kunit_suite audit_test_suite = {
	.name = "sysrqmon_audit",
	.test_cases = audit_test_cases,
};

kunit_test_suite(audit_test_suite);

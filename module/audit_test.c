// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: audit-line value encoding of hostile strings (audit.c).
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

static void encode_test(struct kunit *test)
{
	char out[300];
	bool cut;
	int i;

	for (i = 0; i < ARRAY_SIZE(encode_cases); i++) {
		cut = false;
		sysrqmon_audit_encode(out, sizeof(out), encode_cases[i].raw, &cut);
		KUNIT_EXPECT_STREQ(test, out, encode_cases[i].encoded);
		KUNIT_EXPECT_FALSE(test, cut);
	}
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

static struct kunit_case audit_test_cases[] = {
	KUNIT_CASE(encode_test),
	KUNIT_CASE(encode_limit_test),
	{}
};

static struct kunit_suite audit_test_suite = {
	.name = "sysrqmon_audit",
	.test_cases = audit_test_cases,
};

kunit_test_suite(audit_test_suite);

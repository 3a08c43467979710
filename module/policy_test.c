// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: deny-mode decisions (policy.c) and key naming (sysrq.c).
 */
#include <kunit/test.h>

#include "sysrqmon.h"

static void effective_set_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sysrqmon_effective_set(0), 0u);
	KUNIT_EXPECT_EQ(test, sysrqmon_effective_set(1), 0x1ffu);
	KUNIT_EXPECT_EQ(test, sysrqmon_effective_set(-1), 0x1ffu);
	KUNIT_EXPECT_EQ(test, sysrqmon_effective_set(16), 0x11u);
	KUNIT_EXPECT_EQ(test, sysrqmon_effective_set(3), 0x3u);
	/* Bits above 8 mean nothing to the kernel, but the mask is non-zero. */
	KUNIT_EXPECT_EQ(test, sysrqmon_effective_set(0x200), 0x1u);
	KUNIT_EXPECT_EQ(test, sysrqmon_effective_set(438), 0x1b7u);
}

struct mask_case {
	int old, new, allowed;
	bool denied;
};

static const struct mask_case mask_cases[] = {
	{ 0, 16, 0, true },	/* enables */
	{ 1, -1, 0, false },	/* the same set */
	{ 2, 3, 0, false },	/* bit 0 of another value means nothing */
	{ 438, 438, 0, false },	/* same value */
	{ 1, 16, 0, false },	/* restricts */
	{ 16, 0, 0, false },	/* disables */
	{ 1, 0, 0, false },
	{ 0, 16, 16, false },	/* allowed_mask permits it */
	{ 0, 16, 0x10, false },
	{ 16, 1, 0, true },	/* 1 enables everything */
	{ 16, 1, 1, false },
	{ 16, 48, 16, true },	/* 0x20 is new and not allowed */
	{ 0, 0x200, 0, true },	/* "on" alone is still a change */
	{ 0x10, 0x210, 0, false },
};

static void mask_change_test(struct kunit *test)
{
	const struct mask_case *c;
	int i;

	for (i = 0; i < ARRAY_SIZE(mask_cases); i++) {
		c = &mask_cases[i];
		KUNIT_EXPECT_EQ_MSG(test,
				    sysrqmon_mask_change_denied(c->old, c->new,
								c->allowed),
				    c->denied, "old=%d new=%d allowed=%d",
				    c->old, c->new, c->allowed);
	}
}

static void key_allowed_test(struct kunit *test)
{
	u64 wm = BIT_ULL(sysrqmon_key_index('w')) |
		 BIT_ULL(sysrqmon_key_index('m'));

	KUNIT_EXPECT_TRUE(test, sysrqmon_key_allowed(wm, 'w'));
	KUNIT_EXPECT_TRUE(test, sysrqmon_key_allowed(wm, 'm'));
	KUNIT_EXPECT_FALSE(test, sysrqmon_key_allowed(wm, 'b'));
	KUNIT_EXPECT_FALSE(test, sysrqmon_key_allowed(wm, 'W'));
	KUNIT_EXPECT_FALSE(test, sysrqmon_key_allowed(wm, '!'));
	KUNIT_EXPECT_FALSE(test, sysrqmon_key_allowed(wm, 0));
	KUNIT_EXPECT_FALSE(test, sysrqmon_key_allowed(wm, -120));
	KUNIT_EXPECT_FALSE(test, sysrqmon_key_allowed(0, 'w'));
	KUNIT_EXPECT_EQ(test, sysrqmon_key_index('0'), 0);
	KUNIT_EXPECT_EQ(test, sysrqmon_key_index('a'), 10);
	KUNIT_EXPECT_EQ(test, sysrqmon_key_index('Z'), 61);
}

/* Every mode x scope for a task on the host (the KUnit thread). */
static void deny_applies_test(struct kunit *test)
{
	struct sysrqmon_config saved = sysrqmon_cfg;
	static const struct {
		int mode, scope;
		bool applies;
	} cases[] = {
		{ SYSRQMON_MODE_OFF, SYSRQMON_SCOPE_ALL, false },
		{ SYSRQMON_MODE_MONITOR, SYSRQMON_SCOPE_ALL, false },
		{ SYSRQMON_MODE_DENY, SYSRQMON_SCOPE_ALL, true },
		{ SYSRQMON_MODE_OFF, SYSRQMON_SCOPE_CONTAINER, false },
		{ SYSRQMON_MODE_MONITOR, SYSRQMON_SCOPE_CONTAINER, false },
		{ SYSRQMON_MODE_DENY, SYSRQMON_SCOPE_CONTAINER, false },
	};
	int i;

	KUNIT_ASSERT_FALSE(test, sysrqmon_current_contained());
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		WRITE_ONCE(sysrqmon_cfg.mode, cases[i].mode);
		WRITE_ONCE(sysrqmon_cfg.deny_scope, cases[i].scope);
		KUNIT_EXPECT_EQ_MSG(test, sysrqmon_deny_applies(),
				    cases[i].applies, "mode=%d scope=%d",
				    cases[i].mode, cases[i].scope);
	}
	WRITE_ONCE(sysrqmon_cfg.mode, saved.mode);
	WRITE_ONCE(sysrqmon_cfg.deny_scope, saved.deny_scope);
}

static void key_action_test(struct kunit *test)
{
	char action[SYSRQMON_ACTION_LEN];

	sysrqmon_key_action('b', action, sizeof(action));
	KUNIT_EXPECT_STREQ(test, action, "reboot");
	sysrqmon_key_action('7', action, sizeof(action));
	KUNIT_EXPECT_STREQ(test, action, "loglevel");
	sysrqmon_key_action('s', action, sizeof(action));
	KUNIT_EXPECT_STREQ(test, action, "sync");
	/* No handler: the kernel prints its help. */
	sysrqmon_key_action('h', action, sizeof(action));
	KUNIT_EXPECT_STREQ(test, action, "help");
	sysrqmon_key_action('!', action, sizeof(action));
	KUNIT_EXPECT_STREQ(test, action, "help");
	/* Cut to the buffer, still terminated. */
	sysrqmon_key_action('b', action, 4);
	KUNIT_EXPECT_STREQ(test, action, "reb");

	KUNIT_EXPECT_TRUE(test, sysrqmon_action_is_destructive("reboot"));
	KUNIT_EXPECT_TRUE(test, sysrqmon_action_is_destructive("crash"));
	KUNIT_EXPECT_FALSE(test, sysrqmon_action_is_destructive("sync"));
	KUNIT_EXPECT_FALSE(test, sysrqmon_action_is_destructive("reb"));
}

static struct kunit_case policy_test_cases[] = {
	KUNIT_CASE(effective_set_test),
	KUNIT_CASE(mask_change_test),
	KUNIT_CASE(key_allowed_test),
	KUNIT_CASE(deny_applies_test),
	KUNIT_CASE(key_action_test),
	{}
};

static struct kunit_suite policy_test_suite = {
	.name = "sysrqmon_policy",
	.test_cases = policy_test_cases,
};

kunit_test_suite(policy_test_suite);

/* The KUnit suites form sysrqmon_test.ko; they need sysrqmon.ko loaded. */
MODULE_DESCRIPTION("KUnit suites of sysrqmon");
MODULE_LICENSE("GPL v2");
SYSRQMON_IMPORT_KUNIT_NS();

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
static void deny_scope_test(struct kunit *test)
{
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
	struct sysrqmon_request req = { .kind = SYSRQMON_KIND_PARAM };
	struct sysrqmon_config saved, cfg;
	struct sysrqmon_decision d;
	int i;

	KUNIT_ASSERT_FALSE(test, sysrqmon_current_contained());
	sysrqmon_config_get(&saved);
	cfg = saved;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		cfg.mode = cases[i].mode;
		cfg.deny_scope = cases[i].scope;
		sysrqmon_config_publish(&cfg);
		sysrqmon_decide(&req, &d);
		KUNIT_EXPECT_EQ_MSG(test, d.deny, cases[i].applies,
				    "mode=%d scope=%d", cases[i].mode,
				    cases[i].scope);
		KUNIT_EXPECT_EQ(test, d.report,
				cases[i].mode != SYSRQMON_MODE_OFF);
	}
	sysrqmon_config_publish(&saved);
}

/* One row a rule of sysrqmon_decide(), in deny mode for every task, s allowed. */
static void decide_test(struct kunit *test)
{
	static const struct {
		const char *what;
		struct sysrqmon_request req;
		bool locked, report, deny, always, no_keys;
	} cases[] = {
		{ "open trigger for write, no key allowed",
		  { .kind = SYSRQMON_KIND_OPEN, .write = true,
		    .target = SYSRQMON_TARGET_TRIGGER }, false, true, true, true,
		  true },
		{ "open trigger for write, keys allowed",
		  { .kind = SYSRQMON_KIND_OPEN, .write = true,
		    .target = SYSRQMON_TARGET_TRIGGER }, false, true, false, false },
		{ "open trigger to read",
		  { .kind = SYSRQMON_KIND_OPEN,
		    .target = SYSRQMON_TARGET_TRIGGER }, false, false, false, false },
		{ "write of an allowed key, first look",
		  { .kind = SYSRQMON_KIND_TRIGGER, .key = 's', .early = true },
		  false, false, false, false },
		{ "write of a refused key, first look",
		  { .kind = SYSRQMON_KIND_TRIGGER, .key = 'b', .early = true },
		  false, true, true, true },
		{ "dispatch of an allowed key",
		  { .kind = SYSRQMON_KIND_TRIGGER, .key = 's' },
		  false, true, false, false },
		{ "keyboard key",
		  { .kind = SYSRQMON_KIND_CONSOLE, .key = 'b',
		    .source = SYSRQMON_SOURCE_KEYBOARD }, false, true, false, true },
		{ "injected reset sequence",
		  { .kind = SYSRQMON_KIND_CONSOLE, .reset = true,
		    .key = SYSRQMON_KEY_NONE, .source = SYSRQMON_SOURCE_INJECT },
		  false, true, true, true },
		{ "mask enabling more",
		  { .kind = SYSRQMON_KIND_TOGGLE, .old_mask = 0, .new_mask = 1 },
		  false, true, true, true },
		{ "mask restricting",
		  { .kind = SYSRQMON_KIND_SYSCTL, .old_mask = 1, .new_mask = 16 },
		  false, true, false, false },
		{ "sysctl without its input",
		  { .kind = SYSRQMON_KIND_SYSCTL, .unread = true },
		  false, false, true, false },
		{ "handler removed",
		  { .kind = SYSRQMON_KIND_KEYTABLE, .op = SYSRQMON_OP_UNREGISTER },
		  false, true, false, true },
		{ "handler added",
		  { .kind = SYSRQMON_KIND_KEYTABLE, .op = SYSRQMON_OP_REGISTER },
		  false, true, true, true },
		{ "drift", { .kind = SYSRQMON_KIND_DRIFT }, false, true, true, true },
		{ "kprobes off, unlocked", { .kind = SYSRQMON_KIND_TAMPER },
		  false, true, false, true },
		{ "kprobes off, locked", { .kind = SYSRQMON_KIND_TAMPER },
		  true, true, true, true },
		{ "setting, locked",
		  { .kind = SYSRQMON_KIND_CONFIG, .setting = SYSRQMON_SET_MODE },
		  true, true, true, true },
		{ "locking again, locked",
		  { .kind = SYSRQMON_KIND_CONFIG, .setting = SYSRQMON_SET_LOCKED,
		    .value = 1 }, true, true, false, true },
		{ "unload, unlocked",
		  { .kind = SYSRQMON_KIND_CONFIG, .unload = true },
		  false, false, false, false },
		{ "unload, locked",
		  { .kind = SYSRQMON_KIND_CONFIG, .unload = true },
		  true, true, true, true },
	};
	struct sysrqmon_config saved, cfg;
	struct sysrqmon_decision d;
	int i;

	sysrqmon_config_get(&saved);
	cfg = saved;
	cfg.mode = SYSRQMON_MODE_DENY;
	cfg.deny_scope = SYSRQMON_SCOPE_ALL;
	cfg.audit = false;
	cfg.audit_records = false;
	cfg.watch_reads = false;
	cfg.allowed_mask = 0;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		cfg.locked = cases[i].locked;
		cfg.allowed_keys = BIT_ULL(sysrqmon_key_index('s'));
		if (cases[i].no_keys)
			cfg.allowed_keys = 0;
		sysrqmon_config_publish(&cfg);
		sysrqmon_decide(&cases[i].req, &d);
		KUNIT_EXPECT_EQ_MSG(test, d.report, cases[i].report, "%s",
				    cases[i].what);
		KUNIT_EXPECT_EQ_MSG(test, d.deny, cases[i].deny, "%s",
				    cases[i].what);
		KUNIT_EXPECT_EQ_MSG(test, d.always, cases[i].always, "%s",
				    cases[i].what);
		KUNIT_EXPECT_EQ_MSG(test, d.line, d.always, "%s (audit=0)",
				    cases[i].what);
	}
	sysrqmon_config_publish(&saved);
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
	KUNIT_CASE(deny_scope_test),
	KUNIT_CASE(decide_test),
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

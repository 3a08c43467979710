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

static void mask_case_desc(const struct mask_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "old=%d new=%d allowed=%d",
		 c->old, c->new, c->allowed);
}

KUNIT_ARRAY_PARAM(mask, mask_cases, mask_case_desc);

static void mask_change_test(struct kunit *test)
{
	const struct mask_case *c = test->param_value;

	KUNIT_EXPECT_EQ_MSG(test,
			    sysrqmon_mask_change_denied(c->old, c->new,
							c->allowed),
			    c->denied, "old=%d new=%d allowed=%d",
			    c->old, c->new, c->allowed);
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

/*
 * The cases below publish configurations of their own: the one before
 * comes back after each, whatever the case's outcome.
 */
static int policy_test_init(struct kunit *test)
{
	struct sysrqmon_config *saved;

	saved = kunit_kzalloc(test, sizeof(*saved), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, saved);
	sysrqmon_config_get(saved);
	test->priv = saved;
	return 0;
}

static void policy_test_exit(struct kunit *test)
{
	if (test->priv)
		sysrqmon_config_publish(test->priv);
}

struct scope_case {
	int mode, scope;
	bool applies;
};

/* Every mode x scope for a task on the host (the KUnit thread). */
static const struct scope_case scope_cases[] = {
	{ SYSRQMON_MODE_OFF, SYSRQMON_SCOPE_ALL, false },
	{ SYSRQMON_MODE_MONITOR, SYSRQMON_SCOPE_ALL, false },
	{ SYSRQMON_MODE_DENY, SYSRQMON_SCOPE_ALL, true },
	{ SYSRQMON_MODE_OFF, SYSRQMON_SCOPE_CONTAINER, false },
	{ SYSRQMON_MODE_MONITOR, SYSRQMON_SCOPE_CONTAINER, false },
	{ SYSRQMON_MODE_DENY, SYSRQMON_SCOPE_CONTAINER, false },
};

static void scope_case_desc(const struct scope_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "mode=%d scope=%d", c->mode,
		 c->scope);
}

KUNIT_ARRAY_PARAM(scope, scope_cases, scope_case_desc);

static void deny_scope_test(struct kunit *test)
{
	const struct scope_case *c = test->param_value;
	struct sysrqmon_request req = { .kind = SYSRQMON_KIND_PARAM };
	struct sysrqmon_config cfg = *(struct sysrqmon_config *)test->priv;
	struct sysrqmon_decision d;

	KUNIT_ASSERT_FALSE(test, sysrqmon_current_contained());
	cfg.mode = c->mode;
	cfg.deny_scope = c->scope;
	sysrqmon_config_publish(&cfg);
	sysrqmon_decide(&req, &d);
	KUNIT_EXPECT_EQ_MSG(test, d.deny, c->applies, "mode=%d scope=%d",
			    c->mode, c->scope);
	KUNIT_EXPECT_EQ(test, d.report, c->mode != SYSRQMON_MODE_OFF);
}

/* What a row of decide_cases sets up (given) and expects (want). */
#define LOCKED	BIT(0)	/* the configuration is locked */
#define NO_KEYS	BIT(1)	/* no key allowed (else only 's') */
#define REPORT	BIT(0)	/* d.report */
#define DENY	BIT(1)	/* d.deny */
#define ALWAYS	BIT(2)	/* d.always, and so d.line with audit=0 */

struct decide_case {
	const char *what;
	struct sysrqmon_request req;
	unsigned int given, want;
};

/* One row a rule of sysrqmon_decide(), in deny mode for every task. */
static const struct decide_case decide_cases[] = {
	{ "open trigger for write, no key allowed",
	  { .kind = SYSRQMON_KIND_OPEN, .write = true,
	    .target = SYSRQMON_TARGET_TRIGGER }, NO_KEYS, REPORT | DENY | ALWAYS },
	{ "open trigger for write, keys allowed",
	  { .kind = SYSRQMON_KIND_OPEN, .write = true,
	    .target = SYSRQMON_TARGET_TRIGGER }, 0, REPORT },
	{ "open trigger to read",
	  { .kind = SYSRQMON_KIND_OPEN, .target = SYSRQMON_TARGET_TRIGGER },
	  0, 0 },
	{ "write of an allowed key, first look",
	  { .kind = SYSRQMON_KIND_TRIGGER, .key = 's', .early = true }, 0, 0 },
	{ "write of a refused key, first look",
	  { .kind = SYSRQMON_KIND_TRIGGER, .key = 'b', .early = true },
	  0, REPORT | DENY | ALWAYS },
	{ "dispatch of an allowed key",
	  { .kind = SYSRQMON_KIND_TRIGGER, .key = 's' }, 0, REPORT },
	{ "dispatch of a refused key",
	  { .kind = SYSRQMON_KIND_TRIGGER, .key = 'b' },
	  0, REPORT | DENY | ALWAYS },
	{ "dispatch of a refused key its write allowed",
	  { .kind = SYSRQMON_KIND_TRIGGER, .key = 'b', .done = true },
	  0, REPORT | ALWAYS },
	{ "keyboard key",
	  { .kind = SYSRQMON_KIND_CONSOLE, .key = 'b',
	    .source = SYSRQMON_SOURCE_KEYBOARD }, 0, REPORT | ALWAYS },
	{ "injected reset sequence",
	  { .kind = SYSRQMON_KIND_CONSOLE, .reset = true,
	    .key = SYSRQMON_KEY_NONE, .source = SYSRQMON_SOURCE_INJECT },
	  0, REPORT | DENY | ALWAYS },
	{ "mask enabling more",
	  { .kind = SYSRQMON_KIND_TOGGLE, .old_mask = 0, .new_mask = 1 },
	  0, REPORT | DENY | ALWAYS },
	{ "mask restricting",
	  { .kind = SYSRQMON_KIND_SYSCTL, .old_mask = 1, .new_mask = 16 },
	  0, REPORT },
	{ "sysctl without its input",
	  { .kind = SYSRQMON_KIND_SYSCTL, .unread = true }, 0, DENY },
	{ "handler removed",
	  { .kind = SYSRQMON_KIND_KEYTABLE, .op = SYSRQMON_OP_UNREGISTER },
	  0, REPORT | ALWAYS },
	{ "handler added",
	  { .kind = SYSRQMON_KIND_KEYTABLE, .op = SYSRQMON_OP_REGISTER },
	  0, REPORT | DENY | ALWAYS },
	{ "drift", { .kind = SYSRQMON_KIND_DRIFT }, 0, REPORT | DENY | ALWAYS },
	{ "kprobes off, unlocked", { .kind = SYSRQMON_KIND_TAMPER },
	  0, REPORT | ALWAYS },
	{ "kprobes off, locked", { .kind = SYSRQMON_KIND_TAMPER },
	  LOCKED, REPORT | DENY | ALWAYS },
	{ "setting, locked",
	  { .kind = SYSRQMON_KIND_CONFIG, .setting = SYSRQMON_SET_MODE },
	  LOCKED, REPORT | DENY | ALWAYS },
	{ "locking again, locked",
	  { .kind = SYSRQMON_KIND_CONFIG, .setting = SYSRQMON_SET_LOCKED,
	    .value = 1 }, LOCKED, REPORT | ALWAYS },
	{ "unload, unlocked",
	  { .kind = SYSRQMON_KIND_CONFIG, .unload = true }, 0, 0 },
	{ "unload, locked",
	  { .kind = SYSRQMON_KIND_CONFIG, .unload = true },
	  LOCKED, REPORT | DENY | ALWAYS },
};

static void decide_case_desc(const struct decide_case *c, char *desc)
{
	strscpy(desc, c->what, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(decide, decide_cases, decide_case_desc);

static void decide_test(struct kunit *test)
{
	const struct decide_case *c = test->param_value;
	struct sysrqmon_config cfg = *(struct sysrqmon_config *)test->priv;
	struct sysrqmon_decision d;

	cfg.mode = SYSRQMON_MODE_DENY;
	cfg.deny_scope = SYSRQMON_SCOPE_ALL;
	cfg.audit = false;
	cfg.audit_records = false;
	cfg.watch_reads = false;
	cfg.allowed_mask = 0;
	cfg.locked = c->given & LOCKED;
	cfg.allowed_keys = BIT_ULL(sysrqmon_key_index('s'));
	if (c->given & NO_KEYS)
		cfg.allowed_keys = 0;
	sysrqmon_config_publish(&cfg);
	sysrqmon_decide(&c->req, &d);
	KUNIT_EXPECT_EQ_MSG(test, d.report, !!(c->want & REPORT), "%s",
			    c->what);
	KUNIT_EXPECT_EQ_MSG(test, d.deny, !!(c->want & DENY), "%s", c->what);
	KUNIT_EXPECT_EQ_MSG(test, d.always, !!(c->want & ALWAYS), "%s",
			    c->what);
	KUNIT_EXPECT_EQ_MSG(test, d.line, d.always, "%s (audit=0)", c->what);
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
	KUNIT_CASE_PARAM(mask_change_test, mask_gen_params),
	KUNIT_CASE(key_allowed_test),
	KUNIT_CASE_PARAM(deny_scope_test, scope_gen_params),
	KUNIT_CASE_PARAM(decide_test, decide_gen_params),
	KUNIT_CASE(key_action_test),
	{}
};

static struct kunit_suite policy_test_suite = {
	.name = "sysrqmon_policy",
	.init = policy_test_init,
	.exit = policy_test_exit,
	.test_cases = policy_test_cases,
};

kunit_test_suite(policy_test_suite);

/* The KUnit suites form sysrqmon_test.ko; they need sysrqmon.ko loaded. */
MODULE_DESCRIPTION("KUnit suites of sysrqmon");
MODULE_LICENSE("GPL v2");
SYSRQMON_IMPORT_KUNIT_NS();

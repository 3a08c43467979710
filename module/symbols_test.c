// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the IBT checks of symbols.c, on instruction bytes and on the
 * running kernel.
 */
#include <kunit/test.h>
#include <linux/uaccess.h>

#include "sysrqmon.h"

struct endbr_case {
	const char *what;
	u8 insn[SYSRQMON_ENDBR_LEN];
	enum sysrqmon_endbr kind;
};

static const struct endbr_case endbr_cases[] = {
	{ "endbr64", { 0xf3, 0x0f, 0x1e, 0xfa }, SYSRQMON_ENDBR_LIVE },
	{ "sealed endbr64", { 0x66, 0x0f, 0x1f, 0x00 }, SYSRQMON_ENDBR_SEALED },
	/* 64-bit code does not take ENDBR32 as a branch target. */
	{ "endbr32", { 0xf3, 0x0f, 0x1e, 0xfb }, SYSRQMON_ENDBR_NONE },
	{ "nop5 (fentry site)", { 0x0f, 0x1f, 0x44, 0x00 }, SYSRQMON_ENDBR_NONE },
	{ "call __fentry__", { 0xe8, 0x00, 0x00, 0x00 }, SYSRQMON_ENDBR_NONE },
	{ "push rbp; mov rbp,rsp", { 0x55, 0x48, 0x89, 0xe5 },
	  SYSRQMON_ENDBR_NONE },
	{ "int3 padding", { 0xcc, 0xcc, 0xcc, 0xcc }, SYSRQMON_ENDBR_NONE },
	{ "endbr64, one byte off", { 0x0f, 0x1e, 0xfa, 0x0f },
	  SYSRQMON_ENDBR_NONE },
};

static void endbr_kind_test(struct kunit *test)
{
	const struct endbr_case *c;
	int i;

	for (i = 0; i < ARRAY_SIZE(endbr_cases); i++) {
		c = &endbr_cases[i];
		KUNIT_EXPECT_EQ_MSG(test, sysrqmon_endbr_kind(c->insn), c->kind,
				    "%s", c->what);
	}
}

static void kprobe_entry_test(struct kunit *test)
{
	static const u8 live[] = { 0xf3, 0x0f, 0x1e, 0xfa };
	static const u8 sealed[] = { 0x66, 0x0f, 0x1f, 0x00 };
	static const u8 padding[] = { 0xcc, 0xcc, 0xcc, 0xcc };
	unsigned long addr = 0xffffffff81000104UL;

	/* IBT: the probe sits past the ENDBR, live or sealed. */
	KUNIT_EXPECT_EQ(test, sysrqmon_kprobe_entry(addr, live, true),
			addr - 4);
	KUNIT_EXPECT_EQ(test, sysrqmon_kprobe_entry(addr, sealed, true),
			addr - 4);
	/* A function without ENDBR (__noendbr): the probe is the entry. */
	KUNIT_EXPECT_EQ(test, sysrqmon_kprobe_entry(addr, padding, true), addr);
	/* Without IBT the probe is always the entry. */
	KUNIT_EXPECT_EQ(test, sysrqmon_kprobe_entry(addr, live, false), addr);
}

/* Bytes in our own data stand in for a sealed function. */
static void check_callable_test(struct kunit *test)
{
	static const u8 live[] = { 0xf3, 0x0f, 0x1e, 0xfa };
	static const u8 sealed[] = { 0x66, 0x0f, 0x1f, 0x00 };
	int refused = IS_ENABLED(CONFIG_X86_KERNEL_IBT) ? -EOPNOTSUPP : 0;

	KUNIT_EXPECT_EQ(test, sysrqmon_check_callable("sysrqmon_test_live",
						      (unsigned long)live), 0);
	KUNIT_EXPECT_EQ(test, sysrqmon_check_callable("sysrqmon_test_sealed",
						      (unsigned long)sealed),
			refused);
}

/* What the loaded module resolved, read back from the running kernel. */
static void running_kernel_test(struct kunit *test)
{
	static const char * const called[] = {
		"kallsyms_lookup_name", "kallsyms_lookup_size_offset",
		"__module_address",
	};
	enum sysrqmon_endbr want = IS_ENABLED(CONFIG_X86_KERNEL_IBT) ?
				   SYSRQMON_ENDBR_LIVE : SYSRQMON_ENDBR_NONE;
	u8 insn[SYSRQMON_ENDBR_LEN];
	unsigned long addr;
	int i, err;

	for (i = 0; i < ARRAY_SIZE(called); i++) {
		addr = sysrqmon_lookup(called[i]);
		KUNIT_ASSERT_NE_MSG(test, addr, 0UL, "%s", called[i]);
		KUNIT_ASSERT_EQ(test, copy_from_kernel_nofault(insn, (void *)addr,
							       sizeof(insn)), 0L);
		KUNIT_EXPECT_EQ_MSG(test, sysrqmon_endbr_kind(insn), want, "%s",
				    called[i]);
		err = 0;
		KUNIT_EXPECT_EQ_MSG(test, sysrqmon_lookup_callable(called[i], &err),
				    addr, "%s", called[i]);
		KUNIT_EXPECT_EQ(test, err, 0);
	}
}

static struct kunit_case symbols_test_cases[] = {
	KUNIT_CASE(endbr_kind_test),
	KUNIT_CASE(kprobe_entry_test),
	KUNIT_CASE(check_callable_test),
	KUNIT_CASE(running_kernel_test),
	{}
};

static struct kunit_suite symbols_test_suite = {
	.name = "sysrqmon_symbols",
	.test_cases = symbols_test_cases,
};

kunit_test_suite(symbols_test_suite);

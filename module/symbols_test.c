// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the IBT checks of symbols.c, on instruction bytes and on the
 * running kernel.
 */
#include <kunit/test.h>
#include <linux/file.h>
#include <linux/kallsyms.h>
#include <linux/pid.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/string.h>

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

static void endbr_case_desc(const struct endbr_case *c, char *desc)
{
	strscpy(desc, c->what, KUNIT_PARAM_DESC_SIZE);
}

/* One generator for both cases below: each runs once per row. */
KUNIT_ARRAY_PARAM(endbr, endbr_cases, endbr_case_desc);

static void endbr_kind_test(struct kunit *test)
{
	const struct endbr_case *c = test->param_value;

	KUNIT_EXPECT_EQ_MSG(test, sysrqmon_endbr_kind(c->insn), c->kind,
			    "%s", c->what);
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

static void indirect_ok_test(struct kunit *test)
{
	const struct endbr_case *c = test->param_value;

	/* IBT: only a live ENDBR64 takes an indirect call. */
	KUNIT_EXPECT_EQ_MSG(test, sysrqmon_indirect_ok(c->insn, true),
			    c->kind == SYSRQMON_ENDBR_LIVE, "%s", c->what);
	KUNIT_EXPECT_TRUE_MSG(test, sysrqmon_indirect_ok(c->insn, false),
			      "%s", c->what);
}

/*
 * The functions the module calls, on the running kernel: resolved to
 * their entry, and called (through the static calls) with the results
 * kallsyms gives.
 */
static void running_kernel_test(struct kunit *test)
{
	static const char * const called[] = {
		"kallsyms_lookup_name", "kallsyms_lookup_size_offset",
		"__module_address", "get_mm_exe_file",
	};
	unsigned long addr = 0, start, end;
	char sym[KSYM_SYMBOL_LEN];
	struct module *mod, *in_kernel, *in_test;
	struct task_struct *task;
	struct mm_struct *mm;
	const char *ours;
	struct file *exe;
	struct pid *pid;
	int i;

	for (i = 0; i < ARRAY_SIZE(called); i++) {
		addr = sysrqmon_lookup(called[i]);
		KUNIT_ASSERT_NE_MSG(test, addr, 0UL, "%s", called[i]);
		sprint_symbol(sym, addr);
		KUNIT_EXPECT_TRUE_MSG(test, str_has_prefix(sym, called[i]) &&
				      strstr(sym, "+0x0/"), "%s: %s", called[i],
				      sym);
		KUNIT_EXPECT_TRUE(test, sysrqmon_symbol_range(called[i], &start,
							      &end));
		KUNIT_EXPECT_EQ(test, start, addr);
		KUNIT_EXPECT_GT(test, end, start);
	}
	/* The kernel image, sysrqmon.ko, and this test module. */
	preempt_disable();
	in_kernel = sysrqmon_module_of(addr);
	mod = sysrqmon_module_of((unsigned long)sysrqmon_lookup);
	ours = mod ? mod->name : "";
	in_test = sysrqmon_module_of((unsigned long)running_kernel_test);
	preempt_enable();
	KUNIT_EXPECT_NULL(test, in_kernel);
	KUNIT_EXPECT_STREQ(test, ours, "sysrqmon");
	KUNIT_EXPECT_PTR_EQ(test, in_test, THIS_MODULE);

	/* KUnit runs cases in a kernel thread: take init's executable. */
	pid = find_get_pid(1);
	task = get_pid_task(pid, PIDTYPE_PID);
	put_pid(pid);
	KUNIT_ASSERT_NOT_NULL(test, task);
	mm = get_task_mm(task);
	put_task_struct(task);
	KUNIT_ASSERT_NOT_NULL(test, mm);
	exe = sysrqmon_mm_exe_file(mm);
	mmput(mm);
	KUNIT_EXPECT_NOT_NULL(test, exe);
	if (exe)
		fput(exe);
}

static struct kunit_case symbols_test_cases[] = {
	KUNIT_CASE_PARAM(endbr_kind_test, endbr_gen_params),
	KUNIT_CASE(kprobe_entry_test),
	KUNIT_CASE_PARAM(indirect_ok_test, endbr_gen_params),
	KUNIT_CASE(running_kernel_test),
	{}
};

static struct kunit_suite symbols_test_suite = {
	.name = "sysrqmon_symbols",
	.test_cases = symbols_test_cases,
};

kunit_test_suite(symbols_test_suite);

// SPDX-License-Identifier: GPL-2.0
/*
 * The SysRq dispatch: every command key, whoever sends it.
 *
 * __handle_sysrq() receives the key the kernel really executes, so trigger
 * events are reported here rather than from the byte a write brought, which
 * another thread may change. Its callers are told apart by the return
 * address: the trigger file's write, the keyboard filter (and its reset
 * sequence), or handle_sysrq(), which serial and other drivers call and
 * which has a hook of its own because the compiler may turn its call into
 * a jump.
 */
#include <linux/kernel.h>

#include "sysrqmon.h"

struct text_range {
	const char *symbol;
	unsigned long start;
	unsigned long end;
};

static struct text_range trigger_writer = { .symbol = "write_sysrq_trigger" };

/* The keyboard filter and the helpers the compiler may keep out of line. */
static struct text_range keyboard[] = {
	{ .symbol = "sysrq_filter" },
	{ .symbol = "sysrq_handle_keypress" },
	{ .symbol = "sysrq_handle_reset_request" },
	{ .symbol = "sysrq_detect_reset_sequence" },
};

static bool range_holds(const struct text_range *range, unsigned long addr)
{
	return addr >= range->start && addr < range->end;
}

static bool from_keyboard(unsigned long addr)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(keyboard); i++)
		if (range_holds(&keyboard[i], addr))
			return true;
	return false;
}

/**
 * sysrqmon_key_hooks_init() - find the dispatch's callers
 *
 * Return: 0, or -ENOENT if the trigger file's write function is missing.
 */
int sysrqmon_key_hooks_init(void)
{
	int i;

	if (!sysrqmon_symbol_range(trigger_writer.symbol, &trigger_writer.start,
				   &trigger_writer.end)) {
		pr_err("sysrqmon: cannot find %s\n", trigger_writer.symbol);
		return -ENOENT;
	}
	/* Inlined helpers have no symbol; their code is in sysrq_filter. */
	for (i = 0; i < ARRAY_SIZE(keyboard); i++)
		sysrqmon_symbol_range(keyboard[i].symbol, &keyboard[i].start,
				      &keyboard[i].end);
	return 0;
}

static noinline void report_key(enum sysrqmon_kind kind,
				enum sysrqmon_source source, int key)
{
	struct sysrqmon_event ev;

	sysrqmon_event_init(&ev, kind, source == SYSRQMON_SOURCE_NONE);
	ev.key = key;
	ev.source = source;
	sysrqmon_key_action(key, ev.action, sizeof(ev.action));
	sysrqmon_event_emit(&ev);
}

/* void __handle_sysrq(int key, bool check_mask) */
void sysrqmon_hook_dispatch(unsigned long ip, unsigned long parent_ip,
			    struct ftrace_ops *ops, struct ftrace_regs *fregs)
{
	int key = (int)hook_arg(fregs, 0);
	bool check_mask = hook_arg(fregs, 1) & 1;
	int bit;

	if (READ_ONCE(sysrqmon_cfg.mode) == SYSRQMON_MODE_OFF)
		return;
	bit = sysrqmon_hook_enter(ops, ip, parent_ip);
	if (bit < 0)
		return;
	if (range_holds(&trigger_writer, parent_ip))
		report_key(SYSRQMON_KIND_TRIGGER, SYSRQMON_SOURCE_NONE, key);
	else if (from_keyboard(parent_ip))
		/* The reset sequence's repeat press skips the mask check. */
		report_key(SYSRQMON_KIND_CONSOLE, check_mask ?
			   SYSRQMON_SOURCE_KEYBOARD : SYSRQMON_SOURCE_RESET, key);
	sysrqmon_hook_exit(bit);
}

/* void handle_sysrq(int key) */
void sysrqmon_hook_handle_sysrq(unsigned long ip, unsigned long parent_ip,
				struct ftrace_ops *ops,
				struct ftrace_regs *fregs)
{
	int bit;

	if (READ_ONCE(sysrqmon_cfg.mode) == SYSRQMON_MODE_OFF)
		return;
	bit = sysrqmon_hook_enter(ops, ip, parent_ip);
	if (bit < 0)
		return;
	report_key(SYSRQMON_KIND_CONSOLE, SYSRQMON_SOURCE_SERIAL,
		   (int)hook_arg(fregs, 0));
	sysrqmon_hook_exit(bit);
}

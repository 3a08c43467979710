// SPDX-License-Identifier: GPL-2.0
/*
 * The table of hooks, and the one loop that attaches them and the one that
 * detaches them.
 *
 * Every hook rides a plain ftrace_ops: the cheapest attachment on the open
 * path, untouched by /sys/kernel/debug/kprobes/enabled, and, being
 * FTRACE_OPS_FL_PERMANENT, it makes a write of 0 to kernel.ftrace_enabled
 * fail with EBUSY instead of silently blinding us. Hooks that may deny sit
 * on an ops that also declares IPMODIFY, which ftrace grants to one ops per
 * function; the others stay off it, so they do not lock out other users.
 *
 * Two ops carry all the hooks, not one each: unregistering an ops from a
 * module waits for two RCU-tasks grace periods, so with one ops per hook
 * rmmod took about 1.7 s in QEMU. Each ops calls dispatch(), which finds
 * the hook by the address ftrace reports.
 */
#include <linux/ftrace.h>
#include <linux/kernel.h>
#include <asm/ibt.h>

#include "sysrqmon.h"

static struct sysrqmon_hook hooks[] = {
	{
		.symbol = "security_file_open",
		.func = sysrqmon_hook_file_open,
		.enforcing = true,
		.required = true,
	},
	{
		.symbol = "sysrq_sysctl_handler",
		.func = sysrqmon_hook_sysctl,
		.enforcing = true,
		.required = true,
	},
	{
		.symbol = "write_sysrq_trigger",
		.func = sysrqmon_hook_trigger_write,
		.enforcing = true,
		.required = true,
	},
	{
		.symbol = "__handle_sysrq",
		.func = sysrqmon_hook_dispatch,
		.enforcing = true,
		.required = true,
	},
	{
		.symbol = "handle_sysrq",
		.func = sysrqmon_hook_handle_sysrq,
		.enforcing = true,
	},
	{
		.symbol = "sysrq_toggle_support",
		.func = sysrqmon_hook_toggle,
		.enforcing = true,
	},
	{
		.symbol = "register_sysrq_key",
		.func = sysrqmon_hook_register_key,
		.enforcing = true,
	},
	{
		.symbol = "unregister_sysrq_key",
		.func = sysrqmon_hook_unregister_key,
	},
	{
		.symbol = "param_array_set",
		.func = sysrqmon_hook_param_array,
		.enforcing = true,
	},
	{
		.symbol = "param_set_int",
		.func = sysrqmon_hook_param_int,
		.enforcing = true,
	},
	{
		.symbol = "sysrq_filter",
		.func = sysrqmon_hook_key_filter,
		.enforcing = true,
	},
	{
		.symbol = "orderly_reboot",
		.func = sysrqmon_hook_orderly_reboot,
	},
	{
		.symbol = "write_enabled_file_bool",
		.func = sysrqmon_hook_kprobes_enabled,
		.enforcing = true,
	},
	{
		.symbol = "proc_dointvec",
		.func = sysrqmon_hook_dointvec,
	},
	{
		.symbol = "__x64_sys_delete_module",
		.func = sysrqmon_hook_delete_module,
		.enforcing = true,
		.required = true,
	},
#ifdef CONFIG_IA32_EMULATION
	{
		.symbol = "__ia32_sys_delete_module",
		.func = sysrqmon_hook_delete_module_ia32,
		.enforcing = true,
		.required = true,
	},
#endif
};

/*
 * ftrace reports the address of the fentry call, which follows an ENDBR
 * where the kernel is built with IBT. security_file_open is the table's
 * first entry, and every open on the machine is called directly: an
 * indirect call costs a retpoline and, on 6.12, a call thunk.
 */
static void dispatch(unsigned long ip, unsigned long parent_ip,
		     struct ftrace_ops *ops, struct ftrace_regs *fregs)
{
	struct sysrqmon_hook *hook;

	if (likely(ip - hooks[0].addr <= ENDBR_INSN_SIZE)) {
		sysrqmon_hook_file_open(ip, parent_ip, &hooks[0], fregs);
		return;
	}
	for (hook = hooks + 1; hook < hooks + ARRAY_SIZE(hooks); hook++) {
		if (ip - hook->addr <= ENDBR_INSN_SIZE) {
			hook->func(ip, parent_ip, hook, fregs);
			return;
		}
	}
}

static struct ftrace_ops enforcing_ops = {
	.func = dispatch,
	.flags = FTRACE_OPS_FL_PERMANENT | FTRACE_OPS_FL_IPMODIFY,
};

static struct ftrace_ops reporting_ops = {
	.func = dispatch,
	.flags = FTRACE_OPS_FL_PERMANENT,
};

static struct ftrace_ops *ops_of(const struct sysrqmon_hook *hook)
{
	return hook->enforcing ? &enforcing_ops : &reporting_ops;
}

/* A hook that only reports may be missing: it is named, the others stay. */
static int hook_failed(struct sysrqmon_hook *hook, const char *why, int ret)
{
	if (hook->required) {
		pr_err("sysrqmon: cannot %s %s: %d\n", why, hook->symbol, ret);
		return ret;
	}
	pr_warn("sysrqmon: hook %s not attached (%s: %d), its events will be missing\n",
		hook->symbol, why, ret);
	hook->addr = 0;
	return 0;
}

static void probe_nothing(unsigned long ip, unsigned long parent_ip,
			  struct ftrace_ops *ops, struct ftrace_regs *fregs)
{
}

static struct ftrace_ops probe_ops = {
	.func = probe_nothing,
};

/*
 * ftrace refuses an ops as a whole. Try @ops's functions one by one on an
 * ops of the same kind to name the ones it refuses: typically one that
 * another IPMODIFY user, a livepatch say, already holds. Only on the way
 * to a failed load: each try waits for an RCU-tasks grace period.
 *
 * Return: whether a hook was named.
 */
static bool name_refused(struct ftrace_ops *ops)
{
	struct sysrqmon_hook *hook;
	bool named = false;
	int ret;

	probe_ops.flags = ops->flags & FTRACE_OPS_FL_IPMODIFY;
	for (hook = hooks; hook < hooks + ARRAY_SIZE(hooks); hook++) {
		if (!hook->addr || ops_of(hook) != ops)
			continue;
		ret = ftrace_set_filter_ip(&probe_ops, hook->addr, 0, 1);
		if (!ret)
			ret = register_ftrace_function(&probe_ops);
		if (!ret) {
			unregister_ftrace_function(&probe_ops);
			continue;
		}
		pr_err("sysrqmon: ftrace refuses hook %s: %d%s\n", hook->symbol, ret,
		       ret == -EBUSY ? " (another ftrace user, a livepatch say, modifies it)" : "");
		named = true;
	}
	ftrace_free_filter(&probe_ops);
	return named;
}

/* Register @ops if it has any hook; every hook on it is then attached. */
static int ops_register(struct ftrace_ops *ops)
{
	struct sysrqmon_hook *hook;
	bool used = false, named;
	int ret;

	for (hook = hooks; hook < hooks + ARRAY_SIZE(hooks); hook++)
		used |= hook->addr && ops_of(hook) == ops;
	/* An ops with an empty filter would trace every function. */
	if (!used)
		return 0;
	ret = register_ftrace_function(ops);
	named = ret && name_refused(ops);
	for (hook = hooks; hook < hooks + ARRAY_SIZE(hooks); hook++) {
		if (!hook->addr || ops_of(hook) != ops)
			continue;
		if (!ret)
			hook->attached = true;
		else if (hook->required && named)
			return ret;	/* the refused hook is named above */
		else if (hook_failed(hook, "register the ftrace_ops of", ret))
			return ret;
	}
	return 0;
}

/**
 * sysrqmon_hooks_install() - attach every hook of the table
 *
 * A hook that only reports may fail to attach: it is named in the log and
 * the others stay. A required hook that fails undoes everything.
 *
 * Return: 0 on success, or the errno of the first required hook that failed.
 */
int sysrqmon_hooks_install(void)
{
	struct sysrqmon_hook *hook;
	int ret = 0;

	for (hook = hooks; hook < hooks + ARRAY_SIZE(hooks) && !ret; hook++) {
		hook->addr = sysrqmon_lookup(hook->symbol);
		if (!hook->addr) {
			ret = hook_failed(hook, "find", -ENOENT);
			continue;
		}
		ret = ftrace_set_filter_ip(ops_of(hook), hook->addr, 0, 0);
		if (ret)
			ret = hook_failed(hook, "filter on", ret);
	}
	if (!ret)
		ret = ops_register(&enforcing_ops);
	if (!ret)
		ret = ops_register(&reporting_ops);
	if (ret)
		sysrqmon_hooks_remove();
	return ret;
}

/**
 * sysrqmon_hooks_remove() - detach every attached hook
 *
 * On return no callback of ours runs any more: ftrace waits for every task
 * that was inside one.
 */
void sysrqmon_hooks_remove(void)
{
	struct ftrace_ops *ops[] = { &reporting_ops, &enforcing_ops };
	struct sysrqmon_hook *hook;
	int i;

	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		if (ops[i]->flags & FTRACE_OPS_FL_ENABLED)
			unregister_ftrace_function(ops[i]);
		ftrace_free_filter(ops[i]);
	}
	for (hook = hooks; hook < hooks + ARRAY_SIZE(hooks); hook++) {
		hook->attached = false;
		hook->addr = 0;
	}
}

/**
 * sysrqmon_hook_count() - how many hooks the table has
 *
 * Return: the count.
 */
unsigned int sysrqmon_hook_count(void)
{
	return ARRAY_SIZE(hooks);
}

/**
 * sysrqmon_hook_get() - one hook of the table, for status reports
 * @i: its index, below sysrqmon_hook_count()
 *
 * Return: the hook.
 */
const struct sysrqmon_hook *sysrqmon_hook_get(unsigned int i)
{
	return &hooks[i];
}

/**
 * sysrqmon_enforcing_attached() - whether every hook that can deny is live
 *
 * Return: true if deny mode can be enforced.
 */
bool sysrqmon_enforcing_attached(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(hooks); i++)
		if (hooks[i].enforcing && !hooks[i].attached)
			return false;
	return true;
}

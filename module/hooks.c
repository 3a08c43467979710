// SPDX-License-Identifier: GPL-2.0
/*
 * The table of hooks, and the one loop that attaches them and the one that
 * detaches them.
 *
 * Every hook is a plain ftrace_ops: the cheapest attachment on the open
 * path, untouched by /sys/kernel/debug/kprobes/enabled, and, being
 * FTRACE_OPS_FL_PERMANENT, it makes a write of 0 to kernel.ftrace_enabled
 * fail with EBUSY instead of silently blinding us. Hooks that may deny also
 * declare IPMODIFY, which ftrace grants to one ops per function.
 */
#include <linux/ftrace.h>
#include <linux/kernel.h>

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
};

static int hook_attach(struct sysrqmon_hook *hook)
{
	unsigned long addr = sysrqmon_lookup(hook->symbol);
	int ret;

	if (!addr)
		return -ENOENT;
	hook->ops.func = hook->func;
	hook->ops.flags = FTRACE_OPS_FL_PERMANENT;
	if (hook->enforcing)
		hook->ops.flags |= FTRACE_OPS_FL_IPMODIFY;
	ret = ftrace_set_filter_ip(&hook->ops, addr, 0, 0);
	if (ret)
		return ret;
	ret = register_ftrace_function(&hook->ops);
	if (ret) {
		ftrace_free_filter(&hook->ops);
		return ret;
	}
	hook->attached = true;
	return 0;
}

static void hook_detach(struct sysrqmon_hook *hook)
{
	if (!hook->attached)
		return;
	unregister_ftrace_function(&hook->ops);
	ftrace_free_filter(&hook->ops);
	hook->attached = false;
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
	int i, ret;

	for (i = 0; i < ARRAY_SIZE(hooks); i++) {
		ret = hook_attach(&hooks[i]);
		if (!ret)
			continue;
		if (!hooks[i].required) {
			pr_warn("sysrqmon: hook %s not attached (%d), its events will be missing\n",
				hooks[i].symbol, ret);
			continue;
		}
		pr_err("sysrqmon: cannot attach to %s: %d\n",
		       hooks[i].symbol, ret);
		sysrqmon_hooks_remove();
		return ret;
	}
	return 0;
}

/**
 * sysrqmon_hooks_remove() - detach every attached hook, in reverse order
 *
 * On return no callback of ours runs any more: ftrace waits for every task
 * that was inside one.
 */
void sysrqmon_hooks_remove(void)
{
	int i;

	for (i = ARRAY_SIZE(hooks) - 1; i >= 0; i--)
		hook_detach(&hooks[i]);
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

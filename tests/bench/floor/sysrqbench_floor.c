// SPDX-License-Identifier: GPL-2.0
/*
 * sysrqbench_floor: the floors under sysrqmon's security_file_open hook for
 * tests/bench, hook=ftrace|ftrace_magic|kprobe (docs/benchmarks.md, "The
 * floors"). Never loaded outside a QEMU guest.
 */
#include <linux/fs.h>
#include <linux/ftrace.h>
#include <linux/kprobes.h>
#include <linux/magic.h>
#include <linux/module.h>
#include <linux/string.h>

#define HOOKED "security_file_open"

/* 6.1 exposes ftrace_regs' pt_regs, 6.12 makes it opaque (module/compat.h). */
#ifdef ftrace_regs_get_argument
#define floor_fregs_arg(fregs, n)	ftrace_regs_get_argument(fregs, n)
#else
#define floor_fregs_arg(fregs, n)	regs_get_kernel_argument(&(fregs)->regs, n)
#endif

static char *hook = "ftrace";
module_param(hook, charp, 0444);
MODULE_PARM_DESC(hook, "ftrace (empty callback), ftrace_magic or kprobe");

static unsigned long procfs_hits;
module_param(procfs_hits, ulong, 0444);
MODULE_PARM_DESC(procfs_hits, "opens of procfs files the magic check saw");

static void floor_empty(unsigned long ip, unsigned long parent_ip,
			struct ftrace_ops *ops, struct ftrace_regs *fregs)
{
}

static void floor_check(struct file *file)
{
	if (unlikely(file_inode(file)->i_sb->s_magic == PROC_SUPER_MAGIC))
		WRITE_ONCE(procfs_hits, procfs_hits + 1);
}

static void floor_magic(unsigned long ip, unsigned long parent_ip,
			struct ftrace_ops *ops, struct ftrace_regs *fregs)
{
	floor_check((struct file *)floor_fregs_arg(fregs, 0));
}

static int floor_pre(struct kprobe *kp, struct pt_regs *regs)
{
	floor_check((struct file *)regs_get_kernel_argument(regs, 0));
	return 0;
}

/* sysrqmon's flags (no SAVE_REGS): the price of its attachment alone */
static struct ftrace_ops floor_ops = {
	.flags = FTRACE_OPS_FL_PERMANENT | FTRACE_OPS_FL_IPMODIFY,
};

static struct kprobe floor_kp = {
	.symbol_name = HOOKED,
	.pre_handler = floor_pre,
};

static int __init floor_init(void)
{
	unsigned char name[] = HOOKED;	/* ftrace_set_filter() may edit it */
	int ret;

	if (!strcmp(hook, "kprobe"))
		return register_kprobe(&floor_kp);
	if (!strcmp(hook, "ftrace"))
		floor_ops.func = floor_empty;
	else if (!strcmp(hook, "ftrace_magic"))
		floor_ops.func = floor_magic;
	else
		return -EINVAL;
	ret = ftrace_set_filter(&floor_ops, name, sizeof(name) - 1, 0) ?:
	      register_ftrace_function(&floor_ops);
	if (ret)
		ftrace_free_filter(&floor_ops);
	return ret;
}

static void __exit floor_exit(void)
{
	if (!floor_ops.func) {
		unregister_kprobe(&floor_kp);
		return;
	}
	unregister_ftrace_function(&floor_ops);
	ftrace_free_filter(&floor_ops);
}

module_init(floor_init);
module_exit(floor_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("sysrqmon benchmark: empty hooks on security_file_open");

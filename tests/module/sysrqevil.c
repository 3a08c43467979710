// SPDX-License-Identifier: GPL-2.0
/*
 * sysrqevil: a hostile test module. By parameter it changes SysRq state
 * the ways a rootkit would, so the suite can prove each act works without
 * sysrqmon and is seen (or refused) with it. It undoes what it did when
 * unloaded.
 *
 *   act=toggle mask=N          sysrq_toggle_support(N)
 *   act=register key=C         register_sysrq_key(C, backdoor)
 *   act=handle key=C           handle_sysrq(C)
 *   act=rawmask mask=N addr=A  write N to the mask at A (sysrq_enabled)
 *   act=rawkey key=C addr=A    put the backdoor in slot C of the table at A
 *                              (leave=1: and leave it there when unloaded, a
 *                              pointer into freed memory; linger=MS: put it
 *                              back, then stay MS in exit, before the GOING
 *                              notifier)
 *   act=flip key=C comm=NAME   rewrite a task's one-byte buffer to C right
 *                              after a checker read it
 *   act=stall comm=NAME        hold a task on its CPU right after sysrqmon's
 *                              write-time check of the trigger, until
 *                              release=1 is written (or 15 s have passed)
 *   act=ipmodify sym=NAME      hold NAME with an IPMODIFY ftrace_ops, as a
 *                              livepatch does: ftrace grants that to one ops
 *                              per function, so sysrqmon cannot attach there
 *
 * flip is the deterministic form of a thread rewriting the trigger buffer:
 * when a task named NAME has a single byte read by copy_from_user_nofault()
 * (sysrqmon's write-time check), the byte becomes C before the kernel reads
 * it again, exactly inside the window a racing thread hits only sometimes.
 * stall is the deterministic form of a mode switch landing in that window:
 * it holds the writer (stalled= counts it) only until the writer's own
 * helper has emptied the page of the byte and written release=1; the
 * kernel's read of the key then sleeps in the helper's userfaultfd handler
 * while the suite switches the mode. It spins, as a kretprobe handler must,
 * so it is kept short.
 */
#include <linux/delay.h>
#include <linux/ftrace.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/sysrq.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>

static char *act = "";
module_param(act, charp, 0444);
MODULE_PARM_DESC(act, "toggle, register, handle, rawmask, rawkey, flip, stall or ipmodify");
static int mask;
module_param(mask, int, 0444);
MODULE_PARM_DESC(mask, "mask for toggle and rawmask");
static char *key = "y";
module_param(key, charp, 0444);
MODULE_PARM_DESC(key, "command key for register, handle and rawkey");
static unsigned long addr;
module_param(addr, ulong, 0444);
MODULE_PARM_DESC(addr, "kernel address for rawmask and rawkey (from /proc/kallsyms)");
static bool leave;
module_param(leave, bool, 0444);
MODULE_PARM_DESC(leave, "rawkey: do not put the slot back on unload");
static unsigned int linger;
module_param(linger, uint, 0444);
MODULE_PARM_DESC(linger, "rawkey: ms to stay in exit after putting the slot back");
static char *comm = "";
module_param(comm, charp, 0444);
MODULE_PARM_DESC(comm, "task name whose buffer flip rewrites, or that stall holds");
static unsigned int stalled;
module_param(stalled, uint, 0444);
MODULE_PARM_DESC(stalled, "stall: tasks held so far");
static bool release;
module_param(release, bool, 0644);
MODULE_PARM_DESC(release, "stall: let the held task go on");
static char *sym = "";
module_param(sym, charp, 0444);
MODULE_PARM_DESC(sym, "function ipmodify holds");

#ifdef SYSRQEVIL_KEY_U8
static void backdoor(u8 k)
#else
static void backdoor(int k)
#endif
{
	pr_info("sysrqevil: the hidden key ran\n");
}

static const struct sysrq_key_op backdoor_op = {
	.handler = backdoor,
	.help_msg = "backdoor(y)",
	.action_msg = "Backdoor",
	.enable_mask = SYSRQ_ENABLE_BOOT,
};

static bool registered;
static const struct sysrq_key_op **raw_slot;
static const struct sysrq_key_op *raw_saved;

static atomic_t flips = ATOMIC_INIT(0);

struct flip_read {
	const void __user *src;
};

/* long copy_from_user_nofault(void *dst, const void __user *src, size_t size) */
static int flip_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct flip_read *read = (struct flip_read *)ri->data;

	if (regs_get_kernel_argument(regs, 2) != 1 ||
	    strcmp(current->comm, comm))
		return 1;
	read->src = (const void __user *)regs_get_kernel_argument(regs, 1);
	return 0;
}

static int flip_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct flip_read *read = (struct flip_read *)ri->data;

	if (!regs_return_value(regs) &&
	    !copy_to_user_nofault((void __user *)read->src, key, 1))
		atomic_inc(&flips);
	return 0;
}

static struct kretprobe flip_probe = {
	.kp.symbol_name = "copy_from_user_nofault",
	.entry_handler = flip_entry,
	.handler = flip_return,
	.data_size = sizeof(struct flip_read),
	.maxactive = 8,
};

static bool flip_armed;

static atomic_t stall_timeouts = ATOMIC_INIT(0);
static u64 stall_longest_ns;

static int stall_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return strcmp(current->comm, comm) ? 1 : 0;
}

static int stall_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	/* Well before the soft lockup detector (20 s) and RCU's stall warning. */
	u64 start = ktime_get_mono_fast_ns(), now = start;

	WRITE_ONCE(stalled, stalled + 1);
	while (!READ_ONCE(release)) {
		if (now - start > 15 * NSEC_PER_SEC) {
			atomic_inc(&stall_timeouts);
			break;
		}
		cpu_relax();
		now = ktime_get_mono_fast_ns();
	}
	WRITE_ONCE(release, false);
	stall_longest_ns = max(stall_longest_ns, now - start);
	return 0;
}

/* Its return is the end of sysrqmon's check, before the kernel reads the key. */
static struct kretprobe stall_probe = {
	.kp.symbol_name = "sysrqmon_hook_trigger_write",
	.entry_handler = stall_entry,
	.handler = stall_return,
	.maxactive = 8,
};

static bool stall_armed;

static void hold_nothing(unsigned long ip, unsigned long parent_ip,
			 struct ftrace_ops *op, struct ftrace_regs *fregs)
{
}

static struct ftrace_ops hold_ops = {
	.func = hold_nothing,
	.flags = FTRACE_OPS_FL_IPMODIFY,
};

static bool holding;

static int hold(void)
{
	int ret = ftrace_set_filter(&hold_ops, sym, strlen(sym), 0);

	if (!ret)
		ret = register_ftrace_function(&hold_ops);
	if (ret)
		ftrace_free_filter(&hold_ops);
	holding = !ret;
	return ret;
}

static int slot_of(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 36;
	return -1;
}

static int __init sysrqevil_init(void)
{
	int c = key[0], ret = 0;

	if (!strcmp(act, "toggle")) {
		ret = sysrq_toggle_support(mask);
	} else if (!strcmp(act, "register")) {
		ret = register_sysrq_key(c, &backdoor_op);
		registered = !ret;
	} else if (!strcmp(act, "handle")) {
		handle_sysrq(c);
	} else if (!strcmp(act, "rawmask") && addr) {
		WRITE_ONCE(*(int *)addr, mask);
	} else if (!strcmp(act, "rawkey") && addr && slot_of(c) >= 0) {
		raw_slot = (const struct sysrq_key_op **)addr + slot_of(c);
		raw_saved = READ_ONCE(*raw_slot);
		WRITE_ONCE(*raw_slot, &backdoor_op);
	} else if (!strcmp(act, "flip") && comm[0]) {
		ret = register_kretprobe(&flip_probe);
		flip_armed = !ret;
	} else if (!strcmp(act, "stall") && comm[0]) {
		ret = register_kretprobe(&stall_probe);
		stall_armed = !ret;
	} else if (!strcmp(act, "ipmodify") && sym[0]) {
		ret = hold();
	} else {
		pr_err("sysrqevil: bad act=%s\n", act);
		return -EINVAL;
	}
	pr_info("sysrqevil: act=%s mask=%d key=%c ret=%d\n", act, mask, c, ret);
	return 0;
}

static void __exit sysrqevil_exit(void)
{
	if (registered)
		unregister_sysrq_key(key[0], &backdoor_op);
	if (raw_slot && !leave && READ_ONCE(*raw_slot) == &backdoor_op) {
		WRITE_ONCE(*raw_slot, raw_saved);
		/* Still GOING, the notifier not yet called: a drift check may run. */
		msleep(linger);
	}
	if (flip_armed)
		unregister_kretprobe(&flip_probe);
	if (stall_armed)
		unregister_kretprobe(&stall_probe);
	if (holding) {
		unregister_ftrace_function(&hold_ops);
		ftrace_free_filter(&hold_ops);
	}
	synchronize_rcu();
	pr_info("sysrqevil: unloaded flips=%d stalls=%u stall_timeouts=%d stall_longest_ms=%llu\n",
		atomic_read(&flips), stalled, atomic_read(&stall_timeouts),
		stall_longest_ns / NSEC_PER_MSEC);
}

module_init(sysrqevil_init);
module_exit(sysrqevil_exit);
MODULE_DESCRIPTION("sysrqmon test: hostile SysRq changes");
MODULE_LICENSE("GPL v2");

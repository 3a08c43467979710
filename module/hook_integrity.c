// SPDX-License-Identifier: GPL-2.0
/*
 * Changes of SysRq state that bypass the two files: the mask set from
 * kernel code, key handlers registered by modules, the sysrq driver's own
 * parameters, the keyboard reset sequence, and the switches that would
 * blind every kprobe or ftrace callback.
 */
#include <linux/moduleparam.h>
#include <linux/string.h>
#include <linux/sysctl.h>
#include <linux/sysrq.h>
#include <linux/uaccess.h>

#include "sysrqmon.h"

static bool from_our_module(unsigned long addr)
{
	bool ours;

	preempt_disable_notrace();
	ours = sysrqmon_module_of(addr) == THIS_MODULE;
	preempt_enable_notrace();
	return ours;
}

/* int sysrq_toggle_support(int enable_mask) */
void sysrqmon_hook_toggle(unsigned long ip, unsigned long parent_ip,
			  struct sysrqmon_hook *hook, struct ftrace_regs *fregs)
{
	int new = (int)hook_arg(fregs, 0), old = sysrq_mask();
	struct sysrqmon_event ev;
	bool denied;
	int bit;

	/* Off reports nothing, but a hooked change is still never drift. */
	if (READ_ONCE(sysrqmon_cfg.mode) == SYSRQMON_MODE_OFF) {
		sysrqmon_known_mask(new);
		return;
	}
	bit = sysrqmon_hook_enter(hook, ip, parent_ip);
	/* The sysctl path was decided and reported as event=sysctl. */
	if (sysrqmon_text_holds(&sysrqmon_sym.sysctl_handler, parent_ip)) {
		sysrqmon_known_mask(new);
		goto out;
	}
	/* Our own restore of drift. */
	if (from_our_module(parent_ip))
		goto out;

	denied = sysrqmon_deny_applies() &&
		 sysrqmon_mask_change_denied(old, new,
					     READ_ONCE(sysrqmon_cfg.allowed_mask));
	if (denied)
		sysrqmon_return_early(fregs, -EPERM);
	else
		sysrqmon_known_mask(new);
	if (bit < 0)
		return;

	sysrqmon_event_init(&ev, SYSRQMON_KIND_TOGGLE, true);
	ev.verdict = denied ? SYSRQMON_VERDICT_DENIED : SYSRQMON_VERDICT_ALLOWED;
	ev.old_mask = old;
	ev.new_mask = new;
	sysrqmon_module_name(parent_ip, ev.module, sizeof(ev.module));
	sysrqmon_event_emit(&ev);
out:
	if (bit >= 0)
		sysrqmon_hook_exit(bit);
}

static void report_keytable(unsigned long parent_ip, int key,
			    const struct sysrq_key_op *op, u8 kind_op,
			    bool denied)
{
	struct sysrqmon_event ev;

	sysrqmon_event_init(&ev, SYSRQMON_KIND_KEYTABLE, true);
	ev.verdict = denied ? SYSRQMON_VERDICT_DENIED : SYSRQMON_VERDICT_ALLOWED;
	ev.op = kind_op;
	ev.key = key;
	sysrqmon_module_name(parent_ip, ev.module, sizeof(ev.module));
	if (op) {
		snprintf(ev.handler, sizeof(ev.handler), "%ps", op->handler);
		strscpy(ev.action, op->help_msg ?: "", sizeof(ev.action));
	}
	sysrqmon_event_emit(&ev);
}

/* int register_sysrq_key(int key, const struct sysrq_key_op *op), u8 key since 6.6 */
void sysrqmon_hook_register_key(unsigned long ip, unsigned long parent_ip,
				struct sysrqmon_hook *hook,
				struct ftrace_regs *fregs)
{
	const struct sysrq_key_op *op = (void *)hook_arg(fregs, 1);
	int key = sysrqmon_sysrq_key(hook_arg(fregs, 0));
	bool denied;
	int bit;

	denied = sysrqmon_deny_applies();
	if (denied)
		sysrqmon_return_early(fregs, -EPERM);
	else
		sysrqmon_known_key(key, NULL, op);
	if (READ_ONCE(sysrqmon_cfg.mode) == SYSRQMON_MODE_OFF)
		return;
	bit = sysrqmon_hook_enter(hook, ip, parent_ip);
	if (bit < 0)
		return;
	report_keytable(parent_ip, key, op, SYSRQMON_OP_REGISTER, denied);
	sysrqmon_hook_exit(bit);
}

/*
 * int unregister_sysrq_key(int key, const struct sysrq_key_op *op), u8 key
 * since 6.6
 *
 * Never refused: a module must always be able to remove its handler
 * before it goes.
 */
void sysrqmon_hook_unregister_key(unsigned long ip, unsigned long parent_ip,
				  struct sysrqmon_hook *hook,
				  struct ftrace_regs *fregs)
{
	const struct sysrq_key_op *op = (void *)hook_arg(fregs, 1);
	int key = sysrqmon_sysrq_key(hook_arg(fregs, 0));
	int bit;

	sysrqmon_known_key(key, op, NULL);
	if (READ_ONCE(sysrqmon_cfg.mode) == SYSRQMON_MODE_OFF)
		return;
	bit = sysrqmon_hook_enter(hook, ip, parent_ip);
	if (bit < 0)
		return;
	report_keytable(parent_ip, key, op, SYSRQMON_OP_UNREGISTER, false);
	sysrqmon_hook_exit(bit);
}

static void param_write(struct sysrqmon_hook *hook, unsigned long ip,
			unsigned long parent_ip, struct ftrace_regs *fregs,
			const char *name)
{
	const char *val = (const char *)hook_arg(fregs, 0);
	struct sysrqmon_event ev;
	bool denied;
	int bit;

	if (READ_ONCE(sysrqmon_cfg.mode) == SYSRQMON_MODE_OFF)
		return;
	/* Refuse the whole write: an array setter empties it first. */
	denied = sysrqmon_deny_applies();
	if (denied)
		sysrqmon_return_early(fregs, -EPERM);
	bit = sysrqmon_hook_enter(hook, ip, parent_ip);
	if (bit < 0)
		return;
	sysrqmon_event_init(&ev, SYSRQMON_KIND_PARAM, true);
	ev.verdict = denied ? SYSRQMON_VERDICT_DENIED : SYSRQMON_VERDICT_ALLOWED;
	strscpy(ev.setting, name, sizeof(ev.setting));
	strscpy(ev.new_value, val ?: "", sizeof(ev.new_value));
	ev.new_value[strcspn(ev.new_value, "\n")] = '\0';
	sysrqmon_event_emit(&ev);
	sysrqmon_hook_exit(bit);
}

/* int param_array_set(const char *val, const struct kernel_param *kp) */
void sysrqmon_hook_param_array(unsigned long ip, unsigned long parent_ip,
			       struct sysrqmon_hook *hook,
			       struct ftrace_regs *fregs)
{
	if (sysrqmon_sym.reset_seq_param &&
	    (void *)hook_arg(fregs, 1) == sysrqmon_sym.reset_seq_param)
		param_write(hook, ip, parent_ip, fregs, "reset_seq");
}

/* int param_set_int(const char *val, const struct kernel_param *kp) */
void sysrqmon_hook_param_int(unsigned long ip, unsigned long parent_ip,
			     struct sysrqmon_hook *hook, struct ftrace_regs *fregs)
{
	if (sysrqmon_sym.downtime_param &&
	    (void *)hook_arg(fregs, 1) == sysrqmon_sym.downtime_param)
		param_write(hook, ip, parent_ip, fregs, "sysrq_downtime_ms");
}

/*
 * void orderly_reboot(void), from the keyboard reset sequence: the first
 * press reboots without entering the SysRq dispatch.
 */
void sysrqmon_hook_orderly_reboot(unsigned long ip, unsigned long parent_ip,
				  struct sysrqmon_hook *hook,
				  struct ftrace_regs *fregs)
{
	struct sysrqmon_event ev;
	bool injected;
	int bit;

	if (READ_ONCE(sysrqmon_cfg.mode) == SYSRQMON_MODE_OFF)
		return;
	if (!sysrqmon_text_holds(&sysrqmon_sym.do_reset, parent_ip) &&
	    !sysrqmon_from_keyboard(parent_ip))
		return;
	bit = sysrqmon_hook_enter(hook, ip, parent_ip);
	if (bit < 0)
		return;
	/* Pressed by a process (uinput, evdev) or armed by one: its act. */
	injected = in_task() && !(current->flags & PF_KTHREAD);
	sysrqmon_event_init(&ev, SYSRQMON_KIND_CONSOLE, injected);
	ev.source = injected ? SYSRQMON_SOURCE_INJECT : SYSRQMON_SOURCE_RESET;
	strscpy(ev.action, "reboot", sizeof(ev.action));
	sysrqmon_event_emit(&ev);
	sysrqmon_hook_exit(bit);
}

static void report_tamper(const char *what, bool denied)
{
	struct sysrqmon_event ev;

	sysrqmon_event_init(&ev, SYSRQMON_KIND_TAMPER, true);
	ev.verdict = denied ? SYSRQMON_VERDICT_DENIED : SYSRQMON_VERDICT_ALLOWED;
	strscpy(ev.what, what, sizeof(ev.what));
	sysrqmon_count_tamper();
	sysrqmon_event_emit(&ev);
}

/*
 * ssize_t write_enabled_file_bool(struct file *file,
 *				   const char __user *buf, size_t count,
 *				   loff_t *ppos)
 *
 * /sys/kernel/debug/kprobes/enabled. Our ftrace hooks do not care, but
 * other tools' kprobes do; while locked, disarming them is refused.
 */
void sysrqmon_hook_kprobes_enabled(unsigned long ip, unsigned long parent_ip,
				   struct sysrqmon_hook *hook,
				   struct ftrace_regs *fregs)
{
	const char __user *ubuf = (const char __user *)hook_arg(fregs, 1);
	size_t count = hook_arg(fregs, 2);
	bool locked = READ_ONCE(sysrqmon_cfg.locked);
	char buf[4] = "";
	bool enable;
	int bit;

	if (copy_from_user_nofault(buf, ubuf, min(count, sizeof(buf) - 1))) {
		if (!locked)
			return;
		sysrqmon_count_undecided();
	} else if (kstrtobool(buf, &enable) || enable) {
		return;
	}
	if (locked)
		sysrqmon_return_early(fregs, -EPERM);
	bit = sysrqmon_hook_enter(hook, ip, parent_ip);
	if (bit < 0)
		return;
	report_tamper("kprobes", locked);
	sysrqmon_hook_exit(bit);
}

/*
 * int proc_dointvec(struct ctl_table *table, int write, void *buffer,
 *		     size_t *lenp, loff_t *ppos), for kernel.ftrace_enabled
 *
 * The write of 0 fails with EBUSY while our FTRACE_OPS_FL_PERMANENT ops
 * are registered: it is reported as refused.
 */
void sysrqmon_hook_dointvec(unsigned long ip, unsigned long parent_ip,
			    struct sysrqmon_hook *hook, struct ftrace_regs *fregs)
{
	const struct ctl_table *table = (void *)hook_arg(fregs, 0);
	const char *buffer;
	char value[16];
	size_t len;
	int bit, n;

	/* Every int sysctl comes here, ours included: compare first. */
	if (!sysrqmon_sym.ftrace_enabled || table->data != sysrqmon_sym.ftrace_enabled ||
	    !hook_arg(fregs, 1))
		return;
	buffer = (const char *)hook_arg(fregs, 2);
	len = *(size_t *)hook_arg(fregs, 3);
	strscpy(value, buffer, min(len + 1, sizeof(value)));
	if (kstrtoint(strim(value), 0, &n) || n)
		return;
	bit = sysrqmon_hook_enter(hook, ip, parent_ip);
	if (bit < 0)
		return;
	report_tamper("ftrace", true);
	sysrqmon_hook_exit(bit);
}

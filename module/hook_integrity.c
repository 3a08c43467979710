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

static noinline void report_toggle(unsigned long parent_ip, int old, int new,
				   const struct sysrqmon_decision *d)
{
	struct sysrqmon_event *ev;

	ev = sysrqmon_event_start(SYSRQMON_KIND_TOGGLE, true, d);
	if (!ev)
		return;
	ev->act.old_mask = old;
	ev->act.new_mask = new;
	sysrqmon_module_name(parent_ip, ev->act.module, sizeof(ev->act.module));
	sysrqmon_event_emit(ev);
}

/* int sysrq_toggle_support(int enable_mask) */
void sysrqmon_hook_toggle(unsigned long ip, unsigned long parent_ip,
			  struct sysrqmon_hook *hook, struct ftrace_regs *fregs)
{
	struct sysrqmon_request req = {
		.kind = SYSRQMON_KIND_TOGGLE,
		.old_mask = sysrq_mask(),
		.new_mask = (int)hook_arg(fregs, 0),
	};
	struct sysrqmon_decision d;
	int bit;

	/* The sysctl path was decided and reported as event=sysctl. */
	if (sysrqmon_text_holds(&sysrqmon_sym.sysctl_handler, parent_ip)) {
		sysrqmon_known_mask(req.new_mask);
		return;
	}
	/* Our own restore of drift. */
	if (from_our_module(parent_ip))
		return;

	bit = sysrqmon_hook_ask(hook, ip, parent_ip, fregs, &req, -EPERM, &d);
	/* Reported (not in mode off) or not, an allowed change is never drift. */
	if (!d.deny)
		sysrqmon_known_mask(req.new_mask);
	if (bit < 0)
		return;
	report_toggle(parent_ip, req.old_mask, req.new_mask, &d);
	sysrqmon_hook_exit(bit);
}

static noinline void report_keytable(unsigned long parent_ip, int key,
				     const struct sysrq_key_op *op, u8 kind_op,
				     const struct sysrqmon_decision *d)
{
	struct sysrqmon_event *ev;

	ev = sysrqmon_event_start(SYSRQMON_KIND_KEYTABLE, true, d);
	if (!ev)
		return;
	ev->act.op = kind_op;
	ev->act.key = key;
	sysrqmon_module_name(parent_ip, ev->act.module, sizeof(ev->act.module));
	if (op) {
		snprintf(ev->act.handler, sizeof(ev->act.handler), "%ps", op->handler);
		strscpy(ev->act.action, op->help_msg ?: "", sizeof(ev->act.action));
	}
	sysrqmon_event_emit(ev);
}

/*
 * int register_sysrq_key(int key, const struct sysrq_key_op *op) and
 * int unregister_sysrq_key(int key, const struct sysrq_key_op *op), u8 key
 * since 6.6
 */
static void key_table_change(struct sysrqmon_hook *hook, unsigned long ip,
			     unsigned long parent_ip, struct ftrace_regs *fregs,
			     u8 kind_op)
{
	const struct sysrq_key_op *op = (void *)hook_arg(fregs, 1);
	struct sysrqmon_request req = {
		.kind = SYSRQMON_KIND_KEYTABLE,
		.key = sysrqmon_sysrq_key(hook_arg(fregs, 0)),
		.op = kind_op,
	};
	struct sysrqmon_decision d;
	int bit;

	bit = sysrqmon_hook_ask(hook, ip, parent_ip, fregs, &req, -EPERM, &d);
	if (!d.deny)
		sysrqmon_known_key(req.key, kind_op == SYSRQMON_OP_REGISTER ? NULL : op,
				   kind_op == SYSRQMON_OP_REGISTER ? op : NULL);
	if (bit < 0)
		return;
	report_keytable(parent_ip, req.key, op, kind_op, &d);
	sysrqmon_hook_exit(bit);
}

/* int register_sysrq_key(int key, const struct sysrq_key_op *op) */
void sysrqmon_hook_register_key(unsigned long ip, unsigned long parent_ip,
				struct sysrqmon_hook *hook,
				struct ftrace_regs *fregs)
{
	key_table_change(hook, ip, parent_ip, fregs, SYSRQMON_OP_REGISTER);
}

/* int unregister_sysrq_key(int key, const struct sysrq_key_op *op) */
void sysrqmon_hook_unregister_key(unsigned long ip, unsigned long parent_ip,
				  struct sysrqmon_hook *hook,
				  struct ftrace_regs *fregs)
{
	key_table_change(hook, ip, parent_ip, fregs, SYSRQMON_OP_UNREGISTER);
}

static noinline void report_param(const char *name, const char *val,
				  const struct sysrqmon_decision *d)
{
	struct sysrqmon_event *ev;

	ev = sysrqmon_event_start(SYSRQMON_KIND_PARAM, true, d);
	if (!ev)
		return;
	strscpy(ev->text.setting, name, sizeof(ev->text.setting));
	strscpy(ev->text.new, val ?: "", sizeof(ev->text.new));
	ev->text.new[strcspn(ev->text.new, "\n")] = '\0';
	sysrqmon_event_emit(ev);
}

/* Refused whole: an array setter empties the array first. */
static void param_write(struct sysrqmon_hook *hook, unsigned long ip,
			unsigned long parent_ip, struct ftrace_regs *fregs,
			const char *name)
{
	struct sysrqmon_request req = { .kind = SYSRQMON_KIND_PARAM };
	struct sysrqmon_decision d;
	int bit;

	bit = sysrqmon_hook_ask(hook, ip, parent_ip, fregs, &req, -EPERM, &d);
	if (bit < 0)
		return;
	report_param(name, (const char *)hook_arg(fregs, 0), &d);
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
	/* Pressed by a process (uinput, evdev) or armed by one: its act. */
	bool injected = in_task() && !(current->flags & PF_KTHREAD);
	struct sysrqmon_request req = {
		.kind = SYSRQMON_KIND_CONSOLE,
		.source = injected ? SYSRQMON_SOURCE_INJECT :
				     SYSRQMON_SOURCE_RESET,
		.key = SYSRQMON_KEY_NONE,
		.reset = true,
		.done = true,
	};
	struct sysrqmon_event *ev;
	struct sysrqmon_decision d;
	int bit;

	if (!sysrqmon_text_holds(&sysrqmon_sym.do_reset, parent_ip) &&
	    !sysrqmon_from_keyboard(parent_ip))
		return;
	bit = sysrqmon_hook_ask(hook, ip, parent_ip, fregs, &req, 0, &d);
	if (bit < 0)
		return;
	ev = sysrqmon_event_start(SYSRQMON_KIND_CONSOLE, injected, &d);
	if (ev) {
		ev->act.source = req.source;
		strscpy(ev->act.action, "reboot", sizeof(ev->act.action));
		sysrqmon_event_emit(ev);
	}
	sysrqmon_hook_exit(bit);
}

static noinline void report_tamper(const char *what,
				   const struct sysrqmon_decision *d)
{
	struct sysrqmon_event *ev;

	ev = sysrqmon_event_start(SYSRQMON_KIND_TAMPER, true, d);
	if (!ev)
		return;
	strscpy(ev->act.what, what, sizeof(ev->act.what));
	sysrqmon_stats_inc(SYSRQMON_STAT_TAMPER);
	sysrqmon_event_emit(ev);
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
	struct sysrqmon_request req = { .kind = SYSRQMON_KIND_TAMPER };
	struct sysrqmon_decision d;
	char buf[4] = "";
	bool enable;
	int bit;

	if (copy_from_user_nofault(buf, ubuf, min(count, sizeof(buf) - 1)))
		req.unread = true;
	else if (kstrtobool(buf, &enable) || enable)
		return;
	bit = sysrqmon_hook_ask(hook, ip, parent_ip, fregs, &req, -EPERM, &d);
	if (bit < 0)
		return;
	report_tamper("kprobes", &d);
	sysrqmon_hook_exit(bit);
}

/*
 * int proc_dointvec(struct ctl_table *table, int write, void *buffer,
 *		     size_t *lenp, loff_t *ppos), for kernel.ftrace_enabled
 *
 * The write of 0 fails with EBUSY while our FTRACE_OPS_FL_PERMANENT ops
 * are registered: it is reported as refused, but the kernel refuses it.
 */
void sysrqmon_hook_dointvec(unsigned long ip, unsigned long parent_ip,
			    struct sysrqmon_hook *hook, struct ftrace_regs *fregs)
{
	const struct ctl_table *table = (void *)hook_arg(fregs, 0);
	struct sysrqmon_request req = { .kind = SYSRQMON_KIND_TAMPER };
	struct sysrqmon_decision d;
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
	sysrqmon_decide(&req, &d);
	d.deny = true;
	bit = sysrqmon_hook_enter(hook, ip, parent_ip);
	if (bit < 0)
		return;
	report_tamper("ftrace", &d);
	sysrqmon_hook_exit(bit);
}

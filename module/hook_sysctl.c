// SPDX-License-Identifier: GPL-2.0
/*
 * sysrq_sysctl_handler: writes of kernel.sysrq.
 *
 * Only the kernel.sysrq table entry uses this handler, so reaching it is the
 * identity. The buffer is the handler's private kernel copy, after any
 * cgroup sysctl program has rewritten it: the value parsed from it is the
 * value the kernel applies.
 */
#include <linux/sysctl.h>
#include <linux/sysrq.h>

#include "sysrqmon.h"

/*
 * The handler parses with __do_proc_dointvec() into a temporary that starts
 * as the current mask; proc_dointvec() on a one-int table is that same
 * parser (base 0, blanks, -1, extra values, sysctl_writes_strict). It works
 * on copies of the length and position, so the real write is untouched.
 */
static int mask_to_apply(void *buffer, size_t len, loff_t pos, int old,
			 int *mask)
{
	struct ctl_table table = {
		.procname = "sysrq",
		.data = mask,
		.maxlen = sizeof(int),
		.mode = 0644,
	};

	*mask = old;
	return proc_dointvec(&table, 1, buffer, &len, &pos);
}

/* Return: whether the write is refused. */
static noinline bool sysctl_write(void *buffer, size_t len, loff_t pos)
{
	struct sysrqmon_event ev;
	int old = sysrq_mask(), new;
	bool denied;

	/* The kernel refuses what it cannot parse: nothing changes. */
	if (mask_to_apply(buffer, len, pos, old, &new))
		return false;

	denied = sysrqmon_deny_applies() &&
		 sysrqmon_mask_change_denied(old, new,
					     READ_ONCE(sysrqmon_cfg.allowed_mask));
	sysrqmon_event_init(&ev, SYSRQMON_KIND_SYSCTL, true);
	ev.target = SYSRQMON_TARGET_SYSRQ;
	ev.verdict = denied ? SYSRQMON_VERDICT_DENIED : SYSRQMON_VERDICT_ALLOWED;
	ev.old_mask = old;
	ev.new_mask = new;
	sysrqmon_event_emit(&ev);
	return denied;
}

/*
 * int sysrq_sysctl_handler(struct ctl_table *table, int write,
 *			    void *buffer, size_t *lenp, loff_t *ppos)
 */
void sysrqmon_hook_sysctl(unsigned long ip, unsigned long parent_ip,
			  struct sysrqmon_hook *hook, struct ftrace_regs *fregs)
{
	int bit;

	if (!hook_arg(fregs, 1))
		return;
	if (READ_ONCE(sysrqmon_cfg.mode) == SYSRQMON_MODE_OFF)
		return;
	bit = sysrqmon_hook_enter(hook, ip, parent_ip);
	if (bit < 0) {
		/* Cannot decide: fail closed. */
		if (sysrqmon_deny_applies()) {
			sysrqmon_count_undecided();
			sysrqmon_return_early(fregs, -EPERM);
		}
		return;
	}
	if (sysctl_write((void *)hook_arg(fregs, 2),
			 *(size_t *)hook_arg(fregs, 3),
			 *(loff_t *)hook_arg(fregs, 4)))
		sysrqmon_return_early(fregs, -EPERM);
	sysrqmon_hook_exit(bit);
}

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

static noinline void report_sysctl(int old, int new,
				   const struct sysrqmon_decision *d)
{
	struct sysrqmon_event *ev;

	ev = sysrqmon_event_start(SYSRQMON_KIND_SYSCTL, true, d);
	if (!ev)
		return;
	ev->target = SYSRQMON_TARGET_SYSRQ;
	ev->act.old_mask = old;
	ev->act.new_mask = new;
	sysrqmon_event_emit(ev);
}

/*
 * int sysrq_sysctl_handler(struct ctl_table *table, int write,
 *			    void *buffer, size_t *lenp, loff_t *ppos)
 *
 * Without the recursion guard the write cannot be judged: deny mode
 * refuses it.
 */
void sysrqmon_hook_sysctl(unsigned long ip, unsigned long parent_ip,
			  struct sysrqmon_hook *hook, struct ftrace_regs *fregs)
{
	struct sysrqmon_request req = {
		.kind = SYSRQMON_KIND_SYSCTL,
		.old_mask = sysrq_mask(),
	};
	struct sysrqmon_decision d;
	int bit;

	if (!hook_arg(fregs, 1))
		return;
	bit = sysrqmon_hook_enter(hook, ip, parent_ip);
	/* The kernel refuses what it cannot parse: nothing changes. */
	if (bit >= 0 &&
	    mask_to_apply((void *)hook_arg(fregs, 2), *(size_t *)hook_arg(fregs, 3),
			  *(loff_t *)hook_arg(fregs, 4), req.old_mask,
			  &req.new_mask))
		goto out;
	req.unread = bit < 0;
	sysrqmon_decide(&req, &d);
	if (d.deny)
		sysrqmon_return_early(fregs, -EPERM);
	if (d.report)
		report_sysctl(req.old_mask, req.new_mask, &d);
out:
	if (bit >= 0)
		sysrqmon_hook_exit(bit);
}

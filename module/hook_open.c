// SPDX-License-Identifier: GPL-2.0
/*
 * security_file_open: opens of the two targets.
 *
 * Every open on the machine passes here. The fast path reads the superblock
 * magic and returns for anything that is not procfs, for read-only procfs
 * opens unless watch_reads is set, and for procfs files that cannot be a
 * target by their file operations (and a sysctl's name length): no locks, no
 * strings, no stack beyond a few registers. Everything else is out of line.
 */
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <linux/preempt.h>
#include <linux/string.h>

#include "sysrqmon.h"

/*
 * d_path() may block on rename_lock or mount_lock, and under PREEMPT_RT
 * those sleep: there it runs only while preemption is on, that is outside
 * the recursion guard and only when ftrace calls us straight from the
 * trampoline (a second ftrace user on security_file_open makes ftrace call
 * every callback with preemption off). Elsewhere the path is "?".
 */
static void name_opened_file(const struct file *file, struct sysrqmon_event *ev)
{
	if ((!IS_ENABLED(CONFIG_PREEMPT_RT) || preemptible()) &&
	    sysrqmon_name_path(&file->f_path, ev->path, sizeof(ev->path)))
		return;
	strscpy(ev->path, "?", sizeof(ev->path));
	ev->truncated = true;
}

/* Nothing here reaches security_file_open again: no guard until emit. */
static noinline void report_open(struct sysrqmon_hook *hook, unsigned long ip,
				 unsigned long parent_ip, const struct file *file,
				 enum sysrqmon_target target,
				 const struct sysrqmon_decision *d)
{
	struct sysrqmon_event ev;
	int bit;

	sysrqmon_event_init(&ev, SYSRQMON_KIND_OPEN, true, d);
	ev.target = target;
	ev.flags = file->f_flags;
	name_opened_file(file, &ev);
	bit = sysrqmon_hook_enter(hook, ip, parent_ip);
	if (bit < 0)
		return;
	sysrqmon_event_emit(&ev);
	sysrqmon_hook_exit(bit);
}

static noinline void proc_file_open(struct sysrqmon_hook *hook, unsigned long ip,
				    unsigned long parent_ip, struct file *file,
				    struct ftrace_regs *fregs)
{
	struct sysrqmon_request req = {
		.kind = SYSRQMON_KIND_OPEN,
		.target = sysrqmon_file_target(file),
		.write = file->f_mode & FMODE_WRITE,
	};
	struct sysrqmon_decision d;

	if (req.target == SYSRQMON_TARGET_NONE)
		return;
	sysrqmon_decide(&req, &d);
	if (d.deny)
		sysrqmon_return_early(fregs, -EPERM);
	if (d.report)
		report_open(hook, ip, parent_ip, file, req.target, &d);
}

/* int security_file_open(struct file *file) */
void sysrqmon_hook_file_open(unsigned long ip, unsigned long parent_ip,
			     struct sysrqmon_hook *hook, struct ftrace_regs *fregs)
{
	struct file *file = (struct file *)hook_arg(fregs, 0);

	if (likely(file_inode(file)->i_sb->s_magic != PROC_SUPER_MAGIC))
		return;
	/* Most procfs opens are reads, which are not events by default. */
	if (!(file->f_mode & FMODE_WRITE) && !READ_ONCE(sysrqmon_watching_reads))
		return;
	if (!sysrqmon_may_be_target(file))
		return;
	proc_file_open(hook, ip, parent_ip, file, fregs);
}

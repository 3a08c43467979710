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
#include <linux/local_lock.h>
#include <linux/percpu.h>
#include <linux/magic.h>
#include <linux/preempt.h>
#include <linux/string.h>

#include "sysrqmon.h"

/*
 * The opened file's name, built before the event is started: d_path() may
 * block on rename_lock or mount_lock, and under PREEMPT_RT those sleep, so
 * there it runs only while preemption is on, that is before the recursion
 * guard and the event's slot (both disable preemption) and only when
 * ftrace calls us straight from the trampoline (a second ftrace user on
 * security_file_open makes ftrace call every callback with preemption
 * off). Elsewhere the path is "?". The name is built in a per-CPU buffer,
 * not on the stack of the hooked function: only this hook uses it, in task
 * context, under a local lock (preemption off, or under PREEMPT_RT a
 * per-CPU lock that may sleep, which is allowed exactly where d_path() is).
 */
struct open_name {
	local_lock_t lock;
	char path[SYSRQMON_STR_MAX];
};

static DEFINE_PER_CPU(struct open_name, open_name) = {
	.lock = INIT_LOCAL_LOCK(lock),
};

/* Nothing here reaches security_file_open again: no guard until emit. */
static noinline void report_open(struct sysrqmon_hook *hook, unsigned long ip,
				 unsigned long parent_ip, const struct file *file,
				 enum sysrqmon_target target,
				 const struct sysrqmon_decision *d)
{
	bool locked = !IS_ENABLED(CONFIG_PREEMPT_RT) || preemptible();
	struct open_name *name = NULL;
	struct sysrqmon_event *ev;
	bool named = false;
	int bit;

	if (locked) {
		local_lock(&open_name.lock);
		name = this_cpu_ptr(&open_name);
		named = sysrqmon_name_path(&file->f_path, name->path,
					   sizeof(name->path));
	}
	bit = sysrqmon_hook_enter(hook, ip, parent_ip);
	if (bit < 0)
		goto unlock;
	ev = sysrqmon_event_start(SYSRQMON_KIND_OPEN, true, d);
	if (ev) {
		ev->target = target;
		ev->open.flags = file->f_flags;
		if (named) {
			strscpy(ev->open.path, name->path, sizeof(ev->open.path));
		} else {
			strscpy(ev->open.path, "?", sizeof(ev->open.path));
			ev->truncated = true;
		}
		sysrqmon_event_emit(ev);
	}
	sysrqmon_hook_exit(bit);
unlock:
	if (locked)
		local_unlock(&open_name.lock);
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

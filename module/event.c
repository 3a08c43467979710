// SPDX-License-Identifier: GPL-2.0
/*
 * Recording an event: who did it, its sequence number, and its way out to
 * the kernel log, the audit subsystem and the listeners' buffer.
 */
#include <linux/audit.h>
#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/proc_ns.h>
#include <linux/nsproxy.h>
#include <linux/pid_namespace.h>
#include <linux/sched/task.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uidgid.h>

#include "sysrqmon.h"

/**
 * sysrqmon_current_contained() - whether current runs inside a container
 *
 * The contract's predicate: not in the initial pid namespace, or not in the
 * initial mount namespace. Pointer comparisons only, safe in atomic context.
 *
 * Return: true if contained.
 */
bool sysrqmon_current_contained(void)
{
	struct nsproxy *ns = current->nsproxy;

	if (task_active_pid_ns(current) != &init_pid_ns)
		return true;
	return ns && ns->mnt_ns != init_task.nsproxy->mnt_ns;
}
EXPORT_SYMBOL_IF_KUNIT(sysrqmon_current_contained);

/*
 * Where the ns_common sits in the mount namespace, a struct private to fs/:
 * learnt at load from what the proc_ns get of mnt_namespace hands out.
 */
static long mntns_common_offset = -1;

/**
 * sysrqmon_event_init_symbols() - learn what fill_task() needs
 *
 * mntns_operations is not exported; without it events lack mntns. Its get
 * takes task_lock, a sleeping lock under PREEMPT_RT, so hooks never call it:
 * it is called once here, in process context, to find the ns_common's
 * offset in current's mount namespace.
 */
void sysrqmon_event_init_symbols(void)
{
	const struct proc_ns_operations *ops;
	struct ns_common *ns;

	ops = sysrqmon_sym.mntns_ops;
	if (!ops)
		return;
	ns = ops->get(current);
	if (!ns)
		return;
	mntns_common_offset = (char *)ns - (char *)current->nsproxy->mnt_ns;
	ops->put(ns);
}

/*
 * Only current replaces its own nsproxy, and its reference keeps the mount
 * namespace alive: current reads it without a lock.
 */
static u32 current_mntns_inum(void)
{
	struct nsproxy *nsproxy = current->nsproxy;
	struct ns_common *ns;

	if (mntns_common_offset < 0 || !nsproxy || !nsproxy->mnt_ns)
		return 0;
	ns = (void *)((char *)nsproxy->mnt_ns + mntns_common_offset);
	return ns->inum;
}

static void fill_task(struct sysrqmon_event *ev)
{
	const struct cred *cred = current_cred();

	ev->has_task = true;
	ev->pid = task_tgid_nr(current);
	ev->tid = task_pid_nr(current);
	rcu_read_lock();
	ev->ppid = task_tgid_nr(rcu_dereference(current->real_parent));
	rcu_read_unlock();
	ev->uid = from_kuid_munged(&init_user_ns, cred->uid);
	ev->euid = from_kuid_munged(&init_user_ns, cred->euid);
	ev->gid = from_kgid_munged(&init_user_ns, cred->gid);
	/* Plain reads of current's own fields (stubs without AUDITSYSCALL). */
	ev->auid = from_kuid(&init_user_ns, audit_get_loginuid(current));
	ev->ses = audit_get_sessionid(current);
	/* get_task_comm() takes task_lock, which a hook must not. */
	strscpy_pad(ev->comm, current->comm, sizeof(ev->comm));
	ev->contained = sysrqmon_current_contained();
	ev->pidns = task_active_pid_ns(current)->ns.inum;
	rcu_read_lock();
	ev->cgroup_id = cgroup_id(task_dfl_cgroup(current));
	rcu_read_unlock();
	ev->mntns = current_mntns_inum();
}

/**
 * sysrqmon_event_init() - start an event
 * @ev: the event to fill
 * @kind: its kind
 * @from_task: whether the current task caused it (false in interrupt
 *	       context and for the module's own checks)
 * @d: the policy's decision on it: its verdict and the sinks it reaches
 */
void sysrqmon_event_init(struct sysrqmon_event *ev, enum sysrqmon_kind kind,
			 bool from_task, const struct sysrqmon_decision *d)
{
	memset(ev, 0, sizeof(*ev));
	ev->kind = kind;
	ev->key = SYSRQMON_KEY_NONE;
	ev->verdict = d->deny ? SYSRQMON_VERDICT_DENIED :
				SYSRQMON_VERDICT_ALLOWED;
	ev->always = d->always;
	ev->line = d->line;
	ev->record = d->record;
	ev->auid = (u32)-1;
	ev->ses = AUDIT_SID_UNSET;
	if (from_task)
		fill_task(ev);
}
EXPORT_SYMBOL_IF_KUNIT(sysrqmon_event_init);

/**
 * sysrqmon_name_path() - a path's name, at the start of a buffer
 * @path: the path
 * @buf: receives the name, NUL-terminated
 * @size: size of @buf
 *
 * d_path() builds the name at the end of the buffer; it is moved to the
 * start. Context: where d_path() may wait on rename_lock or mount_lock,
 * which under PREEMPT_RT means with preemption on.
 *
 * Return: true, or false when the name cannot be built (@buf undefined).
 */
bool sysrqmon_name_path(const struct path *path, char *buf, size_t size)
{
	char *name = d_path(path, buf, size);

	if (IS_ERR(name))
		return false;
	memmove(buf, name, strlen(name) + 1);
	return true;
}

/**
 * sysrqmon_event_resolve_exe() - name the executable an event holds
 * @ev: a queued event, owned by the caller
 *
 * d_path() may wait for rename_lock or mount_lock, which sleep under
 * PREEMPT_RT and are not irq-safe: hooks only pin the file, and the queue's
 * worker names it here.
 *
 * Context: process context.
 */
void sysrqmon_event_resolve_exe(struct sysrqmon_event *ev)
{
	if (!ev->exe_file)
		return;
	if (!sysrqmon_name_path(&ev->exe_file->f_path, ev->exe, sizeof(ev->exe)))
		ev->exe[0] = '\0';
	sysrqmon_event_release(ev);
}

/**
 * sysrqmon_event_release() - drop what an event pins
 * @ev: the event, never queued or already resolved
 *
 * Context: any but NMI (fput() defers the last put).
 */
void sysrqmon_event_release(struct sysrqmon_event *ev)
{
	if (ev->exe_file)
		fput(ev->exe_file);
	ev->exe_file = NULL;
}

/**
 * sysrqmon_event_emit() - report an event: kernel log, audit, listeners
 * @ev: the event, fully filled by the hook
 *
 * Callable from any hook context: it never sleeps and never allocates. The
 * audit record, which needs an allocation, leaves from the queue's worker.
 */
void sysrqmon_event_emit(struct sysrqmon_event *ev)
{
	ev->instance = sysrqmon_instance;
	ev->time_ns = ktime_get_real_ns();
	sysrqmon_stats_event(ev);
	/* RCU and a reference, no lock: the worker names it. */
	if (ev->has_task && current->mm)
		ev->exe_file = sysrqmon_mm_exe_file(current->mm);
	/* Numbered first: the line and the record carry the same seq. */
	sysrqmon_queue_event(ev);
	sysrqmon_audit_log(ev);
}

/**
 * sysrqmon_event_broadcast() - the best-effort sinks of a queued event
 * @ev: the oldest event not broadcast yet, owned by the queue
 *
 * Names the executable the hook pinned, multicasts the event to the
 * listeners, then sends the audit record (it needs an allocation). The
 * queue then holds the event for the shipping consumer, if there is one.
 *
 * Context: process context, the queue's worker.
 * Return: what sysrqmon_netlink_send() returned.
 */
int sysrqmon_event_broadcast(struct sysrqmon_event *ev)
{
	int ret;

	sysrqmon_event_resolve_exe(ev);
	ret = sysrqmon_netlink_send(ev);
	sysrqmon_audit_record(ev);
	return ret;
}

/* What the queue's worker hands each event to (queue.c). */
const struct sysrqmon_consumer sysrqmon_event_consumer = {
	.broadcast = sysrqmon_event_broadcast,
	.ship = sysrqmon_netlink_ship,
};

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
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/pid_namespace.h>
#include <linux/sched/task.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uidgid.h>

#include "sysrqmon.h"
#include <uapi/sysrqmon_fields.h>

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

static bool kind_acts(enum sysrqmon_kind kind);

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
	if (kind_acts(kind))
		ev->act.key = SYSRQMON_KEY_NONE;
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

/*
 * The executable's name, for the sink the queue's worker is filling: its one
 * work item, never running twice at once, is the only user, and each sink
 * copies the name at once. @exe_seq says whose name it holds.
 */
static char exe_name[SYSRQMON_STR_MAX];
static u64 exe_seq;

/*
 * d_path() may wait for rename_lock or mount_lock, which sleep under
 * PREEMPT_RT and are not irq-safe: hooks only pin the file, and it is named
 * here, in the worker, each time a sink needs it. An event keeps its pin
 * until it leaves the buffer: the shipping consumer may take it long after
 * the broadcast named newer events.
 */
static const char *event_exe(const struct sysrqmon_event *ev)
{
	if (ev->exe)
		return ev->exe;
	if (!ev->exe_file)
		return "";
	if (exe_seq != ev->seq) {
		exe_seq = 0;
		if (!sysrqmon_name_path(&ev->exe_file->f_path, exe_name,
					sizeof(exe_name)))
			return "";
		exe_seq = ev->seq;
	}
	return exe_name;
}

/**
 * sysrqmon_event_release() - drop what an event pins
 * @ev: an event the buffer dropped
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
 * sysrqmon_event_release_packed() - drop what a packed event pins
 * @buf: what sysrqmon_event_pack() wrote, leaving the buffer
 *
 * The pin is read from the copy of the event's header, so that a record
 * nobody unpacked need not be.
 *
 * Context: any but NMI.
 */
void sysrqmon_event_release_packed(const void *buf)
{
	struct file *exe_file;

	memcpy(&exe_file, buf + offsetof(struct sysrqmon_event, exe_file),
	       sizeof(exe_file));
	if (exe_file)
		fput(exe_file);
}

/*
 * Where an event is built and its audit line written: not on the stack of
 * the hooked function (an event and a line are over 2 KiB, the budget above
 * a hooked function is 512 bytes), but in a per-CPU slot, taken with
 * preemption off until the event is emitted. An interrupt that reports
 * while a task of the same CPU is building its event takes the next slot:
 * slots are used as a stack, task, softirq, hardirq and NMI deep.
 */
#define EVENT_SLOTS	4

struct event_slot {
	struct sysrqmon_event ev;
	char line[SYSRQMON_LINE_MAX];
};

static DEFINE_PER_CPU(struct event_slot, event_slots[EVENT_SLOTS]);
static DEFINE_PER_CPU(unsigned int, event_depth);

/**
 * sysrqmon_event_start() - take a slot for an event and start it
 * @kind: its kind
 * @from_task: whether the current task caused it
 * @d: the policy's decision on it
 *
 * Disables preemption until sysrqmon_event_emit(): the caller fills the
 * event without sleeping in between.
 *
 * Context: any but NMI.
 * Return: the event, or NULL when every slot of this CPU is taken: a fifth
 * level of nesting, which the contexts that report cannot reach.
 */
struct sysrqmon_event *sysrqmon_event_start(enum sysrqmon_kind kind,
					    bool from_task,
					    const struct sysrqmon_decision *d)
{
	unsigned int depth;
	struct event_slot *slot;

	preempt_disable_notrace();
	depth = this_cpu_inc_return(event_depth) - 1;
	if (unlikely(depth >= EVENT_SLOTS)) {
		this_cpu_dec(event_depth);
		preempt_enable_notrace();
		return NULL;
	}
	slot = this_cpu_ptr(&event_slots[depth]);
	sysrqmon_event_init(&slot->ev, kind, from_task, d);
	return &slot->ev;
}

/**
 * sysrqmon_event_emit() - report an event: kernel log, audit, listeners
 * @ev: the event sysrqmon_event_start() gave, fully filled
 *
 * Callable from any hook context: it never sleeps and never allocates. The
 * audit record, which needs an allocation, leaves from the queue's worker.
 * The slot is given back and preemption enabled again.
 */
void sysrqmon_event_emit(struct sysrqmon_event *ev)
{
	struct event_slot *slot = container_of(ev, struct event_slot, ev);

	ev->instance = sysrqmon_instance;
	ev->time_ns = ktime_get_real_ns();
	sysrqmon_stats_event(ev);
	/* RCU and a reference, no lock: the worker names it. */
	if (ev->has_task && current->mm)
		ev->exe_file = sysrqmon_mm_exe_file(current->mm);
	/* Numbered first: the line and the record carry the same seq. */
	sysrqmon_queue_event(ev);
	sysrqmon_audit_log(ev, slot->line, sizeof(slot->line));
	this_cpu_dec(event_depth);
	preempt_enable_notrace();
}

/**
 * sysrqmon_event_broadcast() - the best-effort sinks of a queued event
 * @ev: the oldest event not broadcast yet, owned by the queue
 *
 * Adds the event to the listeners' multicast datagram, then sends the
 * audit record (it needs an allocation). The queue then holds the event
 * for the shipping consumer, if there is one.
 *
 * Context: process context, the queue's worker.
 * Return: what sysrqmon_netlink_send() returned.
 */
int sysrqmon_event_broadcast(struct sysrqmon_event *ev)
{
	int ret;

	ret = sysrqmon_netlink_send(ev);
	sysrqmon_audit_record(ev);
	return ret;
}

/*
 * Where each field of sysrqmon_fields[] lives in an event: the header's
 * fields, and each payload field at one place whatever the kind (the kinds
 * that share a payload give a field one meaning).
 */
#define AT(field, member) \
	[SYSRQMON_F_##field] = offsetof(struct sysrqmon_event, member)

static const u16 field_offset[SYSRQMON_F_COUNT] = {
	AT(SEQ, seq), AT(INSTANCE, instance), AT(TIME, time_ns),
	AT(KIND, kind), AT(VERDICT, verdict), AT(TARGET, target),
	AT(PATH, open.path), AT(FLAGS, open.flags), AT(KEY, act.key),
	AT(ACTION, act.action), AT(SOURCE, act.source),
	AT(OLD_MASK, act.old_mask), AT(NEW_MASK, act.new_mask),
	AT(MASK, text.mask), AT(KEYS, text.new), AT(OP, act.op),
	AT(MODULE, act.module), AT(HANDLER, act.handler),
	AT(HELP, act.action), AT(WHAT, act.what), AT(NAME, text.setting),
	AT(VALUE, text.new), AT(SETTING, text.setting), AT(OLD, text.old),
	AT(NEW, text.new), AT(PID, pid), AT(TID, tid), AT(PPID, ppid),
	AT(UID, uid), AT(EUID, euid), AT(AUID, auid), AT(SES, ses),
	AT(GID, gid), AT(COMM, comm), AT(EXE, exe),
	AT(CGROUP_ID, cgroup_id), AT(PIDNS, pidns), AT(MNTNS, mntns),
	AT(CONTAINED, contained), AT(TRUNCATED, truncated),
};

/*
 * A payload as the buffer keeps it: its numbers, then its strings, each as
 * its length (a byte) and its bytes up to the NUL. The strings are the
 * payload's last members, one array after the other (pack_test checks it).
 */
struct payload_layout {
	u16 numbers;		/* bytes before the first string */
	/* each string array's size, in order; 0 ends */
	u16 strings[SYSRQMON_PAYLOAD_STRINGS];
};

/* A string's length fits its byte. */
static_assert(SYSRQMON_STR_MAX - 1 <= U8_MAX);

#define STR(type, member)	sizeof_field(struct type, member)

static const struct payload_layout open_layout = {
	offsetof(struct sysrqmon_ev_open, path),
	{ STR(sysrqmon_ev_open, path) },
};

static const struct payload_layout act_layout = {
	offsetof(struct sysrqmon_ev_act, what),
	{ STR(sysrqmon_ev_act, what), STR(sysrqmon_ev_act, action),
	  STR(sysrqmon_ev_act, module), STR(sysrqmon_ev_act, handler) },
};

static const struct payload_layout text_layout = {
	offsetof(struct sysrqmon_ev_text, setting),
	{ STR(sysrqmon_ev_text, setting), STR(sysrqmon_ev_text, old),
	  STR(sysrqmon_ev_text, new) },
};

static const struct payload_layout *const payload_layout[SYSRQMON_KIND_MAX + 1] = {
	[SYSRQMON_KIND_OPEN] = &open_layout,
	[SYSRQMON_KIND_SYSCTL] = &act_layout,
	[SYSRQMON_KIND_TRIGGER] = &act_layout,
	[SYSRQMON_KIND_CONSOLE] = &act_layout,
	[SYSRQMON_KIND_CONFIG] = &text_layout,
	[SYSRQMON_KIND_BASELINE] = &text_layout,
	[SYSRQMON_KIND_TOGGLE] = &act_layout,
	[SYSRQMON_KIND_KEYTABLE] = &act_layout,
	[SYSRQMON_KIND_KERNEL] = &act_layout,
	[SYSRQMON_KIND_PARAM] = &text_layout,
	[SYSRQMON_KIND_DRIFT] = &act_layout,
	[SYSRQMON_KIND_TAMPER] = &act_layout,
};

#define HEADER_SIZE	offsetof(struct sysrqmon_event, open)

static const struct payload_layout *layout_of(unsigned int kind)
{
	return kind <= SYSRQMON_KIND_MAX ? payload_layout[kind] : NULL;
}

/**
 * sysrqmon_event_packed_size() - the bytes of an event as the buffer keeps it
 * @ev: the event
 * @len: receives the length of each of the payload's strings
 *
 * The header as it is, the payload's numbers, then each of the payload's
 * strings as its length and its bytes: a typical event takes well under half
 * of %SYSRQMON_EVENT_MAX. Each string is measured here only: neither
 * sysrqmon_event_pack() nor sysrqmon_event_unpack() looks for a NUL.
 *
 * Context: any.
 * Return: the bytes, at most %SYSRQMON_EVENT_MAX.
 */
size_t sysrqmon_event_packed_size(const struct sysrqmon_event *ev,
				  u8 len[SYSRQMON_PAYLOAD_STRINGS])
{
	const struct payload_layout *l = layout_of(ev->kind);
	const char *payload = (const char *)&ev->open;
	size_t at = l ? l->numbers : 0;
	size_t n = HEADER_SIZE + at;
	unsigned int i;

	for (i = 0; l && i < ARRAY_SIZE(l->strings) && l->strings[i]; i++) {
		len[i] = strnlen(payload + at, l->strings[i] - 1);
		n += 1 + len[i];
		at += l->strings[i];
	}
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(sysrqmon_event_packed_size);

/**
 * sysrqmon_event_pack() - an event as the buffer keeps it
 * @ev: the event
 * @len: its strings' lengths, from sysrqmon_event_packed_size()
 * @buf: receives the packed event, as many bytes as that returned
 *
 * Context: any.
 */
void sysrqmon_event_pack(const struct sysrqmon_event *ev,
			 const u8 len[SYSRQMON_PAYLOAD_STRINGS], void *buf)
{
	const struct payload_layout *l = layout_of(ev->kind);
	const char *payload = (const char *)&ev->open;
	size_t at = l ? l->numbers : 0;
	size_t n = HEADER_SIZE + at;
	u8 *out = buf;
	unsigned int i;

	memcpy(out, ev, n);
	for (i = 0; l && i < ARRAY_SIZE(l->strings) && l->strings[i]; i++) {
		out[n++] = len[i];
		memcpy(out + n, payload + at, len[i]);
		n += len[i];
		at += l->strings[i];
	}
}
EXPORT_SYMBOL_IF_KUNIT(sysrqmon_event_pack);

/**
 * sysrqmon_event_unpack() - an event from the buffer
 * @buf: what sysrqmon_event_pack() wrote
 * @ev: receives the event: the header, the kind's numbers and each of its
 *	strings, NUL-terminated
 *
 * What lies past a string's NUL, or in another kind's payload, is left as
 * it was: no sink reads it (each reads its kind's fields, strings up to the
 * NUL), and clearing the whole payload cost the worker a memset of all of
 * it for every event it unpacks.
 *
 * Context: any.
 */
void sysrqmon_event_unpack(const void *buf, struct sysrqmon_event *ev)
{
	const struct payload_layout *l;
	char *payload = (char *)&ev->open;
	const u8 *in = buf;
	size_t n = HEADER_SIZE, at, len;
	unsigned int i;

	memcpy(ev, in, HEADER_SIZE);
	l = layout_of(ev->kind);
	if (!l) {
		memset(payload, 0, sizeof(*ev) - HEADER_SIZE);
		return;
	}
	memcpy(payload, in + n, l->numbers);
	n += l->numbers;
	at = l->numbers;
	for (i = 0; i < ARRAY_SIZE(l->strings) && l->strings[i]; i++) {
		len = in[n++];
		memcpy(payload + at, in + n, len);
		payload[at + len] = '\0';
		n += len;
		at += l->strings[i];
	}
}
EXPORT_SYMBOL_IF_KUNIT(sysrqmon_event_unpack);

static const void *field_at(const struct sysrqmon_event *ev,
			    unsigned int field)
{
	return (const char *)ev + field_offset[field];
}

/**
 * sysrqmon_field_number() - the value of a field that is not a string
 * @ev: the event
 * @field: enum sysrqmon_field
 *
 * Return: the value, sign-extended for a signed field.
 */
u64 sysrqmon_field_number(const struct sysrqmon_event *ev, unsigned int field)
{
	const void *p = field_at(ev, field);

	switch (sysrqmon_fields[field].type) {
	case SYSRQMON_FT_U64:
		return *(const u64 *)p;
	case SYSRQMON_FT_S32:
	case SYSRQMON_FT_KEY:
		return (s64)*(const s32 *)p;
	case SYSRQMON_FT_U32:
	case SYSRQMON_FT_HEX32:
		return *(const u32 *)p;
	default:
		return *(const u8 *)p;
	}
}

/**
 * sysrqmon_field_string() - the value of a string field
 * @ev: the event
 * @field: enum sysrqmon_field
 *
 * The executable is named here, from the file the event pins: for that
 * field, process context only (the queue's worker, or a test that sets
 * @ev->exe).
 *
 * Return: the string; "-" for the comm of an event without a task, "" for
 * an executable that cannot be named.
 */
const char *sysrqmon_field_string(const struct sysrqmon_event *ev,
				  unsigned int field)
{
	if (field == SYSRQMON_F_EXE)
		return event_exe(ev);
	if (field == SYSRQMON_F_COMM && !ev->has_task)
		return "-";
	return field_at(ev, field);
}

/**
 * sysrqmon_field_present() - whether an output carries a field of an event
 * @ev: the event
 * @field: enum sysrqmon_field
 * @kind_flags: the SYSRQMON_KF_* of the kind's entry, 0 for a common field
 * @out: the output, a SYSRQMON_OUT_* bit
 *
 * Return: true when the field is written.
 */
bool sysrqmon_field_present(const struct sysrqmon_event *ev, unsigned int field,
			    unsigned int kind_flags, unsigned int out)
{
	unsigned int flags = sysrqmon_fields[field].flags;

	if (!(flags & out))
		return false;
	if ((kind_flags & SYSRQMON_KF_NETLINK) && out != SYSRQMON_OUT_NETLINK)
		return false;
	if ((kind_flags & SYSRQMON_KF_NO_KEY) &&
	    ev->act.key != SYSRQMON_KEY_NONE)
		return false;
	if ((flags & SYSRQMON_FF_TASK_ONLY) && !ev->has_task)
		return false;
	if (!(flags & SYSRQMON_FF_OPTIONAL))
		return true;
	switch (sysrqmon_fields[field].type) {
	case SYSRQMON_FT_STRING:
		return sysrqmon_field_string(ev, field)[0] != '\0';
	case SYSRQMON_FT_KEY:
		return ev->act.key != SYSRQMON_KEY_NONE;
	default:
		return sysrqmon_field_number(ev, field) != 0;
	}
}

/* Whether events of @kind carry struct sysrqmon_ev_act. */
static bool kind_acts(enum sysrqmon_kind kind)
{
	return layout_of(kind) == &act_layout;
}

/* What the queue's worker hands each event to (queue.c). */
const struct sysrqmon_consumer sysrqmon_event_consumer = {
	.broadcast = sysrqmon_event_broadcast,
	.flush = sysrqmon_netlink_flush,
	.shipping = sysrqmon_netlink_shipping,
	.ship = sysrqmon_netlink_ship,
};

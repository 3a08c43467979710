/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sysrqmon: declarations shared by the module's source files.
 */
#ifndef _SYSRQMON_H
#define _SYSRQMON_H

#include <linux/atomic.h>
#include <linux/trace_recursion.h>
#include <asm/ptrace.h>
#include <linux/ftrace.h>
#include <linux/kallsyms.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/types.h>
/*
 * The KUnit suites are a module of their own, built only with KUnit: what
 * they call is exported with EXPORT_SYMBOL_IF_KUNIT(), into a namespace
 * they import (SYSRQMON_IMPORT_KUNIT_NS(), compat.h).
 */
#include <kunit/visibility.h>

struct sysrq_key_op;

#include <uapi/sysrqmon.h>
#include "compat.h"

#define SYSRQMON_KEY_NONE	(-1)
/* Slots in the SysRq driver's key table: 0-9, a-z, A-Z. */
#define SYSRQMON_KEY_SLOTS	62

#define SYSRQMON_ACTION_LEN	40
#define SYSRQMON_SETTING_LEN	32
#define SYSRQMON_VALUE_LEN	64

/* An open: the file's flags and its name. */
struct sysrqmon_ev_open {
	u32 flags;
	char path[SYSRQMON_STR_MAX];
};

/*
 * A key, a mask change or a change found by the verifier (trigger, console,
 * kernel, sysctl, toggle, keytable, drift, tamper): the key table event
 * keeps the handler's help text in @action.
 */
struct sysrqmon_ev_act {
	int key;
	int old_mask;
	int new_mask;
	u8 source;
	u8 op;
	char what[16];
	char action[SYSRQMON_ACTION_LEN];
	char module[MODULE_NAME_LEN];
	char handler[KSYM_NAME_LEN > 64 ? 64 : KSYM_NAME_LEN];
};

/*
 * A setting or a parameter (config, param, baseline): a parameter's name
 * and value are @setting and @new, the baseline's keys @new.
 */
struct sysrqmon_ev_text {
	int mask;
	char setting[SYSRQMON_SETTING_LEN];
	char old[SYSRQMON_VALUE_LEN];
	char new[SYSRQMON_VALUE_LEN];
};

/**
 * struct sysrqmon_event - one observed SysRq touch, as the hooks record it
 *
 * Filled in the hook's (atomic) context from the current task and the hooked
 * function's arguments; strings are NUL-terminated and may be cut, which sets
 * @truncated. Events without a task of their own leave the task fields zero.
 * A common header, then the payload of the kind: the buffer keeps the
 * header, the payload's numbers and its strings, each as its length and
 * its bytes (sysrqmon_event_pack()). The executable is pinned here, until
 * the event leaves the buffer, and named by the queue's worker for each sink.
 *
 * @seq: its number, taken as it is queued (its line and record carry it)
 * @instance: the module load's instance
 * @time_ns: when the hook ran, CLOCK_REALTIME
 * @cgroup_id: the task's cgroup (v2)
 * @exe_file: the task's executable, pinned by the hook, named by the worker
 * @exe: a name to give instead (KUnit), else NULL
 * @pid: the task's process id, in the initial namespaces as all ids here
 * @tid: its thread id
 * @ppid: its parent's process id
 * @uid: its real user id
 * @euid: its effective user id
 * @gid: its real group id
 * @auid: audit's loginuid of the task, -1 (unset) without one
 * @ses: audit's session of the task, -1 (unset) without one
 * @pidns: the task's pid namespace (inode number)
 * @mntns: its mount namespace (inode number)
 * @comm: its command name
 * @kind: enum sysrqmon_kind
 * @verdict: enum sysrqmon_verdict
 * @target: enum sysrqmon_target
 * @has_task: it has a task of its own (the task fields are set)
 * @contained: the task runs inside a container
 * @truncated: a string was cut
 * @always: the policy always reports it (the buffer's reserve takes it)
 * @line: it gets a kernel-log line
 * @record: it gets an audit record
 * @open: the payload of an open
 * @act: the payload of the other kinds (a key, masks, a handler)
 * @text: the payload of a setting, parameter or baseline
 */
struct sysrqmon_event {
	u64 seq;
	u64 instance;
	u64 time_ns;
	u64 cgroup_id;
	struct file *exe_file;
	const char *exe;
	pid_t pid;
	pid_t tid;
	pid_t ppid;
	u32 uid;
	u32 euid;
	u32 gid;
	u32 auid;
	u32 ses;
	u32 pidns;
	u32 mntns;
	char comm[TASK_COMM_LEN];
	u8 kind;
	u8 verdict;
	u8 target;
	bool has_task;
	bool contained;
	bool truncated;
	bool always;
	bool line;
	bool record;
	union {
		struct sysrqmon_ev_open open;
		struct sysrqmon_ev_act act;
		struct sysrqmon_ev_text text;
	};
};

/* The largest event, what the buffer reserves for any one. */
#define SYSRQMON_EVENT_MAX	sizeof(struct sysrqmon_event)

/* The most strings a payload has (struct sysrqmon_ev_act). */
#define SYSRQMON_PAYLOAD_STRINGS	4

size_t sysrqmon_event_packed_size(const struct sysrqmon_event *ev,
				  u8 len[SYSRQMON_PAYLOAD_STRINGS]);
void sysrqmon_event_pack(const struct sysrqmon_event *ev,
			 const u8 len[SYSRQMON_PAYLOAD_STRINGS], void *buf);
void sysrqmon_event_unpack(const void *buf, struct sysrqmon_event *ev);
bool sysrqmon_field_present(const struct sysrqmon_event *ev, unsigned int field,
			    unsigned int kind_flags, unsigned int out);
u64 sysrqmon_field_number(const struct sysrqmon_event *ev, unsigned int field);
const char *sysrqmon_field_string(const struct sysrqmon_event *ev,
				  unsigned int field);

/**
 * struct sysrqmon_config - the runtime configuration, one setting a field
 * @mode: off, monitor or deny (enum sysrqmon_mode)
 * @audit: a kernel-log line for allowed events too
 * @audit_records: an audit record for allowed events too
 * @watch_reads: read-only opens of the targets are events too
 * @allowed_mask: deny mode: the SysRq functions a kernel.sysrq write may
 *		  enable
 * @allowed_keys: deny mode: bitmap of the SysRq key slots let through
 * @deny_scope: deny mode covers all tasks or only contained ones
 * @verify_ms: period of the drift check, 0 when off
 * @locked: frozen, and unload refused, until reboot
 *
 * Published whole (params.c): a reader gets one consistent copy from
 * sysrqmon_config_get(), never a mix of an old and a new change.
 */
struct sysrqmon_config {
	int mode;
	bool audit;
	bool audit_records;
	bool watch_reads;
	int allowed_mask;
	u64 allowed_keys;
	int deny_scope;
	int verify_ms;
	bool locked;
};

void sysrqmon_config_get(struct sysrqmon_config *cfg);
void sysrqmon_config_publish(const struct sysrqmon_config *cfg);
/* The open fast path's filter, kept equal to the published watch_reads. */
extern bool sysrqmon_watching_reads;
extern u64 sysrqmon_instance;

/**
 * struct sysrqmon_request - an act a hook asks sysrqmon_decide() about
 * @kind: the event it would be, enum sysrqmon_kind
 * @target: for an open, enum sysrqmon_target
 * @source: for a console key, enum sysrqmon_source
 * @key: the command key, %SYSRQMON_KEY_NONE when it could not be read
 * @reset: the keyboard reset sequence, a reboot without a command key
 * @old_mask: for a mask change, the mask now
 * @new_mask: for a mask change, the mask it would apply
 * @write: an open for writing
 * @early: a first look before the act is dispatched (the trigger's write,
 *	   the keyboard filter): only a refusal is reported there
 * @unread: the hook could not read what it decides on
 * @setting: for a configuration change, enum sysrqmon_setting
 * @value: for a configuration change, the new value
 * @unload: a request to unload the module
 * @op: for a key table change, enum sysrqmon_op
 * @done: the act is past refusing (the module's load, an applied setting,
 *	  a trigger key its write allowed): there is only to report
 */
struct sysrqmon_request {
	u8 kind;
	u8 target;
	u8 source;
	int key;
	bool reset;
	int old_mask;
	int new_mask;
	bool write;
	bool early;
	bool unread;
	int setting;
	s64 value;
	bool unload;
	u8 op;
	bool done;
};

/**
 * struct sysrqmon_decision - what sysrqmon_decide() answers
 * @report: report the act: an event for every sink
 * @deny: refuse the act (for drift: put the known state back)
 * @always: reported whatever audit=, audit_records= and the rate limit say
 * @line: the kernel log line is wanted (@always, or audit=1)
 * @record: the audit record is wanted (@always, or audit_records=1)
 */
struct sysrqmon_decision {
	bool report;
	bool deny;
	bool always;
	bool line;
	bool record;
};

/* policy.c */
void sysrqmon_decide(const struct sysrqmon_request *req,
		     struct sysrqmon_decision *d);
u32 sysrqmon_effective_set(int mask);
bool sysrqmon_mask_change_denied(int old, int new, int allowed);
bool sysrqmon_key_allowed(u64 keys, int key);

/* symbols.c */
#define SYSRQMON_ENDBR_LEN	4

/**
 * enum sysrqmon_endbr - a function's first bytes, as IBT sees them
 * @SYSRQMON_ENDBR_NONE: no ENDBR64: an indirect call there faults
 * @SYSRQMON_ENDBR_LIVE: ENDBR64, a valid target of an indirect call
 * @SYSRQMON_ENDBR_SEALED: an ENDBR64 the kernel sealed at boot: faults too
 */
enum sysrqmon_endbr {
	SYSRQMON_ENDBR_NONE,
	SYSRQMON_ENDBR_LIVE,
	SYSRQMON_ENDBR_SEALED,
};

enum sysrqmon_endbr sysrqmon_endbr_kind(const u8 *insn);
unsigned long sysrqmon_kprobe_entry(unsigned long addr, const u8 *before,
				    bool ibt);
bool sysrqmon_indirect_ok(const u8 *insn, bool ibt);
int sysrqmon_symbols_init(void);

/**
 * struct sysrqmon_text - the code of one kernel function
 * @start: its first byte
 * @end: one past its last byte (zero, with @start, when unknown)
 */
struct sysrqmon_text {
	unsigned long start;
	unsigned long end;
};

static inline bool sysrqmon_text_holds(const struct sysrqmon_text *text,
				       unsigned long addr)
{
	return addr >= text->start && addr < text->end;
}

struct kernel_param;
struct proc_ns_operations;

/**
 * struct sysrqmon_symbols - what the module uses of the kernel that is not
 * exported, resolved at load by sysrqmon_symbols_init() (symbols.c's table)
 * @key_table: the SysRq driver's key table
 * @key_table_lock: the lock the driver writes @key_table under
 * @reset_seq: the keyboard reset sequence's key codes
 * @reset_seq_len: how many of them are set
 * @reset_seq_param: the sysrq driver's reset_seq parameter (may be NULL)
 * @downtime_param: its sysrq_downtime_ms parameter (may be NULL)
 * @ftrace_enabled: the ftrace_enabled sysctl's value (may be NULL)
 * @mntns_ops: the mount namespace's proc_ns operations (may be NULL)
 * @image: the kernel image, _stext to _end
 * @init: its init sections (empty when unknown)
 * @trigger_writer: write_sysrq_trigger()
 * @sysctl_handler: sysrq_sysctl_handler()
 * @do_reset: sysrq_do_reset(), the reset sequence's timer (may be empty)
 * @keyboard: the keyboard filter and the helpers the compiler kept apart
 */
struct sysrqmon_symbols {
	const struct sysrq_key_op **key_table;
	spinlock_t *key_table_lock;	/* the driver's, guards key_table */
	const unsigned short *reset_seq;
	const unsigned int *reset_seq_len;
	const struct kernel_param *reset_seq_param;
	const struct kernel_param *downtime_param;
	int *ftrace_enabled;
	const struct proc_ns_operations *mntns_ops;
	struct sysrqmon_text image;
	struct sysrqmon_text init;
	struct sysrqmon_text trigger_writer;
	struct sysrqmon_text sysctl_handler;
	struct sysrqmon_text do_reset;
	struct sysrqmon_text keyboard[4];
};

extern struct sysrqmon_symbols sysrqmon_sym;
unsigned long sysrqmon_lookup(const char *name);
bool sysrqmon_symbol_range(const char *name, unsigned long *start,
			   unsigned long *end);
struct module *sysrqmon_module_of(unsigned long addr);
void sysrqmon_module_name(unsigned long addr, char *buf, size_t len);
struct mm_struct;
struct file *sysrqmon_mm_exe_file(struct mm_struct *mm);

/* integrity.c */
int sysrqmon_integrity_init(void);
void sysrqmon_integrity_start(void);
void sysrqmon_integrity_stop(void);
void sysrqmon_integrity_exit(void);
void sysrqmon_known_mask(int mask);
void sysrqmon_known_key(int key, const struct sysrq_key_op *from,
			const struct sysrq_key_op *to);
void sysrqmon_verify_period_changed(unsigned int ms);
const struct sysrq_key_op **sysrqmon_key_table(void);

/**
 * struct sysrqmon_key_entry - a key table slot as sysrqmon_key_entry() lists it
 * @key: the slot's key
 * @changed: its handler differs from the one at load
 * @help: the handler's help text
 * @handler: the handler's symbol
 * @module: the module that owns the handler, empty for the kernel
 */
struct sysrqmon_key_entry {
	char key;
	bool changed;
	char help[SYSRQMON_ACTION_LEN];
	char handler[64];
	char module[MODULE_NAME_LEN];
};

bool sysrqmon_key_entry(int slot, struct sysrqmon_key_entry *entry);

/* identity.c */

/**
 * struct sysrqmon_targets - how the kernel represents the two targets
 * @trigger_fops: /proc/sysrq-trigger's file operations
 * @trigger_ino: its inode number, the same in every procfs instance
 * @sysctl_fops: the file operations every sysctl file shares
 */
struct sysrqmon_targets {
	const struct file_operations *trigger_fops;
	unsigned long trigger_ino;
	const struct file_operations *sysctl_fops;
};

extern struct sysrqmon_targets sysrqmon_targets;
int sysrqmon_identity_init(void);
enum sysrqmon_target sysrqmon_file_target(const struct file *file);

/*
 * The open hook's inline filter on procfs files: false for any file that
 * cannot be a target. Every sysctl shares one file_operations table, so a
 * sysctl whose name is not five bytes long ("sysrq") is rejected too, before
 * sysrqmon_file_target() walks the dentry chain out of line.
 */
static __always_inline bool sysrqmon_may_be_target(const struct file *file)
{
	if (file->f_op == sysrqmon_targets.trigger_fops)
		return true;
	return file->f_op == sysrqmon_targets.sysctl_fops &&
	       file->f_path.dentry->d_name.len == sizeof("sysrq") - 1;
}

/* sysrq.c */
void sysrqmon_key_action(int key, char *buf, size_t len);
int sysrqmon_key_index(int key);
char sysrqmon_slot_key(int slot);
bool sysrqmon_action_is_destructive(const char *action);
bool sysrqmon_key_destructive(int key);

/* event.c */
void sysrqmon_event_init(struct sysrqmon_event *ev, enum sysrqmon_kind kind,
			 bool from_task, const struct sysrqmon_decision *d);
struct sysrqmon_event *sysrqmon_event_start(enum sysrqmon_kind kind,
					    bool from_task,
					    const struct sysrqmon_decision *d);
void sysrqmon_event_emit(struct sysrqmon_event *ev);
bool sysrqmon_current_contained(void);
void sysrqmon_event_init_symbols(void);
bool sysrqmon_name_path(const struct path *path, char *buf, size_t size);
void sysrqmon_event_release(struct sysrqmon_event *ev);
void sysrqmon_event_release_packed(const void *buf);

/**
 * struct sysrqmon_counters - delivery counters, see queue.c
 * @generated: events emitted into the buffer, or dropped at its door
 * @sent: events a sink took (a listener, the shipping consumer)
 * @no_listener: events nobody was listening for
 * @dropped: events lost: no room in the buffer, or not built
 * @queued: events in the buffer now
 * @shipped: events the shipping consumer took
 * @dropped_critical: of @dropped, always-reported ones
 * @buffer_events: the events the buffer holds at least
 * @reserved_events: room on top, for always-reported events only
 *
 * generated == sent + no_listener + dropped + queued, in any snapshot.
 */
struct sysrqmon_counters {
	u64 generated;
	u64 sent;
	u64 no_listener;
	u64 dropped;
	u64 queued;
	u64 shipped;
	u64 dropped_critical;
	unsigned int buffer_events;
	unsigned int reserved_events;
};

/* stats.c */
enum sysrqmon_stat {
	SYSRQMON_STAT_SUPPRESSED,	/* audit lines the rate limit held back */
	SYSRQMON_STAT_UNDECIDED,	/* decisions made without their input */
	SYSRQMON_STAT_DRIFT,		/* changes the drift check found */
	SYSRQMON_STAT_RESTORED,		/* drift put back */
	SYSRQMON_STAT_TAMPER,		/* attempts to blind the hooks */
	SYSRQMON_STAT_COUNT,
};

/**
 * struct sysrqmon_stats - one snapshot of every counter
 * @delivery: the buffer's counters, one consistent copy
 * @count: indexed by enum sysrqmon_stat
 * @events: emitted events by kind and verdict
 */
struct sysrqmon_stats {
	struct sysrqmon_counters delivery;
	u64 count[SYSRQMON_STAT_COUNT];
	u64 events[SYSRQMON_KIND_MAX + 1][2];
};

void sysrqmon_stats_inc(enum sysrqmon_stat stat);
void sysrqmon_stats_event(const struct sysrqmon_event *ev);
void sysrqmon_stats_snapshot(struct sysrqmon_stats *s);

/**
 * struct sysrqmon_consumer - where the queue's worker hands each event
 * @broadcast: once per event, oldest first: the best-effort sinks
 *	       (multicast, audit record). Returns 0 (someone will get
 *	       it), -ESRCH (nobody listens) or -ENOMEM/-EMSGSIZE (not built).
 * @flush: after a run of @broadcast: sends what it gathered (the events
 *	   of a run share multicast datagrams).
 * @shipping: whether there is a shipping consumer: the worker asks before
 *	      it unpacks events for @ship.
 * @ship: then the shipping consumer, given the oldest broadcast events in
 *	  order: how many it took (the first ones), -ESRCH (there is none),
 *	  -EAGAIN (its socket is full: keep them, try later), -ENOMEM (try
 *	  later) or -EMSGSIZE (the first cannot be built).
 *
 * They run in process context, in the worker, never concurrently.
 */
struct sysrqmon_consumer {
	int (*broadcast)(struct sysrqmon_event *ev);
	void (*flush)(void);
	bool (*shipping)(void);
	int (*ship)(const struct sysrqmon_event *const *evs, unsigned int n);
};

extern const struct sysrqmon_consumer sysrqmon_event_consumer;
int sysrqmon_event_broadcast(struct sysrqmon_event *ev);

/**
 * struct sysrqmon_record - one event in the ring, or a filler
 * @len: bytes, this header included, a multiple of 8
 * @filler: no event: the ring goes on at its start
 * @broadcast: what the broadcast stage returned (0, -ESRCH, ...)
 * @data: the event, as sysrqmon_event_pack() wrote it
 */
struct sysrqmon_record {
	u32 len;
	u16 filler;
	s16 broadcast;
	u8 data[];
};

/**
 * struct sysrqmon_ring - a byte ring of records (ring.c), locked by its user
 * @buf: the bytes
 * @size: bytes in @buf, a multiple of 8
 * @used: bytes of records and fillers
 * @head: where the next record goes
 * @tail: the oldest record, when @count > 0
 * @count: records in the ring
 */
struct sysrqmon_ring {
	u8 *buf;
	unsigned long size;
	unsigned long used;
	unsigned long head;
	unsigned long tail;
	unsigned int count;
};

static inline struct sysrqmon_record *
sysrqmon_ring_at(struct sysrqmon_ring *ring, unsigned long off)
{
	return (struct sysrqmon_record *)(ring->buf + off);
}

struct sysrqmon_record *sysrqmon_ring_reserve(struct sysrqmon_ring *ring,
					      unsigned long len,
					      unsigned long limit);
unsigned long sysrqmon_ring_next(struct sysrqmon_ring *ring, unsigned long off);
void sysrqmon_ring_release(struct sysrqmon_ring *ring);

/* queue.c */
int sysrqmon_queue_init(const struct sysrqmon_consumer *consumer);
void sysrqmon_queue_flush(void);
void sysrqmon_queue_exit(void);
void sysrqmon_queue_event(struct sysrqmon_event *ev);
void sysrqmon_queue_counters(struct sysrqmon_counters *c);

/* netlink.c */
int sysrqmon_netlink_init(void);
void sysrqmon_netlink_exit(void);
int sysrqmon_netlink_send(const struct sysrqmon_event *ev);
void sysrqmon_netlink_flush(void);
bool sysrqmon_netlink_shipping(void);
int sysrqmon_netlink_ship(const struct sysrqmon_event *const *evs,
			  unsigned int n);
struct sk_buff;
int sysrqmon_event_fill(struct sk_buff *skb, const struct sysrqmon_event *ev);

/* audit.c */
/* Longest audit line, without the "sysrqmon: " prefix and the newline. */
#define SYSRQMON_LINE_MAX	900

/**
 * struct sysrqmon_field_sink - one output of sysrqmon_event_fields()
 * @token: a number or a name from a fixed vocabulary, to write as it is
 * @string: a string value: @raw its bytes, of which the first @len are the
 *	    value (cut where the audit line cuts it, the same for every
 *	    output)
 */
struct sysrqmon_field_sink {
	void (*token)(void *ctx, const char *name, const char *value);
	void (*string)(void *ctx, const char *name, const char *raw,
		       size_t len);
};

size_t sysrqmon_audit_encode(char *dst, size_t size, const char *src,
			     bool *truncated);
void sysrqmon_event_fields(const struct sysrqmon_event *ev,
			   const struct sysrqmon_field_sink *sink, void *ctx);
void sysrqmon_field_token(void *ctx, const char *name, const char *value);
struct seq_buf;
size_t sysrqmon_fields_format(const struct sysrqmon_event *ev,
			      const struct sysrqmon_field_sink *sink,
			      struct seq_buf *s, char *buf, size_t size);
size_t sysrqmon_audit_line(const struct sysrqmon_event *ev, char *buf,
			   size_t size);
void sysrqmon_audit_init(void);
void sysrqmon_audit_log(const struct sysrqmon_event *ev, char *line,
			size_t size);
const char *sysrqmon_kind_name(int kind);

/* audit_record.c */
size_t sysrqmon_record_encode(char *dst, size_t size, const char *raw,
			      size_t len);
#define SYSRQMON_RECORD_MAX	1536
size_t sysrqmon_audit_record_format(const struct sysrqmon_event *ev,
				    char *buf, size_t size);
void sysrqmon_audit_record(const struct sysrqmon_event *ev);

struct sysrqmon_hook;

/* A hook's callback, called by ftrace on entry to the hooked function. */
typedef void (sysrqmon_hook_fn)(unsigned long ip, unsigned long parent_ip,
				struct sysrqmon_hook *hook,
				struct ftrace_regs *fregs);

/**
 * struct sysrqmon_hook - one kernel function sysrqmon attaches to
 * @symbol: the function
 * @func: our callback
 * @enforcing: the callback may make the function return early (deny)
 * @required: loading fails when it cannot be attached
 * @addr: where @symbol starts, once resolved
 * @attached: whether the ftrace_ops that carries it is registered
 * @missed: calls the callback skipped because it was already running in
 *	    the same context
 */
struct sysrqmon_hook {
	const char *symbol;
	sysrqmon_hook_fn *func;
	bool enforcing;
	bool required;
	unsigned long addr;
	bool attached;
	atomic64_t missed;
};

static __always_inline unsigned long hook_arg(struct ftrace_regs *fregs,
					      unsigned int n)
{
	return sysrqmon_fregs_arg(fregs, n);
}

/*
 * The callbacks are called straight from the ftrace trampoline, without
 * ftrace's recursion guard, so that the security_file_open fast path pays
 * for nothing it does not use. Past that fast path they take the guard
 * here, which also disables preemption until sysrqmon_hook_exit().
 */
static __always_inline int sysrqmon_hook_enter(struct sysrqmon_hook *hook,
					       unsigned long ip,
					       unsigned long parent_ip)
{
	int bit = ftrace_test_recursion_trylock(ip, parent_ip);

	if (unlikely(bit < 0))
		atomic64_inc(&hook->missed);
	return bit;
}

static __always_inline void sysrqmon_hook_exit(int bit)
{
	ftrace_test_recursion_unlock(bit);
}

/*
 * Make the hooked function return @retval without running its body. The
 * trampoline copies ip and ax back into the CPU, and ip now points at a
 * bare RET in kernel text (__fentry__ is one on x86-64), which returns to
 * the hooked function's caller: its frame was not built yet. No module
 * code runs after the trampoline, so unload cannot race with a task still
 * returning through module text.
 */
static __always_inline void sysrqmon_return_early(struct ftrace_regs *fregs,
						  long retval)
{
	sysrqmon_fregs_set_ax(fregs, retval);
	sysrqmon_fregs_set_ip(fregs, (unsigned long)__fentry__);
}

/*
 * The shape of a hook: ask the policy once, make the function fail with
 * @refusal if told to, and take the recursion guard if there is something
 * to report. Return: the guard's bit for sysrqmon_hook_exit(), or negative
 * when there is nothing to report (or the guard is busy).
 */
static __always_inline int sysrqmon_hook_ask(struct sysrqmon_hook *hook,
					     unsigned long ip,
					     unsigned long parent_ip,
					     struct ftrace_regs *fregs,
					     const struct sysrqmon_request *req,
					     long refusal,
					     struct sysrqmon_decision *d)
{
	sysrqmon_decide(req, d);
	if (d->deny)
		sysrqmon_return_early(fregs, refusal);
	if (!d->report)
		return -1;
	return sysrqmon_hook_enter(hook, ip, parent_ip);
}

/* hooks.c */
int sysrqmon_hooks_install(void);
unsigned int sysrqmon_hook_count(void);
const struct sysrqmon_hook *sysrqmon_hook_get(unsigned int i);
bool sysrqmon_enforcing_attached(void);
void sysrqmon_hooks_remove(void);

/* hook_open.c, hook_sysctl.c, hook_key.c: the callbacks */
sysrqmon_hook_fn sysrqmon_hook_file_open;
sysrqmon_hook_fn sysrqmon_hook_sysctl;
sysrqmon_hook_fn sysrqmon_hook_dispatch;
sysrqmon_hook_fn sysrqmon_hook_handle_sysrq;
sysrqmon_hook_fn sysrqmon_hook_key_filter;
sysrqmon_hook_fn sysrqmon_hook_trigger_write;
bool sysrqmon_from_keyboard(unsigned long addr);

/* hook_integrity.c */
sysrqmon_hook_fn sysrqmon_hook_toggle;
sysrqmon_hook_fn sysrqmon_hook_register_key;
sysrqmon_hook_fn sysrqmon_hook_unregister_key;
sysrqmon_hook_fn sysrqmon_hook_param_array;
sysrqmon_hook_fn sysrqmon_hook_param_int;
sysrqmon_hook_fn sysrqmon_hook_orderly_reboot;
sysrqmon_hook_fn sysrqmon_hook_kprobes_enabled;
sysrqmon_hook_fn sysrqmon_hook_dointvec;

/* hook_unload.c */
sysrqmon_hook_fn sysrqmon_hook_delete_module;
sysrqmon_hook_fn sysrqmon_hook_delete_module_ia32;

/* params.c */
enum sysrqmon_setting {
	SYSRQMON_SET_MODE,
	SYSRQMON_SET_AUDIT,
	SYSRQMON_SET_AUDIT_RECORDS,
	SYSRQMON_SET_WATCH_READS,
	SYSRQMON_SET_ALLOWED_MASK,
	SYSRQMON_SET_ALLOWED_KEYS,
	SYSRQMON_SET_DENY_SCOPE,
	SYSRQMON_SET_VERIFY_MS,
	SYSRQMON_SET_LOCKED,
	SYSRQMON_SET_COUNT,
};

const char *sysrqmon_mode_name(int mode);
const char *sysrqmon_setting_name(enum sysrqmon_setting id);
void sysrqmon_setting_format(const struct sysrqmon_config *cfg,
			     enum sysrqmon_setting id, char *buf, size_t len);
int sysrqmon_config_parse(enum sysrqmon_setting id, const char *val,
			  s64 *value);
/**
 * struct sysrqmon_change - settings to change together
 * @set: which settings change, a bit per enum sysrqmon_setting
 * @value: their new values
 */
struct sysrqmon_change {
	unsigned long set;
	s64 value[SYSRQMON_SET_COUNT];
};

int sysrqmon_config_change(const struct sysrqmon_change *change,
			   enum sysrqmon_setting *failed, const char **why);
void sysrqmon_params_loaded(void);
void sysrqmon_params_unloading(void);

#endif /* _SYSRQMON_H */

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

struct sysrq_key_op;

#include <uapi/sysrqmon.h>
#include "compat.h"

#define SYSRQMON_KEY_NONE	(-1)
/* Slots in the SysRq driver's key table: 0-9, a-z, A-Z. */
#define SYSRQMON_KEY_SLOTS	62

/* The KUnit suites are a module of their own, built only with KUnit. */
#if IS_ENABLED(CONFIG_KUNIT)
#define EXPORT_SYMBOL_FOR_SYSRQMON_TESTS(sym) EXPORT_SYMBOL_GPL(sym)
#else
#define EXPORT_SYMBOL_FOR_SYSRQMON_TESTS(sym)
#endif
#define SYSRQMON_ACTION_LEN	40
#define SYSRQMON_SETTING_LEN	32
#define SYSRQMON_VALUE_LEN	64

/**
 * struct sysrqmon_event - one observed SysRq touch, as the hooks record it
 *
 * Filled in the hook's (atomic) context from the current task and the hooked
 * function's arguments; strings are NUL-terminated and may be cut, which sets
 * @truncated. Events without a task of their own leave the task fields zero.
 */
struct sysrqmon_event {
	u64 seq;
	u64 instance;
	u64 time_ns;
	u8 kind;
	u8 verdict;
	u8 target;
	u8 source;
	bool has_task;
	bool contained;
	bool truncated;
	int key;
	int old_mask;
	int new_mask;
	u32 flags;
	pid_t pid;
	pid_t tid;
	pid_t ppid;
	u32 uid;
	u32 euid;
	u32 gid;
	/* audit's loginuid and session of the task, -1 (unset) without one */
	u32 auid;
	u32 ses;
	u32 pidns;
	u32 mntns;
	u64 cgroup_id;
	char comm[TASK_COMM_LEN];
	char action[SYSRQMON_ACTION_LEN];
	char setting[SYSRQMON_SETTING_LEN];
	char old_value[SYSRQMON_VALUE_LEN];
	char new_value[SYSRQMON_VALUE_LEN];
	char path[SYSRQMON_STR_MAX];
	char exe[SYSRQMON_STR_MAX];
	/* pinned by the hook, named into exe by the queue's worker */
	struct file *exe_file;
	/* integrity kinds; param events keep name and value in setting and new_value */
	u8 op;
	char module[MODULE_NAME_LEN];
	char handler[KSYM_NAME_LEN > 64 ? 64 : KSYM_NAME_LEN];
	char what[16];
	char keys[64];
};

/* Runtime configuration (params.c). Read locklessly by the hooks. */
struct sysrqmon_config {
	int mode;
	bool audit;
	bool audit_records;
	bool watch_reads;
	int allowed_mask;
	u64 allowed_keys;	/* bitmap of SysRq key slots */
	int deny_scope;
	int verify_ms;
	bool locked;
};

extern struct sysrqmon_config sysrqmon_cfg;
extern u64 sysrqmon_instance;

/* policy.c */
u32 sysrqmon_effective_set(int mask);
bool sysrqmon_mask_change_denied(int old, int new, int allowed);
bool sysrqmon_key_allowed(u64 keys, int key);
bool sysrqmon_deny_applies(void);
void sysrqmon_count_undecided(void);
u64 sysrqmon_undecided(void);

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
void sysrqmon_integrity_exit(void);
void sysrqmon_known_mask(int mask);
void sysrqmon_known_key(int key, const struct sysrq_key_op *from,
			const struct sysrq_key_op *to);
u64 sysrqmon_drift_count(void);
u64 sysrqmon_restored_count(void);
u64 sysrqmon_tamper_count(void);
void sysrqmon_count_tamper(void);
unsigned int sysrqmon_verify_ms(void);
void sysrqmon_verify_period_changed(void);
const struct sysrq_key_op **sysrqmon_key_table(void);

/**
 * struct sysrqmon_key_entry - a key table slot as sysrqmon_key_entry() lists it
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
int sysrqmon_identity_init(void);
enum sysrqmon_target sysrqmon_file_target(const struct file *file);

/* sysrq.c */
int sysrqmon_sysrq_init(void);
void sysrqmon_key_action(int key, char *buf, size_t len);
int sysrqmon_key_index(int key);
char sysrqmon_slot_key(int slot);
bool sysrqmon_action_is_destructive(const char *action);

/* event.c */
void sysrqmon_event_init(struct sysrqmon_event *ev, enum sysrqmon_kind kind,
			 bool from_task);
void sysrqmon_event_emit(struct sysrqmon_event *ev);
bool sysrqmon_current_contained(void);
void sysrqmon_event_init_symbols(void);
bool sysrqmon_name_path(const struct path *path, char *buf, size_t size);
void sysrqmon_event_resolve_exe(struct sysrqmon_event *ev);
void sysrqmon_event_release(struct sysrqmon_event *ev);
u64 sysrqmon_kind_count(int kind);
u64 sysrqmon_event_count(int kind, int verdict);

/**
 * struct sysrqmon_counters - delivery counters, see queue.c
 */
struct sysrqmon_counters {
	u64 generated;
	u64 sent;
	u64 no_listener;
	u64 dropped;
	u64 queued;
	unsigned int buffer_events;
};

/* queue.c */
int sysrqmon_queue_init(void);
void sysrqmon_queue_flush(void);
void sysrqmon_queue_exit(void);
void sysrqmon_queue_event(struct sysrqmon_event *ev);
void sysrqmon_queue_counters(struct sysrqmon_counters *c);

/* netlink.c */
int sysrqmon_netlink_init(void);
void sysrqmon_netlink_exit(void);
int sysrqmon_netlink_send(const struct sysrqmon_event *ev);
struct sk_buff;
int sysrqmon_event_fill(struct sk_buff *skb, const struct sysrqmon_event *ev);

/* audit.c */
/* Longest audit line, without the "sysrqmon: " prefix and the newline. */
#define SYSRQMON_LINE_MAX	900

/**
 * struct sysrqmon_field_sink - one output of sysrqmon_event_fields()
 * @token: a number or a name from a fixed vocabulary, to write as it is
 * @string: a string value: @enc is its audit line encoding, @raw its bytes,
 *	    of which the first @len are the value (the same cut for every
 *	    output)
 */
struct sysrqmon_field_sink {
	void (*token)(void *ctx, const char *name, const char *value);
	void (*string)(void *ctx, const char *name, const char *enc,
		       const char *raw, size_t len);
};

size_t sysrqmon_audit_encode(char *dst, size_t size, const char *src,
			     bool *truncated);
void sysrqmon_event_fields(const struct sysrqmon_event *ev,
			   const struct sysrqmon_field_sink *sink, void *ctx);
size_t sysrqmon_audit_line(const struct sysrqmon_event *ev, char *buf,
			   size_t size);
bool sysrqmon_event_mandatory(const struct sysrqmon_event *ev);
void sysrqmon_audit_init(void);
void sysrqmon_audit_log(const struct sysrqmon_event *ev);
const char *sysrqmon_kind_name(int kind);
u64 sysrqmon_audit_suppressed(void);

/* audit_record.c */
size_t sysrqmon_record_encode(char *dst, size_t size, const char *raw,
			      size_t len);
#define SYSRQMON_RECORD_MAX	1536
size_t sysrqmon_audit_record_format(const struct sysrqmon_event *ev,
				    char *buf, size_t size);
void sysrqmon_audit_record(const struct sysrqmon_event *ev);

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
	void (*func)(unsigned long ip, unsigned long parent_ip,
		     struct sysrqmon_hook *hook, struct ftrace_regs *fregs);
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

/* hooks.c */
int sysrqmon_hooks_install(void);
unsigned int sysrqmon_hook_count(void);
const struct sysrqmon_hook *sysrqmon_hook_get(unsigned int i);
bool sysrqmon_enforcing_attached(void);
void sysrqmon_hooks_remove(void);

/* hook_open.c, hook_sysctl.c, hook_key.c: the callbacks */
void sysrqmon_hook_file_open(unsigned long ip, unsigned long parent_ip,
			     struct sysrqmon_hook *hook, struct ftrace_regs *fregs);
void sysrqmon_hook_sysctl(unsigned long ip, unsigned long parent_ip,
			  struct sysrqmon_hook *hook, struct ftrace_regs *fregs);
void sysrqmon_hook_dispatch(unsigned long ip, unsigned long parent_ip,
			    struct sysrqmon_hook *hook, struct ftrace_regs *fregs);
void sysrqmon_hook_handle_sysrq(unsigned long ip, unsigned long parent_ip,
				struct sysrqmon_hook *hook,
				struct ftrace_regs *fregs);
void sysrqmon_hook_key_filter(unsigned long ip, unsigned long parent_ip,
			      struct sysrqmon_hook *hook,
			      struct ftrace_regs *fregs);
void sysrqmon_hook_trigger_write(unsigned long ip, unsigned long parent_ip,
				 struct sysrqmon_hook *hook,
				 struct ftrace_regs *fregs);
int sysrqmon_key_hooks_init(void);
bool sysrqmon_from_keyboard(unsigned long addr);

/* hook_integrity.c */
int sysrqmon_integrity_hooks_init(void);
void sysrqmon_hook_toggle(unsigned long ip, unsigned long parent_ip,
			  struct sysrqmon_hook *hook, struct ftrace_regs *fregs);
void sysrqmon_hook_register_key(unsigned long ip, unsigned long parent_ip,
				struct sysrqmon_hook *hook,
				struct ftrace_regs *fregs);
void sysrqmon_hook_unregister_key(unsigned long ip, unsigned long parent_ip,
				  struct sysrqmon_hook *hook,
				  struct ftrace_regs *fregs);
void sysrqmon_hook_param_array(unsigned long ip, unsigned long parent_ip,
			       struct sysrqmon_hook *hook,
			       struct ftrace_regs *fregs);
void sysrqmon_hook_param_int(unsigned long ip, unsigned long parent_ip,
			     struct sysrqmon_hook *hook, struct ftrace_regs *fregs);
void sysrqmon_hook_orderly_reboot(unsigned long ip, unsigned long parent_ip,
				  struct sysrqmon_hook *hook,
				  struct ftrace_regs *fregs);
void sysrqmon_hook_kprobes_enabled(unsigned long ip, unsigned long parent_ip,
				   struct sysrqmon_hook *hook,
				   struct ftrace_regs *fregs);
void sysrqmon_hook_dointvec(unsigned long ip, unsigned long parent_ip,
			    struct sysrqmon_hook *hook, struct ftrace_regs *fregs);

/* hook_unload.c */
void sysrqmon_hook_delete_module(unsigned long ip, unsigned long parent_ip,
				 struct sysrqmon_hook *hook,
				 struct ftrace_regs *fregs);
void sysrqmon_hook_delete_module_ia32(unsigned long ip,
				      unsigned long parent_ip,
				      struct sysrqmon_hook *hook,
				      struct ftrace_regs *fregs);

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
void sysrqmon_setting_format(enum sysrqmon_setting id, char *buf, size_t len);
int sysrqmon_config_parse(enum sysrqmon_setting id, const char *val,
			  s64 *value);
int sysrqmon_config_check(enum sysrqmon_setting id, s64 value,
			  const char **why);
void sysrqmon_config_apply(enum sysrqmon_setting id, s64 value);
void sysrqmon_params_loaded(void);
void sysrqmon_params_unloading(void);

#endif /* _SYSRQMON_H */

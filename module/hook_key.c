// SPDX-License-Identifier: GPL-2.0
/*
 * The SysRq dispatch: every command key, whoever sends it.
 *
 * __handle_sysrq() receives the key the kernel really executes, so trigger
 * events are reported here rather than from the byte a write brought, which
 * another thread may change. Its callers are told apart by the return
 * address: the trigger file's write, the keyboard filter (and its reset
 * sequence), or handle_sysrq(), which serial and other drivers call and
 * which has a hook of its own because the compiler may turn its call into
 * a jump.
 *
 * A key that reaches the keyboard filter in the context of a process (not
 * an interrupt, not a kernel thread such as the keyboard's threaded
 * interrupt) was written by that process, through uinput or an evdev
 * node: it is that process's act, named in the event as source=inject,
 * and deny mode judges it like a trigger write.
 */
#include <linux/input.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "sysrqmon.h"

/* The driver's bound of the reset sequence (private to drivers/tty/sysrq.c). */
#define RESET_SEQ_MAX	20

/*
 * handle_sysrq() may reach the dispatch by a jump, which leaves its
 * caller's return address in place: the dispatch then looks called by
 * that module directly. The handle_sysrq hook notes what it reported so
 * the dispatch does not report it twice.
 */
struct handled {
	struct task_struct *task;
	unsigned long caller;
	int key;
};

static DEFINE_PER_CPU(struct handled, handled_by_entry);

/**
 * sysrqmon_from_keyboard() - whether a return address is the keyboard's
 * @addr: the address
 *
 * Return: true inside the SysRq keyboard filter or its helpers.
 */
bool sysrqmon_from_keyboard(unsigned long addr)
{
	int i;

	/* Inlined helpers have no symbol; their code is in sysrq_filter. */
	for (i = 0; i < ARRAY_SIZE(sysrqmon_sym.keyboard); i++)
		if (sysrqmon_text_holds(&sysrqmon_sym.keyboard[i], addr))
			return true;
	return false;
}

/* A process wrote this input event: in_task() and not a kernel thread. */
static bool key_injected(void)
{
	return in_task() && !(current->flags & PF_KTHREAD);
}

static bool is_reset_key(unsigned int code)
{
	unsigned int i, len = READ_ONCE(*sysrqmon_sym.reset_seq_len);

	for (i = 0; i < len && i < RESET_SEQ_MAX; i++)
		if (READ_ONCE(sysrqmon_sym.reset_seq[i]) == code)
			return true;
	return false;
}

static noinline void report_key(const struct sysrqmon_request *req,
				const struct sysrqmon_decision *d, int key)
{
	bool from_task = req->source == SYSRQMON_SOURCE_NONE ||
			 req->source == SYSRQMON_SOURCE_INJECT;
	struct sysrqmon_event *ev;

	ev = sysrqmon_event_start(req->kind, from_task, d);
	if (!ev)
		return;
	ev->act.key = key;
	ev->act.source = req->source;
	/* A console event without a key is the reset sequence: a reboot. */
	if (key == SYSRQMON_KEY_NONE)
		strscpy(ev->act.action, req->kind == SYSRQMON_KIND_CONSOLE ?
			"reboot" : "unknown", sizeof(ev->act.action));
	else
		sysrqmon_key_action(key, ev->act.action, sizeof(ev->act.action));
	sysrqmon_event_emit(ev);
}

static noinline void report_kernel(int key, unsigned long parent_ip,
				   const struct sysrqmon_decision *d)
{
	struct sysrqmon_event *ev;

	ev = sysrqmon_event_start(SYSRQMON_KIND_KERNEL, true, d);
	if (!ev)
		return;
	ev->act.key = key;
	sysrqmon_key_action(key, ev->act.action, sizeof(ev->act.action));
	sysrqmon_module_name(parent_ip, ev->act.module, sizeof(ev->act.module));
	sysrqmon_event_emit(ev);
}

/* A key on its way to its handler, from a module or anybody else. */
static void report_dispatch(const struct sysrqmon_request *req,
			    const struct sysrqmon_decision *d,
			    unsigned long parent_ip)
{
	if (req->kind == SYSRQMON_KIND_KERNEL)
		report_kernel(req->key, parent_ip, d);
	else
		report_key(req, d, req->key);
}

/* Code of a module other than ours: a driver's or anybody's. */
static bool seen_by_entry(unsigned long caller, int key)
{
	struct handled *h = get_cpu_ptr(&handled_by_entry);
	bool seen = h->task == current && h->caller == caller && h->key == key;

	h->task = NULL;
	put_cpu_ptr(&handled_by_entry);
	return seen;
}

static void note_entry(unsigned long caller, int key)
{
	struct handled *h = get_cpu_ptr(&handled_by_entry);

	h->task = current;
	h->caller = caller;
	h->key = key;
	put_cpu_ptr(&handled_by_entry);
}

/*
 * A trigger write is decided once, at its entry, in the configuration of
 * that moment: a mode switch that lands before the dispatch does not turn
 * a write that will return its count into a refusal. The dispatch decides
 * again only a key that changed since. The writer may sleep in between
 * (the kernel's own read of the byte can fault) and wake on another CPU,
 * so what a write allowed is kept by task. With every slot taken by
 * writers still on their way, one of them is forgotten: its dispatch
 * decides anew, which can only refuse more.
 */
#define WRITES_IN_FLIGHT	16

struct allowed_write {
	struct task_struct *task;
	int key;
};

static struct allowed_write allowed_writes[WRITES_IN_FLIGHT];
static unsigned int next_evicted;
static DEFINE_RAW_SPINLOCK(allowed_writes_lock);

/* Context: allowed_writes_lock held. A NULL @task finds a free slot. */
static struct allowed_write *slot_of(struct task_struct *task)
{
	int i;

	for (i = 0; i < WRITES_IN_FLIGHT; i++)
		if (allowed_writes[i].task == task)
			return &allowed_writes[i];
	return NULL;
}

static void note_allowed_write(int key)
{
	struct allowed_write *w;

	raw_spin_lock(&allowed_writes_lock);
	w = slot_of(current) ?: slot_of(NULL) ?:
	    &allowed_writes[next_evicted++ % WRITES_IN_FLIGHT];
	w->task = current;
	w->key = key;
	raw_spin_unlock(&allowed_writes_lock);
}

/* Whether this task's write allowed @key; the write is forgotten either way. */
static bool write_allowed(int key)
{
	struct allowed_write *w;
	bool allowed = false;

	raw_spin_lock(&allowed_writes_lock);
	w = slot_of(current);
	if (w) {
		allowed = w->key == key;
		w->task = NULL;
	}
	raw_spin_unlock(&allowed_writes_lock);
	return allowed;
}

static bool from_other_module(unsigned long addr)
{
	struct module *mod;

	preempt_disable_notrace();
	mod = sysrqmon_module_of(addr);
	preempt_enable_notrace();
	return mod && mod != THIS_MODULE;
}

/*
 * ssize_t write_sysrq_trigger(struct file *file, const char __user *buf,
 *			       size_t count, loff_t *ppos)
 *
 * The usual denial: the write fails with EPERM before the kernel reads the
 * key. A key allowed here is noted for the dispatch, which sees the key the
 * kernel really runs and decides it again if it differs. A byte the hook
 * cannot read without faulting (userfaultfd, not yet paged in) cannot be
 * decided: denied and counted.
 */
void sysrqmon_hook_trigger_write(unsigned long ip, unsigned long parent_ip,
				 struct sysrqmon_hook *hook,
				 struct ftrace_regs *fregs)
{
	const char __user *buf = (const char __user *)hook_arg(fregs, 1);
	struct sysrqmon_request req = {
		.kind = SYSRQMON_KIND_TRIGGER,
		.key = SYSRQMON_KEY_NONE,
		.early = true,
	};
	struct sysrqmon_decision d;
	char c;
	int bit;

	if (!hook_arg(fregs, 2))
		return;
	if (!copy_from_user_nofault(&c, buf, 1))
		req.key = c;
	else
		req.unread = true;
	bit = sysrqmon_hook_ask(hook, ip, parent_ip, fregs, &req, -EPERM, &d);
	if (!d.deny)
		note_allowed_write(req.key);
	if (bit < 0)
		return;
	report_key(&req, &d, req.key);
	sysrqmon_hook_exit(bit);
}

/* void __handle_sysrq(int key, bool check_mask), u8 key since 6.6 */
void sysrqmon_hook_dispatch(unsigned long ip, unsigned long parent_ip,
			    struct sysrqmon_hook *hook, struct ftrace_regs *fregs)
{
	struct sysrqmon_request req = {
		.key = sysrqmon_sysrq_key(hook_arg(fregs, 0)),
	};
	bool check_mask = hook_arg(fregs, 1) & 1;
	struct sysrqmon_decision d;
	int bit;

	/*
	 * A trigger key that changed since its write was allowed (another
	 * thread rewrote the buffer) is decided here; if refused, the dispatch
	 * returns at once, and the write returns its count as it always does.
	 */
	if (sysrqmon_text_holds(&sysrqmon_sym.trigger_writer, parent_ip)) {
		req.kind = SYSRQMON_KIND_TRIGGER;
		req.done = write_allowed(req.key);
	} else if (from_other_module(parent_ip) &&
		   !seen_by_entry(parent_ip, req.key)) {
		req.kind = SYSRQMON_KIND_KERNEL;
	} else if (sysrqmon_from_keyboard(parent_ip)) {
		req.kind = SYSRQMON_KIND_CONSOLE;
		/* The reset sequence's repeat press skips the mask check. */
		req.source = key_injected() ? SYSRQMON_SOURCE_INJECT :
			     check_mask ? SYSRQMON_SOURCE_KEYBOARD :
			     SYSRQMON_SOURCE_RESET;
	} else {
		return;		/* handle_sysrq()'s hook reported it */
	}
	bit = sysrqmon_hook_ask(hook, ip, parent_ip, fregs, &req, 0, &d);
	if (bit < 0)
		return;
	report_dispatch(&req, &d, parent_ip);
	sysrqmon_hook_exit(bit);
}

/*
 * bool sysrq_filter(struct input_handle *handle, unsigned int type,
 *		     unsigned int code, int value)
 *
 * The keyboard reset sequence reboots without a command key, at once or
 * from a timer (sysrq_downtime_ms) that the last press arms. A process
 * that may not reboot (b) has its presses of the sequence's keys kept
 * from the filter: it returns "not consumed", so the key still reaches
 * the other input handlers, but the sequence never completes. Keys of
 * real keyboards never come here in a process's context.
 */
void sysrqmon_hook_key_filter(unsigned long ip, unsigned long parent_ip,
			      struct sysrqmon_hook *hook,
			      struct ftrace_regs *fregs)
{
	unsigned int type = hook_arg(fregs, 1), code = hook_arg(fregs, 2);
	struct sysrqmon_request req = {
		.kind = SYSRQMON_KIND_CONSOLE,
		.source = SYSRQMON_SOURCE_INJECT,
		.key = SYSRQMON_KEY_NONE,
		.reset = true,
		.early = true,
	};
	int value = (int)hook_arg(fregs, 3), bit;
	struct sysrqmon_decision d;

	if (type != EV_KEY || value != 1 || !key_injected() ||
	    !is_reset_key(code))
		return;
	bit = sysrqmon_hook_ask(hook, ip, parent_ip, fregs, &req, false, &d);
	if (bit < 0)
		return;
	report_key(&req, &d, req.key);
	sysrqmon_hook_exit(bit);
}

/*
 * void handle_sysrq(int key), u8 key since 6.6
 *
 * Built-in callers are the serial and console drivers. A module's call
 * is an action run by module code, which follows the trigger policy.
 */
void sysrqmon_hook_handle_sysrq(unsigned long ip, unsigned long parent_ip,
				struct sysrqmon_hook *hook,
				struct ftrace_regs *fregs)
{
	struct sysrqmon_request req = {
		.kind = SYSRQMON_KIND_CONSOLE,
		.source = SYSRQMON_SOURCE_SERIAL,
		.key = sysrqmon_sysrq_key(hook_arg(fregs, 0)),
	};
	struct sysrqmon_decision d;
	int bit;

	if (from_other_module(parent_ip)) {
		note_entry(parent_ip, req.key);
		req.kind = SYSRQMON_KIND_KERNEL;
		req.source = SYSRQMON_SOURCE_NONE;
	}
	bit = sysrqmon_hook_ask(hook, ip, parent_ip, fregs, &req, 0, &d);
	if (bit < 0)
		return;
	report_dispatch(&req, &d, parent_ip);
	sysrqmon_hook_exit(bit);
}

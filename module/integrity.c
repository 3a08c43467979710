// SPDX-License-Identifier: GPL-2.0
/*
 * SysRq integrity: what sysrqmon knows the mask and the key table to be,
 * the baseline it starts from, and the periodic check that finds changes
 * made behind every hook (a raw memory write).
 *
 * Hooked paths update the known state when they change it, so they are
 * never drift. The check runs in a worker, never on a hot path. A mismatch
 * is confirmed once after a short pause and only if no hooked change ran in
 * between, so a change in flight through a hook is not mistaken for drift.
 *
 * A known handler is trusted only while it cannot go away: a core-kernel
 * one, or one inside a module that is alive, until a module notifier sees
 * that module reach MODULE_STATE_GOING. Anything else (memory of a module
 * already freed, a heap object) may be reported by address, but is never
 * followed and never written back: restoring such a slot puts back NULL.
 */
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/sysrq.h>
#include <linux/workqueue.h>

#include "sysrqmon.h"

#define CONFIRM_MS		10

/* Where a handler lives, which says whether it may be followed. */
enum handler_home {
	HOME_NONE,	/* NULL: no handler */
	HOME_KERNEL,	/* the kernel image: always there */
	HOME_MODULE,	/* a module that is coming or live */
	HOME_UNKNOWN,	/* anything else: never followed or written back */
};

struct known_handler {
	const struct sysrq_key_op *op;
	enum handler_home home;
	struct module *owner;	/* HOME_MODULE: trusted until it goes */
};

/*
 * Raw: the hooks update it in any context, the keyboard's included, and
 * on PREEMPT_RT a spinlock_t would sleep there.
 */
static struct {
	raw_spinlock_t lock;	/* protects the fields below */
	int mask;
	struct known_handler table[SYSRQMON_KEY_SLOTS];
	unsigned long generation;	/* bumped by every change of the above */
} known = {
	.lock = __RAW_SPIN_LOCK_UNLOCKED(known.lock),
};

/*
 * The handlers at load: what "changed" in the key list is relative to,
 * and what a slot falls back to when its trusted module goes.
 */
static struct known_handler baseline_table[SYSRQMON_KEY_SLOTS];

static void verify(struct work_struct *work);
static DECLARE_DELAYED_WORK(verify_work, verify);
static bool verifying;

/* The verification period in milliseconds, 0 when off. */
static unsigned int verify_ms(void)
{
	struct sysrqmon_config cfg;

	sysrqmon_config_get(&cfg);
	return cfg.verify_ms;
}

/**
 * sysrqmon_verify_period_changed() - verify_ms was set: check on the new
 * period from now, or stop checking when it is 0
 * @ms: the new period, as just published
 *
 * Context: process context, under the parameter lock (params.c), which
 * also keeps it from running once exit has begun.
 */
void sysrqmon_verify_period_changed(unsigned int ms)
{
	if (!READ_ONCE(verifying))
		return;
	if (ms)
		mod_delayed_work(system_wq, &verify_work, msecs_to_jiffies(ms));
	else
		cancel_delayed_work_sync(&verify_work);
}

/*
 * Where @op lives. The answer holds as long as preemption stays disabled,
 * and for HOME_MODULE until the owner's GOING notification, which needs
 * known.lock: so callers that keep the owner decide under that lock.
 */
static enum handler_home handler_home(const struct sysrq_key_op *op,
				      struct module **owner)
{
	unsigned long addr = (unsigned long)op;
	struct module *mod;

	*owner = NULL;
	if (!op)
		return HOME_NONE;
	if (sysrqmon_text_holds(&sysrqmon_sym.image, addr) &&
	    !sysrqmon_text_holds(&sysrqmon_sym.init, addr))
		return HOME_KERNEL;
	mod = sysrqmon_module_of(addr);
	if (mod && (mod->state == MODULE_STATE_LIVE ||
		    mod->state == MODULE_STATE_COMING)) {
		*owner = mod;
		return HOME_MODULE;
	}
	return HOME_UNKNOWN;
}

/* Context: known.lock held (preemption is off). */
static void known_set(int slot, const struct sysrq_key_op *op)
{
	struct known_handler *k = &known.table[slot];

	k->op = op;
	k->home = handler_home(op, &k->owner);
}

/*
 * What a slot falls back to when the module of its known handler goes:
 * its load-time handler when that is core kernel, else NULL.
 */
static struct known_handler fallback(int slot)
{
	if (baseline_table[slot].home == HOME_KERNEL)
		return baseline_table[slot];
	return (struct known_handler){ .home = HOME_NONE };
}

/*
 * The module notifier: a module that goes takes the trust in its handlers
 * with it, and such a slot falls back; the bumped generation makes a check
 * in flight look again. Runs after the module's exit, before its memory is
 * freed.
 */
static int module_going(struct notifier_block *nb, unsigned long state,
			void *data)
{
	struct module *mod = data;
	struct known_handler *k;
	int slot;

	if (state != MODULE_STATE_GOING)
		return NOTIFY_DONE;
	raw_spin_lock_irq(&known.lock);
	for (slot = 0; slot < SYSRQMON_KEY_SLOTS; slot++) {
		k = &known.table[slot];
		if (k->owner != mod)
			continue;
		*k = fallback(slot);
		known.generation++;
	}
	raw_spin_unlock_irq(&known.lock);
	return NOTIFY_DONE;
}

static struct notifier_block module_nb = {
	.notifier_call = module_going,
};

/**
 * sysrqmon_known_mask() - a hooked path is setting the mask
 * @mask: the mask it applies
 *
 * Context: any.
 */
void sysrqmon_known_mask(int mask)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&known.lock, flags);
	known.mask = mask;
	known.generation++;
	raw_spin_unlock_irqrestore(&known.lock, flags);
}

/**
 * sysrqmon_known_key() - a hooked path is swapping a key's handler
 * @key: the command character
 * @from: the handler the swap expects in the slot (NULL to register)
 * @to: the handler it puts there (NULL to unregister)
 *
 * Mirrors the driver: the swap happens only if the slot holds @from.
 * Context: any.
 */
void sysrqmon_known_key(int key, const struct sysrq_key_op *from,
			const struct sysrq_key_op *to)
{
	int slot = sysrqmon_key_index(key);
	unsigned long flags;

	if (slot < 0)
		return;
	raw_spin_lock_irqsave(&known.lock, flags);
	if (READ_ONCE(sysrqmon_key_table()[slot]) == from)
		known_set(slot, to);
	known.generation++;
	raw_spin_unlock_irqrestore(&known.lock, flags);
}

static void report_baseline(void)
{
	const struct sysrq_key_op **table = sysrqmon_key_table();
	struct sysrqmon_request req = { .kind = SYSRQMON_KIND_BASELINE };
	struct sysrqmon_decision d;
	struct sysrqmon_event *ev;
	size_t n = 0;
	int slot;

	sysrqmon_decide(&req, &d);
	ev = sysrqmon_event_start(SYSRQMON_KIND_BASELINE, true, &d);
	if (!ev)
		return;
	raw_spin_lock_irq(&known.lock);
	ev->text.mask = known.mask;
	raw_spin_unlock_irq(&known.lock);
	for (slot = 0; slot < SYSRQMON_KEY_SLOTS; slot++)
		if (READ_ONCE(table[slot]))
			ev->text.new[n++] = sysrqmon_slot_key(slot);
	ev->text.new[n] = '\0';
	sysrqmon_event_emit(ev);
}

/**
 * sysrqmon_integrity_init() - record the baseline
 *
 * Return: 0, or the errno of register_module_notifier().
 */
int sysrqmon_integrity_init(void)
{
	const struct sysrq_key_op **table = sysrqmon_key_table();
	int slot, ret;

	/* First, so that no module can go unseen once its handler is known. */
	ret = register_module_notifier(&module_nb);
	if (ret)
		return ret;
	raw_spin_lock_irq(&known.lock);
	known.mask = sysrq_mask();
	for (slot = 0; slot < SYSRQMON_KEY_SLOTS; slot++)
		known_set(slot, READ_ONCE(table[slot]));
	memcpy(baseline_table, known.table, sizeof(baseline_table));
	raw_spin_unlock_irq(&known.lock);
	return 0;
}

/**
 * sysrqmon_key_entry() - one slot of the live key table, for listing
 * @slot: 0 to 61
 * @entry: receives the key, its handler's help text, symbol and owner
 *
 * Context: process context.
 * Return: false when the slot has no handler.
 */
bool sysrqmon_key_entry(int slot, struct sysrqmon_key_entry *entry)
{
	const struct sysrq_key_op *op;
	struct module *mod;

	/* A module's memory is freed only after an RCU grace period. */
	rcu_read_lock();
	preempt_disable();
	op = READ_ONCE(sysrqmon_key_table()[slot]);
	if (op) {
		entry->key = sysrqmon_slot_key(slot);
		entry->changed = op != baseline_table[slot].op;
		switch (handler_home(op, &mod)) {
		case HOME_KERNEL:
		case HOME_MODULE:
			strscpy(entry->help, op->help_msg ?: "",
				sizeof(entry->help));
			snprintf(entry->handler, sizeof(entry->handler), "%ps",
				 op->handler);
			strscpy(entry->module, mod ? mod->name : "vmlinux",
				sizeof(entry->module));
			break;
		default:
			/* Gone or going, or not code's data at all: not followed. */
			strscpy(entry->help, "", sizeof(entry->help));
			strscpy(entry->handler, "?", sizeof(entry->handler));
			strscpy(entry->module, "?", sizeof(entry->module));
			break;
		}
	}
	preempt_enable();
	rcu_read_unlock();
	return op;
}

/**
 * sysrqmon_integrity_start() - report the baseline and start checking
 *
 * Called once the hooks are attached, so that every later change is
 * either seen by a hook or found by the check.
 */
void sysrqmon_integrity_start(void)
{
	unsigned int ms = verify_ms();

	report_baseline();
	WRITE_ONCE(verifying, true);
	if (ms)
		schedule_delayed_work(&verify_work, msecs_to_jiffies(ms));
}

/**
 * sysrqmon_integrity_stop() - stop checking
 *
 * Undoes sysrqmon_integrity_start(). Called after
 * sysrqmon_params_unloading(), so that no change of verify_ms can arm the
 * check again.
 */
void sysrqmon_integrity_stop(void)
{
	WRITE_ONCE(verifying, false);
	cancel_delayed_work_sync(&verify_work);
}

/**
 * sysrqmon_integrity_exit() - stop following modules
 *
 * Undoes sysrqmon_integrity_init().
 */
void sysrqmon_integrity_exit(void)
{
	unregister_module_notifier(&module_nb);
}

static void report_drift(const char *what, int key, int old, int new,
			 const struct sysrqmon_decision *d)
{
	struct sysrqmon_event *ev;

	ev = sysrqmon_event_start(SYSRQMON_KIND_DRIFT, false, d);
	if (ev) {
		ev->act.source = SYSRQMON_SOURCE_VERIFY;
		strscpy(ev->act.what, what, sizeof(ev->act.what));
		ev->act.key = key;
		ev->act.old_mask = old;
		ev->act.new_mask = new;
		sysrqmon_event_emit(ev);
	}
	sysrqmon_stats_inc(SYSRQMON_STAT_DRIFT);
	if (d->deny)
		sysrqmon_stats_inc(SYSRQMON_STAT_RESTORED);
}

/* @d: the policy's decision on drift, taken once for this check. */
static void check_mask(const struct sysrqmon_decision *d)
{
	unsigned long gen;
	int live, want;

	raw_spin_lock_irq(&known.lock);
	gen = known.generation;
	want = known.mask;
	raw_spin_unlock_irq(&known.lock);
	live = sysrq_mask();
	if (live == want)
		return;
	msleep(CONFIRM_MS);

	raw_spin_lock_irq(&known.lock);
	if (gen != known.generation || sysrq_mask() != live) {
		raw_spin_unlock_irq(&known.lock);
		return;		/* a hooked change in flight: look again later */
	}
	if (!d->deny)
		known.mask = live;
	raw_spin_unlock_irq(&known.lock);

	/* Through the kernel's own function; our toggle hook lets us. */
	if (d->deny)
		sysrq_toggle_support(want);
	report_drift("mask", SYSRQMON_KEY_NONE, want, live, d);
}

/*
 * What a slot may be put back to: its known handler when that is core
 * kernel, NULL, or in a module that a reference now pins. A module that
 * can no longer be pinned is going: its exit has run (and may have put
 * the old handler back) but the GOING notifier has not yet, so the slot
 * falls back as the notifier will make it. Anything else becomes NULL.
 * Context: known.lock held.
 */
static struct known_handler restorable(int slot, struct module **pinned)
{
	struct known_handler want = known.table[slot];

	*pinned = NULL;
	if (want.home == HOME_MODULE && try_module_get(want.owner))
		*pinned = want.owner;
	else if (want.home == HOME_MODULE)
		want = fallback(slot);
	else if (want.home != HOME_KERNEL)
		want = (struct known_handler){ .home = HOME_NONE };
	return want;
}

/* Returns whether the slot was put back. */
static bool restore_slot(int slot, const struct sysrq_key_op *live)
{
	const struct sysrq_key_op **table = sysrqmon_key_table();
	struct known_handler want;
	struct module *pinned;
	bool restored = false;

	/* Known first: the GOING notifier then sees what we put back. */
	raw_spin_lock_irq(&known.lock);
	want = restorable(slot, &pinned);
	known.table[slot] = want;
	raw_spin_unlock_irq(&known.lock);

	spin_lock(sysrqmon_sym.key_table_lock);
	if (READ_ONCE(table[slot]) == live && want.op != live) {
		WRITE_ONCE(table[slot], want.op);
		restored = true;
	}
	spin_unlock(sysrqmon_sym.key_table_lock);
	/* Like the driver: let readers of the old handler finish. */
	synchronize_rcu();
	module_put(pinned);
	return restored;
}

static void check_table(const struct sysrqmon_decision *d)
{
	const struct sysrq_key_op **table = sysrqmon_key_table();
	const struct sysrq_key_op *live, *want;
	bool restore = d->deny, untrusted;
	unsigned long gen;
	int slot;

	for (slot = 0; slot < SYSRQMON_KEY_SLOTS; slot++) {
		raw_spin_lock_irq(&known.lock);
		gen = known.generation;
		want = known.table[slot].op;
		untrusted = known.table[slot].home == HOME_UNKNOWN;
		raw_spin_unlock_irq(&known.lock);
		live = READ_ONCE(table[slot]);
		/* Deny mode does not keep a handler it cannot trust, either. */
		if (live == want && !(restore && untrusted))
			continue;
		msleep(CONFIRM_MS);

		raw_spin_lock_irq(&known.lock);
		if (gen != known.generation ||
		    READ_ONCE(table[slot]) != live) {
			raw_spin_unlock_irq(&known.lock);
			continue;
		}
		/* Accepted drift is known, but trusted only where it lives. */
		if (!restore)
			known_set(slot, live);
		raw_spin_unlock_irq(&known.lock);

		if (restore && !restore_slot(slot, live))
			continue;	/* changed under us: look again later */
		report_drift("keytable", sysrqmon_slot_key(slot), 0, 0, d);
	}
}

/*
 * One decision for the whole check: a mode switch meanwhile cannot split
 * it (the known state is then kept or put back consistently).
 */
static void verify(struct work_struct *work)
{
	struct sysrqmon_request req = { .kind = SYSRQMON_KIND_DRIFT };
	struct sysrqmon_decision d;
	unsigned int ms;

	sysrqmon_decide(&req, &d);
	if (d.report) {
		check_mask(&d);
		check_table(&d);
	}
	ms = verify_ms();
	if (ms && READ_ONCE(verifying))
		schedule_delayed_work(&verify_work, msecs_to_jiffies(ms));
}

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
 */
#include <linux/capability.h>
#include <linux/delay.h>
#include <linux/moduleparam.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/sysrq.h>
#include <linux/workqueue.h>

#include "sysrqmon.h"

#define VERIFY_MS_MIN		100
#define VERIFY_MS_MAX		60000
#define CONFIRM_MS		10

static unsigned int verify_ms = 1000;

static struct {
	spinlock_t lock;	/* protects the fields below */
	int mask;
	const struct sysrq_key_op *table[SYSRQMON_KEY_SLOTS];
	unsigned long generation;	/* bumped by every hooked change */
} known = {
	.lock = __SPIN_LOCK_UNLOCKED(known.lock),
};

/* The handlers at load: what "changed" in the key list is relative to. */
static const struct sysrq_key_op *baseline_table[SYSRQMON_KEY_SLOTS];

static atomic64_t drift_count, restored_count, tamper_count;
static spinlock_t *driver_table_lock;

static void verify(struct work_struct *work);
static DECLARE_DELAYED_WORK(verify_work, verify);
static bool verifying;

static int verify_ms_set(const char *val, const struct kernel_param *kp)
{
	unsigned int ms;

	if (kstrtouint(val, 0, &ms) ||
	    (ms && (ms < VERIFY_MS_MIN || ms > VERIFY_MS_MAX))) {
		pr_err("sysrqmon: invalid verify_ms=%s, expected 0 (off) or %d to %d\n",
		       val, VERIFY_MS_MIN, VERIFY_MS_MAX);
		return -EINVAL;
	}
	if (READ_ONCE(verifying) && !capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (READ_ONCE(sysrqmon_cfg.locked) && READ_ONCE(verifying))
		return -EPERM;
	WRITE_ONCE(verify_ms, ms);
	if (READ_ONCE(verifying))
		mod_delayed_work(system_wq, &verify_work,
				 ms ? msecs_to_jiffies(ms) : 0);
	return 0;
}

static const struct kernel_param_ops verify_ms_ops = {
	.set = verify_ms_set,
	.get = param_get_uint,
};

module_param_cb(verify_ms, &verify_ms_ops, &verify_ms, 0644);
MODULE_PARM_DESC(verify_ms, "period of the mask and key table check in ms (100-60000, 0 = off, default 1000)");

/**
 * sysrqmon_verify_ms() - the verification period
 *
 * Return: milliseconds, 0 when off.
 */
unsigned int sysrqmon_verify_ms(void)
{
	return READ_ONCE(verify_ms);
}

/**
 * sysrqmon_known_mask() - a hooked path is setting the mask
 * @mask: the mask it applies
 *
 * Context: any.
 */
void sysrqmon_known_mask(int mask)
{
	unsigned long flags;

	spin_lock_irqsave(&known.lock, flags);
	known.mask = mask;
	known.generation++;
	spin_unlock_irqrestore(&known.lock, flags);
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
	spin_lock_irqsave(&known.lock, flags);
	if (READ_ONCE(sysrqmon_key_table()[slot]) == from)
		known.table[slot] = to;
	known.generation++;
	spin_unlock_irqrestore(&known.lock, flags);
}

static void report_baseline(void)
{
	const struct sysrq_key_op **table = sysrqmon_key_table();
	struct sysrqmon_event ev;
	size_t n = 0;
	int slot;

	sysrqmon_event_init(&ev, SYSRQMON_KIND_BASELINE, true);
	ev.new_mask = known.mask;
	for (slot = 0; slot < SYSRQMON_KEY_SLOTS; slot++)
		if (READ_ONCE(table[slot]))
			ev.keys[n++] = sysrqmon_slot_key(slot);
	ev.keys[n] = '\0';
	sysrqmon_event_emit(&ev);
}

/**
 * sysrqmon_integrity_init() - record the baseline
 *
 * Return: 0, or -ENOENT if the driver's table lock cannot be found.
 */
int sysrqmon_integrity_init(void)
{
	const struct sysrq_key_op **table = sysrqmon_key_table();
	int slot;

	driver_table_lock = (spinlock_t *)sysrqmon_lookup("sysrq_key_table_lock");
	if (!driver_table_lock) {
		pr_err("sysrqmon: cannot find sysrq_key_table_lock\n");
		return -ENOENT;
	}
	spin_lock_irq(&known.lock);
	known.mask = sysrq_mask();
	for (slot = 0; slot < SYSRQMON_KEY_SLOTS; slot++)
		known.table[slot] = READ_ONCE(table[slot]);
	memcpy(baseline_table, known.table, sizeof(baseline_table));
	spin_unlock_irq(&known.lock);
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

	rcu_read_lock();
	op = READ_ONCE(sysrqmon_key_table()[slot]);
	if (op) {
		entry->key = sysrqmon_slot_key(slot);
		strscpy(entry->help, op->help_msg ?: "", sizeof(entry->help));
		snprintf(entry->handler, sizeof(entry->handler), "%ps",
			 op->handler);
		preempt_disable();
		mod = sysrqmon_module_of((unsigned long)op);
		strscpy(entry->module, mod ? mod->name : "vmlinux",
			sizeof(entry->module));
		preempt_enable();
		entry->changed = op != baseline_table[slot];
	}
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
	report_baseline();
	WRITE_ONCE(verifying, true);
	if (verify_ms)
		schedule_delayed_work(&verify_work, msecs_to_jiffies(verify_ms));
}

/**
 * sysrqmon_integrity_exit() - stop checking
 */
void sysrqmon_integrity_exit(void)
{
	WRITE_ONCE(verifying, false);
	cancel_delayed_work_sync(&verify_work);
}

/* Drift has no task of its own: the deny scope treats it as host. */
static bool restore_drift(void)
{
	return READ_ONCE(sysrqmon_cfg.mode) == SYSRQMON_MODE_DENY &&
	       READ_ONCE(sysrqmon_cfg.deny_scope) == SYSRQMON_SCOPE_ALL;
}

static void report_drift(const char *what, int key, int old, int new,
			 bool restored)
{
	struct sysrqmon_event ev;

	sysrqmon_event_init(&ev, SYSRQMON_KIND_DRIFT, false);
	ev.source = SYSRQMON_SOURCE_VERIFY;
	ev.verdict = restored ? SYSRQMON_VERDICT_DENIED :
				SYSRQMON_VERDICT_ALLOWED;
	strscpy(ev.what, what, sizeof(ev.what));
	ev.key = key;
	ev.old_mask = old;
	ev.new_mask = new;
	sysrqmon_event_emit(&ev);
	atomic64_inc(&drift_count);
	if (restored)
		atomic64_inc(&restored_count);
}

static void check_mask(void)
{
	unsigned long gen;
	int live, want;

	spin_lock_irq(&known.lock);
	gen = known.generation;
	want = known.mask;
	spin_unlock_irq(&known.lock);
	live = sysrq_mask();
	if (live == want)
		return;
	msleep(CONFIRM_MS);

	spin_lock_irq(&known.lock);
	if (gen != known.generation || sysrq_mask() != live) {
		spin_unlock_irq(&known.lock);
		return;		/* a hooked change in flight: look again later */
	}
	if (!restore_drift())
		known.mask = live;
	spin_unlock_irq(&known.lock);

	if (restore_drift()) {
		/* Through the kernel's own function; our toggle hook lets us. */
		sysrq_toggle_support(want);
		report_drift("mask", SYSRQMON_KEY_NONE, want, live, true);
	} else {
		report_drift("mask", SYSRQMON_KEY_NONE, want, live, false);
	}
}

/*
 * The handler to put back, if it is still safe to point at: a built-in
 * handler, or one whose module is alive (a reference pins it while we
 * write). A handler of a module that has gone is replaced by nothing.
 */
static const struct sysrq_key_op *restorable(const struct sysrq_key_op *op,
					     struct module **pinned)
{
	struct module *mod;

	*pinned = NULL;
	if (!op)
		return NULL;
	preempt_disable();
	mod = sysrqmon_module_of((unsigned long)op);
	if (mod && !try_module_get(mod))
		op = NULL;
	preempt_enable();
	*pinned = op ? mod : NULL;
	return op;
}

static void restore_slot(int slot, const struct sysrq_key_op *want)
{
	const struct sysrq_key_op **table = sysrqmon_key_table();
	struct module *pinned;

	want = restorable(want, &pinned);
	spin_lock(driver_table_lock);
	WRITE_ONCE(table[slot], want);
	spin_unlock(driver_table_lock);
	spin_lock_irq(&known.lock);
	known.table[slot] = want;
	spin_unlock_irq(&known.lock);
	module_put(pinned);
	/* Like the driver: let readers of the old handler finish. */
	synchronize_rcu();
}

static void check_table(void)
{
	const struct sysrq_key_op **table = sysrqmon_key_table();
	const struct sysrq_key_op *live, *want;
	unsigned long gen;
	int slot;

	for (slot = 0; slot < SYSRQMON_KEY_SLOTS; slot++) {
		spin_lock_irq(&known.lock);
		gen = known.generation;
		want = known.table[slot];
		spin_unlock_irq(&known.lock);
		live = READ_ONCE(table[slot]);
		if (live == want)
			continue;
		msleep(CONFIRM_MS);

		spin_lock_irq(&known.lock);
		if (gen != known.generation ||
		    READ_ONCE(table[slot]) != live) {
			spin_unlock_irq(&known.lock);
			continue;
		}
		if (!restore_drift())
			known.table[slot] = live;
		spin_unlock_irq(&known.lock);

		if (restore_drift())
			restore_slot(slot, want);
		report_drift("keytable", sysrqmon_slot_key(slot), 0, 0,
			     restore_drift());
	}
}

static void verify(struct work_struct *work)
{
	unsigned int ms;

	if (READ_ONCE(sysrqmon_cfg.mode) != SYSRQMON_MODE_OFF) {
		check_mask();
		check_table();
	}
	ms = READ_ONCE(verify_ms);
	if (ms && READ_ONCE(verifying))
		schedule_delayed_work(&verify_work, msecs_to_jiffies(ms));
}

/**
 * sysrqmon_count_tamper() - count an attempt to blind the hooks
 */
void sysrqmon_count_tamper(void)
{
	atomic64_inc(&tamper_count);
}

/**
 * sysrqmon_drift_count() - changes the check found since load
 *
 * Return: the count.
 */
u64 sysrqmon_drift_count(void)
{
	return atomic64_read(&drift_count);
}

/**
 * sysrqmon_restored_count() - drift put back since load
 *
 * Return: the count.
 */
u64 sysrqmon_restored_count(void)
{
	return atomic64_read(&restored_count);
}

/**
 * sysrqmon_tamper_count() - blinding attempts since load
 *
 * Return: the count.
 */
u64 sysrqmon_tamper_count(void)
{
	return atomic64_read(&tamper_count);
}

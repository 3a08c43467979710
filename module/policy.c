// SPDX-License-Identifier: GPL-2.0
/*
 * The policy: every verdict, from what a hook asks and one consistent copy
 * of the configuration. Hooks only read their arguments, ask
 * sysrqmon_decide() once, refuse when told to and report what it says.
 * Safe in any hook context: no lock, no allocation.
 */
#include <linux/bits.h>

#include "sysrqmon.h"

#define SYSRQ_ON		BIT(0)
#define SYSRQ_FUNCTIONS		0x1fe

/**
 * sysrqmon_effective_set() - what a SysRq mask really enables
 * @mask: a kernel.sysrq value
 *
 * 0 enables nothing, 1 everything, any other value "on" plus its function
 * bits 1-8; bit 0 of another value and bits above 8 mean nothing.
 *
 * Return: the set, with %SYSRQ_ON standing for "on".
 */
u32 sysrqmon_effective_set(int mask)
{
	if (!mask)
		return 0;
	if (mask == 1)
		return SYSRQ_ON | SYSRQ_FUNCTIONS;
	return SYSRQ_ON | (mask & SYSRQ_FUNCTIONS);
}
EXPORT_SYMBOL_IF_KUNIT(sysrqmon_effective_set);

/**
 * sysrqmon_mask_change_denied() - whether deny mode refuses a mask change
 * @old: the mask now
 * @new: the mask the write would apply
 * @allowed: the allowed_mask setting
 *
 * Return: true if @new enables something that neither @old nor @allowed
 * enables. Same value and pure restrictions are always allowed.
 */
bool sysrqmon_mask_change_denied(int old, int new, int allowed)
{
	u32 permitted = sysrqmon_effective_set(old) |
			sysrqmon_effective_set(allowed);

	return sysrqmon_effective_set(new) & ~permitted;
}
EXPORT_SYMBOL_IF_KUNIT(sysrqmon_mask_change_denied);

/**
 * sysrqmon_key_allowed() - whether allowed_keys lets a command through
 * @keys: the allowed_keys setting, a bitmap of key slots
 * @key: the command character
 *
 * Return: true if @key is in the set.
 */
bool sysrqmon_key_allowed(u64 keys, int key)
{
	int slot = sysrqmon_key_index(key);

	return slot >= 0 && (keys & BIT_ULL(slot));
}
EXPORT_SYMBOL_IF_KUNIT(sysrqmon_key_allowed);

/* Whether deny mode governs the current task. */
static bool deny_applies(const struct sysrqmon_config *cfg)
{
	if (cfg->mode != SYSRQMON_MODE_DENY)
		return false;
	return cfg->deny_scope == SYSRQMON_SCOPE_ALL ||
	       sysrqmon_current_contained();
}

static bool key_refused(const struct sysrqmon_config *cfg,
			const struct sysrqmon_request *req)
{
	/* The reset sequence reboots: it is allowed where b is. */
	int key = req->reset ? 'b' : req->key;

	return deny_applies(cfg) &&
	       !sysrqmon_key_allowed(cfg->allowed_keys, key);
}

/* Refused or reported whatever audit= says: the kinds a reader must see. */
static bool always_reported(const struct sysrqmon_request *req, bool deny)
{
	switch (req->kind) {
	case SYSRQMON_KIND_CONFIG:
	case SYSRQMON_KIND_TAMPER:
	case SYSRQMON_KIND_DRIFT:
	case SYSRQMON_KIND_KEYTABLE:
	case SYSRQMON_KIND_BASELINE:
	case SYSRQMON_KIND_TOGGLE:
		return true;
	case SYSRQMON_KIND_TRIGGER:
	case SYSRQMON_KIND_CONSOLE:
	case SYSRQMON_KIND_KERNEL:
		/* Its line must be out before the machine goes. */
		return deny || req->reset || sysrqmon_key_destructive(req->key);
	default:
		return deny;
	}
}

/**
 * sysrqmon_decide() - the verdict on one act
 * @req: what the hook saw
 * @d: receives the answer
 *
 * In mode off nothing is reported or refused, but configuration, tamper
 * and the baseline. Deny mode refuses, for the tasks its scope covers:
 * - opens of the trigger for writing while no key is allowed (with keys,
 *   the write is judged by its key);
 * - trigger keys, keys a module sends and keys a process injects, unless
 *   allowed_keys has them (a trigger key at its write; at the dispatch
 *   only one that changed since); a keyboard's, a serial line's and the
 *   reset sequence's are never refused;
 * - mask changes that enable what neither the mask nor allowed_mask does;
 * - new key handlers (removing one never is: a module must, before it goes)
 *   and writes of the driver's parameters;
 * - drift, which it puts back when the scope is every task (drift has no
 *   task of its own).
 *
 * The lock refuses every configuration change but locking, the module's
 * unload, and the switches that blind kprobes. An act whose input could not
 * be read is refused where its input would have decided, and counted.
 */
void sysrqmon_decide(const struct sysrqmon_request *req,
		     struct sysrqmon_decision *d)
{
	struct sysrqmon_config cfg;
	bool decided_by_input = true;

	sysrqmon_config_get(&cfg);
	*d = (struct sysrqmon_decision){
		.report = cfg.mode != SYSRQMON_MODE_OFF,
	};
	switch (req->kind) {
	case SYSRQMON_KIND_OPEN:
		d->report &= req->write || cfg.watch_reads;
		d->deny = req->target == SYSRQMON_TARGET_TRIGGER && req->write &&
			  !cfg.allowed_keys && deny_applies(&cfg);
		break;
	case SYSRQMON_KIND_SYSCTL:
	case SYSRQMON_KIND_TOGGLE:
		d->deny = deny_applies(&cfg) &&
			  (req->unread ||
			   sysrqmon_mask_change_denied(req->old_mask, req->new_mask,
						       cfg.allowed_mask));
		d->report &= !req->unread;
		break;
	case SYSRQMON_KIND_TRIGGER:
	case SYSRQMON_KIND_KERNEL:
		d->deny = key_refused(&cfg, req);
		decided_by_input = cfg.allowed_keys;
		break;
	case SYSRQMON_KIND_CONSOLE:
		d->deny = req->source == SYSRQMON_SOURCE_INJECT &&
			  key_refused(&cfg, req);
		break;
	case SYSRQMON_KIND_KEYTABLE:
		d->deny = req->op == SYSRQMON_OP_REGISTER && deny_applies(&cfg);
		break;
	case SYSRQMON_KIND_PARAM:
		d->deny = deny_applies(&cfg);
		break;
	case SYSRQMON_KIND_TAMPER:
		d->deny = cfg.locked;
		d->report = !req->unread || d->deny;
		break;
	case SYSRQMON_KIND_DRIFT:
		d->deny = cfg.mode == SYSRQMON_MODE_DENY &&
			  cfg.deny_scope == SYSRQMON_SCOPE_ALL;
		break;
	case SYSRQMON_KIND_CONFIG:
		d->deny = cfg.locked &&
			  (req->unload || req->setting != SYSRQMON_SET_LOCKED ||
			   !req->value);
		/* An unload that goes ahead reports itself, as it happens. */
		d->report = !req->unload || d->deny;
		break;
	case SYSRQMON_KIND_BASELINE:
		d->report = true;
		break;
	}
	if (req->done)
		d->deny = false;
	/* A first look reports only what it refuses: the act reports itself. */
	if (req->early)
		d->report = d->deny;
	if (req->unread && d->deny && decided_by_input)
		sysrqmon_stats_inc(SYSRQMON_STAT_UNDECIDED);
	if (!d->report)
		return;
	d->always = always_reported(req, d->deny);
	d->line = d->always || cfg.audit;
	d->record = d->always || cfg.audit_records;
}
EXPORT_SYMBOL_IF_KUNIT(sysrqmon_decide);

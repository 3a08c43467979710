// SPDX-License-Identifier: GPL-2.0
/*
 * Deny-mode decisions. Pure functions of the configuration, the current
 * task and the value the kernel is about to act on; safe in any context.
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

/**
 * sysrqmon_deny_applies() - whether deny mode governs the current task
 *
 * Return: true in deny mode, for every task with deny_scope=all and for
 * contained tasks with deny_scope=container.
 */
bool sysrqmon_deny_applies(void)
{
	if (READ_ONCE(sysrqmon_cfg.mode) != SYSRQMON_MODE_DENY)
		return false;
	if (READ_ONCE(sysrqmon_cfg.deny_scope) == SYSRQMON_SCOPE_ALL)
		return true;
	return sysrqmon_current_contained();
}
EXPORT_SYMBOL_IF_KUNIT(sysrqmon_deny_applies);

static atomic64_t undecided;

/**
 * sysrqmon_count_undecided() - count a decision made without its input
 *
 * A hook that cannot read what it must decide on denies, and counts it.
 */
void sysrqmon_count_undecided(void)
{
	atomic64_inc(&undecided);
}

/**
 * sysrqmon_undecided() - decisions made without their input since load
 *
 * Return: the count.
 */
u64 sysrqmon_undecided(void)
{
	return atomic64_read(&undecided);
}

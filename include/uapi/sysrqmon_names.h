/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * sysrqmon: the names of the uapi values, as the audit line, the module
 * parameters and sysrqmonctl's output spell them. The module and the tool
 * both look them up with sysrqmon_name(), so each name is written once.
 * Index 0 of a table without a name for it is NULL: each side says "none"
 * its own way.
 */
#ifndef _UAPI_SYSRQMON_NAMES_H
#define _UAPI_SYSRQMON_NAMES_H

#include "sysrqmon.h"

static const char * const sysrqmon_kind_names[] = {
	[SYSRQMON_KIND_OPEN]		= "open",
	[SYSRQMON_KIND_SYSCTL]		= "sysctl",
	[SYSRQMON_KIND_TRIGGER]		= "trigger",
	[SYSRQMON_KIND_CONSOLE]		= "console",
	[SYSRQMON_KIND_CONFIG]		= "config",
	[SYSRQMON_KIND_BASELINE]	= "baseline",
	[SYSRQMON_KIND_TOGGLE]		= "toggle",
	[SYSRQMON_KIND_KEYTABLE]	= "keytable",
	[SYSRQMON_KIND_KERNEL]		= "kernel",
	[SYSRQMON_KIND_PARAM]		= "param",
	[SYSRQMON_KIND_DRIFT]		= "drift",
	[SYSRQMON_KIND_TAMPER]		= "tamper",
};

static const char * const sysrqmon_verdict_names[] = {
	[SYSRQMON_VERDICT_ALLOWED]	= "allowed",
	[SYSRQMON_VERDICT_DENIED]	= "denied",
};

static const char * const sysrqmon_target_names[] = {
	[SYSRQMON_TARGET_SYSRQ]		= "sysrq",
	[SYSRQMON_TARGET_TRIGGER]	= "sysrq-trigger",
};

static const char * const sysrqmon_source_names[] = {
	[SYSRQMON_SOURCE_KEYBOARD]	= "keyboard",
	[SYSRQMON_SOURCE_SERIAL]	= "serial",
	[SYSRQMON_SOURCE_RESET]		= "reset",
	[SYSRQMON_SOURCE_VERIFY]	= "verify",
	[SYSRQMON_SOURCE_INJECT]	= "inject",
};

static const char * const sysrqmon_mode_names[] = {
	[SYSRQMON_MODE_OFF]		= "off",
	[SYSRQMON_MODE_MONITOR]		= "monitor",
	[SYSRQMON_MODE_DENY]		= "deny",
};

static const char * const sysrqmon_scope_names[] = {
	[SYSRQMON_SCOPE_ALL]		= "all",
	[SYSRQMON_SCOPE_CONTAINER]	= "container",
};

static const char * const sysrqmon_op_names[] = {
	[SYSRQMON_OP_NONE]		= "none",
	[SYSRQMON_OP_REGISTER]		= "register",
	[SYSRQMON_OP_UNREGISTER]	= "unregister",
};

/* @names[@value], or NULL when @value has no name among the @n entries. */
static inline const char *sysrqmon_name(const char * const *names,
					unsigned long n, unsigned long value)
{
	return value < n ? names[value] : (const char *)0;
}

#endif /* _UAPI_SYSRQMON_NAMES_H */

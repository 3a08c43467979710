/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * sysrqmon: the generic netlink interface shared by the kernel module and
 * sysrqmonctl. Family and multicast group are resolved by name.
 */
#ifndef _UAPI_SYSRQMON_H
#define _UAPI_SYSRQMON_H

#define SYSRQMON_GENL_NAME		"sysrqmon"
#define SYSRQMON_GENL_VERSION		1
#define SYSRQMON_MCGRP_EVENTS		"events"

/* Longest string attribute the module sends or accepts, NUL included. */
#define SYSRQMON_STR_MAX		256

enum sysrqmon_cmd {
	SYSRQMON_CMD_UNSPEC,
	SYSRQMON_CMD_GET_STATUS,	/* any user: answers with the status */
	SYSRQMON_CMD_SET_CONFIG,	/* CAP_SYS_ADMIN: change settings */
	SYSRQMON_CMD_EVENT,		/* kernel -> "events" group */
	SYSRQMON_CMD_LOCK,		/* CAP_SYS_ADMIN: lock until reboot */
	SYSRQMON_CMD_GET_KEYS,		/* any user: the live key table */
	/*
	 * CAP_SYS_ADMIN: make the sending socket the shipping consumer. The
	 * module answers with a SUBSCRIBE message, then unicasts every event
	 * to that socket and keeps each one buffered until the socket takes
	 * it. Send it without NLM_F_ACK: the answer is the acknowledgment,
	 * and events follow it at once. EBUSY while another socket is the
	 * shipping consumer; closing the socket ends it.
	 */
	SYSRQMON_CMD_SUBSCRIBE,
	__SYSRQMON_CMD_MAX,
};

#define SYSRQMON_CMD_MAX (__SYSRQMON_CMD_MAX - 1)

enum sysrqmon_kind {
	SYSRQMON_KIND_NONE,
	SYSRQMON_KIND_OPEN,
	SYSRQMON_KIND_SYSCTL,
	SYSRQMON_KIND_TRIGGER,
	SYSRQMON_KIND_CONSOLE,
	SYSRQMON_KIND_CONFIG,
	SYSRQMON_KIND_BASELINE,
	SYSRQMON_KIND_TOGGLE,
	SYSRQMON_KIND_KEYTABLE,
	SYSRQMON_KIND_KERNEL,
	SYSRQMON_KIND_PARAM,
	SYSRQMON_KIND_DRIFT,
	SYSRQMON_KIND_TAMPER,
	__SYSRQMON_KIND_MAX,
};

#define SYSRQMON_KIND_MAX (__SYSRQMON_KIND_MAX - 1)

enum sysrqmon_verdict {
	SYSRQMON_VERDICT_ALLOWED,
	SYSRQMON_VERDICT_DENIED,
};

enum sysrqmon_target {
	SYSRQMON_TARGET_NONE,
	SYSRQMON_TARGET_SYSRQ,		/* /proc/sys/kernel/sysrq */
	SYSRQMON_TARGET_TRIGGER,	/* /proc/sysrq-trigger */
};

enum sysrqmon_source {
	SYSRQMON_SOURCE_NONE,
	SYSRQMON_SOURCE_KEYBOARD,
	SYSRQMON_SOURCE_SERIAL,
	SYSRQMON_SOURCE_RESET,
	SYSRQMON_SOURCE_VERIFY,
	SYSRQMON_SOURCE_INJECT,		/* a key a process wrote (uinput, evdev) */
};

enum sysrqmon_mode {
	SYSRQMON_MODE_OFF,
	SYSRQMON_MODE_MONITOR,
	SYSRQMON_MODE_DENY,
};

enum sysrqmon_scope {
	SYSRQMON_SCOPE_ALL,
	SYSRQMON_SCOPE_CONTAINER,
};

enum sysrqmon_keytable_op {
	SYSRQMON_OP_NONE,
	SYSRQMON_OP_REGISTER,
	SYSRQMON_OP_UNREGISTER,
};

/* How a hook is attached (SYSRQMON_HOOK_ATTR_METHOD). */
enum sysrqmon_attach {
	SYSRQMON_ATTACH_NONE,
	SYSRQMON_ATTACH_FTRACE,
	SYSRQMON_ATTACH_KPROBE,
};

enum sysrqmon_attr {
	SYSRQMON_ATTR_UNSPEC,
	SYSRQMON_ATTR_PAD,
	/* event */
	SYSRQMON_ATTR_SEQ,		/* u64 */
	SYSRQMON_ATTR_INSTANCE,		/* u64 */
	SYSRQMON_ATTR_TIME_NS,		/* u64, CLOCK_REALTIME */
	SYSRQMON_ATTR_KIND,		/* u8, enum sysrqmon_kind */
	SYSRQMON_ATTR_VERDICT,		/* u8, enum sysrqmon_verdict */
	SYSRQMON_ATTR_TARGET,		/* u8, enum sysrqmon_target */
	SYSRQMON_ATTR_PATH,		/* string */
	SYSRQMON_ATTR_FLAGS,		/* u32, open flags */
	SYSRQMON_ATTR_KEY,		/* u8, command character */
	SYSRQMON_ATTR_ACTION,		/* string */
	SYSRQMON_ATTR_SOURCE,		/* u8, enum sysrqmon_source */
	SYSRQMON_ATTR_OLD_MASK,		/* s32 */
	SYSRQMON_ATTR_NEW_MASK,		/* s32 */
	SYSRQMON_ATTR_PID,		/* u32 */
	SYSRQMON_ATTR_TID,		/* u32 */
	SYSRQMON_ATTR_PPID,		/* u32 */
	SYSRQMON_ATTR_UID,		/* u32 */
	SYSRQMON_ATTR_EUID,		/* u32 */
	SYSRQMON_ATTR_GID,		/* u32 */
	SYSRQMON_ATTR_COMM,		/* string */
	SYSRQMON_ATTR_EXE,		/* string */
	SYSRQMON_ATTR_CGROUP_ID,	/* u64 */
	SYSRQMON_ATTR_PIDNS,		/* u32, inode number */
	SYSRQMON_ATTR_MNTNS,		/* u32, inode number */
	SYSRQMON_ATTR_CONTAINED,	/* u8, 0 or 1 */
	SYSRQMON_ATTR_TRUNCATED,	/* u8, a string was cut */
	SYSRQMON_ATTR_SETTING,		/* string, config events */
	SYSRQMON_ATTR_OLD,		/* string, config events */
	SYSRQMON_ATTR_NEW,		/* string, config events */
	/* status and configuration */
	SYSRQMON_ATTR_VERSION,		/* string, module version */
	SYSRQMON_ATTR_MODE,		/* u8, enum sysrqmon_mode */
	SYSRQMON_ATTR_AUDIT,		/* u8, 0 or 1 */
	SYSRQMON_ATTR_WATCH_READS,	/* u8, 0 or 1 */
	SYSRQMON_ATTR_ALLOWED_MASK,	/* s32 */
	SYSRQMON_ATTR_ALLOWED_KEYS,	/* string */
	SYSRQMON_ATTR_DENY_SCOPE,	/* u8, enum sysrqmon_scope */
	SYSRQMON_ATTR_LOCKED,		/* u8, 0 or 1 */
	SYSRQMON_ATTR_BUFFER_SIZE,	/* u32, events the buffer holds */
	SYSRQMON_ATTR_COUNTERS,		/* nest, SYSRQMON_COUNTER_* */
	SYSRQMON_ATTR_KIND_COUNTS,	/* nest of u64, attr type = kind */
	SYSRQMON_ATTR_HOOKS,		/* nest of SYSRQMON_ATTR_HOOK */
	SYSRQMON_ATTR_HOOK,		/* nest, SYSRQMON_HOOK_ATTR_* */
	/* integrity events */
	SYSRQMON_ATTR_MASK,		/* s32, baseline: the mask at load */
	SYSRQMON_ATTR_KEYS,		/* string, baseline: keys with a handler */
	SYSRQMON_ATTR_MODULE,		/* string, module whose code acted */
	SYSRQMON_ATTR_OP,		/* u8, enum sysrqmon_keytable_op */
	SYSRQMON_ATTR_HANDLER,		/* string, handler symbol */
	SYSRQMON_ATTR_HELP,		/* string, handler help text */
	SYSRQMON_ATTR_WHAT,		/* string, drift/tamper: what changed */
	SYSRQMON_ATTR_NAME,		/* string, param: parameter name */
	SYSRQMON_ATTR_VALUE,		/* string, param: written value */
	SYSRQMON_ATTR_VERIFY_MS,	/* u32, status: verification period */
	SYSRQMON_ATTR_KEY_ENTRY,	/* nest, GET_KEYS: KEY HELP MODULE HANDLER CHANGED */
	SYSRQMON_ATTR_CHANGED,		/* u8, GET_KEYS: differs from the load-time handler */
	SYSRQMON_ATTR_KIND_DENIED,	/* nest of u64, attr type = kind: denied events */
	SYSRQMON_ATTR_AUDIT_RECORDS,	/* u8, 0 or 1: records to the audit subsystem */
	SYSRQMON_ATTR_BUFFER_RESERVED,	/* u32, status: more events, always-reported only */
	SYSRQMON_ATTR_SHIPPING,		/* u8, status: a shipping consumer is subscribed */
	__SYSRQMON_ATTR_MAX,
};

#define SYSRQMON_ATTR_MAX (__SYSRQMON_ATTR_MAX - 1)

/* Inside SYSRQMON_ATTR_COUNTERS, all u64. */
enum sysrqmon_counter {
	SYSRQMON_COUNTER_UNSPEC,
	SYSRQMON_COUNTER_PAD,
	SYSRQMON_COUNTER_GENERATED,
	SYSRQMON_COUNTER_SENT,
	SYSRQMON_COUNTER_NO_LISTENER,
	SYSRQMON_COUNTER_DROPPED,
	SYSRQMON_COUNTER_QUEUED,
	SYSRQMON_COUNTER_SUPPRESSED,	/* audit lines held back by the rate limit */
	SYSRQMON_COUNTER_UNDECIDED,	/* decisions that could not read their input */
	SYSRQMON_COUNTER_DRIFT,		/* changes found by the verifier */
	SYSRQMON_COUNTER_TAMPER,	/* attempts to blind the hooks */
	SYSRQMON_COUNTER_RESTORED,	/* drift put back in deny mode */
	SYSRQMON_COUNTER_SHIPPED,	/* of sent: taken by the shipping consumer */
	SYSRQMON_COUNTER_DROPPED_CRITICAL, /* of dropped: always-reported events */
	__SYSRQMON_COUNTER_MAX,
};

#define SYSRQMON_COUNTER_MAX (__SYSRQMON_COUNTER_MAX - 1)

/* Inside SYSRQMON_ATTR_HOOK. */
enum sysrqmon_hook_attr {
	SYSRQMON_HOOK_ATTR_UNSPEC,
	SYSRQMON_HOOK_ATTR_PAD,
	SYSRQMON_HOOK_ATTR_NAME,	/* string, the hooked kernel function */
	SYSRQMON_HOOK_ATTR_METHOD,	/* u8, enum sysrqmon_attach */
	SYSRQMON_HOOK_ATTR_ENFORCING,	/* u8, the hook can deny */
	SYSRQMON_HOOK_ATTR_MISSED,	/* u64 */
	__SYSRQMON_HOOK_ATTR_MAX,
};

#define SYSRQMON_HOOK_ATTR_MAX (__SYSRQMON_HOOK_ATTR_MAX - 1)

#endif /* _UAPI_SYSRQMON_H */

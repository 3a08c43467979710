/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * sysrqmon: the fields of an event, written once for every output.
 *
 * sysrqmon_fields[] says for each field its netlink attribute, its name,
 * its type and which outputs carry it; sysrqmon_kind_fields[] says which
 * fields each kind has, in audit line order. The module walks them to write
 * the audit line, the audit record and the netlink message (adding where
 * each value lives in its event); sysrqmon_tool parses, prints and writes
 * JSON from the same entries. Like drop_monitor's report _size()/_fill()
 * pair, a field added here reaches every output.
 */
#ifndef _UAPI_SYSRQMON_FIELDS_H
#define _UAPI_SYSRQMON_FIELDS_H

#include "sysrqmon_names.h"

enum sysrqmon_field_type {
	SYSRQMON_FT_U32,	/* decimal; netlink u32 */
	SYSRQMON_FT_S32,	/* decimal; netlink s32 */
	SYSRQMON_FT_U64,	/* decimal; netlink u64 */
	SYSRQMON_FT_HEX32,	/* 0x and hex digits; netlink u32 */
	SYSRQMON_FT_BOOL,	/* 0 or 1; netlink u8 */
	SYSRQMON_FT_ENUM,	/* a name from @names; netlink u8 */
	SYSRQMON_FT_KEY,	/* a command character; netlink u8 */
	SYSRQMON_FT_STRING,	/* any bytes; netlink NUL-terminated string */
};

/*
 * The fields, in the order the tool's JSON writes them (the audit line's
 * order is the kind's list and sysrqmon_line_head/tail[]). The first is 0:
 * it ends a kind's list, and is no kind's field.
 */
enum sysrqmon_field {
	SYSRQMON_F_SEQ,
	SYSRQMON_F_INSTANCE,
	SYSRQMON_F_TIME,
	SYSRQMON_F_KIND,
	SYSRQMON_F_VERDICT,
	SYSRQMON_F_TARGET,
	SYSRQMON_F_PATH,
	SYSRQMON_F_FLAGS,
	SYSRQMON_F_KEY,
	SYSRQMON_F_ACTION,
	SYSRQMON_F_SOURCE,
	SYSRQMON_F_OLD_MASK,
	SYSRQMON_F_NEW_MASK,
	SYSRQMON_F_MASK,
	SYSRQMON_F_KEYS,
	SYSRQMON_F_OP,
	SYSRQMON_F_MODULE,
	SYSRQMON_F_HANDLER,
	SYSRQMON_F_HELP,
	SYSRQMON_F_WHAT,
	SYSRQMON_F_NAME,
	SYSRQMON_F_VALUE,
	SYSRQMON_F_SETTING,
	SYSRQMON_F_OLD,
	SYSRQMON_F_NEW,
	SYSRQMON_F_PID,
	SYSRQMON_F_TID,
	SYSRQMON_F_PPID,
	SYSRQMON_F_UID,
	SYSRQMON_F_EUID,
	SYSRQMON_F_AUID,
	SYSRQMON_F_SES,
	SYSRQMON_F_GID,
	SYSRQMON_F_COMM,
	SYSRQMON_F_EXE,
	SYSRQMON_F_CGROUP_ID,
	SYSRQMON_F_PIDNS,
	SYSRQMON_F_MNTNS,
	SYSRQMON_F_CONTAINED,
	SYSRQMON_F_TRUNCATED,
	SYSRQMON_F_COUNT,
};

/* Outputs that carry a field, and when. */
#define SYSRQMON_OUT_LINE	0x01	/* the audit line */
#define SYSRQMON_OUT_RECORD	0x02	/* the audit record */
#define SYSRQMON_OUT_NETLINK	0x04	/* the event message (and the tool) */
#define SYSRQMON_OUT_AUDIT	(SYSRQMON_OUT_LINE | SYSRQMON_OUT_RECORD)
#define SYSRQMON_OUT_ALL	(SYSRQMON_OUT_AUDIT | SYSRQMON_OUT_NETLINK)
/* Only events with a task of their own; the others say 0 (or "-"). */
#define SYSRQMON_FF_TASK	0x08
/* Only events with a task of their own; the others leave it out. */
#define SYSRQMON_FF_TASK_ONLY	0x10
/* Left out when it has no value: no key, no source, an empty string. */
#define SYSRQMON_FF_OPTIONAL	0x20

/**
 * struct sysrqmon_field_desc - one field of an event
 * @name: its name on the audit line, in the tool's text and JSON
 * @record: its name in the audit record when audit's vocabulary gives the
 *	    line's name another meaning, else NULL
 * @attr: its netlink attribute (SYSRQMON_ATTR_*), 0 for none
 * @type: enum sysrqmon_field_type
 * @flags: SYSRQMON_OUT_* and SYSRQMON_FF_*
 * @names: for SYSRQMON_FT_ENUM, the value's names
 * @nr_names: how many
 */
struct sysrqmon_field_desc {
	const char *name;
	const char *record;
	unsigned short attr;
	unsigned char type;
	unsigned char flags;
	const char * const *names;
	unsigned int nr_names;
};

#define SYSRQMON_NR_NAMES(t)	(sizeof(t) / sizeof((t)[0]))

static const struct sysrqmon_field_desc sysrqmon_fields[SYSRQMON_F_COUNT] = {
	[SYSRQMON_F_SEQ] = { "seq", NULL, SYSRQMON_ATTR_SEQ,
		SYSRQMON_FT_U64, SYSRQMON_OUT_ALL },
	[SYSRQMON_F_INSTANCE] = { "instance", NULL, SYSRQMON_ATTR_INSTANCE,
		SYSRQMON_FT_U64, SYSRQMON_OUT_NETLINK },
	[SYSRQMON_F_TIME] = { "time", NULL, SYSRQMON_ATTR_TIME_NS,
		SYSRQMON_FT_U64, SYSRQMON_OUT_NETLINK },
	/* audit's op= is the operation */
	[SYSRQMON_F_KIND] = { "event", "op", SYSRQMON_ATTR_KIND,
		SYSRQMON_FT_ENUM, SYSRQMON_OUT_ALL,
		sysrqmon_kind_names, SYSRQMON_NR_NAMES(sysrqmon_kind_names) },
	/* the record says res= instead, after seq */
	[SYSRQMON_F_VERDICT] = { "verdict", NULL, SYSRQMON_ATTR_VERDICT,
		SYSRQMON_FT_ENUM, SYSRQMON_OUT_LINE | SYSRQMON_OUT_NETLINK,
		sysrqmon_verdict_names, SYSRQMON_NR_NAMES(sysrqmon_verdict_names) },
	[SYSRQMON_F_TARGET] = { "target", NULL, SYSRQMON_ATTR_TARGET,
		SYSRQMON_FT_ENUM, SYSRQMON_OUT_ALL,
		sysrqmon_target_names, SYSRQMON_NR_NAMES(sysrqmon_target_names) },
	[SYSRQMON_F_PATH] = { "path", NULL, SYSRQMON_ATTR_PATH,
		SYSRQMON_FT_STRING, SYSRQMON_OUT_ALL },
	/* audit's flags= is mmap's */
	[SYSRQMON_F_FLAGS] = { "flags", "oflag", SYSRQMON_ATTR_FLAGS,
		SYSRQMON_FT_HEX32, SYSRQMON_OUT_ALL },
	/* audit's key= is the rule key */
	[SYSRQMON_F_KEY] = { "key", "sysrq_key", SYSRQMON_ATTR_KEY,
		SYSRQMON_FT_KEY, SYSRQMON_OUT_ALL | SYSRQMON_FF_OPTIONAL },
	/* audit's action= is netfilter's */
	[SYSRQMON_F_ACTION] = { "action", "sysrq_action", SYSRQMON_ATTR_ACTION,
		SYSRQMON_FT_STRING, SYSRQMON_OUT_ALL },
	[SYSRQMON_F_SOURCE] = { "source", NULL, SYSRQMON_ATTR_SOURCE,
		SYSRQMON_FT_ENUM, SYSRQMON_OUT_ALL | SYSRQMON_FF_OPTIONAL,
		sysrqmon_source_names, SYSRQMON_NR_NAMES(sysrqmon_source_names) },
	[SYSRQMON_F_OLD_MASK] = { "old_mask", NULL, SYSRQMON_ATTR_OLD_MASK,
		SYSRQMON_FT_S32, SYSRQMON_OUT_ALL },
	[SYSRQMON_F_NEW_MASK] = { "new_mask", NULL, SYSRQMON_ATTR_NEW_MASK,
		SYSRQMON_FT_S32, SYSRQMON_OUT_ALL },
	[SYSRQMON_F_MASK] = { "mask", NULL, SYSRQMON_ATTR_MASK,
		SYSRQMON_FT_S32, SYSRQMON_OUT_ALL },
	[SYSRQMON_F_KEYS] = { "keys", NULL, SYSRQMON_ATTR_KEYS,
		SYSRQMON_FT_STRING, SYSRQMON_OUT_ALL },
	/* op= holds the event kind in the record */
	[SYSRQMON_F_OP] = { "op", "keytable_op", SYSRQMON_ATTR_OP,
		SYSRQMON_FT_ENUM, SYSRQMON_OUT_ALL,
		sysrqmon_op_names, SYSRQMON_NR_NAMES(sysrqmon_op_names) },
	[SYSRQMON_F_MODULE] = { "module", NULL, SYSRQMON_ATTR_MODULE,
		SYSRQMON_FT_STRING, SYSRQMON_OUT_ALL },
	[SYSRQMON_F_HANDLER] = { "handler", NULL, SYSRQMON_ATTR_HANDLER,
		SYSRQMON_FT_STRING, SYSRQMON_OUT_ALL },
	[SYSRQMON_F_HELP] = { "help", NULL, SYSRQMON_ATTR_HELP,
		SYSRQMON_FT_STRING, SYSRQMON_OUT_ALL },
	[SYSRQMON_F_WHAT] = { "what", NULL, SYSRQMON_ATTR_WHAT,
		SYSRQMON_FT_STRING, SYSRQMON_OUT_ALL },
	/* audit's name= is a file's path */
	[SYSRQMON_F_NAME] = { "name", "param", SYSRQMON_ATTR_NAME,
		SYSRQMON_FT_STRING, SYSRQMON_OUT_ALL },
	[SYSRQMON_F_VALUE] = { "value", NULL, SYSRQMON_ATTR_VALUE,
		SYSRQMON_FT_STRING, SYSRQMON_OUT_ALL },
	[SYSRQMON_F_SETTING] = { "setting", NULL, SYSRQMON_ATTR_SETTING,
		SYSRQMON_FT_STRING, SYSRQMON_OUT_ALL },
	[SYSRQMON_F_OLD] = { "old", NULL, SYSRQMON_ATTR_OLD,
		SYSRQMON_FT_STRING, SYSRQMON_OUT_ALL },
	[SYSRQMON_F_NEW] = { "new", NULL, SYSRQMON_ATTR_NEW,
		SYSRQMON_FT_STRING, SYSRQMON_OUT_ALL },
	[SYSRQMON_F_PID] = { "pid", NULL, SYSRQMON_ATTR_PID,
		SYSRQMON_FT_U32, SYSRQMON_OUT_ALL | SYSRQMON_FF_TASK },
	[SYSRQMON_F_TID] = { "tid", NULL, SYSRQMON_ATTR_TID,
		SYSRQMON_FT_U32, SYSRQMON_OUT_ALL | SYSRQMON_FF_TASK },
	[SYSRQMON_F_PPID] = { "ppid", NULL, SYSRQMON_ATTR_PPID,
		SYSRQMON_FT_U32, SYSRQMON_OUT_NETLINK | SYSRQMON_FF_TASK_ONLY },
	[SYSRQMON_F_UID] = { "uid", NULL, SYSRQMON_ATTR_UID,
		SYSRQMON_FT_U32, SYSRQMON_OUT_ALL | SYSRQMON_FF_TASK },
	[SYSRQMON_F_EUID] = { "euid", NULL, SYSRQMON_ATTR_EUID,
		SYSRQMON_FT_U32, SYSRQMON_OUT_ALL | SYSRQMON_FF_TASK },
	/* audit's own subject fields, in the record only */
	[SYSRQMON_F_AUID] = { "auid", NULL, 0,
		SYSRQMON_FT_U32, SYSRQMON_OUT_RECORD },
	[SYSRQMON_F_SES] = { "ses", NULL, 0,
		SYSRQMON_FT_U32, SYSRQMON_OUT_RECORD },
	[SYSRQMON_F_GID] = { "gid", NULL, SYSRQMON_ATTR_GID,
		SYSRQMON_FT_U32, SYSRQMON_OUT_NETLINK | SYSRQMON_FF_TASK_ONLY },
	[SYSRQMON_F_COMM] = { "comm", NULL, SYSRQMON_ATTR_COMM,
		SYSRQMON_FT_STRING, SYSRQMON_OUT_ALL | SYSRQMON_FF_TASK },
	[SYSRQMON_F_EXE] = { "exe", NULL, SYSRQMON_ATTR_EXE,
		SYSRQMON_FT_STRING, SYSRQMON_OUT_RECORD | SYSRQMON_OUT_NETLINK |
		SYSRQMON_FF_TASK_ONLY | SYSRQMON_FF_OPTIONAL },
	[SYSRQMON_F_CGROUP_ID] = { "cgroup_id", NULL, SYSRQMON_ATTR_CGROUP_ID,
		SYSRQMON_FT_U64, SYSRQMON_OUT_NETLINK | SYSRQMON_FF_TASK_ONLY },
	[SYSRQMON_F_PIDNS] = { "pidns", NULL, SYSRQMON_ATTR_PIDNS,
		SYSRQMON_FT_U32, SYSRQMON_OUT_NETLINK | SYSRQMON_FF_TASK_ONLY },
	[SYSRQMON_F_MNTNS] = { "mntns", NULL, SYSRQMON_ATTR_MNTNS,
		SYSRQMON_FT_U32, SYSRQMON_OUT_NETLINK | SYSRQMON_FF_TASK_ONLY },
	[SYSRQMON_F_CONTAINED] = { "container", NULL, SYSRQMON_ATTR_CONTAINED,
		SYSRQMON_FT_BOOL, SYSRQMON_OUT_NETLINK | SYSRQMON_FF_TASK_ONLY },
	/* on the line, truncated=1 also says a value was cut there */
	[SYSRQMON_F_TRUNCATED] = { "truncated", NULL, SYSRQMON_ATTR_TRUNCATED,
		SYSRQMON_FT_BOOL, SYSRQMON_OUT_ALL | SYSRQMON_FF_OPTIONAL },
};

/* Entry flags in sysrqmon_kind_fields[]: the field id is the low 6 bits. */
#define SYSRQMON_KF_FIELD	0x3f
#define SYSRQMON_KF_NETLINK	0x40	/* on netlink only, not in audit */
#define SYSRQMON_KF_NO_KEY	0x80	/* only when the event has no key */
#define SYSRQMON_KIND_FIELDS	6

/* Each kind's own fields, in audit line order; 0 ends a list. */
static const unsigned char
sysrqmon_kind_fields[SYSRQMON_KIND_MAX + 1][SYSRQMON_KIND_FIELDS] = {
	[SYSRQMON_KIND_OPEN] = { SYSRQMON_F_TARGET, SYSRQMON_F_PATH,
		SYSRQMON_F_FLAGS },
	[SYSRQMON_KIND_SYSCTL] = { SYSRQMON_F_TARGET | SYSRQMON_KF_NETLINK,
		SYSRQMON_F_OLD_MASK, SYSRQMON_F_NEW_MASK },
	[SYSRQMON_KIND_TRIGGER] = { SYSRQMON_F_KEY, SYSRQMON_F_ACTION },
	[SYSRQMON_KIND_CONSOLE] = { SYSRQMON_F_KEY, SYSRQMON_F_ACTION,
		SYSRQMON_F_SOURCE },
	[SYSRQMON_KIND_KERNEL] = { SYSRQMON_F_KEY, SYSRQMON_F_ACTION,
		SYSRQMON_F_MODULE },
	[SYSRQMON_KIND_BASELINE] = { SYSRQMON_F_MASK, SYSRQMON_F_KEYS },
	[SYSRQMON_KIND_TOGGLE] = { SYSRQMON_F_OLD_MASK, SYSRQMON_F_NEW_MASK,
		SYSRQMON_F_MODULE },
	[SYSRQMON_KIND_KEYTABLE] = { SYSRQMON_F_OP, SYSRQMON_F_KEY,
		SYSRQMON_F_MODULE, SYSRQMON_F_HANDLER, SYSRQMON_F_HELP },
	[SYSRQMON_KIND_PARAM] = { SYSRQMON_F_NAME, SYSRQMON_F_VALUE },
	[SYSRQMON_KIND_DRIFT] = { SYSRQMON_F_WHAT, SYSRQMON_F_KEY,
		SYSRQMON_F_OLD_MASK | SYSRQMON_KF_NO_KEY,
		SYSRQMON_F_NEW_MASK | SYSRQMON_KF_NO_KEY, SYSRQMON_F_SOURCE },
	[SYSRQMON_KIND_TAMPER] = { SYSRQMON_F_WHAT },
	[SYSRQMON_KIND_CONFIG] = { SYSRQMON_F_SETTING, SYSRQMON_F_OLD,
		SYSRQMON_F_NEW },
};

/*
 * Every event's fields before its kind's (sysrqmon_line_head[]) and after
 * (sysrqmon_line_tail[]), in audit line order; netlink also sends the
 * header fields the line leaves out (seq, instance, time first).
 */
static const unsigned char sysrqmon_line_head[] = {
	SYSRQMON_F_KIND, SYSRQMON_F_VERDICT, SYSRQMON_F_PID, SYSRQMON_F_TID,
	SYSRQMON_F_PPID, SYSRQMON_F_UID, SYSRQMON_F_EUID, SYSRQMON_F_AUID,
	SYSRQMON_F_SES, SYSRQMON_F_GID, SYSRQMON_F_COMM, SYSRQMON_F_EXE,
	SYSRQMON_F_CGROUP_ID, SYSRQMON_F_PIDNS, SYSRQMON_F_MNTNS,
	SYSRQMON_F_CONTAINED,
};

static const unsigned char sysrqmon_line_tail[] = {
	SYSRQMON_F_TRUNCATED, SYSRQMON_F_SEQ,
};

#endif /* _UAPI_SYSRQMON_FIELDS_H */

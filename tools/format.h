/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sysrqmonctl: events and lost records as text lines and JSON members,
 * and the names of the uapi enums.
 */
#ifndef SYSRQMONCTL_FORMAT_H
#define SYSRQMONCTL_FORMAT_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sysrqmon.h"
#include "json.h"

/* A string attribute: bytes without the terminating NUL. */
struct smon_str {
	const char *s;
	size_t len;
};

/*
 * One event as received. Bit (1 << SYSRQMON_ATTR_x) of @present says
 * whether the attribute came with the event; absent fields are not printed.
 * Strings point into the netlink message and live as long as it does.
 */
struct smon_event {
	uint64_t present;
	uint64_t seq;
	uint64_t instance;
	uint64_t time_ns;
	uint64_t cgroup_id;
	uint8_t kind;
	uint8_t verdict;
	uint8_t target;
	uint8_t source;
	uint8_t key;
	uint8_t contained;
	uint8_t truncated;
	uint8_t op;
	uint32_t flags;
	int32_t old_mask;
	int32_t new_mask;
	int32_t mask;
	uint32_t pid;
	uint32_t tid;
	uint32_t ppid;
	uint32_t uid;
	uint32_t euid;
	uint32_t gid;
	uint32_t pidns;
	uint32_t mntns;
	struct smon_str path;
	struct smon_str action;
	struct smon_str comm;
	struct smon_str exe;
	struct smon_str setting;
	struct smon_str old;
	struct smon_str new;
	struct smon_str keys;
	struct smon_str module;
	struct smon_str handler;
	struct smon_str help;
	struct smon_str what;
	struct smon_str name;
	struct smon_str value;
};

static_assert(SYSRQMON_ATTR_MAX < 64, "presence bits must fit in a u64");

/*
 * The fields of include/uapi/sysrqmon_fields.h in a received event: the
 * parser stores each attribute where the table says, text and JSON read
 * them back from there. @field is an enum sysrqmon_field.
 */
bool smon_field_present(const struct smon_event *ev, unsigned int field);
uint64_t smon_field_number(const struct smon_event *ev, unsigned int field);
const struct smon_str *smon_field_str(const struct smon_event *ev,
				      unsigned int field);
void smon_field_set_number(struct smon_event *ev, unsigned int field,
			   uint64_t v);
void smon_field_set_str(struct smon_event *ev, unsigned int field,
			const char *s, size_t len);

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif

#define SMON_BIT(attr)		(UINT64_C(1) << (attr))

static inline bool smon_has(uint64_t present, unsigned int attr)
{
	return present & SMON_BIT(attr);
}

#define SMON_MAX_HOOKS		64

struct smon_hook {
	uint64_t present;		/* bits of SYSRQMON_HOOK_ATTR_x */
	char name[SYSRQMON_STR_MAX];
	size_t name_len;
	uint8_t method;
	uint8_t enforcing;
	uint64_t missed;
};

struct smon_status {
	uint64_t present;		/* bits of SYSRQMON_ATTR_x */
	char version[SYSRQMON_STR_MAX];
	size_t version_len;
	uint64_t instance;
	uint8_t mode;
	uint8_t audit;
	uint8_t audit_records;
	uint8_t watch_reads;
	uint8_t deny_scope;
	uint8_t locked;
	int32_t allowed_mask;
	char allowed_keys[SYSRQMON_STR_MAX];
	size_t allowed_keys_len;
	uint32_t buffer_size;
	uint32_t buffer_reserved;	/* more events, always-reported ones only */
	bool shipping;			/* a shipping consumer is subscribed */
	uint32_t verify_ms;
	uint32_t counters_present;	/* bits of SYSRQMON_COUNTER_x */
	uint64_t counters[SYSRQMON_COUNTER_MAX + 1];
	uint32_t kinds_present;		/* bits of SYSRQMON_KIND_x */
	uint64_t kind_counts[SYSRQMON_KIND_MAX + 1];
	uint64_t kind_denied[SYSRQMON_KIND_MAX + 1];
	uint32_t denied_present;	/* bits of SYSRQMON_KIND_x */
	size_t nr_hooks;
	bool hooks_truncated;		/* more than SMON_MAX_HOOKS came */
	struct smon_hook hooks[SMON_MAX_HOOKS];
};

/* One entry of the live key table (SYSRQMON_CMD_GET_KEYS). */
struct smon_key_entry {
	uint64_t present;		/* bits of SYSRQMON_ATTR_x */
	uint8_t key;
	uint8_t changed;
	char help[SYSRQMON_STR_MAX];
	size_t help_len;
	char handler[SYSRQMON_STR_MAX];
	size_t handler_len;
	char module[SYSRQMON_STR_MAX];
	size_t module_len;
};

/* The table has 62 slots (0-9, a-z, A-Z); room for a few more. */
#define SMON_MAX_KEYS		128

struct smon_keys {
	size_t nr;
	bool truncated;			/* more than SMON_MAX_KEYS came */
	struct smon_key_entry entries[SMON_MAX_KEYS];
};

/*
 * The members of one JSON record, in order, with their types: the JSON
 * line, the journal fields and the export format are all written from it.
 */
enum smon_field_type {
	SMON_FT_STR,
	SMON_FT_U64,
	SMON_FT_S64,
	SMON_FT_BOOL,
	SMON_FT_NULL,
};

struct smon_field {
	const char *key;
	enum smon_field_type type;
	const void *s;			/* SMON_FT_STR: bytes, no NUL needed */
	size_t len;
	uint64_t u;
	int64_t i;
	bool b;
};

#define SMON_MAX_FIELDS		64
#define SMON_FIELD_SCRATCH	8

/* Strings point into the event, static tables or @scratch. */
struct smon_fields {
	size_t n;
	struct smon_field f[SMON_MAX_FIELDS];
	size_t nr_scratch;
	char scratch[SMON_FIELD_SCRATCH][48];
};

/*
 * The host name in every JSON record ("host"): gethostname() of this
 * host, unless smon_set_host() said otherwise (the unit tests).
 */
const char *smon_host(void);
void smon_set_host(const char *name);
/* The instance as every text sink writes it: "0x" and 16 hex digits. */
void smon_instance_text(char buf[19], uint64_t instance);

/* Names of the uapi enums; NULL when the value is unknown. */
const char *smon_kind_name(unsigned int kind);
const char *smon_verdict_name(unsigned int verdict);
const char *smon_target_name(unsigned int target);
const char *smon_source_name(unsigned int source);
const char *smon_mode_name(unsigned int mode);
const char *smon_scope_name(unsigned int scope);
const char *smon_attach_name(unsigned int method);
const char *smon_counter_name(unsigned int counter);
const char *smon_op_name(unsigned int op);

/* Reverse lookups for the command line; -1 when unknown. */
int smon_mode_parse(const char *s);
int smon_scope_parse(const char *s);

/* "b" for a printable key (0x21..0x7e), else "\xHH". @buf holds 5 bytes. */
const char *smon_key_text(uint8_t key, char buf[5]);

/* RFC 3339 UTC with nanoseconds: 2026-11-23T15:19:14.123456789Z. */
void smon_format_time(struct strbuf *sb, uint64_t time_ns);

/*
 * A value as the audit line writes it: bare when every byte is in
 * 0x21..0x7e and none is '"', '\' or '='; else double-quoted with \", \\
 * and \xHH for every byte outside 0x20..0x7e.
 */
void smon_text_value(struct strbuf *sb, const void *data, size_t n);
/* An enum's @name, or "unknown-N" when the value has none. */
void smon_text_enum(struct strbuf *sb, const char *name, unsigned int v);

struct smon_lost;

/* The members of an event's or a lost record's JSON object, in order. */
void smon_event_fields(const struct smon_event *ev, struct smon_fields *fl);
void smon_lost_fields(const struct smon_lost *lost, struct smon_fields *fl);
/* One JSON object of @fl, without the trailing newline. */
void smon_fields_json(struct strbuf *sb, const struct smon_fields *fl);

/* One event, without the trailing newline. */
void smon_event_text(struct strbuf *sb, const struct smon_event *ev);
void smon_event_json(struct strbuf *sb, const struct smon_event *ev);

enum smon_lost_reason {
	SMON_LOST_GAP,
	SMON_LOST_OVERRUN,
};

struct smon_lost {
	enum smon_lost_reason reason;
	bool from_known;
	bool to_known;
	uint64_t from_seq;
	uint64_t to_seq;
};

void smon_lost_text(struct strbuf *sb, const struct smon_lost *lost);
void smon_lost_json(struct strbuf *sb, const struct smon_lost *lost);

/* What listen writes: the event @ev or, when @ev is NULL, @lost. */
void smon_record_fields(const struct smon_event *ev,
			const struct smon_lost *lost, struct smon_fields *fl);
void smon_record_text(struct strbuf *sb, const struct smon_event *ev,
		      const struct smon_lost *lost);
void smon_record_json(struct strbuf *sb, const struct smon_event *ev,
		      const struct smon_lost *lost);

#endif /* SYSRQMONCTL_FORMAT_H */

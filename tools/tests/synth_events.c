// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only: feeds synthetic events, built as the kernel builds them
 * (generic netlink messages), through the parser and listen's output path
 * in the format named on the command line, so that the journal and
 * Prometheus checks of tests/run.sh need no kernel module. Never
 * installed, and no part of sysrqmonctl's command line.
 *
 *   synth_events text|json|export|journal   the events below
 *   synth_events metrics                    metrics of a synthetic status
 *                                           (sysrqmon_events_total{kind,verdict})
 *   synth_events metrics-down               metrics without a module
 *   synth_events listener-metrics           listen --metrics after them
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "fleet.h"
#include "format.h"
#include "netlink.h"
#include "output.h"

#define FAMILY		0x42
#define INSTANCE	0x5eed5eed5eed5eedull
/* 2026-11-23T15:19:14Z, plus a second per event. */
#define TIME_NS		1795447154000000000ull

/* The hostile comm the checks look for, byte for byte. */
static const char hostile_comm[] = "ev\"il\n\xff";

static struct nl_msg *event(uint64_t seq, uint8_t kind, uint8_t verdict)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	genlmsg_put(msg, 0, 0, FAMILY, 0, 0, SYSRQMON_CMD_EVENT, 1);
	nla_put_u64(msg, SYSRQMON_ATTR_SEQ, seq);
	nla_put_u64(msg, SYSRQMON_ATTR_INSTANCE, INSTANCE);
	nla_put_u64(msg, SYSRQMON_ATTR_TIME_NS, TIME_NS + seq * 1000000000ull);
	nla_put_u8(msg, SYSRQMON_ATTR_KIND, kind);
	nla_put_u8(msg, SYSRQMON_ATTR_VERDICT, verdict);
	return msg;
}

static void task(struct nl_msg *msg, uint32_t pid, const char *comm)
{
	nla_put_u32(msg, SYSRQMON_ATTR_PID, pid);
	nla_put_u32(msg, SYSRQMON_ATTR_TID, pid);
	nla_put_u32(msg, SYSRQMON_ATTR_UID, 0);
	nla_put_u32(msg, SYSRQMON_ATTR_EUID, 0);
	nla_put_string(msg, SYSRQMON_ATTR_COMM, comm);
	if (pid) {
		nla_put_u32(msg, SYSRQMON_ATTR_PPID, 1);
		nla_put_u32(msg, SYSRQMON_ATTR_GID, 0);
		nla_put_u8(msg, SYSRQMON_ATTR_CONTAINED, 0);
	}
}

/* One attribute of a synthetic event: a string, a u8, a u32 or an s32. */
struct synth_attr {
	char type;			/* 's', '8', 'u', 'i'; 0 ends the list */
	int attr;
	const char *s;
	long long v;
};

#define STR(a, val)	{ 's', SYSRQMON_ATTR_##a, val, 0 }
#define U8(a, val)	{ '8', SYSRQMON_ATTR_##a, NULL, val }
#define U32(a, val)	{ 'u', SYSRQMON_ATTR_##a, NULL, val }
#define S32(a, val)	{ 'i', SYSRQMON_ATTR_##a, NULL, val }
#define A		SYSRQMON_VERDICT_ALLOWED
#define D		SYSRQMON_VERDICT_DENIED
#define K(x)		SYSRQMON_KIND_##x

/* The events, in order; seq 4 is skipped, so a gap record comes before 5. */
static const struct {
	uint64_t seq;
	uint8_t kind;
	uint8_t verdict;
	uint32_t pid;
	const char *comm;
	struct synth_attr attrs[6];
} synth[] = {
	{ 1, K(BASELINE), A, 311, "modprobe", {
		S32(MASK, 438),
		STR(KEYS, "0123456789bcdefhijklmnopqrstuvwxyz") } },
	{ 2, K(TRIGGER), D, 4242, hostile_comm, {
		U8(KEY, 'b'), STR(ACTION, "reboot") } },
	{ 3, K(KEYTABLE), A, 977, "insmod", {
		U8(OP, SYSRQMON_OP_REGISTER), U8(KEY, 'x'),
		STR(MODULE, "sysrqevil"), STR(HANDLER, "backdoor [sysrqevil]"),
		STR(HELP, "backdoor(x)") } },
	{ 5, K(DRIFT), A, 0, "-", {
		STR(WHAT, "keytable"), U8(SOURCE, SYSRQMON_SOURCE_VERIFY),
		U8(KEY, 'x') } },
	{ 6, K(TAMPER), D, 1234, "sysctl", { STR(WHAT, "ftrace") } },
	{ 7, K(PARAM), A, 1300, "tee", {
		STR(NAME, "reset_seq"), STR(VALUE, "0x1d,0x2a") } },
	{ 8, K(CONSOLE), A, 0, "-", {
		STR(ACTION, "reboot"), U8(SOURCE, SYSRQMON_SOURCE_RESET) } },
	{ 9, K(TOGGLE), A, 977, "insmod", {
		S32(OLD_MASK, 438), S32(NEW_MASK, 1),
		STR(MODULE, "sysrqevil") } },
	{ 10, K(KERNEL), A, 977, "insmod", {
		U8(KEY, 'c'), STR(ACTION, "crash"), STR(MODULE, "sysrqevil") } },
	{ 11, K(CONFIG), D, 1, "systemd", {
		STR(SETTING, "mode"), STR(OLD, "deny"), STR(NEW, "off") } },
	{ 12, K(OPEN), A, 2000, "cat", {
		U8(TARGET, SYSRQMON_TARGET_SYSRQ),
		STR(PATH, "/proc/sys/kernel/sysrq"), U32(FLAGS, 0x8000) } },
	{ 13, K(SYSCTL), A, 2001, "sysctl", {
		U8(TARGET, SYSRQMON_TARGET_SYSRQ), S32(OLD_MASK, 438),
		S32(NEW_MASK, 1) } },
};

/* Event @i (0-based) as the kernel would send it. */
static struct nl_msg *build(size_t i)
{
	const struct synth_attr *a;
	struct nl_msg *m;

	m = event(synth[i].seq, synth[i].kind, synth[i].verdict);
	if (!m)
		return NULL;
	task(m, synth[i].pid, synth[i].comm);
	for (a = synth[i].attrs; a->type; a++) {
		switch (a->type) {
		case 's':
			nla_put_string(m, a->attr, a->s);
			break;
		case '8':
			nla_put_u8(m, a->attr, (uint8_t)a->v);
			break;
		case 'u':
			nla_put_u32(m, a->attr, (uint32_t)a->v);
			break;
		default:
			nla_put_s32(m, a->attr, (int32_t)a->v);
			break;
		}
	}
	return m;
}

static int events(enum smon_format format, bool metrics)
{
	struct smon_output out;
	struct smon_event ev;
	struct nl_msg *msg;
	size_t i;
	int rc = 0;

	smon_output_init(&out, format, metrics ? fopen("/dev/null", "w") : stdout);
	if (!out.out)
		return 1;
	for (i = 0; i < ARRAY_SIZE(synth) && !rc; i++) {
		msg = build(i);
		if (!msg || smon_parse_event(nlmsg_hdr(msg), &ev)) {
			fprintf(stderr, "synth_events: event %zu\n", i);
			rc = 1;
		} else if (!smon_output_event(&out, &ev)) {
			rc = 1;
		}
		nlmsg_free(msg);
	}
	if (metrics) {
		fclose(out.out);
		sb_reset(&out.sb);
		smon_output_metrics(&out, &out.sb);
		fputs(sb_str(&out.sb), stdout);
	}
	smon_output_free(&out);
	return rc;
}

static void hook(struct smon_status *st, const char *name, uint8_t method,
		 uint8_t enforcing, uint64_t missed)
{
	struct smon_hook *h = &st->hooks[st->nr_hooks++];

	h->present = SMON_BIT(SYSRQMON_HOOK_ATTR_NAME) |
		     SMON_BIT(SYSRQMON_HOOK_ATTR_METHOD) |
		     SMON_BIT(SYSRQMON_HOOK_ATTR_ENFORCING) |
		     SMON_BIT(SYSRQMON_HOOK_ATTR_MISSED);
	h->name_len = strlen(name);
	memcpy(h->name, name, h->name_len + 1);
	h->method = method;
	h->enforcing = enforcing;
	h->missed = missed;
}

/* A status as the kernel would send it, every member present. */
static void synth_status(struct smon_status *st)
{
	unsigned int i;

	memset(st, 0, sizeof(*st));
	st->present = SMON_BIT(SYSRQMON_ATTR_VERSION) |
		      SMON_BIT(SYSRQMON_ATTR_INSTANCE) |
		      SMON_BIT(SYSRQMON_ATTR_MODE) |
		      SMON_BIT(SYSRQMON_ATTR_LOCKED) |
		      SMON_BIT(SYSRQMON_ATTR_BUFFER_SIZE) |
		      SMON_BIT(SYSRQMON_ATTR_VERIFY_MS) |
		      SMON_BIT(SYSRQMON_ATTR_COUNTERS) |
		      SMON_BIT(SYSRQMON_ATTR_KIND_COUNTS) |
		      SMON_BIT(SYSRQMON_ATTR_HOOKS);
	strcpy(st->version, "0.4.0");
	st->version_len = 5;
	st->instance = INSTANCE;
	st->mode = SYSRQMON_MODE_DENY;
	st->locked = 1;
	st->buffer_size = 4096;
	st->verify_ms = 1500;
	for (i = SYSRQMON_COUNTER_GENERATED; i <= SYSRQMON_COUNTER_MAX; i++) {
		st->counters_present |= 1u << i;
		st->counters[i] = i * 3;
	}
	for (i = SYSRQMON_KIND_OPEN; i <= SYSRQMON_KIND_MAX; i++) {
		st->kinds_present |= 1u << i;
		st->kind_counts[i] = i;
		/* Counted by kind and verdict, as the kernel does. */
		st->denied_present |= 1u << i;
		st->kind_denied[i] = i / 2;
	}
	hook(st, "security_file_open", SYSRQMON_ATTACH_FTRACE, 1, 0);
	hook(st, "handle_sysrq", SYSRQMON_ATTACH_NONE, 0, 2);
	hook(st, "we\"ird\\name", SYSRQMON_ATTACH_FTRACE, 1, 7);
}

int main(int argc, char **argv)
{
	struct smon_status *st;
	struct strbuf sb;
	int f, rc;

	if (argc != 2) {
		fprintf(stderr, "usage: %s %s\n", argv[0],
			"FORMAT|metrics|metrics-down|listener-metrics");
		return 2;
	}
	if (!strcmp(argv[1], "metrics") || !strcmp(argv[1], "metrics-down")) {
		st = calloc(1, sizeof(*st));
		if (!st)
			return 1;
		synth_status(st);
		sb_init(&sb);
		smon_metrics(&sb, argv[1][7] ? NULL : st, SYSRQMON_VERSION);
		rc = fwrite(sb_str(&sb), 1, sb.len, stdout) == sb.len ? 0 : 1;
		sb_free(&sb);
		free(st);
		return rc;
	}
	if (!strcmp(argv[1], "listener-metrics"))
		return events(SMON_FMT_TEXT, true);
	f = smon_format_parse(argv[1]);
	if (f < 0) {
		fprintf(stderr, "synth_events: unknown format '%s'\n", argv[1]);
		return 2;
	}
	return events((enum smon_format)f, false);
}

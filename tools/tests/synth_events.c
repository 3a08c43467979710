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

#define NR_EVENTS	12

/* Event @i (0-based); seq 4 is skipped, so a gap record comes before 5. */
static struct nl_msg *build(int i)
{
	struct nl_msg *m = NULL;

	switch (i) {
	case 0:
		m = event(1, SYSRQMON_KIND_BASELINE, SYSRQMON_VERDICT_ALLOWED);
		task(m, 311, "modprobe");
		nla_put_s32(m, SYSRQMON_ATTR_MASK, 438);
		nla_put_string(m, SYSRQMON_ATTR_KEYS, "0123456789bcdefhijklmnopqrstuvwxyz");
		break;
	case 1:
		m = event(2, SYSRQMON_KIND_TRIGGER, SYSRQMON_VERDICT_DENIED);
		task(m, 4242, hostile_comm);
		nla_put_u8(m, SYSRQMON_ATTR_KEY, 'b');
		nla_put_string(m, SYSRQMON_ATTR_ACTION, "reboot");
		break;
	case 2:
		m = event(3, SYSRQMON_KIND_KEYTABLE, SYSRQMON_VERDICT_ALLOWED);
		task(m, 977, "insmod");
		nla_put_u8(m, SYSRQMON_ATTR_OP, SYSRQMON_OP_REGISTER);
		nla_put_u8(m, SYSRQMON_ATTR_KEY, 'x');
		nla_put_string(m, SYSRQMON_ATTR_MODULE, "sysrqevil");
		nla_put_string(m, SYSRQMON_ATTR_HANDLER, "backdoor [sysrqevil]");
		nla_put_string(m, SYSRQMON_ATTR_HELP, "backdoor(x)");
		break;
	case 3:
		m = event(5, SYSRQMON_KIND_DRIFT, SYSRQMON_VERDICT_ALLOWED);
		task(m, 0, "-");
		nla_put_string(m, SYSRQMON_ATTR_WHAT, "keytable");
		nla_put_u8(m, SYSRQMON_ATTR_SOURCE, SYSRQMON_SOURCE_VERIFY);
		nla_put_u8(m, SYSRQMON_ATTR_KEY, 'x');
		break;
	case 4:
		m = event(6, SYSRQMON_KIND_TAMPER, SYSRQMON_VERDICT_DENIED);
		task(m, 1234, "sysctl");
		nla_put_string(m, SYSRQMON_ATTR_WHAT, "ftrace");
		break;
	case 5:
		m = event(7, SYSRQMON_KIND_PARAM, SYSRQMON_VERDICT_ALLOWED);
		task(m, 1300, "tee");
		nla_put_string(m, SYSRQMON_ATTR_NAME, "reset_seq");
		nla_put_string(m, SYSRQMON_ATTR_VALUE, "0x1d,0x2a");
		break;
	case 6:
		m = event(8, SYSRQMON_KIND_CONSOLE, SYSRQMON_VERDICT_ALLOWED);
		task(m, 0, "-");
		nla_put_string(m, SYSRQMON_ATTR_ACTION, "reboot");
		nla_put_u8(m, SYSRQMON_ATTR_SOURCE, SYSRQMON_SOURCE_RESET);
		break;
	case 7:
		m = event(9, SYSRQMON_KIND_TOGGLE, SYSRQMON_VERDICT_ALLOWED);
		task(m, 977, "insmod");
		nla_put_s32(m, SYSRQMON_ATTR_OLD_MASK, 438);
		nla_put_s32(m, SYSRQMON_ATTR_NEW_MASK, 1);
		nla_put_string(m, SYSRQMON_ATTR_MODULE, "sysrqevil");
		break;
	case 8:
		m = event(10, SYSRQMON_KIND_KERNEL, SYSRQMON_VERDICT_ALLOWED);
		task(m, 977, "insmod");
		nla_put_u8(m, SYSRQMON_ATTR_KEY, 'c');
		nla_put_string(m, SYSRQMON_ATTR_ACTION, "crash");
		nla_put_string(m, SYSRQMON_ATTR_MODULE, "sysrqevil");
		break;
	case 9:
		m = event(11, SYSRQMON_KIND_CONFIG, SYSRQMON_VERDICT_DENIED);
		task(m, 1, "systemd");
		nla_put_string(m, SYSRQMON_ATTR_SETTING, "mode");
		nla_put_string(m, SYSRQMON_ATTR_OLD, "deny");
		nla_put_string(m, SYSRQMON_ATTR_NEW, "off");
		break;
	case 10:
		m = event(12, SYSRQMON_KIND_OPEN, SYSRQMON_VERDICT_ALLOWED);
		task(m, 2000, "cat");
		nla_put_u8(m, SYSRQMON_ATTR_TARGET, SYSRQMON_TARGET_SYSRQ);
		nla_put_string(m, SYSRQMON_ATTR_PATH, "/proc/sys/kernel/sysrq");
		nla_put_u32(m, SYSRQMON_ATTR_FLAGS, 0x8000);
		break;
	case 11:
		m = event(13, SYSRQMON_KIND_SYSCTL, SYSRQMON_VERDICT_ALLOWED);
		task(m, 2001, "sysctl");
		nla_put_u8(m, SYSRQMON_ATTR_TARGET, SYSRQMON_TARGET_SYSRQ);
		nla_put_s32(m, SYSRQMON_ATTR_OLD_MASK, 438);
		nla_put_s32(m, SYSRQMON_ATTR_NEW_MASK, 1);
		break;
	}
	return m;
}

static int events(enum smon_format format, bool metrics)
{
	struct smon_output out;
	struct smon_event ev;
	struct nl_msg *msg;
	int i, rc = 0;

	smon_output_init(&out, format, metrics ? fopen("/dev/null", "w") : stdout);
	if (!out.out)
		return 1;
	for (i = 0; i < NR_EVENTS && !rc; i++) {
		msg = build(i);
		if (!msg || smon_parse_event(nlmsg_hdr(msg), &ev)) {
			fprintf(stderr, "synth_events: event %d\n", i);
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

// SPDX-License-Identifier: GPL-2.0
/*
 * sysrqmonctl: what fleets consume: journal records (native and in the
 * Journal Export Format) and Prometheus metrics.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-id128.h>
#include <systemd/sd-journal.h>

#include "fleet.h"

/* ---- What an event means: ATT&CK technique and severity ---- */

static bool has(const struct smon_event *ev, unsigned int attr)
{
	return smon_has(ev->present, attr);
}

static unsigned int event_kind(const struct smon_event *ev)
{
	return has(ev, SYSRQMON_ATTR_KIND) ? ev->kind : SYSRQMON_KIND_NONE;
}

static bool str_is(const struct smon_str *s, const char *lit)
{
	size_t n = strlen(lit);

	return s->s && s->len == n && !memcmp(s->s, lit, n);
}

bool smon_event_read_only(const struct smon_event *ev)
{
	return event_kind(ev) == SYSRQMON_KIND_OPEN &&
	       has(ev, SYSRQMON_ATTR_FLAGS) &&
	       (ev->flags & O_ACCMODE) == O_RDONLY;
}

bool smon_event_destructive(const struct smon_event *ev)
{
	if (!has(ev, SYSRQMON_ATTR_ACTION))
		return false;
	return str_is(&ev->action, "reboot") ||
	       str_is(&ev->action, "poweroff") ||
	       str_is(&ev->action, "crash");
}

const char *smon_technique(const struct smon_event *ev)
{
	unsigned int kind = event_kind(ev);

	if (smon_event_destructive(ev))
		return "T1529";
	switch (kind) {
	case SYSRQMON_KIND_TAMPER:
		return "T1562.001";
	case SYSRQMON_KIND_DRIFT:
	case SYSRQMON_KIND_TOGGLE:
	case SYSRQMON_KIND_KERNEL:
		return "T1014";
	case SYSRQMON_KIND_KEYTABLE:
		return "T1547.006";
	default:
		break;
	}
	if (has(ev, SYSRQMON_ATTR_CONTAINED) && ev->contained)
		return "T1611";
	switch (kind) {
	case SYSRQMON_KIND_OPEN:
		return smon_event_read_only(ev) ? "none" : "T1562";
	case SYSRQMON_KIND_SYSCTL:
	case SYSRQMON_KIND_TRIGGER:
	case SYSRQMON_KIND_CONSOLE:
	case SYSRQMON_KIND_PARAM:
		return "T1562";
	default:
		return "none";
	}
}

const char *smon_severity(const struct smon_event *ev)
{
	if (has(ev, SYSRQMON_ATTR_VERDICT) &&
	    ev->verdict == SYSRQMON_VERDICT_DENIED)
		return "critical";
	if (smon_event_destructive(ev))
		return "critical";
	switch (event_kind(ev)) {
	case SYSRQMON_KIND_DRIFT:
	case SYSRQMON_KIND_TAMPER:
	case SYSRQMON_KIND_TOGGLE:
	case SYSRQMON_KIND_KERNEL:
		return "critical";
	case SYSRQMON_KIND_KEYTABLE:
		/* A keytable event without a known op counts as a register. */
		if (has(ev, SYSRQMON_ATTR_OP) &&
		    ev->op == SYSRQMON_OP_UNREGISTER)
			return "high";
		return "critical";
	case SYSRQMON_KIND_OPEN:
		return smon_event_read_only(ev) ? "info" : "high";
	case SYSRQMON_KIND_BASELINE:
	case SYSRQMON_KIND_CONFIG:
		return "info";
	default:
		return "high";
	}
}

/*
 * Fixed 128-bit ids, generated once at random; docs/fleet.md lists them.
 * Never change one: saved searches and alerts use them.
 */
static const char * const message_ids[] = {
	[SYSRQMON_KIND_NONE]		= "5c17194b22bedbeddb6ef07ba7ccdc2c",
	[SYSRQMON_KIND_OPEN]		= "feb89119c7d25b9f469fbf14cbfa254d",
	[SYSRQMON_KIND_SYSCTL]		= "19ef606fa79f84061c3f30837e45f28f",
	[SYSRQMON_KIND_TRIGGER]		= "69b2d15f7b62c9e2198e82cd267d3c47",
	[SYSRQMON_KIND_CONSOLE]		= "c7f9e1d8199ef2ebf589ee8d8db5cba3",
	[SYSRQMON_KIND_CONFIG]		= "764e9b064b519bccabff70bb07889d3b",
	[SYSRQMON_KIND_BASELINE]	= "6e9e05f676544f021f0db20d65276632",
	[SYSRQMON_KIND_TOGGLE]		= "42a17267b8a024623a94348cf1111032",
	[SYSRQMON_KIND_KEYTABLE]	= "3f289a3d7c625b786b9131a3d4f55f7c",
	[SYSRQMON_KIND_KERNEL]		= "3dff7b2e4617fe4c811cf45062965cc7",
	[SYSRQMON_KIND_PARAM]		= "9ccb85586521d4177ff070552a2e73fd",
	[SYSRQMON_KIND_DRIFT]		= "775dd9f86ca5f04246f016528e035129",
	[SYSRQMON_KIND_TAMPER]		= "d7088a9700a625bce527f8b9fec609d8",
};

static_assert(ARRAY_SIZE(message_ids) == SYSRQMON_KIND_MAX + 1,
	      "every event kind needs a MESSAGE_ID");

#define MESSAGE_ID_LOST_GAP	"417cd34f027dfac26b383fe43e2f3308"
#define MESSAGE_ID_LOST_OVERRUN	"0c356fe2b4800999119b9b3d4eb3db7e"

const char *smon_message_id_event(unsigned int kind)
{
	/* An unknown kind shares the id of "none". */
	if (kind >= ARRAY_SIZE(message_ids))
		kind = SYSRQMON_KIND_NONE;
	return message_ids[kind];
}

const char *smon_message_id_lost(enum smon_lost_reason reason)
{
	return reason == SMON_LOST_GAP ? MESSAGE_ID_LOST_GAP :
					 MESSAGE_ID_LOST_OVERRUN;
}

int smon_priority(const char *severity)
{
	if (!strcmp(severity, "critical"))
		return 2;
	if (!strcmp(severity, "high"))
		return 4;
	return 6;
}

void smon_journal_init(struct smon_journal *j)
{
	memset(j, 0, sizeof(*j));
	sb_init(&j->buf);
}

void smon_journal_reset(struct smon_journal *j)
{
	sb_reset(&j->buf);
	j->n = 0;
	j->overflow = false;
}

void smon_journal_free(struct smon_journal *j)
{
	sb_free(&j->buf);
	smon_journal_init(j);
}

void smon_journal_add(struct smon_journal *j, const char *name,
		      const void *value, size_t n)
{
	size_t off = j->buf.len;

	if (j->n >= SMON_JOURNAL_MAX) {
		j->overflow = true;
		return;
	}
	sb_puts(&j->buf, name);
	sb_putc(&j->buf, '=');
	sb_add(&j->buf, value, n);
	if (j->buf.oom)
		return;
	j->e[j->n].off = off;
	j->e[j->n].name_len = strlen(name);
	j->e[j->n].len = j->buf.len - off;
	j->n++;
}

static void journal_num(struct smon_journal *j, const char *name,
			unsigned long long v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%llu", v);
	smon_journal_add(j, name, buf, strlen(buf));
}

/* The JSON members as SYSRQMON_<KEY>. */
static void journal_fields(struct smon_journal *j,
			   const struct smon_fields *fl)
{
	const struct smon_field *f;
	char name[64], num[24];
	size_t i, k;

	for (i = 0; i < fl->n; i++) {
		f = &fl->f[i];
		snprintf(name, sizeof(name), "SYSRQMON_%s", f->key);
		for (k = 0; name[k]; k++)
			if (name[k] >= 'a' && name[k] <= 'z')
				name[k] = (char)(name[k] - 'a' + 'A');
		switch (f->type) {
		case SMON_FT_STR:
			smon_journal_add(j, name, f->s, f->len);
			break;
		case SMON_FT_U64:
			snprintf(num, sizeof(num), "%llu",
				 (unsigned long long)f->u);
			smon_journal_add(j, name, num, strlen(num));
			break;
		case SMON_FT_S64:
			snprintf(num, sizeof(num), "%lld", (long long)f->i);
			smon_journal_add(j, name, num, strlen(num));
			break;
		case SMON_FT_BOOL:
			smon_journal_add(j, name, f->b ? "true" : "false",
					 f->b ? 4 : 5);
			break;
		case SMON_FT_NULL:
			break;
		}
	}
}

/* The export format's address fields: this machine and boot, or fixed. */
static struct {
	bool fixed;
	char machine_id[SD_ID128_STRING_MAX];
	char boot_id[SD_ID128_STRING_MAX];
	uint64_t monotonic_us;
} source;

void smon_journal_set_source(const char *machine_id, const char *boot_id,
			     uint64_t monotonic_us)
{
	snprintf(source.machine_id, sizeof(source.machine_id), "%s",
		 machine_id ? machine_id : "");
	snprintf(source.boot_id, sizeof(source.boot_id), "%s",
		 boot_id ? boot_id : "");
	source.monotonic_us = monotonic_us;
	source.fixed = true;
}

/* Asked once; empty when systemd cannot tell (no /etc/machine-id in a chroot). */
static const char *id128_once(char *s, bool *done, int (*get)(sd_id128_t *))
{
	sd_id128_t id;

	if (!*done && !get(&id))
		sd_id128_to_string(id, s);
	*done = true;
	return s;
}

static const char *machine_id(void)
{
	static char s[SD_ID128_STRING_MAX];
	static bool done;

	return source.fixed ? source.machine_id :
			      id128_once(s, &done, sd_id128_get_machine);
}

static const char *boot_id(void)
{
	static char s[SD_ID128_STRING_MAX];
	static bool done;

	return source.fixed ? source.boot_id :
			      id128_once(s, &done, sd_id128_get_boot);
}

static uint64_t monotonic_us(void)
{
	struct timespec ts;

	if (source.fixed)
		return source.monotonic_us;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void journal_head(struct smon_journal *j, const struct strbuf *msg,
			 const char *id, int priority, uint64_t realtime_us)
{
	const char *host = smon_host(), *mid = machine_id(), *bid = boot_id();
	char prio[4];

	smon_journal_add(j, "MESSAGE", sb_str(msg), msg->len);
	smon_journal_add(j, "MESSAGE_ID", id, strlen(id));
	snprintf(prio, sizeof(prio), "%d", priority);
	smon_journal_add(j, "PRIORITY", prio, strlen(prio));
	/* authpriv: syslog files the events with the security log. */
	smon_journal_add(j, "SYSLOG_FACILITY", SMON_SYSLOG_FACILITY,
			 strlen(SMON_SYSLOG_FACILITY));
	smon_journal_add(j, "SYSLOG_IDENTIFIER", "sysrqmonctl", 11);
	/*
	 * Address fields: journald adds its own to what sd_journal_sendv()
	 * sends (smon_journal_send() leaves these out); the export format
	 * carries them, so that an imported entry keeps its host and boot
	 * (journalctl -b, _HOSTNAME=). __MONOTONIC_TIMESTAMP belongs to the
	 * boot: with _BOOT_ID only. It is when the entry was written, as
	 * journald would stamp it; __REALTIME_TIMESTAMP is the event's time.
	 */
	if (*host)
		smon_journal_add(j, "_HOSTNAME", host, strlen(host));
	if (*mid)
		smon_journal_add(j, "_MACHINE_ID", mid, strlen(mid));
	if (*bid)
		smon_journal_add(j, "_BOOT_ID", bid, strlen(bid));
	journal_num(j, "__REALTIME_TIMESTAMP", realtime_us);
	if (*bid)
		journal_num(j, "__MONOTONIC_TIMESTAMP", monotonic_us());
}

void smon_journal_record(struct smon_journal *j, const struct smon_event *ev,
			 const struct smon_lost *lost, uint64_t now_us)
{
	struct smon_fields *fl = malloc(sizeof(*fl));
	uint64_t realtime_us = now_us;
	struct strbuf msg;
	const char *id;
	int priority;

	smon_journal_reset(j);
	if (!fl) {
		j->buf.oom = true;
		return;
	}
	if (ev) {
		id = smon_message_id_event(event_kind(ev));
		priority = smon_priority(smon_severity(ev));
		if (has(ev, SYSRQMON_ATTR_TIME_NS))
			realtime_us = ev->time_ns / 1000u;
	} else {
		id = smon_message_id_lost(lost->reason);
		priority = SMON_PRIORITY_LOST;
	}
	sb_init(&msg);
	smon_record_text(&msg, ev, lost);
	if (msg.oom)
		j->buf.oom = true;
	journal_head(j, &msg, id, priority, realtime_us);
	smon_record_fields(ev, lost, fl);
	journal_fields(j, fl);
	sb_free(&msg);
	free(fl);
}

void smon_journal_event(struct smon_journal *j, const struct smon_event *ev,
			uint64_t now_us)
{
	smon_journal_record(j, ev, NULL, now_us);
}

void smon_journal_lost(struct smon_journal *j, const struct smon_lost *lost,
		       uint64_t now_us)
{
	smon_journal_record(j, NULL, lost, now_us);
}

bool smon_export_binary(const void *value, size_t n)
{
	const unsigned char *p = value;
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] == 0x7f)
			return true;
	return !utf8_valid(value, n);
}

void smon_journal_export(struct strbuf *sb, const struct smon_journal *j)
{
	const char *field, *value;
	unsigned char le[8];
	size_t i, k, n;
	uint64_t len;

	if (j->buf.oom) {
		sb->oom = true;
		return;
	}
	for (i = 0; i < j->n; i++) {
		field = j->buf.buf + j->e[i].off;
		value = field + j->e[i].name_len + 1;
		n = j->e[i].len - j->e[i].name_len - 1;
		if (!smon_export_binary(value, n)) {
			sb_add(sb, field, j->e[i].len);
			sb_putc(sb, '\n');
			continue;
		}
		sb_add(sb, field, j->e[i].name_len);
		sb_putc(sb, '\n');
		len = n;
		for (k = 0; k < sizeof(le); k++)
			le[k] = (unsigned char)(len >> (8 * k));
		sb_add(sb, le, sizeof(le));
		sb_add(sb, value, n);
		sb_putc(sb, '\n');
	}
	sb_putc(sb, '\n');
}

int smon_journal_send(const struct smon_journal *j)
{
	struct iovec iov[SMON_JOURNAL_MAX];
	size_t i;
	int n = 0;

	if (j->buf.oom)
		return -ENOMEM;
	for (i = 0; i < j->n; i++) {
		const char *field = j->buf.buf + j->e[i].off;

		/* Address fields are the journal's own. */
		if (field[0] == '_')
			continue;
		iov[n].iov_base = (void *)field;
		iov[n].iov_len = j->e[i].len;
		n++;
	}
	return sd_journal_sendv(iov, n);
}

/* ---- Prometheus ---- */

static void metric_head(struct strbuf *sb, const char *name, const char *type,
			const char *help)
{
	sb_printf(sb, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/*
 * A label value: \, " and newline escaped; other control bytes, DEL and
 * invalid UTF-8 become '?', so the output is always valid.
 */
static void label_value(struct strbuf *sb, const char *s, size_t n)
{
	bool utf8 = utf8_valid(s, n);
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\\' || c == '"') {
			sb_putc(sb, '\\');
			sb_putc(sb, (char)c);
		} else if (c == '\n') {
			sb_puts(sb, "\\n");
		} else if (c < 0x20 || c == 0x7f || (c >= 0x80 && !utf8)) {
			sb_putc(sb, '?');
		} else {
			sb_putc(sb, (char)c);
		}
	}
}

static void metric_u64(struct strbuf *sb, const char *name, uint64_t v)
{
	sb_printf(sb, "%s %llu\n", name, (unsigned long long)v);
}

static bool counter_of(const struct smon_status *st, unsigned int c,
		       uint64_t *v)
{
	if (!(st->counters_present & (1u << c)))
		return false;
	*v = st->counters[c];
	return true;
}

static const struct {
	unsigned int counter;
	const char *name;
	const char *type;
	const char *help;
} counter_metrics[] = {
	{ SYSRQMON_COUNTER_GENERATED, "sysrqmon_events_generated_total",
	  "counter", "Events generated by the module, dropped ones included." },
	{ SYSRQMON_COUNTER_SENT, "sysrqmon_events_sent_total",
	  "counter", "Events handed to netlink." },
	{ SYSRQMON_COUNTER_DROPPED, "sysrqmon_events_dropped_total",
	  "counter", "Events dropped by the module (buffer full or no memory)." },
	{ SYSRQMON_COUNTER_NO_LISTENER, "sysrqmon_events_no_listener_total",
	  "counter", "Events generated while nobody listened." },
	{ SYSRQMON_COUNTER_QUEUED, "sysrqmon_events_queued",
	  "gauge", "Events in the module's buffer now." },
	{ SYSRQMON_COUNTER_SUPPRESSED, "sysrqmon_audit_suppressed_total",
	  "counter", "Audit lines held back by the rate limit." },
	{ SYSRQMON_COUNTER_UNDECIDED, "sysrqmon_undecided_total",
	  "counter", "Decisions made without their input (failed closed)." },
	{ SYSRQMON_COUNTER_DRIFT, "sysrqmon_drift_total",
	  "counter", "Changes of the SysRq mask or key table found by the verifier." },
	{ SYSRQMON_COUNTER_TAMPER, "sysrqmon_tamper_total",
	  "counter", "Attempts to blind the module's hooks." },
	{ SYSRQMON_COUNTER_RESTORED, "sysrqmon_restored_total",
	  "counter", "Drift put back by the verifier in deny mode." },
	{ SYSRQMON_COUNTER_SHIPPED, "sysrqmon_events_shipped_total",
	  "counter", "Events taken by the shipping consumer (of those sent)." },
	{ SYSRQMON_COUNTER_DROPPED_CRITICAL,
	  "sysrqmon_events_dropped_critical_total", "counter",
	  "Always-reported events dropped (buffer and reserve full)." },
};

static void metrics_status(struct strbuf *sb, const struct smon_status *st)
{
	unsigned int i, attached = 0;
	const char *name;
	uint64_t v;
	size_t h;

	if (smon_has(st->present, SYSRQMON_ATTR_VERSION)) {
		metric_head(sb, "sysrqmon_module_info", "gauge",
			    "The loaded module's version and module_instance (random at load).");
		sb_puts(sb, "sysrqmon_module_info{version=\"");
		label_value(sb, st->version, st->version_len);
		sb_printf(sb, "\",module_instance=\"0x%016llx\"} 1\n",
			  (unsigned long long)st->instance);
	}
	if (st->kinds_present) {
		/* A module older than the per-verdict counts: by kind only. */
		metric_head(sb, "sysrqmon_events_total", "counter",
			    st->denied_present ?
			    "Events by kind and verdict since the module was loaded." :
			    "Events by kind since the module was loaded.");
		for (i = 0; i <= SYSRQMON_KIND_MAX; i++) {
			name = smon_kind_name(i);
			if (!name || !(st->kinds_present & (1u << i)))
				continue;
			if (!st->denied_present) {
				sb_printf(sb, "sysrqmon_events_total{kind=\"%s\"} %llu\n",
					  name, (unsigned long long)st->kind_counts[i]);
				continue;
			}
			v = st->kind_counts[i] - st->kind_denied[i];
			sb_printf(sb, "sysrqmon_events_total{kind=\"%s\",verdict=\"%s\"} %llu\n",
				  name, "allowed", (unsigned long long)v);
			v = st->kind_denied[i];
			sb_printf(sb, "sysrqmon_events_total{kind=\"%s\",verdict=\"%s\"} %llu\n",
				  name, "denied", (unsigned long long)v);
		}
	}
	for (i = 0; i < ARRAY_SIZE(counter_metrics); i++) {
		if (!counter_of(st, counter_metrics[i].counter, &v))
			continue;
		metric_head(sb, counter_metrics[i].name,
			    counter_metrics[i].type, counter_metrics[i].help);
		metric_u64(sb, counter_metrics[i].name, v);
	}
	if (smon_has(st->present, SYSRQMON_ATTR_MODE)) {
		metric_head(sb, "sysrqmon_mode", "gauge",
			    "1 for the module's current mode, 0 for the others.");
		for (i = SYSRQMON_MODE_OFF; i <= SYSRQMON_MODE_DENY; i++)
			sb_printf(sb, "sysrqmon_mode{mode=\"%s\"} %d\n",
				  smon_mode_name(i), st->mode == i);
	}
	if (smon_has(st->present, SYSRQMON_ATTR_LOCKED)) {
		metric_head(sb, "sysrqmon_locked", "gauge",
			    "1 when the configuration is locked until reboot.");
		metric_u64(sb, "sysrqmon_locked", st->locked ? 1 : 0);
	}
	if (smon_has(st->present, SYSRQMON_ATTR_VERIFY_MS)) {
		metric_head(sb, "sysrqmon_verify_interval_seconds", "gauge",
			    "Period of the integrity verifier (0: off).");
		sb_printf(sb, "sysrqmon_verify_interval_seconds %u.%03u\n",
			  st->verify_ms / 1000, st->verify_ms % 1000);
	}
	if (smon_has(st->present, SYSRQMON_ATTR_BUFFER_SIZE)) {
		metric_head(sb, "sysrqmon_buffer_events", "gauge",
			    "Events the module's buffer holds.");
		metric_u64(sb, "sysrqmon_buffer_events", st->buffer_size);
	}
	if (!smon_has(st->present, SYSRQMON_ATTR_HOOKS))
		return;
	for (h = 0; h < st->nr_hooks; h++)
		if (smon_has(st->hooks[h].present, SYSRQMON_HOOK_ATTR_METHOD) &&
		    st->hooks[h].method != SYSRQMON_ATTACH_NONE)
			attached++;
	metric_head(sb, "sysrqmon_hooks", "gauge",
		    "Hooks the module knows.");
	metric_u64(sb, "sysrqmon_hooks", st->nr_hooks);
	metric_head(sb, "sysrqmon_hooks_attached", "gauge",
		    "Hooks attached.");
	metric_u64(sb, "sysrqmon_hooks_attached", attached);
	metric_head(sb, "sysrqmon_hook_attached", "gauge",
		    "1 when the hook is attached; enforcing hooks can deny.");
	for (h = 0; h < st->nr_hooks; h++) {
		const struct smon_hook *hk = &st->hooks[h];

		sb_puts(sb, "sysrqmon_hook_attached{hook=\"");
		label_value(sb, hk->name, hk->name_len);
		sb_printf(sb, "\",enforcing=\"%s\"} %d\n",
			  hk->enforcing ? "true" : "false",
			  smon_has(hk->present, SYSRQMON_HOOK_ATTR_METHOD) &&
			  hk->method != SYSRQMON_ATTACH_NONE);
	}
	metric_head(sb, "sysrqmon_hook_missed_total", "counter",
		    "Hits a hook could not handle (recursion).");
	for (h = 0; h < st->nr_hooks; h++) {
		const struct smon_hook *hk = &st->hooks[h];

		if (!smon_has(hk->present, SYSRQMON_HOOK_ATTR_MISSED))
			continue;
		sb_puts(sb, "sysrqmon_hook_missed_total{hook=\"");
		label_value(sb, hk->name, hk->name_len);
		sb_printf(sb, "\"} %llu\n", (unsigned long long)hk->missed);
	}
}

void smon_metrics(struct strbuf *sb, const struct smon_status *st,
		  const char *version)
{
	metric_head(sb, "sysrqmon_up", "gauge",
		    "1 when the sysrqmon module answered over netlink.");
	metric_u64(sb, "sysrqmon_up", st ? 1 : 0);
	metric_head(sb, "sysrqmon_build_info", "gauge",
		    "The version of sysrqmonctl that wrote these metrics.");
	sb_puts(sb, "sysrqmon_build_info{version=\"");
	label_value(sb, version, strlen(version));
	sb_puts(sb, "\"} 1\n");
	if (st)
		metrics_status(sb, st);
}

int smon_write_atomic(const char *path, const void *data, size_t n)
{
	const char *slash = strrchr(path, '/');
	const char *p = data;
	struct strbuf tmp;
	ssize_t w;
	int fd, err = 0;

	/* ".NAME.XXXXXX" next to it: not *.prom, so never collected. */
	sb_init(&tmp);
	if (slash)
		sb_add(&tmp, path, (size_t)(slash - path + 1));
	sb_printf(&tmp, ".%s.XXXXXX", slash ? slash + 1 : path);
	if (tmp.oom) {
		sb_free(&tmp);
		return -ENOMEM;
	}
	fd = mkostemp(tmp.buf, O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		sb_free(&tmp);
		return err;
	}
	while (n && !err) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			err = -errno;
		} else {
			p += w;
			n -= (size_t)w;
		}
	}
	/* Readable by node_exporter, whatever user it runs as. */
	if (!err && fchmod(fd, 0644))
		err = -errno;
	if (!err && fsync(fd))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	if (!err && rename(tmp.buf, path))
		err = -errno;
	if (err)
		unlink(tmp.buf);
	sb_free(&tmp);
	return err;
}

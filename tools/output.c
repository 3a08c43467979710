// SPDX-License-Identifier: GPL-2.0
/*
 * sysrqmonctl: what listen writes for each event and lost record, in the
 * format asked for, and the lost records it finds from seq gaps. The
 * synthetic-event test program uses it too.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "output.h"

#define PROG			"sysrqmonctl"

static const char * const format_names[] = {
	[SMON_FMT_TEXT]		= "text",
	[SMON_FMT_JSON]		= "json",
	[SMON_FMT_EXPORT]	= "export",
	[SMON_FMT_JOURNAL]	= "journal",
};

int smon_format_parse(const char *s)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(format_names); i++)
		if (!strcmp(s, format_names[i]))
			return (int)i;
	return -1;
}

void smon_lost_init(struct smon_lost_tracker *t)
{
	memset(t, 0, sizeof(*t));
}

bool smon_lost_event(struct smon_lost_tracker *t, uint64_t instance,
		     uint64_t seq, struct smon_lost *lost)
{
	bool gap = false;

	if (t->have && t->instance == instance) {
		/* Events come in order; an old seq changes nothing. */
		if (seq <= t->last_seq)
			return false;
		if (seq - t->last_seq > 1) {
			memset(lost, 0, sizeof(*lost));
			lost->reason = SMON_LOST_GAP;
			lost->from_known = true;
			lost->to_known = true;
			lost->from_seq = t->last_seq + 1;
			lost->to_seq = seq - 1;
			t->records++;
			t->events += seq - 1 - t->last_seq;
			gap = true;
		}
	}
	t->have = true;
	t->instance = instance;
	t->last_seq = seq;
	return gap;
}

void smon_lost_overrun(struct smon_lost_tracker *t, struct smon_lost *lost)
{
	memset(lost, 0, sizeof(*lost));
	lost->reason = SMON_LOST_OVERRUN;
	if (t->have) {
		lost->from_known = true;
		lost->from_seq = t->last_seq + 1;
	}
	t->records++;
}

void smon_output_init(struct smon_output *o, enum smon_format format,
		      FILE *out)
{
	memset(o, 0, sizeof(*o));
	o->format = format;
	o->out = out;
	sb_init(&o->sb);
	smon_journal_init(&o->j);
	smon_lost_init(&o->lost);
}

void smon_output_free(struct smon_output *o)
{
	sb_free(&o->sb);
	smon_journal_free(&o->j);
}

static uint64_t realtime_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Says why the output could not be written; false. */
static bool write_failed(struct smon_output *o)
{
	fprintf(stderr, PROG ": writing output: %s\n", strerror(errno));
	o->failed = true;
	return false;
}

/*
 * Writes @o->sb (plus a newline for the line formats), flushed unless held,
 * or sends @o->j.
 */
static bool flush(struct smon_output *o)
{
	int err;

	if (o->format == SMON_FMT_JOURNAL) {
		err = smon_journal_send(&o->j);
		if (err) {
			fprintf(stderr, PROG ": sending to the journal: %s\n",
				strerror(-err));
			o->failed = true;
		}
		return !o->failed;
	}
	if (o->format == SMON_FMT_EXPORT)
		smon_journal_export(&o->sb, &o->j);
	else
		sb_putc(&o->sb, '\n');
	if (o->sb.oom || o->j.buf.oom) {
		fprintf(stderr, PROG ": out of memory\n");
		o->failed = true;
		return false;
	}
	if (fwrite(sb_str(&o->sb), 1, o->sb.len, o->out) != o->sb.len ||
	    (!o->held && fflush(o->out)))
		return write_failed(o);
	return !o->failed;
}

void smon_output_hold(struct smon_output *o)
{
	o->held = true;
}

bool smon_output_release(struct smon_output *o)
{
	o->held = false;
	if (!o->failed && fflush(o->out))
		return write_failed(o);
	return !o->failed;
}

/* Writes the event @ev or, when @ev is NULL, the lost record @lost. */
static bool output_record(struct smon_output *o, const struct smon_event *ev,
			  const struct smon_lost *lost)
{
	o->seen++;
	sb_reset(&o->sb);
	switch (o->format) {
	case SMON_FMT_TEXT:
		smon_record_text(&o->sb, ev, lost);
		break;
	case SMON_FMT_JSON:
		smon_record_json(&o->sb, ev, lost);
		break;
	case SMON_FMT_EXPORT:
	case SMON_FMT_JOURNAL:
		smon_journal_record(&o->j, ev, lost, realtime_us());
		break;
	}
	return flush(o);
}

bool smon_output_lost(struct smon_output *o, const struct smon_lost *lost)
{
	return output_record(o, NULL, lost);
}

bool smon_output_event(struct smon_output *o, const struct smon_event *ev)
{
	struct smon_lost lost;

	if (smon_has(ev->present, SYSRQMON_ATTR_SEQ) &&
	    smon_lost_event(&o->lost, ev->instance, ev->seq, &lost) &&
	    !smon_output_lost(o, &lost))
		return false;
	if (smon_has(ev->present, SYSRQMON_ATTR_KIND) &&
	    smon_has(ev->present, SYSRQMON_ATTR_VERDICT) &&
	    ev->kind <= SYSRQMON_KIND_MAX && ev->verdict <= 1)
		o->counts[ev->kind][ev->verdict]++;
	return output_record(o, ev, NULL);
}

void smon_output_metrics(const struct smon_output *o, struct strbuf *sb)
{
	static const char events[] = "sysrqmon_listener_events_total";
	static const char records[] = "sysrqmon_listener_lost_records_total";
	static const char lost[] = "sysrqmon_listener_lost_events_total";
	unsigned int k, v;

	sb_printf(sb, "# HELP %s %s\n# TYPE %s counter\n", events,
		  "Events this listener received, by kind and verdict.", events);
	for (k = SYSRQMON_KIND_OPEN; k <= SYSRQMON_KIND_MAX; k++)
		for (v = 0; v <= SYSRQMON_VERDICT_DENIED; v++)
			sb_printf(sb, "%s{kind=\"%s\",verdict=\"%s\"} %llu\n",
				  events, smon_kind_name(k),
				  smon_verdict_name(v),
				  (unsigned long long)o->counts[k][v]);
	sb_printf(sb, "# HELP %s %s\n# TYPE %s counter\n%s %llu\n", records,
		  "Lost records (gaps and overruns) this listener reported.",
		  records, records, (unsigned long long)o->lost.records);
	sb_printf(sb, "# HELP %s %s\n# TYPE %s counter\n%s %llu\n", lost,
		  "Events known missing from seq gaps.", lost, lost,
		  (unsigned long long)o->lost.events);
}

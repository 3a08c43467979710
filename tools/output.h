/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sysrqmonctl: what listen writes for each event and lost record, in the
 * format asked for, and the lost records it finds from seq gaps. The
 * synthetic-event test program uses it too.
 */
#ifndef SYSRQMONCTL_OUTPUT_H
#define SYSRQMONCTL_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "fleet.h"
#include "format.h"
#include "json.h"

enum smon_format {
	SMON_FMT_TEXT,
	SMON_FMT_JSON,
	SMON_FMT_EXPORT,		/* Journal Export Format on stdout */
	SMON_FMT_JOURNAL,		/* sd_journal_sendv() */
};

/* "text", "json", "export", "journal"; -1 when unknown. */
int smon_format_parse(const char *s);

/* Lost-record detection from the seq of each instance. */
struct smon_lost_tracker {
	bool have;			/* an event of @instance was seen */
	uint64_t instance;
	uint64_t last_seq;
	uint64_t records;		/* lost records reported */
	uint64_t events;		/* events known lost (gaps) */
};

void smon_lost_init(struct smon_lost_tracker *t);
/*
 * Feeds the seq of one event. Returns true and fills @lost when events
 * between the previous one of the same instance and this one are missing.
 * The first event of an instance (also after a change of instance) only
 * starts the tracking.
 */
bool smon_lost_event(struct smon_lost_tracker *t, uint64_t instance,
		     uint64_t seq, struct smon_lost *lost);
/*
 * The socket overran (ENOBUFS): from_seq is the one after the last seen
 * (unknown when nothing was seen yet), to_seq is unknown. The next event
 * then reports the exact range as a gap.
 */
void smon_lost_overrun(struct smon_lost_tracker *t, struct smon_lost *lost);

struct smon_output {
	enum smon_format format;
	FILE *out;
	struct strbuf sb;
	struct smon_journal j;
	struct smon_lost_tracker lost;
	bool failed;			/* a write failed: stop */
	bool held;			/* lines wait in the stdio buffer */
	/* Events seen, by kind and verdict (allowed, denied). */
	uint64_t counts[SYSRQMON_KIND_MAX + 1][2];
	uint64_t seen;			/* events and lost records written */
};

void smon_output_init(struct smon_output *o, enum smon_format format,
		      FILE *out);
void smon_output_free(struct smon_output *o);

/*
 * Writes the lost record a seq gap before @ev implies, if any, then @ev.
 * Returns false (and says why on stderr) when writing failed.
 */
bool smon_output_event(struct smon_output *o, const struct smon_event *ev);
bool smon_output_lost(struct smon_output *o, const struct smon_lost *lost);

/*
 * Between hold and release, the line formats are not flushed after each
 * record: release flushes the events of a datagram together. A flush per
 * event woke a pipe's reader once per event. The journal gets each record
 * at once.
 */
void smon_output_hold(struct smon_output *o);
bool smon_output_release(struct smon_output *o);

/*
 * Prometheus metrics of what this listener saw: events by kind and
 * verdict (every known pair, also at 0, so that increase() sees the first
 * one) and lost records. The kernel's status counts by kind only.
 */
void smon_output_metrics(const struct smon_output *o, struct strbuf *sb);

#endif /* SYSRQMONCTL_OUTPUT_H */

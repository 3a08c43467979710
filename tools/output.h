/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sysrqmonctl: what listen writes for each event and lost record, in the
 * format asked for. The synthetic-event test program uses it too.
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

struct smon_output {
	enum smon_format format;
	FILE *out;
	struct strbuf sb;
	struct smon_journal j;
	struct smon_lost_tracker lost;
	bool failed;			/* a write failed: stop */
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
 * Prometheus metrics of what this listener saw: events by kind and
 * verdict (every known pair, also at 0, so that increase() sees the first
 * one) and lost records. The kernel's status counts by kind only.
 */
void smon_output_metrics(const struct smon_output *o, struct strbuf *sb);

#endif /* SYSRQMONCTL_OUTPUT_H */

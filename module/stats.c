// SPDX-License-Identifier: GPL-2.0
/*
 * Every counter the module keeps, and the one snapshot GET_STATUS (and so
 * the tool's status and metrics) reads. The delivery counters stay with the
 * buffer, under its lock, where they change together with it; the rest are
 * independent atomics.
 */
#include <linux/atomic.h>

#include "sysrqmon.h"

static atomic64_t counts[SYSRQMON_STAT_COUNT];
static atomic64_t events[SYSRQMON_KIND_MAX + 1][2];

/**
 * sysrqmon_stats_inc() - count one occurrence
 * @stat: what happened
 *
 * Any context.
 */
void sysrqmon_stats_inc(enum sysrqmon_stat stat)
{
	atomic64_inc(&counts[stat]);
}

/**
 * sysrqmon_stats_event() - count an emitted event, by kind and verdict
 * @ev: the event
 *
 * Any context.
 */
void sysrqmon_stats_event(const struct sysrqmon_event *ev)
{
	atomic64_inc(&events[ev->kind][ev->verdict]);
}

/**
 * sysrqmon_stats_snapshot() - read every counter once
 * @s: receives them; the delivery counters are one consistent copy
 *
 * Context: process context.
 */
void sysrqmon_stats_snapshot(struct sysrqmon_stats *s)
{
	int i, kind;

	sysrqmon_queue_counters(&s->delivery);
	for (i = 0; i < SYSRQMON_STAT_COUNT; i++)
		s->count[i] = atomic64_read(&counts[i]);
	for (kind = 0; kind <= SYSRQMON_KIND_MAX; kind++)
		for (i = 0; i < 2; i++)
			s->events[kind][i] = atomic64_read(&events[kind][i]);
}
EXPORT_SYMBOL_IF_KUNIT(sysrqmon_stats_snapshot);

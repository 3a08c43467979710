// SPDX-License-Identifier: GPL-2.0
/*
 * listensum: summarises `sysrqmonctl listen --json` from stdin in one line,
 *   events=N lost=N lostsum=N minseq=N maxseq=N other=N trigger_tids=N
 * then " NAME=COUNT" for each event kind and verdict ("open_allowed"), exe
 * base name ("exe_sysrqpath") and lost reason ("reason_overrun").
 *
 * json_listen (adv-lib.sh) pipes a listener to it. It replaces an awk
 * script that cost about 80 000 instructions a line, so that a listener
 * piped to it was measured at the awk's speed, not its own
 * (docs/testing.md). A value is what follows the first "KEY": of the line,
 * without a leading quote, up to a quote, comma or brace.
 */
#include <stdbool.h>

#include "common.h"

/* A count by name: open addressing, never more than half full. */
struct tally {
	char **names;
	unsigned long *counts;
	size_t used, size;		/* size: 0 or a power of two */
};

/* @p, or the end of the summary when an allocation failed. */
static void *or_die(void *p)
{
	if (!p) {
		perror("listensum");
		exit(1);
	}
	return p;
}

static size_t name_hash(const char *s)
{
	size_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* @name's slot in @t, empty when it is not there. */
static size_t tally_slot(const struct tally *t, const char *name)
{
	size_t i = name_hash(name) & (t->size - 1);

	while (t->names[i] && strcmp(t->names[i], name))
		i = (i + 1) & (t->size - 1);
	return i;
}

static void tally_grow(struct tally *t)
{
	struct tally old = *t;
	size_t i, j;

	t->size = old.size ? 2 * old.size : 64;
	t->names = or_die(calloc(t->size, sizeof(*t->names)));
	t->counts = or_die(calloc(t->size, sizeof(*t->counts)));
	for (i = 0; i < old.size; i++) {
		if (!old.names[i])
			continue;
		j = tally_slot(t, old.names[i]);
		t->names[j] = old.names[i];
		t->counts[j] = old.counts[i];
	}
	free(old.names);
	free(old.counts);
}

/* Adds one to @name's count; returns the count before. */
static unsigned long tally_add(struct tally *t, const char *name)
{
	size_t i;

	if (2 * (t->used + 1) > t->size)
		tally_grow(t);
	i = tally_slot(t, name);
	if (!t->names[i]) {
		t->names[i] = or_die(strdup(name));
		t->used++;
	}
	return t->counts[i]++;
}

/*
 * The value of the first "@key": in @line, in @buf (cut to its size);
 * false when the key is not there.
 */
static bool value(const char *line, const char *key, char *buf, size_t size)
{
	char pat[32];
	const char *p;
	size_t n;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(line, pat);
	if (!p)
		return false;
	p += strlen(pat);
	if (*p == '"')
		p++;
	n = strcspn(p, "\",}\n");
	if (n >= size)
		n = size - 1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return n > 0;
}

/* Like awk's value + 0: the leading digits, 0 when there are none. */
static unsigned long long number(const char *line, const char *key)
{
	char buf[32];

	return value(line, key, buf, sizeof(buf)) ?
	       strtoull(buf, NULL, 10) : 0;
}

int main(void)
{
	unsigned long long events = 0, lost = 0, lostsum = 0, other = 0;
	unsigned long long seq, from, to, minseq = 0, maxseq = 0, tids = 0;
	bool have_seq = false;
	struct tally counts = { 0 }, trigger_tids = { 0 };
	char kind[64], verdict[64], buf[4096], name[sizeof(buf) + 16];
	size_t cap = 0, i;
	char *line = NULL;
	const char *base;

	while (getline(&line, &cap, stdin) > 0) {
		if (strstr(line, "\"type\":\"event\"")) {
			events++;
			if (value(line, "seq", buf, sizeof(buf))) {
				seq = strtoull(buf, NULL, 10);
				if (!have_seq || seq < minseq)
					minseq = seq;
				if (seq > maxseq)
					maxseq = seq;
				have_seq = true;
			}
			if (!value(line, "event", kind, sizeof(kind)))
				kind[0] = '\0';
			if (!value(line, "verdict", verdict, sizeof(verdict)))
				verdict[0] = '\0';
			snprintf(name, sizeof(name), "%s_%s", kind, verdict);
			tally_add(&counts, name);
			if (!strcmp(kind, "trigger") &&
			    value(line, "tid", buf, sizeof(buf)) &&
			    !tally_add(&trigger_tids, buf))
				tids++;
			if (value(line, "exe", buf, sizeof(buf))) {
				base = strrchr(buf, '/');
				snprintf(name, sizeof(name), "exe_%s",
					 base ? base + 1 : buf);
				tally_add(&counts, name);
			}
		} else if (strstr(line, "\"type\":\"lost\"")) {
			lost++;
			from = number(line, "from_seq");
			to = number(line, "to_seq");
			if (to >= from && from > 0)
				lostsum += to - from + 1;
			if (value(line, "reason", buf, sizeof(buf))) {
				snprintf(name, sizeof(name), "reason_%s", buf);
				tally_add(&counts, name);
			}
		} else {
			other++;
		}
	}
	printf("events=%llu lost=%llu lostsum=%llu minseq=%llu maxseq=%llu",
	       events, lost, lostsum, minseq, maxseq);
	printf(" other=%llu trigger_tids=%llu", other, tids);
	for (i = 0; i < counts.size; i++)
		if (counts.names[i])
			printf(" %s=%lu", counts.names[i], counts.counts[i]);
	printf("\n");
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sysrqmonctl: what fleets consume: journal records (native and in the
 * Journal Export Format) and Prometheus metrics.
 */
#ifndef SYSRQMONCTL_FLEET_H
#define SYSRQMONCTL_FLEET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "format.h"
#include "json.h"

/* Read-only open: an open event whose flags say O_RDONLY. */
bool smon_event_read_only(const struct smon_event *ev);
/* The action runs reboot, poweroff or crash (does not return). */
bool smon_event_destructive(const struct smon_event *ev);
/* MITRE ATT&CK technique, first match wins; "none" when none applies. */
const char *smon_technique(const struct smon_event *ev);
/* "critical", "high" or "info". */
const char *smon_severity(const struct smon_event *ev);

/* MESSAGE_ID of each event kind and of lost records, 32 hex digits. */
const char *smon_message_id_event(unsigned int kind);
const char *smon_message_id_lost(enum smon_lost_reason reason);

/* Journal PRIORITY of a severity: critical 2, high 4, info 6. */
int smon_priority(const char *severity);

/* PRIORITY of a lost record: 3 (err), events are missing. */
#define SMON_PRIORITY_LOST	3

/* SYSLOG_FACILITY of every entry: 10, LOG_AUTHPRIV (security). */
#define SMON_SYSLOG_FACILITY	"10"

/*
 * One journal entry: fields "NAME=value" stored back to back in @buf
 * (values are bytes, not strings), so that each can be handed to
 * sd_journal_sendv() as one iovec or written in the export format.
 */
#define SMON_JOURNAL_MAX	80

struct smon_journal {
	struct strbuf buf;
	size_t n;
	struct {
		size_t off;		/* of "NAME=value" in @buf */
		size_t name_len;
		size_t len;		/* of "NAME=value" */
	} e[SMON_JOURNAL_MAX];
	bool overflow;			/* more than SMON_JOURNAL_MAX fields */
};

void smon_journal_init(struct smon_journal *j);
void smon_journal_reset(struct smon_journal *j);
void smon_journal_free(struct smon_journal *j);
/* @name: A-Z, 0-9 and '_', not starting with a digit. */
void smon_journal_add(struct smon_journal *j, const char *name,
		      const void *value, size_t n);

/*
 * The fields of an event or a lost record: MESSAGE (the text line),
 * MESSAGE_ID, PRIORITY, SYSLOG_FACILITY=10, SYSLOG_IDENTIFIER=sysrqmonctl,
 * the address fields (_HOSTNAME, _MACHINE_ID, _BOOT_ID,
 * __MONOTONIC_TIMESTAMP: export only) and every JSON
 * member as SYSRQMON_<KEY> with its raw bytes (numbers in decimal,
 * booleans true/false, null members left out). __REALTIME_TIMESTAMP is
 * the event's time, else @now_us; sd_journal_sendv() never gets it.
 */
void smon_journal_event(struct smon_journal *j, const struct smon_event *ev,
			uint64_t now_us);
void smon_journal_lost(struct smon_journal *j, const struct smon_lost *lost,
		       uint64_t now_us);
/* Either of them: the event @ev or, when @ev is NULL, @lost. */
void smon_journal_record(struct smon_journal *j, const struct smon_event *ev,
			 const struct smon_lost *lost, uint64_t now_us);

/*
 * Appends the entry in the Journal Export Format: "NAME=value\n", or for a
 * value with a control byte or invalid UTF-8 "NAME\n", its length as a
 * little-endian u64, the bytes and "\n"; then the empty line that ends
 * the entry.
 */
void smon_journal_export(struct strbuf *sb, const struct smon_journal *j);
/* True when the export format writes the value in its binary form. */
bool smon_export_binary(const void *value, size_t n);

/*
 * The export format's _MACHINE_ID, _BOOT_ID and __MONOTONIC_TIMESTAMP come
 * from this machine (sd_id128_get_machine/boot, CLOCK_MONOTONIC) unless
 * set here (the unit tests); an empty id leaves its field out.
 */
void smon_journal_set_source(const char *machine_id, const char *boot_id,
			     uint64_t monotonic_us);

/* Sends the entry to journald; 0 or a negative errno. */
int smon_journal_send(const struct smon_journal *j);

/*
 * Prometheus text exposition format (with # HELP and # TYPE): every
 * metric of the status, or only sysrqmon_up 0 and the build info when
 * @st is NULL (the module does not answer). @version is the tool's.
 */
void smon_metrics(struct strbuf *sb, const struct smon_status *st,
		  const char *version);

/*
 * Replaces @path atomically with @data: a temporary file in the same
 * directory, fsync, mode 0644, rename. 0 or a negative errno.
 */
int smon_write_atomic(const char *path, const void *data, size_t n);

#endif /* SYSRQMONCTL_FLEET_H */

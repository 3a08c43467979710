// SPDX-License-Identifier: GPL-2.0
/*
 * The byte ring under the event buffer: variable-size records, oldest out
 * first, a record never split across the end. The queue (queue.c) holds
 * its lock around every call here; the ring knows nothing of events beyond
 * their bytes, which is what lets KUnit drive it alone (ring_test.c).
 */
#include "sysrqmon.h"

/**
 * sysrqmon_ring_reserve() - room for a record at the head
 * @ring: the ring
 * @len: the record's bytes, its header included, a multiple of 8
 * @limit: how many bytes of the ring may be in use once it is placed
 *
 * When the record does not fit before the end of the ring, the rest of the
 * ring becomes a filler, counted as used until the oldest record passes
 * it, and the record goes at the start.
 *
 * Return: the record, with @len set and its other header fields zero; NULL
 * when it would take the ring past @limit.
 */
struct sysrqmon_record *sysrqmon_ring_reserve(struct sysrqmon_ring *ring,
					      unsigned long len,
					      unsigned long limit)
{
	unsigned long filler = 0;
	struct sysrqmon_record *rec;

	if (!ring->count) {
		ring->head = 0;
		ring->tail = 0;
		ring->used = 0;
	}
	if (ring->head >= ring->tail && ring->head + len > ring->size)
		filler = ring->size - ring->head;
	if (ring->used + filler + len > limit)
		return NULL;
	if (filler) {
		rec = sysrqmon_ring_at(ring, ring->head);
		rec->len = filler;
		rec->filler = 1;
		ring->used += filler;
		ring->head = 0;
	}
	rec = sysrqmon_ring_at(ring, ring->head);
	rec->len = len;
	rec->filler = 0;
	rec->broadcast = 0;
	ring->used += len;
	ring->head += len;
	if (ring->head == ring->size)
		ring->head = 0;
	ring->count++;
	return rec;
}
EXPORT_SYMBOL_IF_KUNIT(sysrqmon_ring_reserve);

/**
 * sysrqmon_ring_next() - where the record after another one starts
 * @ring: the ring
 * @off: a record's offset
 *
 * Return: the offset past the record at @off, and past a filler after it.
 */
unsigned long sysrqmon_ring_next(struct sysrqmon_ring *ring, unsigned long off)
{
	off += sysrqmon_ring_at(ring, off)->len;
	if (off == ring->size || sysrqmon_ring_at(ring, off)->filler)
		off = 0;
	return off;
}
EXPORT_SYMBOL_IF_KUNIT(sysrqmon_ring_next);

/**
 * sysrqmon_ring_release() - the oldest record leaves, and a filler after it
 * @ring: the ring, holding at least one record
 */
void sysrqmon_ring_release(struct sysrqmon_ring *ring)
{
	unsigned long off = ring->tail + sysrqmon_ring_at(ring, ring->tail)->len;

	ring->used -= sysrqmon_ring_at(ring, ring->tail)->len;
	if (!--ring->count)
		return;		/* the next reservation starts afresh */
	if (off == ring->size) {
		off = 0;
	} else if (sysrqmon_ring_at(ring, off)->filler) {
		ring->used -= sysrqmon_ring_at(ring, off)->len;
		off = 0;
	}
	ring->tail = off;
}
EXPORT_SYMBOL_IF_KUNIT(sysrqmon_ring_release);

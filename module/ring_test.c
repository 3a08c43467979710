// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the byte ring under the event buffer (ring.c), on a small ring of
 * its own: records that fill it, the limit that keeps the reserve, the
 * filler a wrap leaves, and the walk from the oldest record.
 */
#include <kunit/test.h>

#include "sysrqmon.h"

#define RING_BYTES	256

struct ring_fixture {
	struct sysrqmon_ring ring;
	u8 buf[RING_BYTES];
};

static int ring_test_init(struct kunit *test)
{
	struct ring_fixture *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	if (!f)
		return -ENOMEM;
	f->ring.buf = f->buf;
	f->ring.size = RING_BYTES;
	test->priv = f;
	return 0;
}

static struct sysrqmon_ring *test_ring(struct kunit *test)
{
	return &((struct ring_fixture *)test->priv)->ring;
}

/* The record's offset in the ring, or -1 when there was no room. */
static long reserve(struct sysrqmon_ring *ring, unsigned long len,
		    unsigned long limit)
{
	struct sysrqmon_record *rec = sysrqmon_ring_reserve(ring, len, limit);

	return rec ? (u8 *)rec - ring->buf : -1;
}

/* Ordinary records stop at their limit; the reserve takes the rest. */
static void ring_limit_test(struct kunit *test)
{
	struct sysrqmon_ring *ring = test_ring(test);
	unsigned long ordinary = 3 * 64;
	int i;

	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, reserve(ring, 64, ordinary), i * 64L);
	KUNIT_EXPECT_EQ(test, reserve(ring, 64, ordinary), -1L);
	KUNIT_EXPECT_EQ(test, reserve(ring, 64, RING_BYTES), 192L);
	KUNIT_EXPECT_EQ(test, reserve(ring, 8, RING_BYTES), -1L);
	KUNIT_EXPECT_EQ(test, ring->count, 4u);
	KUNIT_EXPECT_EQ(test, ring->used, (unsigned long)RING_BYTES);
	/* Full with head == tail: nothing more goes in, nothing is overwritten. */
	KUNIT_EXPECT_EQ(test, ring->head, ring->tail);
	KUNIT_EXPECT_EQ(test, sysrqmon_ring_at(ring, 0)->len, 64u);
}

/* A record that does not fit before the end goes to 0, behind a filler. */
static void ring_wrap_test(struct kunit *test)
{
	struct sysrqmon_ring *ring = test_ring(test);

	KUNIT_EXPECT_EQ(test, reserve(ring, 96, RING_BYTES), 0L);
	KUNIT_EXPECT_EQ(test, reserve(ring, 96, RING_BYTES), 96L);
	sysrqmon_ring_release(ring);
	KUNIT_EXPECT_EQ(test, ring->tail, 96ul);
	/* 64 bytes are left at the end: they become the filler. */
	KUNIT_EXPECT_EQ(test, reserve(ring, 96, RING_BYTES), 0L);
	KUNIT_EXPECT_TRUE(test, sysrqmon_ring_at(ring, 192)->filler);
	KUNIT_EXPECT_EQ(test, sysrqmon_ring_at(ring, 192)->len, 64u);
	KUNIT_EXPECT_EQ(test, ring->used, 96ul + 64 + 96);
	/* The walk from the oldest record skips the filler. */
	KUNIT_EXPECT_EQ(test, sysrqmon_ring_next(ring, 96), 0ul);
	/* Full: the head has caught up with the oldest record. */
	KUNIT_EXPECT_EQ(test, reserve(ring, 8, RING_BYTES), -1L);
	/* The oldest leaves and frees the filler with it. */
	sysrqmon_ring_release(ring);
	KUNIT_EXPECT_EQ(test, ring->tail, 0ul);
	KUNIT_EXPECT_EQ(test, ring->used, 96ul);
	KUNIT_EXPECT_EQ(test, reserve(ring, 160, RING_BYTES), 96L);
	KUNIT_EXPECT_EQ(test, ring->head, 0ul);
	KUNIT_EXPECT_EQ(test, reserve(ring, 8, RING_BYTES), -1L);
	sysrqmon_ring_release(ring);
	sysrqmon_ring_release(ring);
	KUNIT_EXPECT_EQ(test, ring->count, 0u);
	KUNIT_EXPECT_EQ(test, ring->used, 0ul);
}

/* A record that ends exactly at the end leaves no filler. */
static void ring_exact_end_test(struct kunit *test)
{
	struct sysrqmon_ring *ring = test_ring(test);

	KUNIT_EXPECT_EQ(test, reserve(ring, 128, RING_BYTES), 0L);
	KUNIT_EXPECT_EQ(test, reserve(ring, 128, RING_BYTES), 128L);
	KUNIT_EXPECT_EQ(test, ring->head, 0ul);
	KUNIT_EXPECT_EQ(test, sysrqmon_ring_next(ring, 128), 0ul);
	sysrqmon_ring_release(ring);
	KUNIT_EXPECT_EQ(test, ring->tail, 128ul);
	KUNIT_EXPECT_EQ(test, reserve(ring, 64, RING_BYTES), 0L);
	KUNIT_EXPECT_EQ(test, reserve(ring, 64, RING_BYTES), 64L);
	KUNIT_EXPECT_EQ(test, reserve(ring, 8, RING_BYTES), -1L);
	KUNIT_EXPECT_FALSE(test, sysrqmon_ring_at(ring, 0)->filler);
}

/* An empty ring starts again at its start, whatever the last record left. */
static void ring_restart_test(struct kunit *test)
{
	struct sysrqmon_ring *ring = test_ring(test);

	KUNIT_EXPECT_EQ(test, reserve(ring, 200, RING_BYTES), 0L);
	sysrqmon_ring_release(ring);
	KUNIT_EXPECT_EQ(test, reserve(ring, 200, RING_BYTES), 0L);
	KUNIT_EXPECT_EQ(test, ring->used, 200ul);
}

static struct kunit_case ring_test_cases[] = {
	KUNIT_CASE(ring_limit_test),
	KUNIT_CASE(ring_wrap_test),
	KUNIT_CASE(ring_exact_end_test),
	KUNIT_CASE(ring_restart_test),
	{}
};

static struct kunit_suite ring_test_suite = {
	.name = "sysrqmon_ring",
	.init = ring_test_init,
	.test_cases = ring_test_cases,
};

kunit_test_suite(ring_test_suite);

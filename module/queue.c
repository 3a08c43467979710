// SPDX-License-Identifier: GPL-2.0
/*
 * The bounded buffer between the hooks and the sinks.
 *
 * A hook never sends and never allocates: it copies its event into a
 * preallocated byte ring (ring.c), packed (sysrqmon_event_pack(): its
 * strings take only their own length), as a record of that size,
 * under an irq-safe raw lock (under PREEMPT_RT a spinlock_t sleeps, and
 * hooks run with preemption off), and kicks a worker. The worker takes
 * each record through two stages, in order (struct sysrqmon_consumer):
 *
 *  - broadcast, once: the best-effort sinks (multicast listeners, the audit
 *    record), a batch at a time: a batch shares multicast datagrams. A
 *    listener whose socket is full loses a datagram, and sees it.
 *  - ship: the shipping consumer, if one subscribed. A record leaves the
 *    ring only once that consumer has taken it: when its socket is full the
 *    record stays and the worker tries again later from a delayed work
 *    item, so a burst that fits the ring reaches it whole however slowly it
 *    reads. Nothing waits for it: writers never block, and unload gives up
 *    on a consumer that still does not read.
 *
 * When the ring has no room, the newest event is dropped and counted; its
 * sequence number is still taken, so listeners see the gap. Ordinary events
 * may fill only part of the ring: the rest is reserved for the events the
 * policy always reports (ev->always: denials, destructive actions, drift,
 * tamper, ...), so that a flood of harmless ones cannot push them out.
 *
 * The counters change only under the lock, in the same critical section as
 * the ring, so any snapshot satisfies
 * generated == sent + no_listener + dropped + queued.
 */
#include <linux/moduleparam.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include "sysrqmon.h"

#define QUEUE_MIN	16
#define QUEUE_MAX	65536
/* Room kept for always-reported events: 1/16 of buffer_events, at least 16. */
#define RESERVE_SHARE	16
#define RESERVE_MIN	16
/* Events handed to the shipping consumer at once (one datagram). */
#define SHIP_BATCH	32
/*
 * How long an ordinary event waits for others to share the worker's run
 * (and the shipping consumer's datagram) with: a jiffy. Always-reported
 * events do not wait.
 */
#define BATCH_DELAY	1
/* How soon a full shipping consumer is tried again. */
#define RETRY_MS	10

static unsigned int buffer_events = 2048;

#define RECORD_MAX \
	ALIGN(sizeof(struct sysrqmon_record) + SYSRQMON_EVENT_MAX, 8)

static struct {
	raw_spinlock_t lock;	/* protects everything below */
	struct sysrqmon_ring ring;
	unsigned long ordinary;	/* bytes ordinary events may fill */
	unsigned long next;	/* the oldest not broadcast, when pending > 0 */
	unsigned int pending;	/* records not broadcast yet */
	u64 generated;
	u64 sent;
	u64 no_listener;
	u64 dropped;
	u64 shipped;
	u64 dropped_critical;
} queue = {
	.lock = __RAW_SPIN_LOCK_UNLOCKED(queue.lock),
};

static const struct sysrqmon_consumer *consumer;
/*
 * The events the worker hands to the consumer, unpacked from their records:
 * the one it broadcasts, and the oldest broadcast ones, for the shipping
 * consumer. The i-th oldest of the first @unpacked of those is in
 * @ev[(@first + i) % SHIP_BATCH]: what a datagram had no room for stays
 * unpacked for the next one.
 */
static struct sysrqmon_event broadcasting;
static struct {
	struct sysrqmon_event ev[SHIP_BATCH];
	unsigned int first;
	unsigned int unpacked;
} shipping;
static void queue_drain(struct work_struct *work);
/* One work item: it never runs concurrently with itself. */
static DECLARE_DELAYED_WORK(drain_work, queue_drain);
/* High priority, so that a storm of writers does not outrun delivery. */
static struct workqueue_struct *drain_wq;
static bool closing;		/* unloading: never wait for the consumer */

static int buffer_events_set(const char *val, const struct kernel_param *kp)
{
	unsigned int n;

	if (kstrtouint(val, 0, &n) || n < QUEUE_MIN || n > QUEUE_MAX) {
		pr_err("sysrqmon: invalid buffer_events=%s, expected %d to %d\n",
		       val, QUEUE_MIN, QUEUE_MAX);
		return -EINVAL;
	}
	buffer_events = n;
	return 0;
}

static const struct kernel_param_ops buffer_events_ops = {
	.set = buffer_events_set,
	.get = param_get_uint,
};

module_param_cb(buffer_events, &buffer_events_ops, &buffer_events, 0444);
MODULE_PARM_DESC(buffer_events, "events the buffer holds at least (16-65536, default 2048), plus a reserve for always-reported ones");

static unsigned int reserved_events(void)
{
	return max_t(unsigned int, buffer_events / RESERVE_SHARE, RESERVE_MIN);
}

/**
 * sysrqmon_queue_init() - allocate the ring
 * @sinks: takes each queued event, oldest first, in the worker
 *
 * The ring holds buffer_events records of the largest size, one more for
 * the filler a wrap may leave at its end, and the reserve on top.
 *
 * Return: 0 or -ENOMEM.
 */
int sysrqmon_queue_init(const struct sysrqmon_consumer *sinks)
{
	consumer = sinks;
	queue.ordinary = (unsigned long)(buffer_events + 1) * RECORD_MAX;
	queue.ring.size = queue.ordinary +
			  (unsigned long)reserved_events() * RECORD_MAX;
	drain_wq = alloc_workqueue("sysrqmon", WQ_HIGHPRI, 1);
	if (!drain_wq)
		return -ENOMEM;
	queue.ring.buf = vmalloc(queue.ring.size);
	if (!queue.ring.buf) {
		destroy_workqueue(drain_wq);
		return -ENOMEM;
	}
	return 0;
}

/**
 * sysrqmon_queue_flush() - deliver what is queued
 *
 * Called once nothing can queue any more, while the family still exists.
 * A shipping consumer that is full now is not waited for: what it has not
 * taken counts as what the broadcast stage made of it.
 */
void sysrqmon_queue_flush(void)
{
	WRITE_ONCE(closing, true);
	/* A run that began before may still find it full and arm a retry. */
	flush_delayed_work(&drain_work);
	mod_delayed_work(drain_wq, &drain_work, 0);
	flush_delayed_work(&drain_work);
}

/**
 * sysrqmon_queue_exit() - free the ring
 */
void sysrqmon_queue_exit(void)
{
	cancel_delayed_work_sync(&drain_work);
	destroy_workqueue(drain_wq);
	vfree(queue.ring.buf);
	queue.ring.buf = NULL;
}

static struct sysrqmon_record *record_at(unsigned long off)
{
	return sysrqmon_ring_at(&queue.ring, off);
}

/**
 * sysrqmon_queue_event() - number an event and queue it for the sinks
 * @ev: the event; its @seq is set here
 *
 * Any context but NMI.
 */
void sysrqmon_queue_event(struct sysrqmon_event *ev)
{
	u8 str_len[SYSRQMON_PAYLOAD_STRINGS];
	size_t size = sysrqmon_event_packed_size(ev, str_len);
	unsigned long len = ALIGN(sizeof(struct sysrqmon_record) + size, 8);
	struct sysrqmon_record *rec;
	unsigned long flags;

	raw_spin_lock_irqsave(&queue.lock, flags);
	ev->seq = ++queue.generated;
	rec = sysrqmon_ring_reserve(&queue.ring, len, ev->always ?
				    queue.ring.size : queue.ordinary);
	if (rec) {
		sysrqmon_event_pack(ev, str_len, rec->data);
		if (!queue.pending++)
			queue.next = (u8 *)rec - queue.ring.buf;
	} else {
		queue.dropped++;
		if (ev->always)
			queue.dropped_critical++;
	}
	raw_spin_unlock_irqrestore(&queue.lock, flags);

	if (!rec)
		sysrqmon_event_release(ev);
	else if (ev->always)
		mod_delayed_work(drain_wq, &drain_work, 0);
	else
		queue_delayed_work(drain_wq, &drain_work, BATCH_DELAY);
}

/*
 * The broadcast stage of the oldest record that has not had it. A work item
 * never runs concurrently with itself, and hooks only write into free
 * space, so a record stays put until the worker releases it.
 */
static bool broadcast_one(void)
{
	struct sysrqmon_record *rec;
	unsigned long off;

	raw_spin_lock_irq(&queue.lock);
	if (!queue.pending) {
		raw_spin_unlock_irq(&queue.lock);
		return false;
	}
	off = queue.next;
	raw_spin_unlock_irq(&queue.lock);

	rec = record_at(off);
	sysrqmon_event_unpack(rec->data, &broadcasting);
	rec->broadcast = consumer->broadcast(&broadcasting);

	raw_spin_lock_irq(&queue.lock);
	if (--queue.pending)
		queue.next = sysrqmon_ring_next(&queue.ring, off);
	raw_spin_unlock_irq(&queue.lock);
	return true;
}

/* Counts a record on its way out: @ret is 0 when the shipping consumer took it. */
static void account(const struct sysrqmon_record *rec, int ret)
{
	if (!ret) {
		queue.sent++;
		queue.shipped++;
	} else if (!rec->broadcast) {
		queue.sent++;
	} else if (rec->broadcast == -ESRCH) {
		queue.no_listener++;
	} else {
		queue.dropped++;
	}
}

/*
 * The @n oldest records leave the ring, from @off (the tail), counted as
 * @ret says (0: the shipping consumer took them).
 */
static void leave(unsigned long off, unsigned int n, int ret)
{
	unsigned int i;

	/* What they pin is dropped before the lock. */
	for (i = 0;; off = sysrqmon_ring_next(&queue.ring, off)) {
		sysrqmon_event_release_packed(record_at(off)->data);
		if (++i == n)
			break;
	}
	shipping.first = (shipping.first + n) % SHIP_BATCH;
	shipping.unpacked -= min(n, shipping.unpacked);

	raw_spin_lock_irq(&queue.lock);
	while (n--) {
		account(record_at(queue.ring.tail), ret);
		sysrqmon_ring_release(&queue.ring);
	}
	raw_spin_unlock_irq(&queue.lock);
}

/*
 * The ship stage of the oldest records that were broadcast: they leave the
 * ring once the shipping consumer took them, or at once, never unpacked,
 * when there is none. Returns false when there is nothing more to do now.
 */
static bool ship_some(void)
{
	const struct sysrqmon_event *evs[SHIP_BATCH];
	struct sysrqmon_event *ev;
	unsigned int n = 0, avail;
	unsigned long first, off;
	int ret;

	raw_spin_lock_irq(&queue.lock);
	avail = min_t(unsigned int, queue.ring.count - queue.pending,
		      SHIP_BATCH);
	first = queue.ring.tail;
	raw_spin_unlock_irq(&queue.lock);
	if (!avail)
		return false;
	if (!consumer->shipping()) {
		leave(first, avail, -ESRCH);
		return true;
	}
	/* Records stay put until released here: no lock to read them. */
	for (off = first;; off = sysrqmon_ring_next(&queue.ring, off)) {
		ev = &shipping.ev[(shipping.first + n) % SHIP_BATCH];
		if (n >= shipping.unpacked)
			sysrqmon_event_unpack(record_at(off)->data, ev);
		evs[n++] = ev;
		if (n == avail)
			break;
	}
	shipping.unpacked = n;

	ret = consumer->ship(evs, n);
	if (ret == -EAGAIN || ret == -ENOMEM) {
		if (!READ_ONCE(closing)) {
			queue_delayed_work(drain_wq, &drain_work,
					   msecs_to_jiffies(RETRY_MS));
			return false;
		}
		/* Unloading: what it has not taken, it will not get. */
		ret = -ESRCH;
	}
	if (ret > 0)
		leave(first, ret, 0);
	else
		leave(first, 1, ret);
	return true;
}

/*
 * Broadcast the records as they come, a batch at a time, and ship what was
 * broadcast until the shipping consumer is full. Then a retry is armed; new
 * ordinary events do not advance it (they wait for it, as do multicast
 * listeners, RETRY_MS at most), an always-reported one does.
 */
static void queue_drain(struct work_struct *work)
{
	unsigned int n;
	bool more;

	do {
		/* A batch first: it shares datagrams, to every consumer. */
		for (n = 0; n < SHIP_BATCH && (more = broadcast_one()); n++)
			;
		consumer->flush();
		while (ship_some())
			cond_resched();
		cond_resched();
	} while (more);
}

/**
 * sysrqmon_queue_counters() - a consistent snapshot of the counters
 * @c: receives them
 */
void sysrqmon_queue_counters(struct sysrqmon_counters *c)
{
	raw_spin_lock_irq(&queue.lock);
	c->generated = queue.generated;
	c->sent = queue.sent;
	c->no_listener = queue.no_listener;
	c->dropped = queue.dropped;
	c->queued = queue.ring.count;
	c->shipped = queue.shipped;
	c->dropped_critical = queue.dropped_critical;
	raw_spin_unlock_irq(&queue.lock);
	c->buffer_events = buffer_events;
	c->reserved_events = reserved_events();
}

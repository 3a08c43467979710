// SPDX-License-Identifier: GPL-2.0
/*
 * The bounded buffer between the hooks and netlink.
 *
 * A hook never sends and never allocates: it copies its event into a
 * preallocated slot under an irq-safe raw lock (under PREEMPT_RT a
 * spinlock_t sleeps, and hooks run with preemption off) and kicks a worker,
 * which hands the oldest event to the consumer given at init (event.c's
 * sysrqmon_event_deliver()) in process context. When the buffer is full the
 * newest event is dropped and counted; its sequence number is still taken,
 * so listeners see the gap.
 *
 * The counters change only under the lock, in the same critical section as
 * the buffer, so any snapshot satisfies
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

static unsigned int buffer_events = 4096;

static struct {
	raw_spinlock_t lock;	/* protects everything below */
	struct sysrqmon_event *slots;
	unsigned int head;	/* next slot to fill */
	unsigned int count;	/* filled slots, oldest at head - count */
	u64 generated;
	u64 sent;
	u64 no_listener;
	u64 dropped;
} queue = {
	.lock = __RAW_SPIN_LOCK_UNLOCKED(queue.lock),
};

static sysrqmon_deliver_fn deliver;
static void queue_drain(struct work_struct *work);
static DECLARE_WORK(drain_work, queue_drain);
/* High priority, so that a storm of writers does not outrun delivery. */
static struct workqueue_struct *drain_wq;

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
MODULE_PARM_DESC(buffer_events, "events buffered for netlink listeners (16-65536, default 4096)");

/**
 * sysrqmon_queue_init() - allocate the buffer
 * @consumer: takes each queued event, oldest first, in the worker
 *
 * Return: 0 or -ENOMEM.
 */
int sysrqmon_queue_init(sysrqmon_deliver_fn consumer)
{
	deliver = consumer;
	drain_wq = alloc_workqueue("sysrqmon", WQ_HIGHPRI, 1);
	if (!drain_wq)
		return -ENOMEM;
	queue.slots = vcalloc(buffer_events, sizeof(*queue.slots));
	if (!queue.slots) {
		destroy_workqueue(drain_wq);
		return -ENOMEM;
	}
	return 0;
}

/**
 * sysrqmon_queue_flush() - deliver what is queued
 *
 * Called once nothing can queue any more, while the family still exists.
 */
void sysrqmon_queue_flush(void)
{
	flush_work(&drain_work);
}

/**
 * sysrqmon_queue_exit() - free the buffer
 */
void sysrqmon_queue_exit(void)
{
	flush_work(&drain_work);
	destroy_workqueue(drain_wq);
	vfree(queue.slots);
	queue.slots = NULL;
}

/**
 * sysrqmon_queue_event() - number an event and queue it for listeners
 * @ev: the event; its @seq is set here
 *
 * Any context but NMI.
 */
void sysrqmon_queue_event(struct sysrqmon_event *ev)
{
	unsigned long flags;
	bool queued = false;

	raw_spin_lock_irqsave(&queue.lock, flags);
	ev->seq = ++queue.generated;
	if (queue.count < buffer_events) {
		/* Only the header and the kind's payload hold anything. */
		memcpy(&queue.slots[queue.head], ev, sysrqmon_event_size(ev));
		queue.head = (queue.head + 1) % buffer_events;
		queue.count++;
		queued = true;
	} else {
		queue.dropped++;
	}
	raw_spin_unlock_irqrestore(&queue.lock, flags);

	if (queued)
		queue_work(drain_wq, &drain_work);
	else
		sysrqmon_event_release(ev);
}

/*
 * A work item never runs concurrently with itself, and hooks only write at
 * head while a free slot remains, so the oldest slot stays put while it is
 * sent and is released once accounted for. A message that cannot be built
 * counts as dropped: its listeners see the gap.
 */
static void queue_drain(struct work_struct *work)
{
	unsigned int oldest;
	int ret;

	for (;;) {
		raw_spin_lock_irq(&queue.lock);
		if (!queue.count) {
			raw_spin_unlock_irq(&queue.lock);
			break;
		}
		oldest = (queue.head + buffer_events - queue.count) %
			 buffer_events;
		raw_spin_unlock_irq(&queue.lock);

		ret = deliver(&queue.slots[oldest]);

		raw_spin_lock_irq(&queue.lock);
		queue.count--;
		if (ret == -ESRCH)
			queue.no_listener++;
		else if (ret == -ENOMEM || ret == -EMSGSIZE)
			queue.dropped++;
		else
			queue.sent++;
		raw_spin_unlock_irq(&queue.lock);
		cond_resched();
	}
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
	c->queued = queue.count;
	raw_spin_unlock_irq(&queue.lock);
	c->buffer_events = buffer_events;
}

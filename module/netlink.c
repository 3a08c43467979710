// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "sysrqmon": the "events" multicast group, the
 * shipping consumer, and the status and configuration commands.
 *
 * Status is for everyone, like /proc/sys/kernel/sysrq. Joining "events" and
 * changing anything need CAP_SYS_ADMIN in the initial user namespace:
 * GENL_ADMIN_PERM would only ask for CAP_NET_ADMIN, which containers on the
 * host network may hold.
 */
#include <linux/capability.h>
#include <linux/module.h>
#include <linux/netlink.h>
#include <linux/notifier.h>
#include <linux/spinlock.h>
#include <net/genetlink.h>

#include "sysrqmon.h"
#include <uapi/sysrqmon_fields.h>

enum { SYSRQMON_GROUP_EVENTS };

/* Only SET_CONFIG takes attributes; the others reject any. */
static const struct nla_policy config_policy[SYSRQMON_ATTR_MAX + 1] = {
	[SYSRQMON_ATTR_MODE] = NLA_POLICY_MAX(NLA_U8, SYSRQMON_MODE_DENY),
	[SYSRQMON_ATTR_AUDIT] = NLA_POLICY_MAX(NLA_U8, 1),
	[SYSRQMON_ATTR_AUDIT_RECORDS] = NLA_POLICY_MAX(NLA_U8, 1),
	[SYSRQMON_ATTR_WATCH_READS] = NLA_POLICY_MAX(NLA_U8, 1),
	[SYSRQMON_ATTR_ALLOWED_MASK] = { .type = NLA_S32 },
	[SYSRQMON_ATTR_ALLOWED_KEYS] = { .type = NLA_NUL_STRING, .len = 62 },
	[SYSRQMON_ATTR_DENY_SCOPE] = NLA_POLICY_MAX(NLA_U8,
						    SYSRQMON_SCOPE_CONTAINER),
	[SYSRQMON_ATTR_VERIFY_MS] = { .type = NLA_U32 },
};

/* The attributes SET_CONFIG takes, and the setting each one changes. */
static const struct {
	int attr;
	enum sysrqmon_setting id;
} config_attrs[] = {
	{ SYSRQMON_ATTR_MODE, SYSRQMON_SET_MODE },
	{ SYSRQMON_ATTR_AUDIT, SYSRQMON_SET_AUDIT },
	{ SYSRQMON_ATTR_AUDIT_RECORDS, SYSRQMON_SET_AUDIT_RECORDS },
	{ SYSRQMON_ATTR_WATCH_READS, SYSRQMON_SET_WATCH_READS },
	{ SYSRQMON_ATTR_ALLOWED_MASK, SYSRQMON_SET_ALLOWED_MASK },
	{ SYSRQMON_ATTR_ALLOWED_KEYS, SYSRQMON_SET_ALLOWED_KEYS },
	{ SYSRQMON_ATTR_DENY_SCOPE, SYSRQMON_SET_DENY_SCOPE },
	{ SYSRQMON_ATTR_VERIFY_MS, SYSRQMON_SET_VERIFY_MS },
};

static const struct genl_multicast_group sysrqmon_groups[] = {
	[SYSRQMON_GROUP_EVENTS] = {
		.name = SYSRQMON_MCGRP_EVENTS,
		.flags = GENL_MCAST_CAP_SYS_ADMIN,
	},
};

static struct genl_family sysrqmon_family;

static int put_u64(struct sk_buff *skb, int type, u64 value, int pad)
{
	return nla_put_u64_64bit(skb, type, value, pad);
}

/* One field of sysrqmon_fields[], as its attribute. */
static int put_field(struct sk_buff *skb, const struct sysrqmon_event *ev,
		     unsigned int field, unsigned int kind_flags)
{
	const struct sysrqmon_field_desc *f = &sysrqmon_fields[field];
	u64 v;

	if (!f->attr ||
	    !sysrqmon_field_present(ev, field, kind_flags, SYSRQMON_OUT_NETLINK))
		return 0;
	if (f->type == SYSRQMON_FT_STRING)
		return nla_put_string(skb, f->attr,
				      sysrqmon_field_string(ev, field));
	v = sysrqmon_field_number(ev, field);
	switch (f->type) {
	case SYSRQMON_FT_U64:
		return put_u64(skb, f->attr, v, SYSRQMON_ATTR_PAD);
	case SYSRQMON_FT_U32:
	case SYSRQMON_FT_HEX32:
		return nla_put_u32(skb, f->attr, v);
	case SYSRQMON_FT_S32:
		return nla_put_s32(skb, f->attr, v);
	default:
		return nla_put_u8(skb, f->attr, v);
	}
}

/**
 * sysrqmon_event_fill() - encode an event as netlink attributes
 * @skb: the message being built
 * @ev: the event
 *
 * The fields sysrqmon_fields[] gives netlink: seq, instance and time, the
 * head every event has, the kind's own fields, and truncated when a string
 * was cut as the event was recorded.
 *
 * Return: 0, or -EMSGSIZE when @skb is too small.
 */
int sysrqmon_event_fill(struct sk_buff *skb, const struct sysrqmon_event *ev)
{
	const unsigned char *kf = ev->kind <= SYSRQMON_KIND_MAX ?
				  sysrqmon_kind_fields[ev->kind] : NULL;
	int ret;
	size_t i;

	ret = put_field(skb, ev, SYSRQMON_F_SEQ, 0) ?:
	      put_field(skb, ev, SYSRQMON_F_INSTANCE, 0) ?:
	      put_field(skb, ev, SYSRQMON_F_TIME, 0);
	for (i = 0; !ret && i < ARRAY_SIZE(sysrqmon_line_head); i++)
		ret = put_field(skb, ev, sysrqmon_line_head[i], 0);
	for (i = 0; !ret && kf && i < SYSRQMON_KIND_FIELDS && kf[i]; i++)
		ret = put_field(skb, ev, kf[i] & SYSRQMON_KF_FIELD,
				kf[i] & ~SYSRQMON_KF_FIELD);
	return ret ?: put_field(skb, ev, SYSRQMON_F_TRUNCATED, 0);
}
EXPORT_SYMBOL_IF_KUNIT(sysrqmon_event_fill);

/* Appends one EVENT message to @skb; leaves @skb as it was on an error. */
static int event_put(struct sk_buff *skb, const struct sysrqmon_event *ev)
{
	void *hdr;
	int ret;

	hdr = genlmsg_put(skb, 0, 0, &sysrqmon_family, 0, SYSRQMON_CMD_EVENT);
	if (!hdr)
		return -EMSGSIZE;
	ret = sysrqmon_event_fill(skb, ev);
	if (ret) {
		genlmsg_cancel(skb, hdr);
		return ret;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* Room for attributes in a message whose data takes one @alloc allocation. */
#define MSG_ROOM(alloc) \
	(SKB_WITH_OVERHEAD(alloc) - NLMSG_HDRLEN - GENL_HDRLEN)
/*
 * A lone event: 1 KiB holds all but the opens with the longest paths. A
 * larger skb would be copied down to size by netlink before sending, and
 * asking each field its size first costs as much as filling it.
 */
#define EVENT_MSG_ROOM	MSG_ROOM(1024)
/*
 * The datagrams after a full one: a page, about 15 events of 250 bytes.
 * NLMSG_GOODSIZE is an 8-KiB allocation, which cost more per event
 * (docs/benchmarks.md); it is kept for an event that fits in neither.
 */
#define BATCH_MSG_ROOM	MSG_ROOM(4096)

/*
 * The multicast datagram the worker is filling, between the first event of
 * a run and sysrqmon_netlink_flush() at its end (the worker never runs
 * concurrently with itself). The events of a run go out together: each
 * skb's overhead counts against a listener's receive buffer, so a socket
 * then holds several times more events, read with fewer calls.
 */
static struct sk_buff *mcast;

/* Starts the datagram with @ev, in an skb with @room for attributes. */
static int mcast_start(const struct sysrqmon_event *ev, size_t room)
{
	int ret;

	mcast = genlmsg_new(room, GFP_KERNEL);
	if (!mcast)
		return -ENOMEM;
	ret = event_put(mcast, ev);
	if (ret) {
		nlmsg_free(mcast);
		mcast = NULL;
	}
	return ret;
}

/**
 * sysrqmon_netlink_send() - add one event to the multicast datagram
 * @ev: the event
 *
 * A run's first event takes the 1-KiB allocation that one event alone
 * needs; a datagram that follows a full one, a page. An event too large
 * for either gets an NLMSG_GOODSIZE one. sysrqmon_netlink_flush() sends
 * the last datagram at the end of the run.
 *
 * Context: process context (the queue's worker).
 * Return: 0 when it will be handed to netlink, -ESRCH when nobody is
 * subscribed, or -ENOMEM / -EMSGSIZE when it could not be built.
 */
int sysrqmon_netlink_send(const struct sysrqmon_event *ev)
{
	size_t room = EVENT_MSG_ROOM;
	int ret;

	if (!genl_has_listeners(&sysrqmon_family, &init_net,
				SYSRQMON_GROUP_EVENTS))
		return -ESRCH;
	if (mcast) {
		if (!event_put(mcast, ev))
			return 0;
		sysrqmon_netlink_flush();
		room = BATCH_MSG_ROOM;
	}
	ret = mcast_start(ev, room);
	if (ret == -EMSGSIZE)
		ret = mcast_start(ev, NLMSG_GOODSIZE);
	return ret;
}

/**
 * sysrqmon_netlink_flush() - multicast the datagram sysrqmon_netlink_send()
 * filled, if any
 *
 * Context: process context (the queue's worker).
 */
void sysrqmon_netlink_flush(void)
{
	if (!mcast)
		return;
	/*
	 * Someone was subscribed: what a full socket refuses (ESRCH when it
	 * was the only one) is that listener's own loss, which it sees as an
	 * overrun. For us the events were sent.
	 */
	genlmsg_multicast(&sysrqmon_family, mcast, 0, SYSRQMON_GROUP_EVENTS,
			  GFP_KERNEL);
	mcast = NULL;
}

/*
 * The shipping consumer: one socket, by its port id, in the initial network
 * namespace (the family's only one). One at a time: a second one would
 * need its own place in every buffered event, and one is what the service
 * runs. @ready is set once the answer to its SUBSCRIBE is in its socket,
 * so that no event overtakes the answer.
 */
static DEFINE_SPINLOCK(ship_lock);
static struct {
	u32 portid;	/* 0: none */
	bool ready;
} shipper;

static u32 ship_portid(void)
{
	u32 portid;

	spin_lock(&ship_lock);
	portid = shipper.ready ? shipper.portid : 0;
	spin_unlock(&ship_lock);
	return portid;
}

static void ship_forget(u32 portid)
{
	spin_lock(&ship_lock);
	if (shipper.portid == portid) {
		shipper.portid = 0;
		shipper.ready = false;
	}
	spin_unlock(&ship_lock);
}

/**
 * sysrqmon_netlink_shipping() - whether there is a shipping consumer
 *
 * Return: true when sysrqmon_netlink_ship() has a socket to send to.
 */
bool sysrqmon_netlink_shipping(void)
{
	return ship_portid();
}

/**
 * sysrqmon_netlink_ship() - unicast events to the shipping consumer
 * @evs: the oldest events, in order
 * @n: how many (at least one)
 *
 * As many of them as fit go in one datagram: the consumer's socket then
 * holds several times more events than with one datagram each (an skb's
 * overhead is counted against its receive buffer), and reads them with
 * fewer calls.
 *
 * Never waits: a full socket answers -EAGAIN at once, and the queue keeps
 * the events for later. The consumer's socket sets NETLINK_NO_ENOBUFS, or
 * each refusal would also report an overrun to it, although nothing is
 * lost.
 *
 * Context: process context (the queue's worker).
 * Return: how many of @evs the socket took, the first ones; -ESRCH when
 * there is no shipping consumer (or its socket is gone: it is forgotten),
 * -EAGAIN when its socket is full, -ENOMEM when no message could be
 * allocated, -EMSGSIZE when the first event does not fit in one.
 */
int sysrqmon_netlink_ship(const struct sysrqmon_event *const *evs,
			  unsigned int n)
{
	u32 portid = ship_portid();
	struct sk_buff *skb;
	unsigned int i;
	int ret;

	if (!portid)
		return -ESRCH;
	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	for (i = 0; i < n && !event_put(skb, evs[i]); i++)
		;
	if (!i) {
		nlmsg_free(skb);
		return -EMSGSIZE;
	}
	ret = genlmsg_unicast(&init_net, skb, portid);
	if (ret == -ECONNREFUSED) {
		ship_forget(portid);
		return -ESRCH;
	}
	return ret ?: i;
}

/* A socket closed: if it was the shipping consumer, there is none now. */
static int ship_release(struct notifier_block *nb, unsigned long state,
			void *data)
{
	struct netlink_notify *n = data;

	if (state == NETLINK_URELEASE && n->protocol == NETLINK_GENERIC &&
	    net_eq(n->net, &init_net))
		ship_forget(n->portid);
	return NOTIFY_DONE;
}

static struct notifier_block ship_notifier = {
	.notifier_call = ship_release,
};

/*
 * SUBSCRIBE: the answer goes out first and the socket becomes ready after
 * it, so the consumer reads the answer, then events, never the reverse.
 */
static int cmd_subscribe(struct sk_buff *skb, struct genl_info *info)
{
	u32 portid = info->snd_portid;
	struct sk_buff *msg;
	void *hdr;
	int ret;

	if (!portid)
		return -EINVAL;
	spin_lock(&ship_lock);
	if (shipper.portid && shipper.portid != portid) {
		spin_unlock(&ship_lock);
		GENL_SET_ERR_MSG(info, "another socket is the shipping consumer");
		return -EBUSY;
	}
	shipper.portid = portid;
	shipper.ready = false;
	spin_unlock(&ship_lock);

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	hdr = msg ? genlmsg_put_reply(msg, info, &sysrqmon_family, 0,
				      SYSRQMON_CMD_SUBSCRIBE) : NULL;
	if (!hdr ||
	    put_u64(msg, SYSRQMON_ATTR_INSTANCE, sysrqmon_instance,
		    SYSRQMON_ATTR_PAD)) {
		nlmsg_free(msg);
		ret = -ENOMEM;
	} else {
		genlmsg_end(msg, hdr);
		ret = genlmsg_reply(msg, info);
	}

	spin_lock(&ship_lock);
	if (shipper.portid == portid) {
		if (ret)
			shipper.portid = 0;
		else
			shipper.ready = true;
	}
	spin_unlock(&ship_lock);
	return ret;
}

static int put_counters(struct sk_buff *skb, const struct sysrqmon_stats *s)
{
	static const struct {
		int attr;
		enum sysrqmon_stat stat;
	} counts[] = {
		{ SYSRQMON_COUNTER_SUPPRESSED, SYSRQMON_STAT_SUPPRESSED },
		{ SYSRQMON_COUNTER_UNDECIDED, SYSRQMON_STAT_UNDECIDED },
		{ SYSRQMON_COUNTER_DRIFT, SYSRQMON_STAT_DRIFT },
		{ SYSRQMON_COUNTER_TAMPER, SYSRQMON_STAT_TAMPER },
		{ SYSRQMON_COUNTER_RESTORED, SYSRQMON_STAT_RESTORED },
	};
	const struct sysrqmon_counters *c = &s->delivery;
	struct nlattr *nest;
	int i;

	nest = nla_nest_start(skb, SYSRQMON_ATTR_COUNTERS);
	if (!nest ||
	    put_u64(skb, SYSRQMON_COUNTER_GENERATED, c->generated,
		    SYSRQMON_COUNTER_PAD) ||
	    put_u64(skb, SYSRQMON_COUNTER_SENT, c->sent, SYSRQMON_COUNTER_PAD) ||
	    put_u64(skb, SYSRQMON_COUNTER_NO_LISTENER, c->no_listener,
		    SYSRQMON_COUNTER_PAD) ||
	    put_u64(skb, SYSRQMON_COUNTER_DROPPED, c->dropped,
		    SYSRQMON_COUNTER_PAD) ||
	    put_u64(skb, SYSRQMON_COUNTER_QUEUED, c->queued,
		    SYSRQMON_COUNTER_PAD) ||
	    put_u64(skb, SYSRQMON_COUNTER_SHIPPED, c->shipped,
		    SYSRQMON_COUNTER_PAD) ||
	    put_u64(skb, SYSRQMON_COUNTER_DROPPED_CRITICAL,
		    c->dropped_critical, SYSRQMON_COUNTER_PAD))
		return -EMSGSIZE;
	for (i = 0; i < ARRAY_SIZE(counts); i++)
		if (put_u64(skb, counts[i].attr, s->count[counts[i].stat],
			    SYSRQMON_COUNTER_PAD))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return nla_put_u32(skb, SYSRQMON_ATTR_BUFFER_SIZE, c->buffer_events) ?:
	       nla_put_u32(skb, SYSRQMON_ATTR_BUFFER_RESERVED,
			   c->reserved_events) ?:
	       nla_put_u8(skb, SYSRQMON_ATTR_SHIPPING, sysrqmon_netlink_shipping());
}

/* All events per kind, or (@denied) only the denied ones. */
static int put_kind_counts(struct sk_buff *skb, const struct sysrqmon_stats *s,
			   bool denied)
{
	struct nlattr *nest;
	u64 count;
	int kind;

	nest = nla_nest_start(skb, denied ? SYSRQMON_ATTR_KIND_DENIED :
					    SYSRQMON_ATTR_KIND_COUNTS);
	if (!nest)
		return -EMSGSIZE;
	for (kind = SYSRQMON_KIND_OPEN; kind <= SYSRQMON_KIND_MAX; kind++) {
		count = s->events[kind][SYSRQMON_VERDICT_DENIED];
		if (!denied)
			count += s->events[kind][SYSRQMON_VERDICT_ALLOWED];
		if (put_u64(skb, kind, count, SYSRQMON_ATTR_UNSPEC))
			return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int put_hooks(struct sk_buff *skb)
{
	struct nlattr *hooks, *nest;
	unsigned int i;

	hooks = nla_nest_start(skb, SYSRQMON_ATTR_HOOKS);
	if (!hooks)
		return -EMSGSIZE;
	for (i = 0; i < sysrqmon_hook_count(); i++) {
		const struct sysrqmon_hook *hook = sysrqmon_hook_get(i);

		nest = nla_nest_start(skb, SYSRQMON_ATTR_HOOK);
		if (!nest ||
		    nla_put_string(skb, SYSRQMON_HOOK_ATTR_NAME, hook->symbol) ||
		    nla_put_u8(skb, SYSRQMON_HOOK_ATTR_METHOD, hook->attached ?
			       SYSRQMON_ATTACH_FTRACE : SYSRQMON_ATTACH_NONE) ||
		    nla_put_u8(skb, SYSRQMON_HOOK_ATTR_ENFORCING,
			       hook->enforcing) ||
		    put_u64(skb, SYSRQMON_HOOK_ATTR_MISSED,
			    atomic64_read(&hook->missed), SYSRQMON_HOOK_ATTR_PAD))
			return -EMSGSIZE;
		nla_nest_end(skb, nest);
	}
	nla_nest_end(skb, hooks);
	return 0;
}

/* One copy of the configuration, one snapshot of the counters. */
static int put_status(struct sk_buff *skb)
{
	char keys[SYSRQMON_VALUE_LEN];
	struct sysrqmon_stats stats;
	struct sysrqmon_config c;
	const struct sysrqmon_config *cfg = &c;

	sysrqmon_config_get(&c);
	sysrqmon_stats_snapshot(&stats);
	sysrqmon_setting_format(cfg, SYSRQMON_SET_ALLOWED_KEYS, keys,
				sizeof(keys));
	return nla_put_string(skb, SYSRQMON_ATTR_VERSION, SYSRQMON_VERSION) ?:
	       put_u64(skb, SYSRQMON_ATTR_INSTANCE, sysrqmon_instance,
		       SYSRQMON_ATTR_PAD) ?:
	       nla_put_u8(skb, SYSRQMON_ATTR_MODE, cfg->mode) ?:
	       nla_put_u8(skb, SYSRQMON_ATTR_AUDIT, cfg->audit) ?:
	       nla_put_u8(skb, SYSRQMON_ATTR_AUDIT_RECORDS,
			  cfg->audit_records) ?:
	       nla_put_u8(skb, SYSRQMON_ATTR_WATCH_READS,
			  cfg->watch_reads) ?:
	       nla_put_s32(skb, SYSRQMON_ATTR_ALLOWED_MASK,
			   cfg->allowed_mask) ?:
	       nla_put_string(skb, SYSRQMON_ATTR_ALLOWED_KEYS, keys) ?:
	       nla_put_u8(skb, SYSRQMON_ATTR_DENY_SCOPE,
			  cfg->deny_scope) ?:
	       nla_put_u8(skb, SYSRQMON_ATTR_LOCKED, cfg->locked) ?:
	       nla_put_u32(skb, SYSRQMON_ATTR_VERIFY_MS, cfg->verify_ms) ?:
	       put_counters(skb, &stats) ?:
	       put_kind_counts(skb, &stats, false) ?:
	       put_kind_counts(skb, &stats, true) ?:
	       put_hooks(skb);
}

static int cmd_get_status(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;
	int ret;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &sysrqmon_family, 0,
				SYSRQMON_CMD_GET_STATUS);
	if (!hdr) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	ret = put_status(msg);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int attr_value(const struct nlattr *attr, enum sysrqmon_setting id,
		      s64 *value)
{
	char text[16];

	switch (id) {
	case SYSRQMON_SET_VERIFY_MS:
		/* The range is the parameter's: one validation for both. */
		snprintf(text, sizeof(text), "%u", nla_get_u32(attr));
		return sysrqmon_config_parse(id, text, value);
	case SYSRQMON_SET_ALLOWED_MASK:
		*value = nla_get_s32(attr);
		return 0;
	case SYSRQMON_SET_ALLOWED_KEYS:
		return sysrqmon_config_parse(id, nla_data(attr), value);
	default:
		*value = nla_get_u8(attr);
		return 0;
	}
}

static const struct nlattr *setting_attr(struct genl_info *info,
					 enum sysrqmon_setting id)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(config_attrs); i++)
		if (config_attrs[i].id == id)
			return info->attrs[config_attrs[i].attr];
	return NULL;
}

/* Every setting given, checked together and applied at once, or none. */
static int cmd_set_config(struct sk_buff *skb, struct genl_info *info)
{
	struct sysrqmon_change change = {};
	enum sysrqmon_setting id, failed;
	const struct nlattr *attr;
	const char *why;
	int i, ret;

	for (i = 0; i < ARRAY_SIZE(config_attrs); i++) {
		id = config_attrs[i].id;
		attr = info->attrs[config_attrs[i].attr];
		if (!attr)
			continue;
		if (attr_value(attr, id, &change.value[id])) {
			NL_SET_ERR_MSG_ATTR(info->extack, attr, "invalid value");
			return -EINVAL;
		}
		change.set |= BIT(id);
	}
	if (!change.set) {
		GENL_SET_ERR_MSG(info, "no setting given");
		return -EINVAL;
	}

	kernel_param_lock(THIS_MODULE);
	ret = sysrqmon_config_change(&change, &failed, &why);
	kernel_param_unlock(THIS_MODULE);
	if (ret)
		sysrqmon_set_err_msg(info->extack, setting_attr(info, failed),
				     why);
	return ret;
}

static int put_key_entry(struct sk_buff *skb,
			 const struct sysrqmon_key_entry *entry)
{
	struct nlattr *nest = nla_nest_start(skb, SYSRQMON_ATTR_KEY_ENTRY);

	if (!nest ||
	    nla_put_u8(skb, SYSRQMON_ATTR_KEY, entry->key) ||
	    nla_put_string(skb, SYSRQMON_ATTR_HELP, entry->help) ||
	    nla_put_string(skb, SYSRQMON_ATTR_HANDLER, entry->handler) ||
	    nla_put_string(skb, SYSRQMON_ATTR_MODULE, entry->module) ||
	    nla_put_u8(skb, SYSRQMON_ATTR_CHANGED, entry->changed))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* Every slot, a few short strings each: well under 16 KiB. */
#define KEYS_MSG_SIZE	16384

static int cmd_get_keys(struct sk_buff *skb, struct genl_info *info)
{
	struct sysrqmon_key_entry entry;
	struct sk_buff *msg;
	void *hdr;
	int slot;

	msg = genlmsg_new(KEYS_MSG_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &sysrqmon_family, 0,
				SYSRQMON_CMD_GET_KEYS);
	if (!hdr)
		goto too_big;
	for (slot = 0; slot < SYSRQMON_KEY_SLOTS; slot++)
		if (sysrqmon_key_entry(slot, &entry) &&
		    put_key_entry(msg, &entry))
			goto too_big;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

too_big:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static int cmd_lock(struct sk_buff *skb, struct genl_info *info)
{
	struct sysrqmon_change change = {
		.set = BIT(SYSRQMON_SET_LOCKED),
		.value[SYSRQMON_SET_LOCKED] = 1,
	};
	enum sysrqmon_setting failed;
	const char *why;
	int ret;

	kernel_param_lock(THIS_MODULE);
	ret = sysrqmon_config_change(&change, &failed, &why);
	kernel_param_unlock(THIS_MODULE);
	if (ret)
		sysrqmon_set_err_msg(info->extack, NULL, why);
	return ret;
}

/**
 * sysrqmon_genl_pre_doit() - the privilege check before every command
 * @skb: the request
 * @info: its header and attributes
 *
 * Called through the family's pre_doit (SYSRQMON_GENL_PRE_DOIT, compat.h).
 *
 * Return: 0, or -EPERM for a command that needs CAP_SYS_ADMIN.
 */
int sysrqmon_genl_pre_doit(struct sk_buff *skb, struct genl_info *info)
{
	u8 cmd = info->genlhdr->cmd;

	if (cmd == SYSRQMON_CMD_GET_STATUS || cmd == SYSRQMON_CMD_GET_KEYS)
		return 0;
	if (!netlink_capable(skb, CAP_SYS_ADMIN)) {
		GENL_SET_ERR_MSG(info, "CAP_SYS_ADMIN is required");
		return -EPERM;
	}
	return 0;
}

static const struct genl_ops sysrqmon_ops[] = {
	{
		.cmd = SYSRQMON_CMD_GET_STATUS,
		.doit = cmd_get_status,
	},
	{
		.cmd = SYSRQMON_CMD_SET_CONFIG,
		.doit = cmd_set_config,
		.policy = config_policy,
		.maxattr = SYSRQMON_ATTR_MAX,
	},
	{
		.cmd = SYSRQMON_CMD_LOCK,
		.doit = cmd_lock,
	},
	{
		.cmd = SYSRQMON_CMD_GET_KEYS,
		.doit = cmd_get_keys,
	},
	{
		.cmd = SYSRQMON_CMD_SUBSCRIBE,
		.doit = cmd_subscribe,
	},
};

static struct genl_family sysrqmon_family __ro_after_init = {
	.name = SYSRQMON_GENL_NAME,
	.version = SYSRQMON_GENL_VERSION,
	.netnsok = false,
	.pre_doit = SYSRQMON_GENL_PRE_DOIT,
	.module = THIS_MODULE,
	.ops = sysrqmon_ops,
	.n_ops = ARRAY_SIZE(sysrqmon_ops),
	/* Every command: strict header checks, no attribute it does not take. */
	.resv_start_op = SYSRQMON_CMD_GET_STATUS,
	.mcgrps = sysrqmon_groups,
	.n_mcgrps = ARRAY_SIZE(sysrqmon_groups),
};

/**
 * sysrqmon_netlink_init() - register the family, and learn of closed sockets
 *
 * Return: 0 or the errno of genl_register_family().
 */
int sysrqmon_netlink_init(void)
{
	int ret = genl_register_family(&sysrqmon_family);

	if (ret)
		return ret;
	ret = netlink_register_notifier(&ship_notifier);
	if (ret)
		genl_unregister_family(&sysrqmon_family);
	return ret;
}

/**
 * sysrqmon_netlink_exit() - unregister the family
 */
void sysrqmon_netlink_exit(void)
{
	netlink_unregister_notifier(&ship_notifier);
	genl_unregister_family(&sysrqmon_family);
}

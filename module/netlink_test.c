// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: event encoding into netlink attributes and back (netlink.c).
 */
#include <kunit/test.h>
#include <net/genetlink.h>

#include "sysrqmon.h"

/*
 * Fill a message with @ev as the family sends it, and parse it back into
 * @tb. Return: the message, for the caller to free.
 */
static struct sk_buff *encode(struct kunit *test,
			      const struct sysrqmon_event *ev,
			      struct nlattr **tb)
{
	struct nlmsghdr *nlh;
	struct sk_buff *skb;

	skb = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	nlh = nlmsg_put(skb, 0, 0, 0, GENL_HDRLEN, 0);
	KUNIT_ASSERT_NOT_NULL(test, nlh);
	KUNIT_ASSERT_EQ(test, sysrqmon_event_fill(skb, ev), 0);
	nlmsg_end(skb, nlh);
	KUNIT_ASSERT_EQ(test, nlmsg_parse(nlh, GENL_HDRLEN, tb,
					  SYSRQMON_ATTR_MAX, NULL, NULL), 0);
	return skb;
}

static const struct sysrqmon_decision reported = { .report = true };

static void task_event_test(struct kunit *test)
{
	struct nlattr *tb[SYSRQMON_ATTR_MAX + 1];
	struct sysrqmon_event ev;
	struct sk_buff *skb;

	sysrqmon_event_init(&ev, SYSRQMON_KIND_SYSCTL, true, &reported);
	ev.seq = 42;
	ev.instance = 0x1122334455667788ULL;
	ev.time_ns = 1700000000123456789ULL;
	ev.verdict = SYSRQMON_VERDICT_DENIED;
	ev.target = SYSRQMON_TARGET_SYSRQ;
	ev.act.old_mask = 1;
	ev.act.new_mask = -1;
	strscpy(ev.comm, "a\"b\n", sizeof(ev.comm));

	skb = encode(test, &ev, tb);
	KUNIT_EXPECT_EQ(test, nla_get_u64(tb[SYSRQMON_ATTR_SEQ]), 42ULL);
	KUNIT_EXPECT_EQ(test, nla_get_u64(tb[SYSRQMON_ATTR_INSTANCE]),
			0x1122334455667788ULL);
	KUNIT_EXPECT_EQ(test, nla_get_u64(tb[SYSRQMON_ATTR_TIME_NS]),
			1700000000123456789ULL);
	KUNIT_EXPECT_EQ(test, nla_get_u8(tb[SYSRQMON_ATTR_KIND]),
			SYSRQMON_KIND_SYSCTL);
	KUNIT_EXPECT_EQ(test, nla_get_u8(tb[SYSRQMON_ATTR_VERDICT]),
			SYSRQMON_VERDICT_DENIED);
	KUNIT_EXPECT_EQ(test, nla_get_s32(tb[SYSRQMON_ATTR_OLD_MASK]), 1);
	KUNIT_EXPECT_EQ(test, nla_get_s32(tb[SYSRQMON_ATTR_NEW_MASK]), -1);
	KUNIT_EXPECT_EQ(test, nla_get_u32(tb[SYSRQMON_ATTR_PID]),
			(u32)task_tgid_nr(current));
	KUNIT_EXPECT_EQ(test, nla_get_u32(tb[SYSRQMON_ATTR_TID]),
			(u32)task_pid_nr(current));
	KUNIT_EXPECT_NOT_NULL(test, tb[SYSRQMON_ATTR_PPID]);
	KUNIT_EXPECT_STREQ(test, (char *)nla_data(tb[SYSRQMON_ATTR_COMM]),
			   "a\"b\n");
	KUNIT_EXPECT_EQ(test, nla_get_u8(tb[SYSRQMON_ATTR_CONTAINED]), 0);
	KUNIT_EXPECT_NULL(test, tb[SYSRQMON_ATTR_KEY]);
	KUNIT_EXPECT_NULL(test, tb[SYSRQMON_ATTR_TRUNCATED]);
	nlmsg_free(skb);
}

static void console_event_test(struct kunit *test)
{
	struct nlattr *tb[SYSRQMON_ATTR_MAX + 1];
	struct sysrqmon_event ev;
	struct sk_buff *skb;

	sysrqmon_event_init(&ev, SYSRQMON_KIND_CONSOLE, false, &reported);
	ev.act.key = 'b';
	ev.act.source = SYSRQMON_SOURCE_KEYBOARD;
	strscpy(ev.act.action, "reboot", sizeof(ev.act.action));

	skb = encode(test, &ev, tb);
	KUNIT_EXPECT_EQ(test, nla_get_u8(tb[SYSRQMON_ATTR_KEY]), 'b');
	KUNIT_EXPECT_STREQ(test, (char *)nla_data(tb[SYSRQMON_ATTR_ACTION]),
			   "reboot");
	KUNIT_EXPECT_EQ(test, nla_get_u8(tb[SYSRQMON_ATTR_SOURCE]),
			SYSRQMON_SOURCE_KEYBOARD);
	/* No task of its own: zero identity, and nothing else about one. */
	KUNIT_EXPECT_EQ(test, nla_get_u32(tb[SYSRQMON_ATTR_PID]), 0u);
	KUNIT_EXPECT_STREQ(test, (char *)nla_data(tb[SYSRQMON_ATTR_COMM]), "-");
	KUNIT_EXPECT_NULL(test, tb[SYSRQMON_ATTR_PPID]);
	KUNIT_EXPECT_NULL(test, tb[SYSRQMON_ATTR_EXE]);
	KUNIT_EXPECT_NULL(test, tb[SYSRQMON_ATTR_OLD_MASK]);
	nlmsg_free(skb);
}

static void too_small_test(struct kunit *test)
{
	struct sysrqmon_event ev;
	struct sk_buff *skb;

	sysrqmon_event_init(&ev, SYSRQMON_KIND_OPEN, true, &reported);
	memset(ev.open.path, 'p', sizeof(ev.open.path) - 1);
	skb = alloc_skb(128, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_EXPECT_EQ(test, sysrqmon_event_fill(skb, &ev), -EMSGSIZE);
	kfree_skb(skb);
}

/*
 * Pack and unpack @ev over garbage, then pack it again: what the sinks read
 * (the header, the kind's numbers, its strings up to their NULs) came back
 * whole when the second packing is the first. Return: the packed bytes.
 */
static size_t round_trip(struct kunit *test, const struct sysrqmon_event *ev)
{
	u8 len[SYSRQMON_PAYLOAD_STRINGS], *buf, *again;
	struct sysrqmon_event back;
	size_t n;

	buf = kunit_kzalloc(test, SYSRQMON_EVENT_MAX, GFP_KERNEL);
	again = kunit_kzalloc(test, SYSRQMON_EVENT_MAX, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, again);
	n = sysrqmon_event_packed_size(ev, len);
	KUNIT_EXPECT_LE(test, n, SYSRQMON_EVENT_MAX);
	sysrqmon_event_pack(ev, len, buf);
	memset(&back, 0xa5, sizeof(back));
	sysrqmon_event_unpack(buf, &back);
	KUNIT_EXPECT_EQ(test, sysrqmon_event_packed_size(&back, len), n);
	sysrqmon_event_pack(&back, len, again);
	KUNIT_EXPECT_EQ(test, memcmp(again, buf, n), 0);
	return n;
}

/*
 * The buffer keeps an event's header, its payload's numbers and its strings
 * up to their NULs; every string field comes back, and the largest open event
 * takes the most room.
 */
static void pack_test(struct kunit *test)
{
	struct sysrqmon_event ev;
	size_t empty, full;

	sysrqmon_event_init(&ev, SYSRQMON_KIND_OPEN, true, &reported);
	empty = round_trip(test, &ev);
	memset(ev.open.path, 'p', sizeof(ev.open.path) - 1);
	full = round_trip(test, &ev);
	KUNIT_EXPECT_EQ(test, full - empty, sizeof(ev.open.path) - 1);
	KUNIT_EXPECT_EQ(test, full, offsetof(struct sysrqmon_event, open) +
			sizeof(struct sysrqmon_ev_open));

	sysrqmon_event_init(&ev, SYSRQMON_KIND_KEYTABLE, false, &reported);
	ev.act.key = 'x';
	strscpy(ev.act.what, "keytable", sizeof(ev.act.what));
	strscpy(ev.act.action, "help", sizeof(ev.act.action));
	strscpy(ev.act.module, "sysrqevil", sizeof(ev.act.module));
	memset(ev.act.handler, 'h', sizeof(ev.act.handler) - 1);
	KUNIT_EXPECT_LT(test, round_trip(test, &ev), full);

	sysrqmon_event_init(&ev, SYSRQMON_KIND_CONFIG, true, &reported);
	ev.text.mask = 438;
	strscpy(ev.text.setting, "mode", sizeof(ev.text.setting));
	strscpy(ev.text.old, "monitor", sizeof(ev.text.old));
	strscpy(ev.text.new, "deny", sizeof(ev.text.new));
	KUNIT_EXPECT_LT(test, round_trip(test, &ev), full);

	/* The strings are each payload's last members, back to back. */
	KUNIT_EXPECT_EQ(test, sizeof(struct sysrqmon_ev_act),
			ALIGN(offsetofend(struct sysrqmon_ev_act, handler),
			      __alignof__(struct sysrqmon_ev_act)));
	KUNIT_EXPECT_EQ(test, offsetof(struct sysrqmon_ev_act, handler),
			offsetof(struct sysrqmon_ev_act, what) +
			sizeof(ev.act.what) + sizeof(ev.act.action) +
			sizeof(ev.act.module));
	KUNIT_EXPECT_EQ(test, offsetofend(struct sysrqmon_ev_text, new),
			offsetof(struct sysrqmon_ev_text, setting) +
			sizeof(ev.text.setting) + sizeof(ev.text.old) +
			sizeof(ev.text.new));
}

static struct kunit_case netlink_test_cases[] = {
	KUNIT_CASE(pack_test),
	KUNIT_CASE(task_event_test),
	KUNIT_CASE(console_event_test),
	KUNIT_CASE(too_small_test),
	{}
};

static struct kunit_suite netlink_test_suite = {
	.name = "sysrqmon_netlink",
	.test_cases = netlink_test_cases,
};

kunit_test_suite(netlink_test_suite);

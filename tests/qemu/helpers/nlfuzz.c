// SPDX-License-Identifier: GPL-2.0
/*
 * nlfuzz: malformed generic netlink requests to the "sysrqmon" family, over a raw
 * AF_NETLINK/NETLINK_GENERIC socket (no libnl); the family id comes from CTRL_CMD_GETFAMILY.
 *
 *   nlfuzz [--count N] [--seed S] [--allow-valid] [--allow-lock] [--family NAME] [--verbose]
 *       N messages (default 2000), deterministic for a seed (default 1), each from one of the
 *       categories below; every one asks for an ack (NLM_F_REQUEST|NLM_F_ACK) unless the
 *       category is about a broken netlink header. The kernel processes a request inside
 *       sendmsg(), so its answer is queued when sendmsg() returns and is read without
 *       waiting. Then one well-formed GET_STATUS must still be answered with a status.
 *         wrong-type-len  SET_CONFIG attributes with the wrong length or an out-of-range value
 *         truncated       attributes cut short, nla_len < 4, genl header cut, nlmsg_len lies
 *         unknown-cmd     commands 0, EVENT (kernel to user only) and 5..255
 *         unknown-attr    type 0, types above the maximum, attributes only the kernel sends
 *         oversized       strings longer than the policy allows, 60 KB messages
 *         nested          NLA_F_NESTED garbage, nested several levels deep
 *         random          random genl header and payload
 *         bad-genlhdr     genl version/reserved fields that are not 1/0
 *         bad-flags       NLM_F_DUMP (no dump handler), no NLM_F_REQUEST (ignored)
 *         valid-config    (--allow-valid only) well-formed SET_CONFIG and LOCK requests: for
 *                         an unprivileged sender, which must get EPERM
 *       A SET_CONFIG or LOCK request is always built to be invalid (for a privileged sender
 *       nothing may change): its value is out of range, or an unknown attribute goes first.
 *       LOCK is sent only with --allow-lock or --allow-valid (a mistake would lock the module
 *       until reboot). Prints
 *         nlfuzz: sent=N answered=A ignored=I unanswered=U accepted=C replies=R status-after=ok
 *         nlfuzz: errors: EINVAL=n ERANGE=n ... OK=n
 *         nlfuzz: extack: "message" xN ...   (the most frequent ones)
 *       accepted counts SET_CONFIG/LOCK requests answered with success (a change went
 *       through); unanswered counts well-formed requests that got no answer at all.
 *       Exit 0 iff unanswered == 0, accepted == 0 and the final status request worked.
 *
 *   nlfuzz --send CMD [--version V] [--reserved R] [--flags dump|norequest]
 *          [--attr TYPE=HEX | TYPE=s:STRING]...
 *       One request; CMD is status, set, lock, event or a number; TYPE a number or mode,
 *       audit, audit_records, watch_reads, allowed_mask, allowed_keys, deny_scope, seq,
 *       locked, unknown
 *       (SYSRQMON_ATTR_MAX + 1); HEX the payload bytes ("02", "10000000"). Prints
 *       "result=OK|ENAME reply=0|1 extack=..." (reply=1: a message of the family came back).
 *       Exit 0 when answered.
 *
 *   nlfuzz --resolve
 *       Prints "family=ID version=V" and "group=NAME:ID" lines.
 *
 *   nlfuzz --flip N
 *       N SET_CONFIG requests, each with two settings, alternately
 *       {mode=deny, allowed_keys=h} and {mode=monitor, allowed_keys=""}. Prints
 *       "nlfuzz: flips=N accepted=A" and exits 0 when every one was accepted.
 */
#include "common.h"

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/capability.h>
#include <poll.h>
#include <sys/socket.h>

#include "../../../include/uapi/sysrqmon.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define BUF_MAX (70 * 1024)

static int sock = -1;
static unsigned int seqno = 1000;
static unsigned short family_id;
static int verbose;

/* ---- message building ----------------------------------------------------------------- */

struct msg {
	unsigned char *buf;
	size_t len;
	int expect_answer;	/* a well-formed netlink request with NLM_F_ACK */
	int config_cmd;		/* SET_CONFIG or LOCK: success means a change */
	int noop;		/* processed as no request (an ack 0 is fine) */
	const char *cat;
};

static struct msg m;
static unsigned char rbuf[BUF_MAX * 2];

static void put(const void *p, size_t n)
{
	if (m.len + n > BUF_MAX)
		n = BUF_MAX - m.len;
	memcpy(m.buf + m.len, p, n);
	m.len += n;
}

static void pad4(void)
{
	static const unsigned char z[4];

	put(z, (4 - m.len % 4) % 4);
}

static void msg_begin(unsigned short type, unsigned short flags, unsigned char cmd,
		      unsigned char version, unsigned short reserved)
{
	struct nlmsghdr nlh = {
		.nlmsg_type = type,
		.nlmsg_flags = flags,
		.nlmsg_seq = ++seqno,
	};
	struct genlmsghdr g = { .cmd = cmd, .version = version, .reserved = reserved };

	m.len = 0;
	m.expect_answer = (flags & NLM_F_REQUEST) && (flags & NLM_F_ACK);
	m.config_cmd = cmd == SYSRQMON_CMD_SET_CONFIG || cmd == SYSRQMON_CMD_LOCK;
	m.noop = !(flags & NLM_F_REQUEST);
	put(&nlh, sizeof(nlh));
	put(&g, sizeof(g));
}

/* An attribute with an honest nla_len; returns its offset. */
static size_t attr(unsigned short type, const void *data, size_t len)
{
	struct nlattr a = { .nla_len = (unsigned short)(NLA_HDRLEN + len), .nla_type = type };
	size_t off = m.len;

	put(&a, sizeof(a));
	put(data, len);
	pad4();
	return off;
}

static void attr_u8(unsigned short type, unsigned char v)
{
	attr(type, &v, 1);
}

static void msg_end(void)
{
	((struct nlmsghdr *)m.buf)->nlmsg_len = (unsigned int)m.len;
}

/* ---- socket --------------------------------------------------------------------------- */

static int open_sock(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int one = 1, rcv = 1 << 20;

	sock = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (sock < 0)
		return -1;
	if (bind(sock, (struct sockaddr *)&sa, sizeof(sa)))
		return -1;
	setsockopt(sock, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(sock, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	setsockopt(sock, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	return 0;
}

static int send_msg(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	return sendto(sock, m.buf, m.len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0 ? -errno : 0;
}

struct answer {
	int answered;		/* an NLMSG_ERROR (error or ack) came */
	int error;		/* its errno, 0 for an ack */
	int reply;		/* a message of the family came */
	char extack[256];
	unsigned char *payload;	/* first family message, for --resolve */
	size_t payload_len;
};

static void parse_extack(struct nlmsghdr *h, struct answer *ans)
{
	struct nlmsgerr *e = NLMSG_DATA(h);
	size_t off = sizeof(*e), total = h->nlmsg_len - NLMSG_HDRLEN;
	struct nlattr *a;

	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(h->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	off = NLMSG_ALIGN(off);
	while (off + NLA_HDRLEN <= total) {
		a = (struct nlattr *)((char *)e + off);
		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > total)
			break;
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG)
			snprintf(ans->extack, sizeof(ans->extack), "%.*s",
				 (int)(a->nla_len - NLA_HDRLEN), (char *)a + NLA_HDRLEN);
		off += NLA_ALIGN(a->nla_len);
	}
}

/* Reads what is queued for sequence @seq; waits up to @wait_ms for the first datagram. */
static void collect(unsigned int seq, struct answer *ans, int wait_ms)
{
	struct pollfd p = { .fd = sock, .events = POLLIN };
	struct nlmsghdr *h;
	ssize_t n;
	int len;

	memset(ans, 0, sizeof(*ans));
	for (;;) {
		n = recv(sock, rbuf, sizeof(rbuf), MSG_DONTWAIT);
		if (n < 0 && errno == EAGAIN && wait_ms > 0 && !ans->answered) {
			if (poll(&p, 1, wait_ms) <= 0)
				return;
			wait_ms = 0;
			continue;
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS)
				fprintf(stderr, "nlfuzz: receive buffer overrun\n");
			return;
		}
		len = (int)n;
		for (h = (struct nlmsghdr *)rbuf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);

				ans->answered = 1;
				ans->error = -e->error;
				parse_extack(h, ans);
			} else if (h->nlmsg_type == NLMSG_DONE) {
				ans->answered = 1;
			} else {
				ans->reply = 1;
				if (!ans->payload) {
					ans->payload_len = h->nlmsg_len - NLMSG_HDRLEN;
					ans->payload = malloc(ans->payload_len);
					memcpy(ans->payload, NLMSG_DATA(h), ans->payload_len);
				}
			}
		}
	}
}

/* ---- family lookup -------------------------------------------------------------------- */

static int resolve(const char *name, int print)
{
	struct answer ans;
	unsigned char *p;
	size_t off;
	struct nlattr *a, *g, *ga;

	msg_begin(GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK, CTRL_CMD_GETFAMILY, 1, 0);
	attr(CTRL_ATTR_FAMILY_NAME, name, strlen(name) + 1);
	msg_end();
	if (send_msg())
		return -1;
	collect(seqno, &ans, 1000);
	if (!ans.reply || !ans.payload) {
		errno = ans.error ? ans.error : ENOENT;
		return -1;
	}
	p = ans.payload;
	for (off = GENL_HDRLEN; off + NLA_HDRLEN <= ans.payload_len; off += NLA_ALIGN(a->nla_len)) {
		a = (struct nlattr *)(p + off);
		if (a->nla_len < NLA_HDRLEN)
			break;
		switch (a->nla_type & NLA_TYPE_MASK) {
		case CTRL_ATTR_FAMILY_ID:
			family_id = *(unsigned short *)((char *)a + NLA_HDRLEN);
			break;
		case CTRL_ATTR_VERSION:
			if (print)
				printf("version=%u\n", *(unsigned int *)((char *)a + NLA_HDRLEN));
			break;
		case CTRL_ATTR_MCAST_GROUPS:
			if (!print)
				break;
			/* nest of nests: { CTRL_ATTR_MCAST_GRP_ID, CTRL_ATTR_MCAST_GRP_NAME } */
			for (g = (struct nlattr *)((char *)a + NLA_HDRLEN);
			     (char *)g + NLA_HDRLEN <= (char *)a + a->nla_len && g->nla_len >= NLA_HDRLEN;
			     g = (struct nlattr *)((char *)g + NLA_ALIGN(g->nla_len))) {
				unsigned int id = 0;
				const char *gname = "?";

				for (ga = (struct nlattr *)((char *)g + NLA_HDRLEN);
				     (char *)ga + NLA_HDRLEN <= (char *)g + g->nla_len &&
				     ga->nla_len >= NLA_HDRLEN;
				     ga = (struct nlattr *)((char *)ga + NLA_ALIGN(ga->nla_len))) {
					if ((ga->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_MCAST_GRP_ID)
						id = *(unsigned int *)((char *)ga + NLA_HDRLEN);
					else if ((ga->nla_type & NLA_TYPE_MASK) ==
						 CTRL_ATTR_MCAST_GRP_NAME)
						gname = (char *)ga + NLA_HDRLEN;
				}
				printf("group=%s:%u\n", gname, id);
			}
			break;
		}
	}
	free(ans.payload);
	if (print)
		printf("family=%u\n", family_id);
	return family_id ? 0 : -1;
}

/* ---- random --------------------------------------------------------------------------- */

static unsigned long long rng_state = 1;

static unsigned int rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (unsigned int)((rng_state * 2685821657736338717ull) >> 32);
}

static unsigned int rnd_below(unsigned int n)
{
	return n ? rnd() % n : 0;
}

static void rnd_bytes(unsigned char *p, size_t n)
{
	while (n--)
		*p++ = (unsigned char)rnd();
}

/* An attribute type the family's policy does not take (strict validation rejects it). */
static unsigned short bad_type(void)
{
	static const unsigned short event_only[] = {
		SYSRQMON_ATTR_PAD, SYSRQMON_ATTR_SEQ, SYSRQMON_ATTR_INSTANCE, SYSRQMON_ATTR_KIND,
		SYSRQMON_ATTR_PATH, SYSRQMON_ATTR_PID, SYSRQMON_ATTR_COMM, SYSRQMON_ATTR_VERSION,
		SYSRQMON_ATTR_LOCKED, SYSRQMON_ATTR_COUNTERS, SYSRQMON_ATTR_HOOKS,
	};

	switch (rnd_below(3)) {
	case 0:
		return 0;
	case 1:
		return (unsigned short)(SYSRQMON_ATTR_MAX + 1 + rnd_below(NLA_TYPE_MASK - SYSRQMON_ATTR_MAX));
	default:
		return event_only[rnd_below(sizeof(event_only) / sizeof(event_only[0]))];
	}
}

/* The guard: an unknown attribute first, so no SET_CONFIG/LOCK can pass validation. */
static void guard(void)
{
	unsigned char junk[4];

	rnd_bytes(junk, sizeof(junk));
	attr((unsigned short)(SYSRQMON_ATTR_MAX + 1 + rnd_below(200)), junk, rnd_below(5));
}

static int allow_lock, allow_valid;

static unsigned char pick_cmd(void)
{
	unsigned int r = rnd_below(allow_lock ? 3 : 2);

	return r == 0 ? SYSRQMON_CMD_GET_STATUS : r == 1 ? SYSRQMON_CMD_SET_CONFIG :
	       SYSRQMON_CMD_LOCK;
}

#define REQ (NLM_F_REQUEST | NLM_F_ACK)

static const unsigned short u8_attrs[] = {
	SYSRQMON_ATTR_MODE, SYSRQMON_ATTR_AUDIT, SYSRQMON_ATTR_WATCH_READS,
	SYSRQMON_ATTR_DENY_SCOPE, SYSRQMON_ATTR_AUDIT_RECORDS,
};
#define N_U8_ATTRS	(sizeof(u8_attrs) / sizeof(u8_attrs[0]))

static void invalid_keys_string(char *s, size_t max)
{
	static const char bad[] = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~ \t\x7f\x80\xff";
	size_t n = 1 + rnd_below((unsigned int)max - 1), i;

	for (i = 0; i < n; i++)
		s[i] = rnd_below(2) ? (char)('a' + rnd_below(26)) : bad[rnd_below(sizeof(bad) - 1)];
	s[rnd_below((unsigned int)n)] = bad[rnd_below(sizeof(bad) - 1)];	/* one bad at least */
	s[n] = '\0';
}

static void cat_wrong_type_len(void)
{
	unsigned char junk[16];
	static const size_t bad_len[] = { 0, 2, 3, 4, 8, 16 };
	char keys[40];
	unsigned short t;

	rnd_bytes(junk, sizeof(junk));
	msg_begin(family_id, REQ, SYSRQMON_CMD_SET_CONFIG, SYSRQMON_GENL_VERSION, 0);
	switch (rnd_below(5)) {
	case 0:	/* u8 with a wrong length */
		attr(u8_attrs[rnd_below(N_U8_ATTRS)], junk, bad_len[rnd_below(6)]);
		break;
	case 1:	/* u8 out of range */
		t = u8_attrs[rnd_below(N_U8_ATTRS)];
		attr_u8(t, (unsigned char)((t == SYSRQMON_ATTR_MODE ? 3 : 2) + rnd_below(250)));
		break;
	case 2:	/* s32 with a wrong length */
		attr(SYSRQMON_ATTR_ALLOWED_MASK, junk, (size_t[]){ 0, 1, 2, 3, 8 }[rnd_below(5)]);
		break;
	case 3:	/* string without its NUL, or empty */
		junk[0] = 'a';
		for (t = 1; t < 8; t++)
			junk[t] = (unsigned char)('a' + rnd_below(26));
		attr(SYSRQMON_ATTR_ALLOWED_KEYS, junk, rnd_below(2) ? 0 : 1 + rnd_below(8));
		break;
	default:	/* a NUL-terminated string with characters that are no key */
		invalid_keys_string(keys, 30);
		attr(SYSRQMON_ATTR_ALLOWED_KEYS, keys, strlen(keys) + 1);
		break;
	}
	msg_end();
}

static void cat_truncated(void)
{
	unsigned char cmd = pick_cmd(), junk[8];
	struct nlattr a;
	unsigned int k;

	rnd_bytes(junk, sizeof(junk));
	switch (rnd_below(6)) {
	case 0:	/* nla_len beyond the message */
		msg_begin(family_id, REQ, cmd, SYSRQMON_GENL_VERSION, 0);
		a.nla_type = SYSRQMON_ATTR_MODE;
		a.nla_len = (unsigned short)(NLA_HDRLEN + 4 + rnd_below(100));
		put(&a, sizeof(a));
		put(junk, rnd_below(4));
		msg_end();
		break;
	case 1:	/* nla_len < NLA_HDRLEN */
		msg_begin(family_id, REQ, cmd, SYSRQMON_GENL_VERSION, 0);
		a.nla_type = u8_attrs[rnd_below(N_U8_ATTRS)];
		a.nla_len = (unsigned short)rnd_below(NLA_HDRLEN);
		put(&a, sizeof(a));
		put(junk, 4);
		msg_end();
		break;
	case 2:	/* 1-3 stray bytes after the genl header */
		msg_begin(family_id, REQ, cmd, SYSRQMON_GENL_VERSION, 0);
		put(junk, 1 + rnd_below(3));
		msg_end();
		break;
	case 3:	/* the genl header cut short */
		msg_begin(family_id, REQ, cmd, SYSRQMON_GENL_VERSION, 0);
		m.len = NLMSG_HDRLEN + rnd_below(GENL_HDRLEN);
		msg_end();
		break;
	case 4:	/* nlmsg_len larger than what was sent: the kernel drops it */
		msg_begin(family_id, REQ, cmd, SYSRQMON_GENL_VERSION, 0);
		attr_u8(SYSRQMON_ATTR_AUDIT, 7);
		k = (unsigned int)m.len + 4 + rnd_below(1000);
		((struct nlmsghdr *)m.buf)->nlmsg_len = k;
		m.expect_answer = 0;
		return;
	default:	/* nlmsg_len below the netlink header: dropped as well */
		msg_begin(family_id, REQ, cmd, SYSRQMON_GENL_VERSION, 0);
		((struct nlmsghdr *)m.buf)->nlmsg_len = rnd_below(NLMSG_HDRLEN);
		m.len = NLMSG_HDRLEN;
		m.expect_answer = 0;
		return;
	}
	/* still a SET_CONFIG/LOCK? Only the broken attribute makes it invalid: fine, it is. */
}

static void cat_unknown_cmd(void)
{
	unsigned int r = rnd_below(4);
	unsigned char cmd = r == 0 ? 0 : r == 1 ? SYSRQMON_CMD_EVENT :
			    (unsigned char)(SYSRQMON_CMD_MAX + 1 + rnd_below(255 - SYSRQMON_CMD_MAX));

	msg_begin(family_id, REQ, cmd, SYSRQMON_GENL_VERSION, 0);
	if (rnd_below(2))
		attr_u8(SYSRQMON_ATTR_MODE, SYSRQMON_MODE_DENY);
	msg_end();
}

static void cat_unknown_attr(void)
{
	unsigned char cmd = pick_cmd(), junk[32];
	unsigned int n = 1 + rnd_below(3), i;

	rnd_bytes(junk, sizeof(junk));
	msg_begin(family_id, REQ, cmd, SYSRQMON_GENL_VERSION, 0);
	for (i = 0; i < n; i++)
		attr(bad_type(), junk, rnd_below(sizeof(junk)));
	/* a valid-looking setting after it must not be applied either */
	if (rnd_below(2))
		attr_u8(SYSRQMON_ATTR_AUDIT, (unsigned char)rnd_below(2));
	msg_end();
}

static void cat_oversized(void)
{
	static char big[BUF_MAX];
	size_t n;
	unsigned int i;

	switch (rnd_below(3)) {
	case 0:	/* allowed_keys longer than the policy's 62 bytes, valid characters */
		n = 63 + rnd_below(4000);
		for (i = 0; i < n; i++)
			big[i] = (char)('a' + rnd_below(26));
		big[n] = '\0';
		msg_begin(family_id, REQ, SYSRQMON_CMD_SET_CONFIG, SYSRQMON_GENL_VERSION, 0);
		attr(SYSRQMON_ATTR_ALLOWED_KEYS, big, n + 1);
		break;
	case 1:	/* a 60 KB unknown attribute */
		n = 30000 + rnd_below(30000);
		rnd_bytes((unsigned char *)big, n);
		msg_begin(family_id, REQ, pick_cmd(), SYSRQMON_GENL_VERSION, 0);
		attr(bad_type(), big, n);
		break;
	default:	/* thousands of out-of-range settings */
		msg_begin(family_id, REQ, SYSRQMON_CMD_SET_CONFIG, SYSRQMON_GENL_VERSION, 0);
		n = 1000 + rnd_below(6000);
		for (i = 0; i < n; i++)
			attr_u8(SYSRQMON_ATTR_MODE, (unsigned char)(3 + rnd_below(250)));
		break;
	}
	msg_end();
}

static void nest(unsigned int depth)
{
	unsigned char junk[24];
	size_t off = m.len;
	struct nlattr a = { .nla_type = (unsigned short)(NLA_F_NESTED | (rnd_below(2) ?
			    u8_attrs[rnd_below(N_U8_ATTRS)] : rnd_below(64))) };

	put(&a, sizeof(a));
	if (depth)
		nest(depth - 1);
	rnd_bytes(junk, sizeof(junk));
	attr((unsigned short)rnd(), junk, rnd_below(sizeof(junk)));
	((struct nlattr *)(m.buf + off))->nla_len = (unsigned short)(m.len - off);
}

static void cat_nested(void)
{
	unsigned char cmd = pick_cmd();

	msg_begin(family_id, REQ, cmd, SYSRQMON_GENL_VERSION, 0);
	if (m.config_cmd)
		guard();
	nest(rnd_below(20));
	msg_end();
}

static void cat_random(void)
{
	unsigned char junk[512];
	unsigned char cmd = (unsigned char)rnd();
	size_t n = rnd_below(sizeof(junk));

	if (cmd == SYSRQMON_CMD_LOCK && !allow_lock)
		cmd = SYSRQMON_CMD_SET_CONFIG;
	msg_begin(family_id, REQ, cmd, (unsigned char)rnd(), (unsigned short)rnd());
	if (m.config_cmd)
		guard();
	rnd_bytes(junk, n);
	put(junk, n);
	msg_end();
}

static void cat_bad_genlhdr(void)
{
	static const unsigned char versions[] = { 0, 2, 3, 0x7f, 0xff };
	unsigned char version = rnd_below(2) ? versions[rnd_below(5)] : SYSRQMON_GENL_VERSION;
	unsigned short reserved = version == SYSRQMON_GENL_VERSION ? 1 + rnd_below(0xffff) :
				  (unsigned short)rnd_below(2);

	switch (rnd_below(3)) {
	case 0:	/* a status request: answered (status or error) */
		msg_begin(family_id, REQ, SYSRQMON_CMD_GET_STATUS, version, reserved);
		break;
	case 1:
		msg_begin(family_id, REQ, SYSRQMON_CMD_SET_CONFIG, version, reserved);
		attr_u8(SYSRQMON_ATTR_MODE, (unsigned char)(3 + rnd_below(250)));
		break;
	default:
		msg_begin(family_id, REQ, (unsigned char)(SYSRQMON_CMD_MAX + 1 + rnd_below(100)),
			  version, reserved);
		break;
	}
	msg_end();
}

static void cat_bad_flags(void)
{
	if (rnd_below(2)) {
		msg_begin(family_id, REQ | NLM_F_DUMP, SYSRQMON_CMD_GET_STATUS,
			  SYSRQMON_GENL_VERSION, 0);
	} else {
		/* not a request: netlink acks it without looking further */
		msg_begin(family_id, NLM_F_ACK, SYSRQMON_CMD_SET_CONFIG, SYSRQMON_GENL_VERSION, 0);
		attr_u8(SYSRQMON_ATTR_MODE, (unsigned char)(3 + rnd_below(250)));
		m.noop = 1;
		m.expect_answer = 1;
	}
	msg_end();
}

static void cat_valid_config(void)
{
	if (rnd_below(4) == 0) {
		msg_begin(family_id, REQ, SYSRQMON_CMD_LOCK, SYSRQMON_GENL_VERSION, 0);
	} else {
		msg_begin(family_id, REQ, SYSRQMON_CMD_SET_CONFIG, SYSRQMON_GENL_VERSION, 0);
		switch (rnd_below(4)) {
		case 0:
			attr_u8(SYSRQMON_ATTR_MODE, (unsigned char)rnd_below(3));
			break;
		case 1:
			attr_u8(SYSRQMON_ATTR_AUDIT, (unsigned char)rnd_below(2));
			break;
		case 2:
			attr(SYSRQMON_ATTR_ALLOWED_KEYS, "bw", 3);
			break;
		default: {
			int v = (int)rnd_below(512);

			attr(SYSRQMON_ATTR_ALLOWED_MASK, &v, 4);
			break;
		}
		}
	}
	msg_end();
}

static const struct {
	const char *name;
	void (*fn)(void);
} cats[] = {
	{ "wrong-type-len", cat_wrong_type_len },
	{ "truncated", cat_truncated },
	{ "unknown-cmd", cat_unknown_cmd },
	{ "unknown-attr", cat_unknown_attr },
	{ "oversized", cat_oversized },
	{ "nested", cat_nested },
	{ "random", cat_random },
	{ "bad-genlhdr", cat_bad_genlhdr },
	{ "bad-flags", cat_bad_flags },
	{ "valid-config", cat_valid_config },
};

/* ---- counting ------------------------------------------------------------------------- */

#define NERR 256
static unsigned long err_count[NERR];

struct extack_count {
	char msg[256];
	unsigned long n;
};
static struct extack_count extacks[32];

static void count_extack(const char *s)
{
	size_t i;

	if (!*s)
		return;
	for (i = 0; i < 32; i++) {
		if (!extacks[i].n) {
			snprintf(extacks[i].msg, sizeof(extacks[i].msg), "%s", s);
			extacks[i].n = 1;
			return;
		}
		if (!strcmp(extacks[i].msg, s)) {
			extacks[i].n++;
			return;
		}
	}
}

static int have_cap(int cap)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return 0;
	return !!(data[cap / 32].effective & (1u << (cap % 32)));
}

static int status_works(void)
{
	struct answer ans;

	msg_begin(family_id, REQ, SYSRQMON_CMD_GET_STATUS, SYSRQMON_GENL_VERSION, 0);
	msg_end();
	if (send_msg())
		return 0;
	collect(seqno, &ans, 2000);
	free(ans.payload);
	return ans.reply && ans.answered && !ans.error;
}

static int fuzz(unsigned long count)
{
	unsigned long sent = 0, answered = 0, ignored = 0, unanswered = 0, accepted = 0;
	unsigned long replies = 0, sendfail = 0, i;
	unsigned int ncat = allow_valid ? 10 : 9, c;
	struct answer ans;
	size_t k;
	int err, ok;

	for (i = 0; i < count; i++) {
		c = rnd_below(ncat);
		cats[c].fn();
		m.cat = cats[c].name;
		err = send_msg();
		sent++;
		if (err) {
			/* refused by the socket layer itself (e.g. too long): an answer too */
			sendfail++;
			answered++;
			err_count[-err < NERR ? -err : 0]++;
			continue;
		}
		collect(seqno, &ans, 0);
		free(ans.payload);
		replies += ans.reply;
		if (ans.answered) {
			answered++;
			err_count[ans.error < NERR && ans.error >= 0 ? ans.error : 0]++;
			count_extack(ans.extack);
			if (!ans.error && m.config_cmd && !m.noop) {
				accepted++;
				fprintf(stderr, "nlfuzz: #%lu (%s) cmd %u accepted\n", i, m.cat,
					m.buf[NLMSG_HDRLEN]);
			}
		} else if (m.expect_answer) {
			unanswered++;
			if (unanswered <= 5)
				fprintf(stderr, "nlfuzz: #%lu (%s, %zu bytes) got no answer\n", i,
					m.cat, m.len);
		} else {
			ignored++;
		}
		if (verbose)
			fprintf(stderr, "nlfuzz: #%lu %s len=%zu -> %s%s %s\n", i, m.cat, m.len,
				ans.answered ? "" : "no answer",
				ans.answered ? (ans.error ? errname(ans.error) : "OK") : "",
				ans.extack);
	}
	ok = status_works();
	printf("nlfuzz: sent=%lu answered=%lu ignored=%lu unanswered=%lu accepted=%lu "
	       "replies=%lu sendfail=%lu status-after=%s\n", sent, answered, ignored, unanswered,
	       accepted, replies, sendfail, ok ? "ok" : "FAILED");
	printf("nlfuzz: errors:");
	for (k = 0; k < NERR; k++)
		if (err_count[k])
			printf(" %s=%lu", k ? errname((int)k) : "OK", err_count[k]);
	printf("\nnlfuzz: extack:");
	for (k = 0; k < 32 && extacks[k].n; k++)
		printf(" \"%s\"x%lu", extacks[k].msg, extacks[k].n);
	printf("\n");
	return unanswered || accepted || !ok ? 1 : 0;
}

/* ---- one request ---------------------------------------------------------------------- */

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static const struct {
	const char *name;
	unsigned short type;
} attr_names[] = {
	{ "mode", SYSRQMON_ATTR_MODE }, { "audit", SYSRQMON_ATTR_AUDIT },
	{ "audit_records", SYSRQMON_ATTR_AUDIT_RECORDS },
	{ "watch_reads", SYSRQMON_ATTR_WATCH_READS }, { "allowed_mask", SYSRQMON_ATTR_ALLOWED_MASK },
	{ "allowed_keys", SYSRQMON_ATTR_ALLOWED_KEYS }, { "deny_scope", SYSRQMON_ATTR_DENY_SCOPE },
	{ "seq", SYSRQMON_ATTR_SEQ }, { "locked", SYSRQMON_ATTR_LOCKED },
	{ "unknown", SYSRQMON_ATTR_MAX + 1 },
};

/* An attribute type by name (see attr_names) or number; *end at the '='. */
static unsigned short attr_type(const char *s, char **end)
{
	size_t i, n = strcspn(s, "=");

	for (i = 0; i < sizeof(attr_names) / sizeof(attr_names[0]); i++)
		if (strlen(attr_names[i].name) == n && !strncmp(s, attr_names[i].name, n)) {
			*end = (char *)s + n;
			return attr_names[i].type;
		}
	return (unsigned short)strtoul(s, end, 0);
}

static int send_one(int argc, char **argv, int i, const char *cmdname)
{
	unsigned char cmd, version = SYSRQMON_GENL_VERSION, data[4096];
	unsigned short reserved = 0, flags = REQ;
	struct answer ans;
	int j, n;

	if (!strcmp(cmdname, "status"))
		cmd = SYSRQMON_CMD_GET_STATUS;
	else if (!strcmp(cmdname, "set"))
		cmd = SYSRQMON_CMD_SET_CONFIG;
	else if (!strcmp(cmdname, "lock"))
		cmd = SYSRQMON_CMD_LOCK;
	else if (!strcmp(cmdname, "event"))
		cmd = SYSRQMON_CMD_EVENT;
	else
		cmd = (unsigned char)atoi(cmdname);
	for (j = i; j < argc; j++) {
		if (!strcmp(argv[j], "--version") && j + 1 < argc)
			version = (unsigned char)strtoul(argv[++j], NULL, 0);
		else if (!strcmp(argv[j], "--reserved") && j + 1 < argc)
			reserved = (unsigned short)strtoul(argv[++j], NULL, 0);
		else if (!strcmp(argv[j], "--flags") && j + 1 < argc) {
			j++;
			if (!strcmp(argv[j], "dump"))
				flags |= NLM_F_DUMP;
			else if (!strcmp(argv[j], "norequest"))
				flags &= (unsigned short)~NLM_F_REQUEST;
		}
	}
	msg_begin(family_id, flags, cmd, version, reserved);
	for (j = i; j < argc; j++) {
		char *v, *eq;
		unsigned short type;

		if (strcmp(argv[j], "--attr") || j + 1 >= argc)
			continue;
		v = argv[++j];
		type = attr_type(v, &eq);
		if (*eq != '=') {
			fprintf(stderr, "nlfuzz: --attr TYPE=HEX or TYPE=s:STRING\n");
			return 2;
		}
		eq++;
		if (!strncmp(eq, "s:", 2)) {
			attr(type, eq + 2, strlen(eq + 2) + 1);
			continue;
		}
		for (n = 0; eq[0] && eq[1] && n < (int)sizeof(data); eq += 2)
			data[n++] = (unsigned char)(hexval(eq[0]) * 16 + hexval(eq[1]));
		attr(type, data, (size_t)n);
	}
	msg_end();
	if (send_msg()) {
		printf("result=%s reply=0 extack=(sendmsg)\n", errname(errno));
		return 0;
	}
	collect(seqno, &ans, 1000);
	printf("result=%s reply=%d extack=%s\n", !ans.answered ? "none" :
	       ans.error ? errname(ans.error) : "OK", ans.reply, ans.extack[0] ? ans.extack : "-");
	return ans.answered ? 0 : 1;
}

static int flip(unsigned long n)
{
	struct answer ans;
	unsigned long i, accepted = 0;

	for (i = 0; i < n; i++) {
		msg_begin(family_id, REQ, SYSRQMON_CMD_SET_CONFIG, SYSRQMON_GENL_VERSION, 0);
		attr_u8(SYSRQMON_ATTR_MODE, i % 2 ? SYSRQMON_MODE_MONITOR : SYSRQMON_MODE_DENY);
		attr(SYSRQMON_ATTR_ALLOWED_KEYS, i % 2 ? "" : "h", i % 2 ? 1 : 2);
		msg_end();
		if (send_msg())
			break;
		collect(seqno, &ans, 1000);
		accepted += ans.answered && !ans.error;
	}
	printf("nlfuzz: flips=%lu accepted=%lu\n", n, accepted);
	return accepted == n ? 0 : 1;
}

int main(int argc, char **argv)
{
	const char *family = SYSRQMON_GENL_NAME, *send_cmd = NULL;
	unsigned long count = 2000, flips = 0;
	int i, do_resolve = 0;

	m.buf = malloc(BUF_MAX);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--count") && i + 1 < argc)
			count = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			rng_state = strtoull(argv[++i], NULL, 0) * 0x9e3779b97f4a7c15ull + 1;
		else if (!strcmp(argv[i], "--family") && i + 1 < argc)
			family = argv[++i];
		else if (!strcmp(argv[i], "--allow-valid"))
			allow_valid = allow_lock = 1;
		else if (!strcmp(argv[i], "--allow-lock"))
			allow_lock = 1;
		else if (!strcmp(argv[i], "--verbose"))
			verbose = 1;
		else if (!strcmp(argv[i], "--resolve"))
			do_resolve = 1;
		else if (!strcmp(argv[i], "--flip") && i + 1 < argc)
			flips = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--send") && i + 1 < argc) {
			send_cmd = argv[++i];
			break;
		} else {
			fprintf(stderr, "usage: nlfuzz [--count N] [--seed S] [--allow-valid] "
				"[--allow-lock] [--family NAME] [--verbose] | --resolve | "
				"--send CMD [...] | --flip N\n");
			return 2;
		}
	}
	if (open_sock()) {
		fprintf(stderr, "nlfuzz: socket: %s\n", strerror(errno));
		return 1;
	}
	if (resolve(family, do_resolve)) {
		fprintf(stderr, "nlfuzz: family %s: %s\n", family, strerror(errno));
		return 3;
	}
	if (do_resolve)
		return 0;
	if (send_cmd)
		return send_one(argc, argv, i + 1, send_cmd);
	if (flips)
		return flip(flips);
	if (allow_valid && have_cap(CAP_SYS_ADMIN)) {
		fprintf(stderr, "nlfuzz: --allow-valid with CAP_SYS_ADMIN would change the "
			"configuration; refusing\n");
		return 2;
	}
	return fuzz(count);
}

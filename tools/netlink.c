// SPDX-License-Identifier: GPL-2.0
/*
 * sysrqmonctl: the generic netlink side (libnl-genl-3).
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "netlink.h"
#include "sysrqmon_fields.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK		270
#endif

/* Receive buffer asked for the events socket (the kernel may cap it). */
#define SMON_RCVBUF		(32 << 20)
/* Read buffer of the shipping consumer: more than any datagram it gets. */
#define SMON_SHIP_BUF		(64 << 10)
/* How long a request waits for its answer. */
#define SMON_REPLY_TIMEOUT_S	5

/* The event's policy, from the field table (event_policy_init()). */
static struct nla_policy event_policy[SYSRQMON_ATTR_MAX + 1];
/* The field each attribute carries, SYSRQMON_F_COUNT for none. */
static unsigned char attr_field[SYSRQMON_ATTR_MAX + 1];

static void event_policy_init(void)
{
	const struct sysrqmon_field_desc *f;
	unsigned int i;

	if (event_policy[SYSRQMON_ATTR_SEQ].type)
		return;
	memset(attr_field, SYSRQMON_F_COUNT, sizeof(attr_field));
	for (i = 0; i < SYSRQMON_F_COUNT; i++) {
		f = &sysrqmon_fields[i];
		if (!f->attr || !(f->flags & SYSRQMON_OUT_NETLINK))
			continue;
		attr_field[f->attr] = (unsigned char)i;
		switch (f->type) {
		case SYSRQMON_FT_STRING:
			event_policy[f->attr].type = NLA_STRING;
			event_policy[f->attr].maxlen = SYSRQMON_STR_MAX;
			break;
		case SYSRQMON_FT_U64:
			event_policy[f->attr].type = NLA_U64;
			break;
		case SYSRQMON_FT_U32:
		case SYSRQMON_FT_S32:
		case SYSRQMON_FT_HEX32:
			event_policy[f->attr].type = NLA_U32;
			break;
		default:
			event_policy[f->attr].type = NLA_U8;
			break;
		}
	}
}

static const struct nla_policy status_policy[SYSRQMON_ATTR_MAX + 1] = {
	[SYSRQMON_ATTR_INSTANCE]	= { .type = NLA_U64 },
	[SYSRQMON_ATTR_VERSION]		= { .type = NLA_STRING,
					    .maxlen = SYSRQMON_STR_MAX },
	[SYSRQMON_ATTR_MODE]		= { .type = NLA_U8 },
	[SYSRQMON_ATTR_AUDIT]		= { .type = NLA_U8 },
	[SYSRQMON_ATTR_AUDIT_RECORDS]	= { .type = NLA_U8 },
	[SYSRQMON_ATTR_WATCH_READS]	= { .type = NLA_U8 },
	[SYSRQMON_ATTR_ALLOWED_MASK]	= { .type = NLA_U32 },
	[SYSRQMON_ATTR_ALLOWED_KEYS]	= { .type = NLA_STRING,
					    .maxlen = SYSRQMON_STR_MAX },
	[SYSRQMON_ATTR_DENY_SCOPE]	= { .type = NLA_U8 },
	[SYSRQMON_ATTR_LOCKED]		= { .type = NLA_U8 },
	[SYSRQMON_ATTR_BUFFER_SIZE]	= { .type = NLA_U32 },
	[SYSRQMON_ATTR_BUFFER_RESERVED]	= { .type = NLA_U32 },
	[SYSRQMON_ATTR_SHIPPING]	= { .type = NLA_U8 },
	[SYSRQMON_ATTR_VERIFY_MS]	= { .type = NLA_U32 },
	[SYSRQMON_ATTR_COUNTERS]	= { .type = NLA_NESTED },
	[SYSRQMON_ATTR_KIND_COUNTS]	= { .type = NLA_NESTED },
	[SYSRQMON_ATTR_KIND_DENIED]	= { .type = NLA_NESTED },
	[SYSRQMON_ATTR_HOOKS]		= { .type = NLA_NESTED },
};

static const struct nla_policy counter_policy[SYSRQMON_COUNTER_MAX + 1] = {
	[SYSRQMON_COUNTER_GENERATED]	= { .type = NLA_U64 },
	[SYSRQMON_COUNTER_SENT]		= { .type = NLA_U64 },
	[SYSRQMON_COUNTER_NO_LISTENER]	= { .type = NLA_U64 },
	[SYSRQMON_COUNTER_DROPPED]	= { .type = NLA_U64 },
	[SYSRQMON_COUNTER_QUEUED]	= { .type = NLA_U64 },
	[SYSRQMON_COUNTER_SUPPRESSED]	= { .type = NLA_U64 },
	[SYSRQMON_COUNTER_UNDECIDED]	= { .type = NLA_U64 },
	[SYSRQMON_COUNTER_DRIFT]	= { .type = NLA_U64 },
	[SYSRQMON_COUNTER_TAMPER]	= { .type = NLA_U64 },
	[SYSRQMON_COUNTER_RESTORED]	= { .type = NLA_U64 },
	[SYSRQMON_COUNTER_SHIPPED]	= { .type = NLA_U64 },
	[SYSRQMON_COUNTER_DROPPED_CRITICAL] = { .type = NLA_U64 },
};

/* GET_KEYS: the reply and each SYSRQMON_ATTR_KEY_ENTRY. */
static const struct nla_policy keys_policy[SYSRQMON_ATTR_MAX + 1] = {
	[SYSRQMON_ATTR_KEY_ENTRY]	= { .type = NLA_NESTED },
};

static const struct nla_policy key_entry_policy[SYSRQMON_ATTR_MAX + 1] = {
	[SYSRQMON_ATTR_KEY]		= { .type = NLA_U8 },
	[SYSRQMON_ATTR_HELP]		= { .type = NLA_STRING,
					    .maxlen = SYSRQMON_STR_MAX },
	[SYSRQMON_ATTR_HANDLER]		= { .type = NLA_STRING,
					    .maxlen = SYSRQMON_STR_MAX },
	[SYSRQMON_ATTR_MODULE]		= { .type = NLA_STRING,
					    .maxlen = SYSRQMON_STR_MAX },
	[SYSRQMON_ATTR_CHANGED]		= { .type = NLA_U8 },
};

static const struct nla_policy hook_policy[SYSRQMON_HOOK_ATTR_MAX + 1] = {
	[SYSRQMON_HOOK_ATTR_NAME]	= { .type = NLA_STRING,
					    .maxlen = SYSRQMON_STR_MAX },
	[SYSRQMON_HOOK_ATTR_METHOD]	= { .type = NLA_U8 },
	[SYSRQMON_HOOK_ATTR_ENFORCING]	= { .type = NLA_U8 },
	[SYSRQMON_HOOK_ATTR_MISSED]	= { .type = NLA_U64 },
};

static const struct nla_policy extack_policy[NLMSGERR_ATTR_MAX + 1] = {
	[NLMSGERR_ATTR_MSG]		= { .type = NLA_STRING },
};

/* libnl error code (negative) to a negative errno. */
static int nl_to_errno(int err)
{
	switch (err < 0 ? -err : err) {
	case 0:
		return 0;
	case NLE_INTR:
		return -EINTR;
	case NLE_BAD_SOCK:
		return -EBADF;
	case NLE_AGAIN:
		return -EAGAIN;
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_EXIST:
		return -EEXIST;
	case NLE_INVAL:
		return -EINVAL;
	case NLE_RANGE:
		return -ERANGE;
	case NLE_MSGSIZE:
		return -EMSGSIZE;
	case NLE_OPNOTSUPP:
		return -EOPNOTSUPP;
	case NLE_AF_NOSUPPORT:
		return -EAFNOSUPPORT;
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_BUSY:
		return -EBUSY;
	case NLE_NOACCESS:
		return -EACCES;
	case NLE_PERM:
		return -EPERM;
	case NLE_NODEV:
		return -ENODEV;
	case NLE_PROTO_MISMATCH:
		return -EPROTONOSUPPORT;
	case NLE_SEQ_MISMATCH:
	case NLE_MSG_OVERFLOW:
	case NLE_MSG_TRUNC:
	case NLE_MSG_TOOSHORT:
	case NLE_MSGTYPE_NOSUPPORT:
	case NLE_ATTRSIZE:
	case NLE_MISSING_ATTR:
		return -EPROTO;
	default:
		return -EIO;
	}
}

static void get_str(const struct nlattr *a, struct smon_str *s)
{
	s->s = nla_data(a);
	s->len = strnlen(s->s, (size_t)nla_len(a));
}

static size_t copy_str(const struct nlattr *a, char *dst, size_t size)
{
	size_t n = strnlen(nla_data(a), (size_t)nla_len(a));

	if (n >= size)
		n = size - 1;
	memcpy(dst, nla_data(a), n);
	dst[n] = '\0';
	return n;
}

int smon_parse_event(struct nlmsghdr *nlh, struct smon_event *ev)
{
	struct nlattr *tb[SYSRQMON_ATTR_MAX + 1];
	struct smon_str str;
	unsigned int i, field;

	event_policy_init();
	memset(ev, 0, sizeof(*ev));
	if (genlmsg_parse(nlh, 0, tb, SYSRQMON_ATTR_MAX, event_policy) < 0)
		return -EBADMSG;
	for (i = 0; i <= SYSRQMON_ATTR_MAX; i++) {
		const struct nlattr *a = tb[i];

		field = attr_field[i];
		if (!a || field >= SYSRQMON_F_COUNT)
			continue;
		ev->present |= SMON_BIT(i);
		switch (event_policy[i].type) {
		case NLA_STRING:
			get_str(a, &str);
			smon_field_set_str(ev, field, str.s, str.len);
			break;
		case NLA_U64:
			smon_field_set_number(ev, field, nla_get_u64(tb[i]));
			break;
		case NLA_U32:
			smon_field_set_number(ev, field, nla_get_u32(tb[i]));
			break;
		default:
			smon_field_set_number(ev, field, nla_get_u8(tb[i]));
			break;
		}
	}
	return 0;
}

static int parse_counters(struct nlattr *nest, struct smon_status *st)
{
	struct nlattr *tb[SYSRQMON_COUNTER_MAX + 1];
	unsigned int i;

	if (nla_parse_nested(tb, SYSRQMON_COUNTER_MAX, nest, counter_policy))
		return -EBADMSG;
	for (i = 0; i <= SYSRQMON_COUNTER_MAX; i++) {
		if (!tb[i] || counter_policy[i].type != NLA_U64)
			continue;
		st->counters[i] = nla_get_u64(tb[i]);
		st->counters_present |= 1u << i;
	}
	return 0;
}

static void parse_kind_counts(struct nlattr *nest, uint64_t *counts,
			      uint32_t *present)
{
	struct nlattr *pos;
	int rem, kind;

	/* The type is the kind; short attributes (padding) carry no count. */
	nla_for_each_nested(pos, nest, rem) {
		kind = nla_type(pos);
		if (kind <= SYSRQMON_KIND_NONE || kind > SYSRQMON_KIND_MAX ||
		    nla_len(pos) < (int)sizeof(uint64_t))
			continue;
		counts[kind] = nla_get_u64(pos);
		*present |= 1u << kind;
	}
}

static int parse_hooks(struct nlattr *nest, struct smon_status *st)
{
	struct nlattr *tb[SYSRQMON_HOOK_ATTR_MAX + 1];
	struct smon_hook *hk;
	struct nlattr *pos;
	int rem;

	nla_for_each_nested(pos, nest, rem) {
		if (nla_type(pos) != SYSRQMON_ATTR_HOOK)
			continue;
		if (st->nr_hooks >= SMON_MAX_HOOKS) {
			st->hooks_truncated = true;
			break;
		}
		if (nla_parse_nested(tb, SYSRQMON_HOOK_ATTR_MAX, pos,
				     hook_policy))
			return -EBADMSG;
		hk = &st->hooks[st->nr_hooks++];
		memset(hk, 0, sizeof(*hk));
		if (tb[SYSRQMON_HOOK_ATTR_NAME]) {
			hk->name_len = copy_str(tb[SYSRQMON_HOOK_ATTR_NAME],
						hk->name, sizeof(hk->name));
			hk->present |= SMON_BIT(SYSRQMON_HOOK_ATTR_NAME);
		}
		if (tb[SYSRQMON_HOOK_ATTR_METHOD]) {
			hk->method = nla_get_u8(tb[SYSRQMON_HOOK_ATTR_METHOD]);
			hk->present |= SMON_BIT(SYSRQMON_HOOK_ATTR_METHOD);
		}
		if (tb[SYSRQMON_HOOK_ATTR_ENFORCING]) {
			hk->enforcing =
				nla_get_u8(tb[SYSRQMON_HOOK_ATTR_ENFORCING]);
			hk->present |= SMON_BIT(SYSRQMON_HOOK_ATTR_ENFORCING);
		}
		if (tb[SYSRQMON_HOOK_ATTR_MISSED]) {
			hk->missed = nla_get_u64(tb[SYSRQMON_HOOK_ATTR_MISSED]);
			hk->present |= SMON_BIT(SYSRQMON_HOOK_ATTR_MISSED);
		}
	}
	return 0;
}

int smon_parse_status(struct nlmsghdr *nlh, struct smon_status *st)
{
	struct nlattr *tb[SYSRQMON_ATTR_MAX + 1];
	struct nlattr *a;
	unsigned int i;
	int err;

	memset(st, 0, sizeof(*st));
	if (genlmsg_parse(nlh, 0, tb, SYSRQMON_ATTR_MAX, status_policy) < 0)
		return -EBADMSG;

	a = tb[SYSRQMON_ATTR_VERSION];
	if (a)
		st->version_len = copy_str(a, st->version, sizeof(st->version));
	a = tb[SYSRQMON_ATTR_INSTANCE];
	if (a)
		st->instance = nla_get_u64(a);
	a = tb[SYSRQMON_ATTR_MODE];
	if (a)
		st->mode = nla_get_u8(a);
	a = tb[SYSRQMON_ATTR_AUDIT];
	if (a)
		st->audit = nla_get_u8(a);
	a = tb[SYSRQMON_ATTR_AUDIT_RECORDS];
	if (a)
		st->audit_records = nla_get_u8(a);
	a = tb[SYSRQMON_ATTR_WATCH_READS];
	if (a)
		st->watch_reads = nla_get_u8(a);
	a = tb[SYSRQMON_ATTR_ALLOWED_MASK];
	if (a)
		st->allowed_mask = nla_get_s32(a);
	a = tb[SYSRQMON_ATTR_ALLOWED_KEYS];
	if (a)
		st->allowed_keys_len = copy_str(a, st->allowed_keys,
						sizeof(st->allowed_keys));
	a = tb[SYSRQMON_ATTR_DENY_SCOPE];
	if (a)
		st->deny_scope = nla_get_u8(a);
	a = tb[SYSRQMON_ATTR_LOCKED];
	if (a)
		st->locked = nla_get_u8(a);
	a = tb[SYSRQMON_ATTR_BUFFER_SIZE];
	if (a)
		st->buffer_size = nla_get_u32(a);
	a = tb[SYSRQMON_ATTR_BUFFER_RESERVED];
	if (a)
		st->buffer_reserved = nla_get_u32(a);
	a = tb[SYSRQMON_ATTR_SHIPPING];
	if (a)
		st->shipping = nla_get_u8(a);
	a = tb[SYSRQMON_ATTR_VERIFY_MS];
	if (a)
		st->verify_ms = nla_get_u32(a);
	a = tb[SYSRQMON_ATTR_COUNTERS];
	if (a) {
		err = parse_counters(a, st);
		if (err)
			return err;
	}
	a = tb[SYSRQMON_ATTR_KIND_COUNTS];
	if (a)
		parse_kind_counts(a, st->kind_counts, &st->kinds_present);
	a = tb[SYSRQMON_ATTR_KIND_DENIED];
	if (a)
		parse_kind_counts(a, st->kind_denied, &st->denied_present);
	a = tb[SYSRQMON_ATTR_HOOKS];
	if (a) {
		err = parse_hooks(a, st);
		if (err)
			return err;
	}
	for (i = 0; i <= SYSRQMON_ATTR_MAX; i++)
		if (tb[i] && status_policy[i].type != NLA_UNSPEC)
			st->present |= SMON_BIT(i);
	return 0;
}

static int parse_key_entry(struct nlattr *nest, struct smon_key_entry *e)
{
	struct nlattr *tb[SYSRQMON_ATTR_MAX + 1];
	unsigned int i;

	memset(e, 0, sizeof(*e));
	if (nla_parse_nested(tb, SYSRQMON_ATTR_MAX, nest, key_entry_policy))
		return -EBADMSG;
	if (tb[SYSRQMON_ATTR_KEY])
		e->key = nla_get_u8(tb[SYSRQMON_ATTR_KEY]);
	if (tb[SYSRQMON_ATTR_CHANGED])
		e->changed = nla_get_u8(tb[SYSRQMON_ATTR_CHANGED]);
	if (tb[SYSRQMON_ATTR_HELP])
		e->help_len = copy_str(tb[SYSRQMON_ATTR_HELP], e->help,
				       sizeof(e->help));
	if (tb[SYSRQMON_ATTR_HANDLER])
		e->handler_len = copy_str(tb[SYSRQMON_ATTR_HANDLER],
					  e->handler, sizeof(e->handler));
	if (tb[SYSRQMON_ATTR_MODULE])
		e->module_len = copy_str(tb[SYSRQMON_ATTR_MODULE], e->module,
					 sizeof(e->module));
	for (i = 0; i <= SYSRQMON_ATTR_MAX; i++)
		if (tb[i] && key_entry_policy[i].type != NLA_UNSPEC)
			e->present |= SMON_BIT(i);
	return 0;
}

int smon_parse_keys(struct nlmsghdr *nlh, struct smon_keys *keys)
{
	struct nlattr *tb[SYSRQMON_ATTR_MAX + 1];
	struct nlattr *pos;
	int rem, err;

	memset(keys, 0, sizeof(*keys));
	/* Validates the types; the entries are walked in order below. */
	if (genlmsg_parse(nlh, 0, tb, SYSRQMON_ATTR_MAX, keys_policy) < 0)
		return -EBADMSG;
	nla_for_each_attr(pos, genlmsg_attrdata(nlmsg_data(nlh), 0),
			  genlmsg_attrlen(nlmsg_data(nlh), 0), rem) {
		if (nla_type(pos) != SYSRQMON_ATTR_KEY_ENTRY)
			continue;
		if (keys->nr >= SMON_MAX_KEYS) {
			keys->truncated = true;
			break;
		}
		err = parse_key_entry(pos, &keys->entries[keys->nr]);
		if (err)
			return err;
		keys->nr++;
	}
	return 0;
}

/* One request and its answer. */
struct smon_reply {
	struct smon_nl *nl;
	bool reply_ends;	/* no ack is asked for: the answer ends it */
	bool done;
	int error;		/* errno of a refusal, positive */
	int parse_error;	/* negative errno */
	bool got_reply;
	int (*parse)(struct nlmsghdr *nlh, void *arg);
	void *arg;
};

static int reply_valid(struct nl_msg *msg, void *arg)
{
	struct smon_reply *r = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	int err;

	if (nlh->nlmsg_type != r->nl->family || !r->parse)
		return NL_SKIP;
	err = r->parse(nlh, r->arg);
	if (err)
		r->parse_error = err;
	else
		r->got_reply = true;
	if (r->reply_ends) {
		r->done = true;
		return NL_STOP;
	}
	return NL_OK;
}

static int reply_ack(struct nl_msg *msg, void *arg)
{
	struct smon_reply *r = arg;

	(void)msg;
	r->done = true;
	return NL_STOP;
}

/*
 * The kernel's error answer. libnl hands over nlmsg_data() of the
 * NLMSG_ERROR message, so its header sits right before @e. The extended
 * ack attributes (NLM_F_ACK_TLVS) follow struct nlmsgerr and the echoed
 * request, which the kernel cuts to its header when NLM_F_CAPPED is set.
 */
static int reply_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	const struct nlmsghdr *nlh = (const void *)((char *)e - NLMSG_HDRLEN);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	struct smon_reply *r = arg;
	size_t total, off;

	(void)nla;
	r->error = e->error < 0 ? -e->error : e->error;
	r->done = true;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) ||
	    nlh->nlmsg_len < NLMSG_HDRLEN)
		return NL_STOP;
	total = nlh->nlmsg_len - NLMSG_HDRLEN;
	off = sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		if (e->msg.nlmsg_len < NLMSG_HDRLEN)
			return NL_STOP;
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	}
	off = NLMSG_ALIGN(off);
	if (off >= total)
		return NL_STOP;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((char *)e + off),
		      (int)(total - off), extack_policy))
		return NL_STOP;
	if (tb[NLMSGERR_ATTR_MSG])
		copy_str(tb[NLMSGERR_ATTR_MSG], r->nl->extack,
			 sizeof(r->nl->extack));
	return NL_STOP;
}

/*
 * Sends @msg (and frees it), waits for the answer and the ack; with
 * @reply_ends, asks for no ack and the answer (or an error) ends it.
 */
static int transact_ex(struct smon_nl *nl, struct nl_msg *msg,
		       int (*parse)(struct nlmsghdr *nlh, void *arg), void *arg,
		       bool reply_ends)
{
	struct smon_reply r = {
		.nl = nl,
		.reply_ends = reply_ends,
		.parse = parse,
		.arg = arg,
	};
	struct nl_cb *cb;
	int err;

	nl->extack[0] = '\0';
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, reply_valid, &r);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, reply_ack, &r);
	nl_cb_err(cb, NL_CB_CUSTOM, reply_error, &r);

	/* (No auto-ack: no NLM_F_ACK, and no check of the answer's seq.) */
	if (reply_ends)
		nl_socket_disable_auto_ack(nl->sk);
	err = nl_send_auto(nl->sk, msg);
	nlmsg_free(msg);
	if (err < 0) {
		err = nl_to_errno(err);
		goto out;
	}
	err = 0;
	while (!r.done) {
		err = nl_recvmsgs(nl->sk, cb);
		if (err < 0)
			break;
	}
	if (r.error)
		err = -r.error;
	else if (err < 0)
		err = err == -NLE_AGAIN ? -ETIMEDOUT : nl_to_errno(err);
	else if (r.parse_error)
		err = r.parse_error;
	else if (parse && !r.got_reply)
		err = -ENOMSG;
out:
	if (reply_ends)
		nl_socket_enable_auto_ack(nl->sk);
	nl_cb_put(cb);
	return err;
}

static int transact(struct smon_nl *nl, struct nl_msg *msg,
		    int (*parse)(struct nlmsghdr *nlh, void *arg), void *arg)
{
	return transact_ex(nl, msg, parse, arg, false);
}

int smon_nl_open(struct smon_nl *nl)
{
	struct timeval tv = { .tv_sec = SMON_REPLY_TIMEOUT_S };
	int one = 1, fd, err;

	memset(nl, 0, sizeof(*nl));
	nl->sk = nl_socket_alloc();
	if (!nl->sk)
		return -ENOMEM;
	err = genl_connect(nl->sk);
	if (err < 0)
		goto fail;
	fd = nl_socket_get_fd(nl->sk);
	/* Never wait forever for an answer. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	/*
	 * Refusals carry the kernel's message in an extended ack. libnl 3.7
	 * has no helper for it: set the option ourselves (older kernels
	 * without it simply send no message).
	 */
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	err = genl_ctrl_resolve(nl->sk, SYSRQMON_GENL_NAME);
	if (err < 0)
		goto fail;
	nl->family = err;
	return 0;
fail:
	nl_socket_free(nl->sk);
	nl->sk = NULL;
	return nl_to_errno(err);
}

void smon_nl_close(struct smon_nl *nl)
{
	if (nl->event_cb)
		nl_cb_put(nl->event_cb);
	if (nl->sk)
		nl_socket_free(nl->sk);
	if (nl->watch)
		nl_socket_free(nl->watch);
	nl->event_cb = NULL;
	nl->sk = NULL;
	nl->watch = NULL;
}

static struct nl_msg *new_request(struct smon_nl *nl, uint8_t cmd)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, 0,
			 cmd, SYSRQMON_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int parse_status_cb(struct nlmsghdr *nlh, void *arg)
{
	return smon_parse_status(nlh, arg);
}

int smon_nl_get_status(struct smon_nl *nl, struct smon_status *st)
{
	struct nl_msg *msg = new_request(nl, SYSRQMON_CMD_GET_STATUS);

	if (!msg)
		return -ENOMEM;
	return transact(nl, msg, parse_status_cb, st);
}

int smon_nl_query_status(struct smon_status *st)
{
	struct smon_nl nl;
	int err = smon_nl_open(&nl);

	if (!err) {
		err = smon_nl_get_status(&nl, st);
		smon_nl_close(&nl);
	}
	return err;
}

static int parse_keys_cb(struct nlmsghdr *nlh, void *arg)
{
	return smon_parse_keys(nlh, arg);
}

int smon_nl_get_keys(struct smon_nl *nl, struct smon_keys *keys)
{
	struct nl_msg *msg = new_request(nl, SYSRQMON_CMD_GET_KEYS);

	if (!msg)
		return -ENOMEM;
	return transact(nl, msg, parse_keys_cb, keys);
}

int smon_nl_set_u8(struct smon_nl *nl, int attr, uint8_t v)
{
	struct nl_msg *msg = new_request(nl, SYSRQMON_CMD_SET_CONFIG);

	if (!msg)
		return -ENOMEM;
	if (nla_put_u8(msg, attr, v) < 0) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return transact(nl, msg, NULL, NULL);
}

int smon_nl_set_s32(struct smon_nl *nl, int attr, int32_t v)
{
	struct nl_msg *msg = new_request(nl, SYSRQMON_CMD_SET_CONFIG);

	if (!msg)
		return -ENOMEM;
	if (nla_put_s32(msg, attr, v) < 0) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return transact(nl, msg, NULL, NULL);
}

int smon_nl_set_str(struct smon_nl *nl, int attr, const char *s)
{
	struct nl_msg *msg = new_request(nl, SYSRQMON_CMD_SET_CONFIG);

	if (!msg)
		return -ENOMEM;
	if (nla_put_string(msg, attr, s) < 0) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return transact(nl, msg, NULL, NULL);
}

int smon_nl_lock(struct smon_nl *nl)
{
	struct nl_msg *msg = new_request(nl, SYSRQMON_CMD_LOCK);

	if (!msg)
		return -ENOMEM;
	return transact(nl, msg, NULL, NULL);
}

static int seq_any(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

/*
 * The events socket: a large receive buffer, and ENOBUFS reported
 * (@no_enobufs 0) or not (1).
 */
static int events_socket(struct smon_nl *nl, int no_enobufs)
{
	int fd, err, size = SMON_RCVBUF;

	nl->event_cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!nl->event_cb)
		return -ENOMEM;
	/* Multicast messages carry no sequence number of ours. */
	nl_cb_set(nl->event_cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, seq_any, NULL);
	nl_socket_disable_seq_check(nl->sk);

	fd = nl_socket_get_fd(nl->sk);
	err = nl_socket_set_buffer_size(nl->sk, SMON_RCVBUF, 0);
	if (err < 0)
		return nl_to_errno(err);
	/* Past net.core.rmem_max when we may (CAP_NET_ADMIN); else capped. */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
	if (setsockopt(fd, SOL_NETLINK, NETLINK_NO_ENOBUFS, &no_enobufs,
		       sizeof(no_enobufs)))
		return -errno;
	nl_socket_enable_msg_peek(nl->sk);
	return 0;
}

static int watch_valid(struct nl_msg *msg, void *arg)
{
	struct smon_nl *nl = arg;

	if (smon_nl_family_removed(nlmsg_hdr(msg), nl->family))
		nl->gone = true;
	return NL_OK;
}

/*
 * The controller's notifications (anyone may join): an unloaded module's
 * family is removed, and its group with it, silently, so a listener must
 * watch for it. On a socket of their own: a notice sent to the events
 * socket while it is full would be dropped, and the listener would wait
 * for events forever. Joined before the events, so that an unload between
 * the two is heard.
 */
static int watch_family(struct smon_nl *nl)
{
	int grp, err;

	nl->watch = nl_socket_alloc();
	if (!nl->watch)
		return -ENOMEM;
	err = genl_connect(nl->watch);
	if (err < 0)
		return nl_to_errno(err);
	grp = genl_ctrl_resolve_grp(nl->watch, "nlctrl", "notify");
	if (grp < 0)
		return nl_to_errno(grp);
	nl_socket_disable_seq_check(nl->watch);
	nl_socket_modify_cb(nl->watch, NL_CB_VALID, NL_CB_CUSTOM, watch_valid,
			    nl);
	err = nl_socket_add_membership(nl->watch, grp);
	if (!err)
		err = nl_socket_set_nonblocking(nl->watch);
	return err < 0 ? nl_to_errno(err) : 0;
}

int smon_nl_subscribe(struct smon_nl *nl)
{
	int grp, err;

	err = watch_family(nl);
	if (err)
		return err;
	grp = genl_ctrl_resolve_grp(nl->sk, SYSRQMON_GENL_NAME,
				    SYSRQMON_MCGRP_EVENTS);
	if (grp < 0)
		return nl_to_errno(grp);
	/* Keep ENOBUFS: an overrun must be reported, never hidden. */
	err = events_socket(nl, 0);
	if (err)
		return err;
	err = nl_socket_add_membership(nl->sk, grp);
	if (!err)
		err = nl_socket_set_nonblocking(nl->sk);
	return err < 0 ? nl_to_errno(err) : 0;
}

static int parse_subscribed(struct nlmsghdr *nlh, void *arg)
{
	(void)arg;
	return genlmsg_valid_hdr(nlh, 0) &&
	       genlmsg_hdr(nlh)->cmd == SYSRQMON_CMD_SUBSCRIBE ? 0 : -EPROTO;
}

int smon_nl_ship(struct smon_nl *nl)
{
	struct nl_msg *msg;
	int err;

	err = watch_family(nl);
	if (err)
		return err;
	/*
	 * The kernel keeps what this socket has no room for, and a refusal
	 * would also raise ENOBUFS here although nothing is lost: off. A
	 * loss (the kernel's buffer full) still shows as a seq gap.
	 */
	err = events_socket(nl, 1);
	if (err)
		return err;
	/*
	 * Datagrams of many events: read each with one call into a buffer
	 * that holds the largest (a page), not a peek and a read.
	 */
	if (nl_socket_set_msg_buf_size(nl->sk, SMON_SHIP_BUF) < 0)
		return -ENOMEM;
	nl_socket_disable_msg_peek(nl->sk);
	msg = new_request(nl, SYSRQMON_CMD_SUBSCRIBE);
	if (!msg)
		return -ENOMEM;
	/* The answer comes before any event; an ack could come after one. */
	err = transact_ex(nl, msg, parse_subscribed, NULL, true);
	if (!err)
		err = nl_to_errno(nl_socket_set_nonblocking(nl->sk));
	return err;
}

int smon_nl_fd(struct smon_nl *nl)
{
	return nl_socket_get_fd(nl->sk);
}

int smon_nl_watch_fd(struct smon_nl *nl)
{
	return nl_socket_get_fd(nl->watch);
}

int smon_nl_family_gone(struct smon_nl *nl)
{
	struct smon_nl now;
	int err;

	do
		err = nl_recvmsgs_default(nl->watch);
	while (err >= 0 && !nl->gone);
	if (nl->gone || err == -NLE_AGAIN)
		return nl->gone;
	if (err != -NLE_NOMEM)
		return nl_to_errno(err);
	/* The watch socket overran: a notice may be lost, ask afresh. */
	err = smon_nl_open(&now);
	if (err && err != -ENOENT)
		return err;
	nl->gone = err == -ENOENT || now.family != nl->family;
	smon_nl_close(&now);
	return nl->gone;
}

struct event_ctx {
	struct smon_nl *nl;
	bool (*fn)(const struct smon_event *ev, void *arg);
	void *arg;
	bool bad;
};

bool smon_nl_family_removed(struct nlmsghdr *nlh, int family)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1];

	if (nlh->nlmsg_type != GENL_ID_CTRL || !genlmsg_valid_hdr(nlh, 0) ||
	    genlmsg_hdr(nlh)->cmd != CTRL_CMD_DELFAMILY)
		return false;
	if (genlmsg_parse(nlh, 0, tb, CTRL_ATTR_MAX, NULL) < 0 ||
	    !tb[CTRL_ATTR_FAMILY_ID])
		return false;
	return nla_get_u16(tb[CTRL_ATTR_FAMILY_ID]) == family;
}

static int event_valid(struct nl_msg *msg, void *arg)
{
	struct event_ctx *c = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct smon_event ev;

	if (nlh->nlmsg_type != c->nl->family)
		return NL_SKIP;
	if (!genlmsg_valid_hdr(nlh, 0)) {
		c->bad = true;
		return NL_SKIP;
	}
	if (genlmsg_hdr(nlh)->cmd != SYSRQMON_CMD_EVENT)
		return NL_SKIP;
	if (smon_parse_event(nlh, &ev)) {
		c->bad = true;
		return NL_SKIP;
	}
	return c->fn(&ev, c->arg) ? NL_OK : NL_STOP;
}

int smon_nl_recv_events(struct smon_nl *nl,
			bool (*fn)(const struct smon_event *ev, void *arg),
			void *arg)
{
	struct event_ctx c = { .nl = nl, .fn = fn, .arg = arg };
	int err;

	nl_cb_set(nl->event_cb, NL_CB_VALID, NL_CB_CUSTOM, event_valid, &c);
	err = nl_recvmsgs(nl->sk, nl->event_cb);
	/* nl_recv() turns ENOBUFS (the socket overran) into NLE_NOMEM. */
	if (err == -NLE_NOMEM)
		return -ENOBUFS;
	if (err < 0)
		return nl_to_errno(err);
	return c.bad ? -EBADMSG : 0;
}

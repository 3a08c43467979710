/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sysrqmonctl: the generic netlink side (libnl-genl-3).
 */
#ifndef SYSRQMONCTL_NETLINK_H
#define SYSRQMONCTL_NETLINK_H

#include <stdbool.h>
#include <stdint.h>

#include "format.h"

struct nl_sock;
struct nl_cb;
struct nlmsghdr;

struct smon_nl {
	struct nl_sock *sk;
	struct nl_cb *event_cb;
	struct nl_sock *watch;		/* the controller's notifications */
	bool gone;			/* the family was removed */
	int family;
	/* The extended ack message of the last refused request, or "". */
	char extack[SYSRQMON_STR_MAX];
};

/*
 * All functions return 0 or a negative errno: -ENOENT means the family (or
 * the group) is not registered; a refused request returns the kernel's
 * error and leaves its extended ack message in nl->extack.
 */
int smon_nl_open(struct smon_nl *nl);
void smon_nl_close(struct smon_nl *nl);

int smon_nl_get_status(struct smon_nl *nl, struct smon_status *st);
/* smon_nl_get_status() on a socket of its own. */
int smon_nl_query_status(struct smon_status *st);
int smon_nl_get_keys(struct smon_nl *nl, struct smon_keys *keys);
int smon_nl_set_u8(struct smon_nl *nl, int attr, uint8_t v);
int smon_nl_set_s32(struct smon_nl *nl, int attr, int32_t v);
int smon_nl_set_str(struct smon_nl *nl, int attr, const char *s);
int smon_nl_lock(struct smon_nl *nl);

/*
 * Joins the "events" group on a non-blocking socket with a large receive
 * buffer and ENOBUFS reporting left on. -EPERM/-EACCES: no CAP_SYS_ADMIN.
 */
int smon_nl_subscribe(struct smon_nl *nl);
/*
 * Makes the socket the shipping consumer (SUBSCRIBE): events come by
 * unicast, and the kernel keeps each one until this socket has room for
 * it, so none is lost to a full socket. -EBUSY: another socket is the
 * shipping consumer; -EOPNOTSUPP: the module has no such command.
 */
int smon_nl_ship(struct smon_nl *nl);
int smon_nl_fd(struct smon_nl *nl);

/*
 * Receives one datagram and calls @fn for each event in it; @fn returns
 * false to stop. Returns 0, or
 * -EAGAIN when nothing is pending, -ENOBUFS when the socket overran (events
 * were lost), -EBADMSG after an event that could not be parsed (it shows
 * up as a seq gap), another negative errno on failure.
 */
int smon_nl_recv_events(struct smon_nl *nl,
			bool (*fn)(const struct smon_event *ev, void *arg),
			void *arg);

/*
 * After smon_nl_subscribe() or smon_nl_ship(): the socket that hears of the
 * unload, and what it heard: 1 when the family was removed (the module was
 * unloaded; what the events socket holds is all that will come), 0 when
 * not, or a negative errno.
 */
int smon_nl_watch_fd(struct smon_nl *nl);
int smon_nl_family_gone(struct smon_nl *nl);

/* A controller notification that the family @family is gone. */
bool smon_nl_family_removed(struct nlmsghdr *nlh, int family);

/* Message parsers, exposed for the unit tests. */
int smon_parse_event(struct nlmsghdr *nlh, struct smon_event *ev);
int smon_parse_status(struct nlmsghdr *nlh, struct smon_status *st);
int smon_parse_keys(struct nlmsghdr *nlh, struct smon_keys *keys);

#endif /* SYSRQMONCTL_NETLINK_H */

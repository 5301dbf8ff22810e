// SPDX-License-Identifier: MIT
/*
 * epoll_core.c - when an engine socket in an epoll set is reported
 *
 * The kernel reports a level-triggered epitem while its file is ready, and
 * an edge-triggered one after each wake-up of its wait queue (for a
 * socket: every arrival, every freed send buffer).  The shim sees no
 * wake-ups, only readiness and the rings' free-running indices, so edges
 * are inferred (epoll.c's theory of operation):
 *  - a bit that is ready now but was not ready at the last look is new;
 *  - EPOLLIN with the rx producer index moved since the last report is a
 *    new arrival even if the app never drained the socket;
 *  - EPOLLOUT with the tx consumer index moved is freed send space.
 * Every arrival moves the producer index, so no arrival goes unreported.
 */
#include <errno.h>
#include <sys/epoll.h>

#include "epoll_core.h"

/* What EPOLLEXCLUSIVE may be combined with (EPOLLEXCLUSIVE_OK_BITS). */
#define EP_EXCL_OK                                                             \
	(EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | EPOLLWAKEUP | EPOLLET |    \
	 EPOLLEXCLUSIVE)

/** ep_cookie() - the doorbell cookie of a set of process @pid. */
uint64_t ep_cookie(uint32_t pid)
{
	return EP_COOKIE | ((uint64_t)pid << 1 & ~EP_COOKIE_MASK);
}

/**
 * ep_sift() - take the cookies out of a real epoll_wait()'s events
 * @ev:		the events, compacted in place (order kept)
 * @n:		how many
 * @mine:	the set's cookie (ep_cookie()), or 0 if it has none: then
 *		every cookie is foreign
 * @seen:	EP_SIFT_* bits or'ed in
 *
 * Return: the events left for the program.
 */
int ep_sift(struct epoll_event *ev, int n, uint64_t mine, unsigned int *seen)
{
	uint64_t d;
	int i, k = 0;

	for (i = 0; i < n; i++) {
		d = ev[i].data.u64;
		if ((d & EP_COOKIE_MASK) != EP_COOKIE) {
			ev[k++] = ev[i];
		} else if (mine && d == mine) {
			*seen |= EP_SIFT_OWN;
			if (ev[i].events & (EPOLLHUP | EPOLLERR))
				*seen |= EP_SIFT_HUP;
		} else if (mine && d == (mine | 1)) {
			*seen |= EP_SIFT_SELF;
		} else {
			*seen |= EP_SIFT_FOREIGN;
		}
	}
	return k;
}

/**
 * ep_trig_set() - new interest (EPOLL_CTL_ADD or MOD): enabled, and a
 * ready socket is reported anew, as ep_modify() re-polls the file
 */
void ep_trig_set(struct ep_trig *t, uint32_t events)
{
	t->events = events | EPOLLERR | EPOLLHUP;
	t->off = false;
	t->seen = 0;
}

/**
 * ep_trig_report() - the events to report for one look at the socket
 * @rev:	its poll(2) bits now
 * @rx:		the rx producer index, read before @rev
 * @tx:		the tx consumer index, read before @rev
 *
 * Return: the events (0: nothing to report); @t is updated as if they were
 * delivered.
 */
uint32_t ep_trig_report(struct ep_trig *t, uint32_t rev, uint32_t rx,
			uint32_t tx)
{
	bool fresh;

	if (t->off)
		return 0;
	rev &= t->events | EPOLLERR | EPOLLHUP;
	t->seen &= rev; /* what is not ready now is an edge next time */
	if (!rev)
		return 0;
	if (t->events & EPOLLET) {
		fresh = (rev & ~t->seen) ||
			((rev & EPOLLIN) && rx != t->rx_mark) ||
			((rev & EPOLLOUT) && tx != t->tx_mark);
		if (!fresh)
			return 0;
		t->seen = rev;
		t->rx_mark = rx;
		t->tx_mark = tx;
	}
	if (t->events & EPOLLONESHOT)
		t->off = true;
	return rev;
}

/**
 * ep_trig_arm() - the poll bits to arm before sleeping on this entry
 * @nap:	set when an ET entry sits on unread data: the engine rings the
 *		doorbell only on empty -> non-empty, so the sleeper must
 *		re-check the producer index now and then
 *
 * Return: the bits (0: nothing can wake this entry; do not arm it).
 */
uint32_t ep_trig_arm(const struct ep_trig *t, bool *nap)
{
	uint32_t want = t->events & EP_POLL_BITS;

	if (t->off)
		return 0;
	if (t->events & EPOLLET) {
		if (t->seen & EPOLLIN)
			*nap = true;
		/* A pending error stays pending: arming would not sleep. */
		if (t->seen & EPOLLERR)
			return 0;
		want &= ~t->seen;
	}
	return want;
}

/**
 * ep_excl_check() - EPOLLEXCLUSIVE's rules in do_epoll_ctl(): not with
 * MOD, and with ADD only together with EP_EXCL_OK bits
 *
 * Return: 0 or -EINVAL.
 */
int ep_excl_check(int op, uint32_t events)
{
	if (!(events & EPOLLEXCLUSIVE))
		return 0;
	if (op == EPOLL_CTL_MOD)
		return -EINVAL;
	if (op == EPOLL_CTL_ADD && (events & ~EP_EXCL_OK))
		return -EINVAL;
	return 0;
}

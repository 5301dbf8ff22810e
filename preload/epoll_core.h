/* SPDX-License-Identifier: MIT */
/*
 * epoll_core.h - the report rules of the shim's epoll (level, edge,
 * one-shot) as pure functions of an entry's state and its readiness, so
 * that they are unit-tested without an engine
 */
#ifndef NSSHIM_EPOLL_CORE_H
#define NSSHIM_EPOLL_CORE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/epoll.h>

/* Bits esock_revents() understands (they equal the POLL* values). */
#define EP_POLL_BITS                                                           \
	(EPOLLIN | EPOLLPRI | EPOLLOUT | EPOLLRDNORM | EPOLLRDBAND |           \
	 EPOLLWRNORM | EPOLLWRBAND | EPOLLMSG | EPOLLRDHUP)

/**
 * struct ep_trig - what decides whether an entry is reported
 * @events:	the interest as given, with EPOLLERR | EPOLLHUP added as the
 *		kernel does
 * @off:	EPOLLONESHOT fired; EPOLL_CTL_MOD re-arms
 * @seen:	EPOLLET: bits reported and found ready ever since
 * @rx_mark:	EPOLLET: rx producer index at the last report
 * @tx_mark:	EPOLLET: tx consumer index at the last report
 */
struct ep_trig {
	uint32_t events;
	bool off;
	uint32_t seen;
	uint32_t rx_mark, tx_mark;
};

void ep_trig_set(struct ep_trig *t, uint32_t events);
uint32_t ep_trig_report(struct ep_trig *t, uint32_t rev, uint32_t rx,
			uint32_t tx);
uint32_t ep_trig_arm(const struct ep_trig *t, bool *nap);
int ep_excl_check(int op, uint32_t events);

#endif /* NSSHIM_EPOLL_CORE_H */

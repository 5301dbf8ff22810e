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

/*
 * The data of the shim's own fds in a kernel epoll instance (epoll.c's
 * "set's doorbell"): the high half a kernel-half address (never a user
 * pointer, nor an fd or small index with zero above), the low half the
 * owner's pid shifted left by one, bit 0 set for the self-bell.
 */
#define EP_COOKIE UINT64_C(0xfe5e11ed00000000)
#define EP_COOKIE_MASK UINT64_C(0xffffffff00000000)

/* What ep_sift() took out. */
enum {
	EP_SIFT_OWN = 1u << 0,	   /* the set's doorbell */
	EP_SIFT_HUP = 1u << 1,	   /* ... hung up (with EP_SIFT_OWN) */
	EP_SIFT_SELF = 1u << 2,	   /* the set's self-bell */
	EP_SIFT_FOREIGN = 1u << 3, /* another process's cookie */
};

uint64_t ep_cookie(uint32_t pid);
int ep_sift(struct epoll_event *ev, int n, uint64_t mine, unsigned int *seen);
void ep_trig_set(struct ep_trig *t, uint32_t events);
uint32_t ep_trig_report(struct ep_trig *t, uint32_t rev, uint32_t rx,
			uint32_t tx);
uint32_t ep_trig_arm(const struct ep_trig *t, bool *nap);
int ep_excl_check(int op, uint32_t events);

#endif /* NSSHIM_EPOLL_CORE_H */

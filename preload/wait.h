/* SPDX-License-Identifier: MIT */
/*
 * wait.h - the one place a blocked engine-socket call sleeps
 */
#ifndef NSSHIM_WAIT_H
#define NSSHIM_WAIT_H

#include <pthread.h>
#include <stdint.h>

#include "shim.h"

/* struct esock_wait flags: what may end the wait, and what forbids it. */
enum {
	/* Arm @ring's wake-me flag; do not sleep if the ring is ready. */
	ESOCK_WAIT_RING = 1u << 0,
	/* Arm the state words' wake-me flag; do not sleep with an error
	 * pending. */
	ESOCK_WAIT_STATE = 1u << 1,
	/* With ESOCK_WAIT_STATE: nor once the events differ from @seen. */
	ESOCK_WAIT_EVENTS = 1u << 2,
};

/**
 * struct esock_wait - what a blocked call sleeps on (esock_wait())
 * @flags:	ESOCK_WAIT_*
 * @ring:	the data ring whose wake-me flag is cancelled after the
 *		wait (and armed before it with ESOCK_WAIT_RING), or NULL
 * @need:	ESOCK_WAIT_RING on a producer: the room to wait for;
 *		consumer: 0
 * @seen:	ESOCK_WAIT_EVENTS: the events the caller acted on
 * @lock:	the caller's lock, held, dropped across the sleep (or NULL)
 * @deadline:	when the wait ends (esock_deadline(); -1: never)
 */
struct esock_wait {
	unsigned int flags;
	struct ipc_bytering *ring;
	uint32_t need;
	uint32_t seen;
	pthread_mutex_t *lock;
	int64_t deadline;
};

int esock_wait(struct shim_sock *s, const struct esock_wait *w);

#endif /* NSSHIM_WAIT_H */

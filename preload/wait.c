// SPDX-License-Identifier: MIT
/*
 * wait.c - the one place a blocked engine-socket call (send, recv,
 * connect, accept; stream or datagram) sleeps
 *
 * Every blocking call loops: try, and if it cannot go on, sleep until
 * something may have changed, then try again.  The sleep follows the
 * doorbell protocol (ipc/README.md): arm the wake-me flags, re-check,
 * and only then sleep, so a wake that comes between the check and the
 * sleep is not lost.  How a sleep ends is mapped here once, so that every
 * call returns the same errno for the same cause: the SO_RCVTIMEO /
 * SO_SNDTIMEO deadline passing is EAGAIN, a signal is EINTR, and the
 * engine's death is ECONNRESET.
 */
#include <errno.h>
#include <stdatomic.h>

#include "wait.h"

/* rested() - nothing the caller watches changed since it looked. */
static bool rested(struct shim_sock *s, const struct esock_wait *w,
		   uint64_t who)
{
	if ((w->flags & ESOCK_WAIT_RING) &&
	    ipc_bytering_wait_prepare(w->ring, w->need, who) != 0)
		return false;
	if (!(w->flags & ESOCK_WAIT_STATE))
		return true;
	if ((w->flags & ESOCK_WAIT_EVENTS) &&
	    atomic_load_explicit(&s->st->events, memory_order_acquire) !=
		    w->seen)
		return false;
	return atomic_load_explicit(&s->st->err, memory_order_acquire) == 0;
}

/**
 * esock_wait() - sleep until @s may be ready: a doorbell, a state-word
 * change, @w->deadline, a signal or the engine's death
 *
 * Takes a waiter (waiter.c), arms its bit on what @w->flags name,
 * re-checks, sleeps (dropping @w->lock) only if nothing changed
 * meanwhile, then disarms.  The caller re-checks its
 * condition after a 0 return: a wake says only that something may have
 * changed.
 *
 * Return: 0 (re-check), -EAGAIN (@w->deadline passed), -EINTR, or
 * -ECONNRESET (the engine is gone).
 */
int esock_wait(struct shim_sock *s, const struct esock_wait *w)
{
	struct shim_waiter me;
	int rc = 0;

	shim_waiter_get(&me);
	if (w->flags & ESOCK_WAIT_STATE)
		esock_arm_state(s, me.bit);
	if (rested(s, w, me.bit)) {
		if (w->lock)
			pthread_mutex_unlock(w->lock);
		rc = shim_sleep(&me, NULL, 0, esock_left_ms(w->deadline), NULL,
				NULL);
		if (w->lock)
			pthread_mutex_lock(w->lock);
	}
	if (w->ring)
		ipc_bytering_wait_cancel(w->ring, me.bit);
	if (w->flags & ESOCK_WAIT_STATE)
		esock_disarm_state(s, me.bit);
	shim_waiter_put(&me);
	if (rc == -ETIMEDOUT && w->deadline >= 0 &&
	    esock_left_ms(w->deadline) == 0)
		return -EAGAIN;
	if (rc == -ENETDOWN)
		return -ECONNRESET;
	return rc == -EINTR ? -EINTR : 0;
}

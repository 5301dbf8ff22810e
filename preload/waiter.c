// SPDX-License-Identifier: MIT
/*
 * waiter.c - private waiters: a doorbell of its own for each sleeping
 * thread
 *
 * A blocked call (send, recv, connect, accept, poll, select, epoll_wait,
 * a command's completion) takes a waiter for the length of its wait, arms
 * its wake-me bits with the waiter's bit, sleeps on the waiter's doorbell
 * and gives the waiter back.  The engine takes the bits of whoever sleeps
 * on what changed and rings exactly those doorbells (ipc/doorbell.h), so
 * threads asleep at the same time neither steal each other's wakes nor
 * wake for each other's sockets.
 *
 * The process has IPC_WAITERS of them, numbered, each made by the engine
 * on first use (a WAITER request on the control socket; the engine keeps
 * the ring end) and reused by whichever thread takes the number next.  A
 * stale ring left by an earlier holder costs the next one spurious wake,
 * never a lost one.  With every number in use, or if the engine cannot
 * make one, a thread sleeps on the shared doorbell, in naps of
 * SHIM_SHARED_NAP_MS: the shared doorbell may be drained by another
 * thread sleeping on it.
 *
 * An epoll set holding engine sockets keeps a number for its lifetime
 * (shim_waiter_hold(): epoll.c puts the doorbell into the set's kernel
 * epoll instance, so that the epoll fd turns readable when the engine
 * rings).  At most SHIM_WAITERS_HELD numbers are held so; the rest stay
 * for blocked calls.  A held doorbell is closed when given back, never
 * handed to the next holder: closing it is what takes it out of every
 * kernel epoll instance it was added to (fork children and exec'd
 * programs may share the instance), and the next user of the number asks
 * the engine for a fresh one.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "ctlmsg.h"
#include "doorbell.h"
#include "shim.h"

#define ALL_WAITERS (IPC_WAIT_SHARED - 1) /* bits 0 .. IPC_WAITERS - 1 */

/* Numbers in use; their doorbells' sleeping ends, plus one (0: not made
 * yet, so that the table starts out zeroed). */
static _Atomic uint64_t busy;
static _Atomic int bell1[IPC_WAITERS];
/* The engine refused to make one: stop asking. */
static _Atomic bool refused;
/* Numbers held for long (shim_waiter_hold()). */
static _Atomic unsigned int held;

/* make() - ask the engine for waiter @i's doorbell; its fd or -errno. */
static int make(unsigned int i)
{
	struct ipc_msg m = { .type = IPC_MSG_WAITER,
			     .version = IPC_VERSION,
			     .u.waiter.slot = i };
	struct ipc_result res;
	int fd = -1, rc;

	rc = shim_ctl_call(&m, -1, &res, &fd);
	if (!rc && res.err)
		rc = -(int)res.err;
	if (!rc && fd < 0)
		rc = -EPROTO;
	if (rc) {
		if (fd >= 0)
			shim_real.close(fd);
		shim_log("no private waiter (%s): threads share one doorbell",
			 strerror(-rc));
		atomic_store(&refused, true);
		return rc;
	}
	return shim_move_high(fd);
}

/**
 * shim_waiter_get() - a waiter for one wait: a private one if any is
 * free, else the shared doorbell
 * @w:	filled; give it back with shim_waiter_put()
 *
 * Safe from any thread, and from a signal handler that interrupted a
 * wait (it takes another number).  The first use of a number asks the
 * engine (attached already: the caller sleeps on an engine socket).
 */
void shim_waiter_get(struct shim_waiter *w)
{
	uint64_t was = atomic_load(&busy), free;
	unsigned int i;
	int fd;

	*w = (struct shim_waiter){ .bit = IPC_WAIT_SHARED, .fd = -1 };
	if (atomic_load_explicit(&refused, memory_order_relaxed))
		return;
	do {
		free = ~was & ALL_WAITERS;
		if (!free)
			return;
		i = (unsigned int)__builtin_ctzll(free);
	} while (!atomic_compare_exchange_weak(&busy, &was,
					       was | IPC_WAITER_BIT(i)));
	fd = atomic_load(&bell1[i]) - 1;
	if (fd < 0) {
		/* The number is ours alone until we give it back. */
		fd = make(i);
		if (fd < 0) {
			atomic_fetch_and(&busy, ~IPC_WAITER_BIT(i));
			return;
		}
		atomic_store(&bell1[i], fd + 1);
	}
	w->bit = IPC_WAITER_BIT(i);
	w->fd = fd;
}

/** shim_waiter_put() - the wait is over: @w's number is free again. */
void shim_waiter_put(const struct shim_waiter *w)
{
	if (w->bit != IPC_WAIT_SHARED)
		atomic_fetch_and(&busy, ~w->bit);
}

/**
 * shim_waiter_hold() - a private waiter for long (an epoll set's life)
 * @w:	filled on success; give it back with shim_waiter_release()
 *
 * Never the shared doorbell: a held waiter's doorbell goes into a kernel
 * epoll instance, and the shared one is drained by every napping thread.
 * Asks the engine for a doorbell if the number has none (the caller must
 * not hold locks a control call could need).
 *
 * Return: 0, -EBUSY when SHIM_WAITERS_HELD are held or every number is in
 * use, or the engine's -errno.
 */
int shim_waiter_hold(struct shim_waiter *w)
{
	unsigned int n = atomic_load(&held);

	do {
		if (n >= SHIM_WAITERS_HELD)
			return -EBUSY;
	} while (!atomic_compare_exchange_weak(&held, &n, n + 1));
	shim_waiter_get(w);
	if (w->fd < 0) {
		atomic_fetch_sub(&held, 1);
		return atomic_load(&refused) ? -ENOTSUP : -EBUSY;
	}
	return 0;
}

/**
 * shim_waiter_release() - give back a held waiter: its doorbell is closed
 * (leaving every epoll instance it was in) and the number is free again
 */
void shim_waiter_release(const struct shim_waiter *w)
{
	unsigned int i;
	int fd;

	if (w->bit == IPC_WAIT_SHARED || !w->bit)
		return;
	i = (unsigned int)__builtin_ctzll(w->bit);
	fd = atomic_exchange(&bell1[i], 0) - 1;
	if (fd >= 0)
		shim_real.close(fd);
	atomic_fetch_sub(&held, 1);
	shim_waiter_put(w);
}

/**
 * shim_waiters_forget() - in a fork() child: the doorbells are the
 * parent's (its engine connection's); close our copies so that we never
 * drain a ring meant for it, and make our own on demand
 *
 * Runs single-threaded, before fork() returns.
 */
void shim_waiters_forget(void)
{
	unsigned int i;
	int fd;

	for (i = 0; i < IPC_WAITERS; i++) {
		fd = atomic_exchange(&bell1[i], 0) - 1;
		if (fd >= 0)
			shim_real.close(fd);
	}
	atomic_store(&busy, 0);
	atomic_store(&held, 0);
	atomic_store(&refused, false);
}

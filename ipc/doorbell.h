/* SPDX-License-Identifier: MIT */
/*
 * doorbell.h - "wake me" masks in shared memory plus socket-pair doorbells
 *
 * Protocol (ipc/README.md has the proof sketch):
 *
 *   sleeper (waiter bit w)                waker
 *   ----------------------                -----
 *   ipc_doorbell_wait_prepare(flag, w)    publish index (release)
 *     flag |= w (release); fence seq_cst  fence seq_cst
 *   re-check the ring                     m = flag (acquire)
 *   if ready: ipc_doorbell_wait_cancel()  if m && edge:
 *   else sleep on w's doorbell               m = ipc_doorbell_take(flag)
 *   loop: re-check everything armed          ipc_doorbell_ring_mask(m, ..)
 *
 * The two seq_cst fences guarantee that at least one side sees the other's
 * store: either the sleeper's re-check sees the new index (and it does not
 * sleep), or the waker sees the flag (and rings).  Taking the flag with an
 * exchange makes each arming ring at most once.
 *
 * A flag is a mask of waiters, so that several threads may sleep on one
 * ring or socket and each is rung on its own doorbell: bit i < IPC_WAITERS
 * is the app's private waiter i (a doorbell the engine made for it), and
 * IPC_WAIT_SHARED is "whoever sleeps on the side's shared doorbell".
 *
 * A doorbell is a connected AF_UNIX stream socket pair, not an eventfd:
 * the waker keeps one end and the sleeper the other, two open files, and
 * every send and receive is non-blocking by its own flags (MSG_DONTWAIT,
 * MSG_NOSIGNAL).  So neither side can make the other block (an eventfd is
 * one open file: an app that cleared its O_NONBLOCK and filled the counter
 * would block the engine's next ring for ever), and a waker whose sleeper
 * is gone gets EPIPE, not SIGPIPE.  A full buffer is a rung doorbell.
 */
#ifndef NSSTACK_IPC_DOORBELL_H
#define NSSTACK_IPC_DOORBELL_H

#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "nsstack/ipc.h"

/* The two ends of a doorbell from ipc_doorbell_open(). */
enum { IPC_BELL_WAIT = 0, IPC_BELL_RING = 1 };

/**
 * struct ipc_bells - where a waker rings each waiter of a mask
 * @shared:	the ring end of the sleeping side's shared doorbell
 * @priv:	IPC_WAITERS ring ends of private waiters (-1: none made; that
 *		waiter is rung on @shared), or NULL
 */
struct ipc_bells {
	int shared;
	const int *priv;
};

int ipc_doorbell_open(int fds[2]);
void ipc_doorbell_wait_prepare(_Atomic uint64_t *flag, uint64_t who);
void ipc_doorbell_wait_cancel(_Atomic uint64_t *flag, uint64_t who);
uint64_t ipc_doorbell_take(_Atomic uint64_t *flag);
int ipc_doorbell_ring(int fd);
int ipc_doorbell_ring_mask(const struct ipc_bells *to, uint64_t mask);
int ipc_doorbell_drain(int fd);
int ipc_doorbell_wait(int fd, int ctl_fd, const struct timespec *timeout,
		      const sigset_t *sigmask);

#endif /* NSSTACK_IPC_DOORBELL_H */

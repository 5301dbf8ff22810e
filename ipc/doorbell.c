// SPDX-License-Identifier: MIT
/*
 * doorbell.c - wake-me masks and socket-pair doorbells, with no busy
 * polling
 *
 * Every function here may run in the shim, inside an app, possibly from a
 * signal handler's interrupted context: no allocation, and errno is saved
 * and restored so that a successful call never changes it.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <sys/socket.h>
#include <unistd.h>

#include "doorbell.h"

/* A ring is one byte; a drain takes at most this many calls of this many
 * bytes (a peer that keeps ringing cannot keep us draining). */
#define DRAIN_CHUNK 256
#define DRAIN_CALLS 16

/**
 * ipc_doorbell_open() - make a doorbell: a connected stream socket pair
 * @fds:	[IPC_BELL_WAIT] for the sleeper, [IPC_BELL_RING] for the waker
 *
 * Both ends close-on-exec.  They are blocking as files; every call here
 * passes MSG_DONTWAIT, so whoever holds the other end cannot change that.
 *
 * Return: 0 or -errno.
 */
int ipc_doorbell_open(int fds[2])
{
	int saved = errno, rc = 0;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds))
		rc = -errno;
	errno = saved;
	return rc;
}

/**
 * ipc_doorbell_wait_prepare() - arm a wake-me mask before re-checking
 * @flag:	the shared mask (cons_wait, prod_wait or a state word's wait)
 * @who:	the sleeper's bit: IPC_WAITER_BIT(i) or IPC_WAIT_SHARED
 *
 * The release publishes everything this side wrote before (its own index)
 * to a waker that reads the mask with acquire; the seq_cst fence orders
 * the store before the caller's re-check of the other side's index, which
 * is what makes a lost wake-up impossible.
 */
void ipc_doorbell_wait_prepare(_Atomic uint64_t *flag, uint64_t who)
{
	atomic_fetch_or_explicit(flag, who, memory_order_release);
	atomic_thread_fence(memory_order_seq_cst);
}

/**
 * ipc_doorbell_wait_cancel() - disarm one sleeper after its re-check
 * found the ring ready (or after waking)
 * @flag:	the shared mask
 * @who:	the sleeper's bit
 *
 * Only @who's bit goes: another thread armed on the same mask stays
 * armed.  Relaxed: a waker that still sees the bit only rings once more,
 * which costs a spurious wake-up, never a lost one.
 */
void ipc_doorbell_wait_cancel(_Atomic uint64_t *flag, uint64_t who)
{
	atomic_fetch_and_explicit(flag, ~who, memory_order_relaxed);
}

/**
 * ipc_doorbell_take() - claim the right to ring for one arming of @flag
 * @flag:	the shared mask, already seen non-zero after the waker's fence
 *
 * The exchange makes the wake-up one-shot: of several wakers (or several
 * calls of one waker) only the first that sees a bit set rings it.
 *
 * Return: the sleepers to ring (ipc_doorbell_ring_mask()), maybe 0.
 */
uint64_t ipc_doorbell_take(_Atomic uint64_t *flag)
{
	return atomic_exchange_explicit(flag, 0, memory_order_acq_rel);
}

/**
 * ipc_doorbell_ring() - ring a doorbell: one byte into its ring end
 * @fd:	the waker's end
 *
 * A full buffer (EAGAIN) means the sleeper has been rung and not yet
 * drained: success.  So is a sleeper that has gone (EPIPE, ECONNRESET):
 * nobody is left to wake.  EINTR is retried.
 *
 * Return: 0 or -errno.
 */
int ipc_doorbell_ring(int fd)
{
	int saved = errno, rc = 0;

	for (;;) {
		if (send(fd, "", 1, MSG_DONTWAIT | MSG_NOSIGNAL) == 1)
			break;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EPIPE && errno != ECONNRESET)
			rc = -errno;
		break;
	}
	errno = saved;
	return rc;
}

/**
 * ipc_doorbell_ring_mask() - ring every sleeper of @mask
 * @to:		where each one sleeps
 * @mask:	from ipc_doorbell_take()
 *
 * Private waiters without a doorbell of their own, and IPC_WAIT_SHARED,
 * are rung on @to->shared, once however many there are.
 *
 * Return: 0 or the first -errno.
 */
int ipc_doorbell_ring_mask(const struct ipc_bells *to, uint64_t mask)
{
	bool shared = mask & IPC_WAIT_SHARED;
	int rc = 0, r;

	mask &= ~IPC_WAIT_SHARED;
	while (mask) {
		unsigned int i = (unsigned int)__builtin_ctzll(mask);

		mask &= mask - 1;
		if (!to->priv || to->priv[i] < 0) {
			shared = true;
			continue;
		}
		r = ipc_doorbell_ring(to->priv[i]);
		if (!rc)
			rc = r;
	}
	if (shared) {
		r = ipc_doorbell_ring(to->shared);
		if (!rc)
			rc = r;
	}
	return rc;
}

/**
 * ipc_doorbell_drain() - take every ring a doorbell holds
 * @fd:	the sleeper's end
 *
 * Return: 1 if it had been rung, 0 if not, or -errno.
 */
int ipc_doorbell_drain(int fd)
{
	char buf[DRAIN_CHUNK];
	int saved = errno, rc = 0, calls;
	ssize_t n;

	for (calls = 0; calls < DRAIN_CALLS; calls++) {
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n > 0) {
			rc = 1;
			if (n < (ssize_t)sizeof(buf))
				break;
			continue;
		}
		if (n < 0 && errno != EAGAIN && !rc)
			rc = -errno;
		break;
	}
	errno = saved;
	return rc;
}

/**
 * ipc_doorbell_wait() - block until the doorbell rings, the control socket
 * has news, a signal arrives or the timeout passes
 * @fd:		this sleeper's end of its doorbell (drained on return)
 * @ctl_fd:	the control socket to watch for hang-up, or -1
 * @timeout:	NULL to wait for ever
 * @sigmask:	signal mask during the wait (as ppoll()), or NULL
 *
 * Call only after ipc_doorbell_wait_prepare() and a re-check that found
 * the ring not ready.  Watching @ctl_fd is how an app notices that the
 * engine died instead of hanging for ever.  A return of 0 does not mean
 * that any particular ring is ready (a doorbell serves every ring its
 * sleeper armed): the caller re-checks everything it armed.
 *
 * Return: 0 when woken, -ETIMEDOUT, -EINTR, -ENETDOWN if @ctl_fd hung up,
 * or another -errno.
 */
int ipc_doorbell_wait(int fd, int ctl_fd, const struct timespec *timeout,
		      const sigset_t *sigmask)
{
	struct pollfd pfd[2] = {
		{ .fd = fd, .events = POLLIN },
		{ .fd = ctl_fd, .events = POLLRDHUP },
	};
	int saved = errno, rc, n;

	n = ppoll(pfd, ctl_fd >= 0 ? 2 : 1, timeout, sigmask);
	if (n < 0) {
		rc = -errno;
		goto out;
	}
	if (n == 0) {
		rc = -ETIMEDOUT;
		goto out;
	}
	if (ctl_fd >= 0 && (pfd[1].revents & (POLLHUP | POLLRDHUP | POLLERR))) {
		rc = -ENETDOWN;
		goto out;
	}
	rc = 0;
	if (pfd[0].revents & POLLIN) {
		n = ipc_doorbell_drain(fd);
		if (n < 0)
			rc = n;
	}
out:
	errno = saved;
	return rc;
}

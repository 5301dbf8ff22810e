// SPDX-License-Identifier: MIT
/*
 * doorbell.c - wake-me flags and eventfd doorbells, with no busy polling
 *
 * Every function here may run in the shim, inside an app, possibly from a
 * signal handler's interrupted context: no allocation, and errno is saved
 * and restored so that a successful call never changes it.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "doorbell.h"

/**
 * ipc_doorbell_open() - create a non-blocking, close-on-exec eventfd
 * @efd:	where to store the new descriptor
 *
 * Non-blocking so that ipc_doorbell_ring() never blocks when the counter is
 * near saturation and ipc_doorbell_drain() never blocks on an empty one.
 *
 * Return: 0 or -errno.
 */
int ipc_doorbell_open(int *efd)
{
	int saved = errno, fd, rc = 0;

	fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (fd < 0)
		rc = -errno;
	else
		*efd = fd;
	errno = saved;
	return rc;
}

/**
 * ipc_doorbell_wait_prepare() - arm a wake-me flag before re-checking
 * @flag:	the shared flag (cons_wait or prod_wait)
 * @value:	non-zero: 1 for "any data", or a free-space threshold
 *
 * The release store publishes everything this side wrote before (its own
 * index) to a waker that reads the flag with acquire; the seq_cst fence
 * orders the flag store before the caller's re-check of the other side's
 * index, which is what makes a lost wake-up impossible.
 */
void ipc_doorbell_wait_prepare(_Atomic uint32_t *flag, uint32_t value)
{
	atomic_store_explicit(flag, value, memory_order_release);
	atomic_thread_fence(memory_order_seq_cst);
}

/**
 * ipc_doorbell_wait_cancel() - disarm a flag after the re-check found the
 * ring ready (or after waking)
 * @flag:	the shared flag
 *
 * Relaxed: a waker that still sees the old value only rings once more,
 * which costs a spurious wake-up, never a lost one.
 */
void ipc_doorbell_wait_cancel(_Atomic uint32_t *flag)
{
	atomic_store_explicit(flag, 0, memory_order_relaxed);
}

/**
 * ipc_doorbell_take() - claim the right to ring for one arming of @flag
 * @flag:	the shared flag, already seen non-zero after the waker's fence
 *
 * The exchange makes the wake-up one-shot: of several wakers (or several
 * calls of one waker) only the first that sees the flag set writes the
 * eventfd.
 *
 * Return: true if the caller should ring the eventfd.
 */
bool ipc_doorbell_take(_Atomic uint32_t *flag)
{
	return atomic_exchange_explicit(flag, 0, memory_order_acq_rel) != 0;
}

/**
 * ipc_doorbell_ring() - add one to an eventfd
 * @efd:	the sleeper's eventfd
 *
 * EAGAIN means the counter is already huge, so the sleeper is certainly
 * woken: that counts as success.  EINTR is retried.
 *
 * Return: 0 or -errno.
 */
int ipc_doorbell_ring(int efd)
{
	const uint64_t one = 1;
	int saved = errno, rc = 0;

	for (;;) {
		if (write(efd, &one, sizeof(one)) == (ssize_t)sizeof(one))
			break;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			rc = -errno;
		break;
	}
	errno = saved;
	return rc;
}

/**
 * ipc_doorbell_drain() - reset an eventfd's counter to zero
 * @efd:	the eventfd (non-blocking)
 *
 * Return: 1 if it was non-zero, 0 if it was already zero, or -errno.
 */
int ipc_doorbell_drain(int efd)
{
	uint64_t v;
	int saved = errno, rc = 1;

	for (;;) {
		if (read(efd, &v, sizeof(v)) == (ssize_t)sizeof(v))
			break;
		if (errno == EINTR)
			continue;
		rc = errno == EAGAIN ? 0 : -errno;
		break;
	}
	errno = saved;
	return rc;
}

/**
 * ipc_doorbell_wait() - block until the doorbell rings, the control socket
 * has news, a signal arrives or the timeout passes
 * @efd:	this sleeper's eventfd (drained on return)
 * @ctl_fd:	the control socket to watch for hang-up, or -1
 * @timeout:	NULL to wait for ever
 * @sigmask:	signal mask during the wait (as ppoll()), or NULL
 *
 * Call only after ipc_doorbell_wait_prepare() and a re-check that found
 * the ring not ready.  Watching @ctl_fd is how an app notices that the
 * engine died instead of hanging for ever.  A return of 0 does not mean
 * that any particular ring is ready (the eventfd may be shared): the caller
 * re-checks everything it armed and disarms what is ready.
 *
 * Return: 0 when woken, -ETIMEDOUT, -EINTR, -ENETDOWN if @ctl_fd hung up,
 * or another -errno.
 */
int ipc_doorbell_wait(int efd, int ctl_fd, const struct timespec *timeout,
		      const sigset_t *sigmask)
{
	struct pollfd pfd[2] = {
		{ .fd = efd, .events = POLLIN },
		{ .fd = ctl_fd, .events = POLLIN | POLLRDHUP },
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
		n = ipc_doorbell_drain(efd);
		if (n < 0)
			rc = n;
	}
out:
	errno = saved;
	return rc;
}

// SPDX-License-Identifier: MIT
/*
 * mmsg.c - sendmmsg(2) and recvmmsg(2) on engine sockets
 *
 * Both are loops over the sendmsg()/recvmsg() hooks, with Linux's
 * partial-success rules (net/socket.c __sys_sendmmsg/do_recvmmsg): the
 * count of messages done once at least one was, else -1 and the first
 * call's errno; at most UIO_MAXIOV messages per call; MSG_WAITFORONE
 * turns on MSG_DONTWAIT after the first datagram; the timeout is checked
 * after each datagram (so, as on Linux, it does not bound the first
 * wait).  Kernel sockets go to libc's functions untouched; a socket not
 * yet decided goes through the sendmsg() hook, which decides it.
 */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sys/socket.h>
#include <time.h>

#include "epoll.h"
#include "shim.h"

#define EXPORT __attribute__((visibility("default")))
/* Linux's limit on messages per call (UIO_MAXIOV). */
#define MMSG_MAX 1024u

static int (*real_sendmmsg)(int, struct mmsghdr *, unsigned int, int);
static int (*real_recvmmsg)(int, struct mmsghdr *, unsigned int, int,
			    struct timespec *);
static pthread_once_t mmsg_once = PTHREAD_ONCE_INIT;

static void mmsg_init(void)
{
	*(void **)&real_sendmmsg = dlsym(RTLD_NEXT, "sendmmsg");
	*(void **)&real_recvmmsg = dlsym(RTLD_NEXT, "recvmmsg");
}

/* is_engine() - @fd is an engine socket (now). */
static bool is_engine(int fd)
{
	struct shim_sock *s = esock_get(fd);

	if (!s)
		return false;
	esock_put(s);
	return true;
}

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

EXPORT int sendmmsg(int fd, struct mmsghdr *v, unsigned int n, int flags)
{
	unsigned int i;
	int saved;
	ssize_t r;

	pthread_once(&mmsg_once, mmsg_init);
	if (!shim_enabled() || (!is_engine(fd) && !shim_fd_pending(fd))) {
		if (!real_sendmmsg) {
			errno = ENOSYS;
			return -1;
		}
		/* Engine sockets sent with SCM_RIGHTS (scm.c). */
		for (i = 0; shim_enabled() && i < n && i < MMSG_MAX; i++)
			if (v[i].msg_hdr.msg_control &&
			    v[i].msg_hdr.msg_controllen)
				scm_pass(&v[i].msg_hdr);
		return real_sendmmsg(fd, v, n, flags);
	}
	if (n > MMSG_MAX)
		n = MMSG_MAX;
	saved = errno;
	for (i = 0; i < n; i++) {
		r = sendmsg(fd, &v[i].msg_hdr, flags);
		if (r < 0)
			break;
		v[i].msg_len = (unsigned int)r;
	}
	if (i == 0 && n > 0)
		return -1; /* errno from the first sendmsg() */
	errno = saved;
	return (int)i;
}

EXPORT int recvmmsg(int fd, struct mmsghdr *v, unsigned int n, int flags,
		    struct timespec *timeout)
{
	int fl = flags & ~MSG_WAITFORONE;
	int64_t deadline = -1;
	unsigned int i;
	int saved;
	ssize_t r;

	pthread_once(&mmsg_once, mmsg_init);
	if (!shim_enabled() || !is_engine(fd)) {
		int got;

		if (!real_recvmmsg) {
			errno = ENOSYS;
			return -1;
		}
		got = real_recvmmsg(fd, v, n, flags, timeout);
		/* Engine sockets received with SCM_RIGHTS (scm.c). */
		for (i = 0; shim_enabled() && got > 0 && i < (unsigned int)got;
		     i++)
			scm_adopt(&v[i].msg_hdr);
		return got;
	}
	if (timeout) {
		if (timeout->tv_sec < 0 || timeout->tv_nsec < 0 ||
		    timeout->tv_nsec >= 1000000000) {
			errno = EINVAL;
			return -1;
		}
		deadline = mono_ns() + (int64_t)timeout->tv_sec * 1000000000 +
			   timeout->tv_nsec;
	}
	if (n > MMSG_MAX)
		n = MMSG_MAX;
	saved = errno;
	for (i = 0; i < n; i++) {
		r = recvmsg(fd, &v[i].msg_hdr, fl);
		if (r < 0)
			break;
		v[i].msg_len = (unsigned int)r;
		if (flags & MSG_WAITFORONE)
			fl |= MSG_DONTWAIT;
		if (deadline >= 0 && mono_ns() >= deadline)
			break;
	}
	if (i == 0 && n > 0)
		return -1; /* errno from the first recvmsg() */
	if (timeout) {
		int64_t left = deadline - mono_ns();

		if (left < 0)
			left = 0;
		timeout->tv_sec = (time_t)(left / 1000000000);
		timeout->tv_nsec = (long)(left % 1000000000);
	}
	errno = saved;
	return (int)i;
}

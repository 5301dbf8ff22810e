// SPDX-License-Identifier: MIT
/*
 * syscall.c - syscall(2), close_range(2) and closefrom(3) for programs
 * that go around the libc wrappers the shim interposes
 *
 * libuv closes fds and probes io_uring with raw syscall(); Python and
 * glib close fd ranges with close_range() after fork.  Each call that
 * touches fds the shim tracks is routed to the hook of the same name (the
 * libc wrapper's semantics: -1 and errno), execve and execveat included
 * (exec.c hands engine sockets on and keeps LD_PRELOAD); io_uring_setup
 * answers ENOSYS so that libuv keeps to epoll, whose engine half the shim
 * provides; every other number goes to the real syscall() with all six
 * arguments.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "epoll.h"
#include "shim.h"

#define EXPORT __attribute__((visibility("default")))
/* The kernel's sigset_t: the size epoll_pwait(2) insists on. */
#define KERNEL_SIGSET_SIZE (_NSIG / 8)

static long (*real_syscall)(long, ...);
static int (*real_close_range)(unsigned int, unsigned int, int);
static pthread_once_t real_once = PTHREAD_ONCE_INIT;

static void real_init(void)
{
	real_syscall = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
	real_close_range = (int (*)(unsigned int, unsigned int, int))dlsym(
		RTLD_NEXT, "close_range");
}

/*
 * The process whose memory this is.  A vfork() child (Python's subprocess
 * closes fds with close_range() in one) shares the parent's memory but has
 * its own pid: it must close its fds without touching the parent's fd
 * table and epoll sets.  A fork() child has its own copy and owns it.
 * The constructor only asks for the pid and registers a fork handler.
 */
static pid_t owner;

static void owner_after_fork(void)
{
	owner = getpid();
}

__attribute__((constructor)) static void owner_init(void)
{
	owner = getpid();
	(void)pthread_atfork(NULL, NULL, owner_after_fork);
}

static bool in_vfork_child(void)
{
	return getpid() != owner;
}

/** shim_in_vfork_child() - we run in a vfork() child (the parent's memory):
 * only kernel fds may be touched, never the shim's tables. */
bool shim_in_vfork_child(void)
{
	return in_vfork_child();
}

static bool enabled(void)
{
	bool on = shim_enabled();

	pthread_once(&real_once, real_init);
	return on;
}

static long fail(int err)
{
	errno = err;
	return -1;
}

/* raw_close_range() - the real close_range, through libc if it has one. */
static int raw_close_range(unsigned int first, unsigned int last, int flags)
{
	if (real_close_range)
		return real_close_range(first, last, flags);
	return (int)real_syscall(SYS_close_range, (long)first, (long)last,
				 (long)flags);
}

/**
 * close_range() - close_range(2): the engine sockets and epoll sets among
 * the fds are released as close() releases them
 *
 * The shim forgets the fds first and then lets the kernel close them, as
 * close() does, so a number reused by another thread meanwhile is not
 * mistaken for the old socket.  CLOSE_RANGE_CLOEXEC closes nothing, and
 * a vfork() child only closes its fds.
 */
EXPORT int close_range(unsigned int first, unsigned int last, int flags);
EXPORT int close_range(unsigned int first, unsigned int last, int flags)
{
	unsigned int fd, end;
	int saved;

	if (!enabled() || (flags & CLOSE_RANGE_CLOEXEC) || first > last ||
	    in_vfork_child())
		return raw_close_range(first, last, flags);
	end = shim_fds.cap ? (unsigned int)shim_fds.cap - 1 : 0;
	if (last < end)
		end = last;
	saved = errno;
	for (fd = first; shim_fds.cap && fd <= end; fd++)
		fdt_put(shim_forget_fd((int)fd));
	errno = saved;
	return raw_close_range(first, last, flags);
}

/** closefrom() - closefrom(3): close_range(@lowfd, ~0U, 0). */
EXPORT void closefrom(int lowfd);
EXPORT void closefrom(int lowfd)
{
	int fd;

	if (lowfd < 0)
		lowfd = 0;
	if (close_range((unsigned int)lowfd, ~0U, 0) == 0)
		return;
	/* No close_range (old kernel): one by one, as glibc falls back. */
	for (fd = lowfd; fd >= 0 && (size_t)fd < shim_fds.cap; fd++)
		(void)(in_vfork_child() ? shim_real.close(fd) : close(fd));
}

/*
 * ptr() - a syscall argument that is an address: syscall(2) passes every
 * argument as a long.
 */
static void *ptr(long v)
{
	/* NOLINTNEXTLINE(performance-no-int-to-ptr): that is what it is. */
	return (void *)(uintptr_t)v;
}

/* pwait_mask() - the sigmask argument of epoll_pwait(2)-style calls. */
static bool pwait_mask(long set, long size, const sigset_t **mask)
{
	*mask = ptr(set);
	return !set || size == KERNEL_SIGSET_SIZE;
}

/**
 * syscall() - syscall(2): calls on fds the shim tracks go to its hooks
 *
 * Return: as syscall(2): the result, or -1 with errno.
 */
EXPORT long syscall(long nr, ...);
EXPORT long syscall(long nr, ...)
{
	const sigset_t *mask;
	long a[6];
	va_list ap;
	int i;

	va_start(ap, nr);
	for (i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (!enabled())
		return real_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	switch (nr) {
	case SYS_io_uring_setup:
		/* libuv then uses epoll for everything (and never io_uring
		 * SQEs that would bypass the shim). */
		return fail(ENOSYS);
	case SYS_close:
		return close((int)a[0]);
	case SYS_close_range:
		return close_range((unsigned int)a[0], (unsigned int)a[1],
				   (int)a[2]);
	case SYS_dup:
		return dup((int)a[0]);
	case SYS_dup2:
		return dup2((int)a[0], (int)a[1]);
	case SYS_dup3:
		return dup3((int)a[0], (int)a[1], (int)a[2]);
	case SYS_fcntl:
		return fcntl((int)a[0], (int)a[1], a[2]);
	case SYS_ioctl:
		return ioctl((int)a[0], (unsigned long)a[1], a[2]);
	case SYS_epoll_create:
		return epoll_create((int)a[0]);
	case SYS_epoll_create1:
		return epoll_create1((int)a[0]);
	case SYS_epoll_ctl:
		return epoll_ctl((int)a[0], (int)a[1], (int)a[2], ptr(a[3]));
	case SYS_epoll_wait:
		return epoll_wait((int)a[0], ptr(a[1]), (int)a[2], (int)a[3]);
	case SYS_epoll_pwait:
		if (!pwait_mask(a[4], a[5], &mask))
			return fail(EINVAL);
		return epoll_pwait((int)a[0], ptr(a[1]), (int)a[2], (int)a[3],
				   mask);
	case SYS_epoll_pwait2:
		if (!pwait_mask(a[4], a[5], &mask))
			return fail(EINVAL);
		return epoll_pwait2((int)a[0], ptr(a[1]), (int)a[2], ptr(a[3]),
				    mask);
	case SYS_socket:
		return socket((int)a[0], (int)a[1], (int)a[2]);
	case SYS_bind:
		return bind((int)a[0], ptr(a[1]), (socklen_t)a[2]);
	case SYS_connect:
		return connect((int)a[0], ptr(a[1]), (socklen_t)a[2]);
	case SYS_listen:
		return listen((int)a[0], (int)a[1]);
	case SYS_accept:
		return accept((int)a[0], ptr(a[1]), ptr(a[2]));
	case SYS_shutdown:
		return shutdown((int)a[0], (int)a[1]);
	case SYS_getsockname:
		return getsockname((int)a[0], ptr(a[1]), ptr(a[2]));
	case SYS_getpeername:
		return getpeername((int)a[0], ptr(a[1]), ptr(a[2]));
	case SYS_setsockopt:
		return setsockopt((int)a[0], (int)a[1], (int)a[2], ptr(a[3]),
				  (socklen_t)a[4]);
	case SYS_getsockopt:
		return getsockopt((int)a[0], (int)a[1], (int)a[2], ptr(a[3]),
				  ptr(a[4]));
	case SYS_accept4:
		return accept4((int)a[0], ptr(a[1]), ptr(a[2]), (int)a[3]);
	case SYS_sendto:
		return sendto((int)a[0], ptr(a[1]), (size_t)a[2], (int)a[3],
			      ptr(a[4]), (socklen_t)a[5]);
	case SYS_recvfrom:
		return recvfrom((int)a[0], ptr(a[1]), (size_t)a[2], (int)a[3],
				ptr(a[4]), ptr(a[5]));
	case SYS_sendmsg:
		return sendmsg((int)a[0], ptr(a[1]), (int)a[2]);
	case SYS_recvmsg:
		return recvmsg((int)a[0], ptr(a[1]), (int)a[2]);
	case SYS_sendmmsg:
		return sendmmsg((int)a[0], ptr(a[1]), (unsigned int)a[2],
				(int)a[3]);
	case SYS_recvmmsg:
		return recvmmsg((int)a[0], ptr(a[1]), (unsigned int)a[2],
				(int)a[3], ptr(a[4]));
	case SYS_read:
		return read((int)a[0], ptr(a[1]), (size_t)a[2]);
	case SYS_write:
		return write((int)a[0], ptr(a[1]), (size_t)a[2]);
	case SYS_execve:
		return execve(ptr(a[0]), ptr(a[1]), ptr(a[2]));
	case SYS_execveat:
		return execveat((int)a[0], ptr(a[1]), ptr(a[2]), ptr(a[3]),
				(int)a[4]);
	default:
		return real_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	}
}
